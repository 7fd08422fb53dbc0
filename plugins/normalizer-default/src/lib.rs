//! `normalizer-default`: canonical values, a stable fingerprint, and dedup.
//!
//! What it does to every finding, in order:
//!
//! 1. trims `rule-id` and `title`, collapses the title onto one line, and
//!    makes `tool` a canonical id ([`canonical_tool`]: `Semgrep OSS` and
//!    `semgrep` are both `semgrep`);
//! 2. upper-cases, sorts and de-duplicates `vulnerability-ids`; sorts and
//!    de-duplicates `cwes` and `tags`;
//! 3. merges duplicates (see [`dedup_key`]): the first one is kept, it takes
//!    the highest severity of the group and the union of ids, CWEs, tags and
//!    locations; the host records every merged record's `source-pointer`;
//! 4. gives every finding its fingerprint (see [`fingerprint_base`]).
//!
//! The host has already made location paths canonical (`file://` URIs,
//! source roots, `./`, a leading `/`), so the same scan read from JSON and
//! from SARIF meets here with one spelling of each file.
//!
//! Severity is not re-derived here: parsers map the tool's own severity onto
//! the canonical scale (the mapping tables are documented per parser) and
//! keep the tool's string in `tool-severity`.

use cordon_sdk::{Finding, FindingKind, Normalized, Normalizer, StageError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The fingerprint algorithm, as the manifest declares it
/// (`fingerprint` in `Cargo.toml`'s `[package.metadata.cordon]`).
pub const FINGERPRINT_VERSION: &str = "normalizer-default/v2";

/// The stage, registered below.
pub struct DefaultNormalizer;

impl Normalizer for DefaultNormalizer {
    fn normalize(findings: Vec<Finding>) -> Result<Normalized, StageError> {
        Ok(normalize_with_sources(findings))
    }
}

cordon_sdk::register_normalizer!(DefaultNormalizer);

/// Normalise, deduplicate and fingerprint. Order of first appearance is kept.
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
        let key = dedup_key(&f);
        match index.get(&key) {
            Some(&i) => {
                merge(&mut out[i], f);
                sources[i].push(n);
            }
            None => {
                index.insert(key, out.len());
                out.push(f);
                sources.push(vec![n]);
            }
        }
    }
    assign_fingerprints(&mut out);
    Normalized {
        findings: out,
        sources,
    }
}

pub use cordon_sdk::canonical_tool;

fn canonicalise(f: &mut Finding) {
    f.tool = canonical_tool(&f.tool);
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

/// The message as identity sees it: the full message, else the title;
/// whitespace collapsed, lower-cased, a trailing `.` dropped.
fn normalised_message(f: &Finding) -> String {
    let text = if f.message.trim().is_empty() {
        &f.title
    } else {
        &f.message
    };
    let mut m = text.split_whitespace().collect::<Vec<_>>().join(" ");
    m.make_ascii_lowercase();
    if m.ends_with('.') {
        m.pop();
    }
    m
}

/// Length-prefixed fields, hashed: no two different tuples collide by
/// concatenation.
struct Fields(Sha256);

impl Fields {
    fn new(domain: &str) -> Fields {
        let mut f = Fields(Sha256::new());
        f.add(domain);
        f
    }
    fn add(&mut self, s: &str) {
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
    }
    fn hex(self) -> String {
        hex::encode(&self.0.finalize()[..16])
    }
}

/// When two records are one finding: same tool, rule and first location
/// (path, start line and column), and then, for a finding about a package
/// (SCA, container), the same package (name, version) and vulnerability
/// ids, for any other the same normalised message. Two problems one rule
/// reports on one line with different messages stay two.
pub fn dedup_key(f: &Finding) -> String {
    let mut h = Fields::new("cordon-dedup-v2");
    h.add(&f.tool);
    h.add(&f.rule_id);
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    match f.locations.first() {
        Some(l) => {
            h.add(&l.path);
            h.add(&num(l.start_line));
            h.add(&num(l.start_column));
        }
        None => (0..3).for_each(|_| h.add("")),
    }
    // A finding about a package is that package's vulnerability, however
    // each advisory database words it (osv-scanner lists aliases of one CVE
    // as separate records with their own summaries). Any other finding is
    // its message; a resource name some formats carry as `component`
    // (Checkov's JSON, not its SARIF) is not part of it.
    if about_package(f) {
        component_fields(&mut h, f);
    } else {
        h.add(&normalised_message(f));
    }
    h.hex()
}

/// A finding about a software package (SCA, container scanning) with the
/// package named: its identity is the package and the vulnerability ids.
fn about_package(f: &Finding) -> bool {
    f.component.is_some() && matches!(f.kind, FindingKind::Sca | FindingKind::Container)
}

fn component_fields(h: &mut Fields, f: &Finding) {
    match &f.component {
        Some(c) => {
            h.add(&c.name);
            h.add(c.version.as_deref().unwrap_or(""));
        }
        None => (0..2).for_each(|_| h.add("")),
    }
    for id in &f.vulnerability_ids {
        h.add(id);
    }
}

/// What a finding's fingerprint is made of, with no line or column, so it
/// survives code moving: the first 32 hex digits of SHA-256 over the tool
/// id, rule id and first location's path, then
///
/// * for a finding about a package (kind SCA or container, component
///   named): its name, version and the sorted vulnerability ids;
/// * otherwise: the normalised message (the title when there is none).
///
/// Several findings of one run with the same base (one rule, one message,
/// one file, different lines) are told apart by their order in the file:
/// the first keeps the base, the next get `:2`, `:3`, ... So shifting lines
/// keeps every fingerprint, and only inserting another such finding above
/// renumbers the ones below it.
pub fn fingerprint_base(f: &Finding) -> String {
    let mut h = Fields::new("cordon-fingerprint-v2");
    h.add(&f.tool);
    h.add(&f.rule_id);
    h.add(f.locations.first().map_or("", |l| l.path.as_str()));
    if about_package(f) {
        component_fields(&mut h, f);
    } else {
        h.add(&normalised_message(f));
    }
    h.hex()
}

fn assign_fingerprints(out: &mut [Finding]) {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::with_capacity(out.len());
    for (i, f) in out.iter().enumerate() {
        groups.entry(fingerprint_base(f)).or_default().push(i);
    }
    for (base, mut members) in groups {
        let position = |i: &usize| {
            let l = out[*i].locations.first();
            (
                l.and_then(|l| l.start_line).unwrap_or(0),
                l.and_then(|l| l.start_column).unwrap_or(0),
                *i,
            )
        };
        members.sort_by_key(position);
        for (n, i) in members.into_iter().enumerate() {
            out[i].fingerprint = if n == 0 {
                base.clone()
            } else {
                format!("{base}:{}", n + 1)
            };
        }
    }
}

/// Fold `dup` into `kept`. Lists may grow past the host's caps here;
/// `register_normalizer!` fits the output to the contract (first entries
/// kept).
fn merge(kept: &mut Finding, dup: Finding) {
    if dup.severity.rank() < kept.severity.rank() {
        kept.severity = dup.severity;
        kept.tool_severity = dup.tool_severity;
        kept.severity_source = dup.severity_source;
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
    use cordon_sdk::{Location, Severity};

    fn finding(rule: &str, path: &str, line: u32, sev: Severity) -> Finding {
        Finding {
            tool: " Semgrep ".into(),
            tool_version: None,
            rule_id: rule.into(),
            title: "two\n lines".into(),
            message: "m".into(),
            severity: sev,
            tool_severity: None,
            severity_source: cordon_sdk::SeveritySource::Tool,
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

    fn fps(out: &[Finding]) -> Vec<&str> {
        out.iter().map(|f| f.fingerprint.as_str()).collect()
    }

    #[test]
    fn canonicalises_fields() {
        let out = normalize(vec![finding("r", "a.py", 1, Severity::Low)]);
        assert_eq!(out[0].tool, "semgrep");
        assert_eq!(out[0].title, "two lines");
        assert_eq!(out[0].vulnerability_ids, vec!["CVE-2021-1".to_string()]);
        assert_eq!(out[0].cwes, vec![79, 89]);
        assert_eq!(out[0].fingerprint.len(), 32);
    }

    #[test]
    fn dedup_keeps_highest_severity() {
        let out = normalize_with_sources(vec![
            finding("r", "a.py", 1, Severity::Low),
            finding("r", "a.py", 1, Severity::High),
            finding("r", "a.py", 2, Severity::Low),
        ]);
        assert_eq!(out.findings.len(), 2);
        assert_eq!(out.findings[0].severity, Severity::High);
        assert_eq!(out.sources, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn different_messages_at_one_location_stay_two() {
        let a = finding("r", "a.py", 1, Severity::Low);
        let mut b = a.clone();
        b.message = "another problem".into();
        let mut c = a.clone();
        c.message = "  M. ".into();
        let out = normalize_with_sources(vec![a, b, c]);
        assert_eq!(
            out.findings.len(),
            2,
            "case, spacing, a final dot: same message"
        );
        assert_eq!(out.sources, vec![vec![0, 2], vec![1]]);
        assert_ne!(out.findings[0].fingerprint, out.findings[1].fingerprint);
    }

    #[test]
    fn shifting_lines_keeps_every_fingerprint() {
        let run = |shift: u32| {
            normalize(vec![
                finding("r", "a.py", 10 + shift, Severity::Low),
                finding("r", "a.py", 3 + shift, Severity::Low),
                finding("s", "a.py", 7 + shift, Severity::Low),
                finding("r", "b.py", 3, Severity::Low),
            ])
        };
        let before = run(0);
        let after = run(5);
        assert_eq!(fps(&before), fps(&after));
        assert!(
            before[1].fingerprint.len() == 32,
            "first in the file keeps the base"
        );
        assert_eq!(
            before[0].fingerprint,
            format!("{}:2", before[1].fingerprint)
        );
        let unique: std::collections::HashSet<_> = fps(&before).into_iter().collect();
        assert_eq!(unique.len(), 4);
    }

    #[test]
    fn messages_tell_findings_apart_except_for_components() {
        let a = finding("r", "a.py", 1, Severity::Low);
        let mut b = a.clone();
        b.message = "reworded".into();
        assert_ne!(fingerprint_base(&a), fingerprint_base(&b));
        let mut sca = a.clone();
        sca.kind = FindingKind::Sca;
        sca.component = Some(cordon_sdk::Component {
            name: "lodash".into(),
            version: Some("4.17.20".into()),
            purl: None,
            fixed_versions: vec![],
        });
        let mut reworded = sca.clone();
        reworded.message = "new advisory text".into();
        assert_eq!(fingerprint_base(&sca), fingerprint_base(&reworded));
        let mut upgraded = sca.clone();
        if let Some(c) = &mut upgraded.component {
            c.version = Some("4.17.21".into());
        }
        assert_ne!(fingerprint_base(&sca), fingerprint_base(&upgraded));
    }

    #[test]
    fn identical_location_less_findings_merge() {
        let mut a = finding("r", "a.py", 1, Severity::Low);
        a.locations.clear();
        assert_eq!(normalize(vec![a.clone(), a]).len(), 1);
    }
}
