//! Runs the parser over the shared scanner-output corpus.
//!
//! * every `sarif-2.1.0` row: `detect` claims the first 4 KiB, and `parse`
//!   yields exactly `raw_items` findings (one per SARIF result);
//! * every file under `sarif-invalid/`: `parse` fails with `malformed-input`
//!   or `unsupported-format`;
//! * every row of a non-SARIF format: `detect` does not claim it.
//!
//! The corpus lives outside the repository: `$CORDON_CORPUS`, else
//! `../../../shared/corpus` relative to this crate. When it is missing the
//! test prints one line and passes. Every mismatch is collected and reported
//! at once.

use cordon_sdk::StageError;
use std::fs;
use std::path::{Path, PathBuf};

/// The `format` value of the rows this parser must read.
const SARIF_FORMAT: &str = "sarif-2.1.0";
/// The folder of negative SARIF samples.
const INVALID_FOLDER: &str = "sarif-invalid/";
/// How many bytes the host shows `detect`.
const HEAD_LEN: usize = 4096;

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
    raw_items: String,
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
    let (format, file, raw_items) = (col("format"), col("file"), col("raw_items"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").to_string();
            Row {
                format: cell(format),
                file: cell(file),
                raw_items: cell(raw_items),
            }
        })
        .collect()
}

#[test]
fn sarif_corpus() {
    let Some(dir) = corpus_dir() else {
        println!("skipping: SARIF corpus not found (set CORDON_CORPUS)");
        return;
    };
    let rows = read_manifest(&dir);
    let mut failures: Vec<String> = Vec::new();
    let (mut positives, mut negatives, mut others) = (0usize, 0usize, 0usize);
    let mut findings_total = 0usize;

    for row in &rows {
        let is_positive = row.format == SARIF_FORMAT;
        let is_negative = row.file.starts_with(INVALID_FOLDER);
        if !is_positive && !is_negative {
            // Other scanners' formats must not be claimed as SARIF.
            if !row.format.contains("sarif") {
                others += 1;
                if let Ok(bytes) = fs::read(dir.join(&row.file)) {
                    let head = bytes.get(..HEAD_LEN).unwrap_or(&bytes);
                    if let Some(d) = parser_sarif::detect(head) {
                        failures.push(format!("{}: not SARIF but detect() says {d:?}", row.file));
                    }
                }
            }
            continue;
        }
        let bytes = match fs::read(dir.join(&row.file)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{}: cannot read: {e}", row.file));
                continue;
            }
        };

        if is_negative {
            negatives += 1;
            match parser_sarif::parse(&bytes) {
                Err(StageError::MalformedInput(_) | StageError::UnsupportedFormat(_)) => {}
                Err(other) => failures.push(format!("{}: wrong error kind: {other:?}", row.file)),
                Ok(f) => failures.push(format!(
                    "{}: negative sample accepted ({} findings)",
                    row.file,
                    f.len()
                )),
            }
            continue;
        }

        positives += 1;
        let head = bytes.get(..HEAD_LEN).unwrap_or(&bytes);
        if parser_sarif::detect(head).is_none() {
            failures.push(format!("{}: detect() did not claim it", row.file));
        }
        let expected: usize = match row.raw_items.trim().parse() {
            Ok(n) => n,
            Err(_) => {
                failures.push(format!("{}: bad raw_items {:?}", row.file, row.raw_items));
                continue;
            }
        };
        match parser_sarif::parse(&bytes) {
            Ok(findings) => {
                findings_total += findings.len();
                if findings.len() != expected {
                    failures.push(format!(
                        "{}: {} findings, raw_items says {expected}",
                        row.file,
                        findings.len()
                    ));
                }
                for (n, f) in findings.iter().enumerate() {
                    if f.input != 0 || !f.fingerprint.is_empty() || f.rule_id.is_empty() {
                        failures.push(format!("{}: finding {n} breaks the contract", row.file));
                    }
                }
            }
            Err(e) => failures.push(format!("{}: rejected: {e:?}", row.file)),
        }
    }

    println!(
        "corpus: {positives} {SARIF_FORMAT} files ({findings_total} findings), \
         {negatives} negative samples, {others} other formats not claimed"
    );
    assert!(positives > 0, "no {SARIF_FORMAT} rows in MANIFEST.tsv");
    assert!(
        failures.is_empty(),
        "{} corpus mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
