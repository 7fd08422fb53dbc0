//! Unit tests with small inline govulncheck documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_each_malformed, assert_empty_input_malformed, malformed,
    nested_arrays, severity_words, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(text: &str) -> Vec<Finding> {
    parse(text.as_bytes()).expect("parses")
}

fn ok_value(v: Value) -> Vec<Finding> {
    ok(&v.to_string())
}

fn config() -> Value {
    json!({"config": {"protocol_version": "v1.0.0", "scanner_name": "govulncheck", "scanner_version": "v1.1.3",
                      "db": "https://vuln.go.dev", "go_version": "go1.22.1", "scan_level": "symbol"}})
}

fn osv() -> Value {
    json!({"osv": {
        "schema_version": "1.3.1",
        "id": "GO-2024-2687",
        "aliases": ["CVE-2023-45288", "GHSA-4v7x-pqxf-cx7m"],
        "summary": "HTTP/2 CONTINUATION flood in net/http",
        "details": "An attacker may cause an HTTP/2 endpoint to read arbitrary amounts of header data.",
        "affected": [{"package": {"name": "golang.org/x/net", "ecosystem": "Go"},
                      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.23.0"}]}],
                      "ecosystem_specific": {"imports": [{"path": "golang.org/x/net/http2", "symbols": ["Framer.ReadFrame"]}]}}],
        "database_specific": {"url": "https://pkg.go.dev/vuln/GO-2024-2687"}
    }})
}

fn finding(trace: Value) -> Value {
    json!({"finding": {"osv": "GO-2024-2687", "fixed_version": "v0.23.0", "trace": trace}})
}

fn module_frame() -> Value {
    json!({"module": "golang.org/x/net", "version": "v0.21.0"})
}

fn package_frame() -> Value {
    json!({"module": "golang.org/x/net", "version": "v0.21.0", "package": "golang.org/x/net/http2"})
}

fn symbol_trace() -> Value {
    json!([
        {"module": "golang.org/x/net", "version": "v0.21.0", "package": "golang.org/x/net/http2",
         "function": "ReadFrame", "receiver": "*Framer"},
        {"module": "example.com/app", "package": "example.com/app/server", "function": "serve",
         "position": {"filename": "server/h2.go", "offset": 812, "line": 44, "column": 17}}
    ])
}

/// The messages as govulncheck writes them: pretty-printed, concatenated.
fn stream(messages: &[Value]) -> String {
    messages
        .iter()
        .map(|m| serde_json::to_string_pretty(m).expect("serialises"))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_errors_anywhere_in_the_stream_have_positions() {
    let text = format!(
        "{}\n{{\"progress\": {{\"message\": \"x\",}}}}",
        stream(&[config()])
    );
    let m = malformed(parse(text.as_bytes()).expect_err("rejected"));
    assert_eq!(m.position.line, Some(11));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
    // Truncated in the middle of a message.
    let full = stream(&[config(), osv()]);
    let cut = full.get(..full.len() - 10).expect("long enough");
    let m = malformed(parse(cut.as_bytes()).expect_err("rejected"));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    // Garbage between messages.
    let text = format!("{} x {}", config(), config());
    malformed(parse(text.as_bytes()).expect_err("rejected"));
    malformed(parse(b"[{\"config\": {}},]").expect_err("rejected"));
}

#[test]
fn wrong_types_are_malformed() {
    let bad = [
        json!([config(), {"finding": {"osv": 1}}]),
        json!([config(), {"finding": {"trace": {"module": "m"}}}]),
        json!([config(), {"finding": {"trace": [["m"]]}}]),
        json!([config(), {"osv": {"aliases": "CVE-1"}}]),
        json!([config(), {"osv": "GO-1"}]),
        json!([config(), {"finding": {"trace": [{"position": {"line": "4"}}]}}]),
        json!([[]]),
        json!(["config"]),
        json!({"Vulns": [{"OSV": {"id": "GO-1"}, "CallSink": "3"}]}),
        json!({"Vulns": {"a": 1}}),
        json!({"Requires": {"Modules": [1]}}),
    ];
    assert_each_malformed(parse, bad);
    let m = malformed(parse(b"{\"config\": {}}\n{\"finding\":\n []}").expect_err("rejected"));
    assert_eq!(m.position.line, Some(3));
    assert!(
        m.message.contains("not valid govulncheck JSON output"),
        "{}",
        m.message
    );
}

#[test]
fn sarif_is_unsupported_and_names_the_sarif_parser() {
    let sarif = json!({"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "govulncheck", "properties": {"protocol_version": "v1.0.0", "scanner_name": "govulncheck"}}},
                  "results": [{"ruleId": "GO-2024-2687", "message": {"text": "x"}}]}]});
    let m = unsupported(parse(sarif.to_string().as_bytes()).expect_err("rejected"));
    assert!(m.contains("SARIF"), "{m}");
    // Also when wrapped in an array or after other messages.
    unsupported(parse(json!([config(), sarif.clone()]).to_string().as_bytes()).expect_err("x"));
    unsupported(parse(stream(&[config(), sarif]).as_bytes()).expect_err("x"));
}

#[test]
fn other_documents_are_unsupported() {
    for text in [
        "{}",
        "[]",
        "{\"results\": []}",
        "[{\"a\": 1}, {\"b\": 2}]",
        "\"x\"",
        "12",
        "null",
        "{} {}",
    ] {
        unsupported(parse(text.as_bytes()).expect_err(text));
    }
}

#[test]
fn deep_nesting_is_an_error_never_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()).expect_err("rejected"));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()).expect_err("rejected"));
    malformed(parse("{\"a\":".repeat(DEEP).as_bytes()).expect_err("rejected"));
    let read = format!(r#"{{"finding": {{"trace": {}}}}}"#, nested_arrays(DEEP));
    malformed(parse(read.as_bytes()).expect_err("rejected"));
    let ignored = format!(r#"{{"config": {{}}, "extra": {}}}"#, nested_arrays(DEEP));
    assert_eq!(parse(ignored.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

// ---- the stream --------------------------------------------------------------------

#[test]
fn no_findings() {
    assert!(
        ok(&stream(&[
            config(),
            json!({"progress": {"message": "No vulnerabilities found."}})
        ]))
        .is_empty()
    );
    assert!(ok_value(json!([config()])).is_empty());
    // OSV records that no finding refers to are not findings.
    assert!(
        ok(&stream(&[
            config(),
            osv(),
            json!({"SBOM": {"go_version": "go1.22"}})
        ]))
        .is_empty()
    );
}

#[test]
fn finding_maps_every_field() {
    let text = stream(&[config(), osv(), finding(symbol_trace())]);
    let f = ok(&text);
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "govulncheck");
    assert_eq!(x.tool_version.as_deref(), Some("v1.1.3"));
    assert_eq!(x.rule_id, "GO-2024-2687");
    assert_eq!(x.title, "GO-2024-2687 in golang.org/x/net v0.21.0");
    assert_eq!(
        x.message,
        "HTTP/2 CONTINUATION flood in net/http\n\n\
         An attacker may cause an HTTP/2 endpoint to read arbitrary amounts of header data.\n\n\
         Reachability: symbol (a vulnerable function is called)\n\n\
         Trace:\n\
         golang.org/x/net/http2.Framer.ReadFrame\n\
         example.com/app/server.serve (server/h2.go:44:17)"
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("symbol"))
    );
    assert_eq!(x.kind, FindingKind::Sca);
    assert!(x.locations.is_empty());
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("golang.org/x/net", Some("v0.21.0"))
    );
    assert_eq!(c.fixed_versions, vec!["v0.23.0"]);
    assert!(c.purl.is_none());
    assert_eq!(
        x.vulnerability_ids,
        vec!["GO-2024-2687", "CVE-2023-45288", "GHSA-4v7x-pqxf-cx7m"]
    );
    assert!(x.cwes.is_empty());
    assert_eq!(x.tags, vec!["reachability:symbol"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://pkg.go.dev/vuln/GO-2024-2687")
    );
    // config is lines 1-10, the osv message 11-..., the finding after it.
    let osv_lines = serde_json::to_string_pretty(&osv())
        .expect("x")
        .lines()
        .count();
    assert_eq!(x.source_pointer, format!("line:{}", 11 + osv_lines));
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn levels_merge_to_the_deepest_reachability() {
    let text = stream(&[
        config(),
        osv(),
        finding(json!([module_frame()])),
        finding(json!([package_frame()])),
        finding(symbol_trace()),
        finding(symbol_trace()),
    ]);
    let f = ok(&text);
    // Deepest level first within the group; stream order otherwise.
    assert_eq!(
        severity_words(&f),
        vec![
            (Severity::High, "symbol"),
            (Severity::High, "symbol"),
            (Severity::Low, "package"),
            (Severity::Info, "module"),
        ]
    );
    assert!(
        f.iter()
            .all(|x| x.severity_source == cordon_sdk::SeveritySource::Tool)
    );
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    let mut sorted = pointers.clone();
    sorted.sort_by_key(|p| p.trim_start_matches("line:").parse::<usize>().unwrap_or(0));
    assert_eq!(pointers[0], sorted[2]);
    assert_eq!(pointers[3], sorted[0]);
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::High);
    assert!(n[0].message.contains("Reachability: symbol"));
    assert!(
        n[0].message
            .contains("example.com/app/server.serve (server/h2.go:44:17)")
    );
    assert_eq!(
        n[0].tags,
        vec![
            "reachability:module",
            "reachability:package",
            "reachability:symbol"
        ]
    );
}

#[test]
fn groups_keep_their_first_appearance() {
    let other_osv = json!({"osv": {"id": "GO-2025-1", "aliases": ["CVE-2025-1"]}});
    let other = |trace: Value| json!({"finding": {"osv": "GO-2025-1", "trace": trace}});
    let text = stream(&[
        config(),
        osv(),
        other_osv,
        finding(json!([module_frame()])),
        other(json!([{"module": "m", "version": "v1"}])),
        finding(symbol_trace()),
        other(json!([{"module": "m", "version": "v1", "package": "m/p"}])),
    ]);
    let f = ok(&text);
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.tool_severity.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        got,
        [
            ("GO-2024-2687", "symbol"),
            ("GO-2024-2687", "module"),
            ("GO-2025-1", "package"),
            ("GO-2025-1", "module"),
        ]
    );
}

#[test]
fn same_record_in_two_modules_stays_two() {
    let other = json!({"finding": {"osv": "GO-2024-2687", "trace": [{"module": "golang.org/x/net", "version": "v0.17.0"}]}});
    let f = normalizer_default::normalize(ok(&stream(&[
        config(),
        osv(),
        finding(json!([module_frame()])),
        other,
    ])));
    assert_eq!(f.len(), 2);
}

#[test]
fn array_form_and_order_of_messages() {
    // The finding comes before its OSV record: it is still described.
    let doc = json!([config(), finding(json!([package_frame()])), osv()]);
    let f = ok_value(doc);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].source_pointer, "/1");
    assert_eq!(f[0].severity, Severity::Low);
    assert!(f[0].message.starts_with("HTTP/2 CONTINUATION flood"));
    assert_eq!(f[0].vulnerability_ids.len(), 3);
}

#[test]
fn custom_osv_severity_wins() {
    let mut rec = osv();
    rec["osv"]["severity"] = json!("Critical");
    let f = ok_value(json!([config(), rec, finding(json!([module_frame()]))]));
    assert_eq!(
        (f[0].severity, f[0].tool_severity.as_deref()),
        (Severity::Critical, Some("Critical"))
    );
    // The OSV schema's list of vectors is not a severity name.
    let mut rec = osv();
    rec["osv"]["severity"] =
        json!([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]);
    let f = ok_value(json!([config(), rec, finding(json!([module_frame()]))]));
    assert_eq!(f[0].severity, Severity::Info);
    assert_eq!(severity_from_name("MODERATE"), Some(Severity::Medium));
    assert_eq!(severity_from_name("urgent"), None);
}

#[test]
fn odd_findings_do_not_panic() {
    let doc = json!([config(), {"finding": {}}, {"finding": {"trace": []}}, {"finding": {"osv": "GO-1", "trace": [{}]}},
                     {"finding": {"osv": "GO-2", "trace": [{"module": "m", "position": {"filename": "a.go", "line": -1, "column": 0}}, {"function": "f", "position": {"filename": "b.go", "line": 3}}]}}]);
    let f = ok_value(doc);
    assert_eq!(f.len(), 4);
    assert_eq!(f[0].rule_id, "unknown");
    assert!(f[0].component.is_none());
    assert_eq!(f[0].severity, Severity::Info);
    assert!(f[3].message.contains("m (a.go)"), "{}", f[3].message);
    assert!(f[3].message.contains("f (b.go:3)"), "{}", f[3].message);
    assert_eq!(
        f[3].help_uri.as_deref(),
        Some("https://pkg.go.dev/vuln/GO-2")
    );
    let frames: Vec<Value> = (0..100).map(|_| json!({"function": "f"})).collect();
    let f = ok_value(json!([{"finding": {"osv": "GO-3", "trace": frames}}]));
    assert_eq!(f[0].message.matches("\nf").count(), TRACE_MAX_FRAMES);
}

#[test]
fn ndjson_and_bom_are_streams_too() {
    let text = format!(
        "\u{feff}{}\n{}\n{}\n",
        config(),
        osv(),
        finding(symbol_trace())
    );
    let f = ok(&text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].source_pointer, "line:3");
}

// ---- pre-1.0 ----------------------------------------------------------------------

fn legacy() -> Value {
    let rec = osv()["osv"].clone();
    json!({
        "Calls": {"Functions": {"1": {"ID": 1, "Name": "main", "CallSites": null}}, "Entries": [1]},
        "Imports": {"Packages": {}},
        "Requires": {"Modules": {
            "1": {"ID": 1, "Path": "stdlib", "Version": "v1.21.0"},
            "2": {"ID": 2, "Path": "golang.org/x/net", "Version": "v0.21.0"}
        }},
        "Vulns": [
            {"OSV": rec, "Symbol": "Framer.ReadFrame", "PkgPath": "golang.org/x/net/http2", "ModPath": "golang.org/x/net",
             "CallSink": 7, "ImportSink": 3, "RequireSink": 2},
            {"OSV": rec, "Symbol": "Server.ServeConn", "PkgPath": "golang.org/x/net/http2", "ModPath": "golang.org/x/net",
             "CallSink": 0, "ImportSink": 3, "RequireSink": 2},
            {"OSV": {"id": "GO-2023-1", "aliases": ["CVE-2023-1"]}, "ModPath": "stdlib", "CallSink": 0, "ImportSink": 0, "RequireSink": 1},
            {"OSV": {"id": "GO-2023-2"}, "ModPath": "example.com/gone", "RequireSink": 99}
        ],
        "Modules": [{"Path": "stdlib"}]
    })
}

#[test]
fn legacy_maps_every_field() {
    let f = ok_value(legacy());
    assert_eq!(f.len(), 4);
    let x = &f[0];
    assert_eq!(x.rule_id, "GO-2024-2687");
    assert!(x.tool_version.is_none());
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("symbol"))
    );
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("golang.org/x/net", Some("v0.21.0"))
    );
    assert_eq!(c.fixed_versions, vec!["0.23.0"]);
    assert!(
        x.message
            .ends_with("Symbol: golang.org/x/net/http2.Framer.ReadFrame"),
        "{}",
        x.message
    );
    assert_eq!(x.source_pointer, "/Vulns/0");
    assert_eq!(f[1].severity, Severity::Low);
    assert_eq!(f[2].severity, Severity::Info);
    assert_eq!(
        f[2].component.as_ref().and_then(|c| c.version.as_deref()),
        Some("v1.21.0")
    );
    assert!(
        f[2].component
            .as_ref()
            .is_some_and(|c| c.fixed_versions.is_empty())
    );
    assert_eq!(
        f[3].component.as_ref().and_then(|c| c.version.clone()),
        None
    );
    // One per OSV id and module.
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 3);
    assert_eq!(n[0].severity, Severity::High);
}

#[test]
fn legacy_without_vulns() {
    assert!(
        ok_value(json!({"Calls": {"Functions": {}, "Entries": null}, "Vulns": null})).is_empty()
    );
    assert!(ok_value(json!({"Requires": {"Modules": {}}, "Vulns": []})).is_empty());
}
