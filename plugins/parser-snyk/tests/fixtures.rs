//! The repository's own Snyk fixtures (`tests/fixtures/snyk/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use parser_snyk::parse;
use std::path::PathBuf;

fn read(dir: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(dir)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> Vec<u8> {
    read("snyk", name)
}

#[test]
fn single_project() {
    let f = parse(&fixture("single-project.json")).expect("parses");
    assert_eq!(f.len(), 4);
    assert!(f.iter().all(|x| x.tool == "snyk"));
    let got: Vec<(&str, Severity, FindingKind)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.severity, x.kind))
        .collect();
    assert_eq!(
        got,
        [
            (
                "SNYK-JAVA-COMFASTERXMLJACKSONCORE-564887",
                Severity::High,
                FindingKind::Sca
            ),
            (
                "SNYK-JAVA-COMFASTERXMLJACKSONCORE-564887",
                Severity::High,
                FindingKind::Sca
            ),
            (
                "SNYK-JAVA-ORGAPACHELOGGINGLOG4J-2314720",
                Severity::Critical,
                FindingKind::Sca
            ),
            (
                "snyk:lic:maven:org.mariadb.jdbc:mariadb-java-client:LGPL-2.1",
                Severity::Medium,
                FindingKind::Other
            ),
        ]
    );
    // Two dependency paths of one vulnerability: two findings.
    assert_eq!(
        f[0].locations[0].path,
        "com.example:orders-service > org.springframework.boot:spring-boot-starter-web > com.fasterxml.jackson.core:jackson-databind"
    );
    assert_eq!(
        f[1].locations[0].path,
        "com.example:orders-service > io.micrometer:micrometer-registry-prometheus > com.fasterxml.jackson.core:jackson-databind"
    );
    assert_eq!(f[0].locations[1].path, "pom.xml");
    let c = f[0].component.as_ref().expect("component");
    assert_eq!(c.name, "com.fasterxml.jackson.core:jackson-databind");
    assert_eq!(c.version.as_deref(), Some("2.9.8"));
    assert_eq!(
        c.purl.as_deref(),
        Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8")
    );
    assert_eq!(c.fixed_versions, vec!["2.9.10.4"]);
    assert_eq!(f[0].cwes, vec![502]);
    assert_eq!(f[0].vulnerability_ids, vec!["CVE-2020-11619"]);
    assert_eq!(
        f[0].tags,
        vec![
            "upgradable",
            "upgrade-to:org.springframework.boot:spring-boot-starter-web@2.1.14.RELEASE"
        ]
    );
    assert_eq!(
        f[2].vulnerability_ids,
        vec!["CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"]
    );
    assert_eq!(f[3].tags, vec!["license"]);
    assert_eq!(f[3].help_uri, None);
    assert_eq!(normalizer_default::normalize(f).len(), 4);
}

#[test]
fn all_projects() {
    let f = parse(&fixture("all-projects.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].source_pointer, "/0/vulnerabilities/0");
    assert_eq!(f[1].source_pointer, "/2/vulnerabilities/0");
    assert_eq!(f[0].locations[0].path, "storefront > express > qs");
    assert_eq!(f[0].locations[1].path, "web/package-lock.json");
    assert_eq!(
        f[0].component.as_ref().and_then(|c| c.purl.as_deref()),
        Some("pkg:npm/qs@6.7.0")
    );
    assert_eq!(
        f[0].component.as_ref().map(|c| c.fixed_versions.clone()),
        Some(vec!["6.2.4".to_string(), "6.10.3".to_string()])
    );
    assert_eq!(f[1].severity, Severity::Medium);
    assert_eq!(
        f[1].component.as_ref().and_then(|c| c.purl.as_deref()),
        Some("pkg:pypi/requests@2.28.1")
    );
    assert_eq!(f[1].locations[1].path, "api/requirements.txt");
}

#[test]
fn container_with_application() {
    let f = parse(&fixture("container.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].kind, FindingKind::Container);
    assert_eq!(f[0].rule_id, "SNYK-ALPINE318-OPENSSL-6032386");
    assert_eq!(f[0].locations.len(), 1);
    assert_eq!(
        f[0].locations[0].path,
        "docker-image|acme/gateway > openssl/libcrypto3"
    );
    assert_eq!(
        f[0].component.as_ref().map(|c| c.name.as_str()),
        Some("openssl")
    );
    assert_eq!(f[1].kind, FindingKind::Sca);
    assert_eq!(f[1].source_pointer, "/applications/0/vulnerabilities/0");
    assert_eq!(
        f[1].locations[0].path,
        "gateway > github.com/golang-jwt/jwt"
    );
    assert_eq!(f[1].locations[1].path, "/usr/local/bin/gateway");
    assert_eq!(
        f[1].component.as_ref().and_then(|c| c.purl.as_deref()),
        Some("pkg:golang/github.com/golang-jwt/jwt@3.2.1")
    );
    assert_eq!(f[1].cwes, vec![835]);
}

#[test]
fn error_document_is_unsupported() {
    match parse(&fixture("error.json")) {
        Err(StageError::UnsupportedFormat(m)) => {
            assert!(m.contains("Could not detect supported target files"), "{m}");
        }
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn sarif_is_left_to_the_sarif_parser() {
    match parse(&read("sarif", "clean.sarif")) {
        Err(StageError::UnsupportedFormat(m)) => assert!(m.contains("SARIF"), "{m}"),
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn truncated_is_malformed() {
    let bytes = fixture("single-project.json");
    match parse(&bytes[..bytes.len() / 3]) {
        Err(StageError::MalformedInput(m)) => assert!(m.position.line.is_some()),
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
