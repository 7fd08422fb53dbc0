//! Build the stage plugins (`plugins/`, a separate workspace) for
//! `wasm32-wasip2` and embed the first-party components in the binary, each
//! with the SHA-256 pin the runtime checks before compiling it.
//!
//! The nested build uses its own target dir (`<target>/plugins`), so it never
//! contends with the outer build's lock and is incremental across runs.

use cordon_manifest::StageKind;
use cordon_manifest::plugin::PluginManifest;
use sha2::{Digest, Sha256};
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn watch(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') && name != ".cargo" {
            continue;
        }
        if path.is_dir() {
            watch(&path);
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let plugins = root.join("plugins");
    watch(&plugins);
    watch(&root.join("wit"));
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");

    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
        .join("plugins");

    // CORDON_PLUGINS_PREBUILT=1: use the components already in the target
    // dir instead of building them (packagers that build plugins separately;
    // developers iterating on the host only).
    println!("cargo:rerun-if-env-changed=CORDON_PLUGINS_PREBUILT");
    if env::var_os("CORDON_PLUGINS_PREBUILT").is_none() {
        build_plugins(&plugins, &target_dir);
    }
    package(&plugins, &target_dir);
}

fn build_plugins(plugins: &Path, target_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(plugins)
        .args([
            "build",
            "--release",
            "--workspace",
            "--target",
            "wasm32-wasip2",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    if env::var_os("CI").is_some() {
        cmd.arg("--locked");
    }
    // The outer build's flags are for the host, not for wasm32-wasip2.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd
        .output()
        .expect("failed to run cargo for the plugins workspace");
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let hint = if stderr.contains("wasm32-wasip2")
            && stderr.contains("target may not be installed")
        {
            "\nhint: the wasm32-wasip2 target is missing; run `rustup target add wasm32-wasip2`\n"
        } else {
            ""
        };
        panic!("building the stage plugins (plugins/) for wasm32-wasip2 failed:\n{stderr}{hint}");
    }
}

/// Embed each plugin's manifest, write the packaged components, and
/// generate the table of embedded ones.
fn package(plugins: &Path, target_dir: &Path) {
    let wasm_dir = target_dir.join("wasm32-wasip2").join("release");
    let packaged = target_dir.join("packaged");
    fs::create_dir_all(&packaged).expect("creating the packaged plugin dir");
    let host_version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let repository = env::var("CARGO_PKG_REPOSITORY").unwrap_or_default();

    let mut code = String::from(
        "/// First-party stage components, embedded with the SHA-256 pin recorded at build time.\n\
         pub static EMBEDDED: &[cordon_runtime::EmbeddedPlugin] = &[\n",
    );
    for crate_dir in plugin_crates(plugins) {
        let Some(manifest) = plugin_manifest(&crate_dir, &host_version, &repository) else {
            continue;
        };
        let stem = manifest.name.replace('-', "_");
        let path = wasm_dir.join(format!("{stem}.wasm"));
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let bytes = cordon_manifest::component::embed_manifest(&bytes, &manifest)
            .unwrap_or_else(|e| panic!("{}: embedding the manifest: {e}", path.display()));
        let out = packaged.join(format!("{}.wasm", manifest.name));
        fs::write(&out, &bytes).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));

        // Test-only stages, and parsers that declare no detection hint yet,
        // are built and packaged but not embedded.
        let is_test = crate_dir.components().any(|c| c.as_os_str() == "testing");
        let ready = manifest.kind != StageKind::Parser || !manifest.detect.is_empty();
        if is_test || !ready {
            continue;
        }
        let digest = hex::encode(Sha256::digest(&bytes));
        let _ = writeln!(
            code,
            "    cordon_runtime::EmbeddedPlugin {{ name: {name:?}, kind: cordon_manifest::StageKind::{kind:?}, \
             bytes: include_bytes!({out:?}), sha256: \"sha256:{digest}\" }},",
            name = manifest.name,
            kind = manifest.kind,
            out = out.display().to_string(),
        );
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("embedded.rs"), code).expect("writing embedded.rs");
    // Where the test-suite finds every packaged component, including the
    // hostile stages under plugins/testing/ that are never embedded.
    println!(
        "cargo:rustc-env=CORDON_PLUGIN_WASM_DIR={}",
        packaged.display()
    );
}

/// Every crate directory under plugins/ (one level, plus plugins/testing/*).
fn plugin_crates(plugins: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for base in [plugins.to_path_buf(), plugins.join("testing")] {
        let Ok(entries) = fs::read_dir(&base) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().join("Cargo.toml").is_file() {
                dirs.push(e.path());
            }
        }
    }
    dirs.sort();
    dirs
}

/// The plugin manifest from `[package.metadata.cordon]`; `None` for crates
/// without one (the SDK). Detection hints still marked `TODO` are dropped.
fn plugin_manifest(dir: &Path, host_version: &str, repository: &str) -> Option<PluginManifest> {
    let path = dir.join("Cargo.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pkg = doc.get("package")?.as_table()?;
    let meta = pkg.get("metadata")?.get("cordon")?.clone();
    let meta: CargoMetadata = meta
        .try_into()
        .unwrap_or_else(|e| panic!("{}: [package.metadata.cordon]: {e}", path.display()));
    let field = |k: &str| pkg.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let name = field("name").unwrap_or_else(|| panic!("{}: package.name", path.display()));
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(PluginManifest {
        version: field("version").unwrap_or_else(|| "0.0.0".into()),
        kind: meta.kind,
        world: format!(
            "cordon:stage/{}@{}",
            meta.kind,
            cordon_manifest::WIT_VERSION
        ),
        capabilities: meta.capabilities,
        min_host_version: host_version.to_string(),
        license: field("license"),
        source: (!repository.is_empty())
            .then(|| format!("{repository}/tree/main/plugins/{dir_name}")),
        detect: meta
            .detect
            .into_iter()
            .filter(|h| h.format != "TODO")
            .collect(),
        fingerprint: meta.fingerprint,
        name,
    })
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CargoMetadata {
    kind: StageKind,
    #[serde(default)]
    capabilities: Vec<cordon_manifest::Capability>,
    #[serde(default)]
    detect: Vec<cordon_manifest::plugin::DetectHint>,
    #[serde(default)]
    fingerprint: Option<String>,
}
