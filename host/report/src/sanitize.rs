//! Make stage-provided strings safe for the medium they are written to.

use std::borrow::Cow;

fn is_dangerous(c: char) -> bool {
    // C0 and C1 controls (ESC, CSI, BEL, CR, ...), DEL, and the bidi
    // embedding / override / isolate characters (Trojan Source).
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Make a string safe to print on a terminal, on one line: control
/// characters (ANSI / OSC escape sequences start with one), newlines and bidi
/// overrides are shown as visible `\u{..}` escapes instead of being
/// interpreted. Ordinary text is returned unchanged without copying.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`terminal`], then cut to at most `max_chars` characters (with `…`).
pub fn terminal_short(s: &str, max_chars: usize) -> String {
    let clean = terminal(s);
    if clean.chars().count() <= max_chars {
        return clean.into_owned();
    }
    let mut out: String = clean.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(terminal("plain text"), Cow::Borrowed("plain text"));
        assert_eq!(terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            terminal("\u{1b}]8;;http://x\u{7}link"),
            "\\u{1b}]8;;http://x\\u{7}link"
        );
        assert_eq!(terminal("line\nnext\r"), "line\\u{a}next\\u{d}");
        assert_eq!(terminal("\u{202E}evil"), "\\u{202e}evil");
        assert_eq!(terminal("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn short_cuts_on_char_boundary() {
        assert_eq!(terminal_short("ééééé", 3), "éé…");
        assert_eq!(terminal_short("abc", 3), "abc");
    }
}
