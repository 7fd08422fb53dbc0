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

/// Options of a report-only run of one fixture: no environment, a fixed
/// date and run id, `format` forced when given (a parser name).
pub fn report_only(format: Option<String>) -> cordon_runtime::RunOptions {
    cordon_runtime::RunOptions {
        environment: String::new(),
        mode: cordon_runtime::Mode::ReportOnly,
        format,
        today: "2026-01-01".into(),
        run_id: "0".repeat(32),
        jobs: 0,
        memory_budget: 0,
        on_unrecognised: Default::default(),
        source_roots: Vec::new(),
        baseline: None,
        block_at: None,
        suppressions: Vec::new(),
        compare_policy: None,
    }
}

/// Whether a file in `tests/fixtures/<family>/` is the directory's notes
/// (`README.md`: where each sample comes from), not a report.
pub fn is_fixture_notes(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "README.md")
}

/// The packaged first-party components as the binary embeds them: every
/// normalizer and policy, and every parser that declares detection hints
/// (leaked: a test binary holds them for its whole life, as the binary
/// does).
pub fn embedded_plugins() -> &'static [cordon_runtime::EmbeddedPlugin] {
    static PLUGINS: OnceLock<Vec<cordon_runtime::EmbeddedPlugin>> = OnceLock::new();
    PLUGINS.get_or_init(|| {
        let mut names: Vec<String> = std::fs::read_dir(wasm_dir())
            .expect("wasm dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".wasm").map(str::to_string))
            .collect();
        names.sort();
        names
            .into_iter()
            .filter_map(|name| {
                let bytes: &'static [u8] = Box::leak(component_bytes(&name).into_boxed_slice());
                let (m, _) = cordon_manifest::component::read_manifest(bytes).ok()?;
                let first_party = match m.kind {
                    StageKind::Parser => !m.detect.is_empty() && name.starts_with("parser-"),
                    _ => !name.starts_with("rogue-"),
                };
                first_party.then(|| cordon_runtime::EmbeddedPlugin {
                    name: Box::leak(name.into_boxed_str()),
                    kind: m.kind,
                    bytes,
                    sha256: Box::leak(sha256_digest(bytes).into_boxed_str()),
                })
            })
            .collect()
    })
}

/// The embedded default pipeline (`policies/pipelines/default.toml` and its
/// rules), assembled by the runtime's builder from the packaged components,
/// as `cordon run` assembles it.
pub fn pipeline_runner() -> cordon_runtime::PipelineRunner {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("policies/pipelines");
    let text = std::fs::read_to_string(dir.join("default.toml")).expect("default pipeline");
    let pipeline =
        cordon_manifest::Pipeline::parse(&text, "default.toml", &dir).expect("default pipeline");
    let rules = std::fs::read_to_string(root.join("policies/rules/default.toml")).expect("rules");
    cordon_runtime::PipelineBuilder::new(pipeline, rules, embedded_plugins())
        .build()
        .expect("the default pipeline assembles")
        .runner
}

/// The component of a plugin as cargo built it, before the build script
/// embedded its manifest (what a third-party author packs).
pub fn raw_component(stem: &str) -> PathBuf {
    wasm_dir()
        .parent()
        .expect("packaged dir has a parent")
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", stem.replace('-', "_")))
}

/// A third-party publisher: a fresh signing key, and `cordon pack` / `sign`
/// for plugins made from the test components.
pub struct Publisher {
    /// Holds the key, the plugins and the trust file.
    pub dir: tempfile::TempDir,
    /// The public key line.
    pub pubkey: String,
}

fn cordon_ok(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(args)
        .output()
        .expect("cordon runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl Publisher {
    /// A publisher with a new ed25519 key.
    pub fn new() -> Publisher {
        let dir = tempfile::tempdir().expect("tmp");
        let key = dir.path().join("key");
        let out = cordon_ok(&["keygen".as_ref(), "--out".as_ref(), key.as_os_str()]);
        let pubkey = String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string();
        Publisher { dir, pubkey }
    }

    /// Pack the raw component `stem` with `manifest` (TOML) as `file`, and
    /// sign it. Returns the plugin path.
    pub fn publish(&self, stem: &str, manifest: &str, file: &str) -> PathBuf {
        let m = self.dir.path().join(format!("{file}.toml"));
        std::fs::write(&m, manifest).expect("manifest");
        let out = self.dir.path().join(file);
        cordon_ok(&[
            "pack".as_ref(),
            "--manifest".as_ref(),
            m.as_os_str(),
            raw_component(stem).as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        cordon_ok(&[
            "sign".as_ref(),
            "--key".as_ref(),
            self.dir.path().join("key").as_os_str(),
            out.as_os_str(),
            "--force".as_ref(),
        ]);
        out
    }

    /// A trust file trusting this publisher for every name and kind, with
    /// `log` as the capability ceiling.
    pub fn trust(&self) -> PathBuf {
        let path = self.dir.path().join("trust.toml");
        std::fs::write(
            &path,
            format!(
                "[[signer]]\nidentity = \"acme@example.com\"\nkey = \"{}\"\nplugins = [\"*\"]\nkinds = [\"parser\", \"normalizer\", \"policy\"]\ncapabilities = [\"log\"]\n",
                self.pubkey
            ),
        )
        .expect("trust");
        path
    }

    /// A pipeline file: every embedded parser plus `extra_parsers` (plugin
    /// paths), the embedded normalizer and policy, the default rules.
    pub fn pipeline(&self, extra_parsers: &[&Path]) -> PathBuf {
        let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/rules/default.toml");
        let mut text = String::from(
            "name = \"third-party\"\n[[parsers]]\nplugin = \"embedded:*\"\ncapabilities = [\"log\"]\n",
        );
        for p in extra_parsers {
            text.push_str(&format!(
                "[[parsers]]\nplugin = {:?}\ncapabilities = [\"log\"]\n",
                p.display().to_string()
            ));
        }
        text.push_str(&format!(
            "[normalizer]\nplugin = \"embedded:normalizer-default\"\n[policy]\nplugin = \"embedded:policy-threshold\"\nrules = {:?}\n",
            rules.display().to_string()
        ));
        let path = self.dir.path().join("pipeline.toml");
        std::fs::write(&path, text).expect("pipeline");
        path
    }
}

impl Publisher {
    /// Copy the packaged component `stem` (manifest embedded) here as
    /// `file` and sign it.
    pub fn sign_copy(&self, stem: &str, file: &str) -> PathBuf {
        let out = self.dir.path().join(file);
        std::fs::write(&out, component_bytes(stem)).expect("copy");
        cordon_ok(&[
            "sign".as_ref(),
            "--key".as_ref(),
            self.dir.path().join("key").as_os_str(),
            out.as_os_str(),
            "--force".as_ref(),
        ]);
        out
    }

    /// A trust file trusting this publisher for every name and kind, up to
    /// `ceiling`.
    pub fn trust_with_ceiling(&self, ceiling: &[&str]) -> PathBuf {
        let path = self.dir.path().join("trust-ceiling.toml");
        std::fs::write(
            &path,
            format!(
                "[[signer]]\nidentity = \"acme@example.com\"\nkey = \"{}\"\nplugins = [\"*\"]\nkinds = [\"parser\", \"normalizer\", \"policy\"]\ncapabilities = {ceiling:?}\n",
                self.pubkey
            ),
        )
        .expect("trust");
        path
    }
}

/// What a `cordon` process left: exit code, stderr and `findings.json`.
pub struct CliRun {
    /// Exit code.
    pub code: i32,
    /// Everything it wrote to stderr.
    pub stderr: String,
    /// `OUT/findings.json`, when it was written.
    pub json: Option<serde_json::Value>,
}

/// Run the `cordon` binary with `args` and `--out out` (and no
/// `CORDON_ENV` from the caller's environment), and check the
/// `findings.json` it writes against the published schema.
pub fn cordon(args: &[&str], out: &Path) -> CliRun {
    cordon_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, out)
}

/// [`cordon`] with `dir` as the working directory (where the ignore file
/// is discovered; relative paths in `args` are relative to it).
pub fn cordon_in(dir: &Path, args: &[&str], out: &Path) -> CliRun {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cordon"))
        .current_dir(dir)
        .args(args)
        .arg("--out")
        .arg(out)
        .env_remove("CORDON_ENV")
        .env_remove("CORDON_ATTEST_KEY")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("cordon runs");
    let json = std::fs::read(out.join("findings.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("findings.json is JSON"));
    if let Some(doc) = &json {
        let errors = crate::schema::errors(doc);
        assert!(
            errors.is_empty(),
            "cordon {args:?}: findings.json departs from the published schema:\n{}",
            errors.join("\n")
        );
    }
    CliRun {
        code: output.status.code().expect("exited"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    }
}

/// `(finding rule_id, action, decision rule_id)` for every decision of a
/// `findings.json`, sorted.
pub fn decided(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    let findings = doc["findings"].as_array().expect("findings");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut out: Vec<_> = doc["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| {
            let f = findings
                .iter()
                .find(|f| f["fingerprint"] == d["fingerprint"])
                .expect("a decision names a finding");
            (text(&f["rule_id"]), text(&d["action"]), text(&d["rule_id"]))
        })
        .collect();
    out.sort();
    out
}

/// [`decided`]'s shape from literals, sorted, to compare with it.
pub fn triples(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = v
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    out.sort();
    out
}

/// The decision about the finding with rule id `rule` in a `findings.json`.
pub fn decision_of<'a>(doc: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    let fp = &doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("a finding of {rule}"))["fingerprint"];
    doc["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .find(|d| &d["fingerprint"] == fp)
        .expect("a decision")
}
