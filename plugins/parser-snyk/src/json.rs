//! JSON plumbing shared by the parser: strict objects, ordered maps, errors
//! with positions, and bounded strings.

use cordon_sdk::StageError;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// The longest identifier-like string (rule id, component name, version,
/// tag, id) a finding carries; the host rejects longer ones.
pub(crate) const MAX_ID_BYTES: usize = 1024;
/// The longest title, in bytes; the host rejects longer ones.
pub(crate) const MAX_TITLE_BYTES: usize = 4096;

/// A JSON object deserialised into `T`, and only a JSON object.
///
/// serde's derived struct impls also accept a JSON array (fields by
/// position); this wrapper makes such input a type error with a position.
pub(crate) struct Obj<T>(pub T);

impl<T> Deref for Obj<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_map(ObjVisitor(PhantomData))
    }
}

/// `bytes` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// A serde_json error as `malformed-input`, with its line and column.
pub(crate) fn json_error(e: serde_json::Error, what_data: &str) -> StageError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax => "invalid JSON",
        Category::Eof => "invalid JSON (the input ends too early; truncated?)",
        Category::Data => what_data,
        Category::Io => "could not read the input",
    };
    let (line, column) = (e.line(), e.column());
    let mut detail = e.to_string();
    if line > 0
        && let Some(at) = detail.rfind(" at line ")
    {
        detail.truncate(at);
    }
    let line = u32::try_from(line).ok().filter(|&n| n > 0);
    let column = u32::try_from(column)
        .ok()
        .filter(|&n| n > 0 && line.is_some());
    StageError::malformed(format!("{what}: {detail}"), line, column, None)
}

/// `s` cut to at most `max` bytes on a character boundary, with `…` when cut.
pub(crate) fn cap(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub('…'.len_utf8());
    let mut end = keep.min(s.len());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = s.get(..end).unwrap_or("").to_string();
    out.push('…');
    out
}

/// The deepest nesting of arrays and objects accepted, like serde_json's own
/// recursion limit (which does not apply to values the parser skips).
pub(crate) const MAX_DEPTH: usize = 128;

/// Reject input nested deeper than [`MAX_DEPTH`] before parsing it, with the
/// line and column of the bracket that goes too deep. Brackets inside
/// strings do not count. Cheap: one pass over the bytes, no allocation.
pub(crate) fn check_depth(bytes: &[u8]) -> Result<(), StageError> {
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
