//! Detection hints of every first-party parser (`[package.metadata.cordon]`
//! in `plugins/*/Cargo.toml`) against the whole scanner corpus: each file is
//! claimed by exactly the parser of its format family, at a confidence no
//! other parser ties, and no parser claims a file of another family.
//!
//! Cheap to run on its own (no wasmtime):
//! `cargo test -p cordon-manifest --test detect_corpus -- --nocapture`.
//! The corpus is `$CORDON_CORPUS` or `../shared/corpus`; without it the test
//! says so in one line and passes.

use cordon_manifest::plugin::{DetectHint, detect_head};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (crate name, hints) of every parser crate that declares real hints.
fn parsers() -> Vec<(String, Vec<DetectHint>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo().join("plugins")).expect("plugins/") {
        let path = entry.expect("entry").path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let doc: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let pkg = &doc["package"];
        let name = pkg["name"].as_str().expect("package.name").to_string();
        let Some(meta) = pkg.get("metadata").and_then(|m| m.get("cordon")) else {
            continue;
        };
        if meta.get("kind").and_then(|k| k.as_str()) != Some("parser") {
            continue;
        }
        let hints: Vec<DetectHint> = match meta.get("detect") {
            Some(d) => d.clone().try_into().unwrap_or_else(|e| {
                panic!(
                    "{}: [[package.metadata.cordon.detect]]: {e}",
                    path.display()
                )
            }),
            None => Vec::new(),
        };
        // Skeletons (format "TODO") are not parsers yet.
        let hints: Vec<DetectHint> = hints.into_iter().filter(|h| h.format != "TODO").collect();
        if !hints.is_empty() {
            out.push((name, hints));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The parser crate that owns a corpus file, from its folder and format.
fn expected(folder: &str, format: &str) -> Option<&'static str> {
    if format.starts_with("sarif") || format == "invalid-json" || format == "json-not-sarif" {
        return Some("parser-sarif");
    }
    if format == "empty-file" {
        return None;
    }
    // The code-scanning alerts API shape is one format wherever the corpus
    // files it (one sample sits in github_vulnerability/).
    if format == "github-code-scanning-alerts-api-json" {
        return Some("parser-github-sast");
    }
    Some(match folder {
        "anchore_grype" => "parser-grype",
        "bandit" => "parser-bandit",
        "cargo_audit" => "parser-cargo-audit",
        "checkov" => "parser-checkov",
        "dependency_check" | "dependency_check_json" => "parser-dependency-check",
        "github_sast" => "parser-github-sast",
        "github_vulnerability" => "parser-github-vulnerability",
        "gitleaks" => "parser-gitleaks",
        "gosec" => "parser-gosec",
        "govulncheck" => "parser-govulncheck",
        "hadolint" => "parser-hadolint",
        "kics" => "parser-kics",
        "npm_audit" | "npm_audit_7_plus" => "parser-npm-audit",
        "osv_scanner" => "parser-osv-scanner",
        "pip_audit" => "parser-pip-audit",
        "semgrep" | "semgrep_pro" => "parser-semgrep",
        "snyk" | "snyk_code" => "parser-snyk",
        "tfsec" => "parser-tfsec",
        "trivy" => "parser-trivy",
        "trufflehog" | "trufflehog3" => "parser-trufflehog",
        _ => return None,
    })
}

#[test]
fn every_corpus_file_is_claimed_by_its_parser_only() {
    let corpus = std::env::var_os("CORDON_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        println!(
            "skipping: scanner corpus not found (set CORDON_CORPUS or put it at ../shared/corpus)"
        );
        return;
    };
    let parsers = parsers();
    assert!(
        parsers.iter().any(|(n, _)| n == "parser-sarif"),
        "parser-sarif declares hints"
    );
    let mut problems = Vec::new();
    let mut claimed: BTreeMap<&str, usize> = BTreeMap::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, format) = (cols[2], cols[1]);
        let folder = file.split('/').next().unwrap_or("");
        let bytes = std::fs::read(corpus.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let head = detect_head(&bytes);
        // `[]` and `null` are several tools' "nothing found"; the host reads
        // them as zero findings without asking a parser (see pipeline.rs).
        if cordon_manifest::plugin::is_empty_document(&bytes) {
            continue;
        }
        let mut claims: Vec<(&str, &str, u8)> = Vec::new();
        for (name, hints) in &parsers {
            if let Some(h) = hints
                .iter()
                .filter(|h| h.matches(head))
                .max_by_key(|h| h.confidence)
            {
                claims.push((name, &h.format, h.confidence));
            }
        }
        claims.sort_by_key(|c| std::cmp::Reverse(c.2));
        let want = expected(folder, format);
        let implemented = want.is_some_and(|w| parsers.iter().any(|(n, _)| n == w));
        let best = claims.first();
        match (want, best) {
            // Negative samples routed to SARIF may be claimed by it or by nobody.
            (Some("parser-sarif"), None)
                if format == "invalid-json" || format == "json-not-sarif" => {}
            (Some(w), Some(b)) if b.0 == w => {
                *claimed.entry(w).or_default() += 1;
                if let Some(second) = claims.get(1)
                    && second.2 == b.2
                {
                    problems.push(format!(
                        "{file}: {w} ties with {} at confidence {}",
                        second.0, b.2
                    ));
                }
            }
            (Some(w), None) if implemented => problems.push(format!(
                "{file} ({format}): not claimed; {w} should claim it"
            )),
            (Some(_), None) | (None, None) => {}
            (Some(w), Some(b)) if implemented => problems.push(format!(
                "{file} ({format}): claimed by {} ({}, {}) instead of {w}",
                b.0, b.1, b.2
            )),
            (_, Some(b)) => problems.push(format!(
                "{file} ({format}): claimed by {} ({}) but it belongs to {}",
                b.0,
                b.1,
                want.unwrap_or("no parser")
            )),
        }
    }
    for (name, n) in &claimed {
        println!("{name:<30} claims {n} corpus files");
    }
    assert!(
        problems.is_empty(),
        "{} detection problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Best hint of one parser for `bytes`, as the host evaluates it.
fn claim<'a>(
    parsers: &'a [(String, Vec<DetectHint>)],
    parser: &str,
    bytes: &[u8],
) -> Option<(&'a str, u8)> {
    let (_, hints) = parsers
        .iter()
        .find(|(n, _)| n == parser)
        .unwrap_or_else(|| panic!("{parser}: no hints"));
    cordon_manifest::plugin::best_match(hints, detect_head(bytes))
}

#[test]
fn look_alikes_are_not_claimed() {
    let parsers = parsers();
    let common: [&[u8]; 4] = [
        b"",
        b"null",
        b"[]",
        b"{\"version\": \"2.1.0\", \"runs\": []}",
    ];
    let cases: [(&str, &[&[u8]]); 7] = [
        ("parser-checkov", &[
            b"{\"results\": [{\"rule_id\": \"AWS001\", \"rule_provider\": \"aws\"}]}",
            b"{\"errors\": [], \"results\": [], \"generated_at\": \"x\", \"metrics\": {}}",
            b"{\"queries_total\": 1, \"queries\": []}",
        ]),
        ("parser-gitleaks", &[
            b"\xEF\xBB\xBF \nnull\n",
            b"[{\"line\": 9, \"code\": \"DL3008\", \"message\": \"Pin versions\", \"column\": 1, \"file\": \"Dockerfile\", \"level\": \"warning\"}]",
            b"[{\"name\": \"adal\", \"version\": \"1.2.2\", \"vulns\": []}]",
            b"[{\"Target\": \"app\", \"Secrets\": [{\"RuleID\": \"aws\", \"StartLine\": 1, \"StartColumn\": 2}]}]",
            b"[{\"rule\": {\"id\": \"x\"}, \"path\": \"a\", \"line\": \"2\", \"secret\": \"s\"}]",
            b"{\"runs\": [{\"results\": [{\"offender\": \"x\", \"commitMessage\": \"y\"}]}]}",
        ]),
        // ShellCheck's legacy `-f json`, with a path that starts with `SC`.
        ("parser-hadolint", &[
            b"[{\"file\":\"SCRIPTS/deploy.sh\",\"line\":11,\"endLine\":11,\"column\":7,\"endColumn\":15,\"level\":\"info\",\"code\":2086,\"message\":\"Double quote to prevent globbing and word splitting.\",\"fix\":null}]",
        ]),
        ("parser-kics", &[b"{\"queries\": []}", b"{\"results\": null}"]),
        ("parser-tfsec", &[
            b"{\"errors\": [], \"results\": null, \"paths\": {}}",
            b"{\"errors\": [], \"generated_at\": \"x\", \"metrics\": {}, \"results\": [{\"test_id\": \"B101\"}]}",
            b"{\"check_type\": \"terraform\", \"results\": {\"failed_checks\": []}}",
            b"{\"SchemaVersion\": 2, \"Results\": null}",
        ]),
        ("parser-shellcheck", &[
            b"[{\"line\": 12, \"code\": \"SC2086\", \"message\": \"Double quote to prevent globbing\", \"column\": 5, \"file\": \"Dockerfile\", \"level\": \"info\"}]",
            b"{\"comments\": [{\"id\": 1, \"body\": \"LGTM\", \"line\": 3}]}",
            b"{\"comments\": []}",
        ]),
        ("parser-trufflehog", &[]),
    ];
    let deep_array = [b'['; 10_000];
    let deep_object = [b'{'; 10_000];
    for (parser, own) in cases {
        for head in common
            .iter()
            .chain(own.iter())
            .chain([&deep_array[..], &deep_object[..]].iter())
        {
            assert_eq!(
                claim(&parsers, parser, head),
                None,
                "{parser} claims {}",
                String::from_utf8_lossy(&head[..head.len().min(80)])
            );
        }
    }
}

#[test]
fn fixtures_are_claimed_with_their_format() {
    let parsers = parsers();
    let fixtures = repo().join("tests/fixtures");
    for (parser, file, format, confidence) in [
        ("parser-checkov", "checkov/single.json", "checkov-json", 80),
        (
            "parser-checkov",
            "checkov/list.json",
            "checkov-json-list",
            80,
        ),
        (
            "parser-checkov",
            "checkov/summary-only.json",
            "checkov-json-summary-only",
            70,
        ),
        (
            "parser-gitleaks",
            "gitleaks/v8.json",
            "gitleaks-json-v8",
            80,
        ),
        (
            "parser-gitleaks",
            "gitleaks/v7.json",
            "gitleaks-json-v7",
            80,
        ),
        ("parser-kics", "kics/findings.json", "kics-json", 80),
        (
            "parser-shellcheck",
            "shellcheck/neofetch-json1.json",
            "shellcheck-json1",
            85,
        ),
        (
            "parser-shellcheck",
            "shellcheck/clean-json1.json",
            "shellcheck-json1",
            60,
        ),
        (
            "parser-shellcheck",
            "shellcheck/mixed-legacy.json",
            "shellcheck-json",
            85,
        ),
        ("parser-tfsec", "tfsec/current.json", "tfsec-json", 80),
        ("parser-tfsec", "tfsec/legacy.json", "tfsec-json", 80),
        (
            "parser-trufflehog",
            "trufflehog/v3.json",
            "trufflehog-v3-ndjson",
            80,
        ),
        (
            "parser-trufflehog",
            "trufflehog/v2.json",
            "trufflehog-v2-ndjson",
            80,
        ),
        (
            "parser-trufflehog",
            "trufflehog/v3-malformed.json",
            "trufflehog-v3-ndjson",
            80,
        ),
        (
            "parser-trufflehog",
            "trufflehog/trufflehog3-current.json",
            "trufflehog3-json",
            80,
        ),
        (
            "parser-trufflehog",
            "trufflehog/trufflehog3-legacy.json",
            "trufflehog3-json-legacy",
            80,
        ),
    ] {
        let bytes = std::fs::read(fixtures.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            claim(&parsers, parser, &bytes),
            Some((format, confidence)),
            "{file}"
        );
    }
    // A broken tfsec report whose head lacks the tfsec keys is not claimed.
    let broken = std::fs::read(fixtures.join("tfsec/malformed.json")).expect("fixture");
    assert_eq!(claim(&parsers, "parser-tfsec", &broken), None);
    // `{"results": null}` is tfsec's empty report, claimed weakly.
    assert_eq!(
        claim(&parsers, "parser-tfsec", b"{\"results\":null}"),
        Some(("tfsec-json", 30))
    );
    assert_eq!(
        claim(
            &parsers,
            "parser-kics",
            br#"{"files_scanned": 1, "files_parsed": 1, "queries_total": 235, "queries": []}"#
        )
        .map(|c| c.0),
        Some("kics-json")
    );
}
