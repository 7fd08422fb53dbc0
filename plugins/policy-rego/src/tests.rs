use super::*;
use cordon_sdk::{
    Component, FindingKind, Location, Severity, SeveritySource, TAG_BASELINE_EXISTING,
};

const PROD_GATE: &str = include_str!("../../../policies/rego/prod-gate.rego");
const NEW_ONLY: &str = include_str!("../../../policies/rego/new-only.rego");
const BUNDLE_MANIFEST: &str = include_str!("../../../policies/rego/bundle/.manifest");
const BUNDLE_GATE: &str = include_str!("../../../policies/rego/bundle/gate.rego");
const BUNDLE_DATA: &str = include_str!("../../../policies/rego/bundle/data.json");

/// A finding with a fingerprint and, when `path` is not empty, one location.
fn fnd(fp: &str, severity: Severity, rule: &str, path: &str) -> Finding {
    let mut f = cordon_sdk::finding(
        "gitleaks",
        rule.to_string(),
        format!("title of {fp}"),
        FindingKind::Secret,
        severity,
    );
    f.fingerprint = fp.to_string();
    if !path.is_empty() {
        f.locations.push(Location {
            path: path.to_string(),
            start_line: Some(3),
            start_column: None,
            end_line: None,
            end_column: None,
        });
    }
    f
}

fn ctx(env: &str) -> RunContext {
    RunContext {
        environment: env.to_string(),
        today: "2026-12-07".to_string(),
    }
}

fn decide(doc: &str, findings: &[Finding], env: &str) -> Vec<Decision> {
    match evaluate(findings, doc, &ctx(env), DEFAULT_NAMESPACE) {
        Ok(d) => d,
        Err(e) => panic!("evaluation failed: {e:?}"),
    }
}

/// Action and rule id of each decision.
fn verdicts(doc: &str, findings: &[Finding], env: &str) -> Vec<(Action, String)> {
    decide(doc, findings, env)
        .into_iter()
        .map(|d| (d.action, d.rule_id))
        .collect()
}

fn v(action: Action, rule_id: &str) -> (Action, String) {
    (action, rule_id.to_string())
}

/// The InvalidConfig message evaluating `doc` fails with.
fn config_err(doc: &str, findings: &[Finding]) -> String {
    match evaluate(findings, doc, &ctx("prod"), DEFAULT_NAMESPACE) {
        Err(StageError::InvalidConfig(m)) => m,
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

fn m(field: &str, value: &str, pattern: &str) -> FieldMatch {
    FieldMatch {
        field: field.into(),
        value: value.into(),
        pattern: pattern.into(),
    }
}

/// The JSON bundle for `policies/rego/bundle`, packed the way the README
/// describes: name and version from `.manifest`, every `.rego` file by its
/// relative path, `data.json` at the root merged at the top.
fn packed_bundle() -> String {
    let manifest: serde_json::Value = serde_json::from_str(BUNDLE_MANIFEST).expect("manifest");
    let data: serde_json::Value = serde_json::from_str(BUNDLE_DATA).expect("data.json");
    serde_json::json!({
        "cordon_rego_bundle": 1,
        "name": manifest["metadata"]["name"],
        "version": manifest["revision"],
        "modules": {"gate.rego": BUNDLE_GATE},
        "data": data,
    })
    .to_string()
}

/// A single-module policy in package main.
fn module(body: &str) -> String {
    format!("package main\n\nimport rego.v1\n\n{body}\n")
}

#[test]
fn prod_gate_blocks_high_in_prod_only() {
    let fs = [
        fnd("c", Severity::Critical, "r1", "a.py"),
        fnd("h", Severity::High, "r2", "a.py"),
        fnd("m", Severity::Medium, "r3", ""),
        fnd("l", Severity::Low, "r4", "a.py"),
        fnd("i", Severity::Info, "r5", "a.py"),
    ];
    assert_eq!(
        verdicts(PROD_GATE, &fs, "prod"),
        [
            v(Action::Block, "main.deny_critical"),
            v(Action::Block, "main.deny_high"),
            v(Action::Notify, "main.warn_medium"),
            v(Action::Record, "main.record"),
            v(Action::Record, "main.record"),
        ]
    );
    assert_eq!(
        verdicts(PROD_GATE, &fs, "dev"),
        [
            v(Action::Block, "main.deny_critical"),
            v(Action::Record, "main.record"),
            v(Action::Notify, "main.warn_medium"),
            v(Action::Record, "main.record"),
            v(Action::Record, "main.record"),
        ]
    );
    let d = decide(PROD_GATE, &fs, "prod");
    assert_eq!(
        (d[0].policy_name.as_str(), d[0].policy_version.as_str()),
        ("prod-gate", "1.0.0")
    );
    assert_eq!(d[0].fingerprint, "c");
    assert_eq!(
        d[0].reason,
        "critical secret finding r1 (gitleaks) blocks every environment"
    );
    assert_eq!(d[0].matched, [m("severity", "critical", "deny_critical")]);
    assert_eq!(d[3].reason, "no deny, violation or warn rule matched");
    assert!(d[3].matched.is_empty());
    for d in &d {
        assert_eq!(
            (&d.suppression, &d.expired_suppression, d.severity_override),
            (&None, &None, None)
        );
    }
}

#[test]
fn new_only_blocks_new_findings_and_warns_on_existing_ones() {
    let mut new = fnd("new", Severity::High, "r", "a.py");
    new.tags.push("cordon:baseline=new".into());
    let mut old = fnd("old", Severity::Critical, "r", "a.py");
    old.tags.push(TAG_BASELINE_EXISTING.into());
    let untagged = fnd("untagged", Severity::Critical, "r", "a.py");
    let mut old_medium = fnd("old-medium", Severity::Medium, "r", "a.py");
    old_medium.tags.push(TAG_BASELINE_EXISTING.into());
    let fs = [new, old, untagged, old_medium];
    assert_eq!(
        verdicts(NEW_ONLY, &fs, "prod"),
        [
            v(Action::Block, "main.deny_new"),
            v(Action::Notify, "main.warn_existing"),
            v(Action::Block, "main.deny_new"),
            v(Action::Record, "main.record"),
        ]
    );
    let d = decide(NEW_ONLY, &fs, "prod");
    assert_eq!(
        d[0].matched,
        [
            m("baseline", "new", "deny_new"),
            m("severity", "high", "deny_new")
        ]
    );
    // A finding of a run without a baseline has `baseline: null`: the null
    // field is left out of `matched`.
    assert_eq!(d[2].matched, [m("severity", "critical", "deny_new")]);
    assert_eq!(
        d[1].reason,
        "critical finding r is in the baseline: title of old"
    );
    assert_eq!(d[0].policy_name, "new-only");
}

#[test]
fn bundle_exceptions_turn_a_block_into_a_record() {
    let doc = packed_bundle();
    let fs = [
        fnd(
            "fixture-key",
            Severity::High,
            "generic-api-key",
            "tests/fixtures/app.env",
        ),
        fnd(
            "real-key",
            Severity::High,
            "generic-api-key",
            "src/settings.py",
        ),
        fnd(
            "tls",
            Severity::Critical,
            "private-key",
            "tests/fixtures/tls/key.pem",
        ),
        fnd(
            "other-key",
            Severity::Critical,
            "private-key",
            "tests/fixtures/app.env",
        ),
        fnd("nowhere", Severity::High, "generic-api-key", ""),
        fnd(
            "medium",
            Severity::Medium,
            "generic-api-key",
            "tests/fixtures/x",
        ),
    ];
    assert_eq!(
        verdicts(&doc, &fs, "prod"),
        [
            v(Action::Record, "main.record"),
            v(Action::Block, "main.deny_high"),
            v(Action::Record, "main.record"),
            v(Action::Block, "main.deny_high"),
            v(Action::Block, "main.deny_high"),
            v(Action::Record, "main.record"),
        ]
    );
    let d = decide(&doc, &fs, "prod");
    assert_eq!(
        d[0].reason,
        "deny_high exempted by exception: test fixtures hold fake keys (SEC-142, appsec@example.com)"
    );
    assert!(d[0].matched.is_empty());
    assert_eq!(
        d[4].reason,
        "high finding generic-api-key (gitleaks) at no location"
    );
    assert_eq!(d[5].reason, "no deny, violation or warn rule matched");
    assert_eq!(
        (d[0].policy_name.as_str(), d[0].policy_version.as_str()),
        ("exceptions-gate", "1.0.0")
    );
}

#[test]
fn an_exception_can_leave_a_warning() {
    let doc = module(
        r#"deny_secret contains {"fingerprint": f.fingerprint, "msg": "a secret"} if some f in input.findings
warn_rotation contains {"fingerprint": f.fingerprint, "msg": "rotate it"} if some f in input.findings
exception contains {"fingerprint": "a", "rules": ["secret"], "msg": "fake key"}"#,
    );
    let fs = [
        fnd("a", Severity::High, "r", ""),
        fnd("b", Severity::High, "r", ""),
    ];
    let d = decide(&doc, &fs, "prod");
    assert_eq!(
        (d[0].action, d[0].rule_id.as_str(), d[0].reason.as_str()),
        (
            Action::Notify,
            "main.warn_rotation",
            "rotate it; deny_secret exempted by exception: fake key"
        )
    );
    assert_eq!(
        (d[1].action, d[1].rule_id.as_str(), d[1].reason.as_str()),
        (Action::Block, "main.deny_secret", "a secret"),
        "the exception is for finding a only"
    );
}

#[test]
fn exception_names_match_prefixed_and_full_rule_names() {
    let doc = module(
        r#"all contains f.fingerprint if some f in input.findings
deny contains {"fingerprint": fp, "msg": "d"} if some fp in all
deny_x contains {"fingerprint": fp, "msg": "dx"} if some fp in all
violation_x contains {"fingerprint": fp, "msg": "vx"} if some fp in all
warn_x contains {"fingerprint": fp, "msg": "wx"} if some fp in all
exception contains {"fingerprint": "unnamed", "rules": ["deny"], "msg": "m1"}
exception contains {"fingerprint": "x", "rules": ["x"], "msg": "m2"}
exception contains {"fingerprint": "both", "rules": ["deny", "x"], "msg": "m3"}
exception contains {"fingerprint": "full", "rules": ["deny_x", "violation_x"], "msg": "m4"}"#,
    );
    let fs: Vec<Finding> = ["none", "unnamed", "x", "both", "full"]
        .iter()
        .map(|fp| fnd(fp, Severity::Low, "r", ""))
        .collect();
    let d = decide(&doc, &fs, "prod");
    let got: Vec<(Action, &str, &str)> = d
        .iter()
        .map(|d| (d.action, d.rule_id.as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Action::Block, "main.deny", "d; dx; vx"),
            (
                Action::Block,
                "main.deny_x",
                "dx; vx; deny exempted by exception: m1"
            ),
            (
                Action::Block,
                "main.deny",
                "d; deny_x exempted by exception: m2; violation_x exempted by exception: m2; warn_x exempted by exception: m2"
            ),
            (
                Action::Record,
                "main.record",
                "deny exempted by exception: m3; deny_x exempted by exception: m3; violation_x exempted by exception: m3; warn_x exempted by exception: m3"
            ),
            (
                Action::Block,
                "main.deny",
                "d; deny_x exempted by exception: m4; violation_x exempted by exception: m4"
            ),
        ]
    );
}

#[test]
fn violation_and_named_rules_count_and_look_alikes_do_not() {
    let doc = module(
        r#"violation contains {"fingerprint": "v", "msg": "plain violation"}
violation_license contains {"fingerprint": "vl", "msg": "gpl"}
warn contains {"fingerprint": "w", "msg": "plain warn"}
deny_a_b contains {"fingerprint": "ab", "msg": "two-part name"}
denylist contains {"fingerprint": "look", "msg": "not a deny rule"}
warning contains {"fingerprint": "look", "msg": "not a warn rule"}
deny_ := {"fingerprint": "look", "msg": "not a named rule"}"#,
    );
    let fs: Vec<Finding> = ["v", "vl", "w", "ab", "look"]
        .iter()
        .map(|fp| fnd(fp, Severity::Low, "r", ""))
        .collect();
    assert_eq!(
        verdicts(&doc, &fs, ""),
        [
            v(Action::Block, "main.violation"),
            v(Action::Block, "main.violation_license"),
            v(Action::Notify, "main.warn"),
            v(Action::Block, "main.deny_a_b"),
            v(Action::Record, "main.record"),
        ]
    );
}

#[test]
fn several_entries_decide_together_in_rule_then_message_order() {
    let doc = module(
        r#"deny_z contains {"fingerprint": "a", "msg": "zeta", "matched": {"cwe": 79, "fixable": true, "path": null}}
deny_b contains {"fingerprint": "a", "msg": "beta 2"}
deny_b contains {"fingerprint": "a", "msg": "beta 1", "matched": {"rule_id": "r"}}
deny_b contains {"fingerprint": "a", "msg": "zeta"}
warn contains {"fingerprint": "a", "msg": "not deciding"}"#,
    );
    let d = decide(&doc, &[fnd("a", Severity::Low, "r", "")], "prod").remove(0);
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.rule_id, "main.deny_b");
    assert_eq!(d.reason, "beta 1; beta 2; zeta");
    assert_eq!(
        d.matched,
        [
            m("rule_id", "r", "deny_b"),
            m("cwe", "79", "deny_z"),
            m("fixable", "true", "deny_z"),
        ]
    );

    // regorus refuses lines over 1024 columns, so the long messages are
    // built in Rego.
    let doc = module(
        r#"long := concat("", ["é" | some _ in numbers.range(1, 3000)])
deny_a contains {"fingerprint": "a", "msg": long}
deny_b contains {"fingerprint": "a", "msg": concat("", [long, "!"])}"#,
    );
    let d = decide(&doc, &[fnd("a", Severity::Low, "r", "")], "prod").remove(0);
    let kept = d.reason.strip_suffix('…').expect("clipped");
    assert!(
        kept.chars().all(|c| c == 'é'),
        "cut on a character boundary"
    );
    assert!((MAX_TITLE_BYTES - 5..=MAX_TITLE_BYTES).contains(&d.reason.len()));
}

#[test]
fn findings_sharing_a_fingerprint_each_get_a_decision() {
    let doc = module(r#"deny contains {"fingerprint": "a", "msg": "x"}"#);
    let fs = [
        fnd("a", Severity::Low, "r", ""),
        fnd("b", Severity::Low, "r", ""),
        fnd("a", Severity::Low, "r", ""),
    ];
    let got: Vec<(String, Action)> = decide(&doc, &fs, "")
        .into_iter()
        .map(|d| (d.fingerprint, d.action))
        .collect();
    assert_eq!(
        got,
        [
            ("a".to_string(), Action::Block),
            ("b".to_string(), Action::Record),
            ("a".to_string(), Action::Block),
        ]
    );
    assert_eq!(decide(&module("deny contains 1 if false"), &[], ""), []);
}

#[test]
fn bad_entries_are_config_errors_naming_the_rule() {
    let fs = [fnd("a", Severity::High, "r", "")];
    let cases = [
        (
            r#"deny contains "bare string""#,
            "rule main.deny: entry \"bare string\" is a string; every entry must be an object {\"fingerprint\": <a finding's fingerprint>, \"msg\": <string>} with optional \"matched\": {<field>: <string, number or boolean>}",
        ),
        (
            r#"deny_x contains {"fingerprint": "a"}"#,
            "rule main.deny_x: entry {\"fingerprint\":\"a\"} has no string \"fingerprint\" and \"msg\"; every entry must be an object {\"fingerprint\"",
        ),
        (
            r#"warn contains {"fingerprint": 1, "msg": "m"}"#,
            "rule main.warn: entry {\"fingerprint\":1,\"msg\":\"m\"} has no string \"fingerprint\" and \"msg\"",
        ),
        (
            r#"deny contains {"fingerprint": "nope", "msg": "m"}"#,
            "rule main.deny: entry {\"fingerprint\":\"nope\",\"msg\":\"m\"} names fingerprint \"nope\", which is not among the findings",
        ),
        (
            r#"deny contains {"fingerprint": "a", "msg": "m", "matched": {"x": [1]}}"#,
            "rule main.deny: \"matched\" in entry",
        ),
        (
            r#"deny contains {"fingerprint": "a", "msg": "m", "matched": "x"}"#,
            "rule main.deny: \"matched\" in entry {\"fingerprint\":\"a\",\"matched\":\"x\",\"msg\":\"m\"} is a string, not an object",
        ),
        (
            r#"violation if true"#,
            "rule main.violation must be a set (`violation contains entry if { ... }`), not a boolean",
        ),
        (
            "deny contains 1 if false\nexception contains [\"deny\"]",
            "rule main.exception: entry [\"deny\"] is not an object {\"fingerprint\"",
        ),
        (
            "deny contains 1 if false\nexception contains {\"fingerprint\": \"a\", \"rules\": \"deny\", \"msg\": \"m\"}",
            "rule main.exception: entry",
        ),
        (
            "deny contains 1 if false\nexception contains {\"fingerprint\": \"b\", \"rules\": [], \"msg\": \"m\"}",
            "rule main.exception: entry {\"fingerprint\":\"b\",\"msg\":\"m\",\"rules\":[]} names fingerprint \"b\", which is not among the findings",
        ),
    ];
    for (body, want) in cases {
        let msg = config_err(&module(body), &fs);
        assert!(msg.starts_with(want), "{body}\n{msg}");
    }
}

#[test]
fn rego_errors_name_the_module_and_position() {
    let fs = [fnd("a", Severity::High, "r", "")];
    // Rego v0 syntax: v1 needs `if` (and `contains`).
    let v0 = "package main\n\ndeny[msg] {\n  msg := \"x\"\n}\n";
    assert_eq!(
        config_err(v0, &fs),
        "Rego module policy.rego does not parse: policy.rego:3:11: `if` keyword is required before rule body"
    );
    let bundle = serde_json::json!({
        "cordon_rego_bundle": 1, "name": null, "version": null,
        "modules": {"lib/ok.rego": "package lib\nx := 1\n", "gate.rego": "package main\ndeny contains x if {\n  x :=\n}\n"},
        "data": {},
    })
    .to_string();
    assert_eq!(
        config_err(&bundle, &fs),
        "Rego module gate.rego does not parse: gate.rego:3:5: expecting `}` while parsing set"
    );
    let div = module("deny contains x if { x := 1 / 0 }");
    assert_eq!(
        config_err(&div, &fs),
        "the policy could not be evaluated: policy.rego:5:29: divide by zero"
    );
    let null_path = module(
        "deny contains {\"fingerprint\": f.fingerprint, \"msg\": \"m\"} if {\n  some f in input.findings\n  startswith(f.path, \"tests/\")\n}",
    );
    assert_eq!(
        config_err(&null_path, &fs),
        "the policy could not be evaluated: policy.rego:7:15: `startswith` expects string argument. Got `null` instead"
    );
    let conflict = module("deny contains 1 if false\np := 1\np := 2");
    assert_eq!(
        config_err(&conflict, &fs),
        "the policy could not be evaluated: policy.rego:7:1: rule conflicts with the following rule: policy.rego:6:1: defined here"
    );
    let unknown = module("deny contains 1 if { x := glob.match(\"a\", [], \"a\") }");
    assert!(
        config_err(&unknown, &fs).ends_with("could not find function glob.match"),
        "builtins that are not compiled in are errors"
    );
}

#[test]
fn a_policy_without_rules_for_the_namespace_is_a_config_error() {
    let fs = [fnd("a", Severity::High, "r", "")];
    assert_eq!(
        config_err("package other\n\ndeny contains 1 if false\n", &fs),
        "policy defines no deny, violation or warn rule in package main (packages defined: data.other)"
    );
    assert_eq!(
        config_err(
            &module("exception contains 1 if false\ndenied := 1\nallow := true"),
            &fs
        ),
        "policy defines no deny, violation or warn rule in package main (packages defined: data.main)"
    );
    // An empty set is a rule all the same.
    assert_eq!(
        verdicts(&module("warn contains 1 if false"), &fs, ""),
        [v(Action::Record, "main.record")]
    );
}

#[test]
fn the_namespace_setting_picks_the_package() {
    let doc = "package policy.gate\n\ndeny contains {\"fingerprint\": \"a\", \"msg\": \"m\"}\n";
    let fs = [fnd("a", Severity::High, "r", "")];
    let d = evaluate(&fs, doc, &ctx(""), "policy.gate").expect("evaluates");
    assert_eq!(
        (
            d[0].action,
            d[0].rule_id.as_str(),
            d[0].policy_name.as_str(),
            d[0].policy_version.as_str()
        ),
        (Action::Block, "policy.gate.deny", "policy.gate", "0")
    );
    for bad in [
        "",
        "main;",
        "main.",
        "1x",
        "a-b",
        "main[\"x\"]",
        "main deny",
    ] {
        assert!(
            matches!(evaluate(&fs, doc, &ctx(""), bad), Err(StageError::InvalidConfig(m)) if m.starts_with("namespace ")),
            "{bad:?}"
        );
    }
}

#[test]
fn name_and_version_come_from_the_bundle_then_the_module_then_defaults() {
    let fs = [fnd("a", Severity::High, "r", "")];
    let named = module(
        "policy_name := \"from-module\"\npolicy_version := \"3.1\"\ndeny contains 1 if false",
    );
    let bundle = |name: serde_json::Value, version: serde_json::Value, src: &str| {
        serde_json::json!({"cordon_rego_bundle": 1, "name": name, "version": version,
            "modules": {"p.rego": src}, "data": null})
        .to_string()
    };
    let id = |doc: &str| {
        let d = decide(doc, &fs, "").remove(0);
        (d.policy_name, d.policy_version)
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(id(&named), pair("from-module", "3.1"));
    assert_eq!(
        id(&bundle("prod-gate".into(), "2.0.0".into(), &named)),
        pair("prod-gate", "2.0.0")
    );
    assert_eq!(
        id(&bundle(serde_json::Value::Null, "2.0.0".into(), &named)),
        pair("from-module", "2.0.0")
    );
    assert_eq!(
        id(&bundle("".into(), serde_json::Value::Null, &named)),
        pair("from-module", "3.1")
    );
    let bare = module("deny contains 1 if false");
    assert_eq!(id(&bare), pair("main", "0"));
    assert_eq!(
        id(&bundle(
            serde_json::Value::Null,
            serde_json::Value::Null,
            &bare
        )),
        pair("main", "0")
    );
    assert_eq!(
        config_err(&module("policy_name := 3\ndeny contains 1 if false"), &fs),
        "main.policy_name must be a non-empty string, not 3"
    );
}

#[test]
fn malformed_bundles_are_config_errors() {
    let fs = [fnd("a", Severity::High, "r", "")];
    let cases = [
        (
            "{",
            "policy document starts with `{` but is not a valid cordon_rego_bundle JSON bundle: EOF while parsing an object at line 1 column 1",
        ),
        (
            r#"{"modules": {"a.rego": "package main"}}"#,
            "policy document starts with `{` but is not a valid cordon_rego_bundle JSON bundle: missing field `cordon_rego_bundle`",
        ),
        (
            r#"{"cordon_rego_bundle": 2, "modules": {"a.rego": "package main"}}"#,
            "cordon_rego_bundle version 2 is not supported (this stage reads version 1)",
        ),
        (
            r#"{"cordon_rego_bundle": 1, "modules": {}}"#,
            "the policy bundle has no Rego modules",
        ),
        (
            r#"{"cordon_rego_bundle": 1, "modules": {"a.rego": "package main"}, "roots": []}"#,
            "policy document starts with `{` but is not a valid cordon_rego_bundle JSON bundle: unknown field `roots`",
        ),
        (
            r#"{"cordon_rego_bundle": 1, "modules": {"a.rego": "package main"}, "data": []}"#,
            "the policy bundle's data must be a JSON object, not an array",
        ),
    ];
    for (doc, want) in cases {
        let msg = config_err(doc, &fs);
        assert!(msg.starts_with(want), "{doc}\n{msg}");
    }
}

#[test]
fn the_input_document_has_the_documented_shape() {
    let doc = module(
        r#"deny contains {"fingerprint": f.fingerprint, "msg": json.marshal(f)} if some f in input.findings
warn contains {"fingerprint": "bare", "msg": json.marshal(input.context)}"#,
    );
    let mut full = fnd("full", Severity::High, "CVE-2021-44228", "pom.xml");
    full.tool = "trivy".into();
    full.tool_version = Some("0.50.0".into());
    full.message = "msg".into();
    full.tool_severity = Some("HIGH".into());
    full.severity_source = SeveritySource::SecuritySeverity;
    full.kind = FindingKind::Sca;
    full.locations.push(Location {
        path: "b".into(),
        start_line: Some(1),
        start_column: Some(2),
        end_line: Some(3),
        end_column: Some(4),
    });
    full.component = Some(Component {
        name: "log4j-core".into(),
        version: Some("2.14.1".into()),
        purl: None,
        fixed_versions: vec!["2.15.0".into()],
    });
    full.vulnerability_ids = vec!["CVE-2021-44228".into()];
    full.cwes = vec![502];
    full.tags = vec![TAG_BASELINE_EXISTING.into()];
    full.help_uri = Some("https://example.com".into());
    let fs = [full, fnd("bare", Severity::Info, "r", "")];
    let d = decide(&doc, &fs, "prod");
    let parsed: serde_json::Value = serde_json::from_str(&d[0].reason).expect("json");
    assert_eq!(
        parsed,
        serde_json::json!({
            "tool": "trivy", "tool_version": "0.50.0", "rule_id": "CVE-2021-44228",
            "title": "title of full", "message": "msg", "severity": "high",
            "tool_severity": "HIGH", "severity_source": "security-severity", "kind": "sca",
            "locations": [
                {"path": "pom.xml", "start_line": 3, "start_column": null, "end_line": null, "end_column": null},
                {"path": "b", "start_line": 1, "start_column": 2, "end_line": 3, "end_column": 4},
            ],
            "path": "pom.xml",
            "component": {"name": "log4j-core", "version": "2.14.1", "purl": null, "fixed_versions": ["2.15.0"]},
            "vulnerability_ids": ["CVE-2021-44228"], "cwes": [502],
            "tags": ["cordon:baseline=existing"], "help_uri": "https://example.com",
            "fingerprint": "full", "baseline": "existing",
        })
    );
    let bare: serde_json::Value = serde_json::from_str(&d[1].reason).expect("json");
    assert_eq!(
        (
            &bare["path"],
            &bare["component"],
            &bare["baseline"],
            &bare["severity_source"]
        ),
        (
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::json!("tool")
        )
    );
    assert_eq!(d[1].action, Action::Block, "deny wins over warn");
    let context = evaluate(
        &fs[1..],
        &module(r#"warn contains {"fingerprint": "bare", "msg": json.marshal(input.context)}"#),
        &ctx("prod"),
        DEFAULT_NAMESPACE,
    )
    .expect("evaluates");
    assert_eq!(
        context[0].reason,
        r#"{"environment":"prod","today":"2026-12-07"}"#
    );
}

#[test]
fn rego_v1_forms_all_work() {
    let fs = [fnd("a", Severity::High, "r", "")];
    let entry = r#"{"fingerprint": "a", "msg": "m"}"#;
    for doc in [
        // v1 without the import
        format!("package main\ndeny contains {entry} if true\n"),
        // the v1 import
        format!("package main\nimport rego.v1\ndeny contains {entry} if {{ true }}\n"),
        // the future keywords, as v0 policies written for v1 use them
        format!(
            "package main\nimport future.keywords.if\nimport future.keywords.contains\nimport future.keywords.in\ndeny contains {entry} if {{ \"a\" in [\"a\"] }}\n"
        ),
        // every, else, comprehensions
        format!(
            "package main\nlevel := \"x\" if {{ false }} else := \"y\"\nfps := {{f.fingerprint | some f in input.findings}}\ndeny contains {entry} if {{ level == \"y\"; every fp in fps {{ fp == \"a\" }} }}\n"
        ),
    ] {
        assert_eq!(
            verdicts(&doc, &fs, ""),
            [v(Action::Block, "main.deny")],
            "{doc}"
        );
    }
}

#[test]
fn never_panics_on_odd_documents() {
    let fs = [fnd("a", Severity::High, "r", "")];
    let deep = format!(
        "package main\nx := {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let deep_json = format!(
        r#"{{"cordon_rego_bundle": 1, "modules": {{"a.rego": "package main"}}, "data": {{"a": {}1{}}}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let docs = [
        String::new(),
        "   ".into(),
        "package".into(),
        "\0\u{feff}{".into(),
        "package main\ndeny contains {1: 2} if true".into(),
        "package main\ndeny contains {\"fingerprint\": \"a\", \"msg\": \"m\", \"matched\": {1: \"x\"}} if true".into(),
        "package main\ndeny contains {\"fingerprint\": \"a\", \"msg\": \"m\"} if true\ndeny_x := {\"a\": 1}".into(),
        "package main\na if b\nb if a\ndeny contains 1 if a".into(),
        "package main\ndeny contains x if { x := numbers.range(1, 10000)[_] }".into(),
        deep,
        deep_json,
    ];
    for doc in &docs {
        let _ = evaluate(&fs, doc, &ctx(""), DEFAULT_NAMESPACE);
    }
}

#[test]
fn documents_regorus_would_choke_on_are_refused_up_front() {
    let fs = [fnd("a", Severity::High, "r", "")];
    let deep = module(&format!("x := {}1{}", "[".repeat(17), "]".repeat(17)));
    assert_eq!(
        config_err(&deep, &fs),
        "Rego module policy.rego:5:22: brackets nest deeper than 16; flatten the expression"
    );
    let chain = module(&format!("x := 1{}", "\n+ 1".repeat(70)));
    assert_eq!(
        config_err(&chain, &fs),
        "Rego module policy.rego:69:1: expression nests more than 64 operators and brackets deep; split it up"
    );
    // A bracket counts as deep as the chain inside it.
    let nested = module(&format!("x := (((1{}) + 1) + 1)", " + 1".repeat(60)));
    assert!(config_err(&nested, &fs).contains("more than 64 operators"));
    // Brackets and operators in strings and comments do not count, and
    // statements on separate lines are separate chains.
    let fine = module(&format!(
        "# {}\nx := \"{}\\\"{}\"\ny := `{}`\nz := {}1{}\n{}deny contains 1 if false",
        "[".repeat(40),
        "[(+".repeat(40),
        "]".repeat(40),
        "{\n-".repeat(40),
        "(".repeat(16),
        ")".repeat(16),
        "w := 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1\n".repeat(20),
    ));
    assert_eq!(verdicts(&fine, &fs, ""), [v(Action::Record, "main.record")]);
}
