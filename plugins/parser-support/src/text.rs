//! Bounded strings for finding fields.

pub use cordon_sdk::{MAX_ID_BYTES, MAX_TITLE_BYTES, clip};

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
