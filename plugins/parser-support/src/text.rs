//! Bounded strings for finding fields.

/// The host's cap on identifier-like fields (tool version, rule id, tags,
/// component names and versions, ids), in bytes; the host rejects longer
/// ones.
pub const MAX_ID_BYTES: usize = 1024;

/// The host's cap on a finding's title, in bytes; the host rejects longer
/// ones.
pub const MAX_TITLE_BYTES: usize = 4096;

/// `s`, cut to at most `max` bytes on a character boundary (ending in `…`
/// when cut), so that a runaway value cannot make the host reject the
/// output.
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

/// The first non-blank line of `s`, trimmed, at most `max_chars`
/// characters (ending in `…` when cut).
pub fn one_line(s: &str, max_chars: usize) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > max_chars {
        let mut t: String = line.chars().take(max_chars.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        line.to_string()
    }
}

/// One JSON-pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`), for
/// locations such as `/vulnerabilities/lodash`.
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_on_a_char_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcdef", 5), "ab…");
        assert_eq!(clip("ééééé", 6), "é…");
        assert!(clip(&"x".repeat(5000), MAX_ID_BYTES).len() <= MAX_ID_BYTES);
    }

    #[test]
    fn one_line_takes_the_first_non_blank_line() {
        assert_eq!(one_line("\n  first  \nsecond", 80), "first");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("", 4), "");
    }

    #[test]
    fn pointer_tokens_escape() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
    }
}
