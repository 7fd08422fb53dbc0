//! The JSON report (`dependency-check-report.json`, `reportSchema` 1.x).

use crate::{
    Dependency, Vulnerability, component, cpe_parts, finding, purl_parts, warn_exceptions,
};
use cordon_parser_support::{Obj, check_depth, clip, json_error};
use cordon_sdk::{Finding, SeveritySource, StageError};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

/// What a data error (wrong type, missing property) is called.
const DATA_ERROR: &str = "Dependency-Check JSON report";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    #[serde(default)]
    report_schema: Option<Value>,
    #[serde(default)]
    scan_info: Option<Obj<ScanInfo>>,
    #[serde(default)]
    dependencies: Option<Vec<Obj<JsonDependency>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanInfo {
    #[serde(default)]
    engine_version: Option<String>,
    #[serde(default)]
    analysis_exceptions: Option<Vec<IgnoredAny>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonDependency {
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    file_path: Option<String>,
    #[serde(default)]
    packages: Option<Vec<Obj<IdEntry>>>,
    #[serde(default)]
    vulnerability_ids: Option<Vec<Obj<IdEntry>>>,
    #[serde(default)]
    evidence_collected: Option<Obj<Evidence>>,
    #[serde(default)]
    related_dependencies: Option<Vec<Obj<Related>>>,
    #[serde(default)]
    vulnerabilities: Option<Vec<Obj<JsonVulnerability>>>,
    #[serde(default)]
    suppressed_vulnerabilities: Option<Vec<Obj<JsonVulnerability>>>,
}

/// `packages[]` and `vulnerabilityIds[]`.
#[derive(Deserialize)]
struct IdEntry {
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Evidence {
    #[serde(default)]
    product_evidence: Option<Vec<Obj<EvidenceItem>>>,
    #[serde(default)]
    version_evidence: Option<Vec<Obj<EvidenceItem>>>,
}

#[derive(Deserialize)]
struct EvidenceItem {
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Related {
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    file_path: Option<String>,
}

#[derive(Deserialize)]
struct JsonVulnerability {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    cvssv2: Option<Obj<Cvss>>,
    #[serde(default)]
    cvssv3: Option<Obj<Cvss>>,
    #[serde(default)]
    cvssv4: Option<Obj<Cvss>>,
    #[serde(default)]
    cwes: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    references: Option<Vec<Obj<Reference>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cvss {
    /// v3 and v4.
    #[serde(default)]
    base_severity: Option<String>,
    /// v2.
    #[serde(default)]
    severity: Option<String>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(default)]
    url: Option<String>,
}

/// Parse a JSON report.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    check_depth(bytes)?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        serde_json::from_slice::<IgnoredAny>(bytes).map_err(|e| json_error(&e, DATA_ERROR))?;
        return Err(StageError::UnsupportedFormat(
            "not a Dependency-Check report: neither XML nor a JSON object".into(),
        ));
    }
    let report: Report = serde_json::from_slice(bytes).map_err(|e| json_error(&e, DATA_ERROR))?;
    match &report.report_schema {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.trim() == "1" || s.trim().starts_with("1.") => {}
        Some(other) => {
            return Err(StageError::UnsupportedFormat(format!(
                "Dependency-Check reportSchema {} is not supported; this parser reads 1.x",
                clip(&other.to_string(), 64)
            )));
        }
    }
    let Some(dependencies) = report.dependencies else {
        return Err(StageError::UnsupportedFormat(
            "not a Dependency-Check JSON report: no 'dependencies' array".into(),
        ));
    };
    let scan = report.scan_info.as_deref();
    let engine = scan.and_then(|s| s.engine_version.as_deref());
    warn_exceptions(
        scan.and_then(|s| s.analysis_exceptions.as_ref())
            .map_or(0, Vec::len),
    );

    let mut findings = Vec::new();
    for (d, dep) in dependencies.iter().enumerate() {
        let vulns = dep.vulnerabilities.as_deref().unwrap_or_default();
        let suppressed = dep
            .suppressed_vulnerabilities
            .as_deref()
            .unwrap_or_default();
        if vulns.is_empty() && suppressed.is_empty() {
            continue;
        }
        let common = dependency(dep);
        for (i, v) in vulns.iter().enumerate() {
            let pointer = format!("/dependencies/{d}/vulnerabilities/{i}");
            findings.push(finding(&common, &vulnerability(v, false), engine, pointer));
        }
        for (i, v) in suppressed.iter().enumerate() {
            let pointer = format!("/dependencies/{d}/suppressedVulnerabilities/{i}");
            findings.push(finding(&common, &vulnerability(v, true), engine, pointer));
        }
    }
    Ok(findings)
}

fn dependency(dep: &JsonDependency) -> Dependency {
    let related = dep
        .related_dependencies
        .iter()
        .flatten()
        .filter_map(|r| {
            let name = r.file_name.as_deref()?.trim();
            (!name.is_empty()).then(|| match r.file_path.as_deref().map(str::trim) {
                Some(p) if !p.is_empty() => format!("{name} ({p})"),
                _ => name.to_string(),
            })
        })
        .collect();
    Dependency {
        file_name: dep.file_name.clone(),
        file_path: dep.file_path.clone(),
        component: dependency_component(dep),
        related,
    }
}

fn dependency_component(dep: &JsonDependency) -> Option<cordon_sdk::Component> {
    let ids = |list: &Option<Vec<Obj<IdEntry>>>| -> Vec<String> {
        list.iter()
            .flatten()
            .filter_map(|e| e.id.as_deref().map(str::trim).map(str::to_string))
            .filter(|s| !s.is_empty())
            .collect()
    };
    for purl in ids(&dep.packages) {
        if let Some((name, version)) = purl_parts(&purl) {
            return Some(component(&name, version.as_deref(), Some(&purl)));
        }
    }
    for cpe in ids(&dep.vulnerability_ids) {
        if let Some((name, version)) = cpe_parts(&cpe) {
            return Some(component(&name, version.as_deref(), None));
        }
    }
    let evidence = dep.evidence_collected.as_deref()?;
    let first = |list: &Option<Vec<Obj<EvidenceItem>>>| {
        list.iter()
            .flatten()
            .find_map(|e| e.value.as_deref().map(str::trim).filter(|s| !s.is_empty()))
            .map(str::to_string)
    };
    let product = first(&evidence.product_evidence)?;
    Some(component(
        &product,
        first(&evidence.version_evidence).as_deref(),
        None,
    ))
}

fn vulnerability(v: &JsonVulnerability, suppressed: bool) -> Vulnerability {
    let mut severities = Vec::new();
    severities.extend(v.severity.clone().map(|w| (w, SeveritySource::Tool)));
    for word in [
        v.cvssv4.as_deref().and_then(|c| c.base_severity.clone()),
        v.cvssv3.as_deref().and_then(|c| c.base_severity.clone()),
        v.cvssv2.as_deref().and_then(|c| c.severity.clone()),
    ] {
        severities.extend(word.map(|w| (w, SeveritySource::Cvss)));
    }
    Vulnerability {
        name: v.name.clone(),
        source: v.source.clone(),
        severities,
        cwes: v.cwes.clone().unwrap_or_default(),
        description: v.description.clone(),
        notes: v.notes.clone(),
        first_reference: v
            .references
            .iter()
            .flatten()
            .find_map(|r| r.url.as_deref().map(str::trim).filter(|u| !u.is_empty()))
            .map(str::to_string),
        suppressed,
    }
}
