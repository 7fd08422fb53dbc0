//! The parts of OSV-Scanner's JSON output (`osv-scanner --format json`) that
//! the parser reads.
//!
//! The scanner's own structure (`results`, `packages`, `vulnerabilities`,
//! `groups`) and the standard OSV fields are strict: a property that is
//! present must have its documented type (`null` counts as absent). The
//! free-form `database_specific` objects are read leniently: a value of an
//! unexpected type there is ignored. Unknown properties are ignored. Nothing
//! here holds a whole document as `serde_json::Value`.

use cordon_parser_support::{OsvEvent, OsvPackageName, present};
use serde::Deserialize;
use serde::de::{
    Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer,
};
use std::fmt;
use std::marker::PhantomData;

pub(crate) use cordon_parser_support::{Obj, StringOrNumber};

/// Strings in a free-form object: a list (its string items, or the
/// `cweId` / `id` of its object items) or a single string; anything else
/// reads as empty.
#[derive(Default)]
pub(crate) struct StringOrNumbers(pub Vec<String>);

impl<'de> Deserialize<'de> for StringOrNumbers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Named {
            #[serde(rename = "cweId")]
            cwe_id: StringOrNumber,
            id: StringOrNumber,
        }
        struct Item(Option<String>);
        impl<'de> Deserialize<'de> for Item {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct IV;
                impl<'de> Visitor<'de> for IV {
                    type Value = Item;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("any JSON value")
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Item, E> {
                        Ok(Item(Some(s.to_string())))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                        let n = Named::deserialize(MapAccessDeserializer::new(map))?;
                        Ok(Item(n.cwe_id.0.or(n.id.0)))
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        Ok(Item(None))
                    }
                    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Item, E> {
                        Ok(Item(None))
                    }
                    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Item, E> {
                        Ok(Item(None))
                    }
                    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Item, E> {
                        Ok(Item(None))
                    }
                    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Item, E> {
                        Ok(Item(None))
                    }
                    fn visit_unit<E: serde::de::Error>(self) -> Result<Item, E> {
                        Ok(Item(None))
                    }
                }
                d.deserialize_any(IV)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrNumbers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<StringOrNumbers, E> {
                Ok(StringOrNumbers(vec![s.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringOrNumbers, A::Error> {
                let mut out = Vec::new();
                while let Some(Item(s)) = seq.next_element::<Item>()? {
                    out.extend(s);
                }
                Ok(StringOrNumbers(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StringOrNumbers, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(StringOrNumbers(Vec::new()))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<StringOrNumbers, E> {
                Ok(StringOrNumbers::default())
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<StringOrNumbers, E> {
                Ok(StringOrNumbers::default())
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<StringOrNumbers, E> {
                Ok(StringOrNumbers::default())
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<StringOrNumbers, E> {
                Ok(StringOrNumbers::default())
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<StringOrNumbers, E> {
                Ok(StringOrNumbers::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A free-form object: an object is read as `T`, anything else is skipped.
pub(crate) struct FreeForm<T>(pub Option<T>);

impl<T> Default for FreeForm<T> {
    fn default() -> Self {
        FreeForm(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for FreeForm<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = FreeForm<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FreeForm<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|t| FreeForm(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FreeForm<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FreeForm(None))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<FreeForm<T>, E> {
                Ok(FreeForm(None))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<FreeForm<T>, E> {
                Ok(FreeForm(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<FreeForm<T>, E> {
                Ok(FreeForm(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<FreeForm<T>, E> {
                Ok(FreeForm(None))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<FreeForm<T>, E> {
                Ok(FreeForm(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<FreeForm<T>, E> {
                Ok(FreeForm(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// The output.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    /// `Some(None)` when present but `null`.
    #[serde(deserialize_with = "present")]
    pub results: Option<Option<Vec<Obj<SourceResult>>>>,
}

/// The packages found in one source (a lockfile, a directory, a git repo).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SourceResult {
    pub source: Option<Obj<Source>>,
    pub packages: Option<Vec<Obj<PackageEntry>>>,
}

/// `source`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Source {
    pub path: Option<String>,
    pub r#type: Option<String>,
}

/// One package with its vulnerabilities and osv-scanner's alias groups.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PackageEntry {
    pub package: Option<Obj<Package>>,
    pub vulnerabilities: Option<Vec<Obj<Osv>>>,
    pub groups: Option<Vec<Obj<Group>>>,
}

/// `package`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Package {
    pub name: Option<String>,
    pub version: Option<String>,
    pub ecosystem: Option<String>,
    pub commit: Option<String>,
}

/// An alias group: the vulnerabilities osv-scanner considers the same.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Group {
    pub ids: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    pub max_severity: StringOrNumber,
}

/// An OSV record.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Osv {
    pub id: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub severity: Option<Vec<Obj<SeverityEntry>>>,
    pub affected: Option<Vec<Obj<Affected>>>,
    pub references: Option<Vec<Obj<Reference>>>,
    pub database_specific: FreeForm<DatabaseSpecific>,
}

/// An entry of the OSV `severity` list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SeverityEntry {
    pub r#type: Option<String>,
    pub score: Option<String>,
}

/// `affected[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Affected {
    pub package: Option<Obj<OsvPackageName>>,
    pub ranges: Option<Vec<Obj<Range>>>,
    pub database_specific: FreeForm<AffectedDatabaseSpecific>,
}

/// `affected[].ranges[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Range {
    pub r#type: Option<String>,
    pub repo: Option<String>,
    pub events: Option<Vec<Obj<OsvEvent>>>,
}

/// `references[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Reference {
    pub r#type: Option<String>,
    pub url: Option<String>,
}

/// The record's `database_specific` (GitHub's: `severity`, `cwe_ids`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DatabaseSpecific {
    pub severity: StringOrNumber,
    pub cwe_ids: StringOrNumbers,
}

/// `affected[].database_specific` (`cwes: [{cweId, name}]`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AffectedDatabaseSpecific {
    pub cwes: StringOrNumbers,
}
