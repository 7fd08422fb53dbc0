//! The parts of pip-audit's JSON output (`pip-audit -f json`) that the
//! parser reads.
//!
//! Every property is optional and unknown properties are ignored, but a
//! property that is present must have the documented type (`null` counts as
//! absent). Nothing here holds a whole document as `serde_json::Value`.

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// A JSON object deserialised as `T`. serde would also read a struct from a
/// JSON array (fields by position); pip-audit's objects must be objects.
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

/// The current output: `{"dependencies": [...], "fixes": [...]}`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    /// `Some(None)` when present but `null`.
    #[serde(deserialize_with = "present")]
    pub dependencies: Option<Option<Vec<Obj<Dependency>>>>,
}

/// One audited dependency (the legacy output is a list of these).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Dependency {
    pub name: Option<String>,
    pub version: Option<String>,
    pub vulns: Option<Vec<Obj<Vuln>>>,
    pub skip_reason: Option<String>,
}

/// A known vulnerability of the dependency.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vuln {
    pub id: Option<String>,
    pub fix_versions: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    pub description: Option<String>,
}
