//! The repository's own govulncheck fixtures (`tests/fixtures/govulncheck/`
//! at the repository root), hand-written for cordon: one per shape.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/govulncheck")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn concatenated_stream() {
    let bytes = fixture("stream.json");
    let f = parser_govulncheck::parse(&bytes).expect("parses");
    // Five finding messages; the unused GO-2023-2153 record gives none.
    assert_eq!(f.len(), 5);
    assert!(f.iter().all(|x| x.tool == "govulncheck"
        && x.tool_version.as_deref() == Some("v1.1.3")
        && x.kind == FindingKind::Sca));
    // Grouped by first appearance (x/net, then x/crypto), deepest level first.
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.tool_severity.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        got,
        [
            ("GO-2024-2687", "symbol"),
            ("GO-2024-2687", "package"),
            ("GO-2024-2687", "module"),
            ("GO-2025-3487", "package"),
            ("GO-2025-3487", "module"),
        ]
    );

    // Every pointer names the line where its message starts.
    let text = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    for x in &f {
        let n: usize = x
            .source_pointer
            .strip_prefix("line:")
            .and_then(|n| n.parse().ok())
            .expect("line pointer");
        assert_eq!(lines.get(n - 1).copied(), Some("{"), "{}", x.source_pointer);
        assert_eq!(
            lines.get(n).copied(),
            Some("  \"finding\": {"),
            "{}",
            x.source_pointer
        );
    }

    let call = &f[0];
    assert!(
        call.message
            .contains("golang.org/x/net/http2.Server.ServeConn")
    );
    assert!(
        call.message
            .contains("example.com/ledger/cmd/ledger.main (cmd/ledger/main.go:21:15)")
    );

    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 2);
    let net = &n[0];
    assert_eq!(net.rule_id, "GO-2024-2687");
    assert_eq!(net.severity, Severity::High);
    assert_eq!(
        net.vulnerability_ids,
        vec!["CVE-2023-45288", "GHSA-4V7X-PQXF-CX7M", "GO-2024-2687"]
    );
    let c = net.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("golang.org/x/net", Some("v0.21.0"))
    );
    assert_eq!(c.fixed_versions, vec!["v0.23.0"]);
    let crypto = &n[1];
    assert_eq!(crypto.rule_id, "GO-2025-3487");
    assert_eq!(crypto.severity, Severity::Low);
}

#[test]
fn array_of_messages() {
    let f = parser_govulncheck::parse(&fixture("array.json")).expect("parses");
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool_version.as_deref(), Some("v1.0.1"));
    assert_eq!(x.rule_id, "GO-2022-1059");
    assert_eq!(x.title, "GO-2022-1059 in golang.org/x/text v0.3.7");
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.source_pointer, "/3");
    assert_eq!(
        x.vulnerability_ids,
        vec!["GO-2022-1059", "CVE-2022-32149", "GHSA-69ch-w2m2-3vjp"]
    );
}

#[test]
fn pre_1_0_result() {
    let f = parser_govulncheck::parse(&fixture("legacy.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[1].severity, Severity::Low);
    assert!(f.iter().all(|x| x.tool_version.is_none()));
    let c = f[0].component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("golang.org/x/text", Some("v0.3.5"))
    );
    assert_eq!(c.fixed_versions, vec!["0.3.7"]);
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some("https://pkg.go.dev/vuln/GO-2021-0113")
    );
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::High);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("array.json");
    let last = bytes
        .iter()
        .rposition(|&b| b == b']')
        .expect("has a closing bracket");
    for n in 0..=last {
        let prefix = bytes.get(..n).expect("in range");
        match parser_govulncheck::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
    // A stream cut after a complete message is a shorter stream; cut inside
    // a message it is malformed. Either way, no panic.
    let bytes = fixture("stream.json");
    for n in (0..bytes.len()).step_by(7) {
        let _ = parser_govulncheck::parse(bytes.get(..n).expect("in range"));
    }
}
