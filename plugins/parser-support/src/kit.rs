//! The small pieces most parsers share: constants, blank-string checks,
//! CWE numbers, CVSS scores and a finding with empty defaults.

use cordon_sdk::Severity;

/// The longest title a first-party parser produces, in characters
/// (shorter than the host's [`MAX_TITLE_BYTES`](crate::MAX_TITLE_BYTES)
/// cap: a title is one line of a report).
pub const TITLE_MAX_CHARS: usize = 200;

/// The `rule-id` of a finding whose report gives no rule.
pub const UNKNOWN_RULE: &str = "unknown";

/// `s` trimmed, unless it is absent or blank.
pub fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// An optional string field trimmed, unless it is absent or blank (as
/// [`non_empty`]).
pub fn nonempty(s: &Option<String>) -> Option<&str> {
    non_empty(s.as_deref())
}

/// The first non-blank line of `s`, trimmed, at most [`TITLE_MAX_CHARS`]
/// characters (ending in `…` when cut); `None` when `s` is blank.
pub fn title_line(s: &str) -> Option<String> {
    Some(crate::one_line(s, TITLE_MAX_CHARS)).filter(|t| !t.is_empty())
}

/// The text after a leading `CWE-` (any case) of `s` trimmed, if `s`
/// starts with one.
pub fn cwe_suffix(s: &str) -> Option<&str> {
    let t = s.trim();
    t.get(..4)
        .filter(|p| p.eq_ignore_ascii_case("cwe-"))
        .and_then(|_| t.get(4..))
}

/// `s` trimmed, without a leading `CWE-` (any case).
pub fn cwe_digits(s: &str) -> &str {
    cwe_suffix(s).unwrap_or_else(|| s.trim())
}

/// A CWE id written as `79`, `CWE-79` (any case) or `CWE-264 Permissions`:
/// the number its digits start with; `0`, and text that does not start
/// with a digit, are `None`.
pub fn cwe_number(s: &str) -> Option<u32> {
    let t = cwe_digits(s);
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    t.get(..end)?.parse().ok().filter(|&n| n > 0)
}

/// A CVSS base score as a severity, by the CVSS v3 rating scale: 9.0 and
/// up critical, 7.0 high, 4.0 medium, above 0 low, else (0, negative,
/// NaN) info. Within 0-10 these are the bands of
/// [`Severity::from_cvss_score`], which parsers use where a score may be out
/// of range (it gives `None` there, so the next source decides).
pub fn cvss_severity(score: f64) -> Severity {
    Severity::from_cvss_score(score.clamp(0.0, 10.0)).unwrap_or(Severity::Info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_strings_are_none() {
        assert_eq!(non_empty(Some("  a ")), Some("a"));
        assert_eq!(non_empty(Some(" \n")), None);
        assert_eq!(nonempty(&None), None);
    }

    #[test]
    fn titles_are_one_line() {
        assert_eq!(title_line("\n x \ny").as_deref(), Some("x"));
        assert_eq!(title_line(" \n "), None);
    }

    #[test]
    fn cwe_numbers() {
        assert_eq!(cwe_number("CWE-79"), Some(79));
        assert_eq!(cwe_number(" cwe-264 Permissions"), Some(264));
        assert_eq!(cwe_number("79"), Some(79));
        assert_eq!(cwe_number("CWE-0"), None);
        assert_eq!(cwe_number("NVD-CWE-Other"), None);
        assert_eq!(cwe_suffix("79"), None);
        assert_eq!(cwe_digits(" Cwe-12 "), "12");
    }

    #[test]
    fn cvss_scale() {
        assert_eq!(cvss_severity(9.0), Severity::Critical);
        assert_eq!(cvss_severity(8.9), Severity::High);
        assert_eq!(cvss_severity(4.0), Severity::Medium);
        assert_eq!(cvss_severity(0.1), Severity::Low);
        assert_eq!(cvss_severity(0.0), Severity::Info);
    }
}
