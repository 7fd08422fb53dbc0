//! The corpus test of the advisory parsers (GitHub vulnerability alerts,
//! Snyk, npm audit, Dependency-Check): rows chosen by folder and format,
//! formats of another parser that must be refused, expected errors, and a
//! `divergence` table.
//!
//! For every MANIFEST row of the suite's folders and formats:
//!
//! * a row listed in [`Suite::expected_errors`] must be rejected with that
//!   error;
//! * any other row must parse; after `normalizer_default::normalize`, the
//!   number of findings must equal `expected_findings`, unless the file is in
//!   the divergence table of `CONFORMANCE.md` (and then it must differ, by
//!   the numbers the table gives);
//! * every `facts` entry that maps onto cordon's model is checked; the
//!   others are counted as skipped, by attribute.

use crate::{
    Conformance, Contract, ParseFn, assert_no_failures, corpus_dir_or_skip, list_items,
    read_manifest, read_row,
};
use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;

/// How a file must be rejected.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ErrorKind {
    /// `unsupported-format`.
    Unsupported,
    /// `malformed-input`.
    Malformed,
}

/// A crate-specific check of a fact that is not a `finding[...]` fact:
/// `None` when it does not apply (the fact is counted as skipped), else
/// whether it holds (`Err` holds what to add to "does not hold").
pub type OtherFact = fn(&str, &[Finding]) -> Option<Result<(), String>>;

/// One parser crate's advisory-style corpus test.
pub struct Suite<'a> {
    /// `env!("CARGO_MANIFEST_DIR")` of the parser crate.
    pub manifest_dir: &'a str,
    /// Corpus folders of this parser.
    pub folders: &'a [&'a str],
    /// Formats of those folders that this parser reads (rows of other formats
    /// in them belong to other parsers).
    pub owned: fn(&str) -> bool,
    /// Formats in those folders that belong to another parser and that this
    /// parser must refuse with `unsupported-format`.
    pub refused: fn(&str) -> bool,
    /// Files that must be rejected, and how.
    pub expected_errors: &'a [(&'a str, ErrorKind)],
    /// Rows whose `notes` call them negative samples for DefectDojo, but
    /// which are valid reports this parser reads.
    pub negative_for_defectdojo_only: &'a [&'a str],
    /// The parser.
    pub parse: ParseFn,
    /// Checks of facts that are not `finding[...]` facts.
    pub other_fact: Option<OtherFact>,
}

/// No format is refused.
pub fn refuses_nothing(_format: &str) -> bool {
    false
}

impl<'a> Suite<'a> {
    /// The suite of `parse` over the `owned` formats of `folders`, with the
    /// defaults: no format refused ([`refuses_nothing`]), no expected errors,
    /// no rows negative for DefectDojo only, no other facts. A crate that
    /// differs sets those fields over this value.
    pub fn new(
        parse: ParseFn,
        manifest_dir: &'a str,
        folders: &'a [&'a str],
        owned: fn(&str) -> bool,
    ) -> Self {
        Suite {
            manifest_dir,
            folders,
            owned,
            refused: refuses_nothing,
            expected_errors: &[],
            negative_for_defectdojo_only: &[],
            parse,
            other_fact: None,
        }
    }
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
    list_items(value)
        .map(|s| s.trim_matches('\'').trim_matches('"').to_string())
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

impl Suite<'_> {
    /// Run the test; prints [`crate::SKIP_LINE`] and returns when the corpus
    /// is missing.
    ///
    /// # Panics
    /// On any mismatch (all are collected and reported at once).
    pub fn run(&self) {
        let (folders, parse) = (self.folders, self.parse);
        let Some(dir) = corpus_dir_or_skip(self.manifest_dir) else {
            return;
        };
        let rows = read_manifest(&dir);
        let table = Conformance::read(self.manifest_dir, false).counts;
        let mut failures: Vec<String> = Vec::new();
        let mut diverging: BTreeSet<String> = BTreeSet::new();
        let (mut asserted, mut matching, mut unasserted) = (0usize, 0usize, 0usize);
        let (mut facts_checked, mut facts_passed) = (0usize, 0usize);
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let mut placeholders = 0usize;
        let mut refused_ok = 0usize;

        for row in &rows {
            let folder = row.file.split('/').next().unwrap_or("");
            if !folders.contains(&folder) {
                continue;
            }
            if (self.refused)(&row.format) {
                match fs::read(dir.join(&row.file)).map(|b| parse(&b)) {
                    Ok(Err(StageError::UnsupportedFormat(_))) => refused_ok += 1,
                    other => failures.push(format!(
                        "{} ({}): must be refused as unsupported, got {other:?}",
                        row.file, row.format
                    )),
                }
                continue;
            }
            if !(self.owned)(&row.format) {
                continue;
            }
            let Some(bytes) = read_row(&dir, row, &mut failures) else {
                continue;
            };
            let result = parse(&bytes);
            if let Some((_, kind)) = self.expected_errors.iter().find(|(f, _)| *f == row.file) {
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
                && !self
                    .negative_for_defectdojo_only
                    .contains(&row.file.as_str())
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
            CONTRACT.check(&row.file, &raw, "breaks the contract", &mut failures);
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
                if let Some(check) = self.other_fact
                    && let Some(outcome) = check(&o, &findings)
                {
                    facts_checked += 1;
                    match outcome {
                        Ok(()) => facts_passed += 1,
                        Err(why) => {
                            failures.push(format!("{}: fact {o} does not hold{why}", row.file));
                        }
                    }
                    continue;
                }
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
        assert_no_failures(&failures);
    }
}

const CONTRACT: Contract = Contract {
    tool_and_pointer: false,
    no_zero_positions: false,
    no_zero_lines: true,
    lengths: true,
};

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
