//! Severity tables that a tool's own parser and `parser-sarif` share, so
//! that one scan read from the tool's JSON and from its SARIF gets one
//! severity (`docs/policy.md`, "Severity", has the table per tool).
//!
//! Each `*_level` function maps a tool's own level word (any case,
//! surrounding whitespace allowed) and gives `None` for a word that is not
//! one of the tool's levels; the caller then falls back to the next source
//! (CVSS, or the tool's default with [`SeveritySource::Default`]).

use cordon_sdk::{Severity, SeveritySource};

/// For a tool whose SARIF `level` does not grade its findings, the
/// severity its findings get instead ([`SeveritySource::Default`]); `None`
/// for every other tool, whose level is read as a grade. `key` is a
/// [`cordon_sdk::canonical_tool`].
///
/// * `checkov`: `error` on every failed check (without a Prisma Cloud
///   severity): `medium`, what its JSON's `severity: null` gives too;
/// * `ruff`: `error` on every rule, style rules included: `low`;
/// * `dependency-check`: `error` on every result (the grade is in the
///   result's properties, read before this): `medium`, as its JSON;
/// * `gitleaks`: no level at all: `high`, as its JSON (every leak).
pub fn ungraded_level_default(key: &str) -> Option<Severity> {
    match key {
        "checkov" | "dependency-check" | "owasp-dependency-check" => Some(Severity::Medium),
        "ruff" => Some(Severity::Low),
        "gitleaks" => Some(Severity::High),
        _ => None,
    }
}

/// Bandit's `issue_severity` (JSON) and `properties.issue_severity`
/// (SARIF): `HIGH` high, `MEDIUM` medium, `LOW` low, `UNDEFINED` info.
pub fn bandit_level(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "UNDEFINED" => Severity::Info,
        _ => return None,
    })
}

/// Trivy's `Severity` (JSON) and the level among a SARIF rule's
/// `properties.tags`: `CRITICAL` .. `LOW` by name, `UNKNOWN` info.
pub fn trivy_level(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "UNKNOWN" => Severity::Info,
        _ => return None,
    })
}

/// Grype's `severity` (JSON) and the `Severity:` line of a SARIF rule's
/// `help.text`: `Critical` .. `Low` by name, `Negligible` info.
pub fn grype_level(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" => Severity::Medium,
        "low" => Severity::Low,
        "negligible" => Severity::Info,
        _ => return None,
    })
}

/// The severity words most tools share, any case: `critical`, `high`,
/// `medium` / `moderate`, `low`, `info` / `informational` / `none` (the
/// CVSS qualitative ratings plus GitHub's and npm's `moderate`). Used by
/// Dependency-Check (its own `severity` and the CVSS words it reports, in
/// JSON, XML and SARIF), Checkov, govulncheck, GitHub, npm, Snyk and
/// OSV-Scanner; tools with words of their own (Bandit, Grype, Trivy, KICS)
/// have their tables.
pub fn severity_word(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" | "moderate" => Severity::Medium,
        "low" => Severity::Low,
        "info" | "informational" | "none" => Severity::Info,
        _ => return None,
    })
}

/// ShellCheck's `level`, in its own JSON and in the `SC` comments Hadolint
/// reports for `RUN` lines: `error` high, `warning` medium, `info` low,
/// `style` info. (`error` is as far as ShellCheck goes: its levels say how
/// likely a script misbehaves, not how exploitable it is.)
pub fn shellcheck_level(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_lowercase().as_str() {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "info" => Severity::Low,
        "style" => Severity::Info,
        _ => return None,
    })
}

/// A secret scanner's finding graded by the name of its detector, for
/// tools that give no severity (detect-secrets' `type`, TruffleHog v2's
/// `reason`): an entropy detector (any name containing `entropy`, any case)
/// low, the tool's catch-all keyword detector `generic` (compared without
/// case) medium, every specific pattern (a cloud key, a private key) high.
/// A verified secret is graded by the caller.
pub fn secret_detector_level(detector: &str, generic: &str) -> Severity {
    let d = detector.trim();
    if d.to_ascii_lowercase().contains("entropy") {
        Severity::Low
    } else if d.eq_ignore_ascii_case(generic) {
        Severity::Medium
    } else {
        Severity::High
    }
}

/// A severity from `level` with [`SeveritySource::Tool`], else `default`
/// with [`SeveritySource::Default`].
pub fn tool_or_default(level: Option<Severity>, default: Severity) -> (Severity, SeveritySource) {
    match level {
        Some(s) => (s, SeveritySource::Tool),
        None => (default, SeveritySource::Default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_tables() {
        assert_eq!(bandit_level(" medium"), Some(Severity::Medium));
        assert_eq!(bandit_level("UNDEFINED"), Some(Severity::Info));
        assert_eq!(bandit_level("CRITICAL"), None);
        assert_eq!(trivy_level("unknown"), Some(Severity::Info));
        assert_eq!(trivy_level("security"), None);
        assert_eq!(grype_level("Negligible"), Some(Severity::Info));
        assert_eq!(grype_level("Unknown"), None);
        assert_eq!(severity_word("MODERATE"), Some(Severity::Medium));
        assert_eq!(severity_word("severe"), None);
        assert_eq!(shellcheck_level(" Style "), Some(Severity::Info));
        assert_eq!(shellcheck_level("error"), Some(Severity::High));
        assert_eq!(shellcheck_level("ignore"), None);
        assert_eq!(
            secret_detector_level("Base64 High Entropy String", "Secret Keyword"),
            Severity::Low
        );
        assert_eq!(
            secret_detector_level(" generic secret", "Generic Secret"),
            Severity::Medium
        );
        assert_eq!(
            secret_detector_level("AWS Access Key", "Secret Keyword"),
            Severity::High
        );
        assert_eq!(ungraded_level_default("ruff"), Some(Severity::Low));
        assert_eq!(ungraded_level_default("semgrep"), None);
        assert_eq!(
            tool_or_default(None, Severity::High),
            (Severity::High, SeveritySource::Default)
        );
        assert_eq!(
            tool_or_default(Some(Severity::Low), Severity::High),
            (Severity::Low, SeveritySource::Tool)
        );
    }
}
