//! The XML report (`dependency-check-report.xml`, schemas 1.x and 2.x).

use crate::{
    Dependency, Vulnerability, component, cpe_parts, finding, purl_parts, warn_exceptions,
};
use cordon_parser_support::clip;
use cordon_parser_support::xml::{child, document, elements};
use cordon_sdk::{Finding, SeveritySource, StageError};
use roxmltree::Node;

/// Parse an XML report.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let doc = document(bytes)?;
    let root = doc.root_element();
    if root.tag_name().name() != "analysis" {
        return Err(StageError::UnsupportedFormat(format!(
            "not a Dependency-Check report: the root element is <{}>, not <analysis>",
            clip(root.tag_name().name(), 64)
        )));
    }

    let scan_info = child(root, "scanInfo");
    let engine = scan_info.and_then(|s| text_of(s, "engineVersion"));
    warn_exceptions(
        scan_info
            .and_then(|s| child(s, "analysisExceptions"))
            .map_or(0, |e| e.children().filter(Node::is_element).count()),
    );

    let mut findings = Vec::new();
    let Some(dependencies) = child(root, "dependencies") else {
        return Ok(findings);
    };
    for (d, dep_node) in elements(dependencies, "dependency").enumerate() {
        let Some(vulns) = child(dep_node, "vulnerabilities") else {
            continue;
        };
        let dep = dependency(dep_node);
        let (mut n_vuln, mut n_supp) = (0usize, 0usize);
        for v in vulns.children().filter(Node::is_element) {
            let (tag, n) = match v.tag_name().name() {
                "vulnerability" => {
                    n_vuln += 1;
                    ("vulnerability", n_vuln)
                }
                "suppressedVulnerability" => {
                    n_supp += 1;
                    ("suppressedVulnerability", n_supp)
                }
                _ => continue,
            };
            let pointer = format!(
                "/analysis/dependencies/dependency[{}]/vulnerabilities/{tag}[{n}]",
                d + 1
            );
            findings.push(finding(&dep, &vulnerability(v), engine.as_deref(), pointer));
        }
    }
    Ok(findings)
}

/// The trimmed text of child `name`, if it has any.
fn text_of(node: Node<'_, '_>, name: &'static str) -> Option<String> {
    child(node, name).and_then(text)
}

/// The trimmed text content of an element (all its text descendants).
fn text(node: Node<'_, '_>) -> Option<String> {
    let s: String = node
        .descendants()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect();
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn dependency(node: Node<'_, '_>) -> Dependency {
    let related = child(node, "relatedDependencies")
        .map(|r| {
            elements(r, "relatedDependency")
                .filter_map(|rd| {
                    let name = text_of(rd, "fileName")?;
                    Some(match text_of(rd, "filePath") {
                        Some(p) => format!("{name} ({p})"),
                        None => name,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Dependency {
        file_name: text_of(node, "fileName"),
        file_path: text_of(node, "filePath"),
        component: dependency_component(node),
        related,
    }
}

/// The component a dependency is, from its identifiers or evidence.
fn dependency_component(node: Node<'_, '_>) -> Option<cordon_sdk::Component> {
    if let Some(ids) = child(node, "identifiers") {
        // A package URL anywhere under <identifiers> (2.x schemas; some
        // producers nest a second <identifiers>).
        let purl = ids
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "package")
            .find_map(|p| text_of(p, "id"));
        if let Some(purl) = purl
            && let Some((name, version)) = purl_parts(&purl)
        {
            return Some(component(&name, version.as_deref(), Some(&purl)));
        }
        let typed = |kind: &str| {
            ids.descendants()
                .filter(|n| {
                    n.is_element()
                        && n.tag_name().name() == "identifier"
                        && n.attribute("type") == Some(kind)
                })
                .find_map(|n| text_of(n, "name"))
        };
        if let Some(gav) = typed("maven") {
            let parts: Vec<&str> = gav.split(':').collect();
            if let [group, artifact, version] = parts.as_slice() {
                return Some(component(
                    &format!("{group}:{artifact}"),
                    Some(version),
                    None,
                ));
            }
        }
        if let Some((name, version)) = typed("cpe").as_deref().and_then(cpe_parts) {
            return Some(component(&name, version.as_deref(), None));
        }
    }
    let evidence = child(node, "evidenceCollected")?;
    let first = |kind: &str| {
        evidence
            .descendants()
            .filter(|n| {
                n.is_element()
                    && n.tag_name().name() == "evidence"
                    && n.attribute("type") == Some(kind)
            })
            .find_map(|n| text_of(n, "value"))
    };
    let product = first("product")?;
    Some(component(&product, first("version").as_deref(), None))
}

fn vulnerability(node: Node<'_, '_>) -> Vulnerability {
    let mut severities = Vec::new();
    severities.extend(text_of(node, "severity").map(|w| (w, SeveritySource::Tool)));
    for (cvss, field) in [
        ("cvssV4", "baseSeverity"),
        ("cvssV3", "baseSeverity"),
        ("cvssV2", "severity"),
    ] {
        severities.extend(
            child(node, cvss)
                .and_then(|c| text_of(c, field))
                .map(|w| (w, SeveritySource::Cvss)),
        );
    }
    let cwes = match child(node, "cwes") {
        Some(list) => elements(list, "cwe").filter_map(text).collect(),
        None => text_of(node, "cwe").into_iter().collect(),
    };
    let first_reference = child(node, "references")
        .and_then(|refs| elements(refs, "reference").find_map(|r| text_of(r, "url")));
    Vulnerability {
        name: text_of(node, "name"),
        source: node.attribute("source").map(str::to_string),
        severities,
        cwes,
        description: text_of(node, "description"),
        notes: text_of(node, "notes"),
        first_reference,
        suppressed: node.tag_name().name() == "suppressedVulnerability",
    }
}
