//! Deserialisation helpers: objects-only structs, ordered maps and lenient
//! scalars.

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// `T` deserialised from a JSON object only.
///
/// serde's derived struct impls also accept a JSON array (fields by
/// position); this wrapper insists on an object, so `"results": [[...]]` is
/// a type error with a position like any other. It derefs to `T`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Obj<T>(pub T);

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

/// A JSON object read as its entries in document order (a JSON object
/// only; duplicate keys are all kept).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Entries<T>(pub Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// A 1-based line or column (`deserialize_with`): a JSON integer or a
/// string holding a number (`"startLine": "222"`, as some exports write).
/// `0`, negative, fractional and out-of-range values, blank strings, strings
/// that are not a number, and `null` are `None`; a boolean, array or object
/// is a type error.
///
/// Use [`position_strict`] to make a non-numeric string a type error too.
pub fn position<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    d.deserialize_any(PositionVisitor { strict: false })
}

/// Like [`position`], but a string that is not blank must be ASCII digits
/// (surrounding whitespace allowed), else it is a type error: `"12"` is 12,
/// `""` and `"0"` are `None`, `"abc"`, `"-3"` and `"+3"` are errors.
pub fn position_strict<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    d.deserialize_any(PositionVisitor { strict: true })
}

/// `strict`: whether a non-blank string must be digits only.
struct PositionVisitor {
    strict: bool,
}

impl<'de> Visitor<'de> for PositionVisitor {
    type Value = Option<u32>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a line or column number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<u32>, E> {
        Ok(u32::try_from(v).ok().filter(|&n| n > 0))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<u32>, E> {
        Ok(u32::try_from(v).ok().filter(|&n| n > 0))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<u32>, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<u32>, E> {
        let t = v.trim();
        if self.strict && !t.is_empty() && !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::invalid_value(Unexpected::Str(v), &self));
        }
        Ok(t.parse::<u32>().ok().filter(|&n| n > 0))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<u32>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<u32>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<u32>, D::Error> {
        d.deserialize_any(self)
    }
}

/// A property that is present, even when `null`, as `Some`
/// (`deserialize_with`, with `#[serde(default)]` for an absent one): tells
/// `"key": null` from no key when `T` is an `Option`, or marks a property
/// whose value is skipped (`Option<IgnoredAny>`).
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A free-form scalar read as text (`deserialize_with`): a string as is, a
/// number or boolean as written; `null`, arrays and objects are `None` (and
/// skipped without recursion). For fields whose type varies between
/// versions or producers, such as rule metadata.
pub fn loose_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    LooseString::deserialize(d).map(|l| l.0)
}

/// A free-form string list (`deserialize_with`): a scalar is a list of one
/// (as in [`loose_string`]); the scalar elements of an array are kept, other
/// elements skipped; `null` and objects are an empty list.
pub fn loose_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(LooseVisitor {
        list: true,
        bools: true,
    })
    .map(|l| match l {
        Loose::One(s) => vec![s],
        Loose::Many(v) => v,
        Loose::Other => Vec::new(),
    })
}

/// A value read as [`loose_string`] reads it, as a type: for use inside
/// other containers (`Vec<LooseString>`, map values, tuple elements).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LooseString(pub Option<String>);

impl<'de> Deserialize<'de> for LooseString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor {
            list: false,
            bools: true,
        })
        .map(|l| match l {
            Loose::One(s) => LooseString(Some(s)),
            _ => LooseString(None),
        })
    }
}

/// Like [`LooseString`], but only a string or a number is text: a boolean
/// reads as `None` too (as do `null`, arrays and objects, skipped without
/// recursion). For free-form fields where `true` is no value.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StringOrNumber(pub Option<String>);

impl<'de> Deserialize<'de> for StringOrNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor {
            list: false,
            bools: false,
        })
        .map(|l| match l {
            Loose::One(s) => StringOrNumber(Some(s)),
            _ => StringOrNumber(None),
        })
    }
}

enum Loose {
    One(String),
    Many(Vec<String>),
    Other,
}

/// `list`: whether an array is read as a list of scalars (else skipped);
/// `bools`: whether a boolean is text (else `Other`).
struct LooseVisitor {
    list: bool,
    bools: bool,
}

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::One(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::One(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::One(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::One(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::One(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(if self.bools {
            Loose::One(v.to_string())
        } else {
            Loose::Other
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        if !self.list {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Loose::Other);
        }
        let mut out = Vec::new();
        while let Some(LooseString(item)) = seq.next_element::<LooseString>()? {
            out.extend(item);
        }
        Ok(Loose::Many(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Pos {
        #[serde(default, deserialize_with = "position")]
        lenient: Option<u32>,
        #[serde(default, deserialize_with = "position_strict")]
        strict: Option<u32>,
    }

    fn pos(json: &str) -> Result<(Option<u32>, Option<u32>), serde_json::Error> {
        serde_json::from_str::<Obj<Pos>>(json).map(|p| (p.lenient, p.strict))
    }

    #[test]
    fn positions() {
        assert_eq!(
            pos(r#"{"lenient": 3, "strict": " 4 "}"#).ok(),
            Some((Some(3), Some(4)))
        );
        assert_eq!(
            pos(r#"{"lenient": 0, "strict": ""}"#).ok(),
            Some((None, None))
        );
        assert_eq!(
            pos(r#"{"lenient": "abc", "strict": null}"#).ok(),
            Some((None, None))
        );
        assert_eq!(pos(r#"{"lenient": -1.5}"#).ok(), Some((None, None)));
        assert!(pos(r#"{"strict": "abc"}"#).is_err());
        assert!(pos(r#"{"lenient": true}"#).is_err());
        assert!(pos(r#"[1, 2]"#).is_err());
    }

    #[derive(Deserialize)]
    struct Loosely {
        #[serde(default, deserialize_with = "loose_string")]
        one: Option<String>,
        #[serde(default, deserialize_with = "loose_strings")]
        many: Vec<String>,
    }

    #[test]
    fn loose_scalars() {
        let l: Loosely =
            serde_json::from_str(r#"{"one": 1.5, "many": ["a", 2, [3], {"x": 1}, true]}"#)
                .expect("valid");
        assert_eq!(l.one.as_deref(), Some("1.5"));
        assert_eq!(l.many, ["a", "2", "true"]);
        let l: Loosely =
            serde_json::from_str(r#"{"one": {"a": [1]}, "many": "x"}"#).expect("valid");
        assert_eq!(l.one, None);
        assert_eq!(l.many, ["x"]);
    }

    #[test]
    fn strings_or_numbers() {
        let v: Vec<StringOrNumber> =
            serde_json::from_str(r#"["a", 2, 1.5, true, null, [1], {"x": 1}]"#).expect("valid");
        let v: Vec<Option<&str>> = v.iter().map(|s| s.0.as_deref()).collect();
        assert_eq!(
            v,
            [Some("a"), Some("2"), Some("1.5"), None, None, None, None]
        );
    }

    #[derive(Deserialize)]
    struct Present {
        #[serde(default, deserialize_with = "present")]
        key: Option<Option<u32>>,
    }

    #[test]
    fn present_tells_null_from_absent() {
        let p = |json: &str| serde_json::from_str::<Present>(json).map(|p| p.key).ok();
        assert_eq!(p(r#"{"key": null}"#), Some(Some(None)));
        assert_eq!(p(r#"{}"#), Some(None));
        assert_eq!(p(r#"{"key": 3}"#), Some(Some(Some(3))));
    }

    #[test]
    fn entries_keep_document_order() {
        let e: Entries<u32> = serde_json::from_str(r#"{"b": 1, "a": 2}"#).expect("valid");
        assert_eq!(e.0, [("b".to_string(), 1), ("a".to_string(), 2)]);
        assert!(serde_json::from_str::<Entries<u32>>("[1]").is_err());
    }
}
