//! The MANIFEST `facts` of every SARIF 2.1.0 corpus file, checked where the
//! attribute exists in cordon's model. DefectDojo's `finding[i]` is the i-th
//! finding its SARIF parser returns; cordon's i-th finding is the i-th
//! result (checked before dedup). A fact that does not hold must be listed
//! in the `fact-divergence` table of `docs/conformance.md` with a reason, and
//! a listed fact must really diverge.

use cordon_sdk::Finding;
use corpus_support::{Row, assert_no_failures, corpus_dir_or_skip, read_manifest, table};
use std::collections::BTreeSet;

/// Attributes with no equivalent in cordon's finding model.
const SKIPPED: &[&str] = &[
    "unique_id_from_tool",
    "cvssv3_score",
    "references",
    "static_finding",
    "description",
];

fn value(f: &Finding, attr: &str) -> Option<String> {
    let loc = f.locations.first();
    Some(match attr {
        "severity" => f.severity.as_str().to_string(),
        "file_path" => loc?.path.clone(),
        "line" => loc?.start_line?.to_string(),
        "vuln_id_from_tool" => f.rule_id.clone(),
        _ => return None,
    })
}

fn holds(f: &Finding, attr: &str, want: &str) -> bool {
    match attr {
        "severity" => f.severity.as_str().eq_ignore_ascii_case(want),
        // DefectDojo titles SARIF findings with the result message.
        "title" => f.title == want || f.message.lines().next() == Some(want),
        "cwe" => want.parse().is_ok_and(|n: u32| f.cwes.contains(&n)),
        "tags" => want
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .all(|t| f.tags.iter().any(|x| x == t.trim())),
        _ => value(f, attr).as_deref() == Some(want),
    }
}

#[test]
fn sarif_facts_hold_or_are_documented() {
    let Some(corpus) = corpus_dir_or_skip(env!("CARGO_MANIFEST_DIR")) else {
        return;
    };
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/conformance.md"
    ))
    .expect("docs/conformance.md");
    let listed: BTreeSet<(String, String)> = table(&doc, "fact-divergence")
        .into_iter()
        .filter_map(|r| {
            Some((
                r.first()?.trim_matches('`').to_string(),
                r.get(1)?.trim_matches('`').to_string(),
            ))
        })
        .collect();
    let rows: Vec<Row> = read_manifest(&corpus)
        .into_iter()
        .filter(|r| r.format == "sarif-2.1.0")
        .collect();
    let (mut checked, mut held, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut diverging = BTreeSet::new();
    for row in &rows {
        let facts: Vec<&str> = row.facts().filter(|f| f.starts_with("finding[")).collect();
        if facts.is_empty() {
            continue;
        }
        let bytes = std::fs::read(corpus.join(&row.file)).expect("read");
        let findings = parser_sarif::parse(&bytes).expect("parses");
        for fact in facts {
            let Some((lhs, want)) = fact.split_once('=') else {
                skipped += 1; // `contains` facts: free text
                continue;
            };
            let Some((idx, attr)) = lhs
                .strip_prefix("finding[")
                .and_then(|r| r.split_once("]."))
            else {
                continue;
            };
            if SKIPPED.contains(&attr) {
                skipped += 1;
                continue;
            }
            checked += 1;
            let key = (row.file.clone(), fact.to_string());
            let ok = idx
                .parse::<usize>()
                .ok()
                .and_then(|i| findings.get(i))
                .is_some_and(|f| holds(f, attr, want));
            match (ok, listed.contains(&key)) {
                (true, false) => held += 1,
                (true, true) => failures.push(format!(
                    "{}: `{fact}` is listed as divergent but holds",
                    row.file
                )),
                (false, true) => {
                    diverging.insert(key);
                }
                (false, false) => failures.push(format!("{}: `{fact}` does not hold", row.file)),
            }
        }
    }
    println!(
        "SARIF facts: {checked} checked, {held} hold, {} listed divergences, {skipped} skipped",
        diverging.len()
    );
    assert_no_failures(&failures);
}
