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

/// A key that orders candidates: smaller starts first. One integer, so that comparing two
/// (which the dispatcher's queues do at every step) is one comparison: from the high bits, the
/// task's rank under the policy, when it became ready (milliseconds) when the policy looks at
/// that, and last the task's index, so that the order is total and follows the file.
pub(crate) type Key = u128;

/// Builds [`Key`]s for one pipeline under one policy.
#[derive(Debug, Clone)]
pub(crate) struct KeyMaker {
    /// Each task's rank: its priority's place among the distinct priorities (smallest 0);
    /// empty when the policy has no priorities.
    ranks: Vec<u32>,
    by_ready: bool,
}

impl KeyMaker {
    /// The keys of `n` tasks under `policy` (a priority policy gives one number per task).
    pub(crate) fn new(policy: &Policy, n: usize) -> KeyMaker {
        match policy {
            Policy::Fifo => KeyMaker { ranks: Vec::new(), by_ready: true },
            Policy::DocumentOrder => KeyMaker { ranks: Vec::new(), by_ready: false },
            Policy::Priority(p) => {
                // Missing numbers rank last.
                let priority = |i: usize| p.get(i).copied().unwrap_or(i64::MAX);
                let mut distinct: Vec<i64> = (0..n).map(priority).collect();
                distinct.sort_unstable();
                distinct.dedup();
                let ranks = (0..n)
                    .map(|i| distinct.binary_search(&priority(i)).unwrap_or(0) as u32)
                    .collect();
                KeyMaker { ranks, by_ready: true }
            }
        }
    }

    /// The dispatch key of a task that became ready at `ready` (milliseconds).
    pub(crate) fn key(&self, task: u32, ready: u64) -> Key {
        let rank = self.ranks.get(task as usize).copied().unwrap_or(0);
        let ready = if self.by_ready { ready } else { 0 };
        u128::from(rank) << 96 | u128::from(ready) << 32 | u128::from(task)
    }
}

/// The task a key belongs to.
pub(crate) fn key_task(key: Key) -> u32 {
    key as u32
}

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
        let keys = KeyMaker::new(&Policy::Priority(vec![5, -3, 5, i64::MAX, i64::MIN]), 5);
        let mut order =
            [keys.key(0, 10), keys.key(1, 50), keys.key(2, 0), keys.key(3, 0), keys.key(4, 99)];
        order.sort();
        assert_eq!(order.map(key_task), [4, 1, 2, 0, 3]);
    }

    #[test]
    fn fifo_orders_by_ready_time_then_file_and_document_order_by_file() {
        let fifo = KeyMaker::new(&Policy::Fifo, 3);
        let mut order = [fifo.key(0, u64::MAX), fifo.key(1, 7), fifo.key(2, 7)];
        order.sort();
        assert_eq!(order.map(key_task), [1, 2, 0]);
        let file = KeyMaker::new(&Policy::DocumentOrder, 3);
        let mut order = [file.key(2, 0), file.key(1, 50), file.key(0, 99)];
        order.sort();
        assert_eq!(order.map(key_task), [0, 1, 2]);
    }
}
