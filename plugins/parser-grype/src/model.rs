//! The parts of Grype's JSON report (`grype -o json`) that the parser reads.
//!
//! Every property is optional and unknown properties are ignored, but a
//! property that is present must have the documented type (`null` counts as
//! absent). Nothing here holds a whole document as `serde_json::Value`.

use cordon_parser_support::present;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer};
use std::fmt;

pub(crate) use cordon_parser_support::Obj;

/// The report.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    /// `Some(None)` when present but `null`.
    #[serde(deserialize_with = "present")]
    pub matches: Option<Option<Vec<Obj<Match>>>>,
    pub descriptor: Option<Obj<Descriptor>>,
}

/// `descriptor`: the producer.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Descriptor {
    pub name: Option<String>,
    pub version: Option<String>,
}

/// One vulnerability matched to one package.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Match {
    pub vulnerability: Option<Obj<Vulnerability>>,
    pub related_vulnerabilities: Option<Vec<Obj<Related>>>,
    pub match_details: Option<MatchDetails>,
    pub artifact: Option<Obj<Artifact>>,
}

/// `vulnerability`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Vulnerability {
    pub id: Option<String>,
    pub data_source: Option<String>,
    pub namespace: Option<String>,
    pub severity: Option<String>,
    pub description: Option<String>,
    pub fix: Option<Obj<Fix>>,
}

/// `vulnerability.fix`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Fix {
    pub versions: Option<Vec<String>>,
    pub state: Option<String>,
}

/// An entry of `relatedVulnerabilities`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Related {
    pub id: Option<String>,
    pub severity: Option<String>,
    pub description: Option<String>,
}

/// The matched package.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Artifact {
    pub name: Option<String>,
    pub version: Option<String>,
    pub r#type: Option<String>,
    pub locations: Option<Vec<ArtifactLocation>>,
    pub purl: Option<String>,
}

/// A location of the package: `{"path": ...}` (current) or a plain path
/// string (very old reports).
pub(crate) struct ArtifactLocation(pub Option<String>);

impl<'de> Deserialize<'de> for ArtifactLocation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct PathObj {
            path: Option<String>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ArtifactLocation;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a location object or a path string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ArtifactLocation, E> {
                Ok(ArtifactLocation(Some(s.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ArtifactLocation, A::Error> {
                let o = PathObj::deserialize(MapAccessDeserializer::new(map))?;
                Ok(ArtifactLocation(o.path))
            }
        }
        d.deserialize_any(V)
    }
}

/// `matchDetails`: a list (current) or a single object (old reports); only
/// the matcher names are read.
#[derive(Default)]
pub(crate) struct MatchDetails(pub Vec<String>);

#[derive(Deserialize, Default)]
#[serde(default)]
struct Detail {
    matcher: Option<String>,
}

impl<'de> Deserialize<'de> for MatchDetails {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MatchDetails;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a match detail object or a list of them")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MatchDetails, A::Error> {
                let mut out = Vec::new();
                while let Some(d) = seq.next_element::<Option<Obj<Detail>>>()? {
                    if let Some(m) = d.and_then(|d| d.0.matcher) {
                        out.push(m);
                    }
                }
                Ok(MatchDetails(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MatchDetails, A::Error> {
                let d = Detail::deserialize(MapAccessDeserializer::new(map))?;
                Ok(MatchDetails(d.matcher.into_iter().collect()))
            }
        }
        d.deserialize_any(V)
    }
}
