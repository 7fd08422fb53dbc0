//! Shared helpers for the integration tests.
#![allow(dead_code)]

use cordon_manifest::{Capability, Limits, PluginRef, StageKind, StageSpec};
use cordon_runtime::{LoadedStage, Runtime, VerifiedComponent, verify::sha256_digest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Where the build script left the wasm32-wasip2 components.
pub fn wasm_dir() -> PathBuf {
    PathBuf::from(env!("CORDON_PLUGIN_WASM_DIR"))
}

/// `PLUGIN.wasm.sig` next to a plugin.
pub fn sig_path(plugin: &Path) -> PathBuf {
    let mut s = plugin.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// Read a packaged component (manifest embedded) by plugin name (`hostile`,
/// `parser-sarif`, ...).
pub fn component_bytes(stem: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{stem}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// One runtime per test binary; log lines are dropped.
pub fn runtime() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| Runtime::new(Arc::new(|_, _, _| {})).expect("runtime starts"))
}

/// A stage spec with the given grants and limits.
pub fn spec(kind: StageKind, capabilities: &[Capability], limits: Limits) -> StageSpec {
    StageSpec {
        kind,
        plugin: PluginRef::Embedded("test".into()),
        sha256: None,
        capabilities: capabilities.to_vec(),
        fs_read: None,
        config: BTreeMap::new(),
        limits,
        rules: None,
    }
}

/// Verify (caller pin) and load component bytes as a stage.
pub fn load(
    name: &str,
    bytes: Vec<u8>,
    spec: &StageSpec,
) -> Result<LoadedStage, cordon_runtime::LoadError> {
    let pin = sha256_digest(&bytes);
    let verified = VerifiedComponent::verify_pinned(name, spec.kind, bytes, &pin)?;
    runtime().load(verified, spec)
}

/// The shared corpus, if present: `$CORDON_CORPUS` or `../shared/corpus`.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CORDON_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// The repo's own fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn verified(name: &str, kind: StageKind) -> VerifiedComponent {
    let bytes = component_bytes(name);
    let pin = sha256_digest(&bytes);
    VerifiedComponent::verify_pinned(name, kind, bytes, &pin).expect("pin")
}

/// The embedded default pipeline, built in-process from the packaged
/// components: every parser that declares detection hints, the default
/// normalizer and policy, the default rules.
pub fn pipeline_runner() -> cordon_runtime::PipelineRunner {
    let runtime = Arc::new(Runtime::new(Arc::new(|_, _, _| {})).expect("runtime"));
    let spec = |kind| self::spec(kind, &[Capability::Log], Limits::default());
    let mut names: Vec<String> = std::fs::read_dir(wasm_dir())
        .expect("wasm dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".wasm").map(str::to_string))
        .filter(|n| n.starts_with("parser-"))
        .collect();
    names.sort();
    let parsers = names
        .iter()
        .map(|n| verified(n, StageKind::Parser))
        .filter(|v| v.manifest().is_some_and(|m| !m.detect.is_empty()))
        .map(|v| {
            Arc::new(cordon_runtime::ParserSlot::new(
                v,
                spec(StageKind::Parser),
                "packaged".into(),
            ))
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    cordon_runtime::PipelineRunner {
        normalizer: Arc::new(
            runtime
                .load(
                    verified("normalizer-default", StageKind::Normalizer),
                    &spec(StageKind::Normalizer),
                )
                .expect("normalizer"),
        ),
        policy: Arc::new(
            runtime
                .load(
                    verified("policy-threshold", StageKind::Policy),
                    &spec(StageKind::Policy),
                )
                .expect("policy"),
        ),
        runtime,
        name: "default".into(),
        parsers,
        policy_document: std::fs::read_to_string(root.join("policies/rules/default.toml"))
            .expect("rules"),
        sources: Vec::new(),
    }
}
