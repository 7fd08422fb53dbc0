//! The corpus test of the SAST parsers (Bandit, gosec, Hadolint, GitHub
//! code scanning, Semgrep): rows chosen by folder or by format, a
//! `divergence` table, and crate-specific comparisons of paths, rule ids and
//! titles.
//!
//! For every `MANIFEST.tsv` row of the suite's folders (and of its formats
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

use crate::{
    Conformance, Contract, MAPPED_ATTRS, ParseFn, Row, assert_no_failures, corpus_dir_or_skip,
    list_items, read_manifest, read_row,
};
use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};

/// One parser crate's SAST-style corpus test.
pub struct Suite<'a> {
    /// `env!("CARGO_MANIFEST_DIR")` of the parser crate.
    pub manifest_dir: &'a str,
    /// Corpus folders whose rows this parser owns.
    pub folders: &'a [&'a str],
    /// Formats this parser owns wherever they are filed.
    pub formats: &'a [&'a str],
    /// The parser.
    pub parse: ParseFn,
    /// DefectDojo's `file_path` against our first location's path:
    /// `(format, ours, theirs)`.
    pub path_matches: fn(&str, &str, &str) -> bool,
    /// DefectDojo's `vuln_id_from_tool` against our rule id: `(ours,
    /// theirs)`.
    pub rule_matches: fn(&str, &str) -> bool,
    /// DefectDojo's `title` against ours: `None` when the two are built
    /// differently and `title` facts are skipped.
    pub title_matches: fn(&str, &str) -> Option<bool>,
}

/// `file_path` compared for equality.
pub fn same_path(_format: &str, ours: &str, theirs: &str) -> bool {
    ours == theirs
}

/// `vuln_id_from_tool` compared for equality.
pub fn same_rule(ours: &str, theirs: &str) -> bool {
    ours == theirs
}

/// `title` facts skipped.
pub fn title_not_compared(_ours: &str, _theirs: &str) -> Option<bool> {
    None
}

impl<'a> Suite<'a> {
    /// The suite of `parse` over `folders` and `formats`, with the default
    /// comparisons: paths and rule ids compared for equality ([`same_path`],
    /// [`same_rule`]), titles not compared ([`title_not_compared`]). A crate
    /// whose comparisons differ sets those fields over this value.
    pub fn new(
        parse: ParseFn,
        manifest_dir: &'a str,
        folders: &'a [&'a str],
        formats: &'a [&'a str],
    ) -> Self {
        Suite {
            manifest_dir,
            folders,
            formats,
            parse,
            path_matches: same_path,
            rule_matches: same_rule,
            title_matches: title_not_compared,
        }
    }
}

/// One row of the divergence table: what cordon and DefectDojo count
/// (`None` in the cordon column means "error").
struct Divergence {
    cordon: Option<usize>,
    defectdojo: Option<usize>,
}

fn divergence_table(table: &Conformance) -> BTreeMap<String, Divergence> {
    table
        .counts
        .iter()
        .map(|(file, (c, d))| {
            (
                file.clone(),
                Divergence {
                    cordon: c.parse().ok(),
                    defectdojo: d.parse().ok(),
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
    list_items(value)
        .map(|s| s.trim_matches(['\'', '"']).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl Suite<'_> {
    /// Check one fact; `Ok(None)` when the attribute has no cordon equivalent
    /// (returns its name), `Ok(Some(()))` when checked and true.
    fn check_fact(
        &self,
        row: &Row,
        findings: &[Finding],
        fact: &str,
    ) -> Result<Option<()>, String> {
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
        let title_checked = attr == "title" && (self.title_matches)("", "").is_some();
        if !MAPPED_ATTRS.contains(&attr) && !title_checked {
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
            "vuln_id_from_tool" => (self.rule_matches)(&f.rule_id, value),
            "vulnerability_ids" => list(value).iter().all(|id| {
                f.vulnerability_ids
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(id))
            }),
            "cwe" => value.parse::<u32>().is_ok_and(|n| f.cwes.contains(&n)),
            "cwes" => {
                let mut want: Vec<u32> =
                    list(value).iter().filter_map(|s| s.parse().ok()).collect();
                want.sort_unstable();
                let mut got = f.cwes.clone();
                got.sort_unstable();
                want == got
            }
            "file_path" => first.is_some_and(|l| (self.path_matches)(&row.format, &l.path, value)),
            "line" => value
                .parse::<u32>()
                .is_ok_and(|n| first.and_then(|l| l.start_line) == Some(n)),
            "component_name" => f.component.as_ref().is_some_and(|c| c.name == value),
            "component_version" => f
                .component
                .as_ref()
                .is_some_and(|c| c.version.as_deref() == Some(value)),
            "title" => (self.title_matches)(&f.title, value) == Some(true),
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

    /// Run the test; prints [`crate::SKIP_LINE`] and returns when the corpus
    /// is missing.
    ///
    /// # Panics
    /// On any mismatch (all are collected and reported at once).
    pub fn run(&self) {
        let (folders, formats, parse) = (self.folders, self.formats, self.parse);
        let Some(dir) = corpus_dir_or_skip(self.manifest_dir) else {
            return;
        };
        let conformance = Conformance::read(self.manifest_dir, false);
        let doc = &conformance.doc;
        let table = divergence_table(&conformance);
        let rows: Vec<Row> = read_manifest(&dir)
            .into_iter()
            .filter(|r| {
                let folder = r.file.split('/').next().unwrap_or("");
                folders.contains(&folder) || formats.contains(&r.format.as_str())
            })
            .collect();
        assert!(!rows.is_empty(), "no rows for {folders:?} in MANIFEST.tsv");

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
            let Some(bytes) = read_row(&dir, row, &mut failures) else {
                continue;
            };
            let listed = table.get(&row.file);
            let result = parse(&bytes);
            if is_negative(row) || listed.is_some_and(|d| d.cordon.is_none()) {
                match result {
                    Err(StageError::MalformedInput(_) | StageError::UnsupportedFormat(_)) => {}
                    Err(other) => {
                        failures.push(format!("{}: wrong error kind: {other:?}", row.file))
                    }
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
            CONTRACT.check(&row.file, &findings, "breaks the contract", &mut failures);
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
                match self.check_fact(row, &normalized, fact) {
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
        assert_no_failures(&failures);
    }
}

const CONTRACT: Contract = Contract::TOOL_AND_POSITIONS;
