//! A previous run's `findings.json` as a baseline: which findings are new.
//!
//! Only what comparison needs is read: the schema version, the run id, the
//! fingerprint algorithm and the findings' fingerprints. A baseline is
//! comparable with a run only when both name the same `fingerprint_version`;
//! the pipeline reports a mismatch as an error and counts every finding as
//! new (so a gate on new findings fails closed, never open).

use serde::Deserialize;
use std::collections::HashSet;

use crate::SCHEMA_VERSION;

/// A parsed baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The file, as the user named it.
    pub path: String,
    /// `sha256:<hex>` of its bytes (the caller computes it).
    pub sha256: String,
    /// The baseline run's `run_id`.
    pub run_id: String,
    /// The baseline run's fingerprint algorithm.
    pub fingerprint_version: Option<String>,
    /// Fingerprints of the baseline's findings (empty ones, from a run
    /// whose normalizer failed, are left out).
    pub fingerprints: HashSet<String>,
}

/// Why a file is not a usable baseline.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Not JSON, or not shaped like `findings.json`.
    #[error("{path}: not a cordon findings.json: {detail}")]
    NotFindings {
        /// The file.
        path: String,
        /// What the JSON parser said.
        detail: String,
    },
    /// A `findings.json` of another layout version.
    #[error("{path}: schema_version {found:?}, this cordon reads {SCHEMA_VERSION:?}")]
    Schema {
        /// The file.
        path: String,
        /// Its `schema_version`.
        found: String,
    },
}

#[derive(Deserialize)]
struct Doc {
    schema_version: String,
    #[serde(default)]
    run_id: String,
    #[serde(default)]
    fingerprint_version: Option<String>,
    findings: Vec<Fp>,
}

#[derive(Deserialize)]
struct Fp {
    fingerprint: String,
}

impl Baseline {
    /// Parse the bytes of a `findings.json` named `path`.
    pub fn parse(bytes: &[u8], path: &str, sha256: String) -> Result<Baseline, BaselineError> {
        let doc: Doc = serde_json::from_slice(bytes).map_err(|e| BaselineError::NotFindings {
            path: path.to_string(),
            detail: e.to_string(),
        })?;
        if doc.schema_version != SCHEMA_VERSION {
            return Err(BaselineError::Schema {
                path: path.to_string(),
                found: doc.schema_version,
            });
        }
        Ok(Baseline {
            path: path.to_string(),
            sha256,
            run_id: doc.run_id,
            fingerprint_version: doc.fingerprint_version,
            fingerprints: doc
                .findings
                .into_iter()
                .map(|f| f.fingerprint)
                .filter(|f| !f.is_empty())
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_what_comparison_needs() {
        let doc = br#"{"schema_version":"cordon.findings/v1","run_id":"r","fingerprint_version":"x/v2",
            "findings":[{"fingerprint":"a","tool":"t"},{"fingerprint":""},{"fingerprint":"b"}],"other":1}"#;
        let b = Baseline::parse(doc, "f.json", "sha256:0".into()).expect("parses");
        assert_eq!(b.fingerprints.len(), 2);
        assert_eq!(b.fingerprint_version.as_deref(), Some("x/v2"));
    }

    #[test]
    fn refuses_what_is_not_a_findings_file() {
        for doc in [
            &b"[]"[..],
            b"{\"findings\":[]}",
            b"{\"schema_version\":\"cordon.findings/v1\"}",
        ] {
            assert!(
                matches!(
                    Baseline::parse(doc, "f", String::new()),
                    Err(BaselineError::NotFindings { .. })
                ),
                "{doc:?}"
            );
        }
        assert!(matches!(
            Baseline::parse(
                br#"{"schema_version":"cordon.findings/v0","findings":[]}"#,
                "f",
                String::new()
            ),
            Err(BaselineError::Schema { .. })
        ));
    }
}
