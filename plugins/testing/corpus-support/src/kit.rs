//! Helpers for the parser crates' unit tests (`src/tests.rs`): what every
//! parser's tests assert about rejected input, and builders for the small
//! documents those tests feed in.
//!
//! A parser crate's tests import what they need, e.g.
//! `use corpus_support::kit::{malformed, unsupported};`, and keep their own
//! one-line wrappers around the crate's `parse` where they want one.

use crate::ParseFn;
use cordon_sdk::{Finding, Malformed, StageError};
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
