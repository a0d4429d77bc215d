//! One lint rule per file. Add a rule by adding its file here and its line in
//! [`super::registry::RULES`].

pub mod duplicate_key;
pub mod ignored_setting;
pub mod invalid_duration;
pub mod invalid_value;
pub mod malformed_file;
pub mod missing_field;
pub mod never_starts;
pub mod unknown_key;
pub mod wrong_type;
pub mod yaml_syntax;
