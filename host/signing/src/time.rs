//! Calendar conversions for validity windows, without a date library.
//!
//! Every time in a trust file goes through one function, [`parse_time`], in
//! one of two notations; every calendar field is range-checked there (month
//! 1-12, day within its month, leap years as the Gregorian calendar has them,
//! hour 0-23, minute and second 0-59), so an impossible time is an error
//! instead of rolling over into another date.

/// Why a time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not in the notation at all.
    #[error("{input:?} is not {notation}")]
    Syntax {
        /// What was written.
        input: String,
        /// The notation expected.
        notation: &'static str,
    },
    /// In the notation, but no such time exists (`2026-02-31`, hour 25).
    #[error("{input:?} is not a real time: {reason}")]
    Impossible {
        /// What was written.
        input: String,
        /// Which field is out of range.
        reason: String,
    },
}

/// The two notations trust files use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// `trust.toml`: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
    Trust,
    /// OpenSSH `allowed_signers` (`valid-after=`, `valid-before=`):
    /// `YYYYMMDD[HHMM[SS]]` with an optional `Z`. Without `Z`, OpenSSH reads
    /// local time; cordon runs on CI machines whose local time is UTC, and
    /// reads UTC either way.
    OpenSsh,
}

impl Notation {
    fn describe(self) -> &'static str {
        match self {
            Notation::Trust => "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ",
            Notation::OpenSsh => "YYYYMMDD[HHMM[SS]][Z]",
        }
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date
/// (Howard Hinnant's `days_from_civil`). The date must be valid.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days in a month of the proleptic Gregorian calendar (`m` in 1..=12).
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The fields of a time, before range checks: `(y, mo, d, h, mi, s)`.
type Fields = (u32, u32, u32, u32, u32, u32);

fn fields_trust(s: &str) -> Option<Fields> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z')?)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let y = num(parts.next()?)?;
    let mo = num(parts.next()?)?;
    let d = num(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    let (h, mi, sec) = match time {
        Some(t) => {
            let mut p = t.split(':');
            let h = num(p.next()?)?;
            let mi = num(p.next()?)?;
            let sec = num(p.next()?)?;
            if p.next().is_some() {
                return None;
            }
            (h, mi, sec)
        }
        None => (0, 0, 0),
    };
    Some((y, mo, d, h, mi, sec))
}

fn fields_openssh(s: &str) -> Option<Fields> {
    let s = s.strip_suffix('Z').unwrap_or(s);
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |r: std::ops::Range<usize>| s.get(r).and_then(num);
    let (h, mi, sec) = match s.len() {
        8 => (0, 0, 0),
        12 => (field(8..10)?, field(10..12)?, 0),
        14 => (field(8..10)?, field(10..12)?, field(12..14)?),
        _ => return None,
    };
    Some((field(0..4)?, field(4..6)?, field(6..8)?, h, mi, sec))
}

/// Parse a trust-file time in the given notation; seconds since the Unix
/// epoch (UTC). The one place trust-file times are read.
pub fn parse_time(s: &str, notation: Notation) -> Result<i64, TimeError> {
    let fields = match notation {
        Notation::Trust => fields_trust(s),
        Notation::OpenSsh => fields_openssh(s),
    };
    let (y, mo, d, h, mi, sec) = fields.ok_or_else(|| TimeError::Syntax {
        input: s.to_string(),
        notation: notation.describe(),
    })?;
    let y = i64::from(y);
    let impossible = |reason: String| TimeError::Impossible {
        input: s.to_string(),
        reason,
    };
    if !(1..=12).contains(&mo) {
        return Err(impossible(format!("month {mo} (months are 1-12)")));
    }
    let last = days_in_month(y, mo);
    if !(1..=last).contains(&d) {
        return Err(impossible(format!(
            "day {d} ({} {y} has {last} days)",
            MONTHS[mo as usize - 1]
        )));
    }
    if h > 23 {
        return Err(impossible(format!("hour {h} (hours are 0-23)")));
    }
    if mi > 59 {
        return Err(impossible(format!("minute {mi} (minutes are 0-59)")));
    }
    if sec > 59 {
        return Err(impossible(format!("second {sec} (seconds are 0-59)")));
    }
    Ok(days_from_civil(y, mo, d) * 86_400
        + i64::from(h) * 3600
        + i64::from(mi) * 60
        + i64::from(sec))
}

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The UTC date (`YYYY-MM-DD`) of seconds since the epoch.
pub fn format_date(secs: i64) -> String {
    let mut t = format_time(secs);
    t.truncate(10);
    t
}

/// Today's UTC date, `YYYY-MM-DD`.
pub fn today() -> String {
    format_date(now())
}

/// Format seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(11_016 * 86_400 + 86_399), "2000-02-29");
        assert_eq!(format_date(20_779 * 86_400), "2026-11-22");
        assert_eq!(today().len(), 10);
    }

    fn trust(s: &str) -> Result<i64, TimeError> {
        parse_time(s, Notation::Trust)
    }

    fn ssh(s: &str) -> Result<i64, TimeError> {
        parse_time(s, Notation::OpenSsh)
    }

    #[test]
    fn parses_both_notations() {
        assert_eq!(trust("1970-01-01"), Ok(0));
        assert_eq!(trust("2026-11-22T10:00:00Z"), ssh("202611221000Z"));
        assert_eq!(ssh("20261122"), trust("2026-11-22"));
        assert_eq!(ssh("20261122103005"), trust("2026-11-22T10:30:05Z"));
        for bad in ["2026-1-1x", "", "2026-11-22T10:00:00", "20261", "2026-01"] {
            assert!(matches!(trust(bad), Err(TimeError::Syntax { .. })), "{bad}");
            assert!(matches!(ssh(bad), Err(TimeError::Syntax { .. })), "{bad}");
        }
    }

    #[test]
    fn impossible_times_do_not_roll_over() {
        for (bad, why) in [
            ("2026-02-31", "February 2026 has 28 days"),
            ("2026-02-29", "February 2026 has 28 days"),
            ("2100-02-29", "February 2100 has 28 days"),
            ("2026-04-31", "April 2026 has 30 days"),
            ("2026-13-01", "month 13"),
            ("2026-00-01", "month 0"),
            ("2026-01-00", "day 0"),
            ("2026-01-01T25:00:00Z", "hour 25"),
            ("2026-01-01T00:60:00Z", "minute 60"),
            ("2026-01-01T00:00:60Z", "second 60"),
        ] {
            let err = trust(bad).expect_err(bad).to_string();
            assert!(err.contains(why), "{bad}: {err}");
            // The same instant in the OpenSSH notation, the same verdict.
            let compact: String = bad.chars().filter(char::is_ascii_digit).collect();
            let err = ssh(&compact).expect_err(&compact).to_string();
            assert!(err.contains(why), "{compact}: {err}");
        }
        for leap in ["2024-02-29", "2000-02-29", "1972-02-29T23:59:59Z"] {
            assert!(trust(leap).is_ok(), "{leap}");
        }
        assert_eq!(
            trust("2024-03-01").ok(),
            trust("2024-02-29").ok().map(|t| t + 86_400)
        );
    }

    #[test]
    fn formats_round_trip() {
        let t = trust("2000-02-29T23:59:59Z").expect("valid");
        assert_eq!(format_time(t), "2000-02-29T23:59:59Z");
    }
}
