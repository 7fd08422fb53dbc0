//! Semgrep-specific JSON helpers; the shared plumbing is in
//! `cordon_parser_support`.

use cordon_parser_support::LooseString;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// `sca-fix-versions`: a list of `{package: version}` objects, read as pairs.
/// Anything of another shape is skipped.
pub(crate) fn loose_pairs<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<(String, String)>, D::Error> {
    /// `top`: the list itself (an element that is an array is skipped).
    struct PairsVisitor {
        top: bool,
    }
    impl<'de> Visitor<'de> for PairsVisitor {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of {package: version} objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            if !self.top {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                return Ok(out);
            }
            while let Some(PairsItem(pairs)) = seq.next_element::<PairsItem>()? {
                out.extend(pairs);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, LooseString(v))) = map.next_entry::<String, LooseString>()? {
                if let Some(v) = v {
                    out.push((k, v));
                }
            }
            Ok(out)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    struct PairsItem(Vec<(String, String)>);
    impl<'de> Deserialize<'de> for PairsItem {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(PairsVisitor { top: false })
                .map(PairsItem)
        }
    }
    d.deserialize_any(PairsVisitor { top: true })
}
