//! The parts of cargo-audit's JSON report (`cargo audit --json`) that the
//! parser reads.
//!
//! Every property is optional and unknown properties are ignored, but a
//! property that is present must have the documented type (`null` counts as
//! absent). Nothing here holds a whole document as `serde_json::Value`.

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// A JSON object deserialised as `T`. serde would also read a struct from a
/// JSON array (fields by position); cargo-audit's objects must be objects.
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

/// Deserialises a property that is present (even when `null`) as `Some`.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// The report. `warnings` (unmaintained, unsound and yanked crates) are not
/// read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    /// `Some(None)` when present but `null`.
    #[serde(deserialize_with = "present")]
    pub vulnerabilities: Option<Option<Obj<Vulnerabilities>>>,
}

/// `vulnerabilities`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vulnerabilities {
    pub list: Option<Vec<Obj<Vulnerability>>>,
}

/// One advisory affecting one package of the lockfile.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vulnerability {
    pub advisory: Option<Obj<Advisory>>,
    pub versions: Option<Obj<Versions>>,
    pub affected: Option<Obj<Affected>>,
    pub package: Option<Obj<Package>>,
}

/// A RustSec advisory.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Advisory {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub categories: Option<Vec<String>>,
    pub keywords: Option<Vec<String>>,
    pub cvss: Option<String>,
    pub informational: Option<String>,
    pub url: Option<String>,
    pub withdrawn: Option<String>,
}

/// `versions`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Versions {
    pub patched: Option<Vec<String>>,
}

/// `affected`: the vulnerable functions, with their version requirements.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Affected {
    pub functions: Option<BTreeMap<String, Vec<String>>>,
}

/// The package in the lockfile.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Package {
    pub name: Option<String>,
    pub version: Option<String>,
    pub source: Option<String>,
}
