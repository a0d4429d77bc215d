//! Every rule, once, in code order. The docs page and the app's rule links come from here.

use super::Rule;
use super::rules::*;

pub static RULES: &[&Rule] = &[
    &yaml_syntax::YAML_SYNTAX,
    &duplicate_key::DUPLICATE_KEY,
    &unknown_key::UNKNOWN_KEY,
    &wrong_type::WRONG_TYPE,
    &invalid_duration::INVALID_DURATION,
    &invalid_value::INVALID_VALUE,
    &missing_field::MISSING_FIELD,
    &ignored_setting::IGNORED_SETTING,
    &malformed_file::MALFORMED_FILE,
    &never_starts::NEVER_STARTS,
    &duplicate_id::DUPLICATE_ID,
    &unknown_dependency::UNKNOWN_DEPENDENCY,
    &dependency_cycle::DEPENDENCY_CYCLE,
    &self_dependency::SELF_DEPENDENCY,
    &unknown_resource::UNKNOWN_RESOURCE,
    &demand_exceeds_capacity::DEMAND_EXCEEDS_CAPACITY,
    &serialized_parallel::SERIALIZED_PARALLEL,
    &redundant_dependency::REDUNDANT_DEPENDENCY,
    &empty_parallel::EMPTY_PARALLEL,
    &single_member_parallel::SINGLE_MEMBER_PARALLEL,
    &not_evaluated::NOT_EVALUATED,
    &barrier_deadlock::BARRIER_DEADLOCK,
    &parallel_output_dependency::PARALLEL_OUTPUT_DEPENDENCY,
    &manual_intervention_in_parallel::MANUAL_INTERVENTION_IN_PARALLEL,
    &unknown_role::UNKNOWN_ROLE,
    &not_a_pipeline::NOT_A_PIPELINE,
    &unexpanded_loop::UNEXPANDED_LOOP,
    &runtime_value::RUNTIME_VALUE,
    &external_template::EXTERNAL_TEMPLATE,
    &approximated::APPROXIMATED,
    &unknown_needs::UNKNOWN_NEEDS,
    &duplicate_needs::DUPLICATE_NEEDS,
    &needs_later_stage::NEEDS_LATER_STAGE,
    &invalid_max_parallel::INVALID_MAX_PARALLEL,
    &serialized_group::SERIALIZED_GROUP,
    &extends_cycle::EXTENDS_CYCLE,
    &unknown_extends::UNKNOWN_EXTENDS,
    &runner_capacity_assumed::RUNNER_CAPACITY_ASSUMED,
    &include_not_fetched::INCLUDE_NOT_FETCHED,
    &undeclared_stage::UNDECLARED_STAGE,
    &not_simulated::NOT_SIMULATED,
    &unknown_reference::UNKNOWN_REFERENCE,
    &concurrency_deadlock::CONCURRENCY_DEADLOCK,
    &history_mismatch::HISTORY_MISMATCH,
];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code_or_name || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in RULES {
            assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(rule.code.starts_with("PS") && rule.code.len() == 5, "{}", rule.code);
            assert!(
                rule.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                rule.name
            );
            for section in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.name);
            }
        }
    }
}
