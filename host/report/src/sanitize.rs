//! Make stage-provided strings safe for the medium they are written to.
//!
//! One function per medium: [`terminal`] (and [`terminal_short`]) for
//! stderr, [`markdown_code`] for `summary.md`, [`xml_text`] for JUnit,
//! [`workflow_data`] and [`workflow_property`] for GitHub workflow
//! commands. JSON outputs need none: serde escapes every string.

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

/// A stage string as an inline code span for Markdown (`summary.md`, a PR
/// comment, a GitHub job summary), cut to `max_chars`: inside a code span
/// nothing is active (no HTML, links, images, emphasis, `@` mentions or
/// `#` references), entities are not decoded, and the span cannot end
/// early because its fence is longer than any run of backticks inside.
/// Control characters and newlines are shown as visible escapes first
/// ([`terminal`]), so the span stays on one line and cannot end a list item
/// or an HTML block. Not for table cells (a `|` would split the cell);
/// `summary.md` puts stage strings in list items only. An empty string
/// is `-`.
pub fn markdown_code(s: &str, max_chars: usize) -> String {
    let clean = terminal_short(s, max_chars);
    if clean.is_empty() {
        return "-".to_string();
    }
    let mut longest = 0usize;
    let mut run = 0usize;
    for c in clean.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    // A leading or trailing backtick would merge with the fence, and one
    // space each side is stripped when both are present: pad both.
    let pad = clean.starts_with('`') || clean.ends_with('`') || clean.starts_with(' ');
    if pad {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// A string as XML 1.0 character data or an attribute value: `&`, `<`,
/// `>`, `"` and `'` as entities (so neither a CDATA terminator `]]>` nor
/// a tag survives), and every character XML 1.0 does not allow (C0
/// controls other than tab, newline and carriage return; U+FFFE, U+FFFF)
/// plus the other controls and bidi overrides shown as visible `\u{..}`
/// escapes. With `one_line`, newlines and tabs are escaped too (for
/// attributes, where a parser would normalise them away).
pub fn xml_text(s: &str, one_line: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' if !one_line => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A string as the message of a GitHub workflow command
/// (`::error ...::MESSAGE`): `%`, carriage return and newline
/// percent-encoded as the runner decodes them, so the message cannot end
/// the line and start a command of its own; other control characters and
/// bidi overrides as visible `\u{..}` escapes (the log renders ANSI).
pub fn workflow_data(s: &str) -> String {
    workflow_escape(s, false)
}

/// A string as a property value of a GitHub workflow command
/// (`file=`, `title=`): [`workflow_data`], and `:` and `,` encoded too, so
/// it cannot end the property list or start another property.
pub fn workflow_property(s: &str) -> String {
    workflow_escape(s, true)
}

fn workflow_escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
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

    #[test]
    fn markdown_code_spans_are_inert() {
        assert_eq!(markdown_code("src/app.py", 80), "`src/app.py`");
        assert_eq!(markdown_code("", 80), "-");
        assert_eq!(markdown_code("a`b", 80), "``a`b``");
        assert_eq!(markdown_code("`x`", 80), "`` `x` ``");
        assert_eq!(
            markdown_code("</details><script>alert(1)</script>", 80),
            "`</details><script>alert(1)</script>`"
        );
        assert_eq!(markdown_code("a\nb", 80), "`a\\u{a}b`");
        assert_eq!(markdown_code("abcdef", 4), "`abc…`");
    }

    #[test]
    fn xml_text_is_well_formed() {
        assert_eq!(
            xml_text("a]]>b<c>&\"'", false),
            "a]]&gt;b&lt;c&gt;&amp;&quot;&apos;"
        );
        assert_eq!(xml_text("nul\u{0}esc\u{1b}", false), "nul\\u{0}esc\\u{1b}");
        assert_eq!(xml_text("l1\nl2\tx", false), "l1\nl2\tx");
        assert_eq!(xml_text("l1\nl2", true), "l1\\u{a}l2");
        assert_eq!(xml_text("\u{FFFE}", false), "\\u{fffe}");
    }

    #[test]
    fn workflow_commands_cannot_be_injected() {
        assert_eq!(workflow_data("50%\n::error::x"), "50%25%0A::error::x");
        assert_eq!(workflow_data("a\r\nb"), "a%0D%0Ab");
        assert_eq!(workflow_property("a.py,line=1::x"), "a.py%2Cline=1%3A%3Ax");
        assert_eq!(workflow_data("\u{1b}[31mred"), "\\u{1b}[31mred");
    }
}
