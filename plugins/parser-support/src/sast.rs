//! Pieces the code and infrastructure scanners' parsers share: the top
//! level of a report checked before it is read, a type error told apart
//! from another tool's report, excerpts of a report's own text for error
//! messages, positions as a type, a finding's one location, `key:value`
//! tags, the `HIGH` / `MEDIUM` / `LOW` scale and exact CWE ids.

use crate::{Keys, check_syntax, cwe_digits, first_byte, json_error, non_empty, position, prepare};
use cordon_sdk::{Location, Severity, StageError};
use serde::{Deserialize, Deserializer};

/// A 1-based line or column read as [`position`] reads it, as a type: for
/// fields (absent is `Position(None)` under `#[serde(default)]`) and list
/// elements (`Vec<Position>`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Position(pub Option<u32>);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        position(d).map(Position)
    }
}

/// The longest excerpt of a report's own text that [`shown`] repeats in an
/// error message, in characters.
pub const SHOWN_CHARS: usize = 200;

/// The first `max_chars` characters of `s`, then `…` when there were more.
pub fn excerpt(s: &str, max_chars: usize) -> String {
    if s.chars().count() > max_chars {
        s.chars().take(max_chars).chain(['…']).collect()
    } else {
        s.to_string()
    }
}

/// `s` trimmed, at most [`SHOWN_CHARS`] characters of it (as [`excerpt`]):
/// a report's own text as an error message repeats it.
pub fn shown(s: &str) -> String {
    excerpt(s.trim(), SHOWN_CHARS)
}

/// The report without a byte-order mark, checked to be a JSON object
/// (`open` is `b'{'`) or array (`b'['`) before it is read:
///
/// 1. [`prepare`]: an empty or blank report is `malformed-input`
///    (`expected` names it with its article, `"a Bandit JSON report"`);
/// 2. a top level of another kind is `malformed-input` when it is not
///    well-formed JSON ([`check_syntax`]; `what` names the format without an
///    article, `"Bandit report"`), else `unsupported-format`: `not a {what}:
///    the top-level JSON value must be an object` (or `an array`).
pub fn top_level<'a>(
    report: &'a [u8],
    open: u8,
    expected: &str,
    what: &str,
) -> Result<&'a [u8], StageError> {
    let bytes = prepare(report, expected)?;
    if first_byte(bytes) == Some(open) {
        return Ok(bytes);
    }
    check_syntax(bytes, what)?;
    let kind = if open == b'[' {
        "an array"
    } else {
        "an object"
    };
    Err(StageError::UnsupportedFormat(format!(
        "not a {what}: the top-level JSON value must be {kind}"
    )))
}

/// `unsupported-format` for a list of another tool's entries (none has a
/// key of `K`): `not a {what}: no entry of `{list}` has a `k1` or `k2` (is
/// this another tool's report?)`; without `list` (the top level is the
/// list), `no entry has ...`.
pub fn foreign_entries<K: Keys>(what: &str, list: Option<&str>) -> StageError {
    let of = list.map(|l| format!(" of `{l}`")).unwrap_or_default();
    let keys = K::KEYS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    StageError::UnsupportedFormat(format!(
        "not a {what}: no entry{of} has a {keys} (is this another tool's report?)"
    ))
}

/// `bytes` deserialised as `T`. A type error is [`json_error`]'s (`what` as
/// there) unless the same bytes read as the probe `P` and `foreign` makes an
/// error of it, typically `unsupported-format` for an array of another
/// tool's entries (see [`Shape`](crate::Shape)). The probe runs on that
/// error path only.
pub fn parse_or_foreign<'a, T, P>(
    bytes: &'a [u8],
    what: &str,
    foreign: impl FnOnce(P) -> Option<StageError>,
) -> Result<T, StageError>
where
    T: Deserialize<'a>,
    P: Deserialize<'a>,
{
    serde_json::from_slice(bytes).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data
            && let Ok(probe) = serde_json::from_slice::<P>(bytes)
            && let Some(err) = foreign(probe)
        {
            return err;
        }
        json_error(&e, what)
    })
}

/// A rating on the `HIGH` / `MEDIUM` / `LOW` scale many scanners share (any
/// case, surrounding whitespace allowed); `None` for anything else.
pub fn high_medium_low(raw: &str) -> Option<Severity> {
    match raw.trim().to_ascii_uppercase().as_str() {
        "HIGH" => Some(Severity::High),
        "MEDIUM" => Some(Severity::Medium),
        "LOW" => Some(Severity::Low),
        _ => None,
    }
}

/// A CWE id written as a number or as `CWE-` (any case) and a number, and
/// nothing else (`79`, `CWE-79`; surrounding whitespace and a `+` sign are
/// allowed, as `str::parse` allows them); `0` and anything else are `None`.
/// Unlike [`cwe_number`](crate::cwe_number), which reads the number a longer
/// text starts with.
pub fn cwe_exact(s: &str) -> Option<u32> {
    cwe_digits(s).parse().ok().filter(|&n| n > 0)
}

/// A finding's locations: the one `at` makes of `path`, or none when `path`
/// is blank.
pub fn located(path: &str, at: impl FnOnce(&str) -> Location) -> Vec<Location> {
    if path.trim().is_empty() {
        Vec::new()
    } else {
        vec![at(path)]
    }
}

/// A tag `key:value` with the value trimmed and lower-cased; `None` for an
/// absent or blank value.
pub fn tag(key: &str, value: Option<&str>) -> Option<String> {
    let v = non_empty(value)?;
    Some(format!("{key}:{}", v.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Shape;

    #[test]
    fn excerpts_are_cut() {
        assert_eq!(excerpt("abcdef", 4), "abcd…");
        assert_eq!(excerpt("abcd", 4), "abcd");
        assert_eq!(shown("  x  "), "x");
        assert_eq!(shown(&"y".repeat(500)).chars().count(), SHOWN_CHARS + 1);
    }

    #[test]
    fn positions_as_a_type() {
        let p: Vec<Position> = serde_json::from_str(r#"[3, "4", 0, null, "x"]"#).expect("valid");
        let p: Vec<Option<u32>> = p.into_iter().map(|p| p.0).collect();
        assert_eq!(p, [Some(3), Some(4), None, None, None]);
        assert!(serde_json::from_str::<Position>("true").is_err());
    }

    #[test]
    fn ratings_and_cwes() {
        assert_eq!(high_medium_low(" high"), Some(Severity::High));
        assert_eq!(high_medium_low("Medium"), Some(Severity::Medium));
        assert_eq!(high_medium_low("LOW"), Some(Severity::Low));
        assert_eq!(high_medium_low("critical"), None);
        assert_eq!(cwe_exact("CWE-79"), Some(79));
        assert_eq!(cwe_exact(" 22 "), Some(22));
        assert_eq!(cwe_exact("79abc"), None);
        assert_eq!(cwe_exact("CWE-0"), None);
    }

    #[test]
    fn tags_are_lower_case() {
        assert_eq!(
            tag("confidence", Some(" HIGH ")).as_deref(),
            Some("confidence:high")
        );
        assert_eq!(tag("confidence", Some(" ")), None);
        assert_eq!(tag("confidence", None), None);
    }

    fn unsupported(r: Result<&[u8], StageError>) -> String {
        match r {
            Err(StageError::UnsupportedFormat(m)) => m,
            _ => panic!("not unsupported-format"),
        }
    }

    #[test]
    fn the_top_level_must_open_right() {
        let top = |b: &'static [u8]| top_level(b, b'[', "a list", "list");
        assert_eq!(top(b"\xEF\xBB\xBF [1]").ok(), Some(&b" [1]"[..]));
        assert_eq!(
            unsupported(top(b"{}")),
            "not a list: the top-level JSON value must be an array"
        );
        assert!(matches!(top(b"{"), Err(StageError::MalformedInput(_))));
        assert!(matches!(top(b" "), Err(StageError::MalformedInput(_))));
        assert_eq!(
            unsupported(top_level(b"[]", b'{', "a map", "map")),
            "not a map: the top-level JSON value must be an object"
        );
    }

    struct CodeKeys;
    impl Keys for CodeKeys {
        const KEYS: &'static [&'static str] = &["code"];
    }

    struct TwoKeys;
    impl Keys for TwoKeys {
        const KEYS: &'static [&'static str] = &["a", "b"];
    }

    #[test]
    fn foreign_entries_name_their_keys() {
        assert_eq!(
            unsupported(Err(foreign_entries::<CodeKeys>("list", Some("items")))),
            "not a list: no entry of `items` has a `code` (is this another tool's report?)"
        );
        assert_eq!(
            unsupported(Err(foreign_entries::<TwoKeys>("list", None))),
            "not a list: no entry has a `a` or `b` (is this another tool's report?)"
        );
    }

    #[test]
    fn blank_paths_are_no_location() {
        let at = |path: &str| Location {
            path: path.to_string(),
            start_line: Some(1),
            start_column: None,
            end_line: None,
            end_column: None,
        };
        assert!(located(" \t", at).is_empty());
        assert_eq!(located(" a.py", at)[0].path, " a.py");
    }

    #[derive(Deserialize)]
    struct Item {
        code: String,
    }

    fn items(json: &str) -> Result<Vec<Item>, StageError> {
        parse_or_foreign(json.as_bytes(), "list", |s: Shape<CodeKeys>| {
            s.foreign()
                .then(|| foreign_entries::<CodeKeys>("list", None))
        })
    }

    #[test]
    fn another_tools_entries_are_told_from_broken_ones() {
        assert_eq!(
            items(r#"[{"code": "a"}]"#)
                .map(|v| v.into_iter().map(|i| i.code).collect::<Vec<_>>())
                .ok(),
            Some(vec!["a".to_string()])
        );
        assert!(matches!(
            items(r#"[{"name": "a"}]"#),
            Err(StageError::UnsupportedFormat(m)) if m.contains("no entry has a `code`")
        ));
        assert!(matches!(
            items(r#"[{"code": "a"}, {"name": "b"}]"#),
            Err(StageError::MalformedInput(_))
        ));
        assert!(matches!(items("[1"), Err(StageError::MalformedInput(_))));
    }
}
