//! Runs the parser over the shared scanner corpus and compares the result
//! with DefectDojo's, file by file.
//!
//! For every `MANIFEST.tsv` row of this crate's folders (and of its formats
//! wherever they are filed):
//!
//! * `parse` succeeds and yields exactly `raw_items` findings (one per item
//!   the report lists), each honouring the finding contract;
//! * after `normalizer_default::normalize` the count equals
//!   `expected_findings`, or the file is in the divergence table of
//!   `CONFORMANCE.md` with exactly the two counts it shows (a file that is
//!   listed but matches, or diverges but is not listed, fails the test);
//! * every `facts` entry that maps onto cordon's model holds (severity, rule
//!   id, vulnerability ids, CWEs, path, line, component); the attributes
//!   skipped for want of an equivalent must be named in `CONFORMANCE.md`;
//! * negative samples are errors.
//!
//! The corpus lives outside the repository: `$CORDON_CORPUS`, else
//! `../../../shared/corpus` relative to this crate. When it is missing the
//! test prints one line and passes. Every mismatch is collected and reported
//! at once.

use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

// ---- what this crate reads -------------------------------------------------

/// Corpus folders whose rows this parser owns.
const FOLDERS: &[&str] = &["bandit"];
/// Formats this parser owns wherever they are filed.
const FORMATS: &[&str] = &["bandit-json"];

fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    parser_bandit::parse(bytes)
}

/// DefectDojo's `file_path` against our first location's path.
fn path_matches(_format: &str, ours: &str, theirs: &str) -> bool {
    ours == theirs
}

/// DefectDojo's `vuln_id_from_tool` (`test_name:test_id`, e.g.
/// `blacklist:B303`) against our rule id (`B303`): compared on the part
/// after the last colon.
fn rule_matches(ours: &str, theirs: &str) -> bool {
    theirs.rsplit(':').next() == Some(ours)
}

/// DefectDojo's `title` is Bandit's `issue_text`, and so is ours (first
/// line; Bandit's texts are one line).
fn title_matches(ours: &str, theirs: &str) -> Option<bool> {
    Some(ours == theirs)
}

// ---- the harness (the same in every parser crate) ----------------------------

const SKIP_LINE: &str = "skipping: scanner corpus not found (set CORDON_CORPUS)";

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CORDON_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

struct Row {
    format: String,
    file: String,
    expected: Option<usize>,
    facts: String,
    notes: String,
    raw_items: Option<usize>,
}

fn read_manifest(dir: &Path) -> Vec<Row> {
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
    let (format, file, expected, facts, notes, raw) = (
        col("format"),
        col("file"),
        col("expected_findings"),
        col("facts"),
        col("notes"),
        col("raw_items"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim().to_string();
            Row {
                format: cell(format),
                file: cell(file),
                expected: cell(expected).parse().ok(),
                facts: cell(facts),
                notes: cell(notes),
                raw_items: cell(raw).parse().ok(),
            }
        })
        .collect()
}

/// One row of the divergence table: what cordon and DefectDojo count
/// (`None` in the cordon column means "error").
struct Divergence {
    cordon: Option<usize>,
    defectdojo: Option<usize>,
}

fn conformance_doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("CONFORMANCE.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn divergence_table(doc: &str) -> BTreeMap<String, Divergence> {
    let start = doc
        .find("<!-- divergence:start -->")
        .expect("CONFORMANCE.md has <!-- divergence:start -->");
    let end = doc
        .find("<!-- divergence:end -->")
        .expect("CONFORMANCE.md has <!-- divergence:end -->");
    doc.get(start..end)
        .unwrap_or("")
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells
                .get(1)
                .map(|c| c.trim_matches('`').to_string())
                .unwrap_or_default();
            let num = |i: usize| cells.get(i).and_then(|c| c.parse().ok());
            (
                file,
                Divergence {
                    cordon: num(2),
                    defectdojo: num(3),
                },
            )
        })
        .collect()
}

fn is_negative(row: &Row) -> bool {
    row.notes.to_ascii_lowercase().contains("negative sample")
        || row.format == "invalid-json"
        || row.format == "empty-file"
}

/// `[1, 2]`, `[CVE-1]` or a bare value as a list of trimmed items.
fn list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().trim_matches(['\'', '"']).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Check one fact; `Ok(None)` when the attribute has no cordon equivalent
/// (returns its name), `Ok(Some(()))` when checked and true.
fn check_fact(row: &Row, findings: &[Finding], fact: &str) -> Result<Option<()>, String> {
    // `sorted lines=[42,78]`: the sorted start lines of all findings.
    if let Some(v) = fact.strip_prefix("sorted lines=") {
        let mut want: Vec<u32> = list(v).iter().filter_map(|s| s.parse().ok()).collect();
        let mut got: Vec<u32> = findings
            .iter()
            .filter_map(|f| f.locations.first().and_then(|l| l.start_line))
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        return if want == got {
            Ok(Some(()))
        } else {
            Err(format!("sorted lines: cordon {got:?}, DefectDojo {want:?}"))
        };
    }
    let Some(rest) = fact.strip_prefix("finding[") else {
        return Err(String::new()); // free text: reported as skipped by the caller
    };
    let Some((index, rest)) = rest.split_once("].") else {
        return Err(String::new());
    };
    let Ok(i) = index.parse::<usize>() else {
        return Err(String::new());
    };
    let Some((attr, value)) = rest.split_once('=') else {
        return Err(String::new());
    };
    let (attr, value) = (attr.trim(), value.trim().trim_matches(['\'', '"']));
    let mapped = [
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
    let title_checked = attr == "title" && title_matches("", "").is_some();
    if !mapped.contains(&attr) && !title_checked {
        return Ok(None);
    }
    let Some(f) = findings.get(i) else {
        return Err(format!(
            "{attr}: finding[{i}] does not exist ({} findings)",
            findings.len()
        ));
    };
    let first = f.locations.first();
    let ok = match attr {
        "severity" => f.severity.as_str() == value.to_ascii_lowercase(),
        "vuln_id_from_tool" => rule_matches(&f.rule_id, value),
        "vulnerability_ids" => list(value).iter().all(|id| {
            f.vulnerability_ids
                .iter()
                .any(|v| v.eq_ignore_ascii_case(id))
        }),
        "cwe" => value.parse::<u32>().is_ok_and(|n| f.cwes.contains(&n)),
        "cwes" => {
            let mut want: Vec<u32> = list(value).iter().filter_map(|s| s.parse().ok()).collect();
            want.sort_unstable();
            let mut got = f.cwes.clone();
            got.sort_unstable();
            want == got
        }
        "file_path" => first.is_some_and(|l| path_matches(&row.format, &l.path, value)),
        "line" => value
            .parse::<u32>()
            .is_ok_and(|n| first.and_then(|l| l.start_line) == Some(n)),
        "component_name" => f.component.as_ref().is_some_and(|c| c.name == value),
        "component_version" => f
            .component
            .as_ref()
            .is_some_and(|c| c.version.as_deref() == Some(value)),
        "title" => title_matches(&f.title, value) == Some(true),
        _ => unreachable!("listed above"),
    };
    if ok {
        Ok(Some(()))
    } else {
        let ours = match attr {
            "severity" => f.severity.as_str().to_string(),
            "vuln_id_from_tool" => f.rule_id.clone(),
            "vulnerability_ids" => format!("{:?}", f.vulnerability_ids),
            "cwe" | "cwes" => format!("{:?}", f.cwes),
            "file_path" => format!("{:?}", first.map(|l| &l.path)),
            "line" => format!("{:?}", first.and_then(|l| l.start_line)),
            "title" => f.title.clone(),
            _ => format!("{:?}", f.component),
        };
        Err(format!(
            "finding[{i}].{attr}: cordon {ours}, DefectDojo {value}"
        ))
    }
}

#[test]
fn corpus_matches_defectdojo_or_is_explained() {
    let Some(dir) = corpus_dir() else {
        println!("{SKIP_LINE}");
        return;
    };
    let doc = conformance_doc();
    let table = divergence_table(&doc);
    let rows: Vec<Row> = read_manifest(&dir)
        .into_iter()
        .filter(|r| {
            let folder = r.file.split('/').next().unwrap_or("");
            FOLDERS.contains(&folder) || FORMATS.contains(&r.format.as_str())
        })
        .collect();
    assert!(!rows.is_empty(), "no rows for {FOLDERS:?} in MANIFEST.tsv");

    let mut failures: Vec<String> = Vec::new();
    let mut skipped_attrs: BTreeSet<String> = BTreeSet::new();
    let (mut asserted, mut matching, mut facts_checked) = (0usize, 0usize, 0usize);
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    println!(
        "{:<62} {:>5} {:>6} {:>10}",
        "file", "raw", "cordon", "defectdojo"
    );
    for row in &rows {
        seen.insert(&row.file);
        let bytes = match fs::read(dir.join(&row.file)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{}: cannot read: {e}", row.file));
                continue;
            }
        };
        let listed = table.get(&row.file);
        let result = parse(&bytes);
        if is_negative(row) || listed.is_some_and(|d| d.cordon.is_none()) {
            match result {
                Err(StageError::MalformedInput(_) | StageError::UnsupportedFormat(_)) => {}
                Err(other) => failures.push(format!("{}: wrong error kind: {other:?}", row.file)),
                Ok(f) => failures.push(format!(
                    "{}: expected an error, got {} findings",
                    row.file,
                    f.len()
                )),
            }
            println!("{:<62} {:>5} {:>6} {:>10}", row.file, "-", "error", "-");
            continue;
        }
        let findings = match result {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{}: rejected: {e:?}", row.file));
                continue;
            }
        };
        let raw = findings.len();
        if let Some(n) = row.raw_items
            && n != raw
        {
            failures.push(format!("{}: {raw} findings, raw_items {n}", row.file));
        }
        for (n, f) in findings.iter().enumerate() {
            if f.input != 0
                || !f.fingerprint.is_empty()
                || f.rule_id.trim().is_empty()
                || f.tool.trim().is_empty()
                || f.source_pointer.is_empty()
                || f.locations.iter().any(|l| {
                    [l.start_line, l.end_line, l.start_column, l.end_column].contains(&Some(0))
                })
            {
                failures.push(format!("{}: finding {n} breaks the contract", row.file));
            }
        }
        let normalized = normalizer_default::normalize(findings);
        let ours = normalized.len();
        println!(
            "{:<62} {:>5} {:>6} {:>10}",
            row.file,
            raw,
            ours,
            row.expected.map_or("-".to_string(), |n| n.to_string())
        );
        match (row.expected, listed) {
            (Some(dd), None) => {
                asserted += 1;
                if dd == ours {
                    matching += 1;
                } else {
                    failures.push(format!(
                        "{}: cordon {ours}, DefectDojo {dd}, and not in the divergence table of CONFORMANCE.md",
                        row.file
                    ));
                }
            }
            (Some(dd), Some(d)) => {
                asserted += 1;
                if dd == ours {
                    failures.push(format!(
                        "{}: listed as a divergence but cordon matches DefectDojo ({ours})",
                        row.file
                    ));
                } else if d.cordon != Some(ours) || d.defectdojo != Some(dd) {
                    failures.push(format!(
                        "{}: the divergence table says {:?} vs {:?}, the run gives {ours} vs {dd}",
                        row.file, d.cordon, d.defectdojo
                    ));
                }
            }
            (None, Some(_)) => failures.push(format!(
                "{}: listed as a divergence but DefectDojo asserts no count",
                row.file
            )),
            (None, None) => {}
        }
        for fact in row
            .facts
            .split(" ; ")
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            match check_fact(row, &normalized, fact) {
                Ok(Some(())) => facts_checked += 1,
                Ok(None) => {
                    let attr = fact
                        .split_once("].")
                        .and_then(|(_, r)| r.split_once('='))
                        .map_or(fact, |(a, _)| a);
                    skipped_attrs.insert(attr.trim().to_string());
                }
                Err(e) if e.is_empty() => {
                    skipped_attrs.insert("(free-text fact)".to_string());
                }
                Err(e) => failures.push(format!("{}: {e}", row.file)),
            }
        }
    }
    for file in table.keys() {
        if !seen.contains(file.as_str()) {
            failures.push(format!(
                "{file}: in the divergence table but not a corpus row of this parser"
            ));
        }
    }
    for attr in &skipped_attrs {
        if !doc.contains(&format!("`{attr}`")) {
            failures.push(format!(
                "fact attribute `{attr}` is skipped but CONFORMANCE.md does not list it"
            ));
        }
    }
    println!(
        "{} files; {matching}/{asserted} asserted counts equal DefectDojo's, {} diverge (CONFORMANCE.md); \
         {facts_checked} facts checked, skipped attributes: {skipped_attrs:?}",
        rows.len(),
        asserted - matching
    );
    assert!(
        failures.is_empty(),
        "{} corpus mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
