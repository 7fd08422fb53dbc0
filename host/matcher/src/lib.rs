//! Finding matchers, one language for every place that selects findings:
//! suppressions and severity overrides in threshold policies, the
//! `.cordonignore.toml` ignore file, and `cordon explain`.
//!
//! A [`Matcher`] is a set of clauses, one per [`Field`]; a finding matches
//! when every clause does, and a clause matches when any of its patterns
//! matches any of the finding's values for that field:
//!
//! ```
//! use cordon_matcher::{Field, Matcher, Subject};
//!
//! struct F;
//! impl Subject for F {
//!     fn values(&self, field: Field) -> Vec<String> {
//!         match field {
//!             Field::VulnerabilityId => vec!["CVE-2024-3094".into()],
//!             Field::Path => vec!["vendor/xz/lib.c".into()],
//!             _ => Vec::new(),
//!         }
//!     }
//! }
//!
//! let m = Matcher::new([
//!     ("vulnerability_id", vec!["CVE-2024-*".to_string()]),
//!     ("path", vec!["vendor/".to_string()]),
//! ])
//! .unwrap();
//! let hits = m.matches(&F).expect("matches");
//! // one hit per clause, in field order: path, then vulnerability_id
//! assert_eq!(hits[0].pattern, "vendor/");
//! assert_eq!(hits[1].value, "CVE-2024-3094");
//! ```
//!
//! Patterns are exact unless they contain `*` or `?`: `*` matches any run
//! of characters but `/`, `**` any run including `/`, `?` one character but
//! `/`. A pattern ending in `/` matches everything below that directory
//! (`tests/` is `tests/**`). Tool, kind, severity, vulnerability ids and CWEs
//! compare case-insensitively; rule ids, paths, components and fingerprints
//! exactly. A CWE pattern may be `79` or `CWE-79`. A severity pattern may be a
//! name (`high`) or a bound (`>=high`, `<= low`).

use std::collections::BTreeMap;
use std::fmt;

/// One pattern or a list of them (any matches), as policy files write a
/// match field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum Patterns {
    /// One pattern.
    One(String),
    /// Any of several.
    Many(Vec<String>),
}

impl Patterns {
    /// The patterns as a list.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Patterns::One(p) => vec![p.clone()],
            Patterns::Many(ps) => ps.clone(),
        }
    }
}

/// A `match = { field = pattern(s) }` table, field name to patterns.
pub type MatchTable = BTreeMap<String, Patterns>;

/// A field of a finding that a matcher can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// The scanner's rule id.
    RuleId,
    /// The canonical tool id (`semgrep`, `trivy`).
    Tool,
    /// The first location's path (canonical, relative to the source root).
    Path,
    /// The component: its name, `name@version` and purl are all values.
    Component,
    /// Every vulnerability id (`CVE-…`, `GHSA-…`).
    VulnerabilityId,
    /// Every CWE, as `CWE-<n>`.
    Cwe,
    /// The kind (`sast`, `sca`, `secret`, `iac`, `container`, `dast`, `other`).
    Kind,
    /// The severity name.
    Severity,
    /// The fingerprint.
    Fingerprint,
}

impl Field {
    /// Every field, in the order matched fields are reported.
    pub const ALL: [Field; 9] = [
        Field::RuleId,
        Field::Tool,
        Field::Path,
        Field::Component,
        Field::VulnerabilityId,
        Field::Cwe,
        Field::Kind,
        Field::Severity,
        Field::Fingerprint,
    ];

    /// The name written in policy files.
    pub fn name(self) -> &'static str {
        match self {
            Field::RuleId => "rule_id",
            Field::Tool => "tool",
            Field::Path => "path",
            Field::Component => "component",
            Field::VulnerabilityId => "vulnerability_id",
            Field::Cwe => "cwe",
            Field::Kind => "kind",
            Field::Severity => "severity",
            Field::Fingerprint => "fingerprint",
        }
    }

    /// The field a policy file names.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    fn case_insensitive(self) -> bool {
        matches!(
            self,
            Field::Tool | Field::Kind | Field::Severity | Field::VulnerabilityId | Field::Cwe
        )
    }
}

/// Severity names, most severe first: the order `>=` and `<=` bounds use.
pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn severity_rank(name: &str) -> Option<usize> {
    let name = name.trim().to_ascii_lowercase();
    SEVERITIES.iter().position(|s| *s == name)
}

/// What a finding offers a matcher: its values for each field.
pub trait Subject {
    /// The finding's values for `field`, as described on [`Field`]; empty
    /// when it has none (a finding without locations has no path).
    fn values(&self, field: Field) -> Vec<String>;
}

/// Why a matcher could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchError {
    /// A field name that is not one of [`Field::ALL`].
    UnknownField(String),
    /// A field given with no pattern.
    NoPatterns(String),
    /// A pattern that cannot match anything (empty, a bad severity bound).
    BadPattern {
        /// The field.
        field: String,
        /// The pattern as written.
        pattern: String,
        /// What is wrong.
        reason: String,
    },
    /// A matcher without clauses would match every finding.
    Empty,
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchError::UnknownField(name) => {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                write!(
                    f,
                    "unknown match field {name:?} (fields: {})",
                    known.join(", ")
                )
            }
            MatchError::NoPatterns(field) => write!(f, "match field {field:?} has no pattern"),
            MatchError::BadPattern {
                field,
                pattern,
                reason,
            } => write!(f, "match {field} = {pattern:?}: {reason}"),
            MatchError::Empty => write!(f, "an empty match would match every finding"),
        }
    }
}

impl std::error::Error for MatchError {}

/// One field a matcher matched: the finding's value and the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The field name ([`Field::name`]).
    pub field: &'static str,
    /// The finding's value.
    pub value: String,
    /// The pattern as written.
    pub pattern: String,
}

#[derive(Debug, Clone)]
enum Test {
    Exact(String),
    Glob(Vec<Token>),
    /// Severity rank range, inclusive (0 = critical).
    Ranks(usize, usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `*`
    Star,
    /// `**`
    DoubleStar,
}

/// One pattern of a clause.
#[derive(Debug, Clone)]
struct Pattern {
    written: String,
    test: Test,
}

impl Pattern {
    fn new(field: Field, written: &str) -> Result<Pattern, MatchError> {
        let bad = |reason: &str| MatchError::BadPattern {
            field: field.name().into(),
            pattern: written.into(),
            reason: reason.into(),
        };
        let trimmed = written.trim();
        if trimmed.is_empty() {
            return Err(bad("an empty pattern matches nothing"));
        }
        let mut text = if field.case_insensitive() {
            trimmed.to_ascii_lowercase()
        } else {
            trimmed.to_string()
        };
        if field == Field::Severity {
            let (lo, hi) = if let Some(rest) = text.strip_prefix(">=") {
                let r = severity_rank(rest).ok_or_else(|| bad("expected a severity name"))?;
                (0, r)
            } else if let Some(rest) = text.strip_prefix("<=") {
                let r = severity_rank(rest).ok_or_else(|| bad("expected a severity name"))?;
                (r, SEVERITIES.len() - 1)
            } else if text.contains(['*', '?']) {
                (0, SEVERITIES.len() - 1)
            } else {
                let r = severity_rank(&text).ok_or_else(|| {
                    bad("expected critical, high, medium, low, info, or a bound like >=high")
                })?;
                (r, r)
            };
            return Ok(Pattern {
                written: written.to_string(),
                test: Test::Ranks(lo, hi),
            });
        }
        if field == Field::Cwe && text.bytes().all(|b| b.is_ascii_digit()) {
            text = format!("cwe-{text}");
        }
        if field == Field::Path && text.ends_with('/') {
            text.push_str("**");
        }
        let test = if text.contains(['*', '?']) {
            Test::Glob(tokens(&text))
        } else {
            Test::Exact(text)
        };
        Ok(Pattern {
            written: written.to_string(),
            test,
        })
    }

    fn matches(&self, field: Field, value: &str) -> bool {
        let value = if field.case_insensitive() {
            value.to_ascii_lowercase()
        } else {
            value.to_string()
        };
        match &self.test {
            Test::Exact(t) => *t == value,
            Test::Glob(tokens) => glob(tokens, &value),
            Test::Ranks(lo, hi) => severity_rank(&value).is_some_and(|r| r >= *lo && r <= *hi),
        }
    }
}

fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                Token::DoubleStar
            }
            '*' => Token::Star,
            '?' => Token::One,
            c => Token::Char(c),
        });
    }
    out
}

/// Glob match by dynamic programming: O(pattern × text), no backtracking
/// blow-up on hostile patterns or values.
fn glob(tokens: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    // can[j]: tokens[..i] match text[..j]
    let mut can = vec![false; text.len() + 1];
    can[0] = true;
    for t in tokens {
        let mut next = vec![false; text.len() + 1];
        match t {
            Token::Star | Token::DoubleStar => {
                let crosses = *t == Token::DoubleStar;
                for j in 0..=text.len() {
                    next[j] = can[j] || (j > 0 && next[j - 1] && (crosses || text[j - 1] != '/'));
                }
            }
            Token::One => {
                for j in 1..=text.len() {
                    next[j] = can[j - 1] && text[j - 1] != '/';
                }
            }
            Token::Char(c) => {
                for j in 1..=text.len() {
                    next[j] = can[j - 1] && text[j - 1] == *c;
                }
            }
        }
        can = next;
    }
    can[text.len()]
}

/// A set of clauses, all of which must match.
#[derive(Debug, Clone)]
pub struct Matcher {
    clauses: Vec<(Field, Vec<Pattern>)>,
}

impl Matcher {
    /// Build a matcher from `(field name, patterns)` pairs. A field given
    /// twice gets both pattern lists (any of them matches).
    pub fn new<I, S>(clauses: I) -> Result<Matcher, MatchError>
    where
        I: IntoIterator<Item = (S, Vec<String>)>,
        S: AsRef<str>,
    {
        let mut out: Vec<(Field, Vec<Pattern>)> = Vec::new();
        for (name, patterns) in clauses {
            let name = name.as_ref();
            let field =
                Field::from_name(name).ok_or_else(|| MatchError::UnknownField(name.into()))?;
            if patterns.is_empty() {
                return Err(MatchError::NoPatterns(name.into()));
            }
            let compiled = patterns
                .iter()
                .map(|p| Pattern::new(field, p))
                .collect::<Result<Vec<_>, _>>()?;
            match out.iter_mut().find(|(f, _)| *f == field) {
                Some((_, existing)) => existing.extend(compiled),
                None => out.push((field, compiled)),
            }
        }
        if out.is_empty() {
            return Err(MatchError::Empty);
        }
        out.sort_by_key(|(f, _)| *f);
        Ok(Matcher { clauses: out })
    }

    /// Build a matcher from a policy file's match table.
    pub fn from_table(table: &MatchTable) -> Result<Matcher, MatchError> {
        Matcher::new(table.iter().map(|(k, v)| (k.as_str(), v.to_vec())))
    }

    /// `Some(hits)` (one per clause, in [`Field::ALL`] order) when every
    /// clause matches, else `None`.
    pub fn matches(&self, subject: &impl Subject) -> Option<Vec<Hit>> {
        let mut hits = Vec::with_capacity(self.clauses.len());
        for (field, patterns) in &self.clauses {
            let values = subject.values(*field);
            let hit = values.iter().find_map(|v| {
                patterns.iter().find(|p| p.matches(*field, v)).map(|p| Hit {
                    field: field.name(),
                    value: v.clone(),
                    pattern: p.written.clone(),
                })
            })?;
            hits.push(hit);
        }
        Some(hits)
    }
}

/// The values a finding offers for `field`, from its parts; shared by
/// the [`Subject`] implementations of the host and the policy stages so
/// both read a finding the same way.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    /// Rule id.
    pub rule_id: &'a str,
    /// Tool id.
    pub tool: &'a str,
    /// First location's path.
    pub path: Option<&'a str>,
    /// Component name, version and purl.
    pub component: Option<(&'a str, Option<&'a str>, Option<&'a str>)>,
    /// Vulnerability ids.
    pub vulnerability_ids: &'a [String],
    /// CWE numbers.
    pub cwes: &'a [u32],
    /// Kind name.
    pub kind: &'a str,
    /// Severity name.
    pub severity: &'a str,
    /// Fingerprint.
    pub fingerprint: &'a str,
}

impl Parts<'_> {
    /// The values for `field`, as [`Subject::values`] describes.
    pub fn values(&self, field: Field) -> Vec<String> {
        match field {
            Field::RuleId => vec![self.rule_id.to_string()],
            Field::Tool => vec![self.tool.to_string()],
            Field::Path => self.path.map(str::to_string).into_iter().collect(),
            Field::Component => match self.component {
                None => Vec::new(),
                Some((name, version, purl)) => {
                    let mut v = vec![name.to_string()];
                    v.extend(version.map(|ver| format!("{name}@{ver}")));
                    v.extend(purl.map(str::to_string));
                    v
                }
            },
            Field::VulnerabilityId => self.vulnerability_ids.to_vec(),
            Field::Cwe => self.cwes.iter().map(|c| format!("CWE-{c}")).collect(),
            Field::Kind => vec![self.kind.to_string()],
            Field::Severity => vec![self.severity.to_string()],
            Field::Fingerprint => vec![self.fingerprint.to_string()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct T(Vec<(Field, Vec<&'static str>)>);
    impl Subject for T {
        fn values(&self, field: Field) -> Vec<String> {
            self.0
                .iter()
                .filter(|(f, _)| *f == field)
                .flat_map(|(_, v)| v.iter().map(|s| s.to_string()))
                .collect()
        }
    }

    fn m(field: &str, pats: &[&str]) -> Matcher {
        Matcher::new([(field, pats.iter().map(|s| s.to_string()).collect())]).expect("valid")
    }

    fn one(field: Field, v: &'static str) -> T {
        T(vec![(field, vec![v])])
    }

    #[test]
    fn globs() {
        let tok = |p: &str, t: &str| glob(&tokens(p), t);
        assert!(tok("CVE-2024-*", "CVE-2024-3094"));
        assert!(!tok("CVE-2024-*", "CVE-2023-1"));
        assert!(tok("src/*.py", "src/app.py"));
        assert!(!tok("src/*.py", "src/sub/app.py"));
        assert!(tok("src/**.py", "src/sub/app.py"));
        assert!(tok("src/**/app.py", "src/a/b/app.py"));
        assert!(tok("a?c", "abc"));
        assert!(!tok("a?c", "a/c"));
        assert!(tok("*", ""));
        assert!(!tok("?", ""));
        // no exponential blow-up
        let long = "a".repeat(5000);
        assert!(!tok(&"*a".repeat(200).replace("a", "a*"), &(long + "b/")));
    }

    #[test]
    fn every_field() {
        let cases: [(&str, &str, Field, &str, bool); 18] = [
            (
                "rule_id",
                "py/sql-*",
                Field::RuleId,
                "py/sql-injection",
                true,
            ),
            (
                "rule_id",
                "py/SQL-*",
                Field::RuleId,
                "py/sql-injection",
                false,
            ),
            ("tool", "Semgrep", Field::Tool, "semgrep", true),
            ("path", "tests/", Field::Path, "tests/fixtures/a.py", true),
            ("path", "tests/", Field::Path, "src/tests/a.py", false),
            ("path", "**/*_test.go", Field::Path, "pkg/x/y_test.go", true),
            ("component", "lodash", Field::Component, "lodash", true),
            (
                "component",
                "lodash@4.*",
                Field::Component,
                "lodash@4.17.20",
                true,
            ),
            (
                "component",
                "pkg:npm/*",
                Field::Component,
                "pkg:npm/lodash@4.17.20",
                true,
            ),
            (
                "vulnerability_id",
                "cve-2024-*",
                Field::VulnerabilityId,
                "CVE-2024-1",
                true,
            ),
            (
                "vulnerability_id",
                "GHSA-*",
                Field::VulnerabilityId,
                "CVE-2024-1",
                false,
            ),
            ("cwe", "79", Field::Cwe, "CWE-79", true),
            ("cwe", "CWE-89", Field::Cwe, "CWE-79", false),
            ("kind", "sca", Field::Kind, "sca", true),
            ("severity", ">=high", Field::Severity, "critical", true),
            ("severity", ">= high", Field::Severity, "medium", false),
            ("severity", "<=low", Field::Severity, "info", true),
            ("fingerprint", "ab12*", Field::Fingerprint, "ab12cd:2", true),
        ];
        for (name, pat, field, value, want) in cases {
            assert_eq!(
                m(name, &[pat]).matches(&one(field, value)).is_some(),
                want,
                "{name} {pat} vs {value}"
            );
        }
    }

    #[test]
    fn all_clauses_must_match_and_hits_say_what() {
        let matcher = Matcher::new([
            ("path", vec!["vendor/".to_string()]),
            ("vulnerability_id", vec!["GHSA-*".into(), "CVE-*".into()]),
        ])
        .expect("valid");
        let f = T(vec![
            (Field::VulnerabilityId, vec!["OSV-1", "CVE-2021-44228"]),
            (Field::Path, vec!["vendor/log4j.jar"]),
        ]);
        let hits = matcher.matches(&f).expect("matches");
        assert_eq!(
            hits,
            [
                Hit {
                    field: "path",
                    value: "vendor/log4j.jar".into(),
                    pattern: "vendor/".into()
                },
                Hit {
                    field: "vulnerability_id",
                    value: "CVE-2021-44228".into(),
                    pattern: "CVE-*".into()
                },
            ]
        );
        let elsewhere = T(vec![
            (Field::VulnerabilityId, vec!["CVE-2021-44228"]),
            (Field::Path, vec!["app/log4j.jar"]),
        ]);
        assert!(matcher.matches(&elsewhere).is_none());
        assert!(matcher.matches(&T(vec![])).is_none(), "no values, no match");
    }

    #[test]
    fn bad_matchers_are_errors() {
        let err = |c: Vec<(&str, Vec<String>)>| Matcher::new(c).expect_err("invalid");
        assert_eq!(
            err(vec![("rule", vec!["x".into()])]),
            MatchError::UnknownField("rule".into())
        );
        assert_eq!(err(vec![]), MatchError::Empty);
        assert_eq!(
            err(vec![("tool", vec![])]),
            MatchError::NoPatterns("tool".into())
        );
        assert!(matches!(
            err(vec![("severity", vec!["severe".into()])]),
            MatchError::BadPattern { .. }
        ));
        assert!(matches!(
            err(vec![("path", vec![" ".into()])]),
            MatchError::BadPattern { .. }
        ));
    }
}
