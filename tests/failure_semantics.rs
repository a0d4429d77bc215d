//! The own format's failure keys (`allow_failure`, `retries`, `when`), read into the model's
//! typed settings, with the diagnostics a wrong value gets, and the notes derived from them.

use pipescope::dialect::native;
use pipescope::model::{AllowFailure, Pipeline, RunWhen, TaskIdx};

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
