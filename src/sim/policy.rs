//! The order in which ready tasks compete for resources, and its one spelling.
//!
//! The CLI (`--policy`), the app's picker and its saved state all parse and print a policy
//! through [`Policy::from_str`] and [`Policy::name`], so a name means the same everywhere.

use std::fmt;
use std::str::FromStr;

/// The order in which ready tasks compete for resources.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Policy {
    /// The task that became ready first starts first; ties go to the earlier in the file.
    #[default]
    Fifo,
    /// Ready tasks are always considered in file order.
    DocumentOrder,
    /// One number per task (indexed like `Pipeline::tasks`): the smaller starts first; ties go
    /// to the task that became ready first, then to the earlier in the file. What a schedule
    /// advisor or a priority rule (latest finish time, most successors) produces.
    Priority(Vec<i64>),
}

/// A key that orders candidates: smaller starts first. The task index comes last so that the
/// order is total and follows the file.
pub(crate) type Key = (u64, u64, u32);

impl Policy {
    /// The policies a person can choose by name, in the order a picker lists them.
    pub const NAMED: [Policy; 2] = [Policy::Fifo, Policy::DocumentOrder];

    /// The name used by the CLI, the app and saved state.
    pub fn name(&self) -> &'static str {
        match self {
            Policy::Fifo => "fifo",
            Policy::DocumentOrder => "order",
            Policy::Priority(_) => "priority",
        }
    }

    /// What the name means, for help texts and pickers.
    pub fn description(&self) -> &'static str {
        match self {
            Policy::Fifo => "First ready first",
            Policy::DocumentOrder => "File order",
            Policy::Priority(_) => "By priority",
        }
    }

    /// The dispatch key of a task that became ready at `ready` (milliseconds).
    pub(crate) fn key(&self, task: u32, ready: u64) -> Key {
        match self {
            Policy::Fifo => (ready, 0, task),
            Policy::DocumentOrder => (0, 0, task),
            // Flipping the sign bit keeps the order of signed numbers as unsigned ones.
            Policy::Priority(p) => {
                let rank = p.get(task as usize).copied().unwrap_or(i64::MAX);
                ((rank as u64) ^ (1 << 63), ready, task)
            }
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A policy name that is not one of [`Policy::NAMED`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPolicy(pub String);

impl fmt::Display for UnknownPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Policy::NAMED.iter().map(Policy::name).collect();
        write!(f, "unknown policy `{}`; expected one of {}", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownPolicy {}

impl FromStr for Policy {
    type Err = UnknownPolicy;

    /// Parses a name of [`Policy::NAMED`]. A priority vector has no name to parse: it is built
    /// from numbers, not chosen.
    fn from_str(s: &str) -> Result<Policy, UnknownPolicy> {
        Policy::NAMED.into_iter().find(|p| p.name() == s).ok_or_else(|| UnknownPolicy(s.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Policy::NAMED {
            assert_eq!(p.name().parse::<Policy>(), Ok(p.clone()));
            assert_eq!(p.to_string(), p.name());
        }
        let err = "lifo".parse::<Policy>().unwrap_err();
        assert_eq!(err.to_string(), "unknown policy `lifo`; expected one of fifo, order");
    }

    #[test]
    fn priority_orders_by_rank_then_ready_time_then_file() {
        let p = Policy::Priority(vec![5, -3, 5]);
        let mut keys = [p.key(0, 10), p.key(1, 50), p.key(2, 0)];
        keys.sort();
        assert_eq!(keys.map(|k| k.2), [1, 2, 0]);
    }
}
