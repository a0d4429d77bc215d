//! What the user tells pipescope that the file does not say. The readers take it (runner and
//! target counts, the GitHub plan) and `analysis` applies the rest, so it lives here, below
//! both.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::duration::DurationSpec;

/// What the user tells pipescope that the file does not say: real CI files carry no durations,
/// nor how many self-hosted runners or deployment targets there are, nor the plan of the
/// account that runs them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Task full id → duration (or a distribution), replacing whatever the file or the
    /// defaults gave.
    pub durations: BTreeMap<String, DurationSpec>,
    /// Runner label or tag → how many runners carry it.
    pub runners: BTreeMap<String, u32>,
    /// Deployment target role → how many targets have it.
    pub targets: BTreeMap<String, u32>,
    /// The GitHub plan whose limits jobs on GitHub-hosted runners share; `None`:
    /// [`GithubPlan::ASSUMED`], assumed (and said so).
    pub plan: Option<GithubPlan>,
}

/// The GitHub plan of the account a workflow runs in. It caps how many jobs run at once on
/// GitHub-hosted standard runners, all of them and those on macOS (GitHub's documentation,
/// "Actions limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GithubPlan {
    Free,
    Pro,
    Team,
    Enterprise,
}

impl GithubPlan {
    /// Every plan, from the smallest.
    pub const ALL: [GithubPlan; 4] =
        [GithubPlan::Free, GithubPlan::Pro, GithubPlan::Team, GithubPlan::Enterprise];

    /// The plan taken when nobody says: the one every account has at least.
    pub const ASSUMED: GithubPlan = GithubPlan::Free;

    /// Its one spelling for the CLI, saved state and the worker's messages: `free`, `pro`,
    /// `team`, `enterprise`.
    pub fn name(self) -> &'static str {
        match self {
            GithubPlan::Free => "free",
            GithubPlan::Pro => "pro",
            GithubPlan::Team => "team",
            GithubPlan::Enterprise => "enterprise",
        }
    }

    /// As GitHub writes it: `Free`, `Pro`, `Team`, `Enterprise`.
    pub fn title(self) -> &'static str {
        match self {
            GithubPlan::Free => "Free",
            GithubPlan::Pro => "Pro",
            GithubPlan::Team => "Team",
            GithubPlan::Enterprise => "Enterprise",
        }
    }

    /// How many jobs run at once on GitHub-hosted standard runners, macOS ones included.
    pub fn concurrent_jobs(self) -> u32 {
        match self {
            GithubPlan::Free => 20,
            GithubPlan::Pro => 40,
            GithubPlan::Team => 60,
            GithubPlan::Enterprise => 500,
        }
    }

    /// How many of those may run on macOS at once.
    pub fn concurrent_macos_jobs(self) -> u32 {
        match self {
            GithubPlan::Free | GithubPlan::Pro | GithubPlan::Team => 5,
            GithubPlan::Enterprise => 50,
        }
    }
}

impl FromStr for GithubPlan {
    type Err = String;

    /// Parses a [`GithubPlan::name`] (in any case).
    fn from_str(s: &str) -> Result<GithubPlan, String> {
        GithubPlan::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(s.trim())).ok_or_else(
            || {
                let names: Vec<&str> = GithubPlan::ALL.iter().map(|p| p.name()).collect();
                format!("unknown GitHub plan `{s}` (known: {})", names.join(", "))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_round_trip_by_name_and_grow() {
        for plan in GithubPlan::ALL {
            assert_eq!(plan.name().parse::<GithubPlan>(), Ok(plan));
            assert_eq!(plan.title().parse::<GithubPlan>(), Ok(plan), "any case");
            assert!(plan.concurrent_macos_jobs() <= plan.concurrent_jobs());
        }
        let limits: Vec<(u32, u32)> = GithubPlan::ALL
            .iter()
            .map(|p| (p.concurrent_jobs(), p.concurrent_macos_jobs()))
            .collect();
        assert_eq!(limits, [(20, 5), (40, 5), (60, 5), (500, 50)]);
        assert!("business".parse::<GithubPlan>().unwrap_err().contains("free, pro, team"));
    }
}
