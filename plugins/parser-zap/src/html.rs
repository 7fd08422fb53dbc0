//! ZAP's HTML fragments (`<p>...</p>` in `desc`, `solution`, `reference`)
//! as plain text.

/// The text of an HTML fragment as ZAP writes them in `desc`, `solution` and
/// `reference`:
///
/// * a tag (`<` then a letter, `/`, `!` or `?`, up to the next `>`) is
///   dropped; `p`, `br`, `div`, `li`, `ul`, `ol`, `tr`, `table` and the
///   headings end a line (`li` starts one with `- `). A `<` that opens no
///   tag (`a < b`), or one never closed, is kept;
/// * the entities `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&nbsp;` and
///   numeric ones (`&#39;`, `&#x2014;`) are decoded; others are kept;
/// * each line is trimmed, runs of spaces and tabs become one space, blank
///   lines at the ends are dropped and runs of them become one.
///
/// Plain text (as newer ZAP versions write `desc` in XML) passes through
/// with only that whitespace clean-up.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Once a `<` finds no `>` after it, no later one will: not searching
    // again keeps hostile input (`<a<a<a...`) linear.
    let mut closed = true;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let after = rest.get(1..).unwrap_or_default();
                let opens = after
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
                let end = if opens && closed {
                    after.find('>')
                } else {
                    None
                };
                closed &= end.is_some() || !opens;
                match end {
                    Some(end) => {
                        let inner = after.get(..end).unwrap_or_default();
                        let name: String = inner
                            .trim_start_matches('/')
                            .chars()
                            .take_while(char::is_ascii_alphanumeric)
                            .map(|c| c.to_ascii_lowercase())
                            .collect();
                        match name.as_str() {
                            "li" if inner.starts_with('/') => {}
                            "li" => out.push_str("\n- "),
                            "p" | "br" | "div" | "ul" | "ol" | "tr" | "table" | "h1" | "h2"
                            | "h3" | "h4" | "h5" | "h6" => out.push('\n'),
                            _ => {}
                        }
                        rest = after.get(end + 1..).unwrap_or_default();
                    }
                    None => {
                        out.push('<');
                        rest = after;
                    }
                }
            }
            '&' => match entity(rest) {
                Some((decoded, len)) => {
                    out.push(decoded);
                    rest = rest.get(len..).unwrap_or_default();
                }
                None => {
                    out.push('&');
                    rest = rest.get(1..).unwrap_or_default();
                }
            },
            c => {
                out.push(c);
                rest = rest.get(c.len_utf8()..).unwrap_or_default();
            }
        }
    }
    tidy(&out)
}

/// The character an entity at the start of `s` stands for, and the
/// entity's length in bytes.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.get(..s.len().min(12))?.find(';')?;
    let body = s.get(1..end)?;
    let c = match body {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = body.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((c, end + 1))
}

/// Lines trimmed, inner runs of blanks collapsed, blank lines at most one
/// in a row and none at the ends.
fn tidy(s: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in s.lines() {
        let line = line.split([' ', '\t']).filter(|w| !w.is_empty());
        let line = line.collect::<Vec<_>>().join(" ");
        let line = line.trim().to_string();
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_dropped_and_paragraphs_kept() {
        assert_eq!(
            plain_text("<p>First  para.</p><p>Second</p>"),
            "First para.\n\nSecond"
        );
        assert_eq!(plain_text("a<br/>b"), "a\nb");
        assert_eq!(plain_text("<ul><li>x</li><li>y</li></ul>"), "- x\n- y");
        assert_eq!(plain_text("<b>bold</b> text"), "bold text");
        assert_eq!(plain_text("  plain\r\n\n\n text "), "plain\n\ntext");
    }

    #[test]
    fn lone_brackets_and_entities() {
        assert_eq!(plain_text("a < b and c<d"), "a < b and c<d");
        assert_eq!(plain_text("x <p unclosed"), "x <p unclosed");
        assert_eq!(
            plain_text("&lt;script&gt; &amp; &#39;q&#39; &#x2014; &bogus; &#0; &"),
            "<script> & 'q' \u{2014} &bogus; &#0; &"
        );
        assert_eq!(
            plain_text("&#xFFFFFFFF; &#99999999999;"),
            "&#xFFFFFFFF; &#99999999999;"
        );
        assert_eq!(plain_text(""), "");
        assert_eq!(plain_text("é<p>ü"), "é\nü");
    }

    #[test]
    fn unclosed_tags_stay_linear() {
        let s = "<a".repeat(200_000);
        assert_eq!(plain_text(&s), s);
    }
}
