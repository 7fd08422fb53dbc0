//! The grant rule, in one place: which capabilities a stage gets.
//!
//! A capability reaches a stage only if **all** of these allow it:
//!
//! 1. the pipeline file grants it to the stage;
//! 2. the plugin's (signed) manifest requests it;
//! 3. the stage kind's ceiling ([`StageKind::ceiling`]) allows it;
//! 4. for a third-party plugin, the signer's capability ceiling in the trust
//!    policy allows it.
//!
//! `cordon run` (through the runtime) and `cordon inspect` both call
//! [`grant`], so what `inspect` shows is what `run` grants, and both can say
//! why a capability was withheld.

use crate::{Capability, StageKind};
use std::fmt;

/// Why a capability the pipeline grants was withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The plugin's manifest does not request it.
    NotRequested,
    /// The stage kind can never have it.
    AboveKindCeiling,
    /// The signer's ceiling in the trust policy does not allow it.
    AboveSignerCeiling,
}

impl fmt::Display for Withheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Withheld::NotRequested => "the plugin's manifest does not request it",
            Withheld::AboveKindCeiling => "above the ceiling for this stage kind",
            Withheld::AboveSignerCeiling => "above the signer's ceiling in the trust policy",
        })
    }
}

/// The outcome of [`grant`]: what the stage gets, and why the rest of what
/// the pipeline offered was withheld.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grant {
    /// Granted capabilities, sorted, no duplicates.
    pub granted: Vec<Capability>,
    /// Offered by the pipeline but withheld, with the first reason that
    /// applies (in the order of the rule above).
    pub withheld: Vec<(Capability, Withheld)>,
}

impl Grant {
    /// Whether `cap` was granted.
    pub fn allows(&self, cap: Capability) -> bool {
        self.granted.contains(&cap)
    }
}

/// Apply the grant rule. `requested` is the manifest's request (`None`: a
/// component the embedding application pinned itself, with no manifest,
/// which requests everything); `signer_ceiling` is the accepting signer's
/// ceiling for a third-party plugin (`None` for embedded and caller-pinned
/// components, which no signer limits).
pub fn grant(
    kind: StageKind,
    pipeline: &[Capability],
    requested: Option<&[Capability]>,
    signer_ceiling: Option<&[Capability]>,
) -> Grant {
    let mut offered = pipeline.to_vec();
    offered.sort();
    offered.dedup();
    let mut out = Grant::default();
    for cap in offered {
        let why = if requested.is_some_and(|r| !r.contains(&cap)) {
            Some(Withheld::NotRequested)
        } else if !kind.ceiling().contains(&cap) {
            Some(Withheld::AboveKindCeiling)
        } else if signer_ceiling.is_some_and(|c| !c.contains(&cap)) {
            Some(Withheld::AboveSignerCeiling)
        } else {
            None
        };
        match why {
            None => out.granted.push(cap),
            Some(w) => out.withheld.push((cap, w)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    #[test]
    fn every_gate_must_allow() {
        let all = [Log, Config, Clock, Random, FsRead];
        let g = grant(
            StageKind::Parser,
            &all,
            Some(&[Log, Config, FsRead]),
            Some(&[Log, FsRead]),
        );
        assert_eq!(g.granted, [Log, FsRead]);
        assert_eq!(
            g.withheld,
            [
                (Config, Withheld::AboveSignerCeiling),
                (Clock, Withheld::NotRequested),
                (Random, Withheld::NotRequested),
            ]
        );
        // Nothing the pipeline does not offer, whatever the manifest asks.
        let g = grant(StageKind::Policy, &[Log, Log], Some(&all), None);
        assert_eq!(g.granted, [Log]);
        assert!(g.withheld.is_empty());
        // No manifest (caller-pinned): the pipeline and the kind decide.
        let g = grant(StageKind::Normalizer, &all, None, None);
        assert_eq!(g.granted, all);
        assert_eq!(
            Withheld::AboveSignerCeiling.to_string(),
            "above the signer's ceiling in the trust policy"
        );
    }
}
