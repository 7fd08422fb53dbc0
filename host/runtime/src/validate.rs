//! Everything a guest returns is untrusted. This module turns guest records
//! into the host model, and refuses anything over a cap or against the
//! contract. Excess is an error, never silent truncation.

use cordon_manifest::Limits;
use cordon_model as model;
use std::collections::HashMap;

use crate::bindings::wit;
use crate::error::{CallError, LimitKind, StageFailure};
use crate::types::Detection;

/// Longest single identifier-like field (tool, rule id, ids, names).
pub const MAX_ID_BYTES: usize = 1024;
/// Longest title.
pub const MAX_TITLE_BYTES: usize = 4096;
/// Longest fingerprint.
pub const MAX_FINGERPRINT_BYTES: usize = 128;
/// Longest stage error message kept.
pub const MAX_MESSAGE_BYTES: usize = 2048;
/// Most locations one finding may carry (GitHub code scanning's own limit
/// per result).
pub const MAX_LOCATIONS: usize = 1000;
/// Most entries in each other list of one finding (`cwes`, `tags`,
/// `vulnerability_ids`, `component.fixed_versions`).
pub const MAX_LIST_ITEMS: usize = 256;
/// What each list entry (a location, a CWE, a tag, an id, a fixed version)
/// counts toward a call's `max_string_bytes`, on top of its strings, so a
/// flood of empty entries is paid for like a flood of bytes.
pub const LIST_ITEM_BYTES: u64 = 16;

/// Cap a guest-provided message and replace control characters, so it can be
/// embedded in errors safely. Output writers sanitise again for their medium.
pub fn clean_message(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_MESSAGE_BYTES));
    for c in s.trim().chars() {
        if out.len() + c.len_utf8() > MAX_MESSAGE_BYTES {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

struct Checker<'a> {
    stage: &'a str,
    limits: &'a Limits,
    string_bytes: u64,
}

impl Checker<'_> {
    fn invalid(&self, detail: String) -> CallError {
        CallError::InvalidOutput {
            stage: self.stage.to_string(),
            detail,
        }
    }

    fn count(&self, n: usize) -> Result<(), CallError> {
        if n as u64 > self.limits.max_findings {
            return Err(CallError::Limit {
                stage: self.stage.to_string(),
                limit: LimitKind::Findings {
                    max: self.limits.max_findings,
                },
            });
        }
        Ok(())
    }

    /// Charge `bytes` to the call's string budget.
    fn charge(&mut self, bytes: u64) -> Result<(), CallError> {
        self.string_bytes = self.string_bytes.saturating_add(bytes);
        if self.string_bytes > self.limits.max_string_bytes {
            return Err(CallError::Limit {
                stage: self.stage.to_string(),
                limit: LimitKind::StringBytes {
                    max: self.limits.max_string_bytes,
                },
            });
        }
        Ok(())
    }

    /// Check a list's length against its per-finding cap and charge
    /// [`LIST_ITEM_BYTES`] per entry. Runs before the entries' own strings
    /// are looked at, so a long list costs one comparison.
    fn list(&mut self, len: usize, field: &str, at: usize, max: usize) -> Result<(), CallError> {
        if len > max {
            return Err(self.invalid(format!(
                "record {at}: `{field}` has {len} entries, more than {max}"
            )));
        }
        self.charge((len as u64).saturating_mul(LIST_ITEM_BYTES))
    }

    /// Account for a string; check its length against `max` (0 = no own cap).
    fn string(&mut self, s: &str, field: &str, at: usize, max: usize) -> Result<(), CallError> {
        self.charge(s.len() as u64)?;
        if max > 0 && s.len() > max {
            return Err(self.invalid(format!(
                "record {at}: `{field}` is {} bytes, more than {max}",
                s.len()
            )));
        }
        Ok(())
    }

    fn opt(
        &mut self,
        s: &Option<String>,
        field: &str,
        at: usize,
        max: usize,
    ) -> Result<(), CallError> {
        match s {
            Some(s) => self.string(s, field, at, max),
            None => Ok(()),
        }
    }

    fn line(&self, n: Option<u32>, field: &str, at: usize) -> Result<(), CallError> {
        if n == Some(0) {
            return Err(self.invalid(format!(
                "record {at}: `{field}` is 0 (lines and columns are 1-based)"
            )));
        }
        Ok(())
    }

    fn fingerprint(&mut self, fp: &str, at: usize, required: bool) -> Result<(), CallError> {
        self.string(fp, "fingerprint", at, MAX_FINGERPRINT_BYTES)?;
        if required && fp.is_empty() {
            return Err(self.invalid(format!("record {at}: `fingerprint` is empty")));
        }
        if !fp
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
        {
            return Err(self.invalid(format!(
                "record {at}: `fingerprint` may only contain ASCII letters, digits and `:_-.`"
            )));
        }
        Ok(())
    }
}

/// Check a detection result.
pub fn detection(stage: &str, d: Option<wit::Detection>) -> Result<Option<Detection>, CallError> {
    let Some(d) = d else { return Ok(None) };
    if d.format.is_empty() || d.format.len() > 64 || d.confidence > 100 {
        return Err(CallError::InvalidOutput {
            stage: stage.to_string(),
            detail: "detection needs a format name of 1-64 bytes and a confidence of 0-100".into(),
        });
    }
    Ok(Some(Detection {
        format: clean_message(&d.format),
        confidence: d.confidence,
    }))
}

/// Convert and check findings. With `inputs = Some(n)` (normalizer output)
/// every finding must carry a fingerprint and an input index below `n`;
/// otherwise (parser output) the input index is reset to 0 for the host to set.
pub fn findings(
    stage: &str,
    raw: Vec<wit::Finding>,
    limits: &Limits,
    inputs: Option<usize>,
) -> Result<Vec<model::Finding>, CallError> {
    let mut c = Checker {
        stage,
        limits,
        string_bytes: 0,
    };
    c.count(raw.len())?;
    let mut out = Vec::with_capacity(raw.len());
    for (i, f) in raw.into_iter().enumerate() {
        c.string(&f.tool, "tool", i, MAX_ID_BYTES)?;
        if f.tool.trim().is_empty() {
            return Err(c.invalid(format!("record {i}: `tool` is empty")));
        }
        c.opt(&f.tool_version, "tool_version", i, MAX_ID_BYTES)?;
        c.string(&f.rule_id, "rule_id", i, MAX_ID_BYTES)?;
        c.string(&f.title, "title", i, MAX_TITLE_BYTES)?;
        c.string(&f.message, "message", i, 0)?;
        c.opt(&f.tool_severity, "tool_severity", i, MAX_ID_BYTES)?;
        c.list(f.locations.len(), "locations", i, MAX_LOCATIONS)?;
        c.list(f.cwes.len(), "cwes", i, MAX_LIST_ITEMS)?;
        c.list(f.tags.len(), "tags", i, MAX_LIST_ITEMS)?;
        c.list(
            f.vulnerability_ids.len(),
            "vulnerability_ids",
            i,
            MAX_LIST_ITEMS,
        )?;
        for l in &f.locations {
            c.string(&l.path, "locations.path", i, 0)?;
            c.line(l.start_line, "locations.start_line", i)?;
            c.line(l.end_line, "locations.end_line", i)?;
            c.line(l.start_column, "locations.start_column", i)?;
            c.line(l.end_column, "locations.end_column", i)?;
        }
        if let Some(comp) = &f.component {
            c.string(&comp.name, "component.name", i, MAX_ID_BYTES)?;
            c.opt(&comp.version, "component.version", i, MAX_ID_BYTES)?;
            c.opt(&comp.purl, "component.purl", i, 0)?;
            c.list(
                comp.fixed_versions.len(),
                "component.fixed_versions",
                i,
                MAX_LIST_ITEMS,
            )?;
            for v in &comp.fixed_versions {
                c.string(v, "component.fixed_versions", i, MAX_ID_BYTES)?;
            }
        }
        for v in &f.vulnerability_ids {
            c.string(v, "vulnerability_ids", i, MAX_ID_BYTES)?;
        }
        for t in &f.tags {
            c.string(t, "tags", i, MAX_ID_BYTES)?;
            if t.starts_with(model::RESERVED_TAG_PREFIX) {
                return Err(c.invalid(format!(
                    "record {i}: tag {:?} begins with `{}`, which is reserved for the host",
                    clean_message(t),
                    model::RESERVED_TAG_PREFIX
                )));
            }
        }
        c.opt(&f.help_uri, "help_uri", i, 0)?;
        c.string(&f.source_pointer, "source_pointer", i, 0)?;
        c.fingerprint(&f.fingerprint, i, inputs.is_some())?;
        let input = match inputs {
            Some(n) => {
                let idx = f.input as usize;
                if idx >= n {
                    return Err(c.invalid(format!(
                        "record {i}: `input` is {idx}, but the run has {n} inputs"
                    )));
                }
                idx
            }
            None => 0,
        };
        out.push(finding_from_guest(f, input));
    }
    Ok(out)
}

/// Convert and check decisions: exactly one per finding, each naming a
/// finding's fingerprint. The host adds the policy digest.
pub fn decisions(
    stage: &str,
    raw: Vec<wit::Decision>,
    limits: &Limits,
    findings: &[model::Finding],
    policy_digest: &str,
) -> Result<Vec<model::Decision>, CallError> {
    let mut c = Checker {
        stage,
        limits,
        string_bytes: 0,
    };
    c.count(raw.len())?;
    // How many decisions each fingerprint still needs.
    let mut owed: HashMap<&str, usize> = HashMap::with_capacity(findings.len());
    for f in findings {
        *owed.entry(f.fingerprint.as_str()).or_default() += 1;
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, d) in raw.into_iter().enumerate() {
        c.fingerprint(&d.fingerprint, i, false)?;
        match owed.get_mut(d.fingerprint.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            Some(_) => {
                return Err(c.invalid(format!(
                    "record {i}: a second decision for finding {}",
                    d.fingerprint
                )));
            }
            None => {
                return Err(c.invalid(format!(
                    "record {i}: decision for unknown fingerprint {:?}",
                    clean_message(&d.fingerprint)
                )));
            }
        }
        c.string(&d.rule_id, "rule_id", i, MAX_ID_BYTES)?;
        c.string(&d.policy_name, "policy_name", i, MAX_ID_BYTES)?;
        c.string(&d.policy_version, "policy_version", i, MAX_ID_BYTES)?;
        c.string(&d.reason, "reason", i, MAX_TITLE_BYTES)?;
        for s in d.suppression.iter().chain(&d.expired_suppression) {
            c.string(&s.id, "suppression.id", i, MAX_ID_BYTES)?;
            c.string(&s.owner, "suppression.owner", i, MAX_ID_BYTES)?;
            c.opt(&s.expires, "suppression.expires", i, MAX_ID_BYTES)?;
        }
        c.list(d.matched.len(), "matched", i, MAX_LIST_ITEMS)?;
        for m in &d.matched {
            c.string(&m.field, "matched.field", i, MAX_ID_BYTES)?;
            c.string(&m.value, "matched.value", i, MAX_ID_BYTES)?;
            c.string(&m.pattern, "matched.pattern", i, MAX_ID_BYTES)?;
        }
        if (d.action == wit::Action::Suppressed) != d.suppression.is_some() {
            return Err(c.invalid(format!(
                "record {i}: a `suppressed` decision must carry a suppression, and only it"
            )));
        }
        out.push(model::Decision {
            fingerprint: d.fingerprint,
            action: action(d.action),
            rule_id: d.rule_id,
            policy_name: d.policy_name,
            policy_version: d.policy_version,
            policy_digest: policy_digest.to_string(),
            reason: d.reason,
            suppression: d.suppression.map(suppression),
            matched: d
                .matched
                .into_iter()
                .map(|m| model::FieldMatch {
                    field: m.field,
                    value: m.value,
                    pattern: m.pattern,
                })
                .collect(),
            severity_override: d.severity_override.map(severity),
            expired_suppression: d.expired_suppression.map(suppression),
        });
    }
    if let Some((fp, _)) = owed.iter().find(|(_, n)| **n > 0) {
        return Err(c.invalid(format!("no decision for finding {fp}")));
    }
    Ok(out)
}

fn suppression(s: wit::Suppression) -> model::Suppression {
    model::Suppression {
        id: s.id,
        owner: s.owner,
        expires: s.expires,
    }
}

/// Convert a stage's own error, capping and cleaning its strings.
pub fn stage_failure(e: wit::StageError) -> StageFailure {
    match e {
        wit::StageError::MalformedInput(m) => StageFailure::MalformedInput {
            message: clean_message(&m.message),
            line: m.position.line,
            column: m.position.column,
            pointer: m.position.pointer.map(|p| clean_message(&p)),
        },
        wit::StageError::UnsupportedFormat(m) => StageFailure::UnsupportedFormat(clean_message(&m)),
        wit::StageError::InvalidConfig(m) => StageFailure::InvalidConfig(clean_message(&m)),
        wit::StageError::Internal(m) => StageFailure::Internal(clean_message(&m)),
    }
}

fn severity(s: wit::Severity) -> model::Severity {
    match s {
        wit::Severity::Critical => model::Severity::Critical,
        wit::Severity::High => model::Severity::High,
        wit::Severity::Medium => model::Severity::Medium,
        wit::Severity::Low => model::Severity::Low,
        wit::Severity::Info => model::Severity::Info,
    }
}

fn severity_to_guest(s: model::Severity) -> wit::Severity {
    match s {
        model::Severity::Critical => wit::Severity::Critical,
        model::Severity::High => wit::Severity::High,
        model::Severity::Medium => wit::Severity::Medium,
        model::Severity::Low => wit::Severity::Low,
        model::Severity::Info => wit::Severity::Info,
    }
}

fn severity_source(s: wit::SeveritySource) -> model::SeveritySource {
    match s {
        wit::SeveritySource::Cvss => model::SeveritySource::Cvss,
        wit::SeveritySource::SecuritySeverity => model::SeveritySource::SecuritySeverity,
        wit::SeveritySource::Tool => model::SeveritySource::Tool,
        wit::SeveritySource::Default => model::SeveritySource::Default,
    }
}

fn severity_source_to_guest(s: model::SeveritySource) -> wit::SeveritySource {
    match s {
        model::SeveritySource::Cvss => wit::SeveritySource::Cvss,
        model::SeveritySource::SecuritySeverity => wit::SeveritySource::SecuritySeverity,
        model::SeveritySource::Tool => wit::SeveritySource::Tool,
        model::SeveritySource::Default => wit::SeveritySource::Default,
    }
}

fn kind(k: wit::FindingKind) -> model::FindingKind {
    match k {
        wit::FindingKind::Sast => model::FindingKind::Sast,
        wit::FindingKind::Sca => model::FindingKind::Sca,
        wit::FindingKind::Secret => model::FindingKind::Secret,
        wit::FindingKind::Iac => model::FindingKind::Iac,
        wit::FindingKind::Container => model::FindingKind::Container,
        wit::FindingKind::Dast => model::FindingKind::Dast,
        wit::FindingKind::Other => model::FindingKind::Other,
    }
}

fn kind_to_guest(k: model::FindingKind) -> wit::FindingKind {
    match k {
        model::FindingKind::Sast => wit::FindingKind::Sast,
        model::FindingKind::Sca => wit::FindingKind::Sca,
        model::FindingKind::Secret => wit::FindingKind::Secret,
        model::FindingKind::Iac => wit::FindingKind::Iac,
        model::FindingKind::Container => wit::FindingKind::Container,
        model::FindingKind::Dast => wit::FindingKind::Dast,
        model::FindingKind::Other => wit::FindingKind::Other,
    }
}

fn action(a: wit::Action) -> model::Action {
    match a {
        wit::Action::Block => model::Action::Block,
        wit::Action::Ticket => model::Action::Ticket,
        wit::Action::Notify => model::Action::Notify,
        wit::Action::Record => model::Action::Record,
        wit::Action::Suppressed => model::Action::Suppressed,
    }
}

fn finding_from_guest(f: wit::Finding, input: usize) -> model::Finding {
    model::Finding {
        tool: f.tool,
        tool_version: f.tool_version,
        rule_id: f.rule_id,
        title: f.title,
        message: f.message,
        severity: severity(f.severity),
        tool_severity: f.tool_severity,
        severity_source: severity_source(f.severity_source),
        kind: kind(f.kind),
        locations: f
            .locations
            .into_iter()
            .map(|l| model::Location {
                path: l.path,
                start_line: l.start_line,
                start_column: l.start_column,
                end_line: l.end_line,
                end_column: l.end_column,
            })
            .collect(),
        component: f.component.map(|c| model::Component {
            name: c.name,
            version: c.version,
            purl: c.purl,
            fixed_versions: c.fixed_versions,
        }),
        vulnerability_ids: f.vulnerability_ids,
        cwes: f.cwes,
        tags: f.tags,
        help_uri: f.help_uri,
        fingerprint: f.fingerprint,
        source_pointer: f.source_pointer,
        input,
        occurrences: 1,
        sources: Vec::new(),
        baseline: None,
    }
}

/// Host model to guest records, for normalizer and policy inputs. Facts
/// the record has no field for travel as reserved tags
/// ([`model::RESERVED_TAG_PREFIX`]): `cordon:baseline=new|existing`.
pub fn findings_to_guest(findings: &[model::Finding]) -> Vec<wit::Finding> {
    findings
        .iter()
        .map(|f| wit::Finding {
            tool: f.tool.clone(),
            tool_version: f.tool_version.clone(),
            rule_id: f.rule_id.clone(),
            title: f.title.clone(),
            message: f.message.clone(),
            severity: severity_to_guest(f.severity),
            tool_severity: f.tool_severity.clone(),
            severity_source: severity_source_to_guest(f.severity_source),
            kind: kind_to_guest(f.kind),
            locations: f
                .locations
                .iter()
                .map(|l| wit::Location {
                    path: l.path.clone(),
                    start_line: l.start_line,
                    start_column: l.start_column,
                    end_line: l.end_line,
                    end_column: l.end_column,
                })
                .collect(),
            component: f.component.as_ref().map(|c| wit::Component {
                name: c.name.clone(),
                version: c.version.clone(),
                purl: c.purl.clone(),
                fixed_versions: c.fixed_versions.clone(),
            }),
            vulnerability_ids: f.vulnerability_ids.clone(),
            cwes: f.cwes.clone(),
            tags: match f.baseline {
                Some(b) => {
                    let mut tags = f.tags.clone();
                    tags.push(model::baseline_tag(b));
                    tags
                }
                None => f.tags.clone(),
            },
            help_uri: f.help_uri.clone(),
            fingerprint: f.fingerprint.clone(),
            source_pointer: f.source_pointer.clone(),
            input: u32::try_from(f.input).unwrap_or(u32::MAX),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(fp: &str) -> wit::Finding {
        wit::Finding {
            tool: "t".into(),
            tool_version: None,
            rule_id: "r".into(),
            title: "x".into(),
            message: "m".into(),
            severity: wit::Severity::High,
            tool_severity: None,
            severity_source: wit::SeveritySource::Tool,
            kind: wit::FindingKind::Sast,
            locations: vec![],
            component: None,
            vulnerability_ids: vec![],
            cwes: vec![],
            tags: vec![],
            help_uri: None,
            fingerprint: fp.into(),
            source_pointer: "/".into(),
            input: 7,
        }
    }

    fn limits(max_findings: u64, max_string_bytes: u64) -> Limits {
        Limits {
            max_findings,
            max_string_bytes,
            ..Limits::default()
        }
    }

    #[test]
    fn caps_are_errors_not_truncation() {
        let err = findings("s", vec![guest(""); 3], &limits(2, 1 << 20), None).expect_err("count");
        assert!(matches!(
            err,
            CallError::Limit {
                limit: LimitKind::Findings { max: 2 },
                ..
            }
        ));
        let mut big = guest("");
        big.message = "x".repeat(100);
        let err = findings("s", vec![big], &limits(10, 50), None).expect_err("bytes");
        assert!(matches!(
            err,
            CallError::Limit {
                limit: LimitKind::StringBytes { max: 50 },
                ..
            }
        ));
    }

    #[test]
    fn reserved_tags_are_the_hosts() {
        let l = limits(10, 1 << 20);
        for (tag, refused) in [
            ("cordon:baseline=existing", true),
            ("cordon:", true),
            ("cordon", false),
            ("team:cordon:x", false),
        ] {
            let mut f = guest("");
            f.tags = vec![tag.into()];
            let got = findings("s", vec![f.clone()], &l, None);
            assert_eq!(
                matches!(&got, Err(CallError::InvalidOutput { detail, .. }) if detail.contains("reserved")),
                refused,
                "{tag}: {got:?}"
            );
            f.fingerprint = "ab".into();
            assert_eq!(
                findings("s", vec![f], &l, Some(8)).is_err(),
                refused,
                "{tag}"
            );
        }
        // What a policy is given carries the baseline as a reserved tag.
        let mut m = findings("s", vec![guest("")], &l, None).expect("valid");
        m[0].baseline = Some(model::BaselineStatus::Existing);
        assert_eq!(findings_to_guest(&m)[0].tags, ["cordon:baseline=existing"]);
    }

    #[test]
    fn normalizer_output_needs_fingerprint_and_valid_input() {
        let l = limits(10, 1 << 20);
        assert!(matches!(
            findings("s", vec![guest("")], &l, Some(8)),
            Err(CallError::InvalidOutput { .. })
        ));
        assert!(matches!(
            findings("s", vec![guest("ab")], &l, Some(7)),
            Err(CallError::InvalidOutput { .. })
        ));
        assert!(matches!(
            findings("s", vec![guest("a\u{1b}b")], &l, Some(8)),
            Err(CallError::InvalidOutput { .. })
        ));
        let ok = findings("s", vec![guest("ab")], &l, Some(8)).expect("valid");
        assert_eq!(ok[0].input, 7);
        // parser output: input index is the host's to set
        assert_eq!(
            findings("s", vec![guest("")], &l, None).expect("valid")[0].input,
            0
        );
    }

    #[test]
    fn list_entries_are_capped_per_finding_and_charged_to_the_budget() {
        let empty = wit::Location {
            path: String::new(),
            start_line: None,
            start_column: None,
            end_line: None,
            end_column: None,
        };
        let with = |n: usize| {
            let mut f = guest("");
            f.locations = vec![empty.clone(); n];
            f
        };
        let l = limits(1000, 1 << 20);
        // Per finding: one over the cap is invalid output.
        assert!(findings("s", vec![with(MAX_LOCATIONS)], &l, None).is_ok());
        let err = findings("s", vec![with(MAX_LOCATIONS + 1)], &l, None).expect_err("cap");
        assert!(
            matches!(&err, CallError::InvalidOutput { detail, .. } if detail == "record 0: `locations` has 1001 entries, more than 1000"),
            "{err:?}"
        );
        // Per call: 100 x 1000 empty locations cost 1.6 MB of a 1 MiB
        // budget though they hold no string bytes at all; 100 x 600 fit.
        let err = findings("s", vec![with(1000); 100], &l, None).expect_err("budget");
        assert!(matches!(
            err,
            CallError::Limit {
                limit: LimitKind::StringBytes { max: 1048576 },
                ..
            }
        ));
        assert_eq!(
            findings("s", vec![with(600); 100], &l, None)
                .expect("within the budget")
                .len(),
            100
        );
        let mut f = guest("");
        f.cwes = vec![79; MAX_LIST_ITEMS + 1];
        assert!(matches!(
            findings("s", vec![f], &l, None),
            Err(CallError::InvalidOutput { .. })
        ));
    }

    #[test]
    fn zero_line_is_rejected() {
        let mut f = guest("");
        f.locations.push(wit::Location {
            path: "a".into(),
            start_line: Some(0),
            start_column: None,
            end_line: None,
            end_column: None,
        });
        assert!(matches!(
            findings("s", vec![f], &limits(10, 1 << 20), None),
            Err(CallError::InvalidOutput { .. })
        ));
    }

    #[test]
    fn decisions_must_cover_each_finding_once() {
        let l = limits(10, 1 << 20);
        let fs = findings("s", vec![guest("a"), guest("b")], &l, Some(8)).expect("valid");
        let d = |fp: &str| wit::Decision {
            fingerprint: fp.into(),
            action: wit::Action::Block,
            rule_id: "r".into(),
            policy_name: "p".into(),
            policy_version: "1".into(),
            reason: "why".into(),
            suppression: None,
            matched: Vec::new(),
            severity_override: None,
            expired_suppression: None,
        };
        let ok = decisions("p", vec![d("a"), d("b")], &l, &fs, "sha256:00").expect("valid");
        assert_eq!(ok[1].policy_digest, "sha256:00");
        for bad in [
            vec![d("a")],
            vec![d("a"), d("a")],
            vec![d("a"), d("b"), d("c")],
        ] {
            assert!(matches!(
                decisions("p", bad, &l, &fs, "x"),
                Err(CallError::InvalidOutput { .. })
            ));
        }
    }

    #[test]
    fn clean_message_strips_controls_and_caps() {
        assert_eq!(clean_message("a\u{1b}[31mb\n"), "a [31mb");
        assert!(clean_message(&"x".repeat(10_000)).len() <= MAX_MESSAGE_BYTES + 3);
    }
}
