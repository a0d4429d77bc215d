//! What the user tells pipescope that the file does not say. The readers take it (runner and
//! target counts) and `analysis` applies the rest, so it lives here, below both.

use std::collections::BTreeMap;

use crate::duration::DurationSpec;

/// What the user tells pipescope that the file does not say: real CI files carry no durations,
/// nor how many self-hosted runners or deployment targets there are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Task full id → duration (or a distribution), replacing whatever the file or the
    /// defaults gave.
    pub durations: BTreeMap<String, DurationSpec>,
    /// Runner label or tag → how many runners carry it.
    pub runners: BTreeMap<String, u32>,
    /// Deployment target role → how many targets have it.
    pub targets: BTreeMap<String, u32>,
}
