//! Timestamps as the CI systems' APIs write them (RFC 3339: `2024-05-01T09:42:40Z`,
//! `2015-12-24T15:51:21.880+01:00`), read into milliseconds since 1970 without a date crate:
//! this is the one format the importer needs.

/// Milliseconds since 1970-01-01T00:00:00Z, or `None` for text that is not an RFC 3339
/// timestamp. Fractions of a second beyond milliseconds are dropped.
pub fn parse(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits
            .iter()
            .try_fold(0i64, |n, &d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // A leap second reads as the last second of its minute.
    let second = second.min(59);
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some((b'.', fraction)) = rest.split_first() {
        let digits = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for (k, &d) in fraction[..digits].iter().take(3).enumerate() {
            millis += i64::from(d - b'0') * [100, 10, 1][k];
        }
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] | [] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let minutes = two(*h1, *h2)? * 60 + two(*m1, *m2)?;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_github_and_gitlab_write() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        // `date -u -d 2020-01-20T09:42:40Z +%s` = 1579513360
        assert_eq!(parse("2020-01-20T09:42:40Z"), Some(1_579_513_360_000));
        assert_eq!(parse("2015-12-24T15:51:21.880Z"), Some(1_450_972_281_880));
        assert_eq!(parse("2015-12-24T16:51:21.880+01:00"), Some(1_450_972_281_880));
        assert_eq!(parse("2015-12-24T10:51:21.8805-05:00"), Some(1_450_972_281_880));
        // 2024 is a leap year: 29 February exists and 1 March follows it.
        assert_eq!(
            parse("2024-03-01T00:00:00Z").unwrap() - parse("2024-02-29T00:00:00Z").unwrap(),
            86_400_000
        );
        // gh writes the zero time for a job that never started.
        assert!(parse("0001-01-01T00:00:00Z").unwrap() < 0);
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for text in [
            "",
            "yesterday",
            "2020-01-20",
            "2020-13-01T00:00:00Z",
            "2020-01-20T09:42:40+0100",
            "2020-01-20T09:42:40.Z",
            "2020-01-20T25:00:00Z",
            "２０２０-01-20T09:42:40Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
