//! cordon's benchmarks. Run with `cargo xtask bench` (release build).
//!
//! Prints medians over repeated runs, and the ratios that matter:
//!
//! 1. every parser: MB/s of its native `parse` function vs the same code as a
//!    sandboxed component (fresh store and instance per call, input copied
//!    in, output validated), on the largest corpus file it claims (the repo's
//!    own fixture when the corpus is absent);
//! 2. the cost of the limits on the largest corpus report: wall-clock epoch
//!    deadline + memory limiter (the default), without the memory limiter,
//!    and with fuel (deterministic mode);
//! 3. whole `cordon run` processes: the embedded default pipeline without
//!    and with the compile cache, and three signed third-party stages cold
//!    vs warm;
//! 4. compiling at the compile bounds' edge (`compile_bounds`); alone with
//!    `cargo run --release -p cordon-bench -- compile-bounds`.

#![allow(missing_docs)]

mod compile_bounds;

use cordon_manifest::plugin::{best_match, detect_head};
use cordon_manifest::{Capability, Limits, PluginRef, StageKind, StageSpec};
use cordon_runtime::{
    Determinism, LoadedStage, Runtime, RuntimeOptions, VerifiedComponent, verify::sha256_digest,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

type NativeParse = fn(&[u8]) -> Option<usize>;

macro_rules! natives {
    ($($name:literal => $krate:ident),* $(,)?) => {
        vec![$(($name, (|b: &[u8]| $krate::parse(b).ok().map(|f| f.len())) as NativeParse)),*]
    };
}

fn native_parsers() -> Vec<(&'static str, NativeParse)> {
    natives![
        "parser-bandit" => parser_bandit,
        "parser-cargo-audit" => parser_cargo_audit,
        "parser-checkov" => parser_checkov,
        "parser-dependency-check" => parser_dependency_check,
        "parser-detect-secrets" => parser_detect_secrets,
        "parser-eslint" => parser_eslint,
        "parser-github-sast" => parser_github_sast,
        "parser-github-vulnerability" => parser_github_vulnerability,
        "parser-gitlab" => parser_gitlab,
        "parser-gitleaks" => parser_gitleaks,
        "parser-gosec" => parser_gosec,
        "parser-govulncheck" => parser_govulncheck,
        "parser-grype" => parser_grype,
        "parser-hadolint" => parser_hadolint,
        "parser-kics" => parser_kics,
        "parser-npm-audit" => parser_npm_audit,
        "parser-nuclei" => parser_nuclei,
        "parser-osv-scanner" => parser_osv_scanner,
        "parser-pip-audit" => parser_pip_audit,
        "parser-ruff" => parser_ruff,
        "parser-sarif" => parser_sarif,
        "parser-semgrep" => parser_semgrep,
        "parser-shellcheck" => parser_shellcheck,
        "parser-snyk" => parser_snyk,
        "parser-sonarqube" => parser_sonarqube,
        "parser-tfsec" => parser_tfsec,
        "parser-trivy" => parser_trivy,
        "parser-trufflehog" => parser_trufflehog,
        "parser-zap" => parser_zap,
    ]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn spec(kind: StageKind) -> StageSpec {
    StageSpec {
        kind,
        plugin: PluginRef::Embedded("bench".into()),
        sha256: None,
        capabilities: vec![Capability::Log],
        fs_read: None,
        config: BTreeMap::new(),
        limits: Limits::default(),
        rules: None,
    }
}

fn verified(name: &str) -> VerifiedComponent {
    let path = target()
        .join("plugins/packaged")
        .join(format!("{name}.wasm"));
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo build` first)", path.display()));
    let pin = sha256_digest(&bytes);
    VerifiedComponent::verify_pinned(name, StageKind::Parser, bytes, &pin).expect("pin")
}

/// For each parser, the largest input it claims: corpus files by detection
/// hints, else the repo's own fixtures.
fn inputs(parsers: &[(&'static str, VerifiedComponent)]) -> BTreeMap<&'static str, PathBuf> {
    let corpus = std::env::var_os("CORDON_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    let mut files: Vec<PathBuf> = Vec::new();
    if let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) {
        files.extend(
            manifest
                .lines()
                .skip(1)
                .filter_map(|l| l.split('\t').nth(2))
                .map(|f| corpus.join(f)),
        );
    } else {
        println!("note: corpus not found; using the repo's own fixtures");
        for dir in std::fs::read_dir(root().join("tests/fixtures"))
            .into_iter()
            .flatten()
            .flatten()
        {
            files.extend(
                std::fs::read_dir(dir.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.file_name().is_some_and(|n| n != "README.md")),
            );
        }
    }
    let mut best: BTreeMap<&'static str, (u64, PathBuf)> = BTreeMap::new();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let head = detect_head(&bytes);
        let claims = parsers.iter().filter_map(|(n, v)| {
            let m = v.manifest()?;
            best_match(&m.detect, head).map(|(_, c)| (*n, c))
        });
        if let Some((name, _)) = claims.max_by_key(|c| c.1) {
            let size = bytes.len() as u64;
            if best.get(name).is_none_or(|b| size > b.0) {
                best.insert(name, (size, f));
            }
        }
    }
    best.into_iter().map(|(k, v)| (k, v.1)).collect()
}

fn load(rt: &Runtime, v: VerifiedComponent) -> LoadedStage {
    rt.load(v, &spec(StageKind::Parser)).expect("loads")
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("compile-bounds") => return compile_bounds::run(),
        Some("compile-bounds-shape") => {
            let which = std::env::args().nth(2).and_then(|n| n.parse().ok());
            let bytes = std::env::args().nth(3).and_then(|n| n.parse().ok());
            return compile_bounds::run_shape(which.unwrap_or(0), bytes);
        }
        _ => {}
    }
    let natives = native_parsers();
    let parsers: Vec<(&'static str, VerifiedComponent)> =
        natives.iter().map(|(n, _)| (*n, verified(n))).collect();
    let inputs = inputs(&parsers);
    let rt = Runtime::new(Arc::new(|_, _, _| {})).expect("runtime");

    println!("## Parsers: native vs sandboxed (median of 9 runs)\n");
    println!(
        "| parser | input | MB | findings | native MB/s | sandboxed MB/s | sandboxed / native | compile ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut largest: Option<(u64, &'static str, Vec<u8>)> = None;
    for ((name, native), (_, v)) in natives.iter().zip(&parsers) {
        let Some(path) = inputs.get(name) else {
            println!("| {name} | (no input) | | | | | | |");
            continue;
        };
        let bytes = std::fs::read(path).expect("read");
        let mb = bytes.len() as f64 / 1e6;
        let n = native(&bytes).unwrap_or(0);
        let t_native = time(9, || native(&bytes));
        let compile = time(3, || load(&rt, v.clone()));
        let stage = load(&rt, v.clone());
        let sandboxed = stage.parse(&bytes).map(|f| f.len()).unwrap_or(0);
        assert_eq!(
            n,
            sandboxed,
            "{name}: native and sandboxed disagree on {}",
            path.display()
        );
        let t_sandbox = time(9, || stage.parse(&bytes).map(|f| f.len()));
        println!(
            "| {name} | {} | {mb:.3} | {n} | {:.1} | {:.1} | {:.2}x | {:.0} |",
            path.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            mb / t_native.as_secs_f64(),
            mb / t_sandbox.as_secs_f64(),
            t_sandbox.as_secs_f64() / t_native.as_secs_f64(),
            ms(compile)
        );
        if largest.as_ref().is_none_or(|l| bytes.len() as u64 > l.0) {
            largest = Some((bytes.len() as u64, name, bytes));
        }
    }

    if let Some((size, name, bytes)) = largest {
        println!(
            "\n## Cost of the limits ({name}, {:.2} MB, median of 9 runs)\n",
            size as f64 / 1e6
        );
        let v = parsers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .expect("parser");
        let variant = |opts: RuntimeOptions| {
            let rt = Runtime::with_options(Arc::new(|_, _, _| {}), opts).expect("runtime");
            let stage = load(&rt, v.clone());
            time(9, || stage.parse(&bytes).map(|f| f.len()))
        };
        let base = variant(RuntimeOptions::default());
        let no_limiter = variant(RuntimeOptions {
            memory_limiter: false,
            ..RuntimeOptions::default()
        });
        let fuel = variant(RuntimeOptions {
            deterministic: Some(Determinism {
                epoch_secs: 0,
                seed: 0,
            }),
            ..RuntimeOptions::default()
        });
        println!("| configuration | ms | vs default |");
        println!("|---|---|---|");
        println!(
            "| default: epoch deadline + memory limiter | {:.2} | 1.00x |",
            ms(base)
        );
        println!(
            "| without the memory limiter | {:.2} | {:.2}x |",
            ms(no_limiter),
            no_limiter.as_secs_f64() / base.as_secs_f64()
        );
        println!(
            "| with fuel (deterministic mode) + limiter | {:.2} | {:.2}x |",
            ms(fuel),
            fuel.as_secs_f64() / base.as_secs_f64()
        );
    }

    whole_process();
    compile_bounds::run();
}

fn cordon() -> PathBuf {
    let p = target().join("release/cordon");
    assert!(
        p.is_file(),
        "{} missing: `cargo build --release -p cordon` first",
        p.display()
    );
    p
}

fn run_ok(mut cmd: Command) {
    let out = cmd.output().expect("cordon runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn whole_process() {
    let cordon = cordon();
    let dir = std::env::temp_dir().join(format!("cordon-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let report = root().join("tests/fixtures/sarif/webapp.sarif");
    let base = |cache: Option<&Path>| {
        let mut cmd = Command::new(&cordon);
        cmd.arg("run")
            .arg(&report)
            .arg("--out")
            .arg(dir.join("out"));
        match cache {
            Some(c) => cmd.arg("--cache-dir").arg(c),
            None => cmd.arg("--no-cache"),
        };
        cmd
    };
    let cache = dir.join("cache");
    let cold = time(9, || run_ok(base(None)));
    let warm = time(9, || run_ok(base(Some(&cache))));
    println!("\n## Whole `cordon run` processes (median of 9 runs)\n");
    println!("| run | ms |");
    println!("|---|---|");
    println!(
        "| embedded default pipeline, small SARIF, no cache | {:.1} |",
        ms(cold)
    );
    println!(
        "| embedded default pipeline, small SARIF, warm cache | {:.1} |",
        ms(warm)
    );

    // Three third-party (signed, file-based) stages.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let public = ssh_key::PublicKey::new(
        ssh_key::public::KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(
            key.verifying_key().to_bytes(),
        )),
        "bench",
    );
    for (name, file) in [
        ("parser-sarif", "p.wasm"),
        ("normalizer-default", "n.wasm"),
        ("policy-threshold", "r.wasm"),
    ] {
        let bytes = std::fs::read(
            target()
                .join("plugins/packaged")
                .join(format!("{name}.wasm")),
        )
        .expect("component");
        std::fs::write(dir.join(file), &bytes).expect("write");
        std::fs::write(
            dir.join(format!("{file}.sig")),
            cordon_signing::sshsig::sign(&bytes, &key).expect("sign"),
        )
        .expect("sig");
    }
    std::fs::write(
        dir.join("trust.toml"),
        format!(
            "[[signer]]\nidentity = \"bench\"\nkey = \"{}\"\nplugins = [\"*\"]\nkinds = [\"parser\", \"normalizer\", \"policy\"]\ncapabilities = [\"log\"]\n",
            public.to_openssh().expect("openssh")
        ),
    )
    .expect("trust");
    std::fs::write(
        dir.join("rules.toml"),
        "name='r'\nversion='1'\ndefault_environment='dev'\n[environments.dev]\nblock='critical'\n",
    )
    .expect("rules");
    std::fs::write(
        dir.join("pipeline.toml"),
        "name = \"third-party\"\n[[parsers]]\nplugin = \"p.wasm\"\n[normalizer]\nplugin = \"n.wasm\"\n[policy]\nplugin = \"r.wasm\"\nrules = \"rules.toml\"\n",
    )
    .expect("pipeline");
    let third = |cache: Option<&Path>| {
        let mut cmd = base(cache);
        cmd.arg("--pipeline")
            .arg(dir.join("pipeline.toml"))
            .arg("--trust")
            .arg(dir.join("trust.toml"));
        cmd
    };
    let tp_cache = dir.join("tp-cache");
    let tp_cold = time(9, || run_ok(third(None)));
    let tp_warm = time(9, || run_ok(third(Some(&tp_cache))));
    println!(
        "| 3 signed third-party stages, cold (verify + compile) | {:.1} |",
        ms(tp_cold)
    );
    println!(
        "| 3 signed third-party stages, warm cache (verify + load) | {:.1} |",
        ms(tp_warm)
    );
    println!(
        "\ncold / warm: embedded {:.2}x, third-party {:.2}x",
        cold.as_secs_f64() / warm.as_secs_f64(),
        tp_cold.as_secs_f64() / tp_warm.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
