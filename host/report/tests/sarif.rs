//! `results.sarif` for the real multi-scanner run of `tests/data/run.json`:
//! valid against the official SARIF 2.1.0 schema, one run per scanner, the
//! decision's level, suppressions, fingerprints, rules, locations, every
//! cap with its note, an empty run, and determinism.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use cordon_model::{Action, RunReport};
use cordon_report::sarif::{Limits, render};
use cordon_report::{Meta, view};
use serde_json::{Value, json};

fn run_json() -> RunReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/run.json");
    let text = std::fs::read_to_string(&path).expect("read run.json");
    serde_json::from_str(&text).expect("run.json is a findings.json")
}

fn meta() -> Meta {
    Meta {
        started: 1_796_637_600,
        finished: 1_796_637_601,
        policy_uri: "embedded:policies/rules/default.toml".into(),
        policy_digest: "sha256:468aeb9d8d4b66b2dbc450434c73e8b71b52755704ebe004dafd761f02e1aba6"
            .into(),
    }
}

/// The rendered file, parsed, and its notes.
fn sarif(report: &RunReport, limits: &Limits) -> (Value, Vec<String>, Vec<u8>) {
    let out = render(report, &meta(), limits).expect("render");
    let doc = serde_json::from_slice(&out.bytes).expect("results.sarif is JSON");
    (doc, out.notes, out.bytes)
}

fn runs(doc: &Value) -> &[Value] {
    doc["runs"].as_array().map_or(&[], Vec::as_slice)
}

fn results(run: &Value) -> &[Value] {
    run["results"].as_array().map_or(&[], Vec::as_slice)
}

fn all_results(doc: &Value) -> Vec<&Value> {
    runs(doc).iter().flat_map(results).collect()
}

fn driver_names(doc: &Value) -> Vec<&str> {
    runs(doc)
        .iter()
        .map(|r| r["tool"]["driver"]["name"].as_str().unwrap_or("?"))
        .collect()
}

fn fingerprint(result: &Value) -> &str {
    result["partialFingerprints"]["cordon/normalizer-default/v2"]
        .as_str()
        .unwrap_or("?")
}

fn rule<'a>(doc: &'a Value, tool: &str, id: &str) -> &'a Value {
    runs(doc)
        .iter()
        .filter(|r| r["tool"]["driver"]["name"] == tool)
        .flat_map(|r| {
            r["tool"]["driver"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id} of {tool}"))
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip").len() as u64
}

/// The hostile scanner's name as the notes show it (`sanitize::terminal`).
const HOSTILE_TOOL_IN_NOTES: &str =
    r"inject\u{1b}]8;;http://attacker.invalid\u{7}scan::error::</details>";

// ---------------------------------------------------------------------------
// Validation against the official schema.

/// The official SARIF 2.1.0 schema: `$CORDON_SHARED_DIR/schemas/`, else
/// `<repo root>/../shared/schemas/`.
fn official_schema() -> Option<Value> {
    let shared = std::env::var_os("CORDON_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let text = std::fs::read_to_string(shared.join("schemas/sarif-schema-2.1.0.json")).ok()?;
    Some(serde_json::from_str(&text).expect("the SARIF schema is JSON"))
}

/// Every schema error of `doc`, and every `artifactLocation.uri` that is not
/// an RFC 3986 URI reference (the schema's `uri-reference` format is not a
/// draft-04 format, so the validator would not check it).
fn schema_errors(schema: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the SARIF schema compiles");
    let mut errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    let uri_reference = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&json!({"type": "string", "format": "uri-reference"}))
        .expect("compiles");
    let mut uris = Vec::new();
    artifact_uris(doc, &mut uris);
    assert!(!uris.is_empty() || all_results(doc).is_empty());
    for uri in uris {
        errors.extend(
            uri_reference
                .iter_errors(uri)
                .map(|e| format!("artifactLocation: {e}")),
        );
    }
    errors
}

fn artifact_uris<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            if let Some(uri) = map.get("artifactLocation").and_then(|a| a.get("uri")) {
                out.push(uri);
            }
            map.values().for_each(|x| artifact_uris(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| artifact_uris(x, out)),
        _ => {}
    }
}

fn assert_valid(doc: &Value) {
    let Some(schema) = official_schema() else {
        println!("skipping: SARIF schema not found (set CORDON_SHARED_DIR)");
        return;
    };
    let errors = schema_errors(&schema, doc);
    assert!(
        errors.is_empty(),
        "{} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn sarif_of_the_real_run_is_valid_against_the_official_schema() {
    let (doc, notes, bytes) = sarif(&run_json(), &Limits::default());
    assert_valid(&doc);
    assert_eq!(notes, Vec::<String>::new());
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["$schema"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    assert!(bytes.starts_with(b"{\n  \"$schema\"") && bytes.ends_with(b"}\n"));
}

#[test]
fn sarif_validator_catches_an_invalid_file() {
    // The validation above proves something only if it can fail.
    let Some(schema) = official_schema() else {
        println!("skipping: SARIF schema not found (set CORDON_SHARED_DIR)");
        return;
    };
    let (mut doc, _, _) = sarif(&run_json(), &Limits::default());
    doc["runs"][0]["results"][0]["level"] = json!("fatal");
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("a b");
    assert_eq!(
        schema_errors(&schema, &doc).len(),
        2,
        "{:?}",
        schema_errors(&schema, &doc)
    );
}

// ---------------------------------------------------------------------------
// Runs, results, rules.

#[test]
fn sarif_has_one_run_per_scanner_most_urgent_first() {
    let report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let tool = report.findings[0].tool.as_str();
    assert_eq!(
        driver_names(&doc),
        [
            "grype",
            "npm-audit",
            "trivy",
            "gitleaks",
            tool,
            "semgrep",
            "checkov"
        ]
    );
    let versions: Vec<&Value> = runs(&doc)
        .iter()
        .map(|r| &r["tool"]["driver"]["version"])
        .collect();
    assert_eq!(
        versions,
        [
            &json!("0.87.0"),
            &Value::Null,
            &json!("0.58.1"),
            &Value::Null,
            &json!("1.0\n::warning::x"),
            &json!("1.90.0"),
            &json!("3.1.40")
        ]
    );
    let counts: Vec<usize> = runs(&doc).iter().map(|r| results(r).len()).collect();
    assert_eq!(counts, [3, 3, 6, 3, 2, 3, 4]);
    for run in runs(&doc) {
        let name = run["tool"]["driver"]["name"].as_str().unwrap_or("?");
        assert_eq!(
            run["tool"]["extensions"],
            json!([{"name": "cordon", "version": "0.1.0", "informationUri": "https://github.com/cordon-dev/cordon"}])
        );
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(
            run["invocations"][0]["startTimeUtc"],
            "2026-12-07T10:00:00Z"
        );
        assert_eq!(run["invocations"][0]["endTimeUtc"], "2026-12-07T10:00:01Z");
        let facts = &run["properties"]["cordon"];
        assert_eq!(facts["run_id"], "01dd639565c46e66a0ffb8afe4a91eaa");
        assert_eq!(facts["pipeline"], "default");
        assert_eq!(facts["today"], "2026-12-07");
        assert_eq!(facts["policy_uri"], "embedded:policies/rules/default.toml");
        assert_eq!(facts["gate"]["verdict"], "block");
        assert_eq!(facts["gate"]["blocked"], 12);
        assert_eq!(facts["findings"], results(run).len(), "{name}");
        assert_eq!(facts["results_left_out"], 0);
    }
}

#[test]
fn sarif_categories_are_one_per_scanner_and_safe() {
    let (doc, _, _) = sarif(&run_json(), &Limits::default());
    let ids: Vec<&str> = runs(&doc)
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        ids,
        [
            "cordon/grype/01dd639565c46e66a0ffb8afe4a91eaa",
            "cordon/npm-audit/01dd639565c46e66a0ffb8afe4a91eaa",
            "cordon/trivy/01dd639565c46e66a0ffb8afe4a91eaa",
            "cordon/gitleaks/01dd639565c46e66a0ffb8afe4a91eaa",
            "cordon/inject--8--http---attacker.invalid-scan--error----details--6bf3e114/01dd639565c46e66a0ffb8afe4a91eaa",
            "cordon/semgrep/01dd639565c46e66a0ffb8afe4a91eaa",
            "cordon/checkov/01dd639565c46e66a0ffb8afe4a91eaa",
        ]
    );
    // GitHub's category is everything before the last `/`: all distinct.
    let categories: BTreeSet<&str> = ids
        .iter()
        .filter_map(|id| id.rsplit_once('/'))
        .map(|c| c.0)
        .collect();
    assert_eq!(categories.len(), ids.len());
}

#[test]
fn sarif_levels_follow_the_decisions() {
    let report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let actions: BTreeMap<&str, Action> = report
        .decisions
        .iter()
        .map(|d| (d.fingerprint.as_str(), d.action))
        .collect();
    let mut seen = BTreeMap::<&str, BTreeSet<&str>>::new();
    for r in all_results(&doc) {
        let action = actions[fingerprint(r)];
        let want = match action {
            Action::Block => "error",
            Action::Ticket | Action::Notify => "warning",
            Action::Record | Action::Suppressed => "note",
        };
        assert_eq!(r["level"], want, "{action:?}");
        assert_eq!(
            r["properties"]["cordon"]["decision"]["action"],
            action.as_str()
        );
        seen.entry(action.as_str()).or_default().insert(want);
    }
    assert_eq!(seen.len(), 5, "every action is in run.json: {seen:?}");
    let levels: Vec<&str> = all_results(&doc)
        .iter()
        .filter_map(|r| r["level"].as_str())
        .collect();
    let count = |l: &str| levels.iter().filter(|x| **x == l).count();
    assert_eq!(
        (count("error"), count("warning"), count("note")),
        (12, 9, 3)
    );
}

#[test]
fn sarif_results_without_a_decision_take_their_level_from_severity() {
    let mut report = run_json();
    report.decisions.clear();
    let (doc, _, _) = sarif(&report, &Limits::default());
    assert_valid(&doc);
    for r in all_results(&doc) {
        let want = match r["properties"]["cordon"]["severity"].as_str() {
            Some("critical" | "high") => "error",
            Some("medium") => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], want);
        assert_eq!(r["properties"]["cordon"].get("decision"), None);
        assert_eq!(r.get("suppressions"), None);
    }
}

#[test]
fn sarif_suppressions_exactly_for_suppressed_decisions() {
    let report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let suppressed: BTreeMap<&str, &str> = report
        .decisions
        .iter()
        .filter(|d| d.action == Action::Suppressed)
        .map(|d| (d.fingerprint.as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(suppressed.len(), 2);
    let mut with = BTreeMap::new();
    for r in all_results(&doc) {
        if let Some(s) = r.get("suppressions") {
            with.insert(fingerprint(r), s.clone());
        }
    }
    let want: BTreeMap<&str, Value> = suppressed
        .iter()
        .map(|(fp, reason)| {
            let s = json!([{"kind": "external", "status": "accepted", "justification": reason}]);
            (*fp, s)
        })
        .collect();
    assert_eq!(with, want);
}

#[test]
fn sarif_partial_fingerprints_are_the_findings_fingerprints() {
    let report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let written: Vec<&Value> = all_results(&doc)
        .iter()
        .map(|r| &r["partialFingerprints"])
        .collect();
    assert_eq!(written.len(), report.findings.len());
    let mut got: Vec<&str> = Vec::new();
    for (p, r) in written.iter().zip(all_results(&doc)) {
        let fp = fingerprint(r);
        assert_eq!(**p, json!({"cordon/normalizer-default/v2": fp}));
        assert_eq!(r["properties"]["cordon"]["fingerprint"], fp);
        got.push(fp);
    }
    got.sort_unstable();
    let mut want: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    want.sort_unstable();
    assert_eq!(got, want);

    let mut unversioned = report.clone();
    unversioned.fingerprint_version = None;
    let (doc, _, _) = sarif(&unversioned, &Limits::default());
    let first = &doc["runs"][0]["results"][0]["partialFingerprints"];
    assert_eq!(
        *first,
        json!({"cordon/unversioned": "5ef262798e18b12356fa15ee34dda10c"})
    );
}

#[test]
fn sarif_result_index_names_its_rule() {
    let (doc, _, _) = sarif(&run_json(), &Limits::default());
    for run in runs(&doc) {
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<&Value> = rules.iter().map(|r| &r["id"]).collect();
        let mut sorted = ids.clone();
        sorted.sort_by_key(|v| v.as_str().unwrap_or_default().to_string());
        sorted.dedup();
        assert_eq!(ids, sorted, "rules sorted by id, each once");
        for r in results(run) {
            let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
    }
}

#[test]
fn sarif_rules_carry_security_severity_and_tags() {
    let (doc, _, _) = sarif(&run_json(), &Limits::default());
    let critical = rule(&doc, "trivy", "CVE-2023-45853");
    assert_eq!(critical["properties"]["security-severity"], "9.5");
    assert_eq!(critical["defaultConfiguration"]["level"], "error");
    assert_eq!(
        critical["properties"]["tags"],
        json!([
            "security",
            "external/cwe/cwe-190",
            "debian",
            "os-pkgs",
            "trivy-status:will_not_fix"
        ])
    );
    let high = rule(&doc, "semgrep", "python.flask.security.open-redirect");
    assert_eq!(high["properties"]["security-severity"], "8.0");
    assert_eq!(
        high["helpUri"],
        "https://example.invalid/rules/open-redirect"
    );
    // The report's own `security` tag is not repeated.
    assert_eq!(
        high["properties"]["tags"],
        json!([
            "security",
            "external/cwe/cwe-601",
            "CWE-601: URL Redirection to Untrusted Site"
        ])
    );
    assert_eq!(
        rule(&doc, "semgrep", "python.lang.security.insecure-hash-md5")["properties"]["security-severity"],
        "5.5"
    );
    assert_eq!(
        rule(&doc, "trivy", "DS026")["properties"]["security-severity"],
        "2.0"
    );
    let info = rule(&doc, "grype", "CVE-2005-2541");
    assert_eq!(info["properties"].get("security-severity"), None);
    assert_eq!(info["defaultConfiguration"]["level"], "note");
    assert_eq!(
        info["shortDescription"]["text"],
        "CVE-2005-2541 in tar 1.34+dfsg-1.2"
    );
}

#[test]
fn sarif_passes_only_http_help_uris() {
    let report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let hostile = report.findings[0].tool.as_str();
    assert_eq!(
        report.findings[0].help_uri.as_deref(),
        Some("javascript:alert(1)")
    );
    assert_eq!(
        rule(&doc, hostile, &report.findings[0].rule_id).get("helpUri"),
        None
    );
    let mut n = 0;
    for run in runs(&doc) {
        for r in run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(uri) = r.get("helpUri") {
                assert!(
                    uri.as_str().is_some_and(|u| u.starts_with("https://")),
                    "{uri}"
                );
                n += 1;
            }
        }
    }
    assert_eq!(n, 14);
}

#[test]
fn sarif_keeps_hostile_strings_as_data() {
    let report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let f = &report.findings[0];
    let run = &runs(&doc)[4];
    assert_eq!(run["tool"]["driver"]["name"], f.tool.as_str());
    let r = &results(run)[0];
    assert_eq!(r["ruleId"], f.rule_id.as_str());
    assert_eq!(
        r["message"]["text"],
        format!("{}\n\n{}", f.title, f.message)
    );
    assert_eq!(
        r["locations"],
        json!([{"physicalLocation": {
            "artifactLocation": {"uri": "src/a,b:c%250A%3C/details%3E%1B%5BK.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 3, "startColumn": 2}
        }}])
    );
}

#[test]
fn sarif_finding_without_location_points_at_its_input_report() {
    let mut report = run_json();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let license = rule(&doc, "trivy", "GPL-3.0-or-later");
    assert_eq!(license["id"], "GPL-3.0-or-later");
    let r = all_results(&doc)
        .into_iter()
        .find(|r| r["ruleId"] == "GPL-3.0-or-later")
        .expect("the license finding");
    let note = "The scanner gave no location; this is the report the finding was read from.";
    assert_eq!(
        r["locations"],
        json!([{
            "physicalLocation": {"artifactLocation": {"uri": "tests/fixtures/trivy/image-schema2.json", "uriBaseId": "%SRCROOT%"}},
            "message": {"text": note}
        }])
    );
    // Every result has a location (GitHub rejects one without).
    assert!(
        all_results(&doc)
            .iter()
            .all(|r| r["locations"].as_array().is_some_and(|l| !l.is_empty()))
    );

    // An absolute input path is a host path: never written.
    report.inputs[2].path = "/home/runner/work/shop/trivy.json".into();
    let (doc, _, _) = sarif(&report, &Limits::default());
    let r = all_results(&doc)
        .into_iter()
        .find(|r| r["ruleId"] == "GPL-3.0-or-later")
        .expect("the license finding");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "findings.json"
    );
}

// ---------------------------------------------------------------------------
// Caps.

#[test]
fn sarif_caps_runs_results_locations_and_tags_with_exact_notes() {
    let limits = Limits {
        max_runs: 2,
        max_results_per_run: 2,
        max_locations_per_result: 1,
        max_tags_per_rule: 2,
        ..Limits::default()
    };
    let (doc, notes, _) = sarif(&run_json(), &limits);
    assert_valid(&doc);
    assert_eq!(driver_names(&doc), ["grype", "npm-audit"]);
    let kept: Vec<Vec<&str>> = runs(&doc)
        .iter()
        .map(|run| {
            results(run)
                .iter()
                .filter_map(|r| r["ruleId"].as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        kept,
        [
            vec!["GHSA-jfh8-c2jp-5v3q", "CVE-2023-4911"],
            vec!["GHSA-76p3-8jx3-jpfq", "npm-audit-vulnerable-dependency"]
        ]
    );
    for run in runs(&doc) {
        assert_eq!(run["properties"]["cordon"]["findings"], 3);
        assert_eq!(run["properties"]["cordon"]["results_left_out"], 1);
        for r in results(run) {
            assert_eq!(r["locations"].as_array().map(Vec::len), Some(1));
        }
        // Rules only for the results written.
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().map(Vec::len),
            Some(2)
        );
        for rule in run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert_eq!(rule["properties"]["tags"].as_array().map(Vec::len), Some(2));
        }
    }
    assert_eq!(
        rule(&doc, "npm-audit", "GHSA-76p3-8jx3-jpfq")["properties"]["tags"],
        json!(["security", "external/cwe/cwe-1321"])
    );
    assert_eq!(
        notes,
        [
            format!(
                "results.sarif: 5 scanners beyond the limit of 2 runs per file were left out (those whose most urgent finding ranks lowest), with their 18 results: trivy (6), gitleaks (3), {HOSTILE_TOOL_IN_NOTES} (2), semgrep (3), checkov (4)."
            ),
            "results.sarif: 1 result of grype beyond the limit of 2 per run was left out (lowest priority first).".to_string(),
            "results.sarif: 1 result of npm-audit beyond the limit of 2 per run was left out (lowest priority first).".to_string(),
            "results.sarif: 1 location of 1 result of grype beyond the limit of 1 per result was left out (each result keeps the first ones its scanner gave).".to_string(),
            "results.sarif: 2 tags of 2 rules of grype beyond the limit of 2 per rule were left out (`security` and CWE tags are kept first).".to_string(),
            "results.sarif: 4 tags of 2 rules of npm-audit beyond the limit of 2 per rule were left out (`security` and CWE tags are kept first).".to_string(),
        ]
    );
}

#[test]
fn sarif_with_no_results_allowed_writes_no_scanner_runs() {
    let limits = Limits {
        max_results_per_run: 0,
        ..Limits::default()
    };
    let (doc, notes, _) = sarif(&run_json(), &limits);
    assert_valid(&doc);
    assert_eq!(doc["runs"], json!([]));
    assert_eq!(notes.len(), 7);
    assert_eq!(
        notes[0],
        "results.sarif: 3 results of grype beyond the limit of 0 per run were left out (lowest priority first)."
    );
}

#[test]
fn sarif_over_the_gzip_budget_by_one_byte_loses_the_lowest_priority_result() {
    let report = run_json();
    let (_, _, full) = sarif(&report, &Limits::default());
    let budget = gzip_len(&full) - 1;
    let limits = Limits {
        max_gzip_bytes: budget,
        ..Limits::default()
    };
    let (doc, notes, bytes) = sarif(&report, &limits);
    assert_valid(&doc);
    assert!(gzip_len(&bytes) <= budget);
    // The least urgent finding: suppressed, severity low.
    let lowest = view::prioritised(&report)
        .last()
        .map(|r| r.finding.fingerprint.clone());
    assert_eq!(lowest.as_deref(), Some("90d1fdf455a0d0a30def2c8381d22201"));
    let written: BTreeSet<&str> = all_results(&doc).into_iter().map(fingerprint).collect();
    assert_eq!(written.len(), report.findings.len() - 1);
    assert!(!written.contains("90d1fdf455a0d0a30def2c8381d22201"));
    assert_eq!(
        notes,
        [format!(
            "results.sarif: 1 result was left out to keep the file within {budget} bytes gzip-compressed (lowest priority first): trivy 1."
        )]
    );
}

#[test]
fn sarif_within_half_the_gzip_budget_keeps_a_priority_prefix() {
    let report = run_json();
    let (_, _, full) = sarif(&report, &Limits::default());
    let budget = gzip_len(&full) / 2;
    let limits = Limits {
        max_gzip_bytes: budget,
        ..Limits::default()
    };
    let (doc, notes, bytes) = sarif(&report, &limits);
    assert_valid(&doc);
    assert!(gzip_len(&bytes) <= budget);
    let written: BTreeSet<&str> = all_results(&doc).into_iter().map(fingerprint).collect();
    let order: Vec<_> = view::prioritised(&report);
    let k = written.len();
    assert!(k > 0 && k < order.len(), "{k}");
    let prefix: BTreeSet<&str> = order[..k]
        .iter()
        .map(|r| r.finding.fingerprint.as_str())
        .collect();
    assert_eq!(written, prefix, "the {k} most urgent results are written");

    // The note counts what each scanner lost, in run order; a scanner that
    // lost everything has no run.
    let (all, _, _) = sarif(&report, &Limits::default());
    let mut lost = Vec::new();
    for run in runs(&all) {
        let name = run["tool"]["driver"]["name"].as_str().unwrap_or("?");
        let total = results(run).len();
        let left = results(run)
            .iter()
            .filter(|r| !written.contains(fingerprint(r)))
            .count();
        let shown = if name.starts_with("inject") {
            HOSTILE_TOOL_IN_NOTES
        } else {
            name
        };
        match left {
            0 => {}
            n if n == total => lost.push(format!("{shown} {n} (all; its run was left out)")),
            n => lost.push(format!("{shown} {n}")),
        }
    }
    let kept_runs = runs(&all)
        .iter()
        .filter(|run| {
            results(run)
                .iter()
                .any(|r| written.contains(fingerprint(r)))
        })
        .count();
    assert_eq!(runs(&doc).len(), kept_runs);
    assert_eq!(
        notes,
        [format!(
            "results.sarif: {} results were left out to keep the file within {budget} bytes gzip-compressed (lowest priority first): {}.",
            order.len() - k,
            lost.join(", ")
        )]
    );
}

#[test]
fn sarif_that_cannot_meet_the_gzip_budget_says_so() {
    let limits = Limits {
        max_gzip_bytes: 10,
        ..Limits::default()
    };
    let (doc, notes, bytes) = sarif(&run_json(), &limits);
    assert_valid(&doc);
    assert_eq!(doc["runs"], json!([]));
    assert_eq!(
        notes,
        [format!(
            "results.sarif: all 24 results were left out and the file is still {} bytes gzip-compressed, over the limit of 10 bytes.",
            gzip_len(&bytes)
        )]
    );
}

// ---------------------------------------------------------------------------
// Empty runs and determinism.

#[test]
fn sarif_of_a_run_without_findings_is_one_empty_cordon_run() {
    let mut report = run_json();
    report.findings.clear();
    report.decisions.clear();
    let (doc, notes, _) = sarif(&report, &Limits::default());
    assert_valid(&doc);
    assert_eq!(notes, Vec::<String>::new());
    assert_eq!(driver_names(&doc), ["cordon"]);
    let run = &runs(&doc)[0];
    assert_eq!(
        run["tool"]["driver"],
        json!({"name": "cordon", "rules": []})
    );
    assert_eq!(run["results"], json!([]));
    assert_eq!(
        run["automationDetails"]["id"],
        "cordon/cordon/01dd639565c46e66a0ffb8afe4a91eaa"
    );
    assert_eq!(run["properties"]["cordon"]["findings"], 0);
}

#[test]
fn sarif_is_deterministic_whatever_the_order_of_findings() {
    let report = run_json();
    let a = render(&report, &meta(), &Limits::default()).expect("render");
    let b = render(&report, &meta(), &Limits::default()).expect("render");
    assert_eq!(a, b);
    let mut shuffled = report.clone();
    shuffled.findings.reverse();
    shuffled.decisions.rotate_left(7);
    let c = render(&shuffled, &meta(), &Limits::default()).expect("render");
    assert_eq!(a, c);
}
