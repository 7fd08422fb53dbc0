//! The corpus test of the IaC and secret scanners' parsers (Checkov, KICS,
//! tfsec, Gitleaks, TruffleHog): a `divergence` and a `fact-divergence`
//! table, `len(findings)` and `severity counts` facts, a redaction check, and a
//! sweep over every other scanner's report.
//!
//! For every row of the suite's folders:
//!
//! * the file parses (a negative sample must fail instead), every finding
//!   keeps the parser contract, and after `normalizer_default::normalize` the
//!   count equals `expected_findings`, unless the file is listed in the
//!   divergence table of `CONFORMANCE.md` with exactly the counts seen;
//! * every `facts` entry that maps onto cordon's model holds, unless it is
//!   listed in the fact-divergence table of `CONFORMANCE.md`; facts about
//!   attributes cordon does not have are counted as skipped.
//!
//! A listed divergence that no longer diverges fails too, so the tables stay
//! true. No other corpus file may make the parser panic.

use crate::{
    Conformance, Contract, MAPPED_ATTRS, ParseFn, Row, assert_no_failures, corpus_dir_or_skip,
    read_manifest, read_row,
};
use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;

/// One parser crate's IaC-style corpus test.
pub struct Suite<'a> {
    /// `env!("CARGO_MANIFEST_DIR")` of the parser crate.
    pub manifest_dir: &'a str,
    /// The corpus folders whose files this parser must read.
    pub folders: &'a [&'a str],
    /// The parser.
    pub parse: ParseFn,
    /// Report fields whose values are secrets, for secret scanners: no
    /// finding may show one ([`crate::secrets::check_redacted`]). Empty: the
    /// format has no secrets. The total is printed as `secrets: N secret
    /// values looked for, none shown`.
    pub secret_keys: &'a [&'a str],
}

// ---- facts ------------------------------------------------------------------------

enum Outcome {
    Pass,
    Fail(String),
    /// Not checkable against cordon's model: the attribute (or `free text`).
    Skip(String),
}

fn unquote(v: &str) -> String {
    let v = v.trim().trim_start_matches('~').trim();
    if v == "(empty string)" {
        return String::new();
    }
    v.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// Ids in a value such as `CVE-1`, `['CVE-1', 'GHSA-x']` or `CVE-1,CVE-2`.
fn id_list(v: &str) -> Vec<String> {
    v.split(|c: char| c == ',' || c == '[' || c == ']' || c.is_whitespace())
        .map(|s| s.trim_matches(|c| c == '"' || c == '\''))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `f`'s cordon equivalent of DefectDojo attribute `attr` equals
/// `value`; `None` when cordon has no such attribute.
fn attr_matches(f: &Finding, attr: &str, value: &str) -> Option<Result<(), String>> {
    let v = unquote(value);
    let verdict = |ok: bool, seen: String| if ok { Ok(()) } else { Err(seen) };
    Some(match attr {
        "severity" => verdict(
            f.severity.as_str() == v.to_ascii_lowercase(),
            f.severity.as_str().to_string(),
        ),
        "vuln_id_from_tool" => verdict(
            f.rule_id == v
                || f.vulnerability_ids
                    .iter()
                    .any(|id| id.eq_ignore_ascii_case(&v)),
            format!("rule_id {:?}, ids {:?}", f.rule_id, f.vulnerability_ids),
        ),
        "vulnerability_ids" => verdict(
            id_list(&v).iter().all(|want| {
                f.vulnerability_ids
                    .iter()
                    .any(|id| id.eq_ignore_ascii_case(want))
            }),
            format!("{:?}", f.vulnerability_ids),
        ),
        "cwe" | "cwes" => {
            let want: Vec<u32> = id_list(&v)
                .iter()
                .filter_map(|s| {
                    s.trim_start_matches("CWE-")
                        .parse()
                        .ok()
                        .filter(|&n: &u32| n > 0)
                })
                .collect();
            verdict(
                want.iter().all(|n| f.cwes.contains(n)),
                format!("{:?}", f.cwes),
            )
        }
        "file_path" => {
            let seen = f.locations.first().map(|l| l.path.clone());
            verdict(seen.as_deref() == Some(v.as_str()), format!("{seen:?}"))
        }
        "line" => {
            let seen = f.locations.first().and_then(|l| l.start_line);
            let want = v.parse::<u32>().ok().filter(|&n| n > 0);
            verdict(seen == want, format!("{seen:?}"))
        }
        "component_name" => {
            let seen = f.component.as_ref().map(|c| c.name.clone());
            verdict(seen.as_deref() == Some(v.as_str()), format!("{seen:?}"))
        }
        "component_version" => {
            let seen = f.component.as_ref().and_then(|c| c.version.clone());
            verdict(seen.as_deref() == Some(v.as_str()), format!("{seen:?}"))
        }
        _ => return None,
    })
}

fn check_fact(fact: &str, findings: &[Finding]) -> Outcome {
    let fact = fact.trim();
    // len(findings)>N, >=N, ==N
    if let Some(rest) = fact.strip_prefix("len(findings)") {
        let (op, n) = if let Some(n) = rest.strip_prefix(">=") {
            (">=", n)
        } else if let Some(n) = rest.strip_prefix("==") {
            ("==", n)
        } else if let Some(n) = rest.strip_prefix('>') {
            (">", n)
        } else {
            return Outcome::Skip("free text".into());
        };
        let Ok(n) = n.trim().parse::<usize>() else {
            return Outcome::Skip("free text".into());
        };
        let len = findings.len();
        let ok = match op {
            ">=" => len >= n,
            "==" => len == n,
            _ => len > n,
        };
        return if ok {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("{len} findings"))
        };
    }
    // severity counts Critical=8 High=3 ...
    if let Some(rest) = fact.strip_prefix("severity counts") {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for f in findings {
            *seen.entry(f.severity.as_str().to_string()).or_default() += 1;
        }
        let mut bad = Vec::new();
        for pair in rest.split_whitespace() {
            let Some((name, n)) = pair.split_once('=') else {
                return Outcome::Skip("free text".into());
            };
            let Ok(n) = n.trim_matches(',').parse::<usize>() else {
                return Outcome::Skip("free text".into());
            };
            let got = seen.get(&name.to_ascii_lowercase()).copied().unwrap_or(0);
            if got != n {
                bad.push(format!("{name}={got}"));
            }
        }
        return if bad.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("severity counts {}", bad.join(" ")))
        };
    }
    // finding[i].attr=value or finding[sel=val].attr=value
    let Some(rest) = fact.strip_prefix("finding[") else {
        return Outcome::Skip("free text".into());
    };
    let Some((selector, rest)) = rest.split_once("].") else {
        return Outcome::Skip("free text".into());
    };
    let Some((attr, value)) = rest.split_once('=') else {
        return Outcome::Skip("free text".into());
    };
    let attr = attr.trim();
    let finding = if let Ok(i) = selector.trim().parse::<usize>() {
        match findings.get(i) {
            Some(f) => f,
            None => return Outcome::Fail(format!("only {} findings", findings.len())),
        }
    } else if let Some((sel_attr, sel_value)) = selector.split_once('=') {
        let sel_attr = sel_attr.trim();
        if !MAPPED_ATTRS.contains(&sel_attr) {
            return Outcome::Skip(sel_attr.to_string());
        }
        match findings
            .iter()
            .find(|f| attr_matches(f, sel_attr, sel_value).is_some_and(|r| r.is_ok()))
        {
            Some(f) => f,
            None => return Outcome::Fail(format!("no finding with {selector}")),
        }
    } else {
        return Outcome::Skip("free text".into());
    };
    match attr_matches(finding, attr, value) {
        None => Outcome::Skip(attr.to_string()),
        Some(Ok(())) => Outcome::Pass,
        Some(Err(seen)) => Outcome::Fail(format!("cordon has {seen}")),
    }
}

impl Suite<'_> {
    /// Run the test; prints [`crate::SKIP_LINE`] and returns when the corpus
    /// is missing.
    ///
    /// # Panics
    /// On any mismatch (all are collected and reported at once).
    pub fn run(&self) {
        let folders = self.folders;
        let parse = self.parse;
        let Some(dir) = corpus_dir_or_skip(self.manifest_dir) else {
            return;
        };
        let rows: Vec<Row> = read_manifest(&dir);
        let table = Conformance::read(self.manifest_dir, true);
        let mut failures: Vec<String> = Vec::new();
        let (mut asserted, mut matching, mut diverging, mut unasserted) = (0, 0, 0, 0);
        let (mut facts_checked, mut facts_passed, mut facts_listed) = (0, 0, 0);
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let mut seen_files = BTreeSet::new();
        let mut secrets_checked = 0usize;

        for row in rows.iter().filter(|r| folders.contains(&r.folder())) {
            seen_files.insert(row.file.clone());
            let Some(bytes) = read_row(&dir, row, &mut failures) else {
                continue;
            };
            let listed = table.counts.get(&row.file);
            let findings = match (parse(&bytes), is_negative(row)) {
                (Err(StageError::MalformedInput(_) | StageError::UnsupportedFormat(_)), true) => {
                    continue;
                }
                (Err(e), true) => {
                    failures.push(format!("{}: negative sample, wrong error {e:?}", row.file));
                    continue;
                }
                (Ok(f), true) => {
                    failures.push(format!(
                        "{}: negative sample accepted ({} findings)",
                        row.file,
                        f.len()
                    ));
                    continue;
                }
                (Err(e), false) => {
                    if listed.is_none_or(|(c, _)| c != "error") {
                        failures.push(format!("{}: rejected: {e:?}", row.file));
                    }
                    continue;
                }
                (Ok(f), false) => f,
            };
            CONTRACT.check(
                &row.file,
                &findings,
                "breaks the parser contract",
                &mut failures,
            );
            if !self.secret_keys.is_empty() {
                secrets_checked += crate::secrets::check_redacted(
                    self.secret_keys,
                    &row.file,
                    &bytes,
                    &findings,
                    &mut failures,
                );
            }
            let findings = normalizer_default::normalize(findings);
            let n = findings.len();

            match row.expected {
                Some(expected) => {
                    asserted += 1;
                    match listed {
                        None if n == expected => matching += 1,
                        None => failures.push(format!(
                            "{}: cordon {n}, DefectDojo {expected}, and CONFORMANCE.md does not \
                         list the divergence",
                            row.file
                        )),
                        Some(_) if n == expected => failures.push(format!(
                            "{}: listed as a divergence but cordon matches DefectDojo ({n})",
                            row.file
                        )),
                        Some((c, d)) if *c != n.to_string() || *d != expected.to_string() => {
                            failures.push(format!(
                                "{}: CONFORMANCE.md says cordon {c} / DefectDojo {d}, \
                             but it is {n} / {expected}",
                                row.file
                            ))
                        }
                        Some(_) => diverging += 1,
                    }
                }
                None => {
                    unasserted += 1;
                    if listed.is_some() {
                        failures.push(format!(
                            "{}: listed as a divergence but has no expected count",
                            row.file
                        ));
                    }
                }
            }

            for fact in row.facts.split(" ; ").filter(|f| !f.trim().is_empty()) {
                let fact = fact.trim();
                let is_listed = table
                    .facts
                    .contains_key(&(row.file.clone(), fact.to_string()));
                match check_fact(fact, &findings) {
                    Outcome::Skip(attr) => {
                        *skipped.entry(attr).or_default() += 1;
                        if is_listed {
                            failures.push(format!(
                                "{}: fact `{fact}` is listed but not checkable",
                                row.file
                            ));
                        }
                    }
                    Outcome::Pass => {
                        facts_checked += 1;
                        facts_passed += 1;
                        if is_listed {
                            failures.push(format!(
                                "{}: fact `{fact}` is listed as a divergence but holds",
                                row.file
                            ));
                        }
                    }
                    Outcome::Fail(why) => {
                        facts_checked += 1;
                        if is_listed {
                            facts_listed += 1;
                        } else {
                            failures.push(format!("{}: fact `{fact}` fails: {why}", row.file));
                        }
                    }
                }
            }
        }

        for file in table.counts.keys() {
            if !seen_files.contains(file) {
                failures.push(format!("CONFORMANCE.md lists {file}, not in the corpus"));
            }
        }
        for (file, fact) in table.facts.keys() {
            if !seen_files.contains(file) {
                failures.push(format!(
                    "CONFORMANCE.md lists fact `{fact}` of {file}, not in the corpus"
                ));
            }
        }

        // Every other scanner's report: any result is fine, a panic fails.
        let mut others = 0;
        for row in rows.iter().filter(|r| !folders.contains(&r.folder())) {
            if let Ok(bytes) = fs::read(dir.join(&row.file)) {
                let _ = parse(&bytes);
                others += 1;
            }
        }

        println!(
            "corpus {folders:?}: {asserted} files with a DefectDojo count, {matching} match, \
         {diverging} listed divergences, {unasserted} without a count; \
         {others} reports of other scanners parsed without a panic"
        );
        if !self.secret_keys.is_empty() {
            println!("secrets: {secrets_checked} secret values looked for, none shown");
        }
        println!(
            "facts: {facts_checked} checked, {facts_passed} pass, {facts_listed} listed divergences; \
         skipped: {skipped:?}"
        );
        assert!(asserted > 0, "no rows for {folders:?} in MANIFEST.tsv");
        assert_no_failures(&failures);
    }
}

const CONTRACT: Contract = Contract::TOOL_AND_POSITIONS;

fn is_negative(row: &Row) -> bool {
    row.notes.to_ascii_lowercase().contains("negative sample")
}
