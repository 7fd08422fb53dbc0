//! `junit.xml` of a real run (`tests/data/run.json`: seven scanners, every
//! action, hostile strings), read back with a JUnit XML parser and checked
//! against counts taken from the JSON itself.

use cordon_model::{RunError, RunReport, Verdict};
use cordon_report::{Meta, junit};
use junit_parser::{TestCase, TestStatus, TestSuite, TestSuites};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

const RUN_JSON: &str = include_str!("data/run.json");

/// 2026-12-07T09:30:00Z, and a run of 7 seconds.
const STARTED: i64 = 1_796_635_800;

fn report() -> RunReport {
    serde_json::from_str(RUN_JSON).expect("run.json is a RunReport")
}

fn json() -> Value {
    serde_json::from_str(RUN_JSON).expect("run.json is JSON")
}

fn meta() -> Meta {
    Meta {
        started: STARTED,
        finished: STARTED + 7,
        policy_uri: "embedded:policies/rules/default.toml".into(),
        policy_digest: "sha256:468aeb9d8d4b66b2dbc450434c73e8b71b52755704ebe004dafd761f02e1aba6"
            .into(),
    }
}

fn parse(xml: &[u8]) -> TestSuites {
    junit_parser::from_reader(xml).expect("junit.xml parses as JUnit XML")
}

fn render(report: &RunReport) -> (Vec<u8>, TestSuites) {
    let xml = junit::render(report, &meta());
    let parsed = parse(&xml);
    (xml, parsed)
}

fn suite<'a>(suites: &'a TestSuites, name: &str) -> &'a TestSuite {
    suites
        .suites
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no testsuite {name:?}"))
}

fn case<'a>(suite: &'a TestSuite, classname: &str, name: &str) -> &'a TestCase {
    suite
        .cases
        .iter()
        .find(|c| c.classname.as_deref() == Some(classname) && c.original_name == name)
        .unwrap_or_else(|| panic!("no testcase {classname:?} {name:?} in {:?}", suite.name))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string in {v}"))
}

/// The decision (from run.json) of the finding with `fingerprint`.
fn decision_of<'a>(json: &'a Value, fingerprint: &str) -> &'a Value {
    json["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .find(|d| d["fingerprint"] == fingerprint)
        .expect("every finding has a decision")
}

/// Per tool (raw name): (findings, blocked, suppressed), from the JSON.
fn counts_by_tool(json: &Value) -> BTreeMap<String, (u64, u64, u64)> {
    let mut by_tool = BTreeMap::new();
    for f in json["findings"].as_array().expect("findings") {
        let action = str_of(decision_of(json, str_of(f, "fingerprint")), "action");
        let entry = by_tool
            .entry(str_of(f, "tool").to_string())
            .or_insert((0, 0, 0));
        entry.0 += 1;
        entry.1 += u64::from(action == "block");
        entry.2 += u64::from(action == "suppressed");
    }
    by_tool
}

/// The hostile tool's name as the parser reads it back: its escape and
/// BEL shown as visible escapes, the markup characters restored.
const HOSTILE_TOOL: &str = "inject\\u{1b}]8;;http://attacker.invalid\\u{7}scan::error::</details>";

#[test]
fn junit_suites_are_cordon_then_one_per_tool() {
    let (_, parsed) = render(&report());
    let names: Vec<&str> = parsed.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "cordon",
            "checkov",
            "gitleaks",
            "grype",
            HOSTILE_TOOL,
            "npm-audit",
            "semgrep",
            "trivy"
        ]
    );
    // The tool suites are the JSON's tools in name order.
    let tools: Vec<String> = counts_by_tool(&json()).into_keys().collect();
    assert_eq!(tools.len(), parsed.suites.len() - 1);
    assert_eq!(parsed.name, "cordon");
}

#[test]
fn junit_counts_are_exact_per_suite_and_in_total() {
    let json = json();
    let (_, parsed) = render(&report());
    let by_tool = counts_by_tool(&json);
    for (suite, (tool, &(tests, blocked, suppressed))) in parsed.suites[1..].iter().zip(&by_tool) {
        let what = format!("suite {:?} (tool {tool:?})", suite.name);
        assert_eq!(suite.tests, tests, "{what}: tests");
        assert_eq!(suite.failures, blocked, "{what}: failures");
        assert_eq!(suite.skipped, suppressed, "{what}: skipped");
        assert_eq!(suite.errors, 0, "{what}: errors");
        // The attributes agree with the testcases written.
        assert_eq!(suite.cases.len() as u64, tests, "{what}: cases");
        let failed = suite.cases.iter().filter(|c| c.status.is_failure()).count();
        let skipped = suite.cases.iter().filter(|c| c.status.is_skipped()).count();
        let passed = suite.cases.iter().filter(|c| c.status.is_success()).count();
        assert_eq!(failed as u64, blocked, "{what}: failure cases");
        assert_eq!(skipped as u64, suppressed, "{what}: skipped cases");
        assert_eq!(
            passed as u64,
            tests - blocked - suppressed,
            "{what}: passes"
        );
        assert_eq!(suite.timestamp.as_deref(), Some("2026-12-07T09:30:00Z"));
    }
    let findings = json["findings"].as_array().expect("findings").len() as u64;
    let (blocked, suppressed) = by_tool
        .values()
        .fold((0, 0), |(b, s), &(_, bb, ss)| (b + bb, s + ss));
    assert_eq!((blocked, suppressed), (12, 2), "run.json as documented");
    // The gate testcase counts too: one test, failing.
    assert_eq!(parsed.tests, findings + 1);
    assert_eq!(parsed.failures, blocked + 1);
    assert_eq!(parsed.skipped, suppressed);
    assert_eq!(parsed.errors, 0);
    assert_eq!(parsed.time, 7.0);
    assert_eq!(parsed.timestamp.as_deref(), Some("2026-12-07T09:30:00Z"));
}

#[test]
fn junit_gate_fails_on_block() {
    let (_, parsed) = render(&report());
    let cordon = &parsed.suites[0];
    assert_eq!(
        (cordon.tests, cordon.failures, cordon.errors, cordon.skipped),
        (1, 1, 0, 0)
    );
    assert_eq!(cordon.time, 7.0);
    let gate = case(cordon, "cordon", "gate");
    assert_eq!(cordon.cases.len(), 1);
    let TestStatus::Failure(failure) = &gate.status else {
        panic!("the gate fails: {:?}", gate.status);
    };
    assert_eq!(failure.failure_type, "block");
    assert_eq!(
        failure.message,
        "gate: block (12 blocking findings in enforce mode)"
    );
    // Ten listed, most severe first (the rest counted).
    assert!(
        failure
            .text
            .starts_with("[critical] grype.GHSA-jfh8-c2jp-5v3q at opt/app/lib/log4j-core-2.14.1.jar: GHSA-jfh8-c2jp-5v3q in log4j-core 2.14.1\n"),
        "{}",
        failure.text
    );
    assert!(
        failure.text.contains(
            "[critical] trivy.stripe-secret-token at config/settings.py:41: Stripe Secret Key\n"
        ),
        "{}",
        failure.text
    );
    assert!(failure.text.contains("... and 2 more"), "{}", failure.text);
    let out = gate.system_out.as_deref().expect("gate system-out");
    assert!(
        out.contains("verdict: block (mode enforce, environment prod)"),
        "{out}"
    );
    assert!(
        out.contains("decisions: 12 block, 6 ticket, 3 notify, 1 record, 2 suppressed"),
        "{out}"
    );
    assert!(
        out.contains("policy: embedded:policies/rules/default.toml (sha256:468aeb9d"),
        "{out}"
    );
}

#[test]
fn junit_blocking_finding_is_a_failure_with_details() {
    let json = json();
    let finding = &json["findings"][2];
    assert_eq!(finding["rule_id"], "python.flask.security.open-redirect");
    let decision = decision_of(&json, str_of(finding, "fingerprint"));
    let (xml, parsed) = render(&report());
    let case = case(
        suite(&parsed, "semgrep"),
        "semgrep.python.flask.security.open-redirect",
        "python.flask.security.open-redirect at app/views.py:42:12",
    );
    assert_eq!(case.file.as_deref(), Some("app/views.py"));
    assert_eq!(case.line, Some(42));
    assert_eq!(case.time, 0.0);
    let TestStatus::Failure(failure) = &case.status else {
        panic!("a blocking finding fails: {:?}", case.status);
    };
    assert_eq!(failure.message, str_of(finding, "title"));
    assert_eq!(failure.failure_type, str_of(finding, "severity"));
    // junit-parser drops entity references from element text (and trims
    // what is between them), so text with markup characters is checked in
    // the document itself.
    assert_eq!(
        str_of(finding, "message"),
        "Redirect target comes from request.args['next'] without validation."
    );
    let body = "<failure message=\"Open redirect from request data\" type=\"high\">\
                Open redirect from request data\n\
                severity: high (from tool, tool severity error)\n";
    let tail = "help: https://example.invalid/rules/open-redirect\n\n\
                Redirect target comes from request.args[&apos;next&apos;] without validation.\n\
                </failure>";
    let doc = std::str::from_utf8(&xml).expect("UTF-8");
    assert!(doc.contains(tail), "{tail:?}");
    assert!(doc.contains(body), "{body:?}");
    let input = str_of(&json["inputs"][1], "path");
    for expected in [
        "severity: high (from tool, tool severity error)".to_string(),
        format!(
            "decision: block by rule {} of policy default 1.0.0",
            str_of(decision, "rule_id")
        ),
        format!("reason: {}", str_of(decision, "reason")),
        format!("fingerprint: {}", str_of(finding, "fingerprint")),
        format!("input: {input}"),
        "location: app/views.py:42:12".to_string(),
        "help: https://example.invalid/rules/open-redirect".to_string(),
    ] {
        assert!(
            failure.text.contains(&expected),
            "{expected:?} in {}",
            failure.text
        );
    }
}

#[test]
fn junit_suppressed_finding_is_skipped_by_its_suppression() {
    let (_, parsed) = render(&report());
    let trivy = suite(&parsed, "trivy");
    let vex = case(
        trivy,
        "trivy.CVE-2024-2511",
        "CVE-2024-2511 at registry.example.com/shop/api:2.7.0 (debian 12.5)",
    );
    let TestStatus::Skipped(skipped) = &vex.status else {
        panic!("a suppressed finding is skipped: {:?}", vex.status);
    };
    assert_eq!(
        skipped.message,
        "suppressed by openvex.json#/statements/0 (owner Shop Security Team <security@shop.example.com>)"
    );
    assert!(vex.line.is_none());
    let out = vex.system_out.as_deref().expect("details in system-out");
    assert!(
        out.contains("decision: suppressed by rule vex/openvex.json#/statements/0"),
        "{out}"
    );

    // Without a location: no file, the rule id alone.
    let license = case(trivy, "trivy.GPL-3.0-or-later", "GPL-3.0-or-later");
    assert!(license.status.is_skipped());
    assert!(license.file.is_none());
}

#[test]
fn junit_other_decisions_pass_with_the_decision_in_system_out() {
    let json = json();
    let (_, parsed) = render(&report());
    for (tool, classname, name, action) in [
        (
            "semgrep",
            "semgrep.python.lang.security.insecure-hash-md5",
            "python.lang.security.insecure-hash-md5 at app/tokens.py:17",
            "ticket",
        ),
        (
            "semgrep",
            "semgrep.python.lang.best-practice.debug-enabled",
            "python.lang.best-practice.debug-enabled at app/__init__.py:9",
            "notify",
        ),
        (
            "grype",
            "grype.CVE-2005-2541",
            "CVE-2005-2541 at var/lib/dpkg/status",
            "record",
        ),
    ] {
        let c = case(suite(&parsed, tool), classname, name);
        assert!(c.status.is_success(), "{name}: {:?}", c.status);
        let out = c.system_out.as_deref().expect("system-out");
        assert!(
            out.contains(&format!("decision: {action} by rule ")),
            "{out}"
        );
    }
    // Every pass is a ticket, notify or record decision.
    let passes: u64 = parsed.suites[1..]
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| c.status.is_success())
        .count() as u64;
    let expected = json["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .filter(|d| matches!(str_of(d, "action"), "ticket" | "notify" | "record"))
        .count() as u64;
    assert_eq!(passes, expected);
}

#[test]
fn junit_duplicate_names_are_told_apart_by_fingerprint() {
    let (_, parsed) = render(&report());
    let gitleaks = suite(&parsed, "gitleaks");
    let mut names: HashMap<(&str, &str), usize> = HashMap::new();
    for s in &parsed.suites {
        for c in &s.cases {
            *names
                .entry((
                    c.classname.as_deref().unwrap_or(""),
                    c.original_name.as_str(),
                ))
                .or_default() += 1;
        }
    }
    assert!(names.values().all(|n| *n == 1), "{names:?}");
    // Two gitleaks findings share rule and location; the second in
    // priority order (fingerprint 4037eda3… sorts first) gets its
    // fingerprint.
    let first = "aws-access-token at infra/terraform.tfvars:4:19";
    case(gitleaks, "gitleaks.aws-access-token", first);
    case(
        gitleaks,
        "gitleaks.aws-access-token",
        &format!("{first} (fe8036cee4f4)"),
    );
}

#[test]
fn junit_hostile_strings_are_inert() {
    let (xml, parsed) = render(&report());
    assert!(xml.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let text = std::str::from_utf8(&xml).expect("UTF-8");
    for (i, b) in xml.iter().enumerate() {
        assert!(
            !matches!(b, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F),
            "raw control byte {b:#04x} at {i}"
        );
    }
    for raw in ["\u{202e}", "\u{9b}", "\u{85}"] {
        assert!(!text.contains(raw), "raw {raw:?}");
    }
    for markup in ["]]>", "<![CDATA[", "<script", "</details>", "<!--", "<?x"] {
        let n = text.matches(markup).count();
        let allowed = usize::from(markup == "<?x");
        assert_eq!(n, allowed, "{markup:?} appears {n} times");
    }

    // Read back, the hostile finding keeps its text, made visible.
    let hostile = suite(&parsed, HOSTILE_TOOL);
    assert_eq!(hostile.tests, 2);
    let c = case(
        hostile,
        &format!("{HOSTILE_TOOL}.rule]]>\\u{{0}}::error::%0A"),
        "rule]]>\\u{0}::error::%0A at src/a,b:c%0A</details>\\u{1b}[K.py:3:2",
    );
    assert_eq!(
        c.file.as_deref(),
        Some("src/a,b:c%0A</details>\\u{1b}[K.py")
    );
    assert_eq!(c.line, Some(3));
    let TestStatus::Failure(failure) = &c.status else {
        panic!("blocked: {:?}", c.status);
    };
    assert_eq!(
        failure.message,
        "\\u{1b}[31mRED\\u{1b}[0m </details><script>alert(1)</script> ]]> nul\\u{0} ::error::pwned %0A line1"
    );
    assert!(
        failure.text.contains("line1\nline2\n::add-mask::x"),
        "{}",
        failure.text
    );
    assert!(
        failure.text.contains("\\u{202e}gnp.exe"),
        "{}",
        failure.text
    );

    // Nothing the parser reads holds a control character but newline.
    let mut strings: Vec<&str> = Vec::new();
    for s in &parsed.suites {
        strings.push(&s.name);
        for c in &s.cases {
            strings.extend([c.original_name.as_str()]);
            strings.extend(c.classname.as_deref());
            strings.extend(c.file.as_deref());
            strings.extend(c.system_out.as_deref());
            match &c.status {
                TestStatus::Success => {}
                TestStatus::Failure(f) => {
                    strings.extend([f.message.as_str(), &f.text, &f.failure_type])
                }
                TestStatus::Error(e) => {
                    strings.extend([e.message.as_str(), &e.text, &e.error_type])
                }
                TestStatus::Skipped(k) => strings.extend([k.message.as_str(), &k.text]),
            }
        }
    }
    for s in strings {
        assert!(
            !s.chars()
                .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{s:?}"
        );
    }
}

#[test]
fn junit_run_errors_are_error_testcases() {
    let mut report = report();
    report.gate.verdict = Verdict::Error;
    report.errors = vec![
        RunError {
            kind: "limit-exceeded".into(),
            stage: Some("parser-sarif".into()),
            input: Some("tests/outputs/injection.sarif".into()),
            message: "parser-sarif: fuel exhausted\n\u{1b}[2J".into(),
        },
        RunError {
            kind: "malformed-input".into(),
            stage: None,
            input: Some("x.json".into()),
            message: "x.json: not JSON".into(),
        },
    ];
    let (_, parsed) = render(&report);
    let cordon = &parsed.suites[0];
    assert_eq!(
        (cordon.tests, cordon.failures, cordon.errors, cordon.skipped),
        (3, 0, 3, 0)
    );
    let gate = case(cordon, "cordon", "gate");
    let TestStatus::Error(error) = &gate.status else {
        panic!("the gate errs: {:?}", gate.status);
    };
    assert_eq!(error.error_type, "error");
    assert_eq!(
        error.message,
        "gate: error (the run had 2 errors; the gate could not decide on complete data)"
    );
    assert!(
        error
            .text
            .contains("error[malformed-input]: x.json: not JSON")
    );

    let first = case(cordon, "cordon", "error 1: limit-exceeded");
    let TestStatus::Error(e) = &first.status else {
        panic!("a run error: {:?}", first.status);
    };
    assert_eq!(e.error_type, "limit-exceeded");
    assert_eq!(e.message, "parser-sarif: fuel exhausted\\u{a}\\u{1b}[2J");
    assert_eq!(
        e.text,
        // (trimmed by junit-parser)
        "kind: limit-exceeded\nstage: parser-sarif\ninput: tests/outputs/injection.sarif\n\nparser-sarif: fuel exhausted\n\\u{1b}[2J"
    );
    let second = case(cordon, "cordon", "error 2: malformed-input");
    assert!(second.status.is_error());

    assert_eq!(parsed.errors, 3);
    assert_eq!(
        parsed.failures, 12,
        "the findings still fail; the gate errs"
    );
    assert_eq!(parsed.tests, 24 + 3);
}

#[test]
fn junit_undecided_findings_are_errors() {
    let mut report = report();
    report.decisions.clear();
    report.gate.verdict = Verdict::Error;
    let (_, parsed) = render(&report);
    for s in &parsed.suites[1..] {
        assert_eq!(s.errors, s.tests, "{}", s.name);
        for c in &s.cases {
            let TestStatus::Error(e) = &c.status else {
                panic!("undecided: {:?}", c.status);
            };
            assert_eq!(e.error_type, "undecided");
            assert!(e.text.contains("decision: none"), "{}", e.text);
        }
    }
    assert_eq!(parsed.errors, 24 + 1);
}

#[test]
fn junit_empty_run_still_reports_the_gate() {
    let mut report = report();
    report.findings.clear();
    report.decisions.clear();
    report.gate.verdict = Verdict::Pass;
    (
        report.gate.blocked,
        report.gate.tickets,
        report.gate.notified,
    ) = (0, 0, 0);
    (report.gate.recorded, report.gate.suppressed) = (0, 0);
    let (xml, parsed) = render(&report);
    assert_eq!(parsed.suites.len(), 1);
    assert_eq!(
        (parsed.tests, parsed.failures, parsed.errors, parsed.skipped),
        (1, 0, 0, 0)
    );
    let gate = case(&parsed.suites[0], "cordon", "gate");
    assert!(gate.status.is_success());
    let out = gate.system_out.as_deref().expect("system-out");
    assert!(
        out.starts_with("verdict: pass (mode enforce, environment prod)\n"),
        "{out}"
    );
    assert_eq!(xml, junit::render(&report, &meta()), "deterministic");
}

#[test]
fn junit_report_only_pass_says_so() {
    let mut report = report();
    report.gate.verdict = Verdict::Pass;
    report.gate.mode = "report-only".into();
    let (_, parsed) = render(&report);
    let gate = case(&parsed.suites[0], "cordon", "gate");
    assert!(gate.status.is_success());
    let out = gate.system_out.as_deref().expect("system-out");
    assert!(
        out.contains("verdict: pass (report-only: blocking findings were not enforced)"),
        "{out}"
    );
    assert_eq!(parsed.failures, 12, "the blocking findings still fail");
}

#[test]
fn junit_output_is_deterministic() {
    let report = report();
    assert_eq!(
        junit::render(&report, &meta()),
        junit::render(&report, &meta())
    );
    let deterministic = Meta {
        started: 0,
        finished: 0,
        ..meta()
    };
    let parsed = parse(&junit::render(&report, &deterministic));
    assert_eq!(parsed.timestamp.as_deref(), Some("1970-01-01T00:00:00Z"));
    assert_eq!(parsed.time, 0.0);
}

#[test]
fn junit_stage_strings_cannot_forge_detail_lines() {
    let mut report = report();
    let fingerprint = report.findings[2].fingerprint.clone();
    report.findings[2].title = "Open redirect\nseverity: info".into();
    report.findings[2].message = "details\nfingerprint: forged".into();
    report.decisions[2].reason = "ok\nfingerprint: forged".into();
    let (_, parsed) = render(&report);
    let c = case(
        suite(&parsed, "semgrep"),
        "semgrep.python.flask.security.open-redirect",
        "python.flask.security.open-redirect at app/views.py:42:12",
    );
    let TestStatus::Failure(failure) = &c.status else {
        panic!("blocked: {:?}", c.status);
    };
    let lines: Vec<&str> = failure.text.lines().collect();
    assert_eq!(lines[0], "Open redirect\\u{a}severity: info");
    assert_eq!(lines[1], "severity: high (from tool, tool severity error)");
    assert!(lines.contains(&"reason: ok\\u{a}fingerprint: forged"));
    let first = lines
        .iter()
        .find(|l| l.starts_with("fingerprint: "))
        .expect("a fingerprint line");
    assert_eq!(*first, format!("fingerprint: {fingerprint}"));
    // The message comes last, after a blank line.
    assert_eq!(
        lines[lines.len() - 3..],
        ["", "details", "fingerprint: forged"]
    );
}
