//! Detection hints, evaluated in the component exactly as the host evaluates
//! the `[[package.metadata.cordon.detect]]` entries of `Cargo.toml` (a unit
//! test keeps the two identical).

use cordon_sdk::Detection;

/// One detection hint: every condition must hold for it to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// Format name reported when the hint matches.
    pub format: &'static str,
    /// 1-100; the highest matching confidence wins.
    pub confidence: u8,
    /// The head starts with this.
    pub starts_with: Option<&'static str>,
    /// Every one of these occurs in the head.
    pub all: &'static [&'static str],
    /// At least one of these occurs (ignored when empty).
    pub any: &'static [&'static str],
    /// None of these occurs.
    pub none: &'static [&'static str],
}

/// How many bytes of the input the host shows detection.
pub const HEAD_BYTES: usize = 4096;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// The bytes hints look at: BOM and leading ASCII whitespace removed, then at
/// most [`HEAD_BYTES`].
pub fn head(bytes: &[u8]) -> &[u8] {
    let bytes = cordon_parser_support::strip_bom(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = bytes.get(start..).unwrap_or_default();
    rest.get(..HEAD_BYTES).unwrap_or(rest)
}

impl Hint {
    /// Whether the hint matches an already trimmed head.
    pub fn matches(&self, head: &[u8]) -> bool {
        self.confidence > 0
            && self
                .starts_with
                .is_none_or(|p| head.starts_with(p.as_bytes()))
            && self.all.iter().all(|s| contains(head, s.as_bytes()))
            && (self.any.is_empty() || self.any.iter().any(|s| contains(head, s.as_bytes())))
            && !self.none.iter().any(|s| contains(head, s.as_bytes()))
    }
}

/// The best matching hint for the first bytes of an input.
pub fn best(hints: &[Hint], input: &[u8]) -> Option<Detection> {
    let head = head(input);
    hints
        .iter()
        .filter(|h| h.matches(head))
        .max_by_key(|h| h.confidence)
        .map(|h| Detection {
            format: h.format.to_string(),
            confidence: h.confidence,
        })
}
