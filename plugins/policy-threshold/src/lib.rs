//! `policy-threshold`: declarative severity thresholds per environment.
//!
//! The policy document is TOML:
//!
//! ```toml
//! name = "default"
//! version = "1.0.0"
//! default_environment = "dev"
//!
//! [environments.prod]
//! block = "high"      # block findings at or above this severity
//! ticket = "medium"   # optional: ticket at or above (below `block`)
//! notify = "low"      # optional: notify at or above (below `ticket`)
//! on = "new"          # optional: "all" (default) or "new": with a
//!                     # baseline (`cordon run --baseline`), findings
//!                     # already in it are recorded, never blocked
//!
//! [[suppressions]]
//! id = "SUP-12"
//! owner = "appsec@example.com"
//! expires = "2027-03-31"          # ISO date; lapsed suppressions do nothing
//! reason = "false positive in generated code"
//! rule_id = "py/sql-injection"    # match by rule id ...
//! path_prefix = "gen/"            # ... and/or first location's path prefix
//! # fingerprint = "..."           # ... and/or exact fingerprint
//! ```
//!
//! Every finding gets exactly one decision: `suppressed` when an active
//! suppression matches, otherwise the most severe action whose threshold the
//! finding's severity reaches, otherwise `record`.

use cordon_sdk::{
    Action, Decision, Finding, Policy, RunContext, Severity, StageError, Suppression,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The stage, registered below.
pub struct ThresholdPolicy;

impl Policy for ThresholdPolicy {
    fn evaluate(
        findings: Vec<Finding>,
        document: &str,
        context: RunContext,
    ) -> Result<Vec<Decision>, StageError> {
        let rules = Rules::parse(document)?;
        rules.evaluate(&findings, &context)
    }
}

cordon_sdk::register_policy!(ThresholdPolicy);

/// A parsed threshold policy document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Policy name, copied into every decision.
    pub name: String,
    /// Policy version, copied into every decision.
    pub version: String,
    /// Environment used when the run does not name one.
    pub default_environment: Option<String>,
    /// Thresholds per environment name.
    pub environments: BTreeMap<String, Thresholds>,
    /// Accepted findings.
    #[serde(default)]
    pub suppressions: Vec<SuppressionRule>,
}

/// The thresholds of one environment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Block at or above this severity.
    pub block: String,
    /// Ticket at or above this severity.
    pub ticket: Option<String>,
    /// Notify at or above this severity.
    pub notify: Option<String>,
    /// Which findings the thresholds apply to: `all` (default) or `new`
    /// (not in the run's baseline; without a baseline every finding is new).
    pub on: Option<String>,
}

/// One suppression; all given matchers must match.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionRule {
    /// Suppression id, reported in the decision.
    pub id: String,
    /// Who answers for it.
    pub owner: String,
    /// ISO date after which it no longer applies.
    pub expires: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Match findings with this rule id.
    pub rule_id: Option<String>,
    /// Match findings with this fingerprint.
    pub fingerprint: Option<String>,
    /// Match findings whose first location starts with this path.
    pub path_prefix: Option<String>,
}

fn config_error(msg: String) -> StageError {
    StageError::InvalidConfig(msg)
}

fn severity(name: &str, what: &str) -> Result<Severity, StageError> {
    Severity::from_name(name).ok_or_else(|| {
        config_error(format!(
            "{what}: unknown severity {name:?} (expected critical, high, medium, low or info)"
        ))
    })
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl Rules {
    /// Parse and check a policy document.
    pub fn parse(document: &str) -> Result<Rules, StageError> {
        let rules: Rules = toml::from_str(document)
            .map_err(|e| config_error(format!("policy document is not valid: {e}")))?;
        if rules.environments.is_empty() {
            return Err(config_error(
                "policy defines no [environments.*] table".into(),
            ));
        }
        for (env, t) in &rules.environments {
            if let Some(on) = &t.on
                && on != "all"
                && on != "new"
            {
                return Err(config_error(format!(
                    "environments.{env}.on = {on:?}: expected \"all\" or \"new\""
                )));
            }
            let block = severity(&t.block, &format!("environments.{env}.block"))?;
            let mut floor = block;
            for (name, level) in [("ticket", &t.ticket), ("notify", &t.notify)] {
                if let Some(level) = level {
                    let s = severity(level, &format!("environments.{env}.{name}"))?;
                    if s.rank() <= floor.rank() {
                        return Err(config_error(format!(
                            "environments.{env}.{name} = {level:?} must be below the previous threshold ({})",
                            floor.as_str()
                        )));
                    }
                    floor = s;
                }
            }
        }
        if let Some(d) = &rules.default_environment
            && !rules.environments.contains_key(d)
        {
            return Err(config_error(format!(
                "default_environment {d:?} is not one of the environments defined"
            )));
        }
        for s in &rules.suppressions {
            if s.rule_id.is_none() && s.fingerprint.is_none() && s.path_prefix.is_none() {
                return Err(config_error(format!(
                    "suppression {:?} matches everything: give rule_id, fingerprint or path_prefix",
                    s.id
                )));
            }
            if let Some(e) = &s.expires
                && !is_iso_date(e)
            {
                return Err(config_error(format!(
                    "suppression {:?}: expires {e:?} is not an ISO date (YYYY-MM-DD)",
                    s.id
                )));
            }
        }
        Ok(rules)
    }

    /// One decision per finding, in input order.
    pub fn evaluate(
        &self,
        findings: &[Finding],
        ctx: &RunContext,
    ) -> Result<Vec<Decision>, StageError> {
        let env_name = if ctx.environment.is_empty() {
            self.default_environment.clone().ok_or_else(|| {
                config_error(
                    "no environment given (--env) and the policy has no default_environment".into(),
                )
            })?
        } else {
            ctx.environment.clone()
        };
        let env = self.environments.get(&env_name).ok_or_else(|| {
            let known: Vec<&str> = self.environments.keys().map(String::as_str).collect();
            config_error(format!(
                "environment {env_name:?} is not defined in policy {:?} (defined: {})",
                self.name,
                known.join(", ")
            ))
        })?;
        let mut levels = vec![(Action::Block, "block", severity(&env.block, "block")?)];
        if let Some(t) = &env.ticket {
            levels.push((Action::Ticket, "ticket", severity(t, "ticket")?));
        }
        if let Some(n) = &env.notify {
            levels.push((Action::Notify, "notify", severity(n, "notify")?));
        }

        Ok(findings
            .iter()
            .map(|f| {
                let new_only = env.on.as_deref() == Some("new");
                self.decide(f, &env_name, &levels, &ctx.today, new_only)
            })
            .collect())
    }

    fn decide(
        &self,
        f: &Finding,
        env: &str,
        levels: &[(Action, &str, Severity)],
        today: &str,
        new_only: bool,
    ) -> Decision {
        let base = |action, rule_id: String, reason: String, suppression| Decision {
            fingerprint: f.fingerprint.clone(),
            action,
            rule_id,
            policy_name: self.name.clone(),
            policy_version: self.version.clone(),
            reason,
            suppression,
        };
        if let Some(s) = self.suppressions.iter().find(|s| s.matches(f, today)) {
            return base(
                Action::Suppressed,
                format!("suppression/{}", s.id),
                format!("suppressed by {} (owner {}): {}", s.id, s.owner, s.reason),
                Some(Suppression {
                    id: s.id.clone(),
                    owner: s.owner.clone(),
                    expires: s.expires.clone(),
                }),
            );
        }
        if new_only && cordon_sdk::in_baseline(f) {
            return base(
                Action::Record,
                format!("{env}/existing"),
                format!(
                    "in the baseline already; the {env} thresholds apply to new findings only (on = \"new\")"
                ),
                None,
            );
        }
        for (action, name, threshold) in levels {
            if f.severity.rank() <= threshold.rank() {
                return base(
                    *action,
                    format!("{env}/{name}-at-{}", threshold.as_str()),
                    format!(
                        "severity {} is at or above the {env} {name} threshold ({})",
                        f.severity.as_str(),
                        threshold.as_str()
                    ),
                    None,
                );
            }
        }
        let lowest = levels.last().map(|l| l.2.as_str()).unwrap_or("info");
        base(
            Action::Record,
            format!("{env}/record"),
            format!(
                "severity {} is below every {env} threshold (lowest: {lowest})",
                f.severity.as_str()
            ),
            None,
        )
    }
}

impl SuppressionRule {
    fn matches(&self, f: &Finding, today: &str) -> bool {
        if let Some(exp) = &self.expires
            && today > exp.as_str()
        {
            return false;
        }
        self.rule_id.as_ref().is_none_or(|r| *r == f.rule_id)
            && self
                .fingerprint
                .as_ref()
                .is_none_or(|p| *p == f.fingerprint)
            && self.path_prefix.as_ref().is_none_or(|p| {
                f.locations
                    .first()
                    .is_some_and(|l| l.path.starts_with(p.as_str()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_sdk::{FindingKind, Location};

    const DOC: &str = r#"
name = "t"
version = "1"
default_environment = "dev"
[environments.prod]
block = "high"
ticket = "medium"
[environments.dev]
block = "critical"
[[suppressions]]
id = "S1"
owner = "me"
expires = "2026-12-31"
reason = "fp"
rule_id = "suppressed-rule"
"#;

    fn f(sev: Severity, rule: &str) -> Finding {
        Finding {
            tool: "t".into(),
            tool_version: None,
            rule_id: rule.into(),
            title: String::new(),
            message: String::new(),
            severity: sev,
            tool_severity: None,
            kind: FindingKind::Sast,
            locations: vec![Location {
                path: "a".into(),
                start_line: None,
                start_column: None,
                end_line: None,
                end_column: None,
            }],
            component: None,
            vulnerability_ids: vec![],
            cwes: vec![],
            tags: vec![],
            help_uri: None,
            fingerprint: "fp".into(),
            source_pointer: String::new(),
            input: 0,
        }
    }

    fn ctx(env: &str, today: &str) -> RunContext {
        RunContext {
            environment: env.into(),
            today: today.into(),
        }
    }

    fn actions(env: &str, today: &str, fs: &[Finding]) -> Vec<Action> {
        let rules = Rules::parse(DOC).expect("valid doc");
        rules
            .evaluate(fs, &ctx(env, today))
            .expect("evaluates")
            .into_iter()
            .map(|d| d.action)
            .collect()
    }

    #[test]
    fn thresholds_per_environment() {
        let fs = [
            f(Severity::Critical, "r"),
            f(Severity::High, "r"),
            f(Severity::Medium, "r"),
            f(Severity::Low, "r"),
        ];
        assert_eq!(
            actions("prod", "2026-01-01", &fs),
            [Action::Block, Action::Block, Action::Ticket, Action::Record]
        );
        assert_eq!(
            actions("", "2026-01-01", &fs),
            [
                Action::Block,
                Action::Record,
                Action::Record,
                Action::Record
            ]
        );
    }

    #[test]
    fn suppression_applies_until_it_expires() {
        let fs = [f(Severity::Critical, "suppressed-rule")];
        assert_eq!(actions("prod", "2026-12-31", &fs), [Action::Suppressed]);
        assert_eq!(actions("prod", "2027-01-01", &fs), [Action::Block]);
    }

    #[test]
    fn on_new_records_what_the_baseline_has() {
        let doc = DOC.replace("ticket = \"medium\"", "ticket = \"medium\"\non = \"new\"");
        let rules = Rules::parse(&doc).expect("valid doc");
        let mut existing = f(Severity::Critical, "r");
        existing.tags.push(cordon_sdk::TAG_BASELINE_EXISTING.into());
        let mut new = f(Severity::Critical, "r");
        new.tags.push("cordon:baseline=new".into());
        let untagged = f(Severity::Critical, "r");
        let got: Vec<_> = rules
            .evaluate(
                &[existing.clone(), new, untagged],
                &ctx("prod", "2026-01-01"),
            )
            .expect("evaluates")
            .into_iter()
            .map(|d| (d.action, d.rule_id))
            .collect();
        assert_eq!(
            got,
            [
                (Action::Record, "prod/existing".to_string()),
                (Action::Block, "prod/block-at-high".to_string()),
                (Action::Block, "prod/block-at-high".to_string()),
            ]
        );
        assert_eq!(
            actions("prod", "2026-01-01", &[existing]),
            [Action::Block],
            "without on = \"new\" the thresholds apply to all"
        );
        assert!(Rules::parse(&DOC.replace("ticket = \"medium\"", "on = \"old\"")).is_err());
    }

    #[test]
    fn unknown_environment_is_a_config_error() {
        let rules = Rules::parse(DOC).expect("valid doc");
        let err = rules
            .evaluate(&[], &ctx("staging", "2026-01-01"))
            .expect_err("unknown env");
        assert!(
            matches!(&err, StageError::InvalidConfig(m) if m.contains("\"staging\"") && m.contains("dev, prod")),
            "{err:?}"
        );
    }

    #[test]
    fn rejects_bad_documents() {
        for doc in [
            "name='x'\nversion='1'\n[environments.p]\nblock='severe'",
            "name='x'\nversion='1'\n[environments.p]\nblock='low'\nticket='high'",
            "name='x'\nversion='1'\nenvironments={}",
            "name='x'\nversion='1'\nbogus=1\n[environments.p]\nblock='low'",
            "name='x'\nversion='1'\n[environments.p]\nblock='low'\n[[suppressions]]\nid='a'\nowner='o'\nreason='r'",
        ] {
            assert!(
                matches!(Rules::parse(doc), Err(StageError::InvalidConfig(_))),
                "{doc}"
            );
        }
    }
}
