//! Unit tests with small inline Semgrep documents.

use super::*;
use cordon_sdk::{FindingKind, Location, Severity, SeveritySource};
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_cuts_end_too_early, assert_each_malformed,
    assert_empty_input_malformed, assert_invalid_json_at, malformed, nested_arrays, nested_objects,
    parse_doc, parses, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

/// A CLI result with the given extra fields.
fn result(check_id: &str, path: &str, line: u32, extra: Value) -> Value {
    json!({
        "check_id": check_id,
        "path": path,
        "start": {"line": line, "col": 5, "offset": 100},
        "end": {"line": line + 1, "col": 9, "offset": 140},
        "extra": extra
    })
}

fn cli(results: Value) -> Value {
    json!({"version": "1.97.0", "results": results, "errors": [], "paths": {"scanned": []}})
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_error_has_line_and_column() {
    let input = b"{\n  \"results\": [\n    {\"check_id\": \"a\",,}\n  ]\n}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    assert!(!m.message.contains(" at line "), "{}", m.message);
}

#[test]
fn truncated_input_is_malformed() {
    let full = ok(cli(json!([result(
        "r",
        "a.py",
        3,
        json!({"message": "m"})
    )])));
    assert_eq!(full.len(), 1);
    let text = cli(json!([result("r", "a.py", 3, json!({"message": "m"}))])).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 10, text.len() / 2, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed_with_position() {
    let input = b"{\"results\": [\n{\"check_id\": 5, \"path\": \"a\", \"start\": {\"line\": 1}}]}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Semgrep report"),
        "{}",
        m.message
    );
    // Required fields.
    let m = malformed(
        parse_doc(parse, json!({"results": [{"check_id": "a", "path": "b"}]}))
            .expect_err("rejected"),
    );
    assert!(m.message.contains("missing field `start`"), "{}", m.message);
    // A line that is not a number, `results` that is not a list, a result
    // that is an array (serde would read it by position).
    assert_each_malformed(
        parse,
        [
            json!({"results": [{"check_id": "a", "path": "b", "start": {"line": true}}]}),
            json!({"results": {"check_id": "a"}}),
            json!({"results": [["a", "b", {"line": 1}]]}),
            json!({"results": [result("a", "b", 1, json!({"severity": 3}))]}),
            json!({"findings": [{"rule_name": "r", "location": {"line": [1]}}]}),
            json!({"vulns": [{"advisory": "x"}]}),
            json!({"vulns": [], "hasMore": "yes"}),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"[1, 2]").expect_err("rejected"));
    assert!(m.contains("must be an object"), "{m}");
    // ... but broken JSON that starts like an array is still malformed.
    malformed(parse(b"[1, "));
    malformed(parse(b"nonsense"));
    let m = unsupported(
        parse_doc(parse, json!({"version": "2.1.0", "runs": []})).expect_err("rejected"),
    );
    assert!(m.contains("expected `results`"), "{m}");
    // Another tool's `results` (tfsec, osv-scanner, bandit).
    for doc in [
        json!({"results": [{"rule_id": "aws-s3", "location": {"filename": "a.tf"}}]}),
        json!({"results": [{"source": {"path": "go.mod"}, "packages": []}]}),
        json!({"errors": [], "generated_at": "x", "results": [{"test_id": "B101", "filename": "a.py"}]}),
    ] {
        let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
    }
    let m = unsupported(
        parse_doc(
            parse,
            json!({"findings": [{"advisories": 1, "severity": "high"}]}),
        )
        .expect_err("rejected"),
    );
    assert!(m.contains("App finding"), "{m}");
    let m = unsupported(
        parse_doc(
            parse,
            json!({"vulns": [{"id": "PYSEC-1", "fix_versions": []}]}),
        )
        .expect_err("rejected"),
    );
    assert!(m.contains("Supply Chain"), "{m}");
}

#[test]
fn error_documents_are_unsupported() {
    let doc = json!({
        "version": "1.50.0",
        "results": [],
        "errors": [{"code": 7, "level": "error", "type": "InvalidRuleSchemaError",
                    "message": "Invalid rule schema: missing 'pattern'"}],
        "paths": {"scanned": []}
    });
    let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
    assert!(m.contains("Invalid rule schema"), "{m}");
    let m = unsupported(
        parse_doc(
            parse,
            json!({"errors": [{"level": "error", "message": "boom"}]}),
        )
        .expect_err("rejected"),
    );
    assert!(m.contains("error document") && m.contains("boom"), "{m}");
    let m = unsupported(parse_doc(parse, json!({"error": "Unauthorized"})).expect_err("rejected"));
    assert!(m.contains("Unauthorized"), "{m}");
    // A long message is cut short.
    let long = "x".repeat(5000);
    let m = unsupported(parse_doc(parse, json!({"error": long})).expect_err("rejected"));
    assert!(m.len() < 400, "{}", m.len());
    // Warnings (a file that did not parse) do not void the report, and an
    // error next to results does not either.
    let warn = json!({
        "results": [],
        "errors": [{"level": "warn", "type": ["PartialParsing", [{"path": "a.py"}]], "message": "Syntax error"}]
    });
    assert!(ok(warn).is_empty());
    let mixed = json!({
        "results": [result("r", "a.py", 1, json!({"message": "m", "severity": "INFO"}))],
        "errors": [{"level": "error", "message": "Timeout on b.py"}]
    });
    assert_eq!(ok(mixed).len(), 1);
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    // In a field that is read: a type error.
    let read = format!(
        r#"{{"results":[{{"check_id":"a","path":"b","start":{}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(read.as_bytes()));
    let read = format!(r#"{{"results":{}}}"#, nested_arrays(DEEP));
    malformed(parse(read.as_bytes()));
    let objects = nested_objects("a", DEEP, "");
    assert!(parse(objects.as_bytes()).is_err());
    // At the top level.
    assert!(parse(nested_arrays(DEEP).as_bytes()).is_err());
    // Unbalanced.
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    // In free-form metadata: skipped without recursion.
    let meta = format!(
        r#"{{"results":[{{"check_id":"a","path":"b","start":{{"line":1}},"extra":{{"metadata":{{"cwe":[{}],"x":{}}}}}}}]}}"#,
        nested_arrays(DEEP),
        nested_arrays(DEEP)
    );
    assert_eq!(parse(meta.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- CLI mapping --------------------------------------------------------------

#[test]
fn cli_fields() {
    let doc = cli(json!([result(
        "python.lang.security.audit.dangerous-subprocess-use.dangerous-subprocess-use",
        "app/run.py",
        31,
        json!({
            "message": "Detected subprocess function with user input.\nAudit this call.",
            "severity": "ERROR",
            "fingerprint": "requires login",
            "lines": "requires login",
            "is_ignored": false,
            "engine_kind": "OSS",
            "validation_state": "NO_VALIDATOR",
            "metadata": {
                "cwe": ["CWE-78: Improper Neutralization of Special Elements used in an OS Command"],
                "owasp": ["A01:2017 - Injection", "A03:2021 - Injection"],
                "category": "security",
                "subcategory": ["audit"],
                "confidence": "LOW",
                "likelihood": "LOW",
                "impact": "HIGH",
                "references": ["https://example.invalid/ref"],
                "source": "https://semgrep.dev/r/python.lang.security.audit.dangerous-subprocess-use.dangerous-subprocess-use",
                "shortlink": "https://sg.run/NWxp"
            }
        })
    )]));
    let f = ok(doc);
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "semgrep");
    assert_eq!(x.tool_version.as_deref(), Some("1.97.0"));
    assert_eq!(
        x.rule_id,
        "python.lang.security.audit.dangerous-subprocess-use.dangerous-subprocess-use"
    );
    assert_eq!(x.title, "Detected subprocess function with user input.");
    assert!(x.message.ends_with("Audit this call."));
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("ERROR"))
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "app/run.py".into(),
            start_line: Some(31),
            start_column: Some(5),
            end_line: Some(32),
            end_column: Some(9),
        }]
    );
    assert_eq!(x.cwes, vec![78]);
    assert!(x.vulnerability_ids.is_empty() && x.component.is_none());
    assert_eq!(
        x.tags,
        vec![
            "security",
            "subcategory:audit",
            "confidence:low",
            "likelihood:low",
            "impact:high",
            "owasp:A01:2017 - Injection",
            "owasp:A03:2021 - Injection",
            "engine:oss"
        ]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some(
            "https://semgrep.dev/r/python.lang.security.audit.dangerous-subprocess-use.dangerous-subprocess-use"
        )
    );
    assert_eq!(x.source_pointer, "/results/0");
    assert!(x.fingerprint.is_empty());
    assert_eq!(x.input, 0);
}

#[test]
fn cli_severity_table() {
    use SeveritySource::{Default, Tool};
    // Folded as Semgrep's SARIF folds them (`error`, `warning`, `note`).
    let sevs = [
        ("CRITICAL", Severity::High, Tool),
        ("ERROR", Severity::High, Tool),
        ("high", Severity::High, Tool),
        ("WARNING", Severity::Medium, Tool),
        ("MEDIUM", Severity::Medium, Tool),
        ("INFO", Severity::Low, Tool),
        ("LOW", Severity::Low, Tool),
        ("INVENTORY", Severity::Info, Tool),
        ("EXPERIMENT", Severity::Info, Tool),
        ("whatever", Severity::Medium, Default),
    ];
    let results: Vec<Value> = sevs
        .iter()
        .enumerate()
        .map(|(i, (s, _, _))| {
            result(
                "r",
                "a.py",
                i as u32 + 1,
                json!({"severity": s, "message": "m"}),
            )
        })
        .collect();
    let f = ok(cli(Value::Array(results)));
    for (x, (s, want, source)) in f.iter().zip(sevs) {
        assert_eq!(x.severity, want, "{s}");
        assert_eq!(x.severity_source, source, "{s}");
        assert_eq!(x.tool_severity.as_deref(), Some(s));
    }
    // No severity at all: medium, and no tool severity.
    let f = ok(cli(json!([result("r", "a.py", 1, json!({}))])));
    assert_eq!(
        (
            f[0].severity,
            f[0].severity_source,
            f[0].tool_severity.as_deref()
        ),
        (Severity::Medium, Default, None)
    );
}

#[test]
fn cli_security_severity_score_decides_as_in_sarif() {
    let f = ok(cli(json!([
        result(
            "r",
            "a.py",
            1,
            json!({"severity": "WARNING", "message": "m",
            "metadata": {"security-severity": 9.1}})
        ),
        result(
            "r",
            "a.py",
            2,
            json!({"severity": "INFO", "message": "m",
            "metadata": {"security-severity": "7.5"}})
        ),
        // A word is not a score (GitLab's rules write `CRITICAL`): the
        // severity decides, as in the SARIF.
        result(
            "r",
            "a.py",
            3,
            json!({"severity": "ERROR", "message": "m",
            "metadata": {"security-severity": "CRITICAL"}})
        ),
        result(
            "r",
            "a.py",
            4,
            json!({"severity": "ERROR", "message": "m",
            "metadata": {"security-severity": "11"}})
        )
    ])));
    let got: Vec<(Severity, SeveritySource, Option<&str>)> = f
        .iter()
        .map(|x| (x.severity, x.severity_source, x.tool_severity.as_deref()))
        .collect();
    use SeveritySource::{SecuritySeverity, Tool};
    assert_eq!(
        got,
        [
            (Severity::Critical, SecuritySeverity, Some("9.1")),
            (Severity::High, SecuritySeverity, Some("7.5")),
            (Severity::High, Tool, Some("ERROR")),
            (Severity::High, Tool, Some("ERROR")),
        ]
    );
}

#[test]
fn cli_cwe_shapes_and_lenient_metadata() {
    let f = ok(cli(json!([
        result(
            "a",
            "x",
            1,
            json!({"metadata": {"cwe": "CWE-696: Incorrect Behavior Order"}})
        ),
        result(
            "b",
            "x",
            2,
            json!({"metadata": {"cwe": ["CWE-327: Risky", "CWE-696: Order", "CWE-327: again"]}})
        ),
        result(
            "c",
            "x",
            3,
            json!({"metadata": {"cwe": 79, "owasp": "A1", "subcategory": "vuln",
            "category": {"odd": true}, "source": ["not", "a", "string"], "confidence": null}})
        ),
        result(
            "d",
            "x",
            4,
            json!({"metadata": {"cwe": [{"id": 1}, "cwe-089", [22], "no cwe"],
            "references": {"x": 1}, "shortlink": "https://sg.run/x"}})
        ),
        result("e", "x", 5, json!({"metadata": null}))
    ])));
    assert_eq!(f[0].cwes, vec![696]);
    assert_eq!(f[1].cwes, vec![327, 696]);
    assert_eq!(f[2].cwes, vec![79]);
    assert_eq!(f[2].tags, vec!["subcategory:vuln", "owasp:A1"]);
    assert_eq!(f[2].help_uri, None);
    assert_eq!(f[3].cwes, vec![89]);
    assert_eq!(f[3].help_uri.as_deref(), Some("https://sg.run/x"));
    assert!(f[4].cwes.is_empty() && f[4].tags.is_empty());
}

#[test]
fn cli_positions() {
    let doc = json!({"results": [
        {"check_id": "a", "path": "p", "start": {"line": 0, "col": 0}, "end": {"line": -1, "col": 1.5}},
        {"check_id": "b", "path": "p", "start": {"line": "12", "col": null}},
        {"check_id": "c", "path": "p", "start": {"line": 99999999999u64}},
        {"check_id": "d", "path": "p", "start": {}}
    ]});
    let f = ok(doc);
    let l = |i: usize| f[i].locations[0].clone();
    assert_eq!(
        (
            l(0).start_line,
            l(0).start_column,
            l(0).end_line,
            l(0).end_column
        ),
        (None, None, None, None)
    );
    assert_eq!((l(1).start_line, l(1).start_column), (Some(12), None));
    assert_eq!(l(2).start_line, None);
    assert_eq!(l(3).start_line, None);
    assert_eq!(f[3].title, "d");
    assert!(f.iter().all(|x| x.message.is_empty()));
}

#[test]
fn cli_kinds_and_ignored() {
    let f = ok(cli(json!([
        result(
            "generic.secrets.security.detected-aws-key.detected-aws-key",
            "a",
            1,
            json!({})
        ),
        result(
            "custom.rule",
            "a",
            2,
            json!({"validation_state": "CONFIRMED_VALID"})
        ),
        result(
            "custom.rule",
            "a",
            3,
            json!({"metadata": {"product": "secrets"}})
        ),
        result(
            "custom.rule",
            "a",
            4,
            json!({"validation_state": "NO_VALIDATOR", "is_ignored": true})
        ),
        result("not.secretsy.rule", "a", 5, json!({}))
    ])));
    let kinds: Vec<FindingKind> = f.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FindingKind::Secret,
            FindingKind::Secret,
            FindingKind::Secret,
            FindingKind::Sast,
            FindingKind::Sast
        ]
    );
    assert_eq!(f[3].tags, vec!["suppressed-in-source"]);
}

#[test]
fn cli_supply_chain_result() {
    let doc = cli(json!([result(
        "ssc-5a3f1c2e-0000-4000-8000-000000000001",
        "frontend/package-lock.json",
        7406,
        json!({
            "message": "elliptic before 6.6.1 is vulnerable to signature malleability.",
            "severity": "WARNING",
            "metadata": {
                "sca-vuln-database-identifier": "GHSA-vjh7-7g9h-fjfh",
                "sca-severity": "CRITICAL",
                "sca-fix-versions": [{"elliptic": "6.6.1"}, {"other": "1.0"}, "junk"],
                "cwe": ["CWE-347: Improper Verification of Cryptographic Signature"]
            },
            "sca_info": {
                "reachable": false,
                "sca_finding_schema": 20220913,
                "dependency_match": {
                    "dependency_pattern": {"ecosystem": "npm", "package": "elliptic", "semver_range": "<6.6.1"},
                    "found_dependency": {"package": "elliptic", "version": "6.5.4", "ecosystem": "npm",
                        "transitivity": "transitive", "line_number": 7406},
                    "lockfile": "frontend/package-lock.json"
                }
            }
        })
    )]));
    let f = ok(doc);
    let x = &f[0];
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(x.rule_id, "GHSA-vjh7-7g9h-fjfh");
    assert_eq!(x.vulnerability_ids, vec!["GHSA-vjh7-7g9h-fjfh"]);
    // The rule's severity, as in Semgrep's SARIF; the advisory's own level
    // is kept as a tag.
    assert_eq!(
        (x.severity, x.severity_source, x.tool_severity.as_deref()),
        (Severity::Medium, SeveritySource::Tool, Some("WARNING"))
    );
    assert!(x.tags.contains(&"sca-severity:critical".to_string()));
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "elliptic");
    assert_eq!(c.version.as_deref(), Some("6.5.4"));
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/elliptic@6.5.4"));
    assert_eq!(c.fixed_versions, vec!["6.6.1"]);
    assert_eq!(x.cwes, vec![347]);
    assert!(x.tags.contains(&"unreachable".to_string()));
    assert!(x.tags.contains(&"transitivity:transitive".to_string()));
    assert!(
        x.tags
            .contains(&"semgrep-rule:ssc-5a3f1c2e-0000-4000-8000-000000000001".to_string())
    );
}

#[test]
fn purls() {
    use common::purl;
    assert_eq!(
        purl("npm", "@babel/core", Some("7.0.0")).as_deref(),
        Some("pkg:npm/%40babel/core@7.0.0")
    );
    assert_eq!(
        purl("pypi", "Django_Rest", Some("1.0")).as_deref(),
        Some("pkg:pypi/django-rest@1.0")
    );
    assert_eq!(
        purl("maven", "org.a:b", Some("1.0+x")).as_deref(),
        Some("pkg:maven/org.a/b@1.0%2Bx")
    );
    assert_eq!(
        purl("gomod", "github.com/a/b", None).as_deref(),
        Some("pkg:golang/github.com/a/b")
    );
    assert_eq!(purl("unknown", "a", Some("1")), None);
    assert_eq!(purl("npm", "a b", Some("1")), None);
    assert_eq!(purl("npm", "a", Some("1 || 2")), None);
    assert_eq!(purl("npm", " ", None), None);
}

#[test]
fn cwe_parsing() {
    use common::parse_cwe;
    assert_eq!(parse_cwe("CWE-78: OS Command"), Some(78));
    assert_eq!(parse_cwe("cwe-079"), Some(79));
    assert_eq!(parse_cwe("CWE:22"), Some(22));
    assert_eq!(parse_cwe(" 89 "), Some(89));
    assert_eq!(parse_cwe("CWE-0"), None);
    assert_eq!(parse_cwe("CWE-"), None);
    assert_eq!(parse_cwe("OWASP A1"), None);
    assert_eq!(parse_cwe("CWE-99999999999999"), None);
}

#[test]
fn ghsa_in_urls() {
    let mut out = Vec::new();
    common::find_ghsa(
        "https://github.com/advisories/GHSA-6628-q6j9-w8vg",
        &mut out,
    );
    common::find_ghsa(
        "GHSA-6628-q6j9-w8vg and GHSA-xxxx-yyyy-zzzzz GHSA-12",
        &mut out,
    );
    common::find_ghsa("é GHSA-aaaa-bbbb-cccc,", &mut out);
    assert_eq!(out, vec!["GHSA-6628-q6j9-w8vg", "GHSA-aaaa-bbbb-cccc"]);
}

#[test]
fn cli_blank_path_has_no_location() {
    let f = ok(json!({"results": [{"check_id": "a", "path": " ", "start": {"line": 3}}]}));
    assert!(f[0].locations.is_empty());
}

#[test]
fn cli_duplicates_are_kept_for_the_normalizer() {
    let r = result(
        "java.cbc-padding-oracle",
        "A.java",
        66,
        json!({"severity": "WARNING", "message": "m"}),
    );
    let f = ok(cli(json!([r.clone(), r])));
    assert_eq!(f.len(), 2);
    assert_eq!(f[1].source_pointer, "/results/1");
}

#[test]
fn bom_and_long_identifiers() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    let long = "t".repeat(3000);
    input.extend_from_slice(
        cli(json!([result(
            "r",
            "a",
            1,
            json!({"metadata": {"category": long}})
        )]))
        .to_string()
        .as_bytes(),
    );
    let f = parse(&input).expect("parses");
    assert_eq!(f.len(), 1);
    assert!(f[0].tags[0].len() <= 1024);
}

#[test]
fn empty_results() {
    assert!(ok(json!({"results": [], "errors": []})).is_empty());
    assert!(ok(json!({"results": []})).is_empty());
}

// ---- App findings API -----------------------------------------------------------

#[test]
fn app_finding_fields() {
    let doc = json!({"findings": [{
        "id": 42,
        "match_based_id": "abc_0",
        "repository": {"name": "acme/web", "url": "https://github.com/acme/web"},
        "line_of_code_url": "https://github.com/acme/web/blob/0123/src/app.ts#L10",
        "triage_state": "untriaged",
        "state": "unresolved",
        "status": "open",
        "severity": "high",
        "confidence": "medium",
        "categories": ["security"],
        "rule_name": "typescript.react.security.audit.react-dangerouslysetinnerhtml",
        "rule_message": "Detected dangerouslySetInnerHTML.\nMore text.",
        "location": {"file_path": "src/app.ts", "line": 10, "column": 3, "end_line": 12, "end_column": 4},
        "rule": {
            "name": "ignored.because.rule_name.wins",
            "message": "rule message",
            "cwe_names": ["CWE-79: Cross-site Scripting", "CWE-80: Basic XSS"],
            "owasp_names": ["A03:2021 - Injection"]
        }
    }]});
    let f = ok(doc);
    let x = &f[0];
    assert_eq!(
        x.rule_id,
        "typescript.react.security.audit.react-dangerouslysetinnerhtml"
    );
    assert_eq!(x.title, "Detected dangerouslySetInnerHTML.");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("high"))
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "acme/web/src/app.ts".into(),
            start_line: Some(10),
            start_column: Some(3),
            end_line: Some(12),
            end_column: Some(4),
        }]
    );
    assert_eq!(x.cwes, vec![79, 80]);
    assert_eq!(
        x.tags,
        vec![
            "security",
            "confidence:medium",
            "triage:untriaged",
            "state:unresolved",
            "status:open",
            "repository:acme/web",
            "owasp:A03:2021 - Injection"
        ]
    );
    assert_eq!(x.source_pointer, "/findings/0");
    assert!(x.tool_version.is_none() && x.help_uri.is_none() && x.component.is_none());
}

#[test]
fn app_finding_fallbacks() {
    let f = ok(json!({"findings": [
        {"rule": {"name": "r.from.rule", "message": "from rule"}, "location": {"file_path": "a.py", "line": 0}},
        {},
        {"rule_name": "generic.secrets.gitleaks.aws", "severity": "critical",
         "validation_state": "confirmed_valid", "location": {"file_path": "/abs/.env", "line": 3}}
    ]}));
    assert_eq!(f[0].rule_id, "r.from.rule");
    assert_eq!(f[0].message, "from rule");
    assert_eq!(f[0].locations[0].path, "a.py");
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].severity_source, SeveritySource::Default);
    assert_eq!(f[1].rule_id, "unknown");
    assert_eq!(f[1].title, "unknown");
    assert!(f[1].locations.is_empty());
    assert_eq!(f[2].kind, FindingKind::Secret);
    // The App grades `critical` (it has no SARIF to agree with).
    assert_eq!(f[2].severity, Severity::Critical);
    assert_eq!(f[2].severity_source, SeveritySource::Tool);
    assert_eq!(f[2].locations[0].path, "/abs/.env");
}

#[test]
fn app_supply_chain_finding() {
    let f = ok(json!({"findings": [{
        "rule_name": "ssc-1e99e462",
        "severity": "high",
        "vulnerability_identifier": "CVE-2022-31129",
        "reachability": "reachable",
        "repository": {"name": "org/repo"},
        "location": {"file_path": "package-lock.json", "line": 14373},
        "found_dependency": {"package": "moment", "version": "2.29.2", "ecosystem": "npm", "transitivity": "direct"},
        "fix_recommendations": [{"package": "moment", "version": "2.29.4"}, {"package": "other", "version": "9"}],
        "rule": {"cwe_names": ["CWE-1333: ReDoS"]}
    }]}));
    let x = &f[0];
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(x.rule_id, "CVE-2022-31129");
    assert_eq!(x.vulnerability_ids, vec!["CVE-2022-31129"]);
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("moment", Some("2.29.2"))
    );
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/moment@2.29.2"));
    assert_eq!(c.fixed_versions, vec!["2.29.4"]);
    assert!(x.tags.contains(&"reachability:reachable".to_string()));
    assert!(x.tags.contains(&"semgrep-rule:ssc-1e99e462".to_string()));
    assert_eq!(x.locations[0].path, "org/repo/package-lock.json");
}

#[test]
fn app_empty_findings() {
    assert!(ok(json!({"findings": []})).is_empty());
}

// ---- App Supply Chain API --------------------------------------------------------

fn vuln(repo: &str, line: &str, version: &str) -> Value {
    json!({
        "title": "Reachable Assertion in grpc",
        "advisory": {
            "ruleId": "ssc-82207871",
            "title": "advisory title",
            "description": "grpc before 1.53.0 aborts.",
            "ecosystem": "pypi",
            "severity": "HIGH",
            "references": {
                "cveIds": ["CVE-2023-1428"],
                "cweIds": ["CWE-617: Reachable Assertion"],
                "owaspIds": ["A06:2021"],
                "urls": ["https://github.com/advisories/GHSA-6628-q6j9-w8vg", "https://nvd.nist.gov/x"]
            },
            "ruleText": "{\"id\": \"not parsed\"}",
            "reachability": "MANUAL_REVIEW_REACHABLE",
            "safeDependencies": [{"name": "grpcio", "versionSpecifier": "1.53.0"}]
        },
        "exposureType": "REACHABLE",
        "repositoryId": "136260",
        "repositoryName": repo,
        "matchedDependency": {"name": "grpcio", "versionSpecifier": version},
        "closestSafeDependency": {"name": "grpcio", "versionSpecifier": "1.53.2"},
        "dependencyFileLocation": {"path": "requirements.txt", "startLine": line, "startCol": "0",
                                   "endLine": "0", "endCol": "0", "url": "https://example.invalid"},
        "triage": {"status": "NEW"},
        "transitivity": "DIRECT"
    })
}

#[test]
fn sca_vuln_fields() {
    let f =
        ok(json!({"vulns": [vuln("acme/api", "222", "1.47.0")], "hasMore": false, "cursor": "1"}));
    let x = &f[0];
    assert_eq!(x.tool, "semgrep");
    assert_eq!(x.rule_id, "CVE-2023-1428");
    assert_eq!(x.title, "Reachable Assertion in grpc");
    assert_eq!(x.message, "grpc before 1.53.0 aborts.");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("HIGH"))
    );
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "acme/api/requirements.txt".into(),
            start_line: Some(222),
            start_column: None,
            end_line: None,
            end_column: None,
        }]
    );
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("grpcio", Some("1.47.0"))
    );
    assert_eq!(c.fixed_versions, vec!["1.53.2"]);
    assert_eq!(c.purl, None);
    assert_eq!(
        x.vulnerability_ids,
        vec!["CVE-2023-1428", "GHSA-6628-q6j9-w8vg"]
    );
    assert_eq!(x.cwes, vec![617]);
    assert_eq!(
        x.tags,
        vec![
            "exposure:reachable",
            "reachability:manual_review_reachable",
            "transitivity:direct",
            "triage:new",
            "repository:acme/api",
            "semgrep-rule:ssc-82207871"
        ]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://github.com/advisories/GHSA-6628-q6j9-w8vg")
    );
    assert_eq!(x.source_pointer, "/vulns/0");
}

#[test]
fn sca_same_place_in_two_repositories_stays_two() {
    let doc = json!({"vulns": [
        vuln("acme/a", "130", "1.39.0"),
        vuln("acme/b", "130", "1.39.0"),
        vuln("acme/a", "130", "1.39.0")
    ], "hasMore": true});
    let f = ok(doc);
    assert_eq!(f.len(), 3);
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 2);
}

#[test]
fn sca_vuln_fallbacks() {
    let f = ok(json!({"vulns": [
        {"advisory": {"ruleId": "ssc-1", "references": {"urls": ["https://github.com/advisories/GHSA-aaaa-bbbb-cccc"]},
                      "safeDependencies": [{"name": "x", "versionSpecifier": "2"}, {"name": "y", "versionSpecifier": "3"}]},
         "matchedDependency": {"name": "x", "versionSpecifier": "1"},
         "dependencyFileLocation": {"path": "go.sum", "startLine": 7}},
        {"advisory": {"ruleId": "ssc-2"}},
        {}
    ]}));
    assert_eq!(f[0].rule_id, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(f[0].locations[0].path, "go.sum");
    assert_eq!(f[0].locations[0].start_line, Some(7));
    assert_eq!(
        f[0].component.as_ref().map(|c| c.fixed_versions.clone()),
        Some(vec!["2".to_string()])
    );
    assert_eq!(f[1].rule_id, "ssc-2");
    assert_eq!(f[1].title, "ssc-2");
    assert_eq!(f[2].rule_id, "unknown");
    assert!(f[2].locations.is_empty() && f[2].component.is_none());
    assert_eq!(f[2].severity, Severity::Medium);
}

#[test]
fn never_panics_on_odd_shapes() {
    let docs = [
        json!({"results": [{"check_id": "", "path": "", "start": {}, "extra": {}}]}),
        json!({"results": null, "findings": [{"syntactic_id": 1}]}),
        json!({"findings": [{"match_based_id": "m", "location": {}, "repository": {}, "rule": {}, "fix_recommendations": [{}]}]}),
        json!({"vulns": [{"advisory": {"references": {}}, "matchedDependency": {}, "closestSafeDependency": {},
                          "dependencyFileLocation": {}, "triage": {}}]}),
        json!({"results": [{"check_id": "a", "path": "b", "start": {"line": 1},
            "extra": {"sca_info": {}, "metadata": {"sca-fix-versions": {"a": [1]}, "sca-vuln-database-identifier": 5}}}]}),
    ];
    for d in docs {
        let f = ok(d);
        assert!(
            f.iter()
                .all(|x| !x.rule_id.is_empty() && !x.title.is_empty())
        );
    }
}
