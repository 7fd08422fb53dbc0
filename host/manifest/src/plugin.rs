//! The plugin manifest: what a component says about itself, embedded in its
//! `cordon-manifest` custom section (JSON), and the declarative detection
//! hints the host evaluates to choose a parser without a sandboxed call.
//!
//! First-party plugins write theirs in `[package.metadata.cordon]` of their
//! `Cargo.toml`; the build embeds it.

use serde::{Deserialize, Serialize};

use crate::{Capability, StageKind};

/// Name of the custom section that carries the manifest.
pub const MANIFEST_SECTION: &str = "cordon-manifest";

/// How many bytes of an input detection hints look at (after an optional
/// UTF-8 byte-order mark and leading whitespace).
pub const DETECT_HEAD_BYTES: usize = 4096;

/// A declarative detection rule: if it matches the head of an input, the
/// parser claims the input with `confidence`.
///
/// All conditions must hold: the head starts with `starts_with` (if given),
/// contains every string of `all`, at least one of `any` (if non-empty), and
/// none of `none`. Matching is on bytes, case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectHint {
    /// The format reported when this rule matches (`trivy-json`).
    pub format: String,
    /// 1-100; the highest confidence among matching rules wins.
    pub confidence: u8,
    /// Prefix of the head, e.g. `{`, `[` or `<`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_with: Option<String>,
    /// Every one of these must occur in the head.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<String>,
    /// At least one of these must occur (ignored when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<String>,
    /// None of these may occur.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub none: Vec<String>,
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// The bytes detection looks at: a UTF-8 BOM and leading ASCII whitespace
/// removed, then at most [`DETECT_HEAD_BYTES`].
pub fn detect_head(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    &bytes[..bytes.len().min(DETECT_HEAD_BYTES)]
}

/// Whether a whole input is an identity-less document: an empty JSON array
/// (`[]`, whitespace allowed inside) or the literal `null`. Several scanners
/// write exactly these when they find nothing, but so does a wrapper that
/// lost the real report, and no detection hint can tell which scanner it
/// was: the host never reads one as "no findings" unless the operator names
/// the format (`--format`), and says so when detection fails on one.
pub fn is_empty_document(bytes: &[u8]) -> bool {
    let t = detect_head(bytes).trim_ascii_end();
    if bytes.len() > DETECT_HEAD_BYTES {
        return false;
    }
    t == b"null"
        || (t.len() >= 2
            && t[0] == b'['
            && t[t.len() - 1] == b']'
            && t[1..t.len() - 1].iter().all(u8::is_ascii_whitespace))
}

impl DetectHint {
    /// Whether the rule matches `head` (as returned by [`detect_head`]).
    pub fn matches(&self, head: &[u8]) -> bool {
        self.confidence > 0
            && self
                .starts_with
                .as_ref()
                .is_none_or(|p| head.starts_with(p.as_bytes()))
            && self.all.iter().all(|s| contains(head, s.as_bytes()))
            && (self.any.is_empty() || self.any.iter().any(|s| contains(head, s.as_bytes())))
            && !self.none.iter().any(|s| contains(head, s.as_bytes()))
    }
}

/// The best match among `hints` for an input: `(format, confidence)`.
pub fn best_match<'a>(hints: &'a [DetectHint], head: &[u8]) -> Option<(&'a str, u8)> {
    hints
        .iter()
        .filter(|h| h.matches(head))
        .max_by_key(|h| h.confidence)
        .map(|h| (h.format.as_str(), h.confidence))
}

/// Longest stage name.
pub const MAX_STAGE_NAME: usize = 64;

/// Check a stage (plugin) name: 1 to [`MAX_STAGE_NAME`] characters of
/// `a-z`, `0-9` and `-`, starting with a letter or digit and not ending with
/// `-`. Names appear in file names, error messages and every output, so
/// nothing else is allowed.
pub fn check_stage_name(name: &str) -> Result<(), String> {
    let ok_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_STAGE_NAME {
        return Err(format!(
            "stage name {name:?} must be 1 to {MAX_STAGE_NAME} characters"
        ));
    }
    if !bytes.iter().all(|&b| ok_char(b)) || bytes[0] == b'-' || bytes[bytes.len() - 1] == b'-' {
        return Err(format!(
            "stage name {name:?} may use only a-z, 0-9 and '-' (not first or last)"
        ));
    }
    Ok(())
}

/// Check a normalizer's `fingerprint` (algorithm name and version): only
/// normalizers declare one, and it is 1 to 64 characters of `A-Z a-z 0-9`
/// and `. _ / -`, since it lands in every `findings.json`.
pub fn check_fingerprint_version(fp: &str, kind: StageKind) -> Result<(), String> {
    if kind != StageKind::Normalizer {
        return Err(format!(
            "`fingerprint` {fp:?} is declared by a {kind} stage; only normalizers make fingerprints"
        ));
    }
    let ok = |b: u8| b.is_ascii_alphanumeric() || b"._/-".contains(&b);
    if fp.is_empty() || fp.len() > 64 || !fp.bytes().all(ok) {
        return Err(format!(
            "`fingerprint` {fp:?} must be 1 to 64 characters of A-Z a-z 0-9 . _ / -"
        ));
    }
    Ok(())
}

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Plugin name (`parser-trivy`).
    pub name: String,
    /// Plugin version (semver).
    pub version: String,
    /// Stage kind.
    pub kind: StageKind,
    /// The WIT world it implements, with the package version
    /// (`cordon:stage/parser@0.1.0`).
    pub world: String,
    /// Capabilities it asks for.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Oldest cordon version it works with.
    pub min_host_version: String,
    /// SPDX license expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Where its source lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Detection hints (parsers only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detect: Vec<DetectHint>,
    /// Normalizers only: the name and version of the fingerprint algorithm
    /// (`normalizer-default/v2`), recorded in `findings.json` as
    /// `fingerprint_version`. A baseline is comparable only with runs whose
    /// fingerprints come from the same algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint() -> DetectHint {
        DetectHint {
            format: "f".into(),
            confidence: 50,
            starts_with: Some("{".into()),
            all: vec!["\"a\"".into(), "\"b\"".into()],
            any: vec!["x".into(), "y".into()],
            none: vec!["\"runs\"".into()],
        }
    }

    #[test]
    fn stage_names() {
        for ok in ["parser-sarif", "a", "x1", &"a".repeat(64)] {
            assert_eq!(check_stage_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "Parser",
            "a b",
            "a/b",
            "a\u{1b}",
            "ä",
            &"a".repeat(65),
        ] {
            assert!(check_stage_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn head_strips_bom_and_whitespace() {
        assert_eq!(detect_head(b"\xEF\xBB\xBF \n {\"a\"}"), b"{\"a\"}");
        assert_eq!(detect_head(b"   "), b"");
        assert_eq!(detect_head(&[b'x'; 10_000]).len(), DETECT_HEAD_BYTES);
    }

    #[test]
    fn empty_documents() {
        for yes in [&b"[]"[..], b"[\n]\n", b"\xEF\xBB\xBF null \n"] {
            assert!(is_empty_document(yes), "{yes:?}");
        }
        for no in [&b"[1]"[..], b"{}", b"nul", b"[ ] x", b""] {
            assert!(!is_empty_document(no), "{no:?}");
        }
    }

    #[test]
    fn every_condition_counts() {
        let h = hint();
        assert!(h.matches(b"{\"a\":1,\"b\":\"x\"}"));
        assert!(!h.matches(b"[{\"a\":1,\"b\":\"x\"}]"), "starts_with");
        assert!(!h.matches(b"{\"a\":1,\"x\":2}"), "all");
        assert!(!h.matches(b"{\"a\":1,\"b\":2}"), "any");
        assert!(!h.matches(b"{\"a\":1,\"b\":\"x\",\"runs\":[]}"), "none");
        let mut zero = hint();
        zero.confidence = 0;
        assert!(
            !zero.matches(b"{\"a\":1,\"b\":\"x\"}"),
            "confidence 0 never matches"
        );
    }

    #[test]
    fn best_match_takes_highest_confidence() {
        let mut low = hint();
        low.format = "low".into();
        low.confidence = 10;
        let hints = [low, hint()];
        assert_eq!(best_match(&hints, b"{\"a\",\"b\",x}"), Some(("f", 50)));
        assert_eq!(best_match(&hints, b"nothing"), None);
    }
}
