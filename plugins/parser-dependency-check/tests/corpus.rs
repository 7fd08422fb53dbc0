//! Runs the parser over the shared scanner corpus and compares with
//! DefectDojo (see [`corpus_support::advisory`] for what is checked).
//!
//! For every MANIFEST row of this parser's folders and formats (this parser
//! expects no errors): the row must parse, and after
//! `normalizer_default::normalize` the number of findings must equal
//! `expected_findings`, unless the file is in the divergence table of
//! `CONFORMANCE.md` (and then it must differ, by the numbers the table
//! gives); every `facts` entry that maps onto cordon's model is checked, the
//! others are counted as skipped, by attribute.
//!
//! The corpus is `$CORDON_CORPUS`, else `../../../shared/corpus` from this
//! crate. Without it the test prints one line and passes. Every mismatch is
//! collected and reported at once.

use cordon_sdk::Finding;
use corpus_support::advisory::Suite;

/// Corpus folders of this parser.
const FOLDERS: &[&str] = &["dependency_check", "dependency_check_json"];
/// Formats of those folders that this parser reads (rows of other formats in
/// them belong to other parsers).
fn owned(format: &str) -> bool {
    format.starts_with("dependency-check")
}

/// The sonar plugin's facts: the engine version maps onto `tool-version`;
/// `dependency[<fileName>].vulnerabilities=N (...)` is the number of active
/// vulnerabilities of the dependency with that file name. Other such facts
/// are skipped.
fn sonar_fact(fact: &str, findings: &[Finding]) -> Option<Result<(), String>> {
    if let Some(v) = fact.strip_prefix("scanInfo.engineVersion=") {
        return Some(
            if findings
                .iter()
                .all(|f| f.tool_version.as_deref() == Some(v.trim()))
            {
                Ok(())
            } else {
                Err(String::new())
            },
        );
    }
    if let Some(rest) = fact.strip_prefix("dependency[")
        && let Some((name, tail)) = rest.split_once("].vulnerabilities=")
        && name.parse::<usize>().is_err()
    {
        let want: usize = tail
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(usize::MAX);
        let got = findings
            .iter()
            .filter(|f| f.locations.first().is_some_and(|l| l.path == name))
            .filter(|f| !f.tags.iter().any(|t| t == "suppressed"))
            .count();
        return Some(if got == want {
            Ok(())
        } else {
            Err(format!(" ({got})"))
        });
    }
    None
}

#[test]
fn corpus_matches_defectdojo() {
    // No format refused, no expected errors, no rows negative for
    // DefectDojo only.
    Suite {
        other_fact: Some(sonar_fact),
        ..Suite::new(
            parser_dependency_check::parse,
            env!("CARGO_MANIFEST_DIR"),
            FOLDERS,
            owned,
        )
    }
    .run();
}
