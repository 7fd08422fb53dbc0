//! Unit tests with small inline npm audit documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_cuts_end_too_early, assert_empty_input_malformed,
    assert_invalid_json_at, assert_maps, malformed, nested_arrays, nested_objects, parses,
    unclosed_arrays, unsupported,
};
use serde_json::json;

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn v6_advisory() -> Value {
    json!({
        "findings": [
            {"version": "1.9.2", "paths": ["mocha>growl", "a>b>growl"], "dev": true},
            {"version": "1.8.0", "paths": ["c>growl"], "dev": true}
        ],
        "id": 146,
        "title": "Command Injection",
        "module_name": "growl",
        "cves": ["CVE-2017-16042"],
        "vulnerable_versions": "<1.10.2",
        "patched_versions": ">=1.10.2",
        "overview": "Unsanitised input reaches a shell.",
        "recommendation": "Update to version 1.10.2 or later.",
        "severity": "critical",
        "cwe": "CWE-94",
        "url": "https://npmjs.com/advisories/146"
    })
}

// ---- input errors -----------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_error_has_line_and_column() {
    let m = malformed(parse(b"{\n  \"advisories\": {,}\n}").expect_err("rejected"));
    assert_invalid_json_at(&m, 2);
    assert!(!m.message.contains(" at line "), "{}", m.message);
}

#[test]
fn truncated_input_is_malformed() {
    let full = json!({"advisories": {"146": v6_advisory()}}).to_string();
    assert_cuts_end_too_early(parse, &full, &[1, 10, full.len() / 2, full.len() - 1]);
}

#[test]
fn wrong_types_are_malformed_with_position() {
    let m = malformed(
        parse(b"{\"advisories\": {\n\"1\": {\"module_name\": 5}}}").expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid npm audit report"),
        "{}",
        m.message
    );
    // Missing required module name.
    let m = malformed(parse(b"{\"advisories\": {\"1\": {\"title\": \"x\"}}}").expect_err("no"));
    assert!(m.message.contains("module_name"), "{}", m.message);
    // An advisory that is an array, not an object.
    let m = malformed(parse(b"{\"advisories\": {\"1\": [\"growl\"]}}").expect_err("no"));
    assert!(m.message.contains("a JSON object"), "{}", m.message);
    // npm 7: `via` entries must be strings or objects, `nodes` strings.
    let doc = json!({"auditReportVersion": 2, "vulnerabilities": {"a": {"via": [5]}}});
    malformed(parse(doc.to_string().as_bytes()));
    let doc = json!({"auditReportVersion": 2, "vulnerabilities": {"a": {"nodes": "x"}}});
    malformed(parse(doc.to_string().as_bytes()));
    let doc = json!({"auditReportVersion": 2, "vulnerabilities": []});
    malformed(parse(doc.to_string().as_bytes()));
    // Version 2 must come with its vulnerabilities.
    let m = malformed(parse(br#"{"auditReportVersion": 2}"#).expect_err("no"));
    assert_eq!(m.position.pointer.as_deref(), Some("/vulnerabilities"));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let deep_array = unclosed_arrays(DEEP);
    malformed(parse(deep_array.as_bytes()));
    let inner = nested_arrays(DEEP);
    let doc = format!(r#"{{"advisories": {{"1": {{"module_name": "a", "x": {inner}}}}}}}"#);
    malformed(parse(doc.as_bytes()));
    let m = malformed(parse(doc.as_bytes()).expect_err("too deep"));
    assert!(m.message.contains("nested more than"), "{}", m.message);
    assert_eq!(m.position.line, Some(1));
    // 128 levels are fine; brackets inside strings do not count.
    let ok_depth = format!(
        r#"{{"advisories": {{}}, "x": {}"[[[[{{{{\"]"{}}}"#,
        "[".repeat(126),
        "]".repeat(126)
    );
    assert!(parse(ok_depth.as_bytes()).expect("parses").is_empty());
    let objects = nested_objects("a", DEEP, "");
    malformed(parse(objects.as_bytes()));
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"[1, 2]").expect_err("no"));
    assert!(m.contains("must be an object"), "{m}");
    let m = unsupported(parse(b"{}").expect_err("no"));
    assert!(m.contains("neither 'advisories'"), "{m}");
    let m = unsupported(parse(br#"{"version": "2.1.0", "runs": []}"#).expect_err("no"));
    assert!(m.contains("not an npm audit report"), "{m}");
    let m =
        unsupported(parse(br#"{"auditReportVersion": 3, "vulnerabilities": {}}"#).expect_err("no"));
    assert!(m.contains("auditReportVersion 3"), "{m}");
    let m = unsupported(
        parse(br#"{"auditReportVersion": "2", "vulnerabilities": {}}"#).expect_err("no"),
    );
    assert!(m.contains("\"2\""), "{m}");
}

#[test]
fn error_document_is_unsupported() {
    let doc = json!({"error": {"code": "ENOAUDIT", "summary": "registry does not support audit", "detail": ""}});
    let m = unsupported(parse(doc.to_string().as_bytes()).expect_err("no"));
    assert_eq!(
        m,
        "npm audit wrote an error document instead of a report: ENOAUDIT: registry does not support audit"
    );
    let m = unsupported(parse(br#"{"error": "boom"}"#).expect_err("no"));
    assert!(m.ends_with(": boom"), "{m}");
    // Even next to an (empty) advisories object.
    let doc = json!({"advisories": {}, "error": {"code": "ENOLOCK"}});
    let m = unsupported(parse(doc.to_string().as_bytes()).expect_err("no"));
    assert!(m.ends_with(": ENOLOCK"), "{m}");
}

// ---- npm 6 ----------------------------------------------------------------------

#[test]
fn npm6_maps_every_field() {
    let mut adv = v6_advisory();
    adv["github_advisory_id"] = json!("GHSA-qh2h-chj9-jffq");
    let f = ok(json!({"actions": [], "advisories": {"146": adv}, "muted": [], "metadata": {}}));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "npm-audit");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "GHSA-qh2h-chj9-jffq");
    assert_eq!(x.title, "growl: Command Injection");
    assert_eq!(x.severity, Severity::Critical);
    assert_eq!(x.tool_severity.as_deref(), Some("critical"));
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(x.cwes, vec![94]);
    assert_eq!(
        x.vulnerability_ids,
        vec!["CVE-2017-16042", "GHSA-qh2h-chj9-jffq"]
    );
    let paths: Vec<&str> = x.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, ["mocha>growl", "a>b>growl", "c>growl"]);
    assert!(x.locations.iter().all(|l| l.start_line.is_none()));
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "growl");
    assert_eq!(c.version.as_deref(), Some("1.9.2"));
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/growl@1.9.2"));
    assert_eq!(c.fixed_versions, vec![">=1.10.2"]);
    assert_eq!(x.tags, vec!["dev"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://npmjs.com/advisories/146")
    );
    assert_eq!(x.source_pointer, "/advisories/146");
    assert!(x.message.starts_with("Unsanitised input reaches a shell."));
    assert!(
        x.message.contains("Installed growl@1.8.0: c>growl"),
        "{}",
        x.message
    );
    assert!(x.fingerprint.is_empty());
    assert_eq!(x.input, 0);
}

#[test]
fn npm6_rule_id_falls_back_to_cve_then_number() {
    let mut a = v6_advisory();
    let f = ok(json!({"advisories": {"146": a.clone()}}));
    assert_eq!(f[0].rule_id, "CVE-2017-16042");
    a["cves"] = json!([]);
    a["patched_versions"] = json!("<0.0.0");
    a["findings"] = json!([{"version": "1.0.0", "paths": [], "dev": false}]);
    let f = ok(json!({"advisories": {"146": a}}));
    assert_eq!(f[0].rule_id, "npm-advisory-146");
    assert!(f[0].vulnerability_ids.is_empty());
    assert!(f[0].locations.is_empty());
    assert!(f[0].tags.is_empty());
    assert!(
        f[0].component
            .as_ref()
            .expect("c")
            .fixed_versions
            .is_empty()
    );
}

#[test]
fn npm6_minimal_advisory() {
    let f = ok(json!({"advisories": {"7": {"module_name": "@scope/pkg"}}}));
    let x = &f[0];
    assert_eq!(x.rule_id, "npm-advisory-7");
    assert_eq!(x.title, "@scope/pkg: npm-advisory-7");
    assert_eq!(x.severity, Severity::Medium);
    assert_eq!(x.tool_severity, None);
    let c = x.component.as_ref().expect("c");
    assert_eq!(c.version, None);
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/%40scope/pkg"));
    assert_eq!(x.source_pointer, "/advisories/7");
}

#[test]
fn npm6_keeps_document_order() {
    let doc = r#"{"advisories": {
        "900": {"module_name": "zeta", "severity": "low"},
        "10": {"module_name": "alpha", "severity": "high"}
    }}"#;
    let f = parse(doc.as_bytes()).expect("parses");
    let names: Vec<&str> = f
        .iter()
        .map(|x| x.component.as_ref().map(|c| c.name.as_str()).unwrap_or(""))
        .collect();
    assert_eq!(names, ["zeta", "alpha"]);
    assert_eq!(f[0].source_pointer, "/advisories/900");
}

#[test]
fn npm6_cwe_shapes() {
    let cases = [
        (json!(null), vec![]),
        (json!("CWE-"), vec![]),
        (json!("CWE-400"), vec![400]),
        (json!("cwe-79 "), vec![79]),
        (json!(["CWE-918", "CWE-1333"]), vec![918, 1333]),
        (json!("[\"CWE-915\",\"CWE-1321\"]"), vec![915, 1321]),
        (json!("[]"), vec![]),
        (json!([]), vec![]),
        (json!(["CWE-x", 5]), vec![]),
        (json!(42), vec![]),
    ];
    for (cwe, want) in cases {
        let mut a = v6_advisory();
        a["cwe"] = cwe.clone();
        let f = ok(json!({"advisories": {"1": a}}));
        assert_eq!(f[0].cwes, want, "{cwe}");
    }
}

#[test]
fn npm6_censors_git_hashes_in_paths() {
    let hash = "0123456789abcdef".repeat(4);
    let mut a = v6_advisory();
    a["findings"] =
        json!([{"version": "1.0.0", "paths": [format!("{hash}>send>mime"), format!("x>{hash}0")]}]);
    let f = ok(json!({"advisories": {"1": a}}));
    let paths: Vec<&str> = f[0].locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "censored_by_npm_audit>send>mime",
            "x>censored_by_npm_audit0"
        ]
    );
    assert_eq!(censor_hashes("abc>def"), "abc>def");
    assert_eq!(censor_hashes(""), "");
    assert_eq!(censor_hashes("é>ü"), "é>ü");
}

#[test]
fn npm6_empty_advisories() {
    assert!(ok(json!({"actions": [], "advisories": {}, "muted": []})).is_empty());
}

// ---- npm 7+ -------------------------------------------------------------------

/// An npm 7 report, written out so that key order is the document's.
const V7_DOC: &str = r#"{
  "auditReportVersion": 2,
  "vulnerabilities": {
    "debug": {
      "name": "debug", "severity": "high", "isDirect": true,
      "via": [
        {
          "source": 1094222, "name": "debug", "dependency": "debug",
          "title": "ReDoS in debug",
          "url": "https://github.com/advisories/GHSA-gxpj-cx7g-858c",
          "severity": "moderate", "cwe": ["CWE-400"],
          "cvss": {"score": 5.3, "vectorString": "CVSS:3.0/AV:N"},
          "range": "<2.6.9"
        },
        {
          "source": 1094457, "name": "debug", "title": "Inefficient regex",
          "url": "https://github.com/advisories/GHSA-9vvw-cc9w-f27h",
          "severity": "high", "cwe": ["CWE-1333", "CWE-400"], "range": "<2.6.9"
        },
        "ms"
      ],
      "effects": [], "range": "<=2.6.8",
      "nodes": ["node_modules/debug", "node_modules/a/node_modules/debug"],
      "fixAvailable": {"name": "express", "version": "4.18.3", "isSemVerMajor": false}
    },
    "@vercel/fun": {
      "name": "@vercel/fun", "severity": "moderate", "isDirect": false,
      "via": ["debug", "semver"], "effects": ["vercel"], "range": "<=1.1.0",
      "nodes": ["node_modules/@vercel/fun"],
      "fixAvailable": {"name": "@vercel/fun", "version": "1.2.0", "isSemVerMajor": true}
    },
    "ms": {
      "severity": "low",
      "via": [{"source": 77, "title": "ms ReDoS", "url": "https://npmjs.com/advisories/77"}],
      "nodes": [], "fixAvailable": true
    },
    "plain": {"via": [], "fixAvailable": false}
  },
  "metadata": {"vulnerabilities": {"total": 4}}
}"#;

fn v7() -> Vec<Finding> {
    parse(V7_DOC.as_bytes()).expect("parses")
}

#[test]
fn npm7_maps_advisory_packages() {
    let f = v7();
    assert_eq!(f.len(), 4);
    let x = &f[0];
    assert_eq!(x.rule_id, "GHSA-gxpj-cx7g-858c");
    assert_eq!(x.title, "debug: ReDoS in debug");
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.tool_severity.as_deref(), Some("high"));
    assert_eq!(
        x.vulnerability_ids,
        vec!["GHSA-gxpj-cx7g-858c", "GHSA-9vvw-cc9w-f27h"]
    );
    assert_eq!(x.cwes, vec![400, 1333]);
    let paths: Vec<&str> = x.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        ["node_modules/debug", "node_modules/a/node_modules/debug"]
    );
    let c = x.component.as_ref().expect("c");
    assert_eq!(c.name, "debug");
    assert_eq!(c.version, None);
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/debug"));
    assert!(c.fixed_versions.is_empty());
    assert_eq!(
        x.tags,
        vec!["direct", "fix-available", "fix-via:express@4.18.3"]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://github.com/advisories/GHSA-gxpj-cx7g-858c")
    );
    assert_eq!(x.source_pointer, "/vulnerabilities/debug");
    assert!(
        x.message.contains("Depends on vulnerable versions of ms"),
        "{}",
        x.message
    );
    assert!(
        x.message.contains("update express to 4.18.3"),
        "{}",
        x.message
    );
    assert_eq!(x.kind, FindingKind::Sca);
}

#[test]
fn npm7_maps_transitive_and_bare_packages() {
    let f = v7();
    let t = &f[1];
    assert_eq!(t.rule_id, TRANSITIVE_RULE);
    assert_eq!(t.title, "@vercel/fun: depends on vulnerable debug, semver");
    assert_eq!(t.severity, Severity::Medium);
    assert!(t.vulnerability_ids.is_empty());
    assert!(t.cwes.is_empty());
    assert_eq!(
        t.tags,
        vec!["transitive", "fix-available", "fix-is-semver-major"]
    );
    let c = t.component.as_ref().expect("c");
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/%40vercel/fun"));
    assert_eq!(c.fixed_versions, vec!["1.2.0"]);
    assert_eq!(t.source_pointer, "/vulnerabilities/@vercel~1fun");
    assert_eq!(t.help_uri, None);

    let m = &f[2];
    assert_eq!(m.rule_id, "npm-advisory-77");
    assert_eq!(m.component.as_ref().expect("c").name, "ms");
    assert_eq!(m.tags, vec!["fix-available"]);
    assert!(m.locations.is_empty());
    assert!(m.vulnerability_ids.is_empty());

    let p = &f[3];
    assert_eq!(p.rule_id, TRANSITIVE_RULE);
    assert_eq!(p.title, "plain: vulnerable package");
    assert_eq!(p.severity, Severity::Medium);
    assert_eq!(p.tags, vec!["transitive"]);
}

#[test]
fn npm7_dedup_keeps_every_package() {
    let f = normalizer_default::normalize(v7());
    assert_eq!(f.len(), 4);
}

#[test]
fn npm7_dry_run_wrapper() {
    let doc = format!(r#"{{"added": 1, "removed": 0, "audit": {V7_DOC}}}"#);
    let f = parse(doc.as_bytes()).expect("parses");
    assert_eq!(f.len(), 4);
    assert_eq!(f[0].source_pointer, "/audit/vulnerabilities/debug");
    let doc = json!({"audit": {"error": {"code": "EAUDITNOLOCK", "summary": "no lockfile"}}});
    let m = unsupported(parse(doc.to_string().as_bytes()).expect_err("no"));
    assert!(m.contains("EAUDITNOLOCK"), "{m}");
}

#[test]
fn npm7_empty_and_bom() {
    let doc =
        b"\xEF\xBB\xBF\n{\"auditReportVersion\": 2, \"vulnerabilities\": {}, \"metadata\": {}}";
    assert!(parse(doc).expect("parses").is_empty());
}

#[test]
fn severity_table() {
    use cordon_sdk::SeveritySource::{Default, Tool};
    assert_maps(
        severity,
        &[
            (Some("critical"), (Severity::Critical, Tool)),
            (Some("HIGH"), (Severity::High, Tool)),
            (Some("moderate"), (Severity::Medium, Tool)),
            (Some("medium"), (Severity::Medium, Tool)),
            (Some("low"), (Severity::Low, Tool)),
            (Some("info"), (Severity::Info, Tool)),
            (Some("bogus"), (Severity::Medium, Default)),
            (None, (Severity::Medium, Default)),
        ],
    );
}

#[test]
fn long_strings_are_capped() {
    let long = "x".repeat(5000);
    let mut a = v6_advisory();
    a["module_name"] = json!(long.clone());
    a["title"] = json!(long.clone());
    a["github_advisory_id"] = json!(long.clone());
    let f = ok(json!({"advisories": {"1": a}}));
    assert!(f[0].rule_id.len() <= 1024);
    assert!(f[0].title.len() <= 4096);
    assert!(f[0].component.as_ref().expect("c").name.len() <= 1024);
    assert!(f[0].vulnerability_ids.iter().all(|v| v.len() <= 1024));
    assert_eq!(cap("ééé", 4), "…");
    assert_eq!(cap("abc", 3), "abc");
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let doc = V7_DOC;
    for cut in 0..doc.len() {
        let _ = parse(&doc.as_bytes()[..cut]);
    }
}
