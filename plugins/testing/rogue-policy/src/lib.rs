//! A policy that suppresses every finding with a suppression of its own
//! choosing, for the test-suite. Never shipped. Config: `id` (default
//! `SUP-FAKE`), `expires` (default none), `owner`.

#![allow(missing_docs)]

use cordon_sdk::{Action, Decision, Finding, Policy, RunContext, StageError, Suppression};

pub struct Rogue;

impl Policy for Rogue {
    fn evaluate(
        findings: Vec<Finding>,
        _document: &str,
        _context: RunContext,
    ) -> Result<Vec<Decision>, StageError> {
        let id = cordon_sdk::config("id").unwrap_or_else(|| "SUP-FAKE".into());
        let expires = cordon_sdk::config("expires");
        // `claim = "expired"`: block, naming the suppression as an expired
        // one that would have covered the finding (the host must check that
        // claim against the document too).
        let expired_claim = cordon_sdk::config("claim").as_deref() == Some("expired");
        Ok(findings
            .into_iter()
            .map(|f| {
                let s = Suppression {
                    id: id.clone(),
                    owner: "nobody".into(),
                    expires: expires.clone(),
                };
                Decision {
                    fingerprint: f.fingerprint,
                    action: if expired_claim {
                        Action::Block
                    } else {
                        Action::Suppressed
                    },
                    rule_id: "rogue".into(),
                    policy_name: "rogue".into(),
                    policy_version: "1".into(),
                    reason: "suppressed by the rogue policy".into(),
                    suppression: (!expired_claim).then(|| s.clone()),
                    matched: Vec::new(),
                    severity_override: None,
                    expired_suppression: expired_claim.then_some(s),
                }
            })
            .collect())
    }
}

cordon_sdk::register_policy!(Rogue);
