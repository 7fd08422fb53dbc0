//! Shared harness for the parser crates' scanner-corpus tests
//! (`plugins/parser-*/tests/corpus.rs`).
//!
//! Every parser crate runs its parser over the shared scanner-output corpus
//! and compares the result with DefectDojo's expectations in `MANIFEST.tsv`,
//! documenting each difference in the crate's `CONFORMANCE.md`. This crate
//! holds what those tests have in common:
//!
//! * locating the corpus ([`corpus_dir`], [`SKIP_LINE`]);
//! * reading `MANIFEST.tsv` ([`read_manifest`], [`Row`]);
//! * reading the tables of `CONFORMANCE.md` ([`table`], [`Conformance`]);
//! * the finding contract ([`Contract`]) and small fact helpers;
//! * drivers that run a whole corpus test and assert once, one per style of
//!   test the parser crates use (they differ in which facts they check and how
//!   they read DefectDojo's values, so they are kept apart rather than merged):
//!   [`sca`], [`iac`], [`sast`] and [`advisory`];
//! * the secret scanners' redaction check ([`secrets`]);
//! * helpers for the crates' unit tests ([`kit`]): rejection assertions and
//!   builders of small documents;
//! * the repository's own fixtures and their prefixes ([`fixtures`]).
//!
//! It only does file I/O when a test runs, and builds for any target.

use cordon_sdk::{Finding, StageError};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub mod advisory;
pub mod fixtures;
pub mod iac;
pub mod kit;
pub mod sast;
pub mod sca;
pub mod secrets;

/// The parse function of a parser crate.
pub type ParseFn = fn(&[u8]) -> Result<Vec<Finding>, StageError>;

/// The one line a corpus test prints when the corpus is missing (it then
/// passes).
pub const SKIP_LINE: &str = "skipping: scanner corpus not found (set CORDON_CORPUS)";

/// The corpus directory: `$CORDON_CORPUS` when set and not empty, else
/// `../../../shared/corpus` relative to `manifest_dir` (pass
/// `env!("CARGO_MANIFEST_DIR")`). `None` when it has no `MANIFEST.tsv`.
pub fn corpus_dir(manifest_dir: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("CORDON_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(manifest_dir).join("../../../shared/corpus"),
    };
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// [`corpus_dir`], or print [`SKIP_LINE`] and return `None`.
pub fn corpus_dir_or_skip(manifest_dir: &str) -> Option<PathBuf> {
    let dir = corpus_dir(manifest_dir);
    if dir.is_none() {
        println!("{SKIP_LINE}");
    }
    dir
}

/// One row of `MANIFEST.tsv`, cells trimmed.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// The `tool` column.
    pub tool: String,
    /// The `format` column (e.g. `trivy-json-schema2`).
    pub format: String,
    /// The file, relative to the corpus directory (`folder/name`).
    pub file: String,
    /// `expected_findings`: DefectDojo's count, when it asserts one.
    pub expected: Option<usize>,
    /// The `facts` column (see [`Row::facts`]).
    pub facts: String,
    /// The `source` column.
    pub source: String,
    /// The `notes` column.
    pub notes: String,
    /// `raw_items`: how many items the report lists, when known.
    pub raw_items: Option<usize>,
    /// The `origin` column.
    pub origin: String,
}

impl Row {
    /// The corpus folder of the file (its first path segment).
    pub fn folder(&self) -> &str {
        self.file.split('/').next().unwrap_or("")
    }

    /// Whether the file lies in one of `folders`.
    pub fn in_folders(&self, folders: &[&str]) -> bool {
        folders.contains(&self.folder())
    }

    /// The entries of the `facts` column (separated by ` ; `), trimmed, empty
    /// ones dropped.
    pub fn facts(&self) -> impl Iterator<Item = &str> {
        self.facts
            .split(" ; ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Every row of `dir/MANIFEST.tsv` (columns found by their header names).
///
/// # Panics
/// When the manifest is unreadable or lacks one of the columns.
pub fn read_manifest(dir: &Path) -> Vec<Row> {
    let text = fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .expect("MANIFEST.tsv has a header")
        .split('\t')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no '{name}' column"))
    };
    let cols = [
        col("tool"),
        col("format"),
        col("file"),
        col("expected_findings"),
        col("facts"),
        col("source"),
        col("notes"),
        col("raw_items"),
        col("origin"),
    ];
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let cell = |i: usize| cells.get(cols[i]).copied().unwrap_or("").trim().to_string();
            Row {
                tool: cell(0),
                format: cell(1),
                file: cell(2),
                expected: cell(3).parse().ok(),
                facts: cell(4),
                source: cell(5),
                notes: cell(6),
                raw_items: cell(7).parse().ok(),
                origin: cell(8),
            }
        })
        .collect()
}

/// The text of the crate's `CONFORMANCE.md` (`manifest_dir` is
/// `env!("CARGO_MANIFEST_DIR")`).
///
/// # Panics
/// When the file is unreadable.
pub fn conformance_doc(manifest_dir: &str) -> String {
    let path = Path::new(manifest_dir).join("CONFORMANCE.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of the Markdown table between `<!-- {name}:start -->` and
/// `<!-- {name}:end -->`: header row and rule removed, cells trimmed and
/// stripped of backticks.
///
/// # Panics
/// When a marker is missing.
pub fn table(doc: &str, name: &str) -> Vec<Vec<String>> {
    let start = format!("<!-- {name}:start -->");
    let end = format!("<!-- {name}:end -->");
    let from = doc
        .find(&start)
        .unwrap_or_else(|| panic!("CONFORMANCE.md has no {start}"));
    let body = &doc[from + start.len()..];
    let to = body
        .find(&end)
        .unwrap_or_else(|| panic!("CONFORMANCE.md has no {end}"));
    body[..to]
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect()
}

/// The divergence tables of a crate's `CONFORMANCE.md`.
#[derive(Debug, Default)]
pub struct Conformance {
    /// The whole document.
    pub doc: String,
    /// `divergence` table: file → (cordon's count or `error`, DefectDojo's
    /// count).
    pub counts: BTreeMap<String, (String, String)>,
    /// `fact-divergence` table: (file, fact) → what cordon says. Empty when
    /// not read.
    pub facts: BTreeMap<(String, String), String>,
}

impl Conformance {
    /// Read `CONFORMANCE.md`: the `divergence` table, and the
    /// `fact-divergence` table when `with_facts`.
    ///
    /// # Panics
    /// When a table is missing, or a row has fewer than four cells or an
    /// empty reason.
    pub fn read(manifest_dir: &str, with_facts: bool) -> Self {
        let doc = conformance_doc(manifest_dir);
        let mut counts = BTreeMap::new();
        for row in table(&doc, "divergence") {
            assert!(row.len() >= 4, "divergence row needs 4 cells: {row:?}");
            assert!(!row[3].is_empty(), "divergence of {} has no reason", row[0]);
            counts.insert(row[0].clone(), (row[1].clone(), row[2].clone()));
        }
        let mut facts = BTreeMap::new();
        if with_facts {
            for row in table(&doc, "fact-divergence") {
                assert!(row.len() >= 4, "fact-divergence row needs 4 cells: {row:?}");
                assert!(
                    !row[3].is_empty(),
                    "fact divergence in {} has no reason",
                    row[0]
                );
                facts.insert((row[0].clone(), row[1].clone()), row[2].clone());
            }
        }
        Conformance { doc, counts, facts }
    }
}

/// The bytes of `row`'s file in the corpus `dir`, or `None` after recording
/// `"{file}: cannot read: {error}"` in `failures`.
pub fn read_row(dir: &Path, row: &Row, failures: &mut Vec<String>) -> Option<Vec<u8>> {
    fs::read(dir.join(&row.file))
        .map_err(|e| failures.push(format!("{}: cannot read: {e}", row.file)))
        .ok()
}

/// The DefectDojo attributes of a `finding[...]` fact that have a cordon
/// equivalent.
pub const MAPPED_ATTRS: &[&str] = &[
    "severity",
    "vuln_id_from_tool",
    "vulnerability_ids",
    "cwe",
    "cwes",
    "file_path",
    "line",
    "component_name",
    "component_version",
];

/// The items of a fact value such as `[1, 2]`, `['CVE-1']` or a bare value:
/// the brackets dropped, split at commas, each item trimmed of white space
/// (quotes are left to the caller).
pub fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(str::trim)
}

/// Whether a parse result is a rejection of the input
/// (`malformed-input` or `unsupported-format`).
pub fn is_rejection<T>(result: &Result<T, StageError>) -> bool {
    matches!(
        result,
        Err(StageError::MalformedInput(_) | StageError::UnsupportedFormat(_))
    )
}

/// What the finding contract requires of a parser's output, beyond the base
/// (`input` 0, no fingerprint, a rule id).
#[derive(Clone, Copy, Debug, Default)]
pub struct Contract {
    /// `tool` and `source_pointer` are not empty.
    pub tool_and_pointer: bool,
    /// No line or column of any location is 0.
    pub no_zero_positions: bool,
    /// No start or end line of any location is 0.
    pub no_zero_lines: bool,
    /// The rule id is at most 1024 bytes, the title at most 4096.
    pub lengths: bool,
}

impl Contract {
    /// `tool` and `source_pointer` set, and no location line or column 0:
    /// the contract of the IaC and SAST drivers.
    pub const TOOL_AND_POSITIONS: Contract = Contract {
        tool_and_pointer: true,
        no_zero_positions: true,
        no_zero_lines: false,
        lengths: false,
    };

    /// Whether `f` keeps the contract.
    pub fn holds(&self, f: &Finding) -> bool {
        let positions =
            |l: &cordon_sdk::Location| [l.start_line, l.end_line, l.start_column, l.end_column];
        f.input == 0
            && f.fingerprint.is_empty()
            && !f.rule_id.trim().is_empty()
            && !(self.tool_and_pointer && (f.tool.trim().is_empty() || f.source_pointer.is_empty()))
            && !(self.no_zero_positions
                && f.locations.iter().any(|l| positions(l).contains(&Some(0))))
            && !(self.no_zero_lines
                && f.locations
                    .iter()
                    .any(|l| l.start_line == Some(0) || l.end_line == Some(0)))
            && !(self.lengths && (f.rule_id.len() > 1024 || f.title.len() > 4096))
    }

    /// Record `"{file}: finding {n} {what}"` for every finding that breaks
    /// the contract.
    pub fn check(&self, file: &str, findings: &[Finding], what: &str, failures: &mut Vec<String>) {
        for (n, f) in findings.iter().enumerate() {
            if !self.holds(f) {
                failures.push(format!("{file}: finding {n} {what}"));
            }
        }
    }
}

/// Assert that no failure was collected, listing them all otherwise.
///
/// # Panics
/// When `failures` is not empty.
pub fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} corpus mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "intro\n<!-- divergence:start -->\n| file | cordon | DefectDojo | why |\n|---|---|---|---|\n| `a/x.json` | 3 | 4 | dedup |\n| `a/y.json` | error | 0 | invalid |\n<!-- divergence:end -->\n";

    #[test]
    fn table_drops_header_and_rule() {
        let rows = table(DOC, "divergence");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], ["a/x.json", "3", "4", "dedup"]);
        assert_eq!(rows[1][1], "error");
    }

    #[test]
    #[should_panic(expected = "fact-divergence:start")]
    fn missing_table_panics() {
        table(DOC, "fact-divergence");
    }

    #[test]
    fn facts_are_split_and_trimmed() {
        let row = Row {
            file: "trivy/a.json".into(),
            facts: "finding[0].severity=High ;  ; finding[1].line=3 ".into(),
            ..Row::default()
        };
        assert_eq!(row.folder(), "trivy");
        assert!(row.in_folders(&["grype", "trivy"]));
        assert_eq!(
            row.facts().collect::<Vec<_>>(),
            ["finding[0].severity=High", "finding[1].line=3"]
        );
    }
}
