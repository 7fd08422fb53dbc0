//! The corpus test of the SCA parsers (Trivy, Grype, pip-audit, ...): one
//! folder per parser, a `divergence` and a `fact-divergence` table.
//!
//! For every `MANIFEST.tsv` row of the suite's folders:
//!
//! * a negative sample (the notes say `NEGATIVE`) must be rejected;
//! * a row with `expected_findings` is parsed and normalised
//!   (`normalizer_default::normalize`); the count must equal DefectDojo's,
//!   or the file must be in the divergence table of `CONFORMANCE.md` with
//!   exactly this count. A listed file that does not diverge fails too;
//! * a row without `expected_findings` must parse;
//! * every `facts` entry whose attribute has an equivalent in cordon's model
//!   is checked against the normalised findings (`finding[i]` is the i-th
//!   finding in report order after dedup). A fact that does not hold must be
//!   in the fact-divergence table of `CONFORMANCE.md`, and a listed fact must
//!   not hold. Attributes without an equivalent are counted as skipped.

use crate::{
    Conformance, Contract, ParseFn, Row, assert_no_failures, corpus_dir_or_skip, read_manifest,
    read_row,
};
use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};

/// One parser crate's SCA-style corpus test.
pub struct Suite<'a> {
    /// `env!("CARGO_MANIFEST_DIR")` of the parser crate.
    pub manifest_dir: &'a str,
    /// The corpus folders this parser owns.
    pub folders: &'a [&'a str],
    /// The parser.
    pub parse: ParseFn,
}

// ---- facts --------------------------------------------------------------------

/// What a fact says about one finding.
enum Check {
    Holds,
    Fails(String),
    /// The attribute has no equivalent in cordon's model.
    Skipped,
}

fn norm_id(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

fn cwe_number(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = match s.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("CWE-") => s.get(4..).unwrap_or(""),
        _ => s,
    };
    s.parse().ok()
}

fn check(f: &Finding, attr: &str, value: &str) -> Check {
    let absent = value == "None" || value == "(empty string)";
    let ids: Vec<String> = f.vulnerability_ids.iter().map(|s| norm_id(s)).collect();
    let verdict = |ok: bool, ours: String| {
        if ok { Check::Holds } else { Check::Fails(ours) }
    };
    let attr = attr.strip_prefix("unsaved_").unwrap_or(attr);
    let base = attr.split('[').next().unwrap_or(attr);
    match base {
        "severity" => verdict(
            f.severity.as_str() == value.to_ascii_lowercase(),
            f.severity.as_str().to_string(),
        ),
        "vuln_id_from_tool" => verdict(
            f.rule_id == value || ids.contains(&norm_id(value)),
            format!("rule_id {} ids {:?}", f.rule_id, f.vulnerability_ids),
        ),
        "vulnerability_ids" | "cve" if absent => Check::Skipped,
        "vulnerability_ids" | "cve" => verdict(
            ids.contains(&norm_id(value)),
            format!("{:?}", f.vulnerability_ids),
        ),
        "cwe" => {
            let n = cwe_number(value);
            verdict(
                match n {
                    None | Some(0) => f.cwes.is_empty(),
                    Some(n) => f.cwes.contains(&n),
                },
                format!("{:?}", f.cwes),
            )
        }
        "cwes" => {
            let want: BTreeSet<u32> = value
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .filter_map(cwe_number)
                .collect();
            let ours: BTreeSet<u32> = f.cwes.iter().copied().collect();
            verdict(want == ours, format!("{:?}", f.cwes))
        }
        "file_path" => {
            let ours = f.locations.first().map(|l| l.path.as_str());
            verdict(
                if absent {
                    ours.is_none()
                } else {
                    ours == Some(value)
                },
                format!("{ours:?}"),
            )
        }
        "line" => {
            let ours = f.locations.first().and_then(|l| l.start_line);
            verdict(
                ours.map(|n| n.to_string()).as_deref() == Some(value) || (absent && ours.is_none()),
                format!("{ours:?}"),
            )
        }
        "component_name" => {
            let ours = f.component.as_ref().map(|c| c.name.as_str());
            verdict(
                ours == Some(value) || (absent && ours.is_none()),
                format!("{ours:?}"),
            )
        }
        "component_version" => {
            let ours = f.component.as_ref().and_then(|c| c.version.as_deref());
            verdict(
                ours == Some(value) || (absent && ours.is_none()),
                format!("{ours:?}"),
            )
        }
        "fix_version" => {
            let ours = f
                .component
                .as_ref()
                .map(|c| c.fixed_versions.join(", "))
                .unwrap_or_default();
            verdict(
                if absent {
                    ours.is_empty()
                } else {
                    ours == value
                },
                format!("{ours:?}"),
            )
        }
        "fix_available" => {
            let ours = f
                .component
                .as_ref()
                .is_some_and(|c| !c.fixed_versions.is_empty());
            verdict(
                ours.to_string() == value.to_ascii_lowercase(),
                ours.to_string(),
            )
        }
        _ => Check::Skipped,
    }
}

/// A parsed `finding[selector].attr=value`.
struct Fact<'a> {
    selector: &'a str,
    attr: &'a str,
    value: &'a str,
}

fn parse_fact(s: &str) -> Option<Fact<'_>> {
    let rest = s.strip_prefix("finding[")?;
    let (selector, rest) = rest.split_once("].")?;
    let op = rest.find(['=', '~'])?;
    Some(Fact {
        selector,
        attr: rest.get(..op)?,
        value: rest.get(op + 1..)?.trim(),
    })
}

/// Check every fact of a row; returns (checked, passed) and records failures
/// and skipped attributes.
fn check_facts(
    row: &Row,
    findings: &[Finding],
    listed: &BTreeMap<(String, String), String>,
    seen_listed: &mut BTreeSet<(String, String)>,
    skipped: &mut BTreeSet<String>,
    failures: &mut Vec<String>,
) -> (usize, usize) {
    let (mut checked, mut passed) = (0, 0);
    for fact in row
        .facts
        .split(" ; ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let key = (row.file.clone(), fact.to_string());
        let outcome: Result<(), String> =
            if let Some(counts) = fact.strip_prefix("severity counts ") {
                let mut ours: BTreeMap<String, usize> = BTreeMap::new();
                for f in findings {
                    *ours.entry(f.severity.as_str().to_string()).or_default() += 1;
                }
                let mut bad = Vec::new();
                for pair in counts.split_whitespace() {
                    let Some((sev, n)) = pair.split_once('=') else {
                        continue;
                    };
                    let got = ours.get(&sev.to_ascii_lowercase()).copied().unwrap_or(0);
                    if n.parse() != Ok(got) {
                        bad.push(format!("{sev}={got}"));
                    }
                }
                if bad.is_empty() {
                    Ok(())
                } else {
                    Err(bad.join(" "))
                }
            } else if let Some(fact) = parse_fact(fact) {
                let target = match fact.selector.parse::<usize>() {
                    Ok(i) => findings.get(i),
                    Err(_) => fact.selector.split_once('=').and_then(|(a, v)| {
                        findings
                            .iter()
                            .find(|f| matches!(check(f, a, v), Check::Holds))
                    }),
                };
                match target {
                    None => Err("no such finding".to_string()),
                    Some(f) => match check(f, fact.attr, fact.value) {
                        Check::Holds => Ok(()),
                        Check::Fails(ours) => Err(ours),
                        Check::Skipped => {
                            skipped.insert(fact.attr.split('[').next().unwrap_or("").to_string());
                            continue;
                        }
                    },
                }
            } else {
                // Free text (negative samples' expected exceptions).
                continue;
            };
        checked += 1;
        match (outcome, listed.get(&key)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => failures.push(format!(
                "{}: fact `{fact}` holds but is listed as a fact divergence",
                row.file
            )),
            (Err(ours), None) => failures.push(format!(
                "{}: fact `{fact}` does not hold (cordon: {ours}) and is not listed",
                row.file
            )),
            (Err(_), Some(_)) => {
                seen_listed.insert(key);
            }
        }
    }
    (checked, passed)
}

impl Suite<'_> {
    /// Run the test; prints [`crate::SKIP_LINE`] and returns when the corpus
    /// is missing.
    ///
    /// # Panics
    /// On any mismatch (all are collected and reported at once).
    pub fn run(&self) {
        let &Suite {
            manifest_dir,
            folders,
            parse,
        } = self;
        let Some(dir) = corpus_dir_or_skip(manifest_dir) else {
            return;
        };
        let rows: Vec<Row> = read_manifest(&dir)
            .into_iter()
            .filter(|r| r.in_folders(folders))
            .collect();
        let conformance = Conformance::read(manifest_dir, true);
        let mut failures: Vec<String> = Vec::new();
        let mut skipped_attrs: BTreeSet<String> = BTreeSet::new();
        let mut seen_facts: BTreeSet<(String, String)> = BTreeSet::new();
        let (mut asserted, mut exact, mut negatives, mut unasserted) = (0, 0, 0, 0);
        let (mut facts_checked, mut facts_passed) = (0, 0);

        for row in &rows {
            let Some(bytes) = read_row(&dir, row, &mut failures) else {
                continue;
            };
            let parsed = parse(&bytes);
            if let Ok(findings) = &parsed {
                Contract::default().check(
                    &row.file,
                    findings,
                    "breaks the contract",
                    &mut failures,
                );
            }
            let normalized = parsed.map(normalizer_default::normalize);

            if row.notes.contains("NEGATIVE") {
                negatives += 1;
                match &normalized {
                    Err(StageError::MalformedInput(_) | StageError::UnsupportedFormat(_)) => {}
                    Err(other) => {
                        failures.push(format!("{}: wrong error kind: {other:?}", row.file))
                    }
                    Ok(f) => failures.push(format!(
                        "{}: negative sample accepted ({} findings)",
                        row.file,
                        f.len()
                    )),
                }
                continue;
            }

            let ours = match &normalized {
                Ok(f) => f.len().to_string(),
                Err(_) => "error".to_string(),
            };
            match row.expected {
                Some(expected) => {
                    asserted += 1;
                    let listed = conformance.counts.get(&row.file);
                    if ours == expected.to_string() {
                        exact += 1;
                        if listed.is_some() {
                            failures.push(format!(
                                "{}: matches DefectDojo ({expected}) but is listed as a divergence",
                                row.file
                            ));
                        }
                    } else {
                        match listed {
                        None => failures.push(format!(
                            "{}: cordon {ours}, DefectDojo {expected}, not in the divergence table ({:?})",
                            row.file,
                            normalized.as_ref().err()
                        )),
                        Some((c, d)) if *c != ours || *d != expected.to_string() => {
                            failures.push(format!(
                                "{}: divergence table says cordon {c} / DefectDojo {d}, actual {ours} / {expected}",
                                row.file
                            ))
                        }
                        Some(_) => {}
                    }
                    }
                }
                None => {
                    unasserted += 1;
                    if let Err(e) = &normalized {
                        failures.push(format!("{}: rejected: {e:?}", row.file));
                    }
                }
            }
            if let Ok(findings) = &normalized {
                let (c, p) = check_facts(
                    row,
                    findings,
                    &conformance.facts,
                    &mut seen_facts,
                    &mut skipped_attrs,
                    &mut failures,
                );
                facts_checked += c;
                facts_passed += p;
            }
        }

        for file in conformance.counts.keys() {
            if !rows.iter().any(|r| &r.file == file && r.expected.is_some()) {
                failures.push(format!(
                "CONFORMANCE.md lists {file}, which has no asserted count in this parser's folders"
            ));
            }
        }
        for key in conformance.facts.keys() {
            if !seen_facts.contains(key) {
                failures.push(format!(
                    "CONFORMANCE.md lists fact `{}` of {}, which was not checked or holds",
                    key.1, key.0
                ));
            }
        }

        println!(
            "corpus {folders:?}: {asserted} files with a DefectDojo count, {exact} match exactly, \
         {} documented divergences; {unasserted} without a count parsed; {negatives} negative samples rejected; \
         facts: {facts_checked} checked, {facts_passed} hold, {} documented fact divergences; \
         skipped attributes: {skipped_attrs:?}",
            conformance.counts.len(),
            conformance.facts.len(),
        );
        assert!(!rows.is_empty(), "no rows for {folders:?} in MANIFEST.tsv");
        assert_no_failures(&failures);
    }
}
