//! Shared JSON plumbing for cordon parser stages.
//!
//! Every cordon parser that reads a JSON report needs the same handful of
//! pieces: take the report's bytes apart safely (a UTF-8 byte-order mark, an
//! empty file, absurd nesting), turn a `serde_json` error into a
//! [`StageError::MalformedInput`](cordon_sdk::StageError) that carries the
//! line and column and says *what* went wrong (a syntax error, a truncated
//! file, or valid JSON of the wrong shape), deserialise structs from JSON
//! objects only, read the free-form fields scanners fill inconsistently
//! (line numbers as strings, metadata as numbers or booleans), bound strings
//! to the host's size limits, and probe an unexpected document cheaply to
//! tell another tool's report (`unsupported-format`) from a broken one.
//!
//! This crate is a plain library that first-party parsers link statically;
//! third-party parser authors can depend on it the same way (it builds for
//! `wasm32-wasip2` and natively, and has no state, I/O or `unsafe`).
//!
//! A typical parse entry point:
//!
//! ```
//! use cordon_parser_support::{check_syntax, first_byte, json_error, prepare, Obj};
//! use cordon_sdk::StageError;
//!
//! #[derive(serde::Deserialize)]
//! struct Report {
//!     #[serde(default)]
//!     results: Vec<Obj<Item>>,
//! }
//! #[derive(serde::Deserialize)]
//! struct Item {
//!     #[serde(default, deserialize_with = "cordon_parser_support::position")]
//!     line: Option<u32>,
//! }
//!
//! const WHAT: &str = "Example report";
//!
//! fn parse(report: &[u8]) -> Result<usize, StageError> {
//!     let bytes = prepare(report, "an Example JSON report")?;
//!     if first_byte(bytes) != Some(b'{') {
//!         // A syntax error is reported as such, with its position.
//!         check_syntax(bytes, WHAT)?;
//!     }
//!     let report: Obj<Report> = serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
//!     Ok(report.results.len())
//! }
//!
//! assert_eq!(parse(br#"{"results": [{"line": "12"}]}"#).ok(), Some(1));
//! assert!(parse(b"  ").is_err());
//! assert!(parse(br#"{"results": [[12]]}"#).is_err());
//! ```

mod de;
mod input;
mod kit;
mod lines;
mod sast;
mod sca;
mod severity;
mod shape;
mod text;
#[cfg(feature = "xml")]
pub mod xml;

/// The finding builder lives with the type, in the SDK.
pub use cordon_sdk::finding;
pub use de::{
    Entries, LooseString, Obj, StringOrNumber, loose_string, loose_strings, position,
    position_strict, present,
};
pub use input::{
    MAX_DEPTH, check_depth, check_syntax, first_byte, json_error, json_error_as, parse_object,
    prepare, strip_bom,
};
pub use kit::{
    TITLE_MAX_CHARS, UNKNOWN_RULE, cvss_severity, cwe_digits, cwe_number, cwe_suffix, non_empty,
    nonempty, title_line,
};
pub use lines::{BadRecord, json_lines};
pub use sast::{
    Position, SHOWN_CHARS, cwe_exact, excerpt, foreign_entries, high_medium_low, located,
    parse_or_foreign, shown, tag, top_level,
};
pub use sca::{
    OsvEvent, OsvPackageName, commit_note, file_location, package_kind, package_title, package_url,
    redact,
};
pub use severity::{
    bandit_level, grype_level, secret_detector_level, severity_word, shellcheck_level,
    tool_or_default, trivy_level, ungraded_level_default,
};
pub use shape::{Keys, Shape};
pub use text::{MAX_ID_BYTES, MAX_TITLE_BYTES, clip, one_line, pointer_token};
