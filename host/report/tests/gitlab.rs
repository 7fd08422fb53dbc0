//! GitLab security reports of a real `findings.json` (`tests/data/run.json`),
//! validated against GitLab's own schemas (`tests/data/gitlab/`). Every
//! expectation is computed from the JSON here, not by the writer's code.

use cordon_model::{RunError, RunReport};
use cordon_report::Meta;
use cordon_report::gitlab::{
    self, DEPENDENCY_SCANNING_FILE, SAST_FILE, SCHEMA_VERSION, SECRET_DETECTION_FILE,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// The files in the order `render` returns them, with their schema and
/// the finding kinds each takes.
const FILES: [(&str, &str, &[&str]); 3] = [
    (
        SAST_FILE,
        "sast-report-format.json",
        &["sast", "iac", "dast", "other"],
    ),
    (
        DEPENDENCY_SCANNING_FILE,
        "dependency-scanning-report-format.json",
        &["sca", "container"],
    ),
    (
        SECRET_DETECTION_FILE,
        "secret-detection-report-format.json",
        &["secret"],
    ),
];

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(data(path)).expect("read test data");
    serde_json::from_str(&text).expect("test data is JSON")
}

fn run_json() -> Value {
    read_json("run.json")
}

fn run_report() -> RunReport {
    serde_json::from_value(run_json()).expect("run.json is a RunReport")
}

fn meta() -> Meta {
    Meta {
        started: 1_700_000_000,
        finished: 1_700_000_075,
        policy_uri: "embedded:policies/rules/default.toml".into(),
        policy_digest: "sha256:0000".into(),
    }
}

/// `render`'s files, parsed, checking their names and order.
fn render(report: &RunReport, meta: &Meta) -> Vec<(&'static str, Value)> {
    let files = gitlab::render(report, meta);
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [SAST_FILE, DEPENDENCY_SCANNING_FILE, SECRET_DETECTION_FILE]
    );
    files
        .into_iter()
        .map(|(name, bytes)| {
            assert_eq!(bytes.last(), Some(&b'\n'), "{name} ends in a newline");
            (
                name,
                serde_json::from_slice(&bytes).expect("report is JSON"),
            )
        })
        .collect()
}

/// Every schema error of `doc`, one line each.
fn schema_errors(schema_file: &str, doc: &Value) -> Vec<String> {
    let schema = read_json(&format!("gitlab/{SCHEMA_VERSION}/{schema_file}"));
    let validator = jsonschema::validator_for(&schema).expect("GitLab's schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(files: &[(&str, Value)]) {
    for ((name, doc), (file, schema, _)) in files.iter().zip(FILES) {
        assert_eq!(*name, file);
        let errors = schema_errors(schema, doc);
        assert!(
            errors.is_empty(),
            "{name} does not validate against GitLab's {SCHEMA_VERSION} {schema}:\n{}",
            errors.join("\n")
        );
    }
}

fn vulnerabilities(doc: &Value) -> &Vec<Value> {
    doc["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities is an array")
}

/// The id the writer is documented to give a fingerprint: a version-8
/// UUID of the first 16 bytes of its SHA-256.
fn expected_id(fingerprint: &str) -> String {
    let d = Sha256::digest(fingerprint.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// fingerprint → action, from the JSON.
fn actions(run: &Value) -> HashMap<String, String> {
    run["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| {
            (
                d["fingerprint"].as_str().expect("fingerprint").to_owned(),
                d["action"].as_str().expect("action").to_owned(),
            )
        })
        .collect()
}

fn findings(run: &Value) -> &Vec<Value> {
    run["findings"].as_array().expect("findings")
}

/// The findings the file for `kinds` should hold: those kinds, not
/// suppressed.
fn expected_findings<'a>(run: &'a Value, kinds: &[&str]) -> Vec<&'a Value> {
    let actions = actions(run);
    findings(run)
        .iter()
        .filter(|f| kinds.contains(&f["kind"].as_str().expect("kind")))
        .filter(|f| actions[f["fingerprint"].as_str().expect("fingerprint")] != "suppressed")
        .collect()
}

/// The fingerprint of run.json's finding whose fingerprint starts with
/// `prefix`.
fn fingerprint<'a>(run: &'a Value, prefix: &str) -> &'a str {
    findings(run)
        .iter()
        .filter_map(|f| f["fingerprint"].as_str())
        .find(|fp| fp.starts_with(prefix))
        .expect("finding in run.json")
}

/// Whether `s` is `yyyy-mm-ddThh:mm:ss` (the schemas' time pattern).
fn is_schema_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
}

#[test]
fn gitlab_reports_of_run_json_validate_against_gitlabs_schemas() {
    let files = render(&run_report(), &meta());
    assert_valid(&files);
    for (name, doc) in &files {
        assert_eq!(doc["version"], SCHEMA_VERSION, "{name}");
        let schema = doc["schema"].as_str().expect("schema");
        assert!(
            schema.starts_with(&format!(
                "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v{SCHEMA_VERSION}/dist/"
            )),
            "{name}: {schema}"
        );
    }
}

#[test]
fn gitlab_vulnerability_counts_by_kind_without_suppressed() {
    let run = run_json();
    let files = render(&run_report(), &meta());
    let mut total = 0;
    for ((name, doc), (_, _, kinds)) in files.iter().zip(FILES) {
        let expected = expected_findings(&run, kinds);
        assert_eq!(vulnerabilities(doc).len(), expected.len(), "{name}");
        let ids: HashSet<&str> = vulnerabilities(doc)
            .iter()
            .map(|v| v["id"].as_str().expect("id"))
            .collect();
        for f in expected {
            let fp = f["fingerprint"].as_str().expect("fingerprint");
            assert!(ids.contains(expected_id(fp).as_str()), "{name} lacks {fp}");
        }
        total += vulnerabilities(doc).len();
    }
    // The fixture: 24 findings, 2 suppressed (by the ignore file and by VEX).
    assert_eq!(
        files
            .iter()
            .map(|(_, d)| vulnerabilities(d).len())
            .collect::<Vec<_>>(),
        [9, 9, 4]
    );
    assert_eq!(total, findings(&run).len() - 2);
}

#[test]
fn gitlab_suppressed_findings_are_left_out() {
    let run = run_json();
    let actions = actions(&run);
    let suppressed: Vec<String> = actions
        .iter()
        .filter(|(_, a)| *a == "suppressed")
        .map(|(fp, _)| expected_id(fp))
        .collect();
    assert_eq!(suppressed.len(), 2);
    let files = render(&run_report(), &meta());
    for (name, doc) in &files {
        for v in vulnerabilities(doc) {
            let id = v["id"].as_str().expect("id");
            assert!(!suppressed.iter().any(|s| s == id), "{name} has {id}");
        }
    }
}

#[test]
fn gitlab_ids_are_stable_unique_uuids() {
    let report = run_report();
    let first = gitlab::render(&report, &meta());
    assert_eq!(
        first,
        gitlab::render(&report, &meta()),
        "same run, same bytes"
    );
    let mut seen = HashSet::new();
    for (name, doc) in render(&report, &meta()) {
        for v in vulnerabilities(&doc) {
            let id = v["id"].as_str().expect("id").to_owned();
            assert!(is_uuid(&id), "{name}: {id}");
            assert_eq!(&id[14..15], "8", "version 8: {id}");
            assert!(
                matches!(&id[19..20], "8" | "9" | "a" | "b"),
                "variant: {id}"
            );
            assert!(seen.insert(id.clone()), "{name}: {id} twice");
        }
    }
    // A finding repeated under the same fingerprint still gets its own id.
    let mut dup = run_report();
    let f = dup.findings[0].clone();
    dup.findings.push(f);
    let files = render(&dup, &meta());
    assert_valid(&files);
    let sast = vulnerabilities(&files[0].1);
    let ids: HashSet<&str> = sast.iter().map(|v| v["id"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), sast.len());
    assert_eq!(sast.len(), 10);
}

#[test]
fn gitlab_vulnerabilities_are_in_priority_order() {
    let run = run_json();
    let actions = actions(&run);
    let by_id: HashMap<String, &str> = actions
        .iter()
        .map(|(fp, a)| (expected_id(fp), a.as_str()))
        .collect();
    let rank = |a: &str| {
        ["block", "ticket", "notify", "record", "suppressed"]
            .iter()
            .position(|x| *x == a)
            .expect("known action")
    };
    for (name, doc) in render(&run_report(), &meta()) {
        let ranks: Vec<usize> = vulnerabilities(&doc)
            .iter()
            .map(|v| rank(by_id[v["id"].as_str().expect("id")]))
            .collect();
        assert!(ranks.is_sorted(), "{name}: {ranks:?}");
    }
}

#[test]
fn gitlab_identifiers_carry_advisory_ids_and_cwes() {
    let run = run_json();
    let files = render(&run_report(), &meta());
    let by_id: HashMap<&str, &Value> = files
        .iter()
        .flat_map(|(_, d)| vulnerabilities(d))
        .map(|v| (v["id"].as_str().expect("id"), v))
        .collect();
    let actions = actions(&run);
    let mut trivy_cves = 0;
    for f in findings(&run) {
        let fp = f["fingerprint"].as_str().expect("fingerprint");
        if actions[fp] == "suppressed" {
            continue;
        }
        let v = by_id[expected_id(fp).as_str()];
        let ids = v["identifiers"].as_array().expect("identifiers");
        // The primary identifier is the tool's rule (the hostile one's is
        // checked in the hostile-strings test).
        let rule = f["rule_id"].as_str().expect("rule_id");
        if !rule.chars().any(char::is_control) {
            assert_eq!(ids[0]["value"], rule, "{fp}");
        }
        for vid in f["vulnerability_ids"].as_array().expect("ids") {
            let vid = vid.as_str().expect("id");
            let upper = vid.to_ascii_uppercase();
            // As NVD and GitHub spell them.
            let (kind, spelt, url) = if upper.starts_with("CVE-") {
                let url = format!("https://nvd.nist.gov/vuln/detail/{upper}");
                ("cve", upper, url)
            } else if upper.starts_with("GHSA-") {
                let spelt = format!("GHSA-{}", vid[5..].to_ascii_lowercase());
                let url = format!("https://github.com/advisories/{spelt}");
                ("ghsa", spelt, url)
            } else {
                continue;
            };
            let found = ids
                .iter()
                .filter(|i| i["type"] == kind && i["value"] == spelt.as_str())
                .collect::<Vec<_>>();
            assert_eq!(
                found.len(),
                1,
                "{fp}: one {kind} identifier {spelt}: {ids:?}"
            );
            assert_eq!(found[0]["name"], spelt.as_str());
            assert_eq!(found[0]["url"], url.as_str());
            if kind == "cve" && f["tool"] == "trivy" {
                trivy_cves += 1;
            }
        }
        for cwe in f["cwes"].as_array().expect("cwes") {
            let n = cwe.as_u64().expect("cwe number");
            assert!(
                ids.iter().any(|i| i["type"] == "cwe"
                    && i["name"] == format!("CWE-{n}").as_str()
                    && i["value"] == n.to_string().as_str()),
                "{fp}: no CWE-{n}"
            );
        }
        // Only http(s) help links become URLs.
        let help = f["help_uri"].as_str().unwrap_or("");
        if help.starts_with("https://") {
            assert_eq!(ids[0]["url"], help, "{fp}");
        } else {
            assert!(ids[0].get("url").is_none(), "{fp}: {:?}", ids[0]);
        }
    }
    // Trivy's unsuppressed CVEs in the fixture: zlib1g's (libssl3's is VEX'd).
    assert_eq!(trivy_cves, 1);
    let zlib = by_id[expected_id(fingerprint(&run, "a9862423ddaff0069352")).as_str()];
    assert_eq!(
        zlib["identifiers"],
        serde_json::json!([
            { "type": "trivy", "name": "CVE-2023-45853", "value": "CVE-2023-45853",
              "url": "https://avd.aquasec.com/nvd/cve-2023-45853" },
            { "type": "cve", "name": "CVE-2023-45853", "value": "CVE-2023-45853",
              "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-45853" },
            { "type": "cwe", "name": "CWE-190", "value": "190",
              "url": "https://cwe.mitre.org/data/definitions/190.html" },
        ])
    );
}

#[test]
fn gitlab_locations_per_report_type() {
    let run = run_json();
    let files = render(&run_report(), &meta());
    let by_id: HashMap<&str, &Value> = files
        .iter()
        .flat_map(|(_, d)| vulnerabilities(d))
        .map(|v| (v["id"].as_str().expect("id"), v))
        .collect();
    let find = |prefix: &str| by_id[expected_id(fingerprint(&run, prefix)).as_str()];
    // SAST (Semgrep): file and lines.
    let semgrep = find("fe12eebbf6231bdcefb1");
    assert_eq!(
        semgrep["location"],
        serde_json::json!({ "file": "app/views.py", "start_line": 42, "end_line": 42 })
    );
    assert_eq!(semgrep["severity"], "High");
    assert_eq!(semgrep["name"], "Open redirect from request data");
    // Dependency scanning (Checkov SCA): manifest, package, version, fix.
    let lodash = find("028753201a5eb304d0d8");
    assert_eq!(
        lodash["location"],
        serde_json::json!({
            "file": "web/package.json",
            "dependency": { "package": { "name": "lodash" }, "version": "4.17.20" },
        })
    );
    assert_eq!(
        lodash["solution"],
        "Upgrade `lodash` to a fixed version: `4.17.21`."
    );
    // npm audit knows no installed version.
    let json5 = find("7455d1ad607da5c6689b");
    assert_eq!(json5["location"]["dependency"]["version"], "");
    assert!(json5.get("solution").is_none());
    // Secret detection (Gitleaks): file, lines, a commit.
    let secret = find("2a8e74a2ac6a28f9e51d");
    assert_eq!(
        secret["location"],
        serde_json::json!({
            "file": "src/settings.py", "start_line": 12, "end_line": 12,
            "commit": { "sha": "0000000" },
        })
    );
    // The decision is on record in the details.
    assert_eq!(
        secret["details"]["cordon_decision"]["value"],
        "block by prod/block-at-high: severity high is at or above the prod block threshold (high)"
    );
    assert_eq!(secret["details"]["cordon_tool"]["type"], "text");
}

#[test]
fn gitlab_finding_without_location_is_reported_at_its_input() {
    let mut report = run_report();
    for f in &mut report.findings {
        f.locations.clear();
    }
    report.inputs[0].path = "./reports/../reports/semgrep.sarif".into();
    let files = render(&report, &meta());
    assert_valid(&files);
    let run = run_json();
    let inputs = run["inputs"].as_array().expect("inputs");
    let expected: HashSet<String> = inputs
        .iter()
        .skip(1)
        .map(|i| i["path"].as_str().expect("path").to_owned())
        .chain(["reports/../reports/semgrep.sarif".to_owned()])
        .collect();
    for (name, doc) in &files {
        for v in vulnerabilities(doc) {
            let file = v["location"]["file"].as_str().expect("file");
            assert!(expected.contains(file), "{name}: {file}");
            assert!(v["location"].get("start_line").is_none());
        }
    }
}

#[test]
fn gitlab_scan_object_and_times() {
    let files = render(&run_report(), &meta());
    for (name, doc) in &files {
        let scan = &doc["scan"];
        assert_eq!(scan["start_time"], "2023-11-14T22:13:20", "{name}");
        assert_eq!(scan["end_time"], "2023-11-14T22:14:35", "{name}");
        assert_eq!(scan["status"], "success", "{name}");
        assert!(scan.get("messages").is_none());
        let cordon = serde_json::json!({
            "id": "cordon", "name": "cordon", "version": "0.1.0",
            "vendor": { "name": "cordon" },
        });
        assert_eq!(scan["analyzer"], cordon);
        assert_eq!(scan["scanner"], cordon);
    }
    let types: Vec<&Value> = files.iter().map(|(_, d)| &d["scan"]["type"]).collect();
    assert_eq!(types, ["sast", "dependency_scanning", "secret_detection"]);
    // Times the pattern cannot spell are clamped, and still validate.
    for (started, finished) in [(i64::MIN, -1), (0, i64::MAX), (253_402_300_800, 0)] {
        let meta = Meta {
            started,
            finished,
            ..meta()
        };
        let files = render(&run_report(), &meta);
        assert_valid(&files);
        for (_, doc) in &files {
            for key in ["start_time", "end_time"] {
                let t = doc["scan"][key].as_str().expect("time");
                assert!(is_schema_time(t), "{key}: {t}");
            }
        }
    }
}

#[test]
fn gitlab_status_is_failure_when_the_run_had_errors() {
    let mut report = run_report();
    report.errors.push(RunError {
        kind: "malformed-input".into(),
        stage: Some("parser-sarif".into()),
        input: Some("broken.sarif".into()),
        message: "broken.sarif: expected value at line 1\n\u{1b}[31m".into(),
    });
    report.errors.push(RunError {
        kind: "limit-exceeded".into(),
        stage: None,
        input: None,
        message: " ".into(),
    });
    let files = render(&report, &meta());
    assert_valid(&files);
    for (name, doc) in &files {
        assert_eq!(doc["scan"]["status"], "failure", "{name}");
        assert_eq!(
            doc["scan"]["messages"],
            serde_json::json!([{
                "level": "warn",
                "value": "broken.sarif: expected value at line 1\\u{a}\\u{1b}[31m",
            }]),
            "{name}"
        );
    }
}

#[test]
fn gitlab_empty_report_gives_three_valid_empty_files() {
    let mut report = run_report();
    report.findings.clear();
    report.decisions.clear();
    report.inputs.clear();
    report.cordon_version = String::new();
    let files = render(&report, &meta());
    assert_valid(&files);
    for (name, doc) in &files {
        assert_eq!(vulnerabilities(doc).len(), 0, "{name}");
        assert_eq!(doc["scan"]["analyzer"]["version"], "unknown");
    }
}

#[test]
fn gitlab_hostile_and_oversized_strings_stay_inert_and_within_limits() {
    let mut report = run_report();
    // The hostile SARIF's finding, then one with every string oversized.
    let mut big = report.findings[0].clone();
    big.fingerprint = "oversized".into();
    big.title = "é".repeat(300);
    big.message = "`".repeat(2_000_000);
    big.rule_id = String::new();
    big.tool = String::new();
    big.kind = cordon_model::FindingKind::Sca;
    big.component = Some(cordon_model::Component {
        name: "p`k[g](https://attacker.invalid)".into(),
        version: None,
        purl: None,
        fixed_versions: (0..500)
            .map(|i| format!("{i}.0.0{}", "x".repeat(150)))
            .collect(),
    });
    report.findings.push(big);
    let files = render(&report, &meta());
    assert_valid(&files);

    let hostile = vulnerabilities(&files[0].1)
        .iter()
        .find(|v| v["id"] == expected_id("1c0cda41bfc6609b326029ecd5a3c0b4"))
        .expect("hostile finding");
    let name = hostile["name"].as_str().expect("name");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert!(name.starts_with("\\u{1b}[31mRED"), "{name}");
    let description = hostile["description"].as_str().expect("description");
    assert!(
        description.starts_with("```\n\\u{1b}[31mRED"),
        "{description}"
    );
    assert!(
        description.ends_with("\\u{202e}gnp.exe\n```"),
        "{description}"
    );
    assert!(
        !description
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
    let ids = hostile["identifiers"].as_array().expect("identifiers");
    assert_eq!(ids[0]["type"], "cordon_rule");
    assert_eq!(ids[0]["value"], "rule]]>\\u{0}::error::%0A");
    assert!(ids[0].get("url").is_none(), "javascript: is no URL");
    assert_eq!(
        hostile["location"]["file"],
        "src/a,b:c%0A</details>\\u{1b}[K.py"
    );

    let big = vulnerabilities(&files[1].1)
        .iter()
        .find(|v| v["id"] == expected_id("oversized"))
        .expect("oversized finding");
    assert_eq!(big["name"].as_str().expect("name").chars().count(), 255);
    let description = big["description"].as_str().expect("description");
    assert!(description.chars().count() <= 1_048_576);
    let fence = description.split('\n').next().expect("fence");
    let body = &description[fence.len() + 1..description.len() - fence.len() - 1];
    assert!(fence.len() > body.len(), "the fence outlasts the text");
    let solution = big["solution"].as_str().expect("solution");
    assert!(solution.chars().count() <= 7_000, "{}", solution.len());
    assert!(
        solution
            .starts_with("Upgrade ``p`k[g](https://attacker.invalid)`` to a fixed version: `0.0.0"),
        "{solution}"
    );
    assert!(solution.ends_with(" more)."), "{solution}");
    assert_eq!(big["identifiers"][0]["value"], "unknown");
    assert_eq!(big["identifiers"][0]["type"], "cordon_rule");
}

#[test]
fn gitlab_schema_check_rejects_what_gitlab_would() {
    // The validation above means something: each of these breaks a rule of
    // the schema and is caught.
    let files = render(&run_report(), &meta());
    let (_, sast) = &files[0];
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 6] = [
        ("no scan", |d| {
            d.as_object_mut().expect("object").remove("scan");
        }),
        ("zone in time", |d| {
            d["scan"]["start_time"] = "2023-11-14T22:13:20Z".into();
        }),
        ("unknown severity", |d| {
            d["vulnerabilities"][0]["severity"] = "Severe".into();
        }),
        ("no identifiers", |d| {
            d["vulnerabilities"][0]["identifiers"] = serde_json::json!([]);
        }),
        ("long name", |d| {
            d["vulnerabilities"][0]["name"] = "x".repeat(256).into();
        }),
        ("bad detail type", |d| {
            d["vulnerabilities"][0]["details"]["cordon_tool"]["type"] = "bogus".into();
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = sast.clone();
        breakage(&mut doc);
        assert!(
            !schema_errors("sast-report-format.json", &doc).is_empty(),
            "{what} went unnoticed"
        );
    }
    let (_, secrets) = &files[2];
    let mut doc = secrets.clone();
    doc["vulnerabilities"][0]["location"]
        .as_object_mut()
        .expect("location")
        .remove("commit");
    assert!(!schema_errors("secret-detection-report-format.json", &doc).is_empty());
    let (_, deps) = &files[1];
    let mut doc = deps.clone();
    doc["vulnerabilities"][0]["location"]["file"] = "".into();
    assert!(!schema_errors("dependency-scanning-report-format.json", &doc).is_empty());
}
