//! The one place Harness text becomes part of a task id.

/// An `identifier` as an id: Harness identifiers hold letters, digits, `_` and `$`; a `/` would
/// read as a level of the id path and a space as a break, so both become `_`.
pub fn identifier(text: &str) -> String {
    text.replace(['/', ' '], "_")
}

/// A value (a matrix value, a repeat item, a display name) made fit for an id: characters other
/// than letters, digits, `-`, `_` and `.` become `-`, at most 40 are kept, and no `-` is left at
/// either end.
pub fn value_part(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
        .take(40)
        .collect();
    s.trim_matches('-').to_string()
}
