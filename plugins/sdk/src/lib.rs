//! The guest SDK for cordon stages.
//!
//! A stage is a WebAssembly component that implements one world of the
//! `cordon:stage@0.1.0` WIT package. This crate hides the bindings: implement
//! one trait ([`Parser`], [`Normalizer`] or [`Policy`]) on a unit struct and
//! call the matching register macro once.
//!
//! ```
//! use cordon_sdk::{Finding, Parser, StageError};
//!
//! struct MyParser;
//!
//! impl Parser for MyParser {
//!     fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
//!         if report.is_empty() {
//!             return Err(StageError::malformed("empty report", None, None, None));
//!         }
//!         Ok(Vec::new()) // real parsing goes here
//!     }
//! }
//!
//! cordon_sdk::register_parser!(MyParser);
//! ```
//!
//! Keep the real work in plain functions (`fn parse(&[u8]) -> Result<..>`):
//! the types in this crate compile natively too, so the same code can be unit
//! tested, fuzzed and benchmarked outside the sandbox. The register macros
//! expand to nothing on non-wasm targets.
//!
//! What a stage can do is what the host grants: [`log`] (bounded) and
//! [`config`] (read-only settings). Everything else a Rust program might try
//! (files, environment, sockets, clocks) is denied or empty inside cordon.

// Lets the generated code name this crate the way plugin crates do.
extern crate self as cordon_sdk;

/// Generated bindings, one module per world. Use the re-exports at the crate
/// root instead of reaching in here; the layout may change between versions.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub mod bindings {
    /// Bindings for the `parser` world; also the home of the shared types.
    pub mod parser {
        wit_bindgen::generate!({
            world: "parser",
            path: "../../wit",
            pub_export_macro: true,
            export_macro_name: "__export_parser",
            default_bindings_module: "cordon_sdk::bindings::parser",
            runtime_path: "cordon_sdk::__rt",
            additional_derives: [PartialEq, Eq, Hash],
        });
    }

    /// Bindings for the `normalizer` world.
    pub mod normalizer {
        wit_bindgen::generate!({
            world: "normalizer",
            path: "../../wit",
            pub_export_macro: true,
            export_macro_name: "__export_normalizer",
            default_bindings_module: "cordon_sdk::bindings::normalizer",
            runtime_path: "cordon_sdk::__rt",
            with: {
                "cordon:stage/types@0.1.0": crate::bindings::parser::cordon::stage::types,
                "cordon:stage/log@0.1.0": crate::bindings::parser::cordon::stage::log,
                "cordon:stage/config@0.1.0": crate::bindings::parser::cordon::stage::config,
            },
        });
    }

    /// Bindings for the `policy` world.
    pub mod policy {
        wit_bindgen::generate!({
            world: "policy",
            path: "../../wit",
            pub_export_macro: true,
            export_macro_name: "__export_policy",
            default_bindings_module: "cordon_sdk::bindings::policy",
            runtime_path: "cordon_sdk::__rt",
            with: {
                "cordon:stage/types@0.1.0": crate::bindings::parser::cordon::stage::types,
                "cordon:stage/log@0.1.0": crate::bindings::parser::cordon::stage::log,
                "cordon:stage/config@0.1.0": crate::bindings::parser::cordon::stage::config,
            },
        });
    }
}

#[doc(hidden)]
pub use wit_bindgen::rt as __rt;

pub use bindings::parser::cordon::stage::log::Level;
pub use bindings::parser::cordon::stage::types::{
    Action, Component, Decision, Detection, FieldMatch, Finding, FindingKind, InputPosition,
    Location, Malformed, Normalized, RunContext, Severity, SeveritySource, StageError, Suppression,
};

/// The version of the WIT contract this SDK implements.
pub const WIT_VERSION: &str = "cordon:stage@0.1.0";

/// The host's cap on identifier-like fields of a finding (tool, tool
/// version, rule id, tool severity, component name and version, fixed
/// versions, vulnerability ids, tags), in bytes. The host refuses a call's
/// whole output over one longer value.
pub const MAX_ID_BYTES: usize = 1024;

/// The host's cap on a finding's title, in bytes.
pub const MAX_TITLE_BYTES: usize = 4096;

/// The host's cap on the locations of one finding.
pub const MAX_LOCATIONS: usize = 1000;

/// The host's cap on each other list of one finding (`cwes`, `tags`,
/// `vulnerability_ids`, `component.fixed_versions`).
pub const MAX_LIST_ITEMS: usize = 256;

/// The tag the host puts on a finding, in what a policy is given, when the
/// run's baseline (`cordon run --baseline`) has it already; new findings
/// carry `cordon:baseline=new`. Tags beginning `cordon:` are the host's: a
/// parser or normalizer that returns one fails.
pub const TAG_BASELINE_EXISTING: &str = "cordon:baseline=existing";

/// Whether the run's baseline has `finding` already (see
/// [`TAG_BASELINE_EXISTING`]); without a baseline every finding is new.
pub fn in_baseline(finding: &Finding) -> bool {
    finding.tags.iter().any(|t| t == TAG_BASELINE_EXISTING)
}

/// The canonical id of a scanner name: lower-case, an edition suffix
/// (` OSS`, ` Pro`, ` Community`, ` Open Source`, ` CLI`) dropped, spaces
/// as `-`. So `Semgrep OSS` (its SARIF) and `semgrep` (its JSON) are one
/// tool, and `Snyk Open Source` is `snyk`. `normalizer-default` gives
/// `finding.tool` this value; parsers key per-tool tables on it.
pub fn canonical_tool(name: &str) -> String {
    let mut t = name.split_whitespace().collect::<Vec<_>>().join(" ");
    t.make_ascii_lowercase();
    for suffix in [" oss", " pro", " community", " open source", " cli"] {
        if let Some(stem) = t.strip_suffix(suffix)
            && !stem.is_empty()
        {
            t = stem.to_string();
            break;
        }
    }
    t.replace(' ', "-")
}

/// A finding with what every parser knows, and every other field empty:
/// severity source [`SeveritySource::Tool`] (set it when the severity came
/// from elsewhere); no tool version, message, tool severity, locations, component,
/// vulnerability ids, CWEs, tags, help URI or source pointer; an empty
/// fingerprint (the normalizer sets it) and input 0 (the host sets it).
pub fn finding(
    tool: &str,
    rule_id: String,
    title: String,
    kind: FindingKind,
    severity: Severity,
) -> Finding {
    Finding {
        tool: tool.to_string(),
        tool_version: None,
        rule_id,
        title,
        message: String::new(),
        severity,
        tool_severity: None,
        severity_source: SeveritySource::Tool,
        kind,
        locations: Vec::new(),
        component: None,
        vulnerability_ids: Vec::new(),
        cwes: Vec::new(),
        tags: Vec::new(),
        help_uri: None,
        fingerprint: String::new(),
        source_pointer: String::new(),
        input: 0,
    }
}

/// `s`, cut to at most `max` bytes on a character boundary (ending in `…`
/// when cut).
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = s.get(..end).unwrap_or_default().to_string();
    out.push('…');
    out
}

/// Bring parser output within the host's per-record caps: clip every
/// capped field ([`MAX_ID_BYTES`], [`MAX_TITLE_BYTES`]), keep the first
/// [`MAX_LOCATIONS`] locations and the first [`MAX_LIST_ITEMS`] entries of
/// every other list, and drop zero line or column numbers (positions are
/// 1-based). [`register_parser!`] applies
/// it to everything a parser returns, so that one runaway value in a
/// hostile report costs that value, not every finding of the report.
pub fn fit_to_contract(findings: &mut [Finding]) {
    fn id(s: &mut String) {
        if s.len() > MAX_ID_BYTES {
            *s = clip(s, MAX_ID_BYTES);
        }
    }
    fn nonzero(n: &mut Option<u32>) {
        if *n == Some(0) {
            *n = None;
        }
    }
    for f in findings {
        f.locations.truncate(MAX_LOCATIONS);
        f.cwes.truncate(MAX_LIST_ITEMS);
        f.tags.truncate(MAX_LIST_ITEMS);
        f.vulnerability_ids.truncate(MAX_LIST_ITEMS);
        if let Some(c) = &mut f.component {
            c.fixed_versions.truncate(MAX_LIST_ITEMS);
        }
        id(&mut f.tool);
        f.tool_version.iter_mut().for_each(id);
        id(&mut f.rule_id);
        if f.title.len() > MAX_TITLE_BYTES {
            f.title = clip(&f.title, MAX_TITLE_BYTES);
        }
        f.tool_severity.iter_mut().for_each(id);
        for l in &mut f.locations {
            nonzero(&mut l.start_line);
            nonzero(&mut l.start_column);
            nonzero(&mut l.end_line);
            nonzero(&mut l.end_column);
        }
        if let Some(c) = &mut f.component {
            id(&mut c.name);
            c.version.iter_mut().for_each(id);
            c.fixed_versions.iter_mut().for_each(id);
        }
        f.vulnerability_ids.iter_mut().for_each(id);
        f.tags.iter_mut().for_each(id);
    }
}

/// Write a message to the host's stage log.
///
/// The host bounds the bytes a call may log; a stage that goes over fails
/// the call. On non-wasm targets (native tests) this writes to stderr.
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    bindings::parser::cordon::stage::log::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

/// Read a setting the pipeline file gives this stage (`[stage.config]`).
///
/// Returns `None` natively, where there is no host.
pub fn config(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        bindings::parser::cordon::stage::config::get(key)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// A parser stage: one scanner report in, findings out.
pub trait Parser {
    /// Look at the first bytes (up to 4 KiB) of an input and say whether this
    /// parser handles it. The default claims nothing, which means the parser
    /// is only used when the operator names its format with `--format`.
    fn detect(head: &[u8]) -> Option<Detection> {
        let _ = head;
        None
    }

    /// Parse a whole report. Leave `fingerprint` empty; the normalizer sets it.
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError>;
}

/// A normalizer stage: all findings of a run in, canonical findings out.
pub trait Normalizer {
    /// Return the normalised findings, each with a non-empty fingerprint (no
    /// two the same), and for each the indices of the input findings it
    /// stands for ([`Normalized::sources`]): every input index exactly once.
    /// The host refuses anything else, so a normalizer can merge findings
    /// but never drop or invent one.
    fn normalize(findings: Vec<Finding>) -> Result<Normalized, StageError>;
}

/// A policy stage: findings and a policy document in, decisions out.
pub trait Policy {
    /// Decide about every finding, given the operator's policy document.
    fn evaluate(
        findings: Vec<Finding>,
        document: &str,
        context: RunContext,
    ) -> Result<Vec<Decision>, StageError>;
}

impl FindingKind {
    /// The lowercase name used in policy files and outputs (`sast`, `sca`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Sast => "sast",
            FindingKind::Sca => "sca",
            FindingKind::Secret => "secret",
            FindingKind::Iac => "iac",
            FindingKind::Container => "container",
            FindingKind::Dast => "dast",
            FindingKind::Other => "other",
        }
    }
}

impl SeveritySource {
    /// The name used in `findings.json` (`cvss`, `security-severity`,
    /// `tool`, `default`).
    pub fn as_str(self) -> &'static str {
        match self {
            SeveritySource::Cvss => "cvss",
            SeveritySource::SecuritySeverity => "security-severity",
            SeveritySource::Tool => "tool",
            SeveritySource::Default => "default",
        }
    }
}

impl Severity {
    /// Rank from most severe (0 = critical) to least (4 = info).
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
            Severity::Info => 4,
        }
    }

    /// The lowercase name used in policy files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// The CVSS v3/v4 qualitative rating of a base score (also how GitHub
    /// reads SARIF `security-severity`): 9.0-10.0 critical, 7.0-8.9 high,
    /// 4.0-6.9 medium, 0.1-3.9 low, 0.0 info. `None` for a score outside
    /// 0-10 or not a number.
    pub fn from_cvss_score(score: f64) -> Option<Severity> {
        if !(0.0..=10.0).contains(&score) {
            return None;
        }
        Some(if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        })
    }

    /// Parse a lowercase severity name (`critical` .. `info`).
    pub fn from_name(name: &str) -> Option<Severity> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            "info" | "informational" => Severity::Info,
            _ => return None,
        })
    }
}

impl StageError {
    /// A malformed-input error with a message and an optional position.
    pub fn malformed(
        message: impl Into<String>,
        line: Option<u32>,
        column: Option<u32>,
        pointer: Option<String>,
    ) -> StageError {
        StageError::MalformedInput(Malformed {
            message: message.into(),
            position: InputPosition {
                line,
                column,
                pointer,
            },
        })
    }
}

/// Register a [`Parser`] implementation as this component's export. What
/// `parse` returns goes through [`fit_to_contract`] before the host sees it.
#[macro_export]
macro_rules! register_parser {
    ($t:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __CordonParserExport;
            impl $crate::bindings::parser::Guest for __CordonParserExport {
                fn detect(head: ::std::vec::Vec<u8>) -> ::std::option::Option<$crate::Detection> {
                    <$t as $crate::Parser>::detect(&head)
                }
                fn parse(
                    report: ::std::vec::Vec<u8>,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Finding>, $crate::StageError> {
                    let mut findings = <$t as $crate::Parser>::parse(&report)?;
                    $crate::fit_to_contract(&mut findings);
                    Ok(findings)
                }
            }
            $crate::bindings::parser::__export_parser!(__CordonParserExport with_types_in $crate::bindings::parser);
        };
    };
}

/// Register a [`Normalizer`] implementation as this component's export.
/// The findings `normalize` returns go through [`fit_to_contract`] (a merge
/// can grow a finding's lists past the host's caps).
#[macro_export]
macro_rules! register_normalizer {
    ($t:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __CordonNormalizerExport;
            impl $crate::bindings::normalizer::Guest for __CordonNormalizerExport {
                fn normalize(
                    findings: ::std::vec::Vec<$crate::Finding>,
                ) -> ::std::result::Result<$crate::Normalized, $crate::StageError> {
                    let mut normalized = <$t as $crate::Normalizer>::normalize(findings)?;
                    $crate::fit_to_contract(&mut normalized.findings);
                    Ok(normalized)
                }
            }
            $crate::bindings::normalizer::__export_normalizer!(__CordonNormalizerExport with_types_in $crate::bindings::normalizer);
        };
    };
}

/// Register a [`Policy`] implementation as this component's export.
#[macro_export]
macro_rules! register_policy {
    ($t:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __CordonPolicyExport;
            impl $crate::bindings::policy::Guest for __CordonPolicyExport {
                fn evaluate(
                    findings: ::std::vec::Vec<$crate::Finding>,
                    document: ::std::string::String,
                    context: $crate::RunContext,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Decision>, $crate::StageError> {
                    <$t as $crate::Policy>::evaluate(findings, &document, context)
                }
            }
            $crate::bindings::policy::__export_policy!(__CordonPolicyExport with_types_in $crate::bindings::policy);
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_have_one_id() {
        for (name, id) in [
            ("Semgrep OSS", "semgrep"),
            (" semgrep ", "semgrep"),
            ("Snyk Open Source", "snyk"),
            ("CodeQL", "codeql"),
            ("Checkov", "checkov"),
            ("OWASP  Dependency-Check", "owasp-dependency-check"),
            ("OSS", "oss"),
        ] {
            assert_eq!(canonical_tool(name), id, "{name}");
        }
    }

    fn finding() -> Finding {
        super::finding(
            "t",
            String::new(),
            String::new(),
            FindingKind::Other,
            Severity::Info,
        )
    }

    #[test]
    fn clip_cuts_on_a_char_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcdef", 5), "ab…");
        assert_eq!(clip("ééééé", 6), "é…");
        assert_eq!(clip("abc", 0), "…");
    }

    #[test]
    fn fit_to_contract_clips_every_capped_field_and_nothing_else() {
        let long = "é".repeat(3000); // 6000 bytes
        let mut f = finding();
        f.tool = long.clone();
        f.tool_version = Some(long.clone());
        f.rule_id = long.clone();
        f.title = long.repeat(2);
        f.message = long.clone();
        f.tool_severity = Some(long.clone());
        f.locations = vec![Location {
            path: long.clone(),
            start_line: Some(0),
            start_column: Some(3),
            end_line: Some(0),
            end_column: None,
        }];
        f.component = Some(Component {
            name: long.clone(),
            version: Some(long.clone()),
            purl: Some(long.clone()),
            fixed_versions: vec![long.clone()],
        });
        f.vulnerability_ids = vec![long.clone(), "CVE-1".into()];
        f.tags = vec![long.clone()];
        let mut v = vec![f];
        fit_to_contract(&mut v);
        let f = &v[0];
        let ids = [
            &f.tool,
            f.tool_version.as_ref().expect("kept"),
            &f.rule_id,
            f.tool_severity.as_ref().expect("kept"),
            &f.component.as_ref().expect("kept").name,
            &f.component.as_ref().expect("kept").fixed_versions[0],
            &f.vulnerability_ids[0],
            &f.tags[0],
        ];
        for s in ids {
            assert!(s.len() <= MAX_ID_BYTES && s.ends_with('…'), "{}", s.len());
        }
        assert!(f.title.len() <= MAX_TITLE_BYTES && f.title.ends_with('…'));
        assert_eq!(f.vulnerability_ids[1], "CVE-1");
        // Uncapped fields are left alone; zero positions become unknown.
        assert_eq!((f.message.len(), f.locations[0].path.len()), (6000, 6000));
        assert_eq!(
            f.component
                .as_ref()
                .and_then(|c| c.purl.as_ref())
                .map(String::len),
            Some(6000)
        );
        let l = &f.locations[0];
        assert_eq!(
            (l.start_line, l.start_column, l.end_line),
            (None, Some(3), None)
        );
    }

    #[test]
    fn fit_to_contract_keeps_the_first_entries_of_long_lists() {
        let mut f = finding();
        let loc = |n: u32| Location {
            path: format!("f{n}"),
            start_line: Some(n + 1),
            start_column: None,
            end_line: None,
            end_column: None,
        };
        f.locations = (0..MAX_LOCATIONS as u32 + 5).map(loc).collect();
        f.cwes = (0..1000).collect();
        f.tags = vec!["t".into(); MAX_LIST_ITEMS + 1];
        f.vulnerability_ids = vec!["CVE-1".into(); MAX_LIST_ITEMS];
        f.component = Some(Component {
            name: "c".into(),
            version: None,
            purl: None,
            fixed_versions: vec!["1".into(); 300],
        });
        let mut v = vec![f];
        fit_to_contract(&mut v);
        let f = &v[0];
        assert_eq!(f.locations.len(), MAX_LOCATIONS);
        assert_eq!(
            f.locations[MAX_LOCATIONS - 1],
            loc(MAX_LOCATIONS as u32 - 1)
        );
        assert_eq!(f.cwes.len(), MAX_LIST_ITEMS);
        assert_eq!(f.cwes[MAX_LIST_ITEMS - 1], MAX_LIST_ITEMS as u32 - 1);
        assert_eq!(f.tags.len(), MAX_LIST_ITEMS);
        assert_eq!(f.vulnerability_ids.len(), MAX_LIST_ITEMS);
        assert_eq!(
            f.component.as_ref().map(|c| c.fixed_versions.len()),
            Some(MAX_LIST_ITEMS)
        );
    }
}
