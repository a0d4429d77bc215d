//! Durations as ranges and distributions: the own format's forms (`3m..5m`, `{p50, p90}`,
//! `{samples}`) read into `DurationSpec`s, the diagnostics a bad one gets at its position, and
//! the same forms given from outside the file (`Inputs::durations`).

mod common;

use common::read_at;
use pipescope::dialect::native;
use pipescope::duration::{DurationSpec, Millis};
use pipescope::model::{DurationSource, Pipeline};
use pipescope::span::LineIndex;
use pipescope::{AnalyzeOptions, analyze};

fn m(minutes: u64) -> Millis {
    Millis(minutes * 60_000)
}

fn spec(p: &Pipeline, id: &str) -> DurationSpec {
    p.task(p.find_task(id).unwrap_or_else(|| panic!("no task {id}"))).duration.clone()
}

#[test]
fn the_documented_forms_read_as_their_distributions() {
    let (p, diagnostics) = read_at(
        "pipeline:
  stages:
    - stage: {id: build, duration: 3m..5m}
    - stage: {id: test, duration: {p50: 4m, p90: 9m}}
    - stage: {id: e2e, duration: {samples: [7m, 15m, 6m, 7m]}}
    - stage: {id: plain, duration: 2m}
    - stage: {id: spaced, duration: '1m .. 90'}
    - stage: {id: point, duration: 2m..2m}
    - stage:
        id: job
        steps:
          - step: {id: unit, duration: {p50: 30s, p90: 2m}}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(spec(&p, "build"), DurationSpec::Uniform { low: m(3), high: m(5) });
    assert_eq!(spec(&p, "test"), DurationSpec::LogNormal { p50: m(4), p90: m(9) });
    assert_eq!(spec(&p, "e2e"), DurationSpec::samples(vec![m(6), m(7), m(7), m(15)]).unwrap());
    assert_eq!(spec(&p, "plain"), DurationSpec::Fixed(m(2)));
    assert_eq!(spec(&p, "spaced"), DurationSpec::Uniform { low: m(1), high: Millis(90_000) });
    assert!(!spec(&p, "point").varies());
    assert_eq!(spec(&p, "job/unit"), DurationSpec::LogNormal { p50: Millis(30_000), p90: m(2) });
    let build = p.task(p.find_task("build").unwrap());
    assert_eq!(build.duration_source, DurationSource::Explicit);
}

#[test]
fn the_timeline_uses_the_median() {
    let text = "pipeline:
  stages:
    - stage: {id: build, duration: 3m..5m}
    - stage: {id: test, duration: {p50: 4m, p90: 9m}}
    - stage: {id: e2e, duration: {samples: [6m, 7m, 7m, 15m]}}
";
    let analysis = analyze(text, &AnalyzeOptions::default());
    // 4m (the middle of the range) + 4m (p50) + 7m (the mean of the two middle samples).
    assert_eq!(analysis.schedule.makespan, m(15));
}

#[test]
fn defaults_take_a_distribution_too() {
    let (p, diagnostics) = read_at(
        "pipeline:
  defaults:
    duration: {samples: [1m, 3m]}
  stages:
    - stage: {id: a}
    - stage: {id: b, duration: 5m}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let a = p.task(p.find_task("a").unwrap());
    assert_eq!(a.duration, DurationSpec::samples(vec![m(1), m(3)]).unwrap());
    assert_eq!(a.duration_source, DurationSource::Default);
    assert_eq!(spec(&p, "b"), DurationSpec::Fixed(m(5)));
}

#[test]
fn a_bad_duration_is_reported_where_it_is_written_and_the_default_is_used() {
    let (p, diagnostics) = read_at(
        "pipeline:
  stages:
    - stage: {id: backwards, duration: 5m..3m}
    - stage: {id: negative, duration: -3m}
    - stage: {id: negative-low, duration: -1m..3m}
    - stage: {id: quantiles, duration: {p50: 9m, p90: 4m}}
    - stage: {id: zero, duration: {p50: 0s, p90: 4m}}
    - stage: {id: empty, duration: {samples: []}}
    - stage: {id: typo, duration: {p50: 4m, p09: 9m}}
    - stage: {id: half, duration: {p90: 9m}}
    - stage: {id: both, duration: {p50: 1m, p90: 2m, samples: [1m]}}
    - stage: {id: nothing, duration: {}}
    - stage: {id: listed, duration: [1m, 2m]}
    - stage: {id: bad-sample, duration: {samples: [1m, soon, 3m]}}
    - stage: {id: bad-quantile, duration: {p50: 4m, p90: later}}
",
    );
    assert_eq!(
        diagnostics,
        [
            "3:40 PS005 invalid duration `5m..3m`: the range ends (3m) before it starts (5m)",
            "4:39 PS005 invalid duration `-3m`: a duration cannot be negative",
            "5:43 PS005 invalid duration `-1m..3m`: a duration cannot be negative",
            "6:55 PS005 invalid duration: p90 (4m) is below p50 (9m); p90 must be at least p50",
            "7:41 PS005 invalid duration: p50 must be more than zero",
            "8:46 PS005 `samples` is empty",
            "9:45 PS003 unknown key `p09` in a duration; it is ignored",
            "9:35 PS007 a duration with `p50` also needs `p90`, its 90th percentile",
            "10:35 PS007 a duration with `p90` also needs `p50`, its median",
            "11:35 PS005 a duration gives either `p50` and `p90` or `samples`, not both",
            "12:38 PS007 a duration mapping needs `p50` and `p90`, or `samples`",
            "13:37 PS004 a duration must be text such as `4m` or `3m..5m`, or a mapping with \
             `p50` and `p90` or with `samples`, not a list",
            "14:56 PS005 invalid duration `soon`: `soon` is not a number",
            "15:58 PS005 invalid duration `later`: `later` is not a number",
        ]
    );
    let fallback = DurationSpec::Fixed(m(1));
    for id in [
        "backwards",
        "negative",
        "negative-low",
        "quantiles",
        "zero",
        "empty",
        "typo",
        "half",
        "both",
        "nothing",
        "listed",
        "bad-quantile",
    ] {
        assert_eq!(spec(&p, id), fallback, "{id}");
        assert_eq!(p.task(p.find_task(id).unwrap()).duration_source, DurationSource::Default);
    }
    // The samples that can be read are still real runs.
    assert_eq!(spec(&p, "bad-sample"), DurationSpec::samples(vec![m(1), m(3)]).unwrap());
}

#[test]
fn an_unknown_key_in_a_duration_suggests_the_closest() {
    let (_, diagnostics) = native::read(
        "pipeline:\n  stages:\n    - stage: {id: a, duration: {p50: 4m, p90: 9m, sample: [1m]}}\n",
    );
    let d = diagnostics.iter().find(|d| d.name() == "unknown-key").expect("an unknown key");
    assert_eq!(d.help.as_deref(), Some("did you mean `samples`?"));
}

#[test]
fn a_stage_with_steps_ignores_its_distribution_as_it_does_its_duration() {
    let (p, diagnostics) = read_at(
        "pipeline:
  stages:
    - stage:
        id: job
        duration: 3m..5m
        steps:
          - step: {id: a, duration: 1m}
",
    );
    assert_eq!(
        diagnostics,
        [
            "5:19 PS008 `duration` is ignored on `job`: a stage with steps lasts until its last step ends"
        ]
    );
    assert_eq!(spec(&p, "job"), DurationSpec::Fixed(Millis::ZERO));
}

/// `Inputs::durations` (a `--durations` file) in the same forms.
mod given_from_outside {
    use super::*;

    const JOB: &str = "pipeline:
  stages:
    - stage: {id: build, duration: 1m}
    - stage:
        id: job
        steps:
          - step: {id: a, duration: 1m}
          - step: {id: b, duration: 1m..3m}
";

    fn with(durations: &[(&str, &str)]) -> pipescope::Analysis {
        let mut options = AnalyzeOptions::default();
        for (id, text) in durations {
            let spec = pipescope::duration::parse_spec(text).expect("a duration");
            options.inputs.durations.insert(id.to_string(), spec);
        }
        analyze(JOB, &options)
    }

    #[test]
    fn a_distribution_replaces_a_tasks_duration() {
        let analysis = with(&[("build", "3m..5m")]);
        let p = &analysis.pipeline;
        let build = p.task(p.find_task("build").unwrap());
        assert_eq!(build.duration, DurationSpec::Uniform { low: m(3), high: m(5) });
        assert_eq!(build.duration_source, DurationSource::Override);
        // build 4m (median), then job: a 1m, b 2m.
        assert_eq!(analysis.schedule.makespan, m(7));
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    }

    #[test]
    fn a_stage_with_steps_is_scaled_to_the_median_and_says_so() {
        // The job spans 3m (a 1m, b's median 2m); its median 6m doubles both steps, and b keeps
        // its range around the new median.
        let analysis = with(&[("job", "4m..8m")]);
        let p = &analysis.pipeline;
        assert_eq!(spec(p, "job/a"), DurationSpec::Fixed(m(2)));
        assert_eq!(spec(p, "job/b"), DurationSpec::Uniform { low: m(2), high: m(6) });
        assert_eq!(analysis.schedule.makespan, m(7));
        let messages: Vec<&str> = analysis.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["only the median (6m) of the duration 4m..8m given for `job` is used: a stage \
                 with steps is scaled to one duration; give its steps distributions to vary it"]
        );
        let at = LineIndex::new(JOB).line_col(JOB, analysis.diagnostics[0].span.start);
        assert_eq!((at.line, at.column), (5, 13));
    }

    #[test]
    fn a_fixed_duration_for_a_stage_with_steps_says_nothing() {
        let analysis = with(&[("job", "6m")]);
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
        assert_eq!(analysis.schedule.makespan, m(7));
    }
}
