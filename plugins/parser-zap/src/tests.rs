//! Unit tests with small inline ZAP reports, JSON and XML.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_cuts_end_too_early, assert_each_malformed, assert_each_unsupported,
    assert_empty_input_malformed, assert_invalid_json_at, malformed, nested_arrays, parses,
    unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn alert(pluginid: &str, riskcode: &str, confidence: &str) -> Value {
    json!({
        "pluginid": pluginid,
        "alertRef": format!("{pluginid}-1"),
        "alert": "Content Security Policy (CSP) Header Not Set",
        "name": "Content Security Policy (CSP) Header Not Set",
        "riskcode": riskcode,
        "confidence": confidence,
        "riskdesc": "Medium (High)",
        "desc": "<p>Content Security Policy (CSP) is an added layer of security.</p><p>It helps.</p>",
        "instances": [
            {"uri": "http://shop.example/login?token=s3cr3t#top", "method": "GET", "param": "",
             "attack": "", "evidence": "Set-Cookie: session=abc", "otherinfo": "secret"},
            {"uri": "http://shop.example/login?token=other", "method": "POST", "param": "x"},
            {"uri": "http://shop.example", "method": "GET"}
        ],
        "count": "3",
        "solution": "<p>Set the Content-Security-Policy header.</p>",
        "otherinfo": "<p>Other info</p>",
        "reference": "<p>https://developer.mozilla.org/en-US/docs/Web/Security/CSP</p><p>https://example.org/2</p>",
        "cweid": "693",
        "wascid": "15",
        "sourceid": "1"
    })
}

fn report(alerts: Vec<Value>) -> Value {
    json!({
        "@programName": "ZAP",
        "@version": "2.14.0",
        "@generated": "Sun, 7 Apr 2024 01:18:39",
        "site": [{
            "@name": "http://shop.example",
            "@host": "shop.example",
            "@port": "80",
            "@ssl": "false",
            "alerts": alerts
        }]
    })
}

const XML: &str = r#"<?xml version="1.0"?>
<OWASPZAPReport programName="ZAP" version="2.16.1" generated="Sun, 22 Jun 2025 04:04:14">
  <site name="http://shop.example" host="shop.example" port="80" ssl="false">
    <alerts>
      <alertitem>
        <pluginid>10038</pluginid>
        <alertRef>10038-1</alertRef>
        <alert>Content Security Policy (CSP) Header Not Set</alert>
        <name>Content Security Policy (CSP) Header Not Set</name>
        <riskcode>2</riskcode>
        <confidence>3</confidence>
        <riskdesc>Medium (High)</riskdesc>
        <desc>&lt;p&gt;Content Security Policy (CSP) is an added layer of security.&lt;/p&gt;&lt;p&gt;It helps.&lt;/p&gt;</desc>
        <instances>
          <instance>
            <uri>http://shop.example/login?token=s3cr3t#top</uri>
            <method>GET</method>
            <evidence>Set-Cookie: session=abc</evidence>
            <requestheader>GET /login HTTP/1.1&#10;Cookie: session=abc</requestheader>
          </instance>
          <instance><uri>http://shop.example/login?token=other</uri><method>POST</method></instance>
          <instance><uri>http://shop.example</uri></instance>
        </instances>
        <count>3</count>
        <solution>&lt;p&gt;Set the Content-Security-Policy header.&lt;/p&gt;</solution>
        <otherinfo>secret</otherinfo>
        <reference>&lt;p&gt;https://developer.mozilla.org/en-US/docs/Web/Security/CSP&lt;/p&gt;&lt;p&gt;https://example.org/2&lt;/p&gt;</reference>
        <cweid>693</cweid>
        <wascid>15</wascid>
        <sourceid>1</sourceid>
      </alertitem>
    </alerts>
  </site>
</OWASPZAPReport>
"#;

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn json_syntax_errors_and_truncation() {
    let m =
        malformed(parse(b"{\n  \"site\": [\n   {\"@name\": \"x\",,}\n]}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let text = report(vec![alert("10038", "2", "3")]).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 20, text.len() / 2, text.len() - 1]);
}

#[test]
fn xml_errors_have_line_and_column() {
    let m = malformed(
        parse(b"<?xml version=\"1.0\"?>\n<OWASPZAPReport>\n  <site>\n</OWASPZAPReport>")
            .expect_err("rejected"),
    );
    assert!(m.message.starts_with("invalid XML"), "{}", m.message);
    assert_eq!(m.position.line, Some(4));
    assert!(m.position.column.is_some());
    for cut in [1, 5, 60, XML.len() / 2, XML.len() - 3] {
        let m = malformed(parse(&XML.as_bytes()[..cut]).expect_err("truncated"));
        assert!(m.message.starts_with("invalid XML"), "{cut}: {}", m.message);
        assert!(m.position.line.is_some(), "{cut}");
    }
    // Blank lines before the declaration are skipped, and counted.
    let m = malformed(
        parse(b"\n\n  <?xml version=\"1.0\"?>\n<OWASPZAPReport><x></OWASPZAPReport>")
            .expect_err("no"),
    );
    assert_eq!(m.position.line, Some(4));
    let m = malformed(parse(b"  <OWASPZAPReport><x></OWASPZAPReport>").expect_err("no"));
    assert_eq!((m.position.line, m.position.column), (Some(1), Some(22)));
    let m = malformed(parse(b"<OWASPZAPReport>\n<x>\xff</x></OWASPZAPReport>").expect_err("no"));
    assert_eq!(m.position.line, Some(2));
    assert!(m.message.contains("not UTF-8"), "{}", m.message);
}

#[test]
fn xml_dtd_and_entity_expansion_are_refused() {
    let doc = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<OWASPZAPReport><site><alerts/></site></OWASPZAPReport>"#;
    let m = malformed(parse(doc.as_bytes()).expect_err("no"));
    assert!(m.message.starts_with("invalid XML"), "{}", m.message);
    let m = malformed(parse(b"<OWASPZAPReport>&lol;</OWASPZAPReport>").expect_err("no"));
    assert!(m.message.starts_with("invalid XML"), "{}", m.message);
}

#[test]
fn wrong_types_and_missing_fields_are_malformed() {
    let m = malformed(
        parse(b"{\"site\": [\n{\"alerts\": [{\"pluginid\": true}]}]}").expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid ZAP JSON report"),
        "{}",
        m.message
    );
    let m = malformed(parse(b"{\"site\": [{\"alerts\": [{\"alert\": \"x\"}]}]}").expect_err("no"));
    assert!(
        m.message.contains("missing field `pluginid`"),
        "{}",
        m.message
    );
    assert_each_malformed(
        parse,
        [
            json!({"site": 5}),
            json!({"site": ["x"]}),
            json!({"site": [{"alerts": "x"}]}),
            json!({"site": [{"@name": 3, "alerts": []}]}),
            json!({"site": [{"alerts": [{"pluginid": "1", "riskcode": 1.5}]}]}),
            json!({"site": [{"alerts": [{"pluginid": "1", "confidence": [3]}]}]}),
            json!({"site": [{"alerts": [{"pluginid": "1", "desc": 3}]}]}),
            json!({"site": [{"alerts": [{"pluginid": "1", "instances": 5}]}]}),
            json!({"site": [{"alerts": [{"pluginid": "1", "instances": [{"method": "GET"}]}]}]}),
            json!({"site": [{"alerts": [{"pluginid": "1", "instances": [{"uri": null}]}]}]}),
            json!({"@version": 2, "site": []}),
        ],
    );
    let m = malformed(
        parse(b"<OWASPZAPReport><site><alerts>\n  <alertitem><alert>x</alert></alertitem></alerts></site></OWASPZAPReport>")
            .expect_err("no"),
    );
    assert!(m.message.contains("without <pluginid>"), "{}", m.message);
    assert_eq!((m.position.line, m.position.column), (Some(2), Some(3)));
    let m = malformed(
        parse(b"<OWASPZAPReport><site><alerts><alertitem><pluginid>1</pluginid><instances><instance><method>GET</method></instance></instances></alertitem></alerts></site></OWASPZAPReport>")
            .expect_err("no"),
    );
    assert!(m.message.contains("without <uri>"), "{}", m.message);
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"[]").expect_err("rejected"));
    assert!(m.contains("must be an object"), "{m}");
    unsupported(parse(b"null"));
    unsupported(parse(b"42"));
    malformed(parse(b"{\"a\": "));
    malformed(parse(b"nonsense"));
    let m = unsupported(parse(b"{\"runs\": []}").expect_err("rejected"));
    assert!(m.contains("no `site`"), "{m}");
    let m = unsupported(parse(b"{\"@programName\": \"Burp\", \"site\": []}").expect_err("no"));
    assert!(m.contains("@programName"), "{m}");
    assert_each_unsupported(
        parse,
        [
            json!({"results": [], "errors": []}),
            json!({"reportSchema": "1.1", "dependencies": []}),
            json!([{"code": "DL3008", "file": "Dockerfile"}]),
        ],
    );
    let m = unsupported(
        parse(b"<?xml version=\"1.0\"?><analysis><dependencies/></analysis>").expect_err("no"),
    );
    assert!(m.contains("root element is <analysis>"), "{m}");
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(
        format!("{{\"site\": {}}}", nested_arrays(DEEP)).as_bytes(),
    ));
    malformed(parse("{".repeat(DEEP).as_bytes()));
    // In an unknown field: skipped without recursion.
    let doc = format!(
        r#"{{"site": [{{"alerts": [{{"pluginid": "1", "extra": {}}}]}}]}}"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
    let xml = format!(
        "<OWASPZAPReport>{}{}</OWASPZAPReport>",
        "<a>".repeat(DEEP),
        "</a>".repeat(DEEP)
    );
    let m = malformed(parse(xml.as_bytes()).expect_err("too deep"));
    assert!(m.message.contains("nested more than"), "{}", m.message);
    assert_eq!(m.position.line, Some(1));
}

// ---- mapping ------------------------------------------------------------------------

fn assert_mapped(x: &Finding, version: &str) {
    assert_eq!(x.tool, "zap");
    assert_eq!(x.tool_version.as_deref(), Some(version));
    assert_eq!(x.rule_id, "10038");
    assert_eq!(x.title, "Content Security Policy (CSP) Header Not Set");
    assert_eq!(
        x.message,
        "Content Security Policy (CSP) is an added layer of security.\n\nIt helps.\n\n\
         Solution: Set the Content-Security-Policy header."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref(), x.severity_source),
        (
            Severity::Medium,
            Some("Medium (High)"),
            SeveritySource::Tool
        )
    );
    assert_eq!(x.kind, FindingKind::Dast);
    let paths: Vec<&str> = x.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, ["http://shop.example", "http://shop.example/login"]);
    assert!(x.locations.iter().all(|l| l.start_line.is_none()
        && l.start_column.is_none()
        && l.end_line.is_none()
        && l.end_column.is_none()));
    assert_eq!(x.cwes, vec![693]);
    assert_eq!(x.tags, ["confidence:high", "wasc:15", "alert-ref:10038-1"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://developer.mozilla.org/en-US/docs/Web/Security/CSP")
    );
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert!(x.fingerprint.is_empty() && x.input == 0);
    // Nothing of the request, the evidence or the query string leaks.
    for secret in ["s3cr3t", "session=abc", "secret", "token", "Other info"] {
        assert!(!format!("{x:?}").contains(secret), "{secret}");
    }
}

#[test]
fn json_fields() {
    let f = ok(report(vec![alert("10038", "2", "3")]));
    assert_eq!(f.len(), 1);
    assert_mapped(&f[0], "2.14.0");
    assert_eq!(f[0].source_pointer, "/site/0/alerts/0");
}

#[test]
fn xml_fields_match_json() {
    let f = parse(XML.as_bytes()).expect("parses");
    assert_eq!(f.len(), 1);
    assert_mapped(&f[0], "2.16.1");
    assert_eq!(
        f[0].source_pointer,
        "/OWASPZAPReport/site[1]/alerts/alertitem[1]"
    );
}

#[test]
fn severity_table() {
    let cases = [
        ("3", "High (Medium)", Severity::High, SeveritySource::Tool),
        (
            "2",
            "Medium (Medium)",
            Severity::Medium,
            SeveritySource::Tool,
        ),
        ("1", "Low (Medium)", Severity::Low, SeveritySource::Tool),
        (
            "0",
            "Informational (Medium)",
            Severity::Info,
            SeveritySource::Tool,
        ),
        (
            "9",
            "Informational (Low)",
            Severity::Info,
            SeveritySource::Tool,
        ),
        ("", "High", Severity::High, SeveritySource::Tool),
        (
            "x",
            "!reports.report.risk.3!",
            Severity::Medium,
            SeveritySource::Default,
        ),
    ];
    let alerts: Vec<Value> = cases
        .iter()
        .map(|(code, desc, _, _)| json!({"pluginid": "1", "riskcode": code, "riskdesc": desc}))
        .collect();
    let f = ok(report(alerts));
    for (x, (code, desc, sev, source)) in f.iter().zip(cases) {
        assert_eq!(
            (x.severity, x.severity_source),
            (sev, source),
            "{code} {desc}"
        );
        assert_eq!(x.tool_severity.as_deref(), Some(desc));
    }
    let f = ok(report(vec![
        json!({"pluginid": 1, "riskcode": 3}),
        json!({"pluginid": "1"}),
    ]));
    assert_eq!(
        (f[0].severity, f[0].tool_severity.as_deref()),
        (Severity::High, Some("3"))
    );
    assert_eq!(
        (
            f[1].severity,
            f[1].severity_source,
            f[1].tool_severity.as_deref()
        ),
        (Severity::Medium, SeveritySource::Default, None)
    );
}

#[test]
fn confidence_and_false_positives() {
    let f = ok(report(
        ["0", "1", "2", "3", "4", "7"]
            .iter()
            .map(|c| alert("10038", "3", c))
            .collect(),
    ));
    let words: Vec<&str> = f.iter().map(|x| x.tags[0].as_str()).collect();
    assert_eq!(
        words,
        [
            "confidence:false-positive",
            "confidence:low",
            "confidence:medium",
            "confidence:high",
            "confidence:confirmed",
            "confidence:7"
        ]
    );
    // A false positive is kept, at its risk, marked in its tags and title.
    assert_eq!(f[0].severity, Severity::High);
    assert!(f[0].tags.contains(&"false-positive".to_string()));
    assert!(f[0].title.ends_with(" (false positive)"), "{}", f[0].title);
    assert!(
        f[1..]
            .iter()
            .all(|x| !x.tags.contains(&"false-positive".into()))
    );
    // Confidence is not part of the message, so the fingerprint survives it.
    assert!(f.iter().all(|x| x.message == f[0].message));
}

#[test]
fn odd_values() {
    let f = ok(report(vec![
        json!({"pluginid": " ", "alertRef": "40012", "cweid": "-1", "wascid": "0",
               "reference": "<p>see the docs</p>"}),
        json!({"pluginid": null, "name": "Only a name\nsecond line", "cweid": "0",
               "reference": "", "instances": [{"uri": " "}, {"uri": "?q=1"}]}),
        json!({"pluginid": "90005", "alertRef": "90005", "cweid": 352, "wascid": 9,
               "alert": "  ", "desc": "a < b & c"}),
    ]));
    assert_eq!(f[0].rule_id, "40012");
    assert_eq!(f[0].title, "40012");
    assert!(f[0].cwes.is_empty());
    assert!(!f[0].tags.iter().any(|t| t.starts_with("wasc:")));
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some("https://www.zaproxy.org/docs/alerts/40012/")
    );
    assert!(f[0].message.is_empty());
    assert_eq!(f[1].rule_id, "unknown");
    assert_eq!(f[1].title, "Only a name");
    assert_eq!(f[1].help_uri, None);
    let paths: Vec<&str> = f[1].locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, ["http://shop.example"], "blank URIs are no location");
    assert_eq!(f[2].cwes, vec![352]);
    assert_eq!(
        f[2].tags,
        ["wasc:9"],
        "no alert-ref tag when it is the plugin id"
    );
    assert_eq!(f[2].title, "90005");
    assert_eq!(f[2].message, "a < b & c");
}

#[test]
fn single_objects_and_pointers() {
    // Older reports (converted from XML) write one site or alert as an object.
    let doc = json!({
        "@version": "2.7.0",
        "site": {"@name": "https://a.example", "alerts": {"pluginid": "1",
                 "instances": {"uri": "https://a.example/x"}}}
    });
    let f = ok(doc);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].source_pointer, "/site/alerts");
    let paths: Vec<&str> = f[0].locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, ["https://a.example", "https://a.example/x"]);

    let doc = json!({"site": [
        {"@name": "https://a.example", "alerts": []},
        {"alerts": [{"pluginid": "1"}, {"pluginid": "2", "instances": [{"uri": "https://b.example/"}]}]}
    ]});
    let f = ok(doc);
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(pointers, ["/site/1/alerts/0", "/site/1/alerts/1"]);
    assert!(f[0].locations.is_empty(), "no site name, no instances");
    assert_eq!(f[1].locations[0].path, "https://b.example/");

    let xml = "<OWASPZAPReport><site name='a'><alerts/></site><site name='b'><alerts>\
               <alertitem><pluginid>1</pluginid></alertitem><alertitem><pluginid>2</pluginid></alertitem>\
               </alerts></site><site/></OWASPZAPReport>";
    let f = parse(xml.as_bytes()).expect("parses");
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/OWASPZAPReport/site[2]/alerts/alertitem[1]",
            "/OWASPZAPReport/site[2]/alerts/alertitem[2]"
        ]
    );
    assert_eq!(f[0].tool_version, None);
}

#[test]
fn clean_runs() {
    assert!(ok(report(vec![])).is_empty());
    assert!(ok(json!({"@programName": "ZAP", "site": []})).is_empty());
    assert!(ok(json!({"@programName": "OWASP ZAP", "site": [{"@name": "x"}]})).is_empty());
    let xml = "<?xml version=\"1.0\"?><OWASPZAPReport version=\"2.9.0\">\n<site name=\"https://a\"><alerts></alerts></site></OWASPZAPReport>";
    assert!(parse(xml.as_bytes()).expect("parses").is_empty());
}

#[test]
fn dedup_counts_alerts_per_site() {
    // One alert on two sites stays two; the same alert twice on one site
    // (ZAP splits an alert by confidence) is one; another variant of one
    // plugin (a different description) stays apart.
    let mut other_site = report(vec![alert("10038", "2", "3")]);
    other_site["site"][0]["@name"] = json!("http://other.example");
    let mut variant = alert("10038", "2", "3");
    variant["desc"] = json!("<p>Another problem.</p>");
    let mut doc = report(vec![
        alert("10038", "2", "3"),
        alert("10038", "1", "1"),
        variant,
    ]);
    let extra = other_site["site"][0].clone();
    if let Some(sites) = doc["site"].as_array_mut() {
        sites.push(extra);
    }
    let f = ok(doc);
    assert_eq!(f.len(), 4);
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 3);
    assert_eq!(
        n[0].severity,
        Severity::Medium,
        "the higher severity is kept"
    );
}

#[test]
fn bom_is_skipped() {
    for text in [
        report(vec![alert("1", "2", "3")]).to_string(),
        XML.to_string(),
    ] {
        let mut input = b"\xEF\xBB\xBF  \n".to_vec();
        input.extend_from_slice(text.as_bytes());
        assert_eq!(parse(&input).expect("parses").len(), 1);
    }
}

#[test]
fn many_instances_are_capped_quickly() {
    let instances: Vec<Value> = (0..50_000)
        .map(|i| json!({"uri": format!("http://shop.example/p{i}?x={i}")}))
        .collect();
    let f = ok(report(vec![
        json!({"pluginid": "1", "instances": instances}),
    ]));
    assert_eq!(f[0].locations.len(), cordon_sdk::MAX_LOCATIONS);
    assert_eq!(f[0].locations[1].path, "http://shop.example/p0");
}
