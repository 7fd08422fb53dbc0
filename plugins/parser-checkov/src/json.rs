//! JSON plumbing shared by the parser: input checks, error mapping and a few
//! tolerant field deserialisers.

use cordon_sdk::StageError;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IgnoredAny, MapAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// `bytes` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The first byte that is not ASCII whitespace, if any.
pub(crate) fn first_significant(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// A serde_json error as `malformed-input`, with the decoder's position.
///
/// `what` names the format for type errors ("not a valid Gitleaks report").
pub(crate) fn json_error(e: &serde_json::Error, what: &str) -> StageError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Syntax => "invalid JSON",
        Category::Eof => "invalid JSON (the input ends too early; truncated?)",
        Category::Data => what,
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

/// Check that `bytes` is one well-formed JSON value (any shape).
pub(crate) fn check_syntax(bytes: &[u8], what: &str) -> Result<(), StageError> {
    serde_json::from_slice::<IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| json_error(&e, what))
}

/// `T` deserialised from a JSON object only.
///
/// serde's derived struct impls also accept a JSON array (fields by
/// position); this wrapper insists on an object, so `[[...]]` is a type error
/// with a position like any other. It derefs to `T`.
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

/// A 1-based line or column: an integer, a string of digits, or `null`.
///
/// `0`, negative numbers, numbers beyond `u32`, fractions and the empty
/// string become `None` (the report has no usable position); any other type
/// is an error.
pub(crate) fn position<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct PosVisitor;
    impl<'de> Visitor<'de> for PosVisitor {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a line or column number")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok().filter(|&n| n > 0))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok().filter(|&n| n > 0))
        }
        fn visit_f64<E: de::Error>(self, _v: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            if !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::invalid_value(Unexpected::Str(v), &self));
            }
            Ok(t.parse::<u32>().ok().filter(|&n| n > 0))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(PosVisitor)
        }
    }
    d.deserialize_any(PosVisitor)
}

/// The host's cap on identifier-like fields (tool, rule id, tags, names).
pub(crate) const MAX_ID_BYTES: usize = 1024;

/// `s`, cut to at most `max` bytes on a character boundary (with `…` when
/// cut), so that a runaway value cannot make the host reject the output.
pub(crate) fn clip(s: &str, max: usize) -> String {
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

/// The first non-blank line of `s`, trimmed, at most `max_chars` characters.
pub(crate) fn one_line(s: &str, max_chars: usize) -> String {
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
