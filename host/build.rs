//! Build the stage plugins (`plugins/`, a separate workspace) for
//! `wasm32-wasip2` and embed the first-party components in the binary, each
//! with the SHA-256 pin the runtime checks before compiling it.
//!
//! The nested build uses its own target dir (`<target>/plugins`), so it never
//! contends with the outer build's lock and is incremental across runs.

use sha2::{Digest, Sha256};
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// First-party stages embedded in the binary: (stage name, crate file stem, kind).
const EMBEDDED: &[(&str, &str, &str)] = &[
    ("parser-sarif", "parser_sarif", "Parser"),
    ("normalizer-default", "normalizer_default", "Normalizer"),
    ("policy-threshold", "policy_threshold", "Policy"),
];

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

    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&plugins)
        .args([
            "build",
            "--release",
            "--workspace",
            "--target",
            "wasm32-wasip2",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
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

    let wasm_dir = target_dir.join("wasm32-wasip2").join("release");
    let mut code = String::from(
        "/// First-party stage components, embedded with the SHA-256 pin recorded at build time.\n\
         pub static EMBEDDED: &[cordon_runtime::EmbeddedPlugin] = &[\n",
    );
    for (name, stem, kind) in EMBEDDED {
        let path = wasm_dir.join(format!("{stem}.wasm"));
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let digest = hex::encode(Sha256::digest(&bytes));
        let _ = writeln!(
            code,
            "    cordon_runtime::EmbeddedPlugin {{ name: {name:?}, kind: cordon_manifest::StageKind::{kind}, \
             bytes: include_bytes!({path:?}), sha256: \"sha256:{digest}\" }},",
            path = path.display().to_string(),
        );
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("embedded.rs"), code).expect("writing embedded.rs");
    // Where the test-suite finds the components that are built but not
    // embedded (the hostile stages under plugins/testing/).
    println!(
        "cargo:rustc-env=CORDON_PLUGIN_WASM_DIR={}",
        wasm_dir.display()
    );
}
