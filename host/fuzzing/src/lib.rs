//! The body and the oracle of the host's fuzz target.
//!
//! A guest can return any records the WIT types allow: any strings, any
//! counts, any enum values, fingerprints that name nothing. The target turns
//! fuzzer bytes into such records (and into per-call limits) and hands them to
//! [`cordon_runtime::validate`], then checks the answer against an
//! independent statement of the contract written here, field by field:
//!
//! * accepted exactly when the contract says so (no record over a cap, no
//!   empty tool, no zero line, no bad fingerprint, the right input index,
//!   exactly one decision per finding, a suppression on every `suppressed`
//!   decision and on no other);
//! * accepted records come back unchanged (validation never truncates);
//! * refusals are [`CallError::Limit`] or [`CallError::InvalidOutput`], and
//!   every error or stage-failure text is bounded and free of control
//!   characters (it reaches terminals and CI logs).
//!
//! `host/fuzz` calls [`validate_records`] from libFuzzer; the replay test in
//! this crate runs [`check`] over the saved corpus and every minimised crash.

use arbitrary::{Arbitrary, Unstructured};
use cordon_manifest::Limits;
use cordon_model as model;
use cordon_runtime::CallError;
use cordon_runtime::guest as wit;
use cordon_runtime::validate::{
    self, MAX_FINGERPRINT_BYTES, MAX_ID_BYTES, MAX_MESSAGE_BYTES, MAX_TITLE_BYTES,
};

/// The stage name used in every call.
const STAGE: &str = "fuzzed";

/// Longest error text the host may produce for one refusal.
const MAX_ERROR_TEXT: usize = 2 * MAX_MESSAGE_BYTES + 512;

/// One fuzz iteration: panics (a libFuzzer crash) when the validator and the
/// contract disagree, with the disagreement in the message.
pub fn validate_records(data: &[u8]) {
    if let Err(broken) = check(data) {
        panic!("{broken}");
    }
}

/// Which way validation went for one input (both agreed with the contract).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Findings accepted, and how many.
    pub findings_accepted: Option<usize>,
    /// Decisions accepted, and how many.
    pub decisions_accepted: Option<usize>,
}

/// Build records and limits from `data`, validate them, and compare with the
/// contract. `Err` names the broken rule. Running out of bytes is not an
/// error: whatever was built so far is checked.
pub fn check(data: &[u8]) -> Result<Outcome, String> {
    let mut u = Unstructured::new(data);
    let limits = Limits {
        max_findings: small(&mut u, 12),
        max_string_bytes: small(&mut u, 1 << 14),
        ..Limits::default()
    };
    let inputs = match u.arbitrary::<bool>() {
        Ok(true) => Some(small(&mut u, 3) as usize),
        _ => None,
    };
    let mut raw = Vec::new();
    while raw.len() < 16 && u.arbitrary::<bool>().unwrap_or(false) {
        raw.push(finding(&mut u));
    }
    let findings_accepted = check_findings(&raw, &limits, inputs)?;

    // Decisions against findings whose fingerprints collide on purpose.
    let findings: Vec<model::Finding> = (0..small(&mut u, 8))
        .map(|_| with_fingerprint(["fp-a", "fp-b", "fp-c", ""][small(&mut u, 3) as usize]))
        .collect();
    let mut decisions = Vec::new();
    while decisions.len() < 12 && u.arbitrary::<bool>().unwrap_or(false) {
        decisions.push(decision(&mut u, &findings));
    }
    let decisions_accepted = check_decisions(&decisions, &limits, &findings)?;

    let failure = stage_error(&mut u);
    clean_text(
        "stage failure",
        &validate::stage_failure(failure).to_string(),
    )?;
    Ok(Outcome {
        findings_accepted,
        decisions_accepted,
    })
}

fn small(u: &mut Unstructured, max: u64) -> u64 {
    u.int_in_range(0..=max).unwrap_or(max)
}

/// A string that is sometimes short and arbitrary (control characters,
/// any Unicode) and sometimes just around a cap.
fn text(u: &mut Unstructured) -> String {
    match u.int_in_range(0..=9u8).unwrap_or(0) {
        0 => String::new(),
        1 => {
            let cap = [MAX_ID_BYTES, MAX_TITLE_BYTES, MAX_FINGERPRINT_BYTES][small(u, 2) as usize];
            let len = cap - 2 + small(u, 4) as usize;
            let c = ['x', 'é', '\u{1F600}', '\n'][small(u, 3) as usize];
            let mut s = String::new();
            while s.len() + c.len_utf8() <= len {
                s.push(c);
            }
            s
        }
        2 => "abc:_-.0".chars().take(small(u, 8) as usize).collect(),
        _ => String::arbitrary(u).unwrap_or_default(),
    }
}

fn opt_text(u: &mut Unstructured) -> Option<String> {
    u.arbitrary::<bool>().unwrap_or(false).then(|| text(u))
}

fn texts(u: &mut Unstructured) -> Vec<String> {
    (0..small(u, 3)).map(|_| text(u)).collect()
}

fn position(u: &mut Unstructured) -> Option<u32> {
    match small(u, 3) {
        0 => None,
        1 => Some(0),
        _ => Some(u.arbitrary().unwrap_or(1)),
    }
}

fn finding(u: &mut Unstructured) -> wit::Finding {
    let severities = [
        wit::Severity::Critical,
        wit::Severity::High,
        wit::Severity::Medium,
        wit::Severity::Low,
        wit::Severity::Info,
    ];
    let kinds = [
        wit::FindingKind::Sast,
        wit::FindingKind::Sca,
        wit::FindingKind::Secret,
        wit::FindingKind::Iac,
        wit::FindingKind::Container,
        wit::FindingKind::Dast,
        wit::FindingKind::Other,
    ];
    wit::Finding {
        tool: text(u),
        tool_version: opt_text(u),
        rule_id: text(u),
        title: text(u),
        message: text(u),
        severity: severities[small(u, 4) as usize],
        tool_severity: opt_text(u),
        severity_source: [
            wit::SeveritySource::Cvss,
            wit::SeveritySource::SecuritySeverity,
            wit::SeveritySource::Tool,
            wit::SeveritySource::Default,
        ][small(u, 3) as usize],
        kind: kinds[small(u, 6) as usize],
        locations: (0..small(u, 2))
            .map(|_| wit::Location {
                path: text(u),
                start_line: position(u),
                start_column: position(u),
                end_line: position(u),
                end_column: position(u),
            })
            .collect(),
        component: u
            .arbitrary::<bool>()
            .unwrap_or(false)
            .then(|| wit::Component {
                name: text(u),
                version: opt_text(u),
                purl: opt_text(u),
                fixed_versions: texts(u),
            }),
        vulnerability_ids: texts(u),
        cwes: (0..small(u, 2))
            .map(|_| u.arbitrary().unwrap_or(0))
            .collect(),
        tags: texts(u),
        help_uri: opt_text(u),
        fingerprint: text(u),
        source_pointer: text(u),
        input: u32::try_from(small(u, 4)).unwrap_or(0),
    }
}

fn decision(u: &mut Unstructured, findings: &[model::Finding]) -> wit::Decision {
    let actions = [
        wit::Action::Block,
        wit::Action::Ticket,
        wit::Action::Notify,
        wit::Action::Record,
        wit::Action::Suppressed,
    ];
    let fingerprint = match (findings.len(), small(u, 3)) {
        (n, 0..=2) if n > 0 => findings[small(u, n as u64 - 1) as usize]
            .fingerprint
            .clone(),
        _ => text(u),
    };
    wit::Decision {
        fingerprint,
        action: actions[small(u, 4) as usize],
        rule_id: text(u),
        policy_name: text(u),
        policy_version: text(u),
        reason: text(u),
        suppression: u
            .arbitrary::<bool>()
            .unwrap_or(false)
            .then(|| wit::Suppression {
                id: text(u),
                owner: text(u),
                expires: opt_text(u),
            }),
        matched: (0..small(u, 3))
            .map(|_| wit::FieldMatch {
                field: text(u),
                value: text(u),
                pattern: text(u),
            })
            .collect(),
        severity_override: None,
        expired_suppression: None,
    }
}

fn stage_error(u: &mut Unstructured) -> wit::StageError {
    match small(u, 3) {
        0 => wit::StageError::MalformedInput(wit::Malformed {
            message: text(u),
            position: wit::InputPosition {
                line: position(u),
                column: position(u),
                pointer: opt_text(u),
            },
        }),
        1 => wit::StageError::UnsupportedFormat(text(u)),
        2 => wit::StageError::InvalidConfig(text(u)),
        _ => wit::StageError::Internal(text(u)),
    }
}

/// A host-model finding carrying only `fingerprint` (all a policy's
/// decisions are checked against).
fn with_fingerprint(fingerprint: &str) -> model::Finding {
    model::Finding {
        tool: "t".into(),
        tool_version: None,
        rule_id: String::new(),
        title: String::new(),
        message: String::new(),
        severity: model::Severity::Info,
        tool_severity: None,
        severity_source: model::SeveritySource::Tool,
        kind: model::FindingKind::Other,
        locations: Vec::new(),
        component: None,
        vulnerability_ids: Vec::new(),
        cwes: Vec::new(),
        tags: Vec::new(),
        help_uri: None,
        fingerprint: fingerprint.to_string(),
        source_pointer: String::new(),
        input: 0,
        occurrences: 1,
        sources: Vec::new(),
        baseline: None,
    }
}

/// Sum of string bytes and the first cap violation of one guest finding, as
/// the contract states them.
fn finding_contract(f: &wit::Finding, require_fingerprint: bool) -> (u64, Option<String>) {
    let mut bytes = 0u64;
    let mut bad = None;
    let mut s = |field: &str, v: &str, max: usize| {
        bytes += v.len() as u64;
        if max > 0 && v.len() > max && bad.is_none() {
            bad = Some(format!("`{field}` over {max} bytes"));
        }
    };
    s("tool", &f.tool, MAX_ID_BYTES);
    if let Some(v) = &f.tool_version {
        s("tool_version", v, MAX_ID_BYTES);
    }
    s("rule_id", &f.rule_id, MAX_ID_BYTES);
    s("title", &f.title, MAX_TITLE_BYTES);
    s("message", &f.message, 0);
    if let Some(v) = &f.tool_severity {
        s("tool_severity", v, MAX_ID_BYTES);
    }
    for l in &f.locations {
        s("path", &l.path, 0);
    }
    if let Some(c) = &f.component {
        s("component.name", &c.name, MAX_ID_BYTES);
        if let Some(v) = &c.version {
            s("component.version", v, MAX_ID_BYTES);
        }
        if let Some(v) = &c.purl {
            s("component.purl", v, 0);
        }
        for v in &c.fixed_versions {
            s("fixed_versions", v, MAX_ID_BYTES);
        }
    }
    for v in f.vulnerability_ids.iter().chain(&f.tags) {
        s("ids/tags", v, MAX_ID_BYTES);
    }
    if let Some(v) = &f.help_uri {
        s("help_uri", v, 0);
    }
    s("source_pointer", &f.source_pointer, 0);
    s("fingerprint", &f.fingerprint, MAX_FINGERPRINT_BYTES);
    if bad.is_none() && f.tool.trim().is_empty() {
        bad = Some("empty tool".into());
    }
    let zero = f
        .locations
        .iter()
        .any(|l| [l.start_line, l.start_column, l.end_line, l.end_column].contains(&Some(0)));
    if bad.is_none() && zero {
        bad = Some("a zero line or column".into());
    }
    if bad.is_none() && !fingerprint_ok(&f.fingerprint, require_fingerprint) {
        bad = Some("a bad fingerprint".into());
    }
    (bytes, bad)
}

fn fingerprint_ok(fp: &str, required: bool) -> bool {
    fp.len() <= MAX_FINGERPRINT_BYTES
        && !(required && fp.is_empty())
        && fp
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
}

fn check_findings(
    raw: &[wit::Finding],
    limits: &Limits,
    inputs: Option<usize>,
) -> Result<Option<usize>, String> {
    let mut expected = None;
    if raw.len() as u64 > limits.max_findings {
        expected = Some("too many findings".to_string());
    }
    let mut total = 0u64;
    for (i, f) in raw.iter().enumerate() {
        let (bytes, bad) = finding_contract(f, inputs.is_some());
        total = total.saturating_add(bytes);
        let bad_input = inputs.is_some_and(|n| f.input as usize >= n);
        if expected.is_none() {
            expected = bad
                .map(|b| format!("record {i}: {b}"))
                .or_else(|| bad_input.then(|| format!("record {i}: input out of range")));
        }
    }
    if expected.is_none() && total > limits.max_string_bytes {
        expected = Some("too many string bytes".into());
    }
    let got = validate::findings(STAGE, raw.to_vec(), limits, inputs);
    match (got, expected) {
        (Ok(out), None) => {
            if out.len() != raw.len() {
                return Err(format!("{} records in, {} out", raw.len(), out.len()));
            }
            for (i, (o, r)) in out.iter().zip(raw).enumerate() {
                let want_input = inputs.map_or(0, |_| r.input as usize);
                let same = o.tool == r.tool
                    && o.tool_version == r.tool_version
                    && o.rule_id == r.rule_id
                    && o.title == r.title
                    && o.message == r.message
                    && o.tool_severity == r.tool_severity
                    && o.locations.len() == r.locations.len()
                    && o.component.as_ref().map(|c| (&c.name, &c.version, &c.purl))
                        == r.component.as_ref().map(|c| (&c.name, &c.version, &c.purl))
                    && o.vulnerability_ids == r.vulnerability_ids
                    && o.cwes == r.cwes
                    && o.tags == r.tags
                    && o.help_uri == r.help_uri
                    && o.fingerprint == r.fingerprint
                    && o.source_pointer == r.source_pointer
                    && o.input == want_input;
                if !same {
                    return Err(format!("record {i} changed in validation"));
                }
            }
            Ok(Some(out.len()))
        }
        (Ok(_), Some(why)) => Err(format!(
            "findings accepted, but the contract refuses them: {why}"
        )),
        (Err(e), None) => Err(format!(
            "findings refused, but the contract accepts them: {e}"
        )),
        (Err(e), Some(_)) => refusal(&e).map(|()| None),
    }
}

fn check_decisions(
    raw: &[wit::Decision],
    limits: &Limits,
    findings: &[model::Finding],
) -> Result<Option<usize>, String> {
    let mut expected = None;
    if raw.len() as u64 > limits.max_findings {
        expected = Some("too many decisions".to_string());
    }
    let mut owed: Vec<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let mut total = 0u64;
    for (i, d) in raw.iter().enumerate() {
        let mut bad = None;
        let mut s = |v: &str, max: usize| {
            total = total.saturating_add(v.len() as u64);
            if v.len() > max && bad.is_none() {
                bad = Some(format!("record {i}: a string over {max} bytes"));
            }
        };
        s(&d.fingerprint, MAX_FINGERPRINT_BYTES);
        s(&d.rule_id, MAX_ID_BYTES);
        s(&d.policy_name, MAX_ID_BYTES);
        s(&d.policy_version, MAX_ID_BYTES);
        s(&d.reason, MAX_TITLE_BYTES);
        if let Some(sup) = &d.suppression {
            s(&sup.id, MAX_ID_BYTES);
            s(&sup.owner, MAX_ID_BYTES);
            if let Some(e) = &sup.expires {
                s(e, MAX_ID_BYTES);
            }
        }
        if bad.is_none() && !fingerprint_ok(&d.fingerprint, false) {
            bad = Some(format!("record {i}: a bad fingerprint"));
        }
        if bad.is_none() {
            match owed.iter().position(|fp| *fp == d.fingerprint) {
                Some(at) => {
                    owed.swap_remove(at);
                }
                None => bad = Some(format!("record {i}: names no finding still owed one")),
            }
        }
        if bad.is_none() && (d.action == wit::Action::Suppressed) != d.suppression.is_some() {
            bad = Some(format!("record {i}: suppression and action disagree"));
        }
        if expected.is_none() {
            expected = bad;
        }
    }
    if expected.is_none() && total > limits.max_string_bytes {
        expected = Some("too many string bytes".into());
    }
    if expected.is_none() && !owed.is_empty() {
        expected = Some(format!("{} findings without a decision", owed.len()));
    }
    match (
        validate::decisions(STAGE, raw.to_vec(), limits, findings, "sha256:p"),
        expected,
    ) {
        (Ok(out), None) => {
            let same = out.len() == raw.len()
                && out.iter().zip(raw).all(|(o, r)| {
                    o.fingerprint == r.fingerprint
                        && o.reason == r.reason
                        && o.rule_id == r.rule_id
                        && o.suppression.as_ref().map(|s| &s.id)
                            == r.suppression.as_ref().map(|s| &s.id)
                        && o.policy_digest == "sha256:p"
                });
            if same {
                Ok(Some(out.len()))
            } else {
                Err("decisions changed in validation".into())
            }
        }
        (Ok(_), Some(why)) => Err(format!(
            "decisions accepted, but the contract refuses them: {why}"
        )),
        (Err(e), None) => Err(format!(
            "decisions refused, but the contract accepts them: {e}"
        )),
        (Err(e), Some(_)) => refusal(&e).map(|()| None),
    }
}

/// A refusal must be a limit or an invalid-output error with clean text.
fn refusal(e: &CallError) -> Result<(), String> {
    match e {
        CallError::Limit { .. } | CallError::InvalidOutput { .. } => {
            clean_text("refusal", &e.to_string())
        }
        other => Err(format!("unexpected error kind {}: {other}", other.kind())),
    }
}

fn clean_text(what: &str, s: &str) -> Result<(), String> {
    if s.len() > MAX_ERROR_TEXT {
        return Err(format!("{what} text is {} bytes", s.len()));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{what} text has a control character: {s:?}"));
    }
    Ok(())
}
