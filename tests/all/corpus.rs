//! The shared scanner corpus through the real binary: every SARIF 2.1.0 file
//! yields exactly its raw result count, every invalid SARIF sample is a clear
//! error, and every difference from DefectDojo's count is explained in
//! `docs/conformance.md`.
//!
//! The corpus lives outside the repo: `$CORDON_CORPUS`, or `../shared/corpus`
//! next to the checkout. Without it these tests say so in one line and pass;
//! the repo's own fixtures (tests/cli.rs) cover the formats everywhere.

use crate::common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Row {
    file: String,
    format: String,
    expected: Option<usize>,
    raw_items: Option<usize>,
}

fn manifest(corpus: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (c_file, c_format, c_expected, c_raw) = (
        col("file"),
        col("format"),
        col("expected_findings"),
        col("raw_items"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let num = |i: usize| f.get(i).and_then(|s| s.trim().parse().ok());
            Row {
                file: f[c_file].to_string(),
                format: f[c_format].to_string(),
                expected: num(c_expected),
                raw_items: num(c_raw),
            }
        })
        .collect()
}

fn run_all(files: &[PathBuf], out: &Path) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("run")
        .args(files)
        .arg("--out")
        .arg(out)
        .args(["--mode", "report-only"])
        .output()
        .expect("cordon runs");
    let json =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).expect("findings.json"))
            .expect("valid JSON");
    (output.status.code().expect("exit code"), json)
}

/// File names listed in the divergence table of docs/conformance.md.
fn divergence_table() -> BTreeSet<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/conformance.md"))
            .expect("docs/conformance.md");
    let start = doc
        .find("<!-- raw-divergence:start -->")
        .expect("divergence start marker");
    let end = doc
        .find("<!-- raw-divergence:end -->")
        .expect("divergence end marker");
    doc[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_string))
        .collect()
}

#[test]
fn sarif_corpus_counts_match_raw_results() {
    let Some(corpus) = common::corpus_dir() else {
        println!(
            "skipping: scanner corpus not found (set CORDON_CORPUS or put it at ../shared/corpus)"
        );
        return;
    };
    let rows: Vec<Row> = manifest(&corpus)
        .into_iter()
        .filter(|r| r.format == "sarif-2.1.0")
        .collect();
    assert!(
        rows.len() >= 40,
        "expected the SARIF corpus, found {} rows",
        rows.len()
    );
    let files: Vec<PathBuf> = rows.iter().map(|r| corpus.join(&r.file)).collect();
    let out = tempfile::tempdir().expect("tmp");
    let (code, j) = run_all(&files, out.path());
    assert_eq!(code, 0, "report-only run over valid SARIF: {}", j["errors"]);

    let inputs = j["inputs"].as_array().expect("inputs");
    let findings = j["findings"].as_array().expect("findings");
    let mut problems = Vec::new();
    let mut diverging = BTreeSet::new();
    let (mut raw_total, mut matches) = (0, 0);
    println!(
        "{:<62} {:>5} {:>6} {:>9}",
        "file", "raw", "dedup", "defectdojo"
    );
    for (i, row) in rows.iter().enumerate() {
        let input = &inputs[i];
        let parsed = input["findings_parsed"].as_u64().unwrap_or(u64::MAX) as usize;
        let dedup = findings.iter().filter(|f| f["input"] == i).count();
        raw_total += parsed;
        println!(
            "{:<62} {:>5} {:>6} {:>9}",
            row.file,
            parsed,
            dedup,
            row.expected
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into())
        );
        if input["status"] != "ok" {
            problems.push(format!("{}: status {}", row.file, input["status"]));
        }
        if Some(parsed) != row.raw_items {
            problems.push(format!(
                "{}: {parsed} findings, raw_items {:?}",
                row.file, row.raw_items
            ));
        }
        match row.expected {
            Some(e) if e == parsed => matches += 1,
            Some(_) => {
                diverging.insert(row.file.clone());
            }
            None => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let asserted = rows.iter().filter(|r| r.expected.is_some()).count();
    println!(
        "{} SARIF files, {raw_total} findings before dedup, {} after; {matches}/{asserted} equal DefectDojo's count, {} diverge by design",
        rows.len(),
        findings.len(),
        diverging.len()
    );
    assert_eq!(
        diverging,
        divergence_table(),
        "docs/conformance.md must list exactly the files whose raw count differs from DefectDojo's"
    );
}

#[test]
fn invalid_sarif_is_rejected_with_a_clear_error() {
    let Some(corpus) = common::corpus_dir() else {
        println!(
            "skipping: scanner corpus not found (set CORDON_CORPUS or put it at ../shared/corpus)"
        );
        return;
    };
    let rows: Vec<Row> = manifest(&corpus)
        .into_iter()
        .filter(|r| r.file.starts_with("sarif-invalid/"))
        .collect();
    assert!(!rows.is_empty());
    let files: Vec<PathBuf> = rows.iter().map(|r| corpus.join(&r.file)).collect();
    let out = tempfile::tempdir().expect("tmp");
    let (code, j) = run_all(&files, out.path());
    assert_eq!(code, 2);
    assert!(
        j["findings"].as_array().expect("findings").is_empty(),
        "no partial results"
    );
    let errors = j["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), rows.len());
    for (row, e) in rows.iter().zip(errors) {
        let kind = e["kind"].as_str().expect("kind");
        assert!(
            kind == "malformed-input"
                || kind == "unsupported-format"
                || kind == "unrecognised-format",
            "{}: {kind}",
            row.file
        );
        let msg = e["message"].as_str().expect("message");
        assert!(
            msg.contains(&row.file),
            "{}: message does not name the file: {msg}",
            row.file
        );
        println!(
            "{:<55} {kind}: {}",
            row.file,
            msg.rsplit(": ").next().unwrap_or(msg)
        );
    }
}
