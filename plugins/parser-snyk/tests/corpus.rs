//! Runs the parser over the shared scanner corpus and compares with
//! DefectDojo.
//!
//! For every MANIFEST row of this parser's folders and formats:
//!
//! * a row listed in [`EXPECTED_ERRORS`] must be rejected with that error;
//! * any other row must parse; after `normalizer_default::normalize`, the
//!   number of findings must equal `expected_findings`, unless the file is in
//!   the divergence table of `CONFORMANCE.md` (and then it must differ, by
//!   the numbers the table gives);
//! * every `facts` entry that maps onto cordon's model is checked; the
//!   others are counted as skipped, by attribute.
//!
//! The corpus is `$CORDON_CORPUS`, else `../../../shared/corpus` from this
//! crate. Without it the test prints one line and passes. Every mismatch is
//! collected and reported at once.

use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

// ---- what this parser owns ---------------------------------------------------

/// Corpus folders of this parser.
const FOLDERS: &[&str] = &["snyk", "snyk_code"];
/// Formats of those folders that this parser reads (rows of other formats in
/// them belong to other parsers).
fn owned(format: &str) -> bool {
    format.starts_with("snyk-json")
}
/// Formats in those folders that belong to another parser and that this
/// parser must refuse with `unsupported-format`.
fn refused(format: &str) -> bool {
    // Snyk Code SARIF belongs to parser-sarif.
    format.starts_with("sarif")
}
/// Files that must be rejected, and how.
const EXPECTED_ERRORS: &[(&str, ErrorKind)] = &[];
/// Rows whose `notes` call them negative samples for DefectDojo, but which
/// are valid reports this parser reads.
const NEGATIVE_FOR_DEFECTDOJO_ONLY: &[&str] = &[];

fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    parser_snyk::parse(bytes)
}

// ---- shared harness ---------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum ErrorKind {
    #[allow(dead_code)]
    Unsupported,
    #[allow(dead_code)]
    Malformed,
}

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
    raw_items: Option<usize>,
    facts: String,
    notes: String,
}

fn read_manifest(dir: &Path) -> Vec<Row> {
    let text = fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no '{name}' column"))
    };
    let (c_format, c_file, c_expected, c_raw, c_facts, c_notes) = (
        col("format"),
        col("file"),
        col("expected_findings"),
        col("raw_items"),
        col("facts"),
        col("notes"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim().to_string();
            Row {
                format: cell(c_format),
                file: cell(c_file),
                expected: cell(c_expected).parse().ok(),
                raw_items: cell(c_raw).parse().ok(),
                facts: cell(c_facts),
                notes: cell(c_notes),
            }
        })
        .collect()
}

/// The divergence table of CONFORMANCE.md: file → (cordon, DefectDojo).
fn divergence_table() -> BTreeMap<String, (String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("CONFORMANCE.md");
    let doc = fs::read_to_string(&path).expect("CONFORMANCE.md is readable");
    let start = doc
        .find("<!-- divergence:start -->")
        .expect("divergence start marker");
    let end = doc
        .find("<!-- divergence:end -->")
        .expect("divergence end marker");
    doc.get(start..end)
        .unwrap_or("")
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells.get(1)?.trim_matches('`').to_string();
            Some((file, (cells.get(2)?.to_string(), cells.get(3)?.to_string())))
        })
        .collect()
}

/// One `finding[...]` fact.
struct Fact {
    raw: String,
    selector: Selector,
    attr: String,
    value: String,
}

enum Selector {
    Index(usize),
    Attr(String, String),
}

fn parse_facts(facts: &str) -> (Vec<Fact>, Vec<String>) {
    let mut out = Vec::new();
    let mut other = Vec::new();
    for raw in facts.split(" ; ").map(str::trim).filter(|s| !s.is_empty()) {
        let parsed = (|| {
            let rest = raw
                .strip_prefix("finding[")
                .or_else(|| raw.strip_prefix("vuln["))?;
            let close = rest.find("].")?;
            let sel = rest.get(..close)?;
            let tail = rest.get(close + 2..)?;
            let (attr, value) = tail.split_once('=')?;
            let selector = match sel.parse::<usize>() {
                Ok(i) => Selector::Index(i),
                Err(_) => {
                    let (a, v) = sel.split_once('=')?;
                    Selector::Attr(a.to_string(), v.to_string())
                }
            };
            Some(Fact {
                raw: raw.to_string(),
                selector,
                attr: attr.trim().to_string(),
                value: value.trim().to_string(),
            })
        })();
        match parsed {
            Some(f) => out.push(f),
            None => other.push(raw.to_string()),
        }
    }
    (out, other)
}

fn list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().trim_matches('\'').trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn cwe_number(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = t
        .strip_prefix("CWE-")
        .or_else(|| t.strip_prefix("cwe-"))
        .unwrap_or(t);
    t.parse().ok()
}

/// Whether finding `f` has `value` for DefectDojo attribute `attr`; `None`
/// when the attribute has no equivalent in cordon's model.
fn attr_matches(f: &Finding, attr: &str, value: &str) -> Option<bool> {
    let loc = f.locations.first();
    Some(match attr {
        "severity" => f.severity.as_str().eq_ignore_ascii_case(value.trim()),
        "vuln_id_from_tool" | "name" => {
            f.rule_id == value || f.vulnerability_ids.iter().any(|v| v == value)
        }
        "vulnerability_ids" => list(value).iter().all(|v| {
            f.vulnerability_ids
                .iter()
                .any(|x| x.eq_ignore_ascii_case(v))
        }),
        a if a.starts_with("vulnerability_ids[") => f
            .vulnerability_ids
            .iter()
            .any(|x| x.eq_ignore_ascii_case(value)),
        "cwe" => match cwe_number(value) {
            Some(n) => f.cwes.contains(&n),
            None => false,
        },
        "cwes" => {
            let want: BTreeSet<u32> = list(value).iter().filter_map(|v| cwe_number(v)).collect();
            let got: BTreeSet<u32> = f.cwes.iter().copied().collect();
            want == got
        }
        "file_path" => loc.is_some_and(|l| l.path == value),
        "line" => {
            loc.and_then(|l| l.start_line)
                .map(|n| n.to_string())
                .as_deref()
                == Some(value)
        }
        "component_name" => f.component.as_ref().is_some_and(|c| c.name == value),
        "component_version" => f
            .component
            .as_ref()
            .is_some_and(|c| c.version.as_deref() == Some(value)),
        // Mitigated in DefectDojo: suppressed in the scanner, or an alert
        // that is fixed or dismissed.
        "is_mitigated" => {
            let mitigated = f.tags.iter().any(|t| {
                t == "suppressed"
                    || t == "state:fixed"
                    || t == "state:dismissed"
                    || t == "state:auto_dismissed"
            });
            mitigated == value.eq_ignore_ascii_case("true")
        }
        _ => return None,
    })
}

/// DefectDojo placeholders that are not in the report: CWE-1035 ("vulnerable
/// third-party component") or 0 when the report names no CWE.
fn is_placeholder(fact: &Fact, f: &Finding) -> bool {
    fact.attr == "cwe" && (fact.value == "1035" || fact.value == "0") && f.cwes.is_empty()
}

#[test]
fn corpus_matches_defectdojo() {
    let Some(dir) = corpus_dir() else {
        println!("skipping: scanner corpus not found (set CORDON_CORPUS)");
        return;
    };
    let rows = read_manifest(&dir);
    let table = divergence_table();
    let mut failures: Vec<String> = Vec::new();
    let mut diverging: BTreeSet<String> = BTreeSet::new();
    let (mut asserted, mut matching, mut unasserted) = (0usize, 0usize, 0usize);
    let (mut facts_checked, mut facts_passed) = (0usize, 0usize);
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut placeholders = 0usize;
    let mut refused_ok = 0usize;

    for row in &rows {
        let folder = row.file.split('/').next().unwrap_or("");
        if !FOLDERS.contains(&folder) {
            continue;
        }
        if refused(&row.format) {
            match fs::read(dir.join(&row.file)).map(|b| parse(&b)) {
                Ok(Err(StageError::UnsupportedFormat(_))) => refused_ok += 1,
                other => failures.push(format!(
                    "{} ({}): must be refused as unsupported, got {other:?}",
                    row.file, row.format
                )),
            }
            continue;
        }
        if !owned(&row.format) {
            continue;
        }
        let bytes = match fs::read(dir.join(&row.file)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{}: cannot read: {e}", row.file));
                continue;
            }
        };
        let result = parse(&bytes);
        if let Some((_, kind)) = EXPECTED_ERRORS.iter().find(|(f, _)| *f == row.file) {
            match (kind, &result) {
                (ErrorKind::Unsupported, Err(StageError::UnsupportedFormat(_)))
                | (ErrorKind::Malformed, Err(StageError::MalformedInput(_))) => {}
                _ => failures.push(format!(
                    "{}: expected a {kind:?} error, got {result:?}",
                    row.file
                )),
            }
            continue;
        }
        if row.notes.starts_with("NEGATIVE")
            && !NEGATIVE_FOR_DEFECTDOJO_ONLY.contains(&row.file.as_str())
        {
            failures.push(format!(
                "{}: a negative sample not in EXPECTED_ERRORS",
                row.file
            ));
        }
        let raw = match result {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{}: rejected: {e:?}", row.file));
                continue;
            }
        };
        for (n, f) in raw.iter().enumerate() {
            let lines_ok = f
                .locations
                .iter()
                .all(|l| l.start_line != Some(0) && l.end_line != Some(0));
            if f.input != 0
                || !f.fingerprint.is_empty()
                || f.rule_id.trim().is_empty()
                || f.rule_id.len() > 1024
                || f.title.len() > 4096
                || !lines_ok
            {
                failures.push(format!("{}: finding {n} breaks the contract", row.file));
            }
        }
        let raw_count = raw.len();
        let findings = normalizer_default::normalize(raw);
        let count = findings.len();

        match row.expected {
            Some(expected) => {
                asserted += 1;
                if count == expected {
                    matching += 1;
                    if table.contains_key(&row.file) {
                        failures.push(format!(
                            "{}: listed as a divergence but matches DefectDojo ({count})",
                            row.file
                        ));
                    }
                } else {
                    diverging.insert(row.file.clone());
                    match table.get(&row.file) {
                        None => failures.push(format!(
                            "{}: {count} findings after normalize, DefectDojo {expected}, not in CONFORMANCE.md",
                            row.file
                        )),
                        Some((ours, theirs)) => {
                            if *ours != count.to_string() || *theirs != expected.to_string() {
                                failures.push(format!(
                                    "{}: CONFORMANCE.md says {ours} vs {theirs}, actual {count} vs {expected}",
                                    row.file
                                ));
                            }
                        }
                    }
                }
            }
            None => {
                unasserted += 1;
                // No DefectDojo count: one finding per raw item.
                if let Some(n) = row.raw_items
                    && n != raw_count
                {
                    failures.push(format!(
                        "{}: {raw_count} findings before normalize, raw_items {n}",
                        row.file
                    ));
                }
                if table.contains_key(&row.file) {
                    failures.push(format!(
                        "{}: listed as a divergence but has no expected count",
                        row.file
                    ));
                }
            }
        }
        println!(
            "{:<70} {:>5} {:>5}",
            row.file,
            count,
            row.expected
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into())
        );

        let (facts, other) = parse_facts(&row.facts);
        for o in other {
            let attr = o.split(['=', ' ']).next().unwrap_or("").to_string();
            *skipped.entry(attr).or_default() += 1;
        }
        for fact in facts {
            let target = match &fact.selector {
                Selector::Index(i) => findings.get(*i),
                Selector::Attr(a, v) => findings
                    .iter()
                    .find(|f| attr_matches(f, a, v) == Some(true)),
            };
            let Some(f) = target else {
                if table.contains_key(&row.file) {
                    // The file diverges: DefectDojo's finding may not exist here.
                    *skipped
                        .entry(format!("{} (diverging file)", fact.attr))
                        .or_default() += 1;
                } else if attr_matches_any(&fact.attr) {
                    facts_checked += 1;
                    failures.push(format!("{}: no finding for fact {}", row.file, fact.raw));
                } else {
                    *skipped.entry(fact.attr.clone()).or_default() += 1;
                }
                continue;
            };
            if is_placeholder(&fact, f) {
                placeholders += 1;
                continue;
            }
            match attr_matches(f, &fact.attr, &fact.value) {
                None => *skipped.entry(fact.attr.clone()).or_default() += 1,
                Some(true) => {
                    facts_checked += 1;
                    facts_passed += 1;
                }
                Some(false) => {
                    facts_checked += 1;
                    failures.push(format!(
                        "{}: fact {} does not hold (rule {}, severity {}, cwes {:?}, ids {:?}, location {:?}, component {:?})",
                        row.file,
                        fact.raw,
                        f.rule_id,
                        f.severity.as_str(),
                        f.cwes,
                        f.vulnerability_ids,
                        f.locations.first().map(|l| &l.path),
                        f.component.as_ref().map(|c| (&c.name, &c.version)),
                    ));
                }
            }
        }
    }
    for file in table.keys() {
        if !diverging.contains(file) && !failures.iter().any(|f| f.starts_with(file.as_str())) {
            failures.push(format!(
                "{file}: in CONFORMANCE.md but not a diverging corpus file"
            ));
        }
    }

    println!(
        "{matching}/{asserted} files match DefectDojo's count, {} diverge (listed), {unasserted} without a count, \
         {refused_ok} other formats refused; \
         facts: {facts_passed}/{facts_checked} hold, {placeholders} DefectDojo placeholders, skipped {skipped:?}",
        diverging.len()
    );
    assert!(asserted > 0, "no rows with an expected count");
    assert!(
        failures.is_empty(),
        "{} corpus mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether a DefectDojo attribute maps onto cordon's model at all.
fn attr_matches_any(attr: &str) -> bool {
    matches!(
        attr,
        "severity"
            | "vuln_id_from_tool"
            | "name"
            | "vulnerability_ids"
            | "cwe"
            | "cwes"
            | "file_path"
            | "line"
            | "component_name"
            | "component_version"
            | "is_mitigated"
    ) || attr.starts_with("vulnerability_ids[")
}
