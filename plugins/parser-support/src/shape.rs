//! A cheap probe of an unexpected top-level array, for telling another
//! tool's report from a broken one.

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Which keys an item must have to count as "of this format" in a
/// [`Shape`] probe. Implement it on a unit struct per item kind.
pub trait Keys {
    /// Any one of these keys marks an item.
    const KEYS: &'static [&'static str];
}

/// A probe of a JSON value: whether it is an array, how many of its
/// elements are objects, and how many of those have one of `K::KEYS`.
///
/// Meant for the error path only: after the real parse failed, deserialise
/// the same bytes (or a field) as `Shape<K>` and use [`Shape::foreign`] to
/// choose between `unsupported-format` and `malformed-input`. Values are
/// skipped, never built.
pub struct Shape<K> {
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

    fn other() -> Self {
        Shape {
            array: false,
            objects: 0,
            marked: 0,
            _keys: PhantomData,
        }
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
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
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

#[cfg(test)]
mod tests {
    use super::*;

    struct RuleKeys;
    impl Keys for RuleKeys {
        const KEYS: &'static [&'static str] = &["rule", "code"];
    }

    fn probe(json: &str) -> Shape<RuleKeys> {
        serde_json::from_str(json).expect("valid JSON")
    }

    #[test]
    fn foreign_arrays() {
        assert!(probe(r#"[{"name": "x"}, 1]"#).foreign());
        assert!(!probe(r#"[{"name": "x"}, {"code": "DL3000"}]"#).foreign());
        assert!(!probe("[1, 2]").foreign());
        assert!(!probe("[]").foreign());
        assert!(!probe(r#"{"a": 1}"#).foreign());
    }
}
