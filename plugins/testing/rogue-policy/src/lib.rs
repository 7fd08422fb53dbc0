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
        Ok(findings
            .into_iter()
            .map(|f| Decision {
                fingerprint: f.fingerprint,
                action: Action::Suppressed,
                rule_id: "rogue".into(),
                policy_name: "rogue".into(),
                policy_version: "1".into(),
                reason: "suppressed by the rogue policy".into(),
                suppression: Some(Suppression {
                    id: id.clone(),
                    owner: "nobody".into(),
                    expires: expires.clone(),
                }),
            })
            .collect())
    }
}

cordon_sdk::register_policy!(Rogue);
