//! Every format, on any machine: the repo's own fixtures (one directory per
//! format family, `tests/fixtures/<name>/`, read by `parser-<name>`) through
//! the real sandboxed pipeline: detection by manifest hints, the parser
//! component, the normalizer. Exact counts and fields are asserted natively
//! by each parser crate's fixture test; this checks the sandboxed path.

use crate::common;

use cordon_runtime::{Input, RunOptions};

/// Fixtures that are wrong on purpose: refused with an error, never findings.
fn expect_error(file: &str) -> bool {
    ["malformed", "truncated", "error", "not-"]
        .iter()
        .any(|m| file.contains(m))
}

/// Fixtures that legitimately hold no finding.
fn expect_empty(file: &str) -> bool {
    [
        "clean",
        "empty",
        "no-findings",
        "no_finding",
        "null",
        "summary-only",
    ]
    .iter()
    .any(|m| file.contains(m))
}

#[test]
fn every_fixture_is_detected_and_parsed_in_the_sandbox() {
    let runner = common::pipeline_runner();
    let opts = common::report_only(None);
    let root = common::fixture("");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 21,
        "one fixture directory per format family, found {}",
        dirs.len()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for dir in dirs {
        let family = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let parser = format!("parser-{family}");
        assert!(
            runner.parsers().iter().any(|p| p.name() == parser),
            "{family}: no parser {parser} with detection hints"
        );
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| !common::is_fixture_notes(p))
            .collect();
        files.sort();
        for path in files {
            let name = path.strip_prefix(&root).expect("rel").display().to_string();
            let bytes = std::fs::read(&path).expect("read");
            let identity_less = cordon_manifest::plugin::is_empty_document(&bytes);
            let report = runner
                .run_blocking(
                    vec![Input {
                        path: name.clone(),
                        bytes: Ok(bytes.clone()).into(),
                        format: None,
                    }],
                    &opts,
                )
                .expect("runs");
            checked += 1;
            let input = &report.inputs[0];
            if identity_less {
                // `[]` / `null`: no scanner's identity, so never "no
                // findings" by detection; only with the format named.
                let refused = report.errors.first().map(|e| e.kind.as_str());
                if refused != Some("unrecognised-format") || !report.findings.is_empty() {
                    problems.push(format!(
                        "{name}: an identity-less document must be unrecognised, got {refused:?}"
                    ));
                }
                let forced = RunOptions {
                    format: Some(parser.clone()),
                    ..opts.clone()
                };
                let report = runner
                    .run_blocking(
                        vec![Input {
                            path: name.clone(),
                            bytes: Ok(bytes).into(),
                            format: None,
                        }],
                        &forced,
                    )
                    .expect("runs");
                if !report.errors.is_empty()
                    || !report.findings.is_empty()
                    || report.inputs[0].parser.as_deref() != Some(parser.as_str())
                {
                    problems.push(format!(
                        "{name}: with --format {parser}: {} findings, errors {:?}",
                        report.findings.len(),
                        report.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
                    ));
                }
                continue;
            }
            if expect_error(&name) {
                if report.errors.is_empty() || !report.findings.is_empty() {
                    problems.push(format!(
                        "{name}: expected an error and no findings, got {} findings",
                        report.findings.len()
                    ));
                }
                continue;
            }
            if let Some(e) = report.errors.first() {
                problems.push(format!("{name}: {}", e.message));
                continue;
            }
            let via = input.parser.as_deref().unwrap_or("none");
            if via != parser {
                problems.push(format!("{name}: parsed by {via}, expected {parser}"));
            }
            if expect_empty(&name) != report.findings.is_empty() {
                problems.push(format!("{name}: {} findings", report.findings.len()));
            }
        }
    }
    println!("{checked} fixture files checked through the sandbox");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn malformed_input_is_a_typed_error_for_every_parser() {
    let runner = common::pipeline_runner();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: [(&str, Vec<u8>); 4] = [
        ("truncated.json", b"{\"results\": [{\"a\": ".to_vec()),
        ("wrong-types.json", b"{\"runs\": 5, \"results\": \"x\", \"matches\": 7, \"vulnerabilities\": true, \"Results\": 1}".to_vec()),
        ("deep.json", deep.into_bytes()),
        ("empty.json", Vec::new()),
    ];
    let mut problems = Vec::new();
    for slot in runner.parsers() {
        for (file, bytes) in &cases {
            let opts = common::report_only(Some(slot.name().to_string()));
            let path = format!("{}/{file}", slot.name());
            let report = runner
                .run_blocking(
                    vec![Input {
                        path: path.clone(),
                        bytes: Ok(bytes.clone()).into(),
                        format: None,
                    }],
                    &opts,
                )
                .expect("runs");
            let Some(e) = report.errors.first() else {
                // A parser may read a tolerant shape as "nothing found"; that
                // must then really be zero findings.
                if !report.findings.is_empty() {
                    problems.push(format!(
                        "{path}: {} findings from garbage",
                        report.findings.len()
                    ));
                }
                continue;
            };
            let typed =
                ["malformed-input", "unsupported-format", "empty-input"].contains(&e.kind.as_str());
            if !typed || !e.message.starts_with(&path) || !report.findings.is_empty() {
                problems.push(format!("{path}: {} {}", e.kind, e.message));
            }
            let positioned = e.message.contains("line ") || e.message.contains(" at ");
            if e.kind == "malformed-input" && !positioned {
                problems.push(format!("{path}: no position in {:?}", e.message));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
