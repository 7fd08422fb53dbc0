//! Every fixture of the repository (`tests/fixtures/<format>/<file>`)
//! through the `parse` function of the parser named by its directory, as a
//! snapshot: every field of every finding, in order, or the whole error.
//! Below the findings, how many of them the default normalizer keeps and
//! which ones it merges.
//!
//! A fixture directory without a parser fails the test, so a new format
//! cannot be skipped silently.

use cordon_sdk::{Component, Finding, InputPosition, Location, Malformed, StageError};
use fuzz_support::{PARSERS, parse_fn};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The repository's fixtures, from this file.
const FIXTURES: &str = "../../../../tests/fixtures";

/// What a parser returned for one fixture.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
enum Outcome {
    /// `Ok`: the findings and what dedup makes of them.
    Parsed {
        count: usize,
        normalized: Dedup,
        findings: Vec<FindingView>,
    },
    /// `Err`: the stage error.
    Error(ErrorView),
}

/// The default normalizer's output, in short: how many findings it keeps,
/// and each group of input findings (indices into `findings`) it merged
/// into one.
#[derive(Serialize)]
struct Dedup {
    count: usize,
    merged: Vec<Vec<u32>>,
}

/// [`Finding`], field for field (the destructuring in `From` fails to
/// compile when the contract gains a field).
#[derive(Serialize)]
struct FindingView {
    tool: String,
    tool_version: Option<String>,
    rule_id: String,
    title: String,
    message: String,
    severity: &'static str,
    tool_severity: Option<String>,
    severity_source: &'static str,
    kind: &'static str,
    locations: Vec<LocationView>,
    component: Option<ComponentView>,
    vulnerability_ids: Vec<String>,
    cwes: Vec<u32>,
    tags: Vec<String>,
    help_uri: Option<String>,
    fingerprint: String,
    source_pointer: String,
    input: u32,
}

/// [`Location`], field for field.
#[derive(Serialize)]
struct LocationView {
    path: String,
    start_line: Option<u32>,
    start_column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
}

/// [`Component`], field for field.
#[derive(Serialize)]
struct ComponentView {
    name: String,
    version: Option<String>,
    purl: Option<String>,
    fixed_versions: Vec<String>,
}

/// [`StageError`]: its WIT case name, message and (for malformed input)
/// position.
#[derive(Serialize)]
struct ErrorView {
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<PositionView>,
}

/// [`InputPosition`], field for field.
#[derive(Serialize)]
struct PositionView {
    line: Option<u32>,
    column: Option<u32>,
    pointer: Option<String>,
}

impl From<Location> for LocationView {
    fn from(l: Location) -> Self {
        let Location {
            path,
            start_line,
            start_column,
            end_line,
            end_column,
        } = l;
        LocationView {
            path,
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }
}

impl From<Component> for ComponentView {
    fn from(c: Component) -> Self {
        let Component {
            name,
            version,
            purl,
            fixed_versions,
        } = c;
        ComponentView {
            name,
            version,
            purl,
            fixed_versions,
        }
    }
}

impl From<Finding> for FindingView {
    fn from(f: Finding) -> Self {
        let Finding {
            tool,
            tool_version,
            rule_id,
            title,
            message,
            severity,
            tool_severity,
            severity_source,
            kind,
            locations,
            component,
            vulnerability_ids,
            cwes,
            tags,
            help_uri,
            fingerprint,
            source_pointer,
            input,
        } = f;
        FindingView {
            tool,
            tool_version,
            rule_id,
            title,
            message,
            severity: severity.as_str(),
            tool_severity,
            severity_source: severity_source.as_str(),
            kind: kind.as_str(),
            locations: locations.into_iter().map(Into::into).collect(),
            component: component.map(Into::into),
            vulnerability_ids,
            cwes,
            tags,
            help_uri,
            fingerprint,
            source_pointer,
            input,
        }
    }
}

impl From<StageError> for ErrorView {
    fn from(e: StageError) -> Self {
        let (kind, message, position) = match e {
            StageError::MalformedInput(Malformed { message, position }) => {
                let InputPosition {
                    line,
                    column,
                    pointer,
                } = position;
                let position = PositionView {
                    line,
                    column,
                    pointer,
                };
                ("malformed-input", message, Some(position))
            }
            StageError::UnsupportedFormat(m) => ("unsupported-format", m, None),
            StageError::InvalidConfig(m) => ("invalid-config", m, None),
            StageError::Internal(m) => ("internal", m, None),
        };
        ErrorView {
            kind,
            message,
            position,
        }
    }
}

impl From<Result<Vec<Finding>, StageError>> for Outcome {
    fn from(result: Result<Vec<Finding>, StageError>) -> Self {
        match result {
            Ok(findings) => {
                let normalized = normalizer_default::normalize_with_sources(findings.clone());
                Outcome::Parsed {
                    count: findings.len(),
                    normalized: Dedup {
                        count: normalized.findings.len(),
                        merged: normalized
                            .sources
                            .into_iter()
                            .filter(|group| group.len() > 1)
                            .collect(),
                    },
                    findings: findings.into_iter().map(Into::into).collect(),
                }
            }
            Err(e) => Outcome::Error(e.into()),
        }
    }
}

/// `result` as pretty JSON, with every invisible or direction-changing
/// character (see [`invisible`]) written as a `\u` escape, so that a
/// snapshot reads as what it holds. JSON escapes in strings are exact: the
/// text decodes to the parser's strings byte for byte.
fn render(result: Result<Vec<Finding>, StageError>) -> String {
    let json = serde_json::to_string_pretty(&Outcome::from(result)).expect("serialisable");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if invisible(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters serde_json leaves as they are (DEL, C1), and the
/// format characters that hide text or reorder it on screen: soft hyphen,
/// Arabic letter mark, Mongolian vowel separator, zero-width and
/// direction marks, line and paragraph separators, bidi embeddings,
/// overrides and isolates, invisible operators, the byte-order mark,
/// interlinear annotations, and tag characters.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// The format of a fixture: the name of its directory.
fn format_of(path: &Path) -> &str {
    path.parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or_else(|| panic!("{}: no format directory", path.display()))
}

#[test]
fn every_fixture() {
    insta::glob!(FIXTURES, "*/*", |path| {
        // A directory's README.md says where its samples come from.
        if path.file_name().is_some_and(|n| n == "README.md") {
            return;
        }
        let format = format_of(path);
        let Some(parse) = parse_fn(format) else {
            panic!(
                "{}: no parser for fixture directory {format:?} (add it to fuzz_support::PARSERS)",
                path.display()
            );
        };
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(render(parse(&bytes)));
    });
}

#[test]
fn every_parser_has_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures");
    let missing: Vec<&str> = PARSERS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| std::fs::read_dir(root.join(name)).map_or(true, |mut d| d.next().is_none()))
        .collect();
    assert!(
        missing.is_empty(),
        "parsers without a tests/fixtures/<format>/ directory: {missing:?}"
    );
}
