//! `parser-semgrep`: Semgrep reports into cordon findings.
//!
//! Three formats, told apart by their top-level key:
//!
//! | format name | top level | one finding per |
//! |---|---|---|
//! | `semgrep-json` | `{"results": [...], "errors": [...], "version": ...}` (`semgrep --json`) | entry of `results` |
//! | `semgrep-app-findings-api-json` | `{"findings": [...]}` (Semgrep App findings API) | entry of `findings` |
//! | `semgrep-app-sca-vulns-api-json` | `{"vulns": [...], "hasMore": ..., "cursor": ...}` (Semgrep App Supply Chain API) | entry of `vulns` |
//!
//! Every entry becomes one finding, in document order; nothing is merged
//! here (the normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed and the fields read must have the right
//!   types (`malformed-input` with serde_json's line and column otherwise).
//!   Unknown fields are ignored. Rule `metadata` is written by rule authors,
//!   so its fields are read leniently: a value of an unexpected shape is
//!   ignored, never an error.
//! * A CLI result needs `check_id`, `path` and `start`.
//! * `unsupported-format`: a top level that is not an object; an object with
//!   none of `results`, `findings`, `vulns`; a `results` / `findings` /
//!   `vulns` array none of whose entries looks like Semgrep's (another tool's
//!   report); and an error document: a CLI report whose `results` is empty
//!   (or absent) while `errors` holds an entry with `level: "error"` (the
//!   scan did not run, e.g. an invalid rule file), or an App API error
//!   (`{"error": ...}` / `{"errors": [...]}` without data).
//! * A Supply Chain export with `"hasMore": true` is one page of a longer
//!   list; it is parsed, and a warning says so.
//!
//! # Mapping: CLI (`results[i]`)
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `semgrep`, top-level `version` |
//! | `rule-id` | `check_id`; for a Supply Chain result (`extra.sca_info` or `metadata.sca-vuln-database-identifier`) the vulnerability id, with `check_id` kept as tag `semgrep-rule:<id>` |
//! | `title` | first line of `extra.message` (at most [`TITLE_MAX_CHARS`] characters), else `check_id` |
//! | `message` | `extra.message` |
//! | `severity`, `tool-severity` | `metadata.security-severity` when it is a score, else `extra.severity`; see below |
//! | `kind` | `sca` for Supply Chain; `secret` when `extra.validation_state` is set to something other than `NO_VALIDATOR`, `metadata.product` is `secrets` or the rule id has a `secrets` segment (`generic.secrets.…`); else `sast` |
//! | `locations` | `path` with `start.line` / `start.col` / `end.line` / `end.col` (none for a blank path) |
//! | `component` | `extra.sca_info.dependency_match.found_dependency`: `package`, `version`, a purl from `ecosystem`, fixed versions from `metadata.sca-fix-versions` |
//! | `vulnerability-ids` | `metadata.sca-vuln-database-identifier` |
//! | `cwes` | `metadata.cwe` (string or list, `CWE-78: ...`) |
//! | `tags` | `metadata.category`, `subcategory:`, `confidence:`, `likelihood:`, `impact:`, `owasp:` entries, `reachable` / `unreachable`, `transitivity:`, `sca-severity:` (Supply Chain), `engine:` (`extra.engine_kind`), `suppressed-in-source` for `extra.is_ignored: true` |
//! | `help-uri` | `metadata.source`, else `metadata.shortlink` |
//! | `source-pointer` | `/results/{i}` |
//!
//! # Mapping: App findings API (`findings[i]`)
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `semgrep` |
//! | `rule-id` | `rule_name`, else `rule.name`; for a Supply Chain finding `vulnerability_identifier` |
//! | `title`, `message` | first line of / all of `rule_message`, else `rule.message` |
//! | `severity`, `tool-severity` | `severity` |
//! | `kind` | `sca` with `found_dependency` or a vulnerability id; `secret` with a `validation_state` other than `no_validator`, a `secrets` category or rule segment; else `sast` |
//! | `locations` | `repository.name` + `/` + `location.file_path`, with `line`, `column`, `end_line`, `end_column` |
//! | `component` | `found_dependency` (`package`, `version`, purl from `ecosystem`), fixed versions from `fix_recommendations` |
//! | `cwes` | `rule.cwe_names` |
//! | `tags` | `categories`, `confidence:`, `triage:`, `state:`, `status:`, `reachability:`, `transitivity:`, `repository:`, `owasp:` (`rule.owasp_names`) |
//! | `source-pointer` | `/findings/{i}` |
//!
//! # Mapping: App Supply Chain API (`vulns[i]`)
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `semgrep` |
//! | `rule-id` | first `advisory.references.cveIds`, else the first GHSA id in `advisory.references.urls`, else `advisory.ruleId` (always kept as tag `semgrep-rule:<id>`) |
//! | `title`, `message` | `title` (else `advisory.title`), `advisory.description` |
//! | `severity`, `tool-severity` | `advisory.severity` |
//! | `kind` | `sca` |
//! | `locations` | `repositoryName` + `/` + `dependencyFileLocation.path`, with `startLine`, `startCol`, `endLine`, `endCol` (numbers written as strings are read; `"0"` is none) |
//! | `component` | `matchedDependency` (`name`, `versionSpecifier`); fixed version `closestSafeDependency`, else the `advisory.safeDependencies` of that name |
//! | `vulnerability-ids` | `advisory.references.cveIds` and GHSA ids in `advisory.references.urls` |
//! | `cwes` | `advisory.references.cweIds` |
//! | `tags` | `exposure:`, `reachability:`, `transitivity:`, `triage:` (`triage.status`), `repository:` |
//! | `help-uri` | first `advisory.references.urls` |
//! | `source-pointer` | `/vulns/{i}` |
//!
//! The App exports cover many repositories and give paths relative to each,
//! so their paths are qualified with the repository name: the same file and
//! line in two repositories are two problems, not one.
//!
//! # Severity
//!
//! CLI results (`results[i]`), in this order:
//!
//! 1. the rule's `metadata.security-severity` when it is a score 0.0-10.0
//!    (string or number): 9.0 and up critical, 7.0 high, 4.0 medium, above
//!    0 low, 0 info (`severity-source` `security-severity`); a word such as
//!    GitLab's `CRITICAL` is not a score and is skipped;
//! 2. `extra.severity`, the rule's severity (`tool`):
//!
//! | Semgrep CLI (any case) | cordon |
//! |---|---|
//! | `CRITICAL`, `HIGH`, `ERROR` | high |
//! | `MEDIUM`, `MODERATE`, `WARNING` | medium |
//! | `LOW`, `INFO` | low |
//! | `INVENTORY`, `EXPERIMENT`, `NONE` | info |
//!
//! 3. absent or another word: medium (`default`).
//!
//! This is what Semgrep's SARIF of the same scan carries, and so what
//! `parser-sarif` reads from it: Semgrep copies the metadata
//! `security-severity` into the SARIF rule's `properties`, and writes the
//! rule's severity as `defaultConfiguration.level`, `error` for `CRITICAL`,
//! `HIGH` and `ERROR` alike, `warning` for `MEDIUM` / `WARNING`, `note` for
//! `LOW` / `INFO`. Reading the JSON on a finer scale would give one scan two
//! severities. For the same reason a Supply Chain result is graded by the
//! rule's severity too, not by the advisory's `metadata.sca-severity`
//! (which its SARIF does not carry); that one is kept as the tag
//! `sca-severity:<level>`.
//!
//! The App exports (`findings[i].severity`, `vulns[i].advisory.severity`)
//! have no SARIF form and keep the App's own scale (`tool`):
//!
//! | Semgrep App (any case) | cordon |
//! |---|---|
//! | `CRITICAL` | critical |
//! | `ERROR`, `HIGH` | high |
//! | `WARNING`, `MEDIUM`, `MODERATE` | medium |
//! | `INFO`, `LOW` | low |
//! | `INVENTORY`, `EXPERIMENT`, `NONE` | info |
//! | anything else, or absent | medium (`default`) |
//!
//! `tool-severity` keeps the string used, as written (the score, or the
//! severity word).

mod app;
mod cli;
mod common;
mod json;

pub use common::TITLE_MAX_CHARS;

use cordon_parser_support::{
    Keys, MAX_ID_BYTES, Obj, Shape, loose_string, parse_or_foreign, shown, top_level,
};
use cordon_sdk::{Finding, Level, Parser, StageError};
use serde::Deserialize;

/// `tool` of every finding.
pub const TOOL: &str = "semgrep";
pub use cordon_parser_support::UNKNOWN_RULE;
/// Format name of `semgrep --json` output.
pub const FORMAT_CLI: &str = "semgrep-json";
/// Format name of the Semgrep App findings API export.
pub const FORMAT_APP_FINDINGS: &str = "semgrep-app-findings-api-json";
/// Format name of the Semgrep App Supply Chain vulnerabilities API export.
pub const FORMAT_APP_SCA: &str = "semgrep-app-sca-vulns-api-json";

/// What the parser calls the input in error messages.
const WHAT: &str = "Semgrep report";

/// The stage, registered below.
pub struct SemgrepParser;

impl Parser for SemgrepParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(SemgrepParser);

/// The top level of all three formats; which key is present decides.
#[derive(Deserialize)]
#[serde(expecting = "a Semgrep report (a JSON object)")]
struct Document {
    #[serde(default, deserialize_with = "loose_string")]
    version: Option<String>,
    results: Option<Vec<Obj<cli::CliResult>>>,
    errors: Option<Vec<Obj<cli::CliError>>>,
    #[serde(default, deserialize_with = "loose_string")]
    error: Option<String>,
    findings: Option<Vec<Obj<app::AppFinding>>>,
    vulns: Option<Vec<Obj<app::Vuln>>>,
    #[serde(rename = "hasMore")]
    has_more: Option<bool>,
}

/// Keys that mark a CLI result.
struct ResultKeys;
impl Keys for ResultKeys {
    const KEYS: &'static [&'static str] = &["check_id"];
}
/// Keys that mark an App finding.
struct FindingKeys;
impl Keys for FindingKeys {
    const KEYS: &'static [&'static str] = &["rule_name", "match_based_id", "syntactic_id"];
}
/// Keys that mark an App Supply Chain vulnerability.
struct VulnKeys;
impl Keys for VulnKeys {
    const KEYS: &'static [&'static str] =
        &["advisory", "dependencyFileLocation", "matchedDependency"];
}

/// Error-path probe: do the arrays hold Semgrep entries at all?
#[derive(Deserialize)]
struct Probe {
    results: Option<Shape<ResultKeys>>,
    findings: Option<Shape<FindingKeys>>,
    vulns: Option<Shape<VulnKeys>>,
}

impl Probe {
    /// `unsupported-format` when the array present holds another tool's
    /// entries.
    fn foreign(self) -> Option<StageError> {
        let (name, foreign) = if let Some(s) = &self.results {
            ("results", s.foreign())
        } else if let Some(s) = &self.findings {
            ("findings", s.foreign())
        } else if let Some(s) = &self.vulns {
            ("vulns", s.foreign())
        } else {
            ("", false)
        };
        foreign.then(|| self::foreign(name))
    }
}

/// Parse a Semgrep report (any of the three formats; see the crate docs).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'{', "a Semgrep JSON report", WHAT)?;
    let doc: Document = parse_or_foreign(bytes, WHAT, Probe::foreign)?;

    let mut findings = if let Some(results) = &doc.results {
        let fatal = doc.errors.iter().flatten().find(|e| e.is_fatal());
        if results.is_empty()
            && let Some(err) = fatal
        {
            return Err(StageError::UnsupportedFormat(format!(
                "Semgrep reported an error instead of results: {}",
                shown(err.message.as_deref().unwrap_or("(no message)"))
            )));
        }
        let version = doc.version.as_deref();
        results
            .iter()
            .enumerate()
            .map(|(i, r)| cli::convert(r, i, version))
            .collect::<Vec<_>>()
    } else if let Some(items) = &doc.findings {
        if !items.is_empty() && !items.iter().any(|f| f.marked()) {
            return Err(foreign("findings"));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, f)| app::convert_finding(f, i))
            .collect()
    } else if let Some(vulns) = &doc.vulns {
        if !vulns.is_empty() && !vulns.iter().any(|v| v.marked()) {
            return Err(foreign("vulns"));
        }
        if doc.has_more == Some(true) {
            cordon_sdk::log(
                Level::Warn,
                "Semgrep Supply Chain export has \"hasMore\": true: it is one page of a longer list; only this page is read",
            );
        }
        vulns
            .iter()
            .enumerate()
            .map(|(i, v)| app::convert_vuln(v, i))
            .collect()
    } else {
        let first_error = doc
            .errors
            .iter()
            .flatten()
            .find_map(|e| e.message.as_deref())
            .or(doc.error.as_deref());
        return Err(StageError::UnsupportedFormat(match first_error {
            Some(msg) => format!(
                "Semgrep wrote an error document, not a report: {}",
                shown(msg)
            ),
            None => "not a Semgrep report: expected `results` (semgrep --json), \
                     `findings` (Semgrep App findings API) or `vulns` (Semgrep App Supply Chain API)"
                .to_string(),
        }));
    };
    for f in &mut findings {
        clip_ids(f);
    }
    Ok(findings)
}

/// `unsupported-format` for an array of another tool's entries.
fn foreign(name: &str) -> StageError {
    StageError::UnsupportedFormat(format!(
        "not a Semgrep report: no entry of `{name}` looks like a Semgrep {} \
         (is this another tool's report?)",
        match name {
            "results" => "result (no `check_id`)",
            "findings" => "App finding (no `rule_name`)",
            _ => "Supply Chain vulnerability (no `advisory`)",
        }
    ))
}

/// Cut a string to at most [`MAX_ID_BYTES`] bytes on a character boundary.
fn clip(s: &mut String) {
    if s.len() > MAX_ID_BYTES {
        let mut end = MAX_ID_BYTES;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// Keep free-form identifiers within the host's limits. This cut has no
/// trailing `…`, unlike the one `register_parser!` applies to the output
/// (`fit_to_contract`, which leaves values within the cap alone), so it is
/// part of what the component returns.
fn clip_ids(f: &mut Finding) {
    f.tags.iter_mut().for_each(clip);
    f.vulnerability_ids.iter_mut().for_each(clip);
    if let Some(s) = f.tool_severity.as_mut() {
        clip(s);
    }
    if let Some(v) = f.tool_version.as_mut() {
        clip(v);
    }
}

#[cfg(test)]
mod tests;
