//! `parser-detect-secrets`: detect-secrets baselines
//! (`detect-secrets scan > .secrets.baseline`) into cordon findings.
//!
//! A baseline is one JSON object: `version`, `plugins_used`, `filters_used`
//! (1.x) or `exclude` and `word_list` (0.x), `results` and `generated_at`.
//! `results` maps each file to a list of potential secrets `{type,
//! filename, hashed_secret, is_verified, line_number}`, with `is_secret`
//! once an auditor has labelled the entry (`detect-secrets audit`). 0.x
//! entries have no `filename` (the key names the file). One finding per
//! entry, files and entries in document order. Nothing is merged here (the
//! normalizer deduplicates).
//!
//! # Secrets
//!
//! A baseline never holds a secret, only `hashed_secret`, its SHA-1. That
//! hash is not copied into any finding field either: the SHA-1 of a short
//! or dictionary password (the `Secret Keyword` plugin's usual catch) is
//! found by brute force in seconds, and titles and messages end up in pull
//! request comments and CI logs. What tells two secrets of one type on one
//! line apart is their ordinal instead (`2 of 3 of this type there`).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed; every entry needs `type` and
//!   `hashed_secret` (strings). A syntax error, a missing field or a field
//!   of the wrong type (`"is_verified": "no"`, a file's entries not a list)
//!   is `malformed-input` with serde_json's line and column. Unknown fields
//!   (`is_added`, `is_removed`, `check_id` of Bridgecrew's fork) are
//!   ignored. A document with `plugins_used` but no `results` is
//!   `malformed-input`.
//! * `unsupported-format`: a top level that is not an object (`null`, `[]`),
//!   or an object with neither `plugins_used` nor a `results` entry with a
//!   `hashed_secret` (another tool's report, such as Bandit's or Checkov's,
//!   whose `results` are a list or hold checks; `{"results": {}}` alone
//!   says nothing about the tool either).
//! * `"results": {}` in a baseline (with `plugins_used`) is a clean scan:
//!   no findings.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `detect-secrets`; `version` |
//! | `rule-id` | `type` (the plugin's secret type: `AWS Access Key`, `Secret Keyword`, ...) |
//! | `title` | `Potential secret: ` + `type` |
//! | `message` | type, file and line, the ordinal when one line has several secrets of the type, `is_verified` and the audit label as sentences |
//! | `severity` | see below; `tool-severity` none (detect-secrets has no severity) |
//! | `kind` | `secret` |
//! | `locations` | `filename` (else the `results` key; none when blank) with `line_number` |
//! | `cwes` | `798` (use of hard-coded credentials) |
//! | `tags` | `verified` (`is_verified: true`), `true-positive` / `false-positive` (`is_secret: true` / `false`) |
//! | `component`, `vulnerability-ids`, `help-uri` | none |
//! | `source-pointer` | `/results/{file}/{i}` (the file as a JSON Pointer token) |
//!
//! # Severity
//!
//! detect-secrets grades nothing; the severity is this parser's default
//! (`severity-source` `default`), the first rule that applies:
//!
//! | entry | cordon |
//! |---|---|
//! | `is_verified: true` (a plugin checked the credential live) | critical |
//! | `is_secret: false` (an auditor marked it a false positive) | info |
//! | `is_secret: true` (an auditor confirmed it) | high |
//! | `type` contains `entropy` (any case): `Base64` / `Hex High Entropy String` | low |
//! | `type` is `Secret Keyword` (any case) | medium |
//! | any other `type` (a specific credential pattern) | high |
//!
//! As for TruffleHog: an entropy match is often a hash or an identifier, a
//! keyword match (`password = ...`) is often a placeholder, a specific
//! pattern (AWS key, private key, token) rarely is. Audited false positives
//! stay findings (at `info`, tagged), so a policy decides what to do with
//! them and nothing disappears silently.

use cordon_parser_support::{
    Entries, MAX_ID_BYTES, Obj, TITLE_MAX_CHARS, UNKNOWN_RULE, check_syntax, clip, finding,
    located, non_empty, one_line, parse_or_foreign, pointer_token, position, present,
    secret_detector_level, top_level,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use std::collections::HashMap;

/// `tool` of every finding.
pub const TOOL: &str = "detect-secrets";
/// The format name of a detect-secrets baseline.
pub const FORMAT: &str = "detect-secrets-baseline";
/// CWE-798: use of hard-coded credentials.
pub const CWE_HARD_CODED_CREDENTIALS: u32 = 798;
/// What the parser calls the input in error messages.
const WHAT: &str = "detect-secrets baseline";

/// The stage, registered below.
pub struct DetectSecretsParser;

impl Parser for DetectSecretsParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(DetectSecretsParser);

/// The parts of a baseline the parser reads.
#[derive(Deserialize)]
struct Baseline {
    version: Option<String>,
    #[serde(default, deserialize_with = "present")]
    plugins_used: Option<IgnoredAny>,
    results: Option<Entries<Vec<Obj<Secret>>>>,
}

/// One potential secret.
#[derive(Deserialize)]
struct Secret {
    #[serde(rename = "type")]
    kind: String,
    /// Required (it is what makes an entry detect-secrets'), never copied.
    #[serde(rename = "hashed_secret")]
    _hashed_secret: String,
    filename: Option<String>,
    #[serde(default, deserialize_with = "position")]
    line_number: Option<u32>,
    is_verified: Option<bool>,
    is_secret: Option<bool>,
}

fn not_a_baseline() -> StageError {
    StageError::UnsupportedFormat(format!(
        "not a {WHAT}: no `plugins_used` and no `results` entry with a `hashed_secret` \
         (is this another tool's report?)"
    ))
}

/// Whether a document that did not read as a baseline is another tool's:
/// no `plugins_used`, and no entry of an object `results` has a
/// `hashed_secret`.
fn foreign(doc: &Value) -> bool {
    let entry = |v: &Value| v.get("hashed_secret").is_some();
    let has_entries = doc
        .get("results")
        .and_then(Value::as_object)
        .is_some_and(|files| {
            files
                .values()
                .filter_map(Value::as_array)
                .any(|list| list.iter().any(entry))
        });
    doc.get("plugins_used").is_none() && !has_entries
}

/// Parse a detect-secrets baseline (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'{', "a detect-secrets baseline", WHAT)?;
    let baseline: Obj<Baseline> =
        parse_or_foreign(bytes, WHAT, |doc: Value| foreign(&doc).then(not_a_baseline))
            // A type error met before a syntax error further on: the syntax
            // error says what is wrong with the document.
            .map_err(|e| match e {
                StageError::MalformedInput(_) => check_syntax(bytes, WHAT).err().unwrap_or(e),
                other => other,
            })?;
    let marked = baseline.plugins_used.is_some();
    let Some(results) = &baseline.results else {
        return Err(if marked {
            StageError::malformed(
                format!("not a valid {WHAT}: missing field `results`"),
                None,
                None,
                None,
            )
        } else {
            not_a_baseline()
        });
    };
    if !marked && results.0.iter().all(|(_, list)| list.is_empty()) {
        return Err(not_a_baseline());
    }
    let version = non_empty(baseline.version.as_deref()).map(|v| clip(v, MAX_ID_BYTES));
    let mut findings = Vec::new();
    for (file, list) in &results.0 {
        // How many secrets of one type each line has, and how many of them
        // were converted so far.
        let mut per_line: HashMap<(&str, Option<u32>), (usize, usize)> = HashMap::new();
        for s in list.iter() {
            per_line
                .entry((s.kind.trim(), s.line_number))
                .or_default()
                .0 += 1;
        }
        for (i, s) in list.iter().enumerate() {
            let ordinal = per_line
                .get_mut(&(s.kind.trim(), s.line_number))
                .map(|(total, seen)| {
                    *seen += 1;
                    (*seen, *total)
                })
                .unwrap_or((1, 1));
            let mut f = convert(s, file, ordinal);
            f.tool_version.clone_from(&version);
            f.source_pointer = format!("/results/{}/{i}", pointer_token(file));
            findings.push(f);
        }
    }
    Ok(findings)
}

/// The severity table of the crate docs.
fn severity(kind: &str, verified: bool, audit: Option<bool>) -> Severity {
    match (verified, audit) {
        (true, _) => Severity::Critical,
        (false, Some(false)) => Severity::Info,
        (false, Some(true)) => Severity::High,
        (false, None) => secret_detector_level(kind, "Secret Keyword"),
    }
}

/// One entry of `file`'s list; `(k, n)`: it is the `k`-th of `n` entries of
/// its type on its line.
fn convert(s: &Secret, file: &str, (k, n): (usize, usize)) -> Finding {
    let kind = s.kind.trim();
    let rule_id = clip(non_empty(Some(kind)).unwrap_or(UNKNOWN_RULE), MAX_ID_BYTES);
    let label = one_line(&rule_id, TITLE_MAX_CHARS);
    let title = one_line(&format!("Potential secret: {label}"), TITLE_MAX_CHARS);
    let path = s
        .filename
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or(file);
    let locations = located(path, |path| Location {
        path: path.to_string(),
        start_line: s.line_number,
        start_column: None,
        end_line: None,
        end_column: None,
    });
    let verified = s.is_verified == Some(true);

    let mut message = format!("detect-secrets found a potential secret of type `{label}`");
    if !locations.is_empty() {
        message.push_str(&format!(" in `{path}`"));
    }
    if let Some(line) = s.line_number {
        message.push_str(&format!(" at line {line}"));
    }
    if n > 1 {
        message.push_str(&format!(" ({k} of {n} of this type there)"));
    }
    message.push('.');
    let mut tags = Vec::new();
    if verified {
        message.push_str(" A detect-secrets plugin verified it as a live credential.");
        tags.push("verified".to_string());
    }
    match s.is_secret {
        Some(true) => {
            message.push_str(" An audit marked it a real secret.");
            tags.push("true-positive".to_string());
        }
        Some(false) => {
            message.push_str(" An audit marked it a false positive.");
            tags.push("false-positive".to_string());
        }
        None => {}
    }

    Finding {
        message,
        locations,
        cwes: vec![CWE_HARD_CODED_CREDENTIALS],
        tags,
        // detect-secrets grades nothing: the documented default.
        severity_source: SeveritySource::Default,
        ..finding(
            TOOL,
            rule_id,
            title,
            FindingKind::Secret,
            severity(kind, verified, s.is_secret),
        )
    }
}

#[cfg(test)]
mod tests;
