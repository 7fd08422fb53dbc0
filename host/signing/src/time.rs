//! Calendar conversions for validity windows, without a date library.

/// Days from 1970-01-01 to the given proleptic Gregorian date
/// (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn checked(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(
        days_from_civil(y, mo, d) * 86_400
            + i64::from(h) * 3600
            + i64::from(mi) * 60
            + i64::from(s),
    )
}

/// Parse a time as written in `trust.toml`: `YYYY-MM-DD` (midnight UTC) or
/// `YYYY-MM-DDTHH:MM:SSZ`. Returns seconds since the Unix epoch.
pub fn parse_trust_time(s: &str) -> Option<i64> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z')?)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let y = i64::from(num(parts.next()?)?);
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
    checked(y, mo, d, h, mi, sec)
}

/// Parse an OpenSSH `allowed_signers` time: `YYYYMMDD[HHMM[SS]]`, with an
/// optional `Z` suffix (UTC). Without `Z`, OpenSSH reads local time; cordon
/// runs on CI machines whose local time is UTC, and reads UTC either way.
pub fn parse_openssh_time(s: &str) -> Option<i64> {
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
    checked(
        i64::from(field(0..4)?),
        field(4..6)?,
        field(6..8)?,
        h,
        mi,
        sec,
    )
}

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
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
    fn parses_both_notations() {
        assert_eq!(parse_trust_time("1970-01-01"), Some(0));
        assert_eq!(
            parse_trust_time("2026-11-22T10:00:00Z"),
            parse_openssh_time("202611221000Z")
        );
        assert_eq!(
            parse_openssh_time("20261122"),
            parse_trust_time("2026-11-22")
        );
        assert_eq!(
            parse_openssh_time("20261122103005"),
            parse_trust_time("2026-11-22T10:30:05Z")
        );
        for bad in [
            "2026-13-01",
            "2026-1-1x",
            "",
            "2026-11-22T10:00:00",
            "20261",
        ] {
            assert_eq!(
                parse_trust_time(bad).or(parse_openssh_time(bad)),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn formats_round_trip() {
        let t = parse_trust_time("2000-02-29T23:59:59Z").expect("valid");
        assert_eq!(format_time(t), "2000-02-29T23:59:59Z");
    }
}
