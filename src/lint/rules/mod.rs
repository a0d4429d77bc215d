//! One lint rule per file. Add a rule by adding its file here and its line in
//! [`super::registry::RULES`].

pub mod approximated;
pub mod barrier_deadlock;
pub mod demand_exceeds_capacity;
pub mod dependency_cycle;
pub mod duplicate_id;
pub mod duplicate_key;
pub mod empty_parallel;
pub mod external_template;
pub mod ignored_setting;
pub mod invalid_duration;
pub mod invalid_value;
pub mod malformed_file;
pub mod manual_intervention_in_parallel;
pub mod missing_field;
pub mod never_starts;
pub mod not_a_pipeline;
pub mod not_evaluated;
pub mod parallel_output_dependency;
pub mod redundant_dependency;
pub mod runtime_value;
pub mod self_dependency;
pub mod serialized_parallel;
pub mod single_member_parallel;
pub mod unexpanded_loop;
pub mod unknown_dependency;
pub mod unknown_key;
pub mod unknown_resource;
pub mod unknown_role;
pub mod wrong_type;
pub mod yaml_syntax;

// Rules of the GitHub Actions and GitLab CI dialects (PS3xx).
pub mod concurrency_deadlock;
pub mod duplicate_needs;
pub mod extends_cycle;
pub mod history_mismatch;
pub mod include_not_fetched;
pub mod invalid_max_parallel;
pub mod needs_later_stage;
pub mod not_simulated;
pub mod runner_capacity_assumed;
pub mod serialized_group;
pub mod undeclared_stage;
pub mod unknown_extends;
pub mod unknown_needs;
pub mod unknown_reference;
