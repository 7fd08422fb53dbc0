//! The findings in reviewdog's Diagnostic Format as JSON Lines
//! (`reviewdog -f=rdjsonl`): one `Diagnostic` object per line, in the
//! shared priority order ([`view::prioritised`]).
//!
//! Fields follow `proto/rdf/reviewdog.proto` of reviewdog/reviewdog:
//!
//! * `location.path`: the first location's path, or when the finding has
//!   none, the input report's path ([`Row::input_path`]); no `location`
//!   when both are empty. `location.range.start` has the start line and
//!   column, `end` the end line and column as the report gives them (line
//!   and column only when known, and within the protocol's `int32`: never
//!   a 0 for "unknown"); no `range` without a start line, no `end` that
//!   comes before the start.
//! * `severity` from the decision's action: block → `ERROR`, ticket and
//!   notify → `WARNING`, record → `INFO`. Suppressed findings are left
//!   out: they are accepted, and reviewdog would post them as review
//!   comments. A finding the policy never decided (the run failed first)
//!   has no `severity` (reviewdog's `UNKNOWN_SEVERITY`, which it reports
//!   at its `-level`).
//! * `source.name`: the tool (the model knows no tool URL, so no
//!   `source.url`); `code.value`: the rule id; `code.url`: the finding's
//!   help URI, only when it is an `http(s)` URL that cannot end a Markdown
//!   link.
//! * `message`: the title in a code span, then the decision (action,
//!   judged severity, deciding rule and reason), then the full message in
//!   a fenced code block (cut to [`MAX_MESSAGE_CHARS`]).
//! * No `original_output`: reviewdog then keeps the line itself.
//!
//! # Sanitising
//!
//! JSON needs no escaping beyond serde's, but reviewdog writes `message`,
//! `source.name` and `code.value` unescaped into Markdown review comments
//! and prints them to CI logs. So every stage string is shown with its
//! control characters and bidi overrides as visible `\u{..}` escapes
//! ([`terminal`]), `message` is Markdown-inert (code spans and a fenced
//! block: no links, images, HTML or mentions), and `source.name` and
//! `code.value`, kept exact otherwise, show the characters that would
//! open a link, an HTML tag, a code span or a mention (`[ ] ( ) < > `` ` ``
//! `@`) as escapes too. `location.path` only goes through [`terminal`]:
//! reviewdog matches it against the diff, and real paths hold parentheses.

use cordon_model::{Action, Location, RunReport};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

use crate::sanitize::{markdown_code, terminal};
use crate::view::{self, Row};

/// Most characters of a finding's full message in `message` (GitHub
/// allows 65,536 per review comment).
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Most characters of the title, rule id and reason in `message`.
const MAX_SPAN_CHARS: usize = 300;

/// Render the rdjsonl document: one line per finding that is not
/// suppressed, each ending in `\n`; empty when there is none.
pub fn render(report: &RunReport) -> Vec<u8> {
    let mut out = String::new();
    for row in view::prioritised(report)
        .iter()
        .filter(|r| r.action() != Some(Action::Suppressed))
    {
        // `Value`'s compact form escapes every newline, so each
        // diagnostic is one line.
        let _ = writeln!(out, "{}", diagnostic(row));
    }
    out.into_bytes()
}

/// reviewdog's severity for a decision's action.
fn severity(action: Action) -> Option<&'static str> {
    match action {
        Action::Block => Some("ERROR"),
        Action::Ticket | Action::Notify => Some("WARNING"),
        Action::Record => Some("INFO"),
        Action::Suppressed => None,
    }
}

/// One finding as a reviewdog `Diagnostic`.
fn diagnostic(row: &Row<'_>) -> Value {
    let f = row.finding;
    let mut d = Map::new();
    d.insert("message".into(), Value::String(message(row)));
    if let Some(location) = location(row) {
        d.insert("location".into(), location);
    }
    if let Some(severity) = row.action().and_then(severity) {
        d.insert("severity".into(), json!(severity));
    }
    d.insert("source".into(), json!({ "name": identifier(&f.tool) }));
    let mut code = Map::new();
    code.insert("value".into(), Value::String(identifier(&f.rule_id)));
    if let Some(url) = f.help_uri.as_deref().filter(|u| is_link_url(u)) {
        code.insert("url".into(), json!(url));
    }
    d.insert("code".into(), Value::Object(code));
    Value::Object(d)
}

/// `location`: path and range of the first location, or the input path.
fn location(row: &Row<'_>) -> Option<Value> {
    let (path, range) = match row.location() {
        Some(l) => (l.path.as_str(), range(l)),
        None => (row.input_path(), None),
    };
    if path.is_empty() {
        return None;
    }
    let mut location = Map::new();
    location.insert("path".into(), Value::String(terminal(path).into_owned()));
    if let Some(range) = range {
        location.insert("range".into(), range);
    }
    Some(Value::Object(location))
}

/// A line or column as the protocol's `int32`; none when unknown, 0 or
/// out of range.
fn position_number(n: Option<u32>) -> Option<i32> {
    n.and_then(|n| i32::try_from(n).ok()).filter(|n| *n > 0)
}

/// A position: `line`, and `column` when known.
fn position(line: i32, column: Option<i32>) -> Value {
    let mut p = Map::new();
    p.insert("line".into(), json!(line));
    if let Some(column) = column {
        p.insert("column".into(), json!(column));
    }
    Value::Object(p)
}

/// `range`: none without a start line; `end` only when it does not come
/// before `start`.
fn range(l: &Location) -> Option<Value> {
    let start_line = position_number(l.start_line)?;
    let start_column = position_number(l.start_column);
    let mut range = Map::new();
    range.insert("start".into(), position(start_line, start_column));
    if let Some(end_line) = position_number(l.end_line) {
        let end_column = position_number(l.end_column);
        let before_start = end_line < start_line
            || (end_line == start_line
                && matches!((start_column, end_column), (Some(s), Some(e)) if e < s));
        if !before_start {
            range.insert("end".into(), position(end_line, end_column));
        }
    }
    Some(Value::Object(range))
}

/// An identifier reviewdog writes into Markdown (`source.name`,
/// `code.value`): [`terminal`], and the characters that would open a link,
/// an HTML tag, a code span or a mention as visible escapes.
fn identifier(s: &str) -> String {
    let clean = terminal(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(c, '[' | ']' | '(' | ')' | '<' | '>' | '`' | '@') {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `url` may be `code.url`: `http://` or `https://` (any case)
/// with a host, and only printable ASCII that cannot end the Markdown link
/// reviewdog writes it into (no space, quote, backslash, `(`, `)`, `<`,
/// `>`, `[`, `]` or backtick).
fn is_link_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/'))
        && url.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '"' | '\'' | '\\' | '(' | ')' | '<' | '>' | '[' | ']' | '`'
                )
        })
}

/// `message`: Markdown-inert. First line (reviewdog appends it to its own
/// prefix line): the title in a code span and the decision; then the full
/// message, when it says more than the title, in a fenced code block.
fn message(row: &Row<'_>) -> String {
    let f = row.finding;
    let mut s = markdown_code(&f.title, MAX_SPAN_CHARS);
    match row.decision {
        Some(d) => {
            let _ = write!(
                s,
                " ({}, severity {}; rule {}: {})",
                d.action.as_str(),
                row.severity().as_str(),
                markdown_code(&d.rule_id, MAX_SPAN_CHARS),
                markdown_code(&d.reason, MAX_SPAN_CHARS)
            );
        }
        None => {
            let _ = write!(
                s,
                " (severity {}; no decision: the run failed before the policy decided)",
                row.severity().as_str()
            );
        }
    }
    let body = f.message.trim();
    if !body.is_empty() && body != f.title.trim() {
        s.push_str("\n\n");
        s.push_str(&fenced(body, MAX_MESSAGE_CHARS));
    }
    s
}

/// `text` as a fenced code block, each line through [`terminal`], cut to
/// `max_chars` characters of content (with `…`). The fence is longer than
/// any run of backticks inside, so no line can close it early.
fn fenced(text: &str, max_chars: usize) -> String {
    let mut body = String::new();
    let mut budget = max_chars;
    for line in text.lines() {
        let line = terminal(line);
        let n = line.chars().count();
        if n > budget {
            body.extend(line.chars().take(budget.saturating_sub(1)));
            body.push_str("…\n");
            break;
        }
        body.push_str(&line);
        body.push('\n');
        budget -= n;
    }
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}\n{body}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rdjson_link_urls_are_http_and_inert() {
        assert!(is_link_url("https://avd.aquasec.com/nvd/cve-2024-2511"));
        assert!(is_link_url("HTTP://example.invalid/a?b=c#d"));
        assert!(!is_link_url("javascript:alert(1)"));
        assert!(!is_link_url("https://"));
        assert!(!is_link_url("https:///path"));
        assert!(!is_link_url(
            "https://x.invalid/a) ![i](https://evil.invalid/p.png"
        ));
        assert!(!is_link_url("https://x.invalid/a b"));
        assert!(!is_link_url("https://x.invalid/\u{1b}[2J"));
        assert!(!is_link_url("file:///etc/passwd"));
    }

    #[test]
    fn rdjson_identifiers_cannot_open_markdown() {
        assert_eq!(identifier("CKV_AWS_18"), "CKV_AWS_18");
        assert_eq!(
            identifier("python.flask.security.open-redirect"),
            "python.flask.security.open-redirect"
        );
        assert_eq!(
            identifier("x](https://e)"),
            "x\\u{5d}\\u{28}https://e\\u{29}"
        );
        assert_eq!(identifier("<b>@team`"), "\\u{3c}b\\u{3e}\\u{40}team\\u{60}");
        assert_eq!(identifier("a\u{1b}[K\nb"), "a\\u{1b}\\u{5b}K\\u{a}b");
    }

    #[test]
    fn rdjson_fence_outlasts_backticks_and_cuts() {
        assert_eq!(fenced("a\r\nb", 100), "```\na\nb\n```");
        assert_eq!(fenced("x ```` y", 100), "`````\nx ```` y\n`````");
        assert_eq!(fenced("abcdef\nghi", 4), "```\nabc…\n```");
        assert_eq!(fenced("ab\ncdef", 4), "```\nab\nc…\n```");
        assert_eq!(fenced("\u{1b}[31m", 100), "```\n\\u{1b}[31m\n```");
    }

    #[test]
    fn rdjson_positions_are_positive_int32() {
        assert_eq!(position_number(Some(3)), Some(3));
        assert_eq!(position_number(Some(0)), None);
        assert_eq!(position_number(None), None);
        assert_eq!(position_number(Some(u32::MAX)), None);
        assert_eq!(position_number(Some(i32::MAX as u32)), Some(i32::MAX));
    }
}
