//! GitLab Code Quality report of a real `findings.json`
//! (`tests/data/run.json`). Every expectation is computed from the JSON
//! here, not by the writer's code.

use cordon_model::RunReport;
use cordon_report::codequality;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

fn run_json() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/run.json");
    let text = std::fs::read_to_string(path).expect("read run.json");
    serde_json::from_str(&text).expect("run.json is JSON")
}

fn run_report() -> RunReport {
    serde_json::from_value(run_json()).expect("run.json is a RunReport")
}

fn render(report: &RunReport) -> Vec<Value> {
    let bytes = codequality::render(report);
    assert_eq!(bytes.last(), Some(&b'\n'));
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "GitLab rejects a BOM");
    let doc: Value = serde_json::from_slice(&bytes).expect("report is JSON");
    doc.as_array().expect("an array").clone()
}

/// fingerprint → (action, severity the gate judged), from the JSON.
fn judged(run: &Value) -> HashMap<String, (String, String)> {
    let overrides: HashMap<&str, (&str, Option<&str>)> = run["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| {
            (
                d["fingerprint"].as_str().expect("fingerprint"),
                (
                    d["action"].as_str().expect("action"),
                    d["severity_override"].as_str(),
                ),
            )
        })
        .collect();
    run["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let fp = f["fingerprint"].as_str().expect("fingerprint");
            let (action, sev) = overrides[fp];
            let sev = sev.unwrap_or(f["severity"].as_str().expect("severity"));
            (fp.to_owned(), (action.to_owned(), sev.to_owned()))
        })
        .collect()
}

#[test]
fn codequality_has_one_entry_per_unsuppressed_finding() {
    let run = run_json();
    let expected: HashSet<String> = judged(&run)
        .into_iter()
        .filter(|(_, (action, _))| action != "suppressed")
        .map(|(fp, _)| fp)
        .collect();
    let entries = render(&run_report());
    assert_eq!(entries.len(), expected.len());
    assert_eq!(entries.len(), 22, "24 findings, 2 suppressed");
    let got: HashSet<String> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn codequality_every_entry_has_exactly_the_fields_gitlab_reads() {
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    for e in render(&run_report()) {
        assert_eq!(
            keys(&e),
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ],
            "{e}"
        );
        for field in ["check_name", "description", "fingerprint"] {
            let s = e[field].as_str().unwrap_or_else(|| panic!("{field}: {e}"));
            assert!(!s.trim().is_empty(), "{field}: {e}");
            assert!(!s.chars().any(char::is_control), "{field}: {e}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&e["severity"].as_str().expect("severity")),
            "{e}"
        );
        let location = &e["location"];
        assert_eq!(keys(location), ["lines", "path"], "{e}");
        let path = location["path"].as_str().expect("path");
        assert!(!path.is_empty() && !path.starts_with("./") && !path.starts_with('/'));
        assert_eq!(keys(&location["lines"]), ["begin"], "{e}");
        let begin = location["lines"]["begin"].as_u64().expect("integer line");
        assert!(begin >= 1, "{e}");
    }
}

#[test]
fn codequality_severity_is_blocker_for_blocking_findings_else_judged() {
    let run = run_json();
    let judged = judged(&run);
    let mut blockers = 0;
    for e in render(&run_report()) {
        let (action, severity) = &judged[e["fingerprint"].as_str().expect("fingerprint")];
        let expected = if action == "block" {
            blockers += 1;
            "blocker"
        } else {
            match severity.as_str() {
                "critical" => "critical",
                "high" => "major",
                "medium" => "minor",
                "low" | "info" => "info",
                other => panic!("unknown severity {other}"),
            }
        };
        assert_eq!(e["severity"], expected, "{e}");
    }
    let blocking = judged.values().filter(|(a, _)| a == "block").count();
    assert_eq!(blockers, blocking);
    assert_eq!(blockers, 12, "the fixture's gate blocked 12");
}

#[test]
fn codequality_check_names_locations_and_order() {
    let run = run_json();
    let findings: HashMap<&str, &Value> = run["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["fingerprint"].as_str().expect("fingerprint"), f))
        .collect();
    let entries = render(&run_report());
    for e in &entries {
        let f = findings[e["fingerprint"].as_str().expect("fingerprint")];
        let (tool, rule) = (
            f["tool"].as_str().expect("tool"),
            f["rule_id"].as_str().expect("rule"),
        );
        if !tool.chars().chain(rule.chars()).any(char::is_control) {
            assert_eq!(e["check_name"], format!("{tool}/{rule}"));
            assert_eq!(e["description"], f["title"]);
        }
        match f["locations"].get(0) {
            Some(l)
                if !l["path"]
                    .as_str()
                    .expect("path")
                    .chars()
                    .any(char::is_control) =>
            {
                assert_eq!(e["location"]["path"], l["path"]);
                let line = l["start_line"].as_u64().unwrap_or(1);
                assert_eq!(e["location"]["lines"]["begin"], line);
            }
            Some(_) => {}
            None => {
                let input = &run["inputs"][f["input"].as_u64().expect("input") as usize];
                assert_eq!(e["location"]["path"], input["path"]);
                assert_eq!(e["location"]["lines"]["begin"], 1);
            }
        }
    }
    // Blocking findings come first (the shared priority order).
    let first_non_blocker = entries
        .iter()
        .position(|e| e["severity"] != "blocker")
        .expect("some non-blocking");
    assert!(
        entries[first_non_blocker..]
            .iter()
            .all(|e| e["severity"] != "blocker")
    );
    // The hostile tool's strings are shown, not interpreted.
    let hostile = entries
        .iter()
        .find(|e| e["fingerprint"] == "1c0cda41bfc6609b326029ecd5a3c0b4")
        .expect("hostile finding");
    assert_eq!(
        hostile["location"]["path"],
        "src/a,b:c%0A</details>\\u{1b}[K.py"
    );
    assert!(
        hostile["check_name"]
            .as_str()
            .expect("check_name")
            .starts_with("inject\\u{1b}]8;;http://attacker.invalid\\u{7}scan")
    );
}

#[test]
fn codequality_fingerprints_are_unique_even_for_repeated_findings() {
    let mut report = run_report();
    let f = report.findings[0].clone();
    report.findings.push(f.clone());
    report.findings.push(f.clone());
    let entries = render(&report);
    assert_eq!(entries.len(), 24);
    let fps: Vec<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    let unique: HashSet<&str> = fps.iter().copied().collect();
    assert_eq!(unique.len(), fps.len(), "{fps:?}");
    for suffix in ["", "-2", "-3"] {
        assert!(fps.contains(&format!("{}{suffix}", f.fingerprint).as_str()));
    }
    assert_eq!(codequality::render(&report), codequality::render(&report));
}

#[test]
fn codequality_empty_report_is_an_empty_array() {
    let mut report = run_report();
    report.findings.clear();
    report.decisions.clear();
    assert_eq!(codequality::render(&report), b"[]\n");
}

#[test]
fn codequality_finding_without_location_is_at_its_input_line_1() {
    let mut report = run_report();
    for f in &mut report.findings {
        f.locations.clear();
    }
    report.inputs[2].path = "./scans/trivy.json".into();
    let run = run_json();
    let input_of: HashMap<&str, u64> = run["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().expect("fingerprint"),
                f["input"].as_u64().expect("input"),
            )
        })
        .collect();
    for e in render(&report) {
        let input = input_of[e["fingerprint"].as_str().expect("fingerprint")];
        let expected = match input {
            2 => "scans/trivy.json",
            n => run["inputs"][n as usize]["path"].as_str().expect("path"),
        };
        assert_eq!(e["location"]["path"], expected, "{e}");
        assert_eq!(e["location"]["lines"]["begin"], 1, "{e}");
    }
}
