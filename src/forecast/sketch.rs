//! A log-linear histogram: quantiles of millions of values in memory that does not grow with
//! their number.
//!
//! Values below 128 ms get a bucket each; above, every power of two is split into 128 buckets,
//! so a bucket is at most 1/128 of its values wide and a quantile read from its middle is within
//! 0.4% of the true one. The index comes from the value's bits (no logarithm), so recording
//! costs a few instructions. Only the span of buckets used is stored; the exact minimum and
//! maximum are kept too, and every quantile is clamped to them, so values that never vary come
//! out exact.

use crate::duration::Millis;

/// Sub-buckets per power of two (a power of two itself).
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;

#[derive(Debug, Clone, Default)]
pub struct Sketch {
    /// Counts of buckets `first..first + counts.len()`.
    counts: Vec<u32>,
    first: usize,
    total: u64,
    sum: u128,
    min: u64,
    max: u64,
}

fn bucket(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let exp = 63 - v.leading_zeros(); // >= SUB_BITS
    let shift = exp - SUB_BITS;
    let mantissa = (v >> shift) & (SUB - 1);
    (SUB + u64::from(shift) * SUB + mantissa) as usize
}

/// The smallest value in bucket `b`, and its width.
fn bounds(b: usize) -> (u64, u64) {
    let b = b as u64;
    if b < SUB {
        return (b, 1);
    }
    let shift = (b - SUB) / SUB;
    let mantissa = (b - SUB) % SUB;
    ((SUB + mantissa) << shift, 1 << shift)
}

impl Sketch {
    pub fn record(&mut self, value: Millis) {
        let v = value.0;
        let b = bucket(v);
        // The common case: a bucket already in the span (never when empty: no span yet).
        match self.counts.get_mut(b.wrapping_sub(self.first)) {
            Some(count) => *count += 1,
            None => self.widen(b, v),
        }
        self.total += 1;
        self.sum += u128::from(v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    /// Counts a value in bucket `b`, outside the span so far: grows the span to take it.
    #[cold]
    fn widen(&mut self, b: usize, v: u64) {
        if self.total == 0 {
            self.counts.clear();
            self.counts.push(0);
            self.first = b;
            self.min = v;
            self.max = v;
        } else if b < self.first {
            let grow = self.first - b;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = b;
        } else {
            self.counts.resize(b - self.first + 1, 0);
        }
        self.counts[b - self.first] += 1;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn min(&self) -> Millis {
        Millis(self.min)
    }

    pub fn max(&self) -> Millis {
        Millis(self.max)
    }

    /// The mean, rounded to the millisecond.
    pub fn mean(&self) -> Millis {
        if self.total == 0 {
            return Millis::ZERO;
        }
        let t = u128::from(self.total);
        Millis(((self.sum + t / 2) / t) as u64)
    }

    /// The value at quantile `q` (0..=1) by nearest rank, from the middle of its bucket,
    /// clamped to the values seen.
    pub fn quantile(&self, q: f64) -> Millis {
        if self.total == 0 {
            return Millis::ZERO;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                return Millis(self.representative(self.first + k));
            }
        }
        Millis(self.max)
    }

    fn representative(&self, b: usize) -> u64 {
        let (low, width) = bounds(b);
        (low + (width - 1) / 2).clamp(self.min, self.max)
    }

    /// The values in `bins` equal bins from the minimum to the maximum (one bin when they are
    /// all equal). Each bucket's count goes to the bin of its middle, so bin edges are as
    /// precise as the buckets.
    pub fn histogram(&self, bins: usize) -> Vec<(Millis, Millis, u64)> {
        if self.total == 0 || bins == 0 {
            return Vec::new();
        }
        let (min, max) = (self.min, self.max);
        if min == max {
            return vec![(Millis(min), Millis(max), self.total)];
        }
        let width = (max - min) as f64 / bins as f64;
        let edge = |k: usize| {
            if k == bins { max } else { min + (width * k as f64).round() as u64 }
        };
        let mut out: Vec<(Millis, Millis, u64)> =
            (0..bins).map(|k| (Millis(edge(k)), Millis(edge(k + 1)), 0)).collect();
        for (k, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let v = self.representative(self.first + k);
            let bin = (((v - min) as f64 / width) as usize).min(bins - 1);
            out[bin].2 += u64::from(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_once_and_stay_narrow() {
        for v in (0..5_000u64).chain([1 << 20, (1 << 20) + 12_345, u64::from(u32::MAX), 1 << 40]) {
            let (low, width) = bounds(bucket(v));
            assert!(low <= v && v < low + width, "{v} outside [{low}, {})", low + width);
            assert!(width == 1 || width * SUB <= low, "{v}: bucket too wide ({width} at {low})");
        }
        assert_eq!(bucket(127) + 1, bucket(128));
        assert_eq!(bucket(255) + 1, bucket(256));
    }

    #[test]
    fn quantiles_are_within_half_a_bucket_and_exact_for_one_value() {
        let mut s = Sketch::default();
        for v in 1..=100_000u64 {
            s.record(Millis(v * 10));
        }
        for (q, truth) in [(0.5, 500_000.0), (0.9, 900_000.0), (0.99, 990_000.0)] {
            let got = s.quantile(q).0 as f64;
            assert!((got - truth).abs() / truth < 0.004, "q{q}: {got} vs {truth}");
        }
        assert_eq!((s.min(), s.max(), s.mean()), (Millis(10), Millis(1_000_000), Millis(500_005)));
        let mut one = Sketch::default();
        for _ in 0..1000 {
            one.record(Millis(123_457));
        }
        assert_eq!(one.quantile(0.5), Millis(123_457));
        assert_eq!(one.quantile(0.99), Millis(123_457));
        assert_eq!(one.histogram(50), vec![(Millis(123_457), Millis(123_457), 1000)]);
    }

    #[test]
    fn the_histogram_spans_min_to_max_and_counts_everything() {
        let mut s = Sketch::default();
        for v in [1000u64, 2000, 2000, 3000, 500_000] {
            s.record(Millis(v));
        }
        let h = s.histogram(50);
        assert_eq!(h.len(), 50);
        assert_eq!(h[0].0, Millis(1000));
        assert_eq!(h[49].1, Millis(500_000));
        assert_eq!(h.iter().map(|b| b.2).sum::<u64>(), 5);
        assert_eq!(h[0].2, 4);
        assert_eq!(h[49].2, 1);
    }
}
