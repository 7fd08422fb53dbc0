//! `cordon.rdjsonl` of a real run (`tests/data/run.json`), checked line by
//! line against reviewdog's Diagnostic JSON Schema (vendored in
//! `tests/data/reviewdog/`, see its README) and field by field against the
//! JSON itself.

use cordon_model::{RunReport, Verdict};
use cordon_report::rdjson;
use serde_json::{Value, json};

const RUN_JSON: &str = include_str!("data/run.json");
const DIAGNOSTIC_SCHEMA: &str = include_str!("data/reviewdog/Diagnostic.json");

fn report() -> RunReport {
    serde_json::from_str(RUN_JSON).expect("run.json is a RunReport")
}

fn json() -> Value {
    serde_json::from_str(RUN_JSON).expect("run.json is JSON")
}

/// The output's lines, each parsed; asserts the JSON Lines framing: every
/// line ends in `\n`, none is empty, none holds a raw newline or CR.
fn lines(report: &RunReport) -> Vec<Value> {
    let out = String::from_utf8(rdjson::render(report)).expect("UTF-8");
    if out.is_empty() {
        return Vec::new();
    }
    assert!(out.ends_with('\n'), "the last line ends in a newline");
    assert!(!out.contains('\r'));
    out.strip_suffix('\n')
        .expect("ends in a newline")
        .split('\n')
        .map(|line| {
            assert!(!line.is_empty(), "no empty line");
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
        })
        .collect()
}

fn action_of<'a>(json: &'a Value, fingerprint: &Value) -> &'a str {
    json["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .find(|d| &d["fingerprint"] == fingerprint)
        .and_then(|d| d["action"].as_str())
        .expect("every finding has a decision")
}

/// The number of decisions with each action in run.json.
fn count(json: &Value, actions: &[&str]) -> usize {
    json["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .filter(|d| actions.contains(&d["action"].as_str().unwrap_or("")))
        .count()
}

/// The fields `proto/rdf/reviewdog.proto` defines, by message; reviewdog
/// reads lines with `DiscardUnknown`, so a misspelt field would vanish
/// silently.
fn check_known_fields(message: &str, v: &Value, path: &str) {
    let fields: &[&str] = match message {
        "Diagnostic" => &[
            "message",
            "location",
            "severity",
            "source",
            "code",
            "suggestions",
            "original_output",
            "related_locations",
        ],
        "Location" => &["path", "range"],
        "Range" => &["start", "end"],
        "Position" => &["line", "column"],
        "Source" => &["name", "url"],
        "Code" => &["value", "url"],
        other => panic!("no message {other}"),
    };
    let object = v
        .as_object()
        .unwrap_or_else(|| panic!("{path} is an object"));
    for (key, value) in object {
        assert!(
            fields.contains(&key.as_str()),
            "{path}.{key} is not a {message} field"
        );
        let at = format!("{path}.{key}");
        match (message, key.as_str()) {
            ("Diagnostic", "location") => check_known_fields("Location", value, &at),
            ("Diagnostic", "source") => check_known_fields("Source", value, &at),
            ("Diagnostic", "code") => check_known_fields("Code", value, &at),
            ("Location", "range") => check_known_fields("Range", value, &at),
            ("Range", _) => check_known_fields("Position", value, &at),
            ("Position", _) => {
                let n = value
                    .as_i64()
                    .unwrap_or_else(|| panic!("{at} is an integer"));
                assert!(
                    (1..=i64::from(i32::MAX)).contains(&n),
                    "{at} = {n}: a positive int32"
                );
            }
            _ => assert!(value.is_string(), "{at} is a string"),
        }
    }
}

#[test]
fn rdjson_one_line_per_finding_not_suppressed() {
    let json = json();
    let findings = json["findings"].as_array().expect("findings");
    let expected = findings
        .iter()
        .filter(|f| action_of(&json, &f["fingerprint"]) != "suppressed")
        .count();
    assert_eq!(
        expected, 22,
        "run.json as documented: 24 findings, 2 suppressed"
    );
    assert_eq!(lines(&report()).len(), expected);
}

#[test]
fn rdjson_lines_are_valid_reviewdog_diagnostics() {
    let schema: Value = serde_json::from_str(DIAGNOSTIC_SCHEMA).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let lines = lines(&report());
    for line in &lines {
        let errors: Vec<String> = validator.iter_errors(line).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}: {line}");
        check_known_fields("Diagnostic", line, "");
        // What cordon always writes.
        assert!(line["message"].is_string(), "{line}");
        assert!(line["source"]["name"].is_string(), "{line}");
        assert!(line["code"]["value"].is_string(), "{line}");
        assert!(line["location"]["path"].is_string(), "{line}");
        if let Some(url) = line["code"].get("url") {
            let url = url.as_str().expect("a string");
            assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{url}"
            );
        }
    }
    // The schema does reject what it should: a wrong severity.
    assert!(!validator.is_valid(&json!({"message": "m", "severity": "FATAL"})));
}

#[test]
fn rdjson_severity_follows_the_action_in_priority_order() {
    let json = json();
    let lines = lines(&report());
    let severities: Vec<&str> = lines
        .iter()
        .map(|l| l["severity"].as_str().expect("every finding is decided"))
        .collect();
    let errors = count(&json, &["block"]);
    let warnings = count(&json, &["ticket", "notify"]);
    let infos = count(&json, &["record"]);
    assert_eq!((errors, warnings, infos), (12, 9, 1));
    let expected: Vec<&str> = std::iter::repeat_n("ERROR", errors)
        .chain(std::iter::repeat_n("WARNING", warnings))
        .chain(std::iter::repeat_n("INFO", infos))
        .collect();
    assert_eq!(
        severities, expected,
        "block first, then ticket and notify, then record"
    );
}

#[test]
fn rdjson_known_finding_has_exact_fields() {
    let json = json();
    let f = &json["findings"][2];
    let d = &json["decisions"][2];
    assert_eq!(f["fingerprint"], d["fingerprint"]);
    let lines = lines(&report());
    let line = lines
        .iter()
        .find(|l| l["code"]["value"] == f["rule_id"])
        .expect("the open-redirect finding");
    let message = format!(
        "`{}` (block, severity {}; rule `{}`: `{}`)\n\n```\n{}\n```",
        f["title"].as_str().expect("title"),
        f["severity"].as_str().expect("severity"),
        d["rule_id"].as_str().expect("rule"),
        d["reason"].as_str().expect("reason"),
        f["message"].as_str().expect("message"),
    );
    let l = &f["locations"][0];
    assert_eq!(
        *line,
        json!({
            "message": message,
            "location": {
                "path": l["path"],
                "range": {
                    "start": {"line": l["start_line"], "column": l["start_column"]},
                    "end": {"line": l["end_line"], "column": l["end_column"]},
                },
            },
            "severity": "ERROR",
            "source": {"name": "semgrep"},
            "code": {
                "value": "python.flask.security.open-redirect",
                "url": "https://example.invalid/rules/open-redirect",
            },
        })
    );
}

#[test]
fn rdjson_unknown_lines_and_columns_are_left_out() {
    let lines = lines(&report());
    let by_code = |code: &str| {
        lines
            .iter()
            .find(|l| l["code"]["value"] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    // No line: no range at all.
    assert_eq!(
        by_code("GHSA-952p-6rrq-rcjv")["location"],
        json!({"path": "app/package-lock.json"})
    );
    // A line, no column, no end.
    assert_eq!(
        by_code("python.lang.security.insecure-hash-md5")["location"],
        json!({"path": "app/tokens.py", "range": {"start": {"line": 17}}})
    );
    // Start and end lines without columns.
    assert_eq!(
        by_code("CKV_AWS_18")["location"],
        json!({"path": "modules/storage/main.tf", "range": {"start": {"line": 1}, "end": {"line": 12}}})
    );
}

#[test]
fn rdjson_without_location_points_at_the_input() {
    let mut report = report();
    let f = &mut report.findings[7];
    assert_eq!(f.rule_id, "GHSA-952p-6rrq-rcjv");
    f.locations.clear();
    f.locations.shrink_to_fit();
    let input = report.inputs[f.input].path.clone();
    let lines = lines(&report);
    let line = lines
        .iter()
        .find(|l| l["code"]["value"] == "GHSA-952p-6rrq-rcjv")
        .expect("the finding");
    assert_eq!(line["location"], json!({ "path": input }));
}

#[test]
fn rdjson_out_of_range_positions_are_left_out() {
    let mut report = report();
    let l = &mut report.findings[2].locations[0];
    l.start_column = Some(u32::MAX);
    l.end_line = Some(41);
    let lines = lines(&report);
    let line = lines
        .iter()
        .find(|l| l["code"]["value"] == "python.flask.security.open-redirect")
        .expect("the finding");
    // No column beyond int32; no end before the start.
    assert_eq!(line["location"]["range"], json!({"start": {"line": 42}}));
}

#[test]
fn rdjson_hostile_strings_are_inert() {
    let lines = lines(&report());
    let hostile = lines
        .iter()
        .find(|l| l["code"]["value"] == "rule\\u{5d}\\u{5d}\\u{3e}\\u{0}::error::%0A")
        .expect("the hostile finding");
    assert_eq!(
        hostile["source"]["name"],
        "inject\\u{1b}\\u{5d}8;;http://attacker.invalid\\u{7}scan::error::\\u{3c}/details\\u{3e}"
    );
    assert_eq!(
        hostile["location"],
        json!({"path": "src/a,b:c%0A</details>\\u{1b}[K.py", "range": {"start": {"line": 3, "column": 2}}})
    );
    assert!(
        hostile["code"].get("url").is_none(),
        "javascript: is no link"
    );
    let message = hostile["message"].as_str().expect("message");
    assert_eq!(
        message,
        "`\\u{1b}[31mRED\\u{1b}[0m </details><script>alert(1)</script> ]]> nul\\u{0} ::error::pwned %0A line1` \
         (block, severity high; rule `prod/block-at-high`: \
         `severity high is at or above the prod block threshold (high)`)\n\n\
         ```\n\
         \\u{1b}[31mRED\\u{1b}[0m </details><script>alert(1)</script> ]]> nul\\u{0} ::error::pwned %0A line1\n\
         line2\n\
         ::add-mask::x @octocat #1 [link](javascript:alert(1)) ![img](https://attacker.invalid/p.png) `tick` | pipe \\u{202e}gnp.exe\n\
         ```"
    );

    // No string anywhere holds a control character or bidi override
    // (newlines only in `message`).
    fn walk(v: &Value, key: &str) {
        match v {
            Value::String(s) => assert!(
                !s.chars()
                    .any(|c| (c.is_control() && !(c == '\n' && key == "message"))
                        || ('\u{202a}'..='\u{202e}').contains(&c)
                        || ('\u{2066}'..='\u{2069}').contains(&c)),
                "{key}: {s:?}"
            ),
            Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, k)),
            Value::Array(a) => a.iter().for_each(|v| walk(v, key)),
            _ => {}
        }
    }
    lines.iter().for_each(|l| walk(l, ""));
}

#[test]
fn rdjson_undecided_findings_have_no_severity() {
    let mut report = report();
    report.decisions.clear();
    report.gate.verdict = Verdict::Error;
    let lines = lines(&report);
    assert_eq!(lines.len(), 24, "nothing was suppressed");
    for line in &lines {
        assert!(line.get("severity").is_none(), "{line}");
        let message = line["message"].as_str().expect("message");
        assert!(
            message.contains("; no decision: the run failed before the policy decided)"),
            "{message}"
        );
    }
}

#[test]
fn rdjson_empty_run_writes_nothing() {
    let mut report = report();
    report.findings.clear();
    report.decisions.clear();
    assert!(rdjson::render(&report).is_empty());
}

#[test]
fn rdjson_output_is_deterministic() {
    let report = report();
    assert_eq!(rdjson::render(&report), rdjson::render(&report));
}
