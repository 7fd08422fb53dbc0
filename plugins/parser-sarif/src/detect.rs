//! Cheap recognition of SARIF from the first bytes of an input.
//!
//! The head is usually cut off in the middle of the document, so it is not
//! parsed as JSON. Instead a small scanner walks the tokens (strings with
//! their escapes, brackets, `:` and `,`) and records a few facts about the
//! top-level object. It allocates only for the handful of values it keeps and
//! stops at the end of the head or at anything it does not understand.

use crate::{FORMAT, GENERIC_FORMAT, SUPPORTED_VERSION};
use cordon_sdk::Detection;

/// Confidence when the top-level `$schema` names SARIF.
pub(crate) const CONFIDENCE_SCHEMA: u8 = 90;
/// Confidence when the top level has `runs` and either `version` or the
/// `runs[0].tool.driver` shape.
pub(crate) const CONFIDENCE_SHAPE: u8 = 70;

/// Deeper than this the scanner stops; SARIF's interesting keys are shallow.
const MAX_DEPTH: usize = 64;
/// Longest string value kept for `$schema` / `version`.
const MAX_KEPT: usize = 512;

/// What a top-level or nested object key is, as far as detection cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    None,
    Schema,
    Version,
    Runs,
    Tool,
    Other,
}

#[derive(Clone, Copy)]
struct Frame {
    is_object: bool,
    /// The most recent key read in this object.
    key: Key,
    /// In an object: the next string is a key.
    expect_key: bool,
}

/// Facts gathered from the head.
#[derive(Default)]
struct Facts {
    schema: Option<String>,
    version: Option<String>,
    has_version_key: bool,
    has_runs: bool,
    has_driver: bool,
}

/// See [`crate::detect`].
pub(crate) fn detect(head: &[u8]) -> Option<Detection> {
    let head = crate::strip_bom(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let doc = head.get(start..)?;
    if doc.first() != Some(&b'{') {
        return None;
    }
    let facts = scan(doc);

    let schema_says_sarif = facts
        .schema
        .as_deref()
        .is_some_and(|s| s.to_ascii_lowercase().contains("sarif"));
    let confidence = if schema_says_sarif {
        CONFIDENCE_SCHEMA
    } else if facts.has_runs && (facts.has_version_key || facts.has_driver) {
        CONFIDENCE_SHAPE
    } else {
        return None;
    };

    let is_supported = match facts.version.as_deref() {
        Some(v) => v == SUPPORTED_VERSION,
        // A version key was seen but its value is not a string: not 2.1.0.
        None if facts.has_version_key => false,
        // No version in the head: fall back to the schema URI
        // (`.../sarif-schema-2.1.0.json`, `sarif-2.1.0-rtm.5.json`).
        None => {
            schema_says_sarif
                && facts
                    .schema
                    .as_deref()
                    .is_some_and(|s| s.contains(SUPPORTED_VERSION))
        }
    };
    Some(Detection {
        format: if is_supported { FORMAT } else { GENERIC_FORMAT }.to_string(),
        confidence,
    })
}

/// Walk the tokens of `doc` (which starts with `{`) until it ends.
fn scan(doc: &[u8]) -> Facts {
    let mut facts = Facts::default();
    let mut stack: Vec<Frame> = Vec::with_capacity(16);
    let mut i = 0;
    while let Some(&b) = doc.get(i) {
        match b {
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    break;
                }
                stack.push(Frame {
                    is_object: b == b'{',
                    key: Key::None,
                    expect_key: b == b'{',
                });
                i += 1;
            }
            b'}' | b']' => {
                if stack.pop().is_none() || stack.is_empty() {
                    // Unbalanced, or the end of the document.
                    break;
                }
                i += 1;
            }
            b',' => {
                if let Some(top) = stack.last_mut()
                    && top.is_object
                {
                    top.expect_key = true;
                }
                i += 1;
            }
            b':' => {
                if let Some(top) = stack.last_mut() {
                    top.expect_key = false;
                }
                i += 1;
            }
            b'"' => {
                let Some((content, next)) = read_string(doc, i + 1) else {
                    // The string runs past the end of the head.
                    break;
                };
                i = next;
                let depth = stack.len();
                let Some(top) = stack.last().copied() else {
                    break;
                };
                if top.is_object && top.expect_key {
                    let key = classify_key(content, depth);
                    if key == Key::Version && depth == 1 {
                        facts.has_version_key = true;
                    }
                    if key == Key::Runs {
                        facts.has_runs = true;
                    }
                    if content == b"driver" && is_tool_object_in_runs(&stack) {
                        facts.has_driver = true;
                    }
                    if let Some(top) = stack.last_mut() {
                        top.key = key;
                    }
                } else if depth == 1 && top.is_object {
                    let kept = || {
                        let cut = content.get(..MAX_KEPT).unwrap_or(content);
                        String::from_utf8_lossy(cut).into_owned()
                    };
                    match top.key {
                        Key::Schema => facts.schema = Some(kept()),
                        Key::Version => facts.version = Some(kept()),
                        _ => {}
                    }
                }
            }
            _ => i += 1,
        }
    }
    facts
}

/// Classify a key read at `depth` (1 = the top-level object).
fn classify_key(key: &[u8], depth: usize) -> Key {
    match (key, depth) {
        (b"$schema", 1) => Key::Schema,
        (b"version", 1) => Key::Version,
        (b"runs", 1) => Key::Runs,
        (b"tool", 3) => Key::Tool,
        _ => Key::Other,
    }
}

/// True when the innermost object is `runs[n].tool` of the top-level object.
fn is_tool_object_in_runs(stack: &[Frame]) -> bool {
    match stack {
        [root, runs, run, tool] => {
            root.is_object
                && root.key == Key::Runs
                && !runs.is_object
                && run.is_object
                && run.key == Key::Tool
                && tool.is_object
        }
        _ => false,
    }
}

/// Read a JSON string whose content starts at `from`. Returns the raw
/// (still escaped) content and the index after the closing quote, or `None`
/// when the string is not closed within `doc`.
fn read_string(doc: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let mut j = from;
    loop {
        match doc.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some((doc.get(from..j)?, j + 1)),
            _ => j += 1,
        }
    }
}
