//! Runs the parser over the shared scanner-output corpus and compares the
//! result with DefectDojo's expectations in `MANIFEST.tsv` (see
//! [`corpus_support::iac`] for what is checked).
//!
//! For every row of this crate's folders ([`FOLDERS`]): the file parses (a
//! negative sample must fail instead), every finding keeps the parser
//! contract, the count after `normalizer_default::normalize` equals
//! `expected_findings` unless the divergence table of `CONFORMANCE.md` lists
//! exactly the counts seen, and every fact that maps onto cordon's model
//! holds unless the fact-divergence table lists it. A listed divergence that
//! no longer diverges fails too. No other corpus file may make the parser
//! panic.
//! No title, message or tag may contain a secret value of the report
//! ([`SECRET_KEYS`]).
//!
//! The corpus lives outside the repository: `$CORDON_CORPUS`, else
//! `../../../shared/corpus` relative to this crate. When it is missing the
//! test prints one line and passes. Every mismatch is collected and reported
//! at once.

use cordon_sdk::Finding;

/// The corpus folders whose files this parser must read.
const FOLDERS: &[&str] = &["trufflehog", "trufflehog3"];

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

#[test]
fn corpus_matches_defectdojo() {
    corpus_support::iac::Suite {
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        folders: FOLDERS,
        parse: parser_trufflehog::parse,
        redaction: Some(redacted),
    }
    .run();
}
