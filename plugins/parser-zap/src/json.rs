//! The traditional JSON report (`traditional-json`, `traditional-json-plus`).

use crate::{Alert, convert};
use cordon_parser_support::{Obj, json_error, non_empty, shown, top_level};
use cordon_sdk::{Finding, StageError};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// What a data error (wrong type, missing field) is called.
const WHAT: &str = "ZAP JSON report";

#[derive(Deserialize)]
struct Report {
    #[serde(rename = "@programName", default)]
    program: Option<String>,
    #[serde(rename = "@version", default)]
    version: Option<String>,
    #[serde(default)]
    site: Option<OneOrMany<Obj<Site>>>,
}

#[derive(Deserialize)]
struct Site {
    #[serde(rename = "@name", default)]
    name: Option<String>,
    #[serde(default)]
    alerts: Option<OneOrMany<Obj<JsonAlert>>>,
}

#[derive(Deserialize)]
struct JsonAlert {
    #[serde(deserialize_with = "code")]
    pluginid: Option<String>,
    #[serde(rename = "alertRef", default, deserialize_with = "code")]
    alert_ref: Option<String>,
    #[serde(default)]
    alert: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "code")]
    riskcode: Option<String>,
    #[serde(default, deserialize_with = "code")]
    confidence: Option<String>,
    #[serde(default)]
    riskdesc: Option<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    solution: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default, deserialize_with = "code")]
    cweid: Option<String>,
    #[serde(default, deserialize_with = "code")]
    wascid: Option<String>,
    #[serde(default)]
    instances: Option<OneOrMany<Obj<Instance>>>,
}

#[derive(Deserialize)]
struct Instance {
    uri: String,
}

/// A JSON array of `T`, or one `T` where a report has only one (older
/// reports, converted from XML, write `"site": {...}`).
pub(crate) enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The elements, each with its JSON-pointer suffix (`/3`, or nothing
    /// for a single object).
    fn entries(&self) -> Vec<(String, &T)> {
        match self {
            OneOrMany::One(t) => vec![(String::new(), t)],
            OneOrMany::Many(v) => v
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("/{i}"), t))
                .collect(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array or object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(t) = seq.next_element()? {
                    out.push(t);
                }
                Ok(OneOrMany::Many(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A code field (`pluginid`, `riskcode`, ...): a string as ZAP writes it,
/// or an integer; `null` is absent; anything else is a type error.
fn code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// Parse a JSON report (`bytes` without a byte-order mark, not blank).
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(bytes, b'{', "a ZAP JSON or XML report", WHAT)?;
    let report: Obj<Report> = serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
    if let Some(p) = non_empty(report.program.as_deref())
        && !p.to_ascii_uppercase().contains("ZAP")
    {
        return Err(StageError::UnsupportedFormat(format!(
            "not a {WHAT}: @programName is {:?}",
            shown(p)
        )));
    }
    let Some(sites) = &report.site else {
        return Err(StageError::UnsupportedFormat(format!(
            "not a {WHAT}: the object has no `site`"
        )));
    };
    let version = report.version.as_deref();
    let mut findings = Vec::new();
    for (s, site) in sites.entries() {
        let Some(alerts) = &site.alerts else {
            continue;
        };
        for (a, alert) in alerts.entries() {
            let common = Alert {
                plugin_id: alert.pluginid.clone().unwrap_or_default(),
                alert_ref: alert.alert_ref.clone(),
                alert: alert.alert.clone(),
                name: alert.name.clone(),
                riskcode: alert.riskcode.clone(),
                riskdesc: alert.riskdesc.clone(),
                confidence: alert.confidence.clone(),
                desc: alert.desc.clone(),
                solution: alert.solution.clone(),
                reference: alert.reference.clone(),
                cweid: alert.cweid.clone(),
                wascid: alert.wascid.clone(),
                uris: alert
                    .instances
                    .iter()
                    .flat_map(|i| i.entries())
                    .map(|(_, i)| i.uri.clone())
                    .collect(),
            };
            let pointer = format!("/site{s}/alerts{a}");
            findings.push(convert(&common, site.name.as_deref(), version, pointer));
        }
    }
    Ok(findings)
}
