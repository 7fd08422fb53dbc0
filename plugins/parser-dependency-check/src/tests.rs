//! Unit tests with small inline Dependency-Check reports.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_empty_input_malformed, malformed, nested_arrays, unsupported,
};
use serde_json::{Value, json};

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd">
  <scanInfo><engineVersion>8.4.0</engineVersion></scanInfo>
  <projectInfo><name>shop</name></projectInfo>
  <dependencies>
    <dependency isVirtual="false">
      <fileName>commons-text-1.9.jar</fileName>
      <filePath>/work/lib/commons-text-1.9.jar</filePath>
    </dependency>
    <dependency isVirtual="false">
      <fileName>log4j-core-2.14.1.jar</fileName>
      <filePath>/work/lib/log4j-core-2.14.1.jar</filePath>
      <relatedDependencies>
        <relatedDependency>
          <fileName>log4j-core-2.14.1.jar</fileName>
          <filePath>/work/other/log4j-core-2.14.1.jar</filePath>
        </relatedDependency>
      </relatedDependencies>
      <identifiers>
        <package confidence="HIGH">
          <id>pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1</id>
        </package>
        <vulnerabilityIds confidence="HIGHEST">
          <id>cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*</id>
        </vulnerabilityIds>
      </identifiers>
      <vulnerabilities>
        <vulnerability source="NVD">
          <name>CVE-2021-44228</name>
          <severity>CRITICAL</severity>
          <cvssV3><baseScore>10.0</baseScore><baseSeverity>CRITICAL</baseSeverity></cvssV3>
          <cwes><cwe>CWE-502</cwe><cwe>CWE-400</cwe><cwe>NVD-CWE-Other</cwe></cwes>
          <description>Apache Log4j2 JNDI features do not protect against attacker controlled LDAP.</description>
          <references><reference><source>MISC</source><url>https://logging.apache.org/log4j/2.x/security.html</url><name>x</name></reference></references>
        </vulnerability>
        <suppressedVulnerability source="NVD">
          <name>CVE-2021-45046</name>
          <cvssV2><score>5.1</score><severity>MEDIUM</severity></cvssV2>
          <cvssV3><baseScore>9.0</baseScore><baseSeverity>CRITICAL</baseSeverity></cvssV3>
          <cwes><cwe>CWE-917</cwe></cwes>
          <description>Incomplete fix.</description>
          <notes>Not reachable: lookups disabled.</notes>
        </suppressedVulnerability>
        <vulnerability source="OSSINDEX">
          <name>CWE-400: Uncontrolled Resource Consumption</name>
          <severity>HIGH</severity>
          <cwes><cwe>CWE-400</cwe></cwes>
          <description>Resource exhaustion.</description>
          <references><reference><url>https://ossindex.sonatype.org/vulnerability/abc</url></reference></references>
        </vulnerability>
      </vulnerabilities>
    </dependency>
  </dependencies>
</analysis>
"#;

// ---- input errors -----------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn xml_errors_have_line_and_column() {
    let m = malformed(
        parse(b"<?xml version=\"1.0\"?>\n<analysis>\n  <dependencies>\n</analysis>")
            .expect_err("no"),
    );
    assert!(m.message.starts_with("invalid XML"), "{}", m.message);
    assert_eq!(m.position.line, Some(4));
    assert!(m.position.column.is_some());
    // Truncated.
    for cut in [5, 60, XML.len() / 2, XML.len() - 3] {
        let m = malformed(parse(&XML.as_bytes()[..cut]).expect_err("truncated"));
        assert!(m.message.starts_with("invalid XML"), "{cut}: {}", m.message);
    }
    // Not UTF-8.
    let m = malformed(parse(b"<analysis>\n<x>\xff</x></analysis>").expect_err("no"));
    assert_eq!(m.position.line, Some(2));
    assert!(m.message.contains("not UTF-8"), "{}", m.message);
}

#[test]
fn xml_dtd_is_refused() {
    let doc = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<analysis><dependencies/></analysis>"#;
    let m = malformed(parse(doc.as_bytes()).expect_err("no"));
    assert!(m.message.starts_with("invalid XML"), "{}", m.message);
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let xml = format!(
        "<analysis>{}{}</analysis>",
        "<a>".repeat(DEEP),
        "</a>".repeat(DEEP)
    );
    let m = malformed(parse(xml.as_bytes()).expect_err("too deep"));
    assert!(m.message.contains("nested more than"), "{}", m.message);
    assert_eq!(m.position.line, Some(1));
    let json = format!("{{\"dependencies\": {}}}", nested_arrays(DEEP));
    let m = malformed(parse(json.as_bytes()).expect_err("too deep"));
    assert!(m.message.contains("nested more than"), "{}", m.message);
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"<?xml version=\"1.0\"?><project><x/></project>").expect_err("no"));
    assert!(m.contains("root element is <project>"), "{m}");
    let m = unsupported(parse(b"[1]").expect_err("no"));
    assert!(m.contains("neither XML nor a JSON object"), "{m}");
    let m = unsupported(parse(b"{\"runs\": []}").expect_err("no"));
    assert!(m.contains("no 'dependencies'"), "{m}");
    let m =
        unsupported(parse(b"{\"reportSchema\": \"2.0\", \"dependencies\": []}").expect_err("no"));
    assert!(m.contains("reportSchema \"2.0\""), "{m}");
}

#[test]
fn json_errors_are_malformed_with_position() {
    let m = malformed(parse(b"{\"dependencies\": [\n{\"fileName\": 5}]}").expect_err("no"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message
            .starts_with("not a valid Dependency-Check JSON report"),
        "{}",
        m.message
    );
    let m = malformed(
        parse(b"{\"dependencies\": [{\"vulnerabilities\": [{\"cwes\": \"CWE-1\"}]}]}")
            .expect_err("no"),
    );
    assert!(m.message.contains("a sequence"), "{}", m.message);
    let m = malformed(parse(b"{\"dependencies\": [").expect_err("no"));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    let m = malformed(parse(b"nonsense").expect_err("no"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
}

// ---- XML mapping ------------------------------------------------------------------

#[test]
fn xml_maps_every_field() {
    let f = parse(XML.as_bytes()).expect("parses");
    assert_eq!(f.len(), 3);
    let x = &f[0];
    assert_eq!(x.tool, "dependency-check");
    assert_eq!(x.tool_version.as_deref(), Some("8.4.0"));
    assert_eq!(x.rule_id, "CVE-2021-44228");
    assert_eq!(
        x.title,
        "org.apache.logging.log4j:log4j-core:2.14.1 | CVE-2021-44228"
    );
    assert_eq!(x.severity, Severity::Critical);
    assert_eq!(x.tool_severity.as_deref(), Some("CRITICAL"));
    assert_eq!(x.kind, FindingKind::Sca);
    let paths: Vec<&str> = x.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        ["log4j-core-2.14.1.jar", "/work/lib/log4j-core-2.14.1.jar"]
    );
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "org.apache.logging.log4j:log4j-core");
    assert_eq!(c.version.as_deref(), Some("2.14.1"));
    assert_eq!(
        c.purl.as_deref(),
        Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
    );
    assert!(c.fixed_versions.is_empty());
    assert_eq!(x.vulnerability_ids, vec!["CVE-2021-44228"]);
    assert_eq!(x.cwes, vec![502, 400]);
    assert_eq!(x.tags, vec!["source:NVD"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/CVE-2021-44228")
    );
    assert_eq!(
        x.source_pointer,
        "/analysis/dependencies/dependency[2]/vulnerabilities/vulnerability[1]"
    );
    assert!(x.message.starts_with("Apache Log4j2 JNDI"));
    assert!(x.message.contains("File: /work/lib/log4j-core-2.14.1.jar"));
    assert!(
        x.message
            .contains("- log4j-core-2.14.1.jar (/work/other/log4j-core-2.14.1.jar)")
    );

    let s = &f[1];
    assert_eq!(s.rule_id, "CVE-2021-45046");
    assert_eq!(s.tags, vec!["suppressed", "source:NVD"]);
    // No <severity>: the CVSS v3 severity, before v2.
    assert_eq!(s.severity, Severity::Critical);
    assert_eq!(s.severity_source, SeveritySource::Cvss);
    assert!(
        s.message
            .contains("Suppressed: Not reachable: lookups disabled.")
    );
    assert_eq!(
        s.source_pointer,
        "/analysis/dependencies/dependency[2]/vulnerabilities/suppressedVulnerability[1]"
    );

    let o = &f[2];
    assert_eq!(o.rule_id, "CWE-400: Uncontrolled Resource Consumption");
    assert!(o.vulnerability_ids.is_empty());
    assert_eq!(o.severity, Severity::High);
    assert_eq!(
        o.help_uri.as_deref(),
        Some("https://ossindex.sonatype.org/vulnerability/abc")
    );
    assert_eq!(
        o.source_pointer,
        "/analysis/dependencies/dependency[2]/vulnerabilities/vulnerability[2]"
    );
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn xml_legacy_schema_and_component_fallbacks() {
    let doc = r#"<?xml version="1.0"?>
<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.1.3.xsd">
  <dependencies>
    <dependency>
      <fileName>a.dll</fileName>
      <identifiers><identifier type="maven"><name>org.owasp:library:6.7.8</name></identifier></identifiers>
      <vulnerabilities><vulnerability>
        <name>CVE-0000-0001</name><severity>Moderate</severity><cwe>CWE-00 Bad</cwe>
      </vulnerability></vulnerabilities>
    </dependency>
    <dependency>
      <fileName>b.jar</fileName>
      <identifiers><identifier type="cpe"><name>cpe:/a:apache:xalan-java:2.7.1</name></identifier></identifiers>
      <vulnerabilities><vulnerability><name>CVE-2014-0107</name><cwe>CWE-264 Permissions</cwe></vulnerability></vulnerabilities>
    </dependency>
    <dependency>
      <fileName>jquery.js</fileName>
      <evidenceCollected>
        <evidence type="vendor"><value>jquery</value></evidence>
        <evidence type="product"><value>jquery</value></evidence>
        <evidence type="version"><value>1.8.1</value></evidence>
      </evidenceCollected>
      <vulnerabilities><vulnerability><name>CVE-2012-6708</name><severity>weird</severity></vulnerability></vulnerabilities>
    </dependency>
    <dependency>
      <fileName>c.bin</fileName>
      <vulnerabilities><vulnerability><name> </name></vulnerability></vulnerabilities>
    </dependency>
  </dependencies>
</analysis>"#;
    let f = parse(doc.as_bytes()).expect("parses");
    assert_eq!(f.len(), 4);
    let comps: Vec<(String, Option<String>)> = f
        .iter()
        .map(|x| {
            x.component
                .as_ref()
                .map(|c| (c.name.clone(), c.version.clone()))
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        comps,
        [
            ("org.owasp:library".to_string(), Some("6.7.8".to_string())),
            ("apache:xalan-java".to_string(), Some("2.7.1".to_string())),
            ("jquery".to_string(), Some("1.8.1".to_string())),
            (String::new(), None),
        ]
    );
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].tool_severity.as_deref(), Some("Moderate"));
    assert!(f[0].cwes.is_empty(), "CWE-00 is no CWE");
    assert_eq!(f[0].tool_version, None);
    assert_eq!(f[1].cwes, vec![264]);
    assert_eq!(f[0].severity_source, SeveritySource::Tool);
    assert_eq!(f[1].severity, Severity::Medium);
    assert_eq!(f[1].severity_source, SeveritySource::Default);
    assert_eq!(f[1].tool_severity, None);
    // A word that is no level: the default, the word kept.
    assert_eq!(f[2].tool_severity.as_deref(), Some("weird"));
    assert_eq!(
        (f[2].severity, f[2].severity_source),
        (Severity::Medium, SeveritySource::Default)
    );
    assert_eq!(f[3].rule_id, "unknown");
    assert_eq!(f[3].title, "c.bin | unknown");
    assert!(f[3].component.is_none());
}

#[test]
fn xml_without_dependencies() {
    let doc = b"<?xml version=\"1.0\" ?>\n<analysis xmlns=\"x\"><scanInfo><engineVersion>6.5.3</engineVersion></scanInfo><dependencies/></analysis>";
    assert!(parse(doc).expect("parses").is_empty());
    assert!(parse(b"<analysis/>").expect("parses").is_empty());
}

// ---- JSON mapping -----------------------------------------------------------------

fn json_report() -> Value {
    json!({
        "reportSchema": "1.1",
        "scanInfo": {"engineVersion": "12.1.1", "analysisExceptions": [{"exception": {"message": "x"}}]},
        "projectInfo": {"name": "p"},
        "dependencies": [
            {"fileName": "clean.jar", "filePath": "/p/clean.jar"},
            {
                "isVirtual": false,
                "fileName": "struts-1.2.8.jar",
                "filePath": "/p/lib/struts-1.2.8.jar",
                "packages": [{"id": "pkg:maven/struts/struts@1.2.8", "confidence": "HIGH"}],
                "vulnerabilityIds": [{"id": "cpe:2.3:a:apache:struts:1.2.8:*:*:*:*:*:*:*"}],
                "relatedDependencies": [{"fileName": "struts-copy.jar", "filePath": "/p/x/struts-copy.jar"}],
                "vulnerabilities": [{
                    "source": "NVD", "name": "CVE-2016-1182", "severity": "HIGH",
                    "cvssv2": {"score": 6.4, "severity": "MEDIUM"},
                    "cvssv3": {"baseScore": 8.2, "baseSeverity": "HIGH"},
                    "cwes": ["CWE-20"], "description": "ActionServlet allows DoS.",
                    "references": [{"source": "MISC", "url": "https://example.invalid/a"}]
                }],
                "suppressedVulnerabilities": [{
                    "source": "NVD", "name": "CVE-2015-0899",
                    "cvssv4": {"baseScore": 6.9, "baseSeverity": "MEDIUM"},
                    "cvssv3": {"baseScore": 7.5, "baseSeverity": "HIGH"},
                    "cwes": [], "notes": "accepted"
                }]
            },
            {
                "fileName": "lib.js",
                "vulnerabilityIds": [{"id": "cpe:2.3:a:vendor:lib:*:*:*:*:*:*:*:*"}],
                "evidenceCollected": {
                    "productEvidence": [{"value": "lib"}],
                    "versionEvidence": [{"value": "0.9"}]
                },
                "vulnerabilities": [{"name": "GHSA-aaaa-bbbb-cccc", "severity": "low"}]
            }
        ]
    })
}

#[test]
fn json_maps_every_field() {
    let f = parse(json_report().to_string().as_bytes()).expect("parses");
    assert_eq!(f.len(), 3);
    let x = &f[0];
    assert_eq!(x.tool_version.as_deref(), Some("12.1.1"));
    assert_eq!(x.rule_id, "CVE-2016-1182");
    assert_eq!(x.title, "struts:struts:1.2.8 | CVE-2016-1182");
    // Its own `severity` before the CVSS v2 one.
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.severity_source, SeveritySource::Tool);
    assert_eq!(x.cwes, vec![20]);
    assert_eq!(x.vulnerability_ids, vec!["CVE-2016-1182"]);
    assert_eq!(x.locations[0].path, "struts-1.2.8.jar");
    assert_eq!(x.locations[1].path, "/p/lib/struts-1.2.8.jar");
    assert_eq!(x.source_pointer, "/dependencies/1/vulnerabilities/0");
    assert!(
        x.message
            .contains("- struts-copy.jar (/p/x/struts-copy.jar)")
    );
    let c = x.component.as_ref().expect("c");
    assert_eq!(c.purl.as_deref(), Some("pkg:maven/struts/struts@1.2.8"));

    let s = &f[1];
    assert_eq!(s.tags, vec!["suppressed", "source:NVD"]);
    // No severity: CVSS v4 before v3.
    assert_eq!(
        (s.severity, s.severity_source, s.tool_severity.as_deref()),
        (Severity::Medium, SeveritySource::Cvss, Some("MEDIUM"))
    );
    assert_eq!(
        s.source_pointer,
        "/dependencies/1/suppressedVulnerabilities/0"
    );
    assert!(s.message.contains("Suppressed: accepted"));

    let g = &f[2];
    assert_eq!(g.vulnerability_ids, vec!["GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(
        g.help_uri.as_deref(),
        Some("https://github.com/advisories/GHSA-aaaa-bbbb-cccc")
    );
    // A CPE comes before evidence, even without a version.
    let c = g.component.as_ref().expect("c");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("vendor:lib", None)
    );
    assert_eq!(g.locations.len(), 1);
}

#[test]
fn json_schema_versions() {
    for schema in [json!("1.0"), json!("1.1"), json!("1"), Value::Null] {
        let doc = json!({"reportSchema": schema, "dependencies": []});
        assert!(
            parse(doc.to_string().as_bytes())
                .expect("parses")
                .is_empty()
        );
    }
    let doc = json!({"reportSchema": 1.1, "dependencies": []});
    unsupported(parse(doc.to_string().as_bytes()));
}

// ---- helpers --------------------------------------------------------------------

#[test]
fn purl_and_cpe_parts() {
    let p = |s: &str| purl_parts(s);
    assert_eq!(
        p("pkg:maven/org.dom4j/dom4j@2.1.1.redhat-00001"),
        Some(("org.dom4j:dom4j".into(), Some("2.1.1.redhat-00001".into())))
    );
    assert_eq!(
        p("pkg:npm/%40babel/core@7.0.0?x=y#sub"),
        Some(("@babel:core".into(), Some("7.0.0".into())))
    );
    assert_eq!(
        p("pkg:npm/yargs-parser@5.0.0"),
        Some(("yargs-parser".into(), Some("5.0.0".into())))
    );
    assert_eq!(p("pkg:generic/thing"), Some(("thing".into(), None)));
    assert_eq!(p("pkg:bad%zz/x%4"), Some(("x%4".into(), None)));
    assert_eq!(p("cpe:/a:b:c"), None);
    assert_eq!(p("pkg:"), None);
    let c = |s: &str| cpe_parts(s);
    assert_eq!(
        c("cpe:/a:apache:xalan-java:2.7.1"),
        Some(("apache:xalan-java".into(), Some("2.7.1".into())))
    );
    assert_eq!(
        c("cpe:2.3:a:apache:log4j:-:*:*"),
        Some(("apache:log4j".into(), None))
    );
    assert_eq!(c("cpe:2.3:a:*:x:1"), None);
    assert_eq!(c("pkg:x/y"), None);
    assert_eq!(cwe_number("CWE-79"), Some(79));
    assert_eq!(cwe_number("79"), Some(79));
    assert_eq!(cwe_number("CWE-264 Permissions"), Some(264));
    assert_eq!(cwe_number("NVD-CWE-Other"), None);
    assert_eq!(cwe_number("CWE-0"), None);
    assert_eq!(leading_id("CVE-2021-44228"), Some("CVE-2021-44228"));
    assert_eq!(leading_id("cve-2021-1 (x)"), Some("cve-2021-1"));
    assert_eq!(
        leading_id("GHSA-aaaa-bbbb-cccc"),
        Some("GHSA-aaaa-bbbb-cccc")
    );
    assert_eq!(leading_id("CVE-"), None);
    assert_eq!(leading_id("1500"), None);
}

#[test]
fn severity_table() {
    for (w, want) in [
        ("CRITICAL", Severity::Critical),
        ("high", Severity::High),
        ("MEDIUM", Severity::Medium),
        ("Moderate", Severity::Medium),
        ("low", Severity::Low),
        ("info", Severity::Info),
        ("NONE", Severity::Info),
    ] {
        assert_eq!(severity(w), Some(want), "{w}");
    }
    assert_eq!(severity("bogus"), None);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    for cut in 0..XML.len() {
        let _ = parse(&XML.as_bytes()[..cut]);
    }
    let doc = json_report().to_string();
    for cut in 0..doc.len() {
        let _ = parse(&doc.as_bytes()[..cut]);
    }
}

#[test]
fn long_strings_are_capped() {
    let long = "x".repeat(5000);
    let doc = json!({"dependencies": [{"fileName": long.clone(), "packages": [{"id": format!("pkg:npm/{long}@{long}")}],
        "vulnerabilities": [{"name": long.clone(), "severity": long.clone(), "source": long.clone()}]}]});
    let f = parse(doc.to_string().as_bytes()).expect("parses");
    assert!(f[0].rule_id.len() <= 1024);
    assert!(f[0].title.len() <= 4096);
    assert!(f[0].tags.iter().all(|t| t.len() <= 1024));
    assert!(f[0].tool_severity.as_deref().unwrap_or("").len() <= 1024);
    let c = f[0].component.as_ref().expect("c");
    assert!(c.name.len() <= 1024 && c.version.as_deref().unwrap_or("").len() <= 1024);
}
