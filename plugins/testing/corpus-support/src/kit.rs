//! Helpers for the parser crates' unit tests (`src/tests.rs`): what every
//! parser's tests assert about rejected input, and builders for the small
//! documents those tests feed in.
//!
//! A parser crate's tests import what they need, e.g.
//! `use corpus_support::kit::{malformed, unsupported};`, and keep their own
//! one-line wrappers around the crate's `parse` where they want one.

use crate::ParseFn;
use cordon_sdk::{Finding, Malformed, Severity, StageError};
use std::fmt::{Debug, Display};

/// What a rejection helper can inspect: a bare [`StageError`], or a whole
/// parse result (then an `Ok` fails the helper).
pub trait Outcome {
    /// The error, or a description of the value that is not one.
    fn into_error(self) -> Result<StageError, String>;
}

impl Outcome for StageError {
    fn into_error(self) -> Result<StageError, String> {
        Ok(self)
    }
}

impl<T: Debug> Outcome for Result<T, StageError> {
    fn into_error(self) -> Result<StageError, String> {
        self.map_or_else(Ok, |v| Err(format!("Ok({v:?})")))
    }
}

/// The details of a `malformed-input` error.
///
/// # Panics
/// When `outcome` is anything else (another error, or a success).
pub fn malformed(outcome: impl Outcome) -> Malformed {
    match outcome.into_error() {
        Ok(StageError::MalformedInput(m)) => m,
        Ok(other) => panic!("expected malformed-input, got {other:?}"),
        Err(value) => panic!("expected malformed-input, got {value}"),
    }
}

/// The message of an `unsupported-format` error.
///
/// # Panics
/// When `outcome` is anything else (another error, or a success).
pub fn unsupported(outcome: impl Outcome) -> String {
    match outcome.into_error() {
        Ok(StageError::UnsupportedFormat(m)) => m,
        Ok(other) => panic!("expected unsupported-format, got {other:?}"),
        Err(value) => panic!("expected unsupported-format, got {value}"),
    }
}

/// Assert that `m` reports invalid JSON at line `line`, with a column.
///
/// # Panics
/// When the line differs, the column is missing or the message does not
/// start with `invalid JSON`.
pub fn assert_invalid_json_at(m: &Malformed, line: u32) {
    assert_eq!(m.position.line, Some(line), "{m:?}");
    assert!(m.position.column.is_some(), "{m:?}");
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
}

/// `parse` run over the text of `doc` (a `serde_json::Value`, a `&str`...).
pub fn parse_doc(parse: ParseFn, doc: impl Display) -> Result<Vec<Finding>, StageError> {
    parse(doc.to_string().as_bytes())
}

/// The findings of `parse` over the text of `doc`.
///
/// # Panics
/// When `parse` fails.
pub fn parses(parse: ParseFn, doc: impl Display) -> Vec<Finding> {
    parse_doc(parse, doc).expect("parses")
}

/// Assert that `parse` rejects the text of each of `docs` as malformed.
///
/// # Panics
/// When a document is accepted or rejected otherwise (naming it).
pub fn assert_each_malformed<D: Display>(parse: ParseFn, docs: impl IntoIterator<Item = D>) {
    for doc in docs {
        let text = doc.to_string();
        assert!(
            matches!(parse(text.as_bytes()), Err(StageError::MalformedInput(_))),
            "{text}"
        );
    }
}

/// Assert that `parse` rejects each of `docs` (their text) as an
/// unsupported format.
///
/// # Panics
/// When a document is accepted or rejected otherwise (naming it).
pub fn assert_each_unsupported<D: Display>(parse: ParseFn, docs: impl IntoIterator<Item = D>) {
    for doc in docs {
        let text = doc.to_string();
        assert!(
            matches!(
                parse(text.as_bytes()),
                Err(StageError::UnsupportedFormat(_))
            ),
            "{text}"
        );
    }
}

/// Assert that `parse` rejects the text of `doc` as malformed input with a
/// message that contains `needle`.
///
/// # Panics
/// When `doc` is accepted, rejected otherwise, or the message lacks
/// `needle`.
pub fn assert_malformed_saying(parse: ParseFn, doc: impl Display, needle: &str) {
    let m = malformed(parse_doc(parse, doc));
    assert!(m.message.contains(needle), "{}", m.message);
}

/// Assert that `parse` rejects the text of `doc` as an unsupported format
/// with a message that contains `needle`.
///
/// # Panics
/// When `doc` is accepted, rejected otherwise, or the message lacks
/// `needle`.
pub fn assert_unsupported_saying(parse: ParseFn, doc: impl Display, needle: &str) {
    let m = unsupported(parse_doc(parse, doc));
    assert!(m.contains(needle), "{m}");
}

/// Assert that `parse` reads `doc` behind a UTF-8 byte-order mark as exactly
/// `findings` findings, and returns (whatever it returns) for every proper
/// prefix of `doc`.
///
/// # Panics
/// When the document with the mark is rejected or yields another count, or
/// `parse` panics on a prefix.
pub fn assert_bom_and_every_prefix(parse: ParseFn, doc: &str, findings: usize) {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(doc.as_bytes());
    assert_eq!(parse(&with_bom).expect("parses").len(), findings);
    for cut in 0..doc.len() {
        let _ = parse(&doc.as_bytes()[..cut]);
    }
}

/// Assert that `f` maps each input of `cases` onto its value (a failure
/// names the input).
///
/// # Panics
/// When one does not.
pub fn assert_maps<A: Debug + Copy, B: Debug + PartialEq>(f: impl Fn(A) -> B, cases: &[(A, B)]) {
    for &(input, ref want) in cases {
        assert_eq!(f(input), *want, "{input:?}");
    }
}

/// Each finding's severity with the tool's own severity, in order.
pub fn severities(findings: &[Finding]) -> Vec<(Severity, Option<&str>)> {
    findings
        .iter()
        .map(|x| (x.severity, x.tool_severity.as_deref()))
        .collect()
}

/// Each finding's severity with the tool's own severity word (`""` when
/// there is none), in order.
pub fn severity_words(findings: &[Finding]) -> Vec<(Severity, &str)> {
    findings
        .iter()
        .map(|x| (x.severity, x.tool_severity.as_deref().unwrap_or("")))
        .collect()
}

/// Assert that `parse` rejects each prefix `text[..cut]` as malformed input
/// that `ends too early`.
///
/// # Panics
/// When a prefix is accepted or rejected otherwise (naming the cut).
pub fn assert_cuts_end_too_early(parse: ParseFn, text: &str, cuts: &[usize]) {
    for &cut in cuts {
        let m = malformed(parse(&text.as_bytes()[..cut]));
        assert!(m.message.contains("ends too early"), "{cut}: {}", m.message);
    }
}

/// Inputs with nothing but whitespace and byte-order marks.
pub const EMPTY_INPUTS: [&[u8]; 4] = [b"", b"  \n\t ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF \n"];

/// Assert that `parse` rejects each of `inputs` as malformed `empty input`.
///
/// # Panics
/// When an input is accepted or rejected otherwise.
pub fn assert_empty_input_malformed(parse: ParseFn, inputs: &[&[u8]]) {
    for input in inputs {
        let m = malformed(parse(input));
        assert!(m.message.contains("empty input"), "{}", m.message);
    }
}

/// The nesting depth the parsers' stack-safety tests use: far beyond any
/// recursion limit.
pub const DEEP: usize = 10_000;

/// `depth` nested, closed JSON arrays: `[[...]]`.
pub fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// `depth` opening brackets, never closed: `[[[...`.
pub fn unclosed_arrays(depth: usize) -> String {
    "[".repeat(depth)
}

/// `depth` nested objects, each with the one key `key`, around `leaf`:
/// `{"key":{"key":...leaf}}`.
pub fn nested_objects(key: &str, depth: usize, leaf: &str) -> String {
    format!(
        "{}{leaf}{}",
        format!("{{\"{key}\":").repeat(depth),
        "}".repeat(depth)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(input: &[u8]) -> Result<Vec<Finding>, StageError> {
        let text = String::from_utf8_lossy(input);
        match text.trim_start_matches('\u{feff}').trim() {
            "" => Err(StageError::MalformedInput(Malformed {
                message: "empty input".into(),
                position: cordon_sdk::InputPosition {
                    line: None,
                    column: None,
                    pointer: None,
                },
            })),
            "[]" => Ok(Vec::new()),
            _ => Err(StageError::UnsupportedFormat("not a report".into())),
        }
    }

    fn truncated(input: &[u8]) -> Result<Vec<Finding>, StageError> {
        Err(StageError::MalformedInput(Malformed {
            message: format!("input ends too early after {} bytes", input.len()),
            position: cordon_sdk::InputPosition {
                line: Some(1),
                column: None,
                pointer: None,
            },
        }))
    }

    #[test]
    fn rejections_are_told_apart() {
        assert_eq!(malformed(reject(b"")).message, "empty input");
        assert_eq!(
            malformed(reject(b"").expect_err("rejected")).message,
            "empty input"
        );
        assert_eq!(unsupported(reject(b"{}")), "not a report");
        assert_empty_input_malformed(reject, &EMPTY_INPUTS);
        assert!(parses(reject, "[]").is_empty());
        assert!(parse_doc(reject, 42).is_err());
        assert_each_malformed(reject, ["", " "]);
        assert_cuts_end_too_early(truncated, "[1, 2]", &[1, 3]);
        assert_each_unsupported(reject, ["{}", "x"]);
        assert_unsupported_saying(reject, "{}", "a report");
        assert_malformed_saying(reject, " ", "empty");
        assert_bom_and_every_prefix(reject, "[]", 0);
        assert_maps(|n: u8| n * 2, &[(1, 2), (3, 6)]);
        assert!(severities(&[]).is_empty());
        assert!(severity_words(&[]).is_empty());
    }

    #[test]
    #[should_panic(expected = "expected malformed-input, got Ok([])")]
    fn success_is_not_malformed() {
        malformed(reject(b"[]"));
    }

    #[test]
    #[should_panic(expected = "expected unsupported-format, got StageError::MalformedInput")]
    fn malformed_is_not_unsupported() {
        unsupported(reject(b""));
    }

    #[test]
    fn nesting_builders() {
        assert_eq!(nested_arrays(2), "[[]]");
        assert_eq!(unclosed_arrays(3), "[[[");
        assert_eq!(nested_objects("a", 2, "1"), r#"{"a":{"a":1}}"#);
    }
}
