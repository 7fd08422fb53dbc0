//! A stage's output held to the shape of its job.
//!
//! [`crate::validate`] checks that each record is well-formed and within the
//! caps. A signed normalizer or policy is trusted with content, but the host
//! can still check what follows from its job, so that a compromised or buggy
//! stage cannot silently empty the gate:
//!
//! * a **normalizer** may merge findings, never drop or invent them: every
//!   output finding names the input findings it stands for, every input
//!   finding is accounted for exactly once, each output keeps the `input`
//!   and `source_pointer` of one of its sources, and no two outputs share a
//!   fingerprint;
//! * a **policy**'s `suppressed` decision must name a suppression the policy
//!   document declares (with the expiry the document gives it) that has not
//!   expired by the run's date.
//!
//! Anything else is [`CallError::InvalidOutput`].

use cordon_model as model;
use std::collections::HashSet;

use crate::error::CallError;
use crate::validate::clean_message;

fn invalid(stage: &str, detail: String) -> CallError {
    CallError::InvalidOutput {
        stage: stage.to_string(),
        detail,
    }
}

/// Check a normalizer's accounting: `outputs[i]` stands for the input
/// findings `sources[i]` (indices into `inputs`).
pub fn normalizer_accounts_for_every_input(
    stage: &str,
    inputs: &[model::Finding],
    outputs: &[model::Finding],
    sources: &[Vec<u32>],
) -> Result<(), CallError> {
    if sources.len() != outputs.len() {
        return Err(invalid(
            stage,
            format!(
                "returned {} findings but sources for {}; every finding must name the inputs it stands for",
                outputs.len(),
                sources.len()
            ),
        ));
    }
    let mut seen = vec![false; inputs.len()];
    let mut fingerprints: HashSet<&str> = HashSet::with_capacity(outputs.len());
    for (i, (out, srcs)) in outputs.iter().zip(sources).enumerate() {
        if srcs.is_empty() {
            return Err(invalid(
                stage,
                format!("finding {i} stands for no input finding (invented)"),
            ));
        }
        for &s in srcs {
            let s = s as usize;
            match seen.get_mut(s) {
                None => {
                    return Err(invalid(
                        stage,
                        format!(
                            "finding {i} names input finding {s}, but there are only {}",
                            inputs.len()
                        ),
                    ));
                }
                Some(true) => {
                    return Err(invalid(
                        stage,
                        format!("input finding {s} is accounted for twice (again by finding {i})"),
                    ));
                }
                Some(slot) => *slot = true,
            }
        }
        let keeps_provenance = srcs.iter().any(|&s| {
            inputs.get(s as usize).is_some_and(|src| {
                src.input == out.input && src.source_pointer == out.source_pointer
            })
        });
        if !keeps_provenance {
            return Err(invalid(
                stage,
                format!(
                    "finding {i} claims input {} at {:?}, which none of the findings it stands for has",
                    out.input,
                    clean_message(&out.source_pointer)
                ),
            ));
        }
        if !fingerprints.insert(out.fingerprint.as_str()) {
            return Err(invalid(
                stage,
                format!(
                    "finding {i} has fingerprint {} like an earlier one; findings with one fingerprint must be merged",
                    out.fingerprint
                ),
            ));
        }
    }
    if let Some(dropped) = seen.iter().position(|s| !s) {
        let missing = seen.iter().filter(|s| !**s).count();
        let f = &inputs[dropped];
        return Err(invalid(
            stage,
            format!(
                "{missing} input finding(s) are accounted for by no output (dropped), the first: {} {} at input {} {:?}",
                clean_message(&f.tool),
                clean_message(&f.rule_id),
                f.input,
                clean_message(&f.source_pointer)
            ),
        ));
    }
    Ok(())
}

/// Check that every `suppressed` decision names a suppression `document`
/// declares ([`cordon_manifest::declared_suppressions`]), reports the
/// expiry the document gives it, and has not expired by `today`
/// (`YYYY-MM-DD`; a suppression applies through its `expires` day).
pub fn suppressions_are_declared_and_current(
    stage: &str,
    decisions: &[model::Decision],
    document: &str,
    today: &str,
) -> Result<(), CallError> {
    let mut declared = None;
    for (i, d) in decisions.iter().enumerate() {
        if let Some(s) = &d.expired_suppression {
            let declared =
                declared.get_or_insert_with(|| cordon_manifest::declared_suppressions(document));
            let lapsed = declared.iter().find(|x| x.id == s.id).and_then(|x| {
                x.expires
                    .as_deref()
                    .filter(|e| today > *e && s.expires.as_deref() == Some(*e))
            });
            if lapsed.is_none() {
                return Err(invalid(
                    stage,
                    format!(
                        "decision {i} names {:?} (expires {:?}) as an expired suppression, but the policy document declares no such suppression that expired before {today}",
                        clean_message(&s.id),
                        s.expires
                            .as_deref()
                            .map_or("never".to_string(), clean_message)
                    ),
                ));
            }
        }
        let Some(s) = &d.suppression else {
            continue;
        };
        let declared =
            declared.get_or_insert_with(|| cordon_manifest::declared_suppressions(document));
        let Some(decl) = declared.iter().find(|x| x.id == s.id) else {
            return Err(invalid(
                stage,
                format!(
                    "decision {i} suppresses finding {} with {:?}, which the policy document does not declare",
                    d.fingerprint,
                    clean_message(&s.id)
                ),
            ));
        };
        if decl.expires != s.expires {
            return Err(invalid(
                stage,
                format!(
                    "decision {i}: suppression {:?} expires {:?} in the policy document, the stage said {:?}",
                    decl.id,
                    decl.expires.as_deref().unwrap_or("never"),
                    s.expires
                        .as_deref()
                        .map_or("never".to_string(), clean_message)
                ),
            ));
        }
        if let Some(expires) = &decl.expires
            && today > expires.as_str()
        {
            return Err(invalid(
                stage,
                format!(
                    "decision {i} applies suppression {:?}, which expired on {expires} (the run's date is {today})",
                    decl.id
                ),
            ));
        }
    }
    Ok(())
}
