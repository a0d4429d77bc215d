//! Which dialect a text is read as, for the CI dialects and their neighbours.

use pipescope::dialect::Dialect;

#[test]
fn ci_files_are_recognised_by_their_shape() {
    let cases = [
        ("on: push\njobs:\n  a: {runs-on: ubuntu-latest, steps: [{run: x}]}\n", Dialect::Github),
        ("jobs:\n  a:\n    uses: ./.github/workflows/x.yml\n", Dialect::Github),
        ("stages: [build, test]\nbuild: {stage: build, script: make}\n", Dialect::Gitlab),
        ("test:\n  script: make test\n", Dialect::Gitlab),
        (".template: {tags: [x]}\n", Dialect::Gitlab),
        ("include:\n  - local: a.yml\n", Dialect::Gitlab),
        ("spec:\n  inputs: {}\n---\nbuild: {script: make}\n", Dialect::Gitlab),
        ("pipeline:\n  stages:\n    - stage: {id: a}\n", Dialect::Native),
        ("stages:\n  - stage: {name: a}\n", Dialect::Native),
        ("apiVersion: v1\nkind: Workflow\nspec: {}\n---\nspec: {}\n", Dialect::Native),
        ("", Dialect::Native),
    ];
    for (text, dialect) in cases {
        assert_eq!(Dialect::detect(text), dialect, "{text}");
    }
}

#[test]
fn a_broken_file_is_recognised_by_its_top_level_keys() {
    let github = "name: CI\non: push\njobs:\n  a:\n    steps: [{run: x\n";
    assert_eq!(Dialect::detect(github), Dialect::Github);
    let gitlab = "stages: [build]\nbuild:\n  script: [make\n  stage: build\n";
    assert_eq!(Dialect::detect(gitlab), Dialect::Gitlab);
}

#[test]
fn the_names_read_back() {
    for dialect in [Dialect::Github, Dialect::Gitlab] {
        assert_eq!(dialect.name().parse::<Dialect>(), Ok(dialect));
    }
    assert!(Dialect::ALL.contains(&Dialect::Github) && Dialect::ALL.contains(&Dialect::Gitlab));
}
