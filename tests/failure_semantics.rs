//! The own format's failure keys (`allow_failure`, `retries`, `when`, `failure_rate`), read
//! into the model's typed settings, with the diagnostics a wrong value gets (at its position),
//! and the notes derived from them.

use pipescope::dialect::native;
use pipescope::model::{AllowFailure, Pipeline, RunWhen, TaskIdx};
use pipescope::span::LineIndex;

fn read(text: &str) -> (Pipeline, Vec<String>) {
    let (pipeline, diagnostics) = native::read(text);
    (pipeline, diagnostics.iter().map(|d| format!("{} {}", d.code(), d.message)).collect())
}

fn idx(p: &Pipeline, id: &str) -> TaskIdx {
    p.find_task(id).unwrap_or_else(|| panic!("no task {id}"))
}

#[test]
fn allow_failure_on_stages_and_steps() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: lint, allow_failure: true}
    - stage:
        id: deploy
        allow_failure: false
        steps:
          - step: {id: probe, allow_failure: true}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let lint = p.task(idx(&p, "lint"));
    assert_eq!(lint.failure.allow, AllowFailure::Yes);
    assert!(lint.failure.span.is_some());
    assert_eq!(p.task(idx(&p, "deploy")).failure.allow, AllowFailure::No);
    assert_eq!(p.task(idx(&p, "deploy/probe")).failure.allow, AllowFailure::Yes);
    let notes = p.task_notes(idx(&p, "lint"));
    assert_eq!((notes[0].key.as_str(), notes[0].text.as_str()), ("allow_failure", "true"));
}

#[test]
fn retries_count_attempts_after_the_first() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: upload, retries: 2}
    - stage: {id: never, retries: 0}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let retry = p.task(idx(&p, "upload")).failure.retry.clone().expect("a retry");
    assert_eq!(retry.max, 2);
    assert!(retry.when.is_empty());
    assert_eq!(p.task(idx(&p, "never")).failure.retry.as_ref().map(|r| r.max), Some(0));
    let notes = p.task_notes(idx(&p, "upload"));
    assert_eq!((notes[0].key.as_str(), notes[0].text.as_str()), ("retries", "2"));
}

#[test]
fn when_says_which_outcomes_let_a_task_run() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: test, when: on_success}
    - stage: {id: report, when: on_failure}
    - stage: {id: cleanup, when: always}
    - stage: {id: plain}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let when = |id: &str| p.task(idx(&p, id)).when;
    assert_eq!(when("test"), RunWhen::OnSuccess);
    assert_eq!(when("report"), RunWhen::OnFailure);
    assert_eq!(when("cleanup"), RunWhen::Always);
    assert_eq!(when("plain"), RunWhen::OnSuccess);
    assert!(p.task(idx(&p, "plain")).when_span.is_none());
    let notes = p.task_notes(idx(&p, "report"));
    assert_eq!(notes[0].key, "when");
    assert_eq!(notes[0].text, "on_failure: runs only when something before it failed");
}

#[test]
fn wrong_values_are_reported_and_the_default_is_used() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: a, allow_failure: yes please, retries: -1, when: on_fail}
    - stage: {id: b, retries: many}
",
    );
    assert_eq!(
        diagnostics,
        [
            "PS006 `when` is one of on_success, on_failure, always, not `on_fail`; `on_success` is used",
            "PS004 `allow_failure` must be `true` or `false`, not a string",
            "PS006 `retries` is -1; it must be a whole number of at least 0, so it is ignored",
            "PS004 `retries` must be a whole number of retries, such as `2`, not a string",
        ]
    );
    let a = p.task(idx(&p, "a"));
    assert!(a.failure.is_default());
    assert_eq!(a.when, RunWhen::OnSuccess);
    assert!(p.task(idx(&p, "b")).failure.retry.is_none());
}

/// The diagnostics as `line:col CODE message`, to check where each is reported.
fn read_at(text: &str) -> (Pipeline, Vec<String>) {
    let (pipeline, diagnostics) = native::read(text);
    let index = LineIndex::new(text);
    let rendered = diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(text, d.span.start);
            format!("{}:{} {} {}", at.line, at.column, d.code(), d.message)
        })
        .collect();
    (pipeline, rendered)
}

#[test]
fn failure_rate_is_a_fraction_or_a_percentage() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: percent, failure_rate: 10%}
    - stage: {id: fraction, failure_rate: 0.25}
    - stage: {id: never, failure_rate: 0}
    - stage: {id: always, failure_rate: 1}
    - stage: {id: all, failure_rate: 100%}
    - stage: {id: spaced, failure_rate: '2.5 %'}
    - stage: {id: quoted, failure_rate: '0.5'}
    - stage: {id: unset}
    - stage:
        id: deploy
        steps:
          - step: {id: upload, failure_rate: 5%, retries: 2}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let rate = |id: &str| p.task(idx(&p, id)).failure_rate;
    assert_eq!(rate("percent"), 0.1);
    assert_eq!(rate("fraction"), 0.25);
    assert_eq!(rate("never"), 0.0);
    assert_eq!(rate("always"), 1.0);
    assert_eq!(rate("all"), 1.0);
    assert_eq!(rate("spaced"), 0.025);
    assert_eq!(rate("quoted"), 0.5);
    assert_eq!(rate("unset"), 0.0);
    assert_eq!(rate("deploy/upload"), 0.05);
    assert_eq!(p.task(idx(&p, "deploy/upload")).failure.retry.as_ref().map(|r| r.max), Some(2));
}

#[test]
fn a_bad_failure_rate_or_retry_count_is_reported_where_it_is_written() {
    let (p, diagnostics) = read_at(
        "pipeline:
  stages:
    - stage: {id: over, failure_rate: 150%}
    - stage: {id: whole, failure_rate: 10}
    - stage: {id: negative, failure_rate: -0.1}
    - stage: {id: below, failure_rate: -5%}
    - stage: {id: word, failure_rate: often}
    - stage: {id: flag, failure_rate: true}
    - stage: {id: back, retries: -1}
    - stage:
        id: group
        failure_rate: 20%
        steps:
          - step: {id: s, failure_rate: 0.5}
",
    );
    assert_eq!(
        diagnostics,
        [
            "3:39 PS006 `failure_rate` is 150%; a rate is from 0% to 100%, so it is ignored",
            "4:40 PS006 `failure_rate` is 10; a rate is from 0 to 1, so it is ignored",
            "5:43 PS006 `failure_rate` is -0.1; a rate is from 0 to 1, so it is ignored",
            "6:40 PS006 `failure_rate` is -5%; a rate is from 0% to 100%, so it is ignored",
            "7:39 PS004 `failure_rate` must be a number from 0 to 1 or a percentage such as \
             `10%`, not a string",
            "8:39 PS004 `failure_rate` must be a number from 0 to 1 or a percentage such as \
             `10%`, not a boolean",
            "9:34 PS006 `retries` is -1; it must be a whole number of at least 0, so it is ignored",
            "12:23 PS008 `failure_rate` has no effect on `group`: a stage with steps fails only \
             through its steps",
        ]
    );
    for id in ["over", "whole", "negative", "below", "word", "flag", "group"] {
        assert_eq!(p.task(idx(&p, id)).failure_rate, 0.0, "{id}");
    }
    assert!(p.task(idx(&p, "back")).failure.retry.is_none());
    assert_eq!(p.task(idx(&p, "group/s")).failure_rate, 0.5);
    let (_, found) = native::read("pipeline:\n  stages:\n    - stage: {id: a, failure_rate: 10}\n");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `10%`?"));
    let (_, found) = read("pipeline:\n  stages:\n    - stage: {id: a, failure_rate: .nan}\n");
    assert_eq!(found, ["PS006 `failure_rate` is .nan; a rate is from 0 to 1, so it is ignored"]);
}
