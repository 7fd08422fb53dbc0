//! JSON plumbing: objects-only structs, lenient scalars for free-form
//! metadata, a cheap shape probe, and serde_json errors as `malformed-input`.

use cordon_sdk::StageError;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// `T` deserialised from a JSON object only.
///
/// serde's derived struct impls also accept a JSON array (fields by
/// position); this wrapper insists on an object, so `"results": [[...]]` is
/// a type error with a position like any other. It derefs to `T`.
#[derive(Default)]
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

/// The report without a UTF-8 byte-order mark; an empty or blank report is
/// `malformed-input` (never "0 findings").
pub(crate) fn prepare<'a>(bytes: &'a [u8], what: &str) -> Result<&'a [u8], StageError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StageError::malformed(
            format!("empty input: expected {what}"),
            None,
            None,
            None,
        ));
    }
    Ok(bytes)
}

/// The first byte that is not JSON whitespace.
pub(crate) fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Check the JSON syntax of the whole document without building anything.
pub(crate) fn check_syntax(bytes: &[u8], what: &str) -> Result<(), StageError> {
    serde_json::from_slice::<IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| json_error(e, what))
}

/// A serde_json error as `malformed-input`, with its line and column.
pub(crate) fn json_error(e: serde_json::Error, what: &str) -> StageError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Syntax => "invalid JSON".to_string(),
        Category::Eof => "invalid JSON (the input ends too early; truncated?)".to_string(),
        Category::Data => format!("not a valid {what}"),
        Category::Io => "could not read the input".to_string(),
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

/// A 1-based line or column: a JSON integer or a string of digits. `0`,
/// negative, fractional and out-of-range values, blank strings and `null`
/// are `None`; a boolean, array or object is a type error.
pub(crate) fn position<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct PositionVisitor;
    impl Visitor<'_> for PositionVisitor {
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
            Ok(v.trim().parse::<u32>().ok().filter(|&n| n > 0))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u32>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<u32>, E> {
            Ok(None)
        }
    }
    d.deserialize_any(PositionVisitor)
}

/// Which keys an item must have to count as "of this format" in a
/// [`Shape`] probe.
pub(crate) trait Keys {
    /// Any one of these keys marks an item.
    const KEYS: &'static [&'static str];
}

/// A probe of an array: how many elements it has and how many of them are
/// objects with one of `K::KEYS`. Used only on the error path, to tell a
/// report of another tool (`unsupported-format`) from a broken one.
pub(crate) struct Shape<K> {
    /// The value was an array.
    pub array: bool,
    /// Its elements that are objects.
    pub objects: usize,
    /// Elements that are objects with a key from `K::KEYS`.
    pub marked: usize,
    _keys: PhantomData<K>,
}

impl<K> Shape<K> {
    /// An array of objects none of which looks like this format (an array
    /// of non-objects is a type error, not another format).
    pub fn foreign(&self) -> bool {
        self.array && self.objects > 0 && self.marked == 0
    }
}

impl<'de, K: Keys> Deserialize<'de> for Shape<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ShapeVisitor<K>(PhantomData<K>);
        impl<'de, K: Keys> Visitor<'de> for ShapeVisitor<K> {
            type Value = Shape<K>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<K>, A::Error> {
                let (mut objects, mut marked) = (0, 0);
                while let Some(Marked(m, _)) = seq.next_element::<Marked<K>>()? {
                    if let Some(m) = m {
                        objects += 1;
                        marked += usize::from(m);
                    }
                }
                Ok(Shape {
                    array: true,
                    objects,
                    marked,
                    _keys: PhantomData,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<K>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Shape::other())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape<K>, E> {
                Ok(Shape::other())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape<K>, E> {
                Ok(Shape::other())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape<K>, E> {
                Ok(Shape::other())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape<K>, E> {
                Ok(Shape::other())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape<K>, E> {
                Ok(Shape::other())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Shape<K>, E> {
                Ok(Shape::other())
            }
        }
        d.deserialize_any(ShapeVisitor(PhantomData))
    }
}

impl<K> Shape<K> {
    fn other() -> Self {
        Shape {
            array: false,
            objects: 0,
            marked: 0,
            _keys: PhantomData,
        }
    }
}

/// One element of a [`Shape`] probe: `None` if it is not an object, else
/// whether it has a key from `K::KEYS`.
struct Marked<K>(Option<bool>, PhantomData<K>);

impl<'de, K: Keys> Deserialize<'de> for Marked<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MarkedVisitor<K>(PhantomData<K>);
        impl<'de, K: Keys> Visitor<'de> for MarkedVisitor<K> {
            type Value = Option<bool>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<bool>, A::Error> {
                let mut found = false;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    found |= K::KEYS.contains(&key.as_ref());
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(Some(found))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<bool>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(None)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<bool>, E> {
                Ok(None)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<bool>, E> {
                Ok(None)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<bool>, E> {
                Ok(None)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<bool>, E> {
                Ok(None)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<bool>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
                Ok(None)
            }
        }
        d.deserialize_any(MarkedVisitor::<K>(PhantomData))
            .map(|m| Marked(m, PhantomData))
    }
}
