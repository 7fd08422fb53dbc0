//! A normalizer that breaks the shape of its job, for the test-suite. Never
//! shipped. It fingerprints every finding by its position in the input
//! (`fp-<n>`), then does what its `mode` config says:
//!
//! | `mode`                  | what it returns                                          |
//! |-------------------------|----------------------------------------------------------|
//! | `honest` (default)      | every finding, each standing for itself                  |
//! | `drop`                  | all but the last finding (it silently disappears)        |
//! | `invent`                | an extra finding that stands for no input                |
//! | `count-twice`           | the first input listed as a source of two findings       |
//! | `foreign-source`        | a source index past the end of the input                 |
//! | `forge-provenance`      | the first finding moved to another `source_pointer`      |
//! | `same-fingerprint`      | two findings with one fingerprint, left unmerged         |
//! | `short-sources`         | one source list fewer than findings                      |

#![allow(missing_docs)]

use cordon_sdk::{Finding, Normalized, Normalizer, StageError};

pub struct Rogue;

impl Normalizer for Rogue {
    fn normalize(findings: Vec<Finding>) -> Result<Normalized, StageError> {
        let mut findings: Vec<Finding> = findings
            .into_iter()
            .enumerate()
            .map(|(i, mut f)| {
                f.fingerprint = format!("fp-{i}");
                f
            })
            .collect();
        let n = u32::try_from(findings.len()).unwrap_or(u32::MAX);
        let mut sources: Vec<Vec<u32>> = (0..n).map(|i| vec![i]).collect();
        match cordon_sdk::config("mode").as_deref().unwrap_or("honest") {
            "drop" => {
                findings.pop();
                sources.pop();
            }
            "invent" => {
                if let Some(f) = findings.first() {
                    let mut extra = f.clone();
                    extra.fingerprint = "fp-invented".into();
                    findings.push(extra);
                    sources.push(Vec::new());
                }
            }
            "count-twice" => {
                if let Some(s) = sources.get_mut(1) {
                    s.push(0);
                }
            }
            "foreign-source" => {
                if let Some(s) = sources.first_mut() {
                    s.push(n + 7);
                }
            }
            "forge-provenance" => {
                if let Some(f) = findings.first_mut() {
                    f.source_pointer = "/somewhere/else".into();
                }
            }
            "same-fingerprint" if findings.len() > 1 => {
                findings[1].fingerprint = findings[0].fingerprint.clone();
            }
            "short-sources" => {
                sources.pop();
            }
            _ => {}
        }
        Ok(Normalized { findings, sources })
    }
}

cordon_sdk::register_normalizer!(Rogue);
