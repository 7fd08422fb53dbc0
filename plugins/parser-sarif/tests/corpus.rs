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

use corpus_support::{
    Contract, assert_no_failures, corpus_dir, is_rejection, read_manifest, read_row,
};
use std::fs;

/// The `format` value of the rows this parser must read.
const SARIF_FORMAT: &str = "sarif-2.1.0";
/// The folder of negative SARIF samples.
const INVALID_FOLDER: &str = "sarif-invalid/";
/// How many bytes the host shows `detect`.
const HEAD_LEN: usize = 4096;

#[test]
fn sarif_corpus() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR")) else {
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
        let Some(bytes) = read_row(&dir, row, &mut failures) else {
            continue;
        };

        if is_negative {
            negatives += 1;
            match parser_sarif::parse(&bytes) {
                result if is_rejection(&result) => {}
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
        let expected: usize = match row.raw_items {
            Some(n) => n,
            None => {
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
                Contract::default().check(
                    &row.file,
                    &findings,
                    "breaks the contract",
                    &mut failures,
                );
            }
            Err(e) => failures.push(format!("{}: rejected: {e:?}", row.file)),
        }
    }

    println!(
        "corpus: {positives} {SARIF_FORMAT} files ({findings_total} findings), \
         {negatives} negative samples, {others} other formats not claimed"
    );
    assert!(positives > 0, "no {SARIF_FORMAT} rows in MANIFEST.tsv");
    assert_no_failures(&failures);
}
