//! `normalizer-default`: canonical values, a stable fingerprint, and dedup.
//!
//! What it does to every finding, in order:
//!
//! 1. trims `tool`, `rule-id`, `title`; collapses the title onto one line;
//! 2. upper-cases, sorts and de-duplicates `vulnerability-ids`; sorts and
//!    de-duplicates `cwes` and `tags`;
//! 3. computes the fingerprint (see [`fingerprint`]);
//! 4. merges findings with the same fingerprint: the first one is kept, it
//!    takes the highest severity of the group and the union of ids, CWEs,
//!    tags and locations.
//!
//! Severity is not re-derived here: parsers map the tool's own severity onto
//! the canonical scale (the mapping tables are documented per parser) and
//! keep the tool's string in `tool-severity`.

use cordon_sdk::{Finding, Normalized, Normalizer, StageError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The stage, registered below.
pub struct DefaultNormalizer;

impl Normalizer for DefaultNormalizer {
    fn normalize(findings: Vec<Finding>) -> Result<Normalized, StageError> {
        Ok(normalize_with_sources(findings))
    }
}

cordon_sdk::register_normalizer!(DefaultNormalizer);

/// Normalise, fingerprint and deduplicate. Order of first appearance is kept.
pub fn normalize(findings: Vec<Finding>) -> Vec<Finding> {
    normalize_with_sources(findings).findings
}

/// [`normalize`], with the indices of the input findings each output
/// finding stands for (the first one, then those merged into it).
pub fn normalize_with_sources(findings: Vec<Finding>) -> Normalized {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut sources: Vec<Vec<u32>> = Vec::with_capacity(findings.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(findings.len());
    for (n, mut f) in findings.into_iter().enumerate() {
        // The host caps a call's input far below u32::MAX findings.
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        canonicalise(&mut f);
        f.fingerprint = fingerprint(&f);
        match index.get(&f.fingerprint) {
            Some(&i) => {
                merge(&mut out[i], f);
                sources[i].push(n);
            }
            None => {
                index.insert(f.fingerprint.clone(), out.len());
                out.push(f);
                sources.push(vec![n]);
            }
        }
    }
    Normalized {
        findings: out,
        sources,
    }
}

fn canonicalise(f: &mut Finding) {
    f.tool = f.tool.trim().to_string();
    f.rule_id = f.rule_id.trim().to_string();
    f.title = f.title.split_whitespace().collect::<Vec<_>>().join(" ");
    for id in &mut f.vulnerability_ids {
        *id = id.trim().to_ascii_uppercase();
    }
    f.vulnerability_ids.retain(|id| !id.is_empty());
    f.vulnerability_ids.sort();
    f.vulnerability_ids.dedup();
    f.cwes.sort_unstable();
    f.cwes.dedup();
    f.tags.sort();
    f.tags.dedup();
}

/// The stable dedup key of a finding: the first 32 hex digits of SHA-256 over
/// the tool name (lower-cased), rule id, first location's path, start line and
/// start column, component name and version, and the sorted vulnerability
/// ids, each field length-prefixed so that no two different tuples collide by
/// concatenation.
///
/// The message and title are left out on purpose: scanners reword them between
/// versions, which must not make an accepted finding "new" again. Two
/// exceptions, where nothing else tells findings apart: a finding whose rule
/// id is empty or `unknown` adds its title, and a finding with neither a
/// location nor a component adds its title and message.
pub fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field("cordon-fingerprint-v1");
    field(&f.tool.to_ascii_lowercase());
    field(&f.rule_id);
    if f.rule_id.is_empty() || f.rule_id == "unknown" {
        field(&f.title);
    }
    match f.locations.first() {
        Some(l) => {
            field(&l.path);
            field(&l.start_line.map(|n| n.to_string()).unwrap_or_default());
            field(&l.start_column.map(|n| n.to_string()).unwrap_or_default());
        }
        None => {
            field("");
            field("");
            field("");
        }
    }
    if f.locations.is_empty() && f.component.is_none() {
        field(&f.title);
        field(&f.message);
    }
    match &f.component {
        Some(c) => {
            field(&c.name);
            field(c.version.as_deref().unwrap_or(""));
        }
        None => {
            field("");
            field("");
        }
    }
    for id in &f.vulnerability_ids {
        field(id);
    }
    hex::encode(&h.finalize()[..16])
}

fn merge(kept: &mut Finding, dup: Finding) {
    if dup.severity.rank() < kept.severity.rank() {
        kept.severity = dup.severity;
        kept.tool_severity = dup.tool_severity;
    }
    for l in dup.locations {
        if !kept.locations.contains(&l) {
            kept.locations.push(l);
        }
    }
    kept.vulnerability_ids.extend(dup.vulnerability_ids);
    kept.vulnerability_ids.sort();
    kept.vulnerability_ids.dedup();
    kept.cwes.extend(dup.cwes);
    kept.cwes.sort_unstable();
    kept.cwes.dedup();
    kept.tags.extend(dup.tags);
    kept.tags.sort();
    kept.tags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_sdk::{FindingKind, Location, Severity};

    fn finding(rule: &str, path: &str, line: u32, sev: Severity) -> Finding {
        Finding {
            tool: " Semgrep ".into(),
            tool_version: None,
            rule_id: rule.into(),
            title: "two\n lines".into(),
            message: "m".into(),
            severity: sev,
            tool_severity: None,
            kind: FindingKind::Sast,
            locations: vec![Location {
                path: path.into(),
                start_line: Some(line),
                start_column: None,
                end_line: None,
                end_column: None,
            }],
            component: None,
            vulnerability_ids: vec!["cve-2021-1 ".into(), "CVE-2021-1".into()],
            cwes: vec![89, 79, 89],
            tags: vec![],
            help_uri: None,
            fingerprint: String::new(),
            source_pointer: "/0".into(),
            input: 0,
        }
    }

    #[test]
    fn canonicalises_fields() {
        let out = normalize(vec![finding("r", "a.py", 1, Severity::Low)]);
        assert_eq!(out[0].tool, "Semgrep");
        assert_eq!(out[0].title, "two lines");
        assert_eq!(out[0].vulnerability_ids, vec!["CVE-2021-1".to_string()]);
        assert_eq!(out[0].cwes, vec![79, 89]);
        assert_eq!(out[0].fingerprint.len(), 32);
    }

    #[test]
    fn dedup_keeps_highest_severity() {
        let out = normalize(vec![
            finding("r", "a.py", 1, Severity::Low),
            finding("r", "a.py", 1, Severity::High),
            finding("r", "a.py", 2, Severity::Low),
        ]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].severity, Severity::High);
    }

    #[test]
    fn ruleless_findings_are_told_apart_by_title() {
        let mut a = finding("unknown", "a.py", 1, Severity::Low);
        let mut b = a.clone();
        b.title = "other secret".into();
        assert_ne!(fingerprint(&a), fingerprint(&b));
        a.rule_id = "r".into();
        b.rule_id = "r".into();
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn location_less_findings_are_told_apart_by_message() {
        let mut a = finding("r", "a.py", 1, Severity::Low);
        a.locations.clear();
        let mut b = a.clone();
        b.message = "another problem".into();
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(
            normalize(vec![a.clone(), a]).len(),
            1,
            "identical ones still merge"
        );
    }

    #[test]
    fn fingerprint_ignores_message_but_not_line() {
        let a = finding("r", "a.py", 1, Severity::Low);
        let mut b = a.clone();
        b.message = "reworded".into();
        let mut c = a.clone();
        c.locations[0].start_line = Some(9);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
}
