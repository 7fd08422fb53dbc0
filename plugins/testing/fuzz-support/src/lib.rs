//! The bodies and oracles of the parser fuzz targets.
//!
//! `plugins/fuzz` has one libFuzzer target per parser; each is one call to
//! [`parser`] with the target's name. The replay test (`tests/replay.rs`)
//! runs the same [`check`] over the saved corpus and every minimised crash,
//! on the stable toolchain, so a fixed bug stays fixed.
//!
//! A report is attacker-influenced input. Whatever its bytes, a parser must
//! not:
//!
//! 1. panic or abort (in the sandbox the stage would trap and the input
//!    would fail; libFuzzer reports it as a crash);
//! 2. run away in time or memory (libFuzzer's `-timeout` and
//!    `-rss_limit_mb`, set by `cargo xtask fuzz`);
//! 3. answer differently for the same bytes (the gate must be
//!    reproducible);
//! 4. return a finding the host refuses (see [`contract_violation`]): the
//!    host rejects the whole output of a call over one bad record, so a
//!    single hostile field in a report would otherwise cost every finding of
//!    that report. What is checked is what the component returns:
//!    `parse`, then [`cordon_sdk::fit_to_contract`] (as `register_parser!`
//!    runs it), which clips long values.

use cordon_parser_support::{MAX_ID_BYTES, MAX_TITLE_BYTES};
use cordon_sdk::{Finding, StageError};

/// A parser's native entry point.
pub type Parse = fn(&[u8]) -> Result<Vec<Finding>, StageError>;

/// Every fuzz target: its name (the parser crate without `parser-`) and the
/// parse function it drives.
pub const PARSERS: &[(&str, Parse)] = &[
    ("bandit", parser_bandit::parse),
    ("cargo-audit", parser_cargo_audit::parse),
    ("checkov", parser_checkov::parse),
    ("dependency-check", parser_dependency_check::parse),
    ("detect-secrets", parser_detect_secrets::parse),
    ("eslint", parser_eslint::parse),
    ("github-sast", parser_github_sast::parse),
    ("github-vulnerability", parser_github_vulnerability::parse),
    ("gitlab", parser_gitlab::parse),
    ("gitleaks", parser_gitleaks::parse),
    ("gosec", parser_gosec::parse),
    ("govulncheck", parser_govulncheck::parse),
    ("grype", parser_grype::parse),
    ("hadolint", parser_hadolint::parse),
    ("kics", parser_kics::parse),
    ("npm-audit", parser_npm_audit::parse),
    ("nuclei", parser_nuclei::parse),
    ("osv-scanner", parser_osv_scanner::parse),
    ("pip-audit", parser_pip_audit::parse),
    ("ruff", parser_ruff::parse),
    ("sarif", parser_sarif::parse),
    ("semgrep", parser_semgrep::parse),
    ("shellcheck", parser_shellcheck::parse),
    ("snyk", parser_snyk::parse),
    ("sonarqube", parser_sonarqube::parse),
    ("tfsec", parser_tfsec::parse),
    ("trivy", parser_trivy::parse),
    ("trufflehog", parser_trufflehog::parse),
    ("zap", parser_zap::parse),
];

/// The host's cap on a fingerprint (`cordon_runtime::validate`).
pub const MAX_FINGERPRINT_BYTES: usize = 128;

/// The parse function of the target called `name`.
pub fn parse_fn(name: &str) -> Option<Parse> {
    PARSERS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}

/// One fuzz iteration for the target `name`: panics (a libFuzzer crash) on
/// any broken rule, with the rule in the message.
pub fn parser(name: &str, data: &[u8]) {
    let Some(parse) = parse_fn(name) else {
        panic!("no fuzz target named {name:?}");
    };
    if let Err(broken) = check(parse, data) {
        panic!("parser-{name}: {broken}");
    }
}

/// What the parser's component returns for `data`: `parse`, then
/// [`cordon_sdk::fit_to_contract`], exactly as `register_parser!` runs it.
pub fn component_output(parse: Parse, data: &[u8]) -> Result<Vec<Finding>, StageError> {
    let mut findings = parse(data)?;
    cordon_sdk::fit_to_contract(&mut findings);
    Ok(findings)
}

/// Parse `data` twice and check the rules above against what the component
/// returns (a panic inside `parse` propagates). `Ok` carries the number of
/// findings, `Err` the broken rule.
pub fn check(parse: Parse, data: &[u8]) -> Result<usize, String> {
    let first = component_output(parse, data);
    let second = component_output(parse, data);
    if first != second {
        return Err("two parses of the same bytes differ".to_string());
    }
    match first {
        Ok(findings) => {
            for (i, f) in findings.iter().enumerate() {
                if let Some(v) = contract_violation(f) {
                    return Err(format!("finding {i}: {v}"));
                }
            }
            Ok(findings.len())
        }
        Err(e) => match error_message(&e) {
            m if m.trim().is_empty() => Err(format!("error without a message: {e:?}")),
            _ => Ok(0),
        },
    }
}

fn error_message(e: &StageError) -> &str {
    match e {
        StageError::MalformedInput(m) => &m.message,
        StageError::UnsupportedFormat(m)
        | StageError::InvalidConfig(m)
        | StageError::Internal(m) => m,
    }
}

/// Why the host would refuse `f` as parser output, mirroring
/// `cordon_runtime::validate::findings` record by record (the per-call
/// caps on counts and total bytes are pipeline settings, not checked here).
pub fn contract_violation(f: &Finding) -> Option<String> {
    fn over(field: &str, s: &str, max: usize) -> Option<String> {
        (s.len() > max).then(|| format!("`{field}` is {} bytes, more than {max}", s.len()))
    }
    fn zero(field: &str, n: Option<u32>) -> Option<String> {
        (n == Some(0)).then(|| format!("`{field}` is 0 (lines and columns are 1-based)"))
    }
    if f.tool.trim().is_empty() {
        return Some("`tool` is empty".to_string());
    }
    let mut checks = vec![
        over("tool", &f.tool, MAX_ID_BYTES),
        over("rule_id", &f.rule_id, MAX_ID_BYTES),
        over("title", &f.title, MAX_TITLE_BYTES),
        over("fingerprint", &f.fingerprint, MAX_FINGERPRINT_BYTES),
    ];
    for (field, s) in [
        ("tool_version", &f.tool_version),
        ("tool_severity", &f.tool_severity),
    ] {
        checks.push(s.as_deref().and_then(|s| over(field, s, MAX_ID_BYTES)));
    }
    for l in &f.locations {
        checks.push(zero("locations.start_line", l.start_line));
        checks.push(zero("locations.end_line", l.end_line));
        checks.push(zero("locations.start_column", l.start_column));
        checks.push(zero("locations.end_column", l.end_column));
    }
    if let Some(c) = &f.component {
        checks.push(over("component.name", &c.name, MAX_ID_BYTES));
        checks.push(
            c.version
                .as_deref()
                .and_then(|v| over("component.version", v, MAX_ID_BYTES)),
        );
        for v in &c.fixed_versions {
            checks.push(over("component.fixed_versions", v, MAX_ID_BYTES));
        }
    }
    for v in &f.vulnerability_ids {
        checks.push(over("vulnerability_ids", v, MAX_ID_BYTES));
    }
    for t in &f.tags {
        checks.push(over("tags", t, MAX_ID_BYTES));
    }
    if !f
        .fingerprint
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
    {
        checks.push(Some(
            "`fingerprint` may only contain ASCII letters, digits and `:_-.`".to_string(),
        ));
    }
    checks.into_iter().flatten().next()
}
