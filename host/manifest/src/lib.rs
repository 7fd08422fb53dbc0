//! cordon's configuration files, as pure data: the pipeline file, stage
//! limits and capability names. No wasmtime here.
//!
//! A pipeline file (`policies/pipelines/default.toml` is the embedded default):
//!
//! ```toml
//! name = "default"
//!
//! [limits]                       # defaults for every stage (all optional)
//! memory_mib = 256
//! timeout_ms = 20000
//!
//! [[parsers]]
//! plugin = "embedded:parser-sarif"
//! capabilities = ["log"]
//!
//! [normalizer]
//! plugin = "embedded:normalizer-default"
//! capabilities = ["log"]
//!
//! [policy]
//! plugin = "embedded:policy-threshold"
//! rules = "../rules/default.toml"  # relative to the pipeline file
//! capabilities = ["log"]
//! ```

pub mod bundle;
pub mod component;
pub mod file;
pub mod grant;
pub mod plugin;

/// The version of the WIT package (`cordon:stage`) this host implements.
pub const WIT_VERSION: &str = "0.1.0";

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Errors reading configuration files. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The TOML is malformed or has unknown / mistyped fields.
    #[error("{file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// The file parses but says something invalid.
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// The kinds of stage, one WIT world each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StageKind {
    /// `world parser`.
    Parser,
    /// `world normalizer`.
    Normalizer,
    /// `world policy`.
    Policy,
}

impl StageKind {
    /// The lowercase name, as in the WIT world.
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Parser => "parser",
            StageKind::Normalizer => "normalizer",
            StageKind::Policy => "policy",
        }
    }

    /// The most a stage of this kind can ever be granted, whatever the
    /// pipeline file says.
    pub fn ceiling(self) -> &'static [Capability] {
        // All kinds may log, read their config, read the real clock, draw
        // real random numbers and read one directory. No stage can be
        // granted network, environment or filesystem write: those
        // capabilities do not exist.
        &[
            Capability::Log,
            Capability::Config,
            Capability::Clock,
            Capability::Random,
            Capability::FsRead,
        ]
    }
}

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A host capability a stage may be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Capability {
    /// `cordon:stage/log`: bounded logging.
    Log,
    /// `cordon:stage/config`: read the stage's `config` table.
    Config,
    /// The real wall clock and monotonic clock (`wasi:clocks`). Without it a
    /// stage's wall clock reads the Unix epoch and its monotonic clock
    /// counts readings; in deterministic mode even a granted clock is fixed
    /// (at `SOURCE_DATE_EPOCH`).
    Clock,
    /// Real random numbers (`wasi:random`). Without it a stage's random
    /// streams are seeded (`--seed`, default 0), the same every run; in
    /// deterministic mode even granted random is seeded.
    Random,
    /// Read-only access to one directory the pipeline names
    /// (`fs-read:<dir>`), seen by the stage as [`FS_READ_GUEST_PATH`]. A
    /// manifest requests `fs-read`; only the pipeline file chooses the
    /// directory.
    #[serde(rename = "fs-read")]
    FsRead,
}

/// Directories no `fs-read` grant may be, contain or lie inside: the whole
/// filesystem and the kernel's views of processes (their environments hold
/// the runner's secrets), devices and the system.
pub const FS_READ_FORBIDDEN: &[&str] = &["/", "/proc", "/sys", "/dev"];

/// Check the directory of an `fs-read:<dir>` grant, resolved (symlinks
/// followed) to where it really is. Refused: `/`; anything inside `/proc`,
/// `/sys` or `/dev`; and any directory that is, contains or lies inside one
/// of `protected` (cordon's compile cache and state directories). Returns
/// warnings for grants that are allowed but risky: a directory holding a
/// `.git` directory (CI checkouts keep tokens in `.git/config`).
pub fn check_fs_read_dir(dir: &Path, protected: &[PathBuf]) -> Result<Vec<String>, String> {
    let real = std::fs::canonicalize(dir).map_err(|e| {
        format!(
            "fs-read:{}: not a directory the runner can read ({e})",
            dir.display()
        )
    })?;
    if !real.is_dir() {
        return Err(format!("fs-read:{}: not a directory", dir.display()));
    }
    let shown = || {
        if real == dir {
            format!("fs-read:{}", dir.display())
        } else {
            format!("fs-read:{} (really {})", dir.display(), real.display())
        }
    };
    if real == Path::new("/") {
        return Err(format!(
            "{}: the whole filesystem may not be granted",
            shown()
        ));
    }
    for sys in &FS_READ_FORBIDDEN[1..] {
        if real.starts_with(sys) {
            return Err(format!(
                "{}: {sys} may not be granted (it exposes the runner's processes, environment or devices)",
                shown()
            ));
        }
    }
    for p in protected {
        let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if p.starts_with(&real) || real.starts_with(&p) {
            return Err(format!(
                "{}: overlaps cordon's own state {} (compile cache or keys)",
                shown(),
                p.display()
            ));
        }
    }
    let mut warnings = Vec::new();
    if real.join(".git").exists() {
        warnings.push(format!(
            "{}: the granted directory holds .git, where CI checkouts keep credentials (.git/config); grant a subdirectory instead",
            shown()
        ));
    }
    Ok(warnings)
}

/// A suppression a policy document declares: its id and expiry date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredSuppression {
    /// The suppression's id.
    pub id: String,
    /// `YYYY-MM-DD` after which it lapses, if it does.
    pub expires: Option<String>,
    /// Who answers for it (empty when the document does not say).
    pub owner: String,
    /// Why it exists (empty when the document does not say).
    pub reason: String,
}

/// The suppressions a policy document declares, read by the host so that it
/// can hold a policy stage to them: the `[[suppressions]]` tables (`id`,
/// optional `expires`) of a TOML document. A document that is not TOML, or
/// has no such tables, declares none. Entries without a string `id` are
/// skipped (they cannot be named by a decision).
pub fn declared_suppressions(document: &str) -> Vec<DeclaredSuppression> {
    let Ok(doc) = toml::from_str::<toml::Table>(document) else {
        return Vec::new();
    };
    let Some(list) = doc.get("suppressions").and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(toml::Value::as_table)
        .filter_map(|t| {
            let id = t.get("id")?.as_str()?.to_string();
            let expires = t.get("expires").map(|e| match e {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let text = |k: &str| {
                t.get(k)
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            Some(DeclaredSuppression {
                id,
                expires,
                owner: text("owner"),
                reason: text("reason"),
            })
        })
        .collect()
}

/// Where a granted `fs-read:<dir>` directory appears inside the stage.
pub const FS_READ_GUEST_PATH: &str = "/data";

impl Capability {
    /// Parse a capability name as written in pipeline files.
    pub fn from_name(name: &str) -> Option<Capability> {
        match name {
            "log" => Some(Capability::Log),
            "config" => Some(Capability::Config),
            "clock" => Some(Capability::Clock),
            "random" => Some(Capability::Random),
            "fs-read" => Some(Capability::FsRead),
            _ => None,
        }
    }

    /// The name as written in pipeline files.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Log => "log",
            Capability::Config => "config",
            Capability::Clock => "clock",
            Capability::Random => "random",
            Capability::FsRead => "fs-read",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-call limits of a stage. Every field has a documented default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Total linear memory across all of the stage's memories (default 512 MiB).
    pub memory_bytes: u64,
    /// Wall-clock deadline for one call, instantiation included (default 20 s).
    pub timeout: Duration,
    /// Most findings (or decisions) a call may return (default 200 000).
    pub max_findings: u64,
    /// Most bytes of strings, summed over everything a call returns
    /// (default 128 MiB).
    pub max_string_bytes: u64,
    /// Most bytes a call may log (default 64 KiB).
    pub max_log_bytes: u64,
    /// CPU budget in fuel units (about one per wasm instruction), used in
    /// deterministic mode instead of the wall-clock deadline (default 10^10).
    pub fuel: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 512 << 20,
            timeout: Duration::from_secs(20),
            max_findings: 200_000,
            max_string_bytes: 128 << 20,
            max_log_bytes: 64 << 10,
            fuel: 10_000_000_000,
        }
    }
}

/// Limits as written in a pipeline file; unset fields inherit.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LimitsSpec {
    /// Memory budget in MiB.
    pub memory_mib: Option<u64>,
    /// Deadline in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Finding cap.
    pub max_findings: Option<u64>,
    /// String-bytes cap.
    pub max_string_bytes: Option<u64>,
    /// Log-bytes cap.
    pub max_log_bytes: Option<u64>,
    /// Fuel budget (deterministic mode).
    pub fuel: Option<u64>,
}

impl LimitsSpec {
    /// Apply the fields that are set on top of `base`.
    pub fn apply(&self, base: &Limits) -> Limits {
        Limits {
            memory_bytes: self
                .memory_mib
                .map(|m| m.saturating_mul(1 << 20))
                .unwrap_or(base.memory_bytes),
            timeout: self
                .timeout_ms
                .map(Duration::from_millis)
                .unwrap_or(base.timeout),
            max_findings: self.max_findings.unwrap_or(base.max_findings),
            max_string_bytes: self.max_string_bytes.unwrap_or(base.max_string_bytes),
            max_log_bytes: self.max_log_bytes.unwrap_or(base.max_log_bytes),
            fuel: self.fuel.unwrap_or(base.fuel),
        }
    }

    fn check(&self, what: &str) -> Result<(), String> {
        let positive = [
            ("memory_mib", self.memory_mib),
            ("timeout_ms", self.timeout_ms),
            ("fuel", self.fuel),
        ];
        for (name, v) in positive {
            if v == Some(0) {
                return Err(format!("{what}.{name} must be greater than 0"));
            }
        }
        if self.memory_mib.is_some_and(|m| m > 16 << 10) {
            return Err(format!("{what}.memory_mib must be at most 16384 (16 GiB)"));
        }
        Ok(())
    }
}

/// Where a stage's component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginRef {
    /// A first-party component compiled into the binary (`embedded:NAME`).
    Embedded(String),
    /// A component file (path resolved against the pipeline file's directory).
    File(PathBuf),
}

impl fmt::Display for PluginRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginRef::Embedded(n) => write!(f, "embedded:{n}"),
            PluginRef::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSpec {
    /// Stage kind (from the section it is in).
    pub kind: StageKind,
    /// The component.
    pub plugin: PluginRef,
    /// Optional `sha256:<hex>` pin of the component bytes.
    pub sha256: Option<String>,
    /// Capabilities the pipeline grants (deduplicated, sorted).
    pub capabilities: Vec<Capability>,
    /// The directory of an `fs-read:<dir>` grant (resolved against the
    /// pipeline file's directory); set exactly when `capabilities` holds
    /// [`Capability::FsRead`].
    pub fs_read: Option<PathBuf>,
    /// Settings readable through the `config` capability.
    pub config: BTreeMap<String, String>,
    /// Limits for this stage (pipeline defaults applied).
    pub limits: Limits,
    /// Policy stages only: the policy document (path, resolved).
    pub rules: Option<PathBuf>,
}

/// A parsed, checked pipeline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// Pipeline name.
    pub name: String,
    /// Parser stages, in file order (detection ties go to the earlier one).
    pub parsers: Vec<StageSpec>,
    /// The normalizer.
    pub normalizer: StageSpec,
    /// The policy.
    pub policy: StageSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPipeline {
    name: String,
    #[serde(default)]
    limits: LimitsSpec,
    parsers: Vec<RawStage>,
    normalizer: RawStage,
    policy: RawStage,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    plugin: String,
    sha256: Option<String>,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    config: BTreeMap<String, String>,
    #[serde(default)]
    limits: LimitsSpec,
    rules: Option<String>,
}

impl Pipeline {
    /// Parse a pipeline file's text. `file` names it in errors; `base_dir` is
    /// where relative paths in it are resolved.
    pub fn parse(text: &str, file: &str, base_dir: &Path) -> Result<Pipeline, ManifestError> {
        let raw: RawPipeline = toml::from_str(text).map_err(|e| ManifestError::Syntax {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |message: String| ManifestError::Invalid {
            file: file.to_string(),
            message,
        };
        raw.limits.check("limits").map_err(invalid)?;
        let defaults = raw.limits.apply(&Limits::default());
        if raw.parsers.is_empty() {
            return Err(invalid("the pipeline has no [[parsers]]".into()));
        }
        let stage = |raw: RawStage, kind: StageKind, what: String| -> Result<StageSpec, String> {
            raw.limits.check(&format!("{what}.limits"))?;
            let plugin = match raw.plugin.strip_prefix("embedded:") {
                Some(name) if !name.is_empty() => PluginRef::Embedded(name.to_string()),
                Some(_) => return Err(format!("{what}.plugin: `embedded:` needs a name")),
                None if raw.plugin.is_empty() => return Err(format!("{what}.plugin is empty")),
                None => PluginRef::File(base_dir.join(&raw.plugin)),
            };
            if let Some(pin) = &raw.sha256 {
                let hex = pin.strip_prefix("sha256:").unwrap_or("");
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "{what}.sha256 must be `sha256:` followed by 64 hex digits"
                    ));
                }
            }
            let mut capabilities = Vec::new();
            let mut fs_read = None;
            for name in &raw.capabilities {
                let cap = match name.split_once(':') {
                    Some(("fs-read", dir)) if !dir.is_empty() => {
                        if fs_read.replace(base_dir.join(dir)).is_some() {
                            return Err(format!(
                                "{what}.capabilities: at most one `fs-read:<dir>` per stage"
                            ));
                        }
                        Capability::FsRead
                    }
                    _ if name == "fs-read" || name == "fs-read:" => {
                        return Err(format!(
                            "{what}.capabilities: `fs-read` needs a directory: `fs-read:<dir>` (relative to the pipeline file)"
                        ));
                    }
                    _ => Capability::from_name(name).ok_or_else(|| {
                        format!(
                            "{what}.capabilities: unknown capability {name:?} (known: log, config, clock, random, fs-read:<dir>)"
                        )
                    })?,
                };
                if !kind.ceiling().contains(&cap) {
                    return Err(format!(
                        "{what}.capabilities: {cap} is above the ceiling for {kind} stages"
                    ));
                }
                capabilities.push(cap);
            }
            capabilities.sort();
            capabilities.dedup();
            let rules = match (kind, raw.rules) {
                (StageKind::Policy, Some(r)) => Some(base_dir.join(r)),
                (StageKind::Policy, None) => {
                    return Err(format!(
                        "{what}.rules: a policy stage needs a rules document"
                    ));
                }
                (_, Some(_)) => {
                    return Err(format!("{what}.rules: only the policy stage takes rules"));
                }
                (_, None) => None,
            };
            Ok(StageSpec {
                kind,
                plugin,
                sha256: raw.sha256,
                capabilities,
                fs_read,
                config: raw.config,
                limits: raw.limits.apply(&defaults),
                rules,
            })
        };
        let mut parsers = Vec::with_capacity(raw.parsers.len());
        for (i, p) in raw.parsers.into_iter().enumerate() {
            parsers.push(stage(p, StageKind::Parser, format!("parsers[{i}]")).map_err(invalid)?);
        }
        Ok(Pipeline {
            name: raw.name,
            parsers,
            normalizer: stage(raw.normalizer, StageKind::Normalizer, "normalizer".into())
                .map_err(invalid)?,
            policy: stage(raw.policy, StageKind::Policy, "policy".into()).map_err(invalid)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "t"
[limits]
memory_mib = 64
[[parsers]]
plugin = "embedded:parser-sarif"
capabilities = ["log", "log"]
limits = { timeout_ms = 5 }
[normalizer]
plugin = "embedded:normalizer-default"
[policy]
plugin = "plugins/policy.wasm"
rules = "rules.toml"
config = { strict = "yes" }
"#;

    #[test]
    fn parses_and_applies_limits() {
        let p = Pipeline::parse(GOOD, "p.toml", Path::new("/etc/cordon")).expect("valid");
        assert_eq!(p.parsers[0].capabilities, vec![Capability::Log]);
        assert_eq!(p.parsers[0].limits.memory_bytes, 64 << 20);
        assert_eq!(p.parsers[0].limits.timeout, Duration::from_millis(5));
        assert_eq!(p.normalizer.limits.timeout, Limits::default().timeout);
        assert_eq!(
            p.policy.plugin,
            PluginRef::File(PathBuf::from("/etc/cordon/plugins/policy.wasm"))
        );
        assert_eq!(
            p.policy.rules,
            Some(PathBuf::from("/etc/cordon/rules.toml"))
        );
        assert_eq!(p.policy.config["strict"], "yes");
    }

    #[test]
    fn fs_read_names_one_directory_relative_to_the_file() {
        let text = GOOD.replace("\"log\", \"log\"", "\"log\", \"fs-read:owners\"");
        let p = Pipeline::parse(&text, "p.toml", Path::new("/etc/cordon")).expect("valid");
        assert_eq!(
            p.parsers[0].capabilities,
            vec![Capability::Log, Capability::FsRead]
        );
        assert_eq!(
            p.parsers[0].fs_read,
            Some(PathBuf::from("/etc/cordon/owners"))
        );
        assert_eq!(p.normalizer.fs_read, None);
        assert_eq!(Capability::from_name("fs-read"), Some(Capability::FsRead));
        assert_eq!(Capability::FsRead.to_string(), "fs-read");
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let cases = [
            (
                GOOD.replace("\"log\", \"log\"", "\"network\""),
                "unknown capability \"network\"",
            ),
            (
                GOOD.replace("memory_mib = 64", "memory_mib = 0"),
                "limits.memory_mib must be greater than 0",
            ),
            (GOOD.replace("rules = \"rules.toml\"", ""), "policy.rules"),
            (
                GOOD.replace("\"log\", \"log\"", "\"fs-read\""),
                "`fs-read` needs a directory: `fs-read:<dir>`",
            ),
            (
                GOOD.replace("\"log\", \"log\"", "\"fs-read:a\", \"fs-read:b\""),
                "parsers[0].capabilities: at most one `fs-read:<dir>` per stage",
            ),
            (
                GOOD.replace("name = \"t\"", "name = \"t\"\nbogus = 1"),
                "unknown field `bogus`",
            ),
        ];
        for (text, needle) in cases {
            let err = Pipeline::parse(&text, "p.toml", Path::new(".")).expect_err(needle);
            let msg = err.to_string();
            assert!(msg.starts_with("p.toml: ") && msg.contains(needle), "{msg}");
        }
    }
}
