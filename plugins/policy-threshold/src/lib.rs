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
//! # Severity overrides: the first that matches sets the severity the
//! # thresholds see (the finding keeps its own).
//! [[severity]]
//! match = { tool = "ruff" }
//! severity = "low"
//! reason = "ruff findings are lint, not vulnerabilities"
//!
//! [[suppressions]]
//! id = "SUP-12"
//! owner = "appsec@example.com"
//! expires = "2027-03-31"          # ISO date; lapsed suppressions do nothing
//! reason = "false positive in generated code"
//! match = { rule_id = "py/sql-injection", path = "gen/" }
//! ```
//!
//! A `match` table takes any of the fields of `cordon_matcher` (`rule_id`,
//! `tool`, `path`, `component`, `vulnerability_id`, `cwe`, `kind`,
//! `severity`, `fingerprint`), each one pattern or a list; all fields must
//! match. The older top-level `rule_id`, `fingerprint` and `path_prefix` of a
//! suppression still work (exact, exact, prefix).
//!
//! Every finding gets exactly one decision: `suppressed` when an active
//! suppression matches, otherwise the most severe action whose threshold the
//! finding's (possibly overridden) severity reaches, otherwise `record`. A
//! decision records the fields its rule matched, and an expired suppression
//! that would have covered the finding.

use cordon_matcher::{Field, Hit, MatchTable, Matcher, Parts, Subject};
use cordon_sdk::{
    Action, Decision, FieldMatch, Finding, Policy, RunContext, Severity, StageError, Suppression,
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
    /// Severity overrides, first match wins.
    #[serde(default)]
    pub severity: Vec<SeverityRule>,
    /// Accepted findings.
    #[serde(default)]
    pub suppressions: Vec<SuppressionRule>,
    #[serde(skip)]
    compiled: Vec<Matcher>,
    #[serde(skip)]
    compiled_overrides: Vec<Matcher>,
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

/// One severity override.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityRule {
    /// Which findings it applies to.
    #[serde(rename = "match")]
    pub matcher: MatchTable,
    /// The severity the thresholds see for them.
    pub severity: String,
    /// Why.
    pub reason: String,
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
    /// Which findings it covers.
    #[serde(rename = "match", default)]
    pub matcher: MatchTable,
    /// Match findings with this rule id (same as `match.rule_id`).
    pub rule_id: Option<String>,
    /// Match findings with this fingerprint (same as `match.fingerprint`).
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

/// A finding as the matchers see it, at the severity the policy judges.
struct Judged<'a> {
    finding: &'a Finding,
    severity: Severity,
}

impl Subject for Judged<'_> {
    fn values(&self, field: Field) -> Vec<String> {
        let f = self.finding;
        Parts {
            rule_id: &f.rule_id,
            tool: &f.tool,
            path: f.locations.first().map(|l| l.path.as_str()),
            component: f
                .component
                .as_ref()
                .map(|c| (c.name.as_str(), c.version.as_deref(), c.purl.as_deref())),
            vulnerability_ids: &f.vulnerability_ids,
            cwes: &f.cwes,
            kind: f.kind.as_str(),
            severity: self.severity.as_str(),
            fingerprint: &f.fingerprint,
        }
        .values(field)
    }
}

fn compile(table: &MatchTable, what: &str) -> Result<Matcher, StageError> {
    Matcher::from_table(table).map_err(|e| config_error(format!("{what}: {e}")))
}

fn field_matches(hits: Vec<Hit>) -> Vec<FieldMatch> {
    hits.into_iter()
        .map(|h| FieldMatch {
            field: h.field.to_string(),
            value: h.value,
            pattern: h.pattern,
        })
        .collect()
}

impl SuppressionRule {
    fn matcher(&self) -> Result<Matcher, StageError> {
        let what = format!("suppression {:?}", self.id);
        let mut table: Vec<(String, Vec<String>)> = self
            .matcher
            .iter()
            .map(|(k, v)| (k.clone(), v.to_vec()))
            .collect();
        if let Some(r) = &self.rule_id {
            table.push(("rule_id".into(), vec![r.clone()]));
        }
        if let Some(fp) = &self.fingerprint {
            table.push(("fingerprint".into(), vec![fp.clone()]));
        }
        if let Some(p) = &self.path_prefix {
            // A plain prefix: glob metacharacters are not special here.
            if p.contains(['*', '?']) {
                return Err(config_error(format!(
                    "{what}: path_prefix {p:?} is a prefix, not a glob; use match.path"
                )));
            }
            table.push(("path".into(), vec![format!("{p}**")]));
        }
        Matcher::new(table).map_err(|e| match e {
            cordon_matcher::MatchError::Empty => config_error(format!(
                "{what} matches everything: give a match table (rule_id, tool, path, component, vulnerability_id, cwe, kind, severity, fingerprint)"
            )),
            e => config_error(format!("{what}: {e}")),
        })
    }

    fn identity(&self) -> Suppression {
        Suppression {
            id: self.id.clone(),
            owner: self.owner.clone(),
            expires: self.expires.clone(),
        }
    }

    fn expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| today > e)
    }
}

impl Rules {
    /// Parse and check a policy document.
    pub fn parse(document: &str) -> Result<Rules, StageError> {
        let mut rules: Rules = toml::from_str(document)
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
        for (i, o) in rules.severity.iter().enumerate() {
            let what = format!("severity[{i}]");
            severity(&o.severity, &what)?;
            rules.compiled_overrides.push(compile(&o.matcher, &what)?);
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &rules.suppressions {
            if !seen.insert(s.id.as_str()) {
                return Err(config_error(format!(
                    "suppression id {:?} is declared twice",
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
            rules.compiled.push(s.matcher()?);
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
        let new_only = env.on.as_deref() == Some("new");
        Ok(findings
            .iter()
            .map(|f| self.decide(f, &env_name, &levels, &ctx.today, new_only))
            .collect())
    }

    /// The first severity override that matches: its index, severity and hits.
    fn override_for(&self, f: &Finding) -> Option<(usize, Severity, Vec<Hit>)> {
        self.compiled_overrides
            .iter()
            .enumerate()
            .find_map(|(i, m)| {
                let hits = m.matches(&Judged {
                    finding: f,
                    severity: f.severity,
                })?;
                let sev = Severity::from_name(&self.severity[i].severity)?;
                Some((i, sev, hits))
            })
    }

    fn decide(
        &self,
        f: &Finding,
        env: &str,
        levels: &[(Action, &str, Severity)],
        today: &str,
        new_only: bool,
    ) -> Decision {
        let overridden = self.override_for(f);
        let judged = Judged {
            finding: f,
            severity: overridden.as_ref().map_or(f.severity, |o| o.1),
        };
        let mut matched = Vec::new();
        let mut severity_note = String::new();
        if let Some((i, sev, hits)) = &overridden {
            matched.extend(field_matches(hits.clone()));
            severity_note = format!(
                " (severity[{i}] sets {} from {}: {})",
                sev.as_str(),
                f.severity.as_str(),
                self.severity[*i].reason
            );
        }
        let decision =
            |action, rule_id: String, reason: String, matched: Vec<FieldMatch>| Decision {
                fingerprint: f.fingerprint.clone(),
                action,
                rule_id,
                policy_name: self.name.clone(),
                policy_version: self.version.clone(),
                reason,
                suppression: None,
                matched,
                severity_override: overridden.as_ref().map(|o| o.1),
                expired_suppression: None,
            };

        let mut expired = None;
        for (s, m) in self.suppressions.iter().zip(&self.compiled) {
            let Some(hits) = m.matches(&judged) else {
                continue;
            };
            if s.expired(today) {
                expired.get_or_insert(s);
                continue;
            }
            let mut d = decision(
                Action::Suppressed,
                format!("suppression/{}", s.id),
                format!("suppressed by {} (owner {}): {}", s.id, s.owner, s.reason),
                field_matches(hits),
            );
            d.suppression = Some(s.identity());
            return d;
        }
        let expired_note = expired.map_or(String::new(), |s| {
            format!(
                "; suppression {} (owner {}) would have covered it but expired on {}",
                s.id,
                s.owner,
                s.expires.as_deref().unwrap_or("?")
            )
        });
        let mut d = if new_only && cordon_sdk::in_baseline(f) {
            matched.push(FieldMatch {
                field: "baseline".into(),
                value: "existing".into(),
                pattern: "on = \"new\"".into(),
            });
            decision(
                Action::Record,
                format!("{env}/existing"),
                format!(
                    "in the baseline already; the {env} thresholds apply to new findings only (on = \"new\"){expired_note}"
                ),
                matched,
            )
        } else if let Some((action, name, threshold)) = levels
            .iter()
            .find(|(_, _, t)| judged.severity.rank() <= t.rank())
        {
            matched.push(FieldMatch {
                field: "severity".into(),
                value: judged.severity.as_str().into(),
                pattern: format!(">={}", threshold.as_str()),
            });
            decision(
                *action,
                format!("{env}/{name}-at-{}", threshold.as_str()),
                format!(
                    "severity {}{severity_note} is at or above the {env} {name} threshold ({}){expired_note}",
                    judged.severity.as_str(),
                    threshold.as_str()
                ),
                matched,
            )
        } else {
            let lowest = levels.last().map(|l| l.2.as_str()).unwrap_or("info");
            decision(
                Action::Record,
                format!("{env}/record"),
                format!(
                    "severity {}{severity_note} is below every {env} threshold (lowest: {lowest}){expired_note}",
                    judged.severity.as_str()
                ),
                matched,
            )
        };
        d.expired_suppression = expired.map(SuppressionRule::identity);
        d
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
            severity_source: cordon_sdk::SeveritySource::Tool,
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

    fn decide(doc: &str, f: &Finding, today: &str) -> Decision {
        let rules = Rules::parse(doc).expect("valid doc");
        rules
            .evaluate(std::slice::from_ref(f), &ctx("prod", today))
            .expect("evaluates")
            .remove(0)
    }

    const HEAD: &str =
        "name='t'\nversion='1'\n[environments.prod]\nblock='high'\nticket='medium'\n";

    fn sca() -> Finding {
        let mut x = f(Severity::High, "CVE-2021-44228");
        x.tool = "trivy".into();
        x.kind = FindingKind::Sca;
        x.locations[0].path = "vendor/java/log4j-core-2.14.1.jar".into();
        x.component = Some(cordon_sdk::Component {
            name: "org.apache.logging.log4j:log4j-core".into(),
            version: Some("2.14.1".into()),
            purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into()),
            fixed_versions: vec!["2.15.0".into()],
        });
        x.vulnerability_ids = vec!["CVE-2021-44228".into(), "GHSA-jfh8-c2jp-5v3q".into()];
        x.cwes = vec![502, 917];
        x
    }

    #[test]
    fn every_match_field_selects_and_is_recorded() {
        let cases = [
            ("rule_id = 'CVE-2021-*'", "rule_id", "CVE-2021-44228"),
            ("tool = 'Trivy'", "tool", "trivy"),
            (
                "path = 'vendor/'",
                "path",
                "vendor/java/log4j-core-2.14.1.jar",
            ),
            (
                "component = 'org.apache.logging.log4j:log4j-core@2.14.*'",
                "component",
                "org.apache.logging.log4j:log4j-core@2.14.1",
            ),
            (
                "vulnerability_id = 'GHSA-*'",
                "vulnerability_id",
                "GHSA-jfh8-c2jp-5v3q",
            ),
            ("cwe = ['79', '917']", "cwe", "CWE-917"),
            ("kind = 'sca'", "kind", "sca"),
            ("severity = '>=high'", "severity", "high"),
            ("fingerprint = 'fp'", "fingerprint", "fp"),
        ];
        for (clause, field, value) in cases {
            let doc = format!(
                "{HEAD}[[suppressions]]\nid='S'\nowner='o'\nreason='r'\nmatch = {{ {clause} }}\n"
            );
            let d = decide(&doc, &sca(), "2026-01-01");
            assert_eq!(d.action, Action::Suppressed, "{clause}");
            assert_eq!(d.matched.len(), 1, "{clause}");
            assert_eq!(
                (d.matched[0].field.as_str(), d.matched[0].value.as_str()),
                (field, value),
                "{clause}"
            );
            // and the same clause with a value that is not the finding's does not
            let miss = doc.replace("vendor/", "src/").replace("Trivy", "grype");
            if miss != doc {
                assert_eq!(decide(&miss, &sca(), "2026-01-01").action, Action::Block);
            }
        }
        let both = format!(
            "{HEAD}[[suppressions]]\nid='S'\nowner='o'\nreason='r'\nmatch = {{ vulnerability_id = 'CVE-*', path = 'app/' }}\n"
        );
        assert_eq!(
            decide(&both, &sca(), "2026-01-01").action,
            Action::Block,
            "all fields must match"
        );
    }

    #[test]
    fn severity_overrides_change_what_the_thresholds_see() {
        let doc = format!(
            "{HEAD}[[severity]]\nmatch = {{ tool = 'trivy', path = 'vendor/**' }}\nseverity = 'medium'\nreason = 'vendored, not shipped'\n[[severity]]\nmatch = {{ tool = 'trivy' }}\nseverity = 'critical'\nreason = 'never reached for vendor/'\n"
        );
        let d = decide(&doc, &sca(), "2026-01-01");
        assert_eq!(d.action, Action::Ticket);
        assert_eq!(d.severity_override, Some(Severity::Medium));
        assert_eq!(d.rule_id, "prod/ticket-at-medium");
        assert!(
            d.reason
                .contains("severity[0] sets medium from high: vendored, not shipped")
        );
        let fields: Vec<_> = d.matched.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(fields, ["tool", "path", "severity"]);
        let mut app = sca();
        app.locations[0].path = "app/pom.xml".into();
        let d = decide(&doc, &app, "2026-01-01");
        assert_eq!(
            (d.action, d.severity_override),
            (Action::Block, Some(Severity::Critical))
        );
        assert!(
            Rules::parse(&format!(
                "{HEAD}[[severity]]\nmatch={{tool='x'}}\nseverity='severe'\nreason='r'\n"
            ))
            .is_err()
        );
    }

    #[test]
    fn an_expired_suppression_is_named_in_the_block_reason() {
        let doc = format!(
            "{HEAD}[[suppressions]]\nid='SUP-7'\nowner='appsec'\nexpires='2026-06-30'\nreason='r'\nmatch = {{ vulnerability_id = 'CVE-2021-44228' }}\n"
        );
        let active = decide(&doc, &sca(), "2026-06-30");
        assert_eq!(active.action, Action::Suppressed);
        assert_eq!(active.expired_suppression, None);
        let lapsed = decide(&doc, &sca(), "2026-07-01");
        assert_eq!(lapsed.action, Action::Block);
        assert_eq!(lapsed.suppression, None);
        assert_eq!(
            lapsed.expired_suppression.as_ref().map(|s| s.id.as_str()),
            Some("SUP-7")
        );
        assert!(
            lapsed.reason.ends_with(
                "suppression SUP-7 (owner appsec) would have covered it but expired on 2026-06-30"
            ),
            "{}",
            lapsed.reason
        );
    }

    #[test]
    fn legacy_suppression_fields_still_match() {
        let doc = format!(
            "{HEAD}[[suppressions]]\nid='S'\nowner='o'\nreason='r'\nrule_id='CVE-2021-44228'\npath_prefix='vendor/java'\n"
        );
        assert_eq!(
            decide(&doc, &sca(), "2026-01-01").action,
            Action::Suppressed
        );
        assert!(Rules::parse(&doc.replace("vendor/java", "vendor/*")).is_err());
        assert!(
            Rules::parse(&format!(
                "{HEAD}[[suppressions]]\nid='S'\nowner='o'\nreason='r'\nmatch={{rule='x'}}\n"
            ))
            .is_err(),
            "unknown match field"
        );
        let twice = format!("{doc}[[suppressions]]\nid='S'\nowner='o'\nreason='r'\nrule_id='x'\n");
        assert!(Rules::parse(&twice).is_err(), "duplicate id");
    }
}
