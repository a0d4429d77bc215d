//! What the benchmarks share (`mod common;` in each; not a benchmark of its own).

use std::time::{Duration, Instant};

/// The median of `runs` timings of `f`.
pub fn median<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
