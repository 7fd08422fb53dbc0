//! Input checks and serde_json errors as `malformed-input`.

use cordon_sdk::StageError;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// `bytes` without a leading UTF-8 byte-order mark (if there is one).
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The report without a UTF-8 byte-order mark; an empty or blank
/// (whitespace-only) report is `malformed-input` ("empty input: expected
/// {expected}"), never "0 findings".
///
/// `expected` names the input with its article, e.g. `"a Bandit JSON report"`.
pub fn prepare<'a>(bytes: &'a [u8], expected: &str) -> Result<&'a [u8], StageError> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StageError::malformed(
            format!("empty input: expected {expected}"),
            None,
            None,
            None,
        ));
    }
    Ok(bytes)
}

/// Read a report whose top level must be a JSON object as `T`, the one
/// entry point of most parsers:
///
/// 1. [`prepare`]: a byte-order mark is skipped; an empty or blank report
///    is `malformed-input` (`expected` names it with its article);
/// 2. a top level that is not an object is `malformed-input` when it is
///    not well-formed JSON ([`check_syntax`]), else `unsupported-format`
///    with the message `not_object`;
/// 3. the object is deserialised as `T`; an error is [`json_error`]'s
///    (`what` names the format without an article).
pub fn parse_object<'a, T: Deserialize<'a>>(
    report: &'a [u8],
    expected: &str,
    what: &str,
    not_object: &str,
) -> Result<T, StageError> {
    let bytes = prepare(report, expected)?;
    if first_byte(bytes) != Some(b'{') {
        check_syntax(bytes, what)?;
        return Err(StageError::UnsupportedFormat(not_object.to_string()));
    }
    serde_json::from_slice(bytes).map_err(|e| json_error(&e, what))
}

/// The first byte that is not JSON (ASCII) whitespace, if any: `{` or `[`
/// tells which top-level shape to parse.
pub fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Check that `bytes` is one well-formed JSON value (of any shape) without
/// building anything; the error is [`json_error`]'s, with `what` as there.
pub fn check_syntax(bytes: &[u8], what: &str) -> Result<(), StageError> {
    serde_json::from_slice::<IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| json_error(&e, what))
}

/// A serde_json error as `malformed-input`, with its line and column in the
/// error's own fields (not in the message).
///
/// The message starts with what went wrong: `invalid JSON` (a syntax
/// error), `invalid JSON (the input ends too early; truncated?)` (end of
/// input), `not a valid {what}` (well-formed JSON of the wrong type or
/// shape) or `could not read the input`; then `: ` and serde_json's own
/// description. `what` names the format without an article, e.g.
/// `"Bandit report"`.
pub fn json_error(e: &serde_json::Error, what: &str) -> StageError {
    json_error_as(e, &format!("not a valid {what}"))
}

/// Like [`json_error`], with `data` as the whole start of the message for
/// well-formed JSON of the wrong type or shape (e.g. `"not valid pip-audit
/// JSON output"`).
pub fn json_error_as(e: &serde_json::Error, data: &str) -> StageError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Syntax => "invalid JSON",
        Category::Eof => "invalid JSON (the input ends too early; truncated?)",
        Category::Data => data,
        Category::Io => "could not read the input",
    };
    let (line, column) = (e.line(), e.column());
    let mut detail = e.to_string();
    // The position is reported in its own fields.
    if line > 0
        && let Some(at) = detail.rfind(" at line ")
    {
        detail.truncate(at);
    }
    let line = u32::try_from(line).ok().filter(|&n| n > 0);
    let column = u32::try_from(column)
        .ok()
        .filter(|&n| n > 0 && line.is_some());
    StageError::malformed(format!("{kind}: {detail}"), line, column, None)
}

/// The deepest nesting of arrays and objects [`check_depth`] accepts, like
/// serde_json's own recursion limit (which does not apply to values a
/// parser skips with `IgnoredAny`).
pub const MAX_DEPTH: usize = 128;

/// Reject input nested deeper than [`MAX_DEPTH`] before parsing it, as
/// `malformed-input` with the line and column of the bracket that goes too
/// deep. Brackets inside strings do not count. Cheap: one pass over the
/// bytes, no allocation. It does not check the syntax otherwise.
pub fn check_depth(bytes: &[u8]) -> Result<(), StageError> {
    let (mut depth, mut line, mut col) = (0usize, 1u32, 0u32);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if b == b'\n' {
            line = line.saturating_add(1);
            col = 0;
        } else if b & 0xC0 != 0x80 {
            // Count characters, not UTF-8 continuation bytes.
            col = col.saturating_add(1);
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(StageError::malformed(
                        format!("invalid JSON: nested more than {MAX_DEPTH} levels deep"),
                        Some(line),
                        Some(col),
                        None,
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
