//! Runs the parser over the shared scanner-output corpus and compares the
//! result with DefectDojo's expectations in `MANIFEST.tsv`.
//!
//! For every row of this crate's folders ([`FOLDERS`]):
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
//! true. For secret scanners, no title, message or tag may contain a secret
//! value of the report ([`SECRET_KEYS`]). No other corpus file may make the parser panic.
//!
//! The corpus lives outside the repository: `$CORDON_CORPUS`, else
//! `../../../shared/corpus` relative to this crate. When it is missing the
//! test prints one line and passes. Every mismatch is collected and reported
//! at once.

use cordon_sdk::{Finding, StageError};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

// ---- what this crate reads --------------------------------------------------

/// The corpus folders whose files this parser must read.
const FOLDERS: &[&str] = &["trufflehog", "trufflehog3"];

fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    parser_trufflehog::parse(bytes)
}

/// Report fields whose values are secrets: no finding may show one (values
/// shorter than [`MIN_SECRET_CHARS`] are not looked for).
const SECRET_KEYS: &[&str] = &[
    "Raw",
    "RawV2",
    "Redacted",
    "stringsFound",
    "diff",
    "printDiff",
    "secret",
    "context",
];

// ---- corpus and conformance tables ----------------------------------------------

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CORDON_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

struct Row {
    file: String,
    expected: String,
    facts: String,
    notes: String,
}

impl Row {
    fn folder(&self) -> &str {
        self.file.split('/').next().unwrap_or("")
    }

    fn is_negative(&self) -> bool {
        self.notes.to_ascii_lowercase().contains("negative sample")
    }
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
    let (file, expected, facts, notes) = (
        col("file"),
        col("expected_findings"),
        col("facts"),
        col("notes"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim().to_string();
            Row {
                file: cell(file),
                expected: cell(expected),
                facts: cell(facts),
                notes: cell(notes),
            }
        })
        .collect()
}

/// The rows of the table between `<!-- {name}:start -->` and
/// `<!-- {name}:end -->` in CONFORMANCE.md, header and rule removed, cells
/// trimmed and stripped of backticks.
fn table(doc: &str, name: &str) -> Vec<Vec<String>> {
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

struct Conformance {
    /// file -> (cordon count or "error", DefectDojo count)
    counts: BTreeMap<String, (String, String)>,
    /// (file, fact)
    facts: BTreeSet<(String, String)>,
}

fn conformance() -> Conformance {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("CONFORMANCE.md");
    let doc = fs::read_to_string(&path).expect("CONFORMANCE.md is readable");
    let mut counts = BTreeMap::new();
    for row in table(&doc, "divergence") {
        assert!(row.len() >= 4, "divergence row needs 4 cells: {row:?}");
        assert!(!row[3].is_empty(), "divergence of {} has no reason", row[0]);
        counts.insert(row[0].clone(), (row[1].clone(), row[2].clone()));
    }
    let mut facts = BTreeSet::new();
    for row in table(&doc, "fact-divergence") {
        assert!(row.len() >= 4, "fact-divergence row needs 4 cells: {row:?}");
        assert!(
            !row[3].is_empty(),
            "fact divergence in {} has no reason",
            row[0]
        );
        facts.insert((row[0].clone(), row[1].clone()));
    }
    Conformance { counts, facts }
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

/// The DefectDojo attributes that have a cordon equivalent.
const CHECKED_ATTRS: &[&str] = &[
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
        if !CHECKED_ATTRS.contains(&sel_attr) {
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

/// Secrets shorter than this are not searched for (too many false alarms).
const MIN_SECRET_CHARS: usize = 8;

/// Every string under a [`SECRET_KEYS`] key, anywhere in `v`.
fn collect_secrets(v: &serde_json::Value, under_secret: bool, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::String(s) if under_secret && s.trim().chars().count() >= MIN_SECRET_CHARS => {
            out.push(s.trim().to_string());
        }
        Value::Array(a) => a.iter().for_each(|x| collect_secrets(x, under_secret, out)),
        Value::Object(o) => {
            for (k, x) in o {
                collect_secrets(x, under_secret || SECRET_KEYS.contains(&k.as_str()), out);
            }
        }
        _ => {}
    }
}

/// The secrets of a report (a JSON document or NDJSON).
fn secrets(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    if SECRET_KEYS.is_empty() {
        return out;
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => collect_secrets(&v, false, &mut out),
        Err(_) => {
            for line in text.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                    collect_secrets(&v, false, &mut out);
                }
            }
        }
    }
    out
}

/// No title, message or tag shows a secret of the report.
fn redacted(file: &str, bytes: &[u8], findings: &[Finding], failures: &mut Vec<String>) -> usize {
    let secrets = secrets(bytes);
    for (n, f) in findings.iter().enumerate() {
        let shown = [f.title.as_str(), f.message.as_str()]
            .into_iter()
            .chain(f.tags.iter().map(String::as_str));
        for text in shown {
            if let Some(s) = secrets.iter().find(|s| text.contains(s.as_str())) {
                let head: String = s.chars().take(4).collect();
                failures.push(format!("{file}: finding {n} shows a secret ({head}…)"));
            }
        }
    }
    secrets.len()
}

fn contract(file: &str, findings: &[Finding], failures: &mut Vec<String>) {
    for (n, f) in findings.iter().enumerate() {
        let zero_line = f
            .locations
            .iter()
            .any(|l| [l.start_line, l.end_line, l.start_column, l.end_column].contains(&Some(0)));
        if f.input != 0
            || !f.fingerprint.is_empty()
            || f.rule_id.trim().is_empty()
            || f.tool.trim().is_empty()
            || f.source_pointer.is_empty()
            || zero_line
        {
            failures.push(format!("{file}: finding {n} breaks the parser contract"));
        }
    }
}

// ---- the tests ---------------------------------------------------------------------

#[test]
fn corpus_matches_defectdojo() {
    let Some(dir) = corpus_dir() else {
        println!("skipping: scanner corpus not found (set CORDON_CORPUS)");
        return;
    };
    let rows = read_manifest(&dir);
    let table = conformance();
    let mut failures: Vec<String> = Vec::new();
    let (mut asserted, mut matching, mut diverging, mut unasserted) = (0, 0, 0, 0);
    let (mut facts_checked, mut facts_passed, mut facts_listed) = (0, 0, 0);
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_files = BTreeSet::new();
    let mut secrets_checked = 0usize;

    for row in rows.iter().filter(|r| FOLDERS.contains(&r.folder())) {
        seen_files.insert(row.file.clone());
        let bytes = match fs::read(dir.join(&row.file)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{}: cannot read: {e}", row.file));
                continue;
            }
        };
        let listed = table.counts.get(&row.file);
        let findings = match (parse(&bytes), row.is_negative()) {
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
        contract(&row.file, &findings, &mut failures);
        secrets_checked += redacted(&row.file, &bytes, &findings, &mut failures);
        let findings = normalizer_default::normalize(findings);
        let n = findings.len();

        match row.expected.parse::<usize>() {
            Ok(expected) => {
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
                    Some((c, d)) if *c != n.to_string() || *d != expected.to_string() => failures
                        .push(format!(
                            "{}: CONFORMANCE.md says cordon {c} / DefectDojo {d}, \
                             but it is {n} / {expected}",
                            row.file
                        )),
                    Some(_) => diverging += 1,
                }
            }
            Err(_) => {
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
            let is_listed = table.facts.contains(&(row.file.clone(), fact.to_string()));
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
    for (file, fact) in &table.facts {
        if !seen_files.contains(file) {
            failures.push(format!(
                "CONFORMANCE.md lists fact `{fact}` of {file}, not in the corpus"
            ));
        }
    }

    // Every other scanner's report: any result is fine, a panic fails.
    let mut others = 0;
    for row in rows.iter().filter(|r| !FOLDERS.contains(&r.folder())) {
        if let Ok(bytes) = fs::read(dir.join(&row.file)) {
            let _ = parse(&bytes);
            others += 1;
        }
    }

    println!(
        "corpus {FOLDERS:?}: {asserted} files with a DefectDojo count, {matching} match, \
         {diverging} listed divergences, {unasserted} without a count; \
         {others} reports of other scanners parsed without a panic"
    );
    if !SECRET_KEYS.is_empty() {
        println!("secrets: {secrets_checked} secret values looked for, none shown");
    }
    println!(
        "facts: {facts_checked} checked, {facts_passed} pass, {facts_listed} listed divergences; \
         skipped: {skipped:?}"
    );
    assert!(asserted > 0, "no rows for {FOLDERS:?} in MANIFEST.tsv");
    assert!(
        failures.is_empty(),
        "{} corpus mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
