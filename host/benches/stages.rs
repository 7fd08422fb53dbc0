//! Benchmarks: what the sandbox costs. Run with `cargo xtask bench`.
//!
//! Prints medians over repeated runs and the ratios that matter:
//!
//! * parse of the largest SARIF report: native `parser_sarif::parse` vs the
//!   same code as a component inside the sandbox (a fresh store and instance
//!   per call, input copied in, output validated), warm (component compiled
//!   once) and cold (compile included);
//! * wall time of the whole `cordon run` process on a small report.
//!
//! The largest SARIF file of the corpus is used when the corpus is present
//! (`$CORDON_CORPUS` or `../shared/corpus`), the repo's own fixture otherwise.

use cordon_manifest::{Capability, Limits, PluginRef, StageKind, StageSpec};
use cordon_runtime::{Runtime, VerifiedComponent, verify::sha256_digest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    // one warm-up
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

fn largest_sarif() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("CORDON_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let candidate = corpus.join("sarif/semgrepowasp-benchmark-sample.sarif");
    if candidate.is_file() {
        candidate
    } else {
        println!("note: corpus not found; using the repo's own fixture");
        root.join("tests/fixtures/sarif/mixed.sarif")
    }
}

fn main() {
    let report_path = largest_sarif();
    let report = std::fs::read(&report_path).expect("read report");
    let wasm_dir = PathBuf::from(env!("CORDON_PLUGIN_WASM_DIR"));
    let component = std::fs::read(wasm_dir.join("parser-sarif.wasm")).expect("parser-sarif.wasm");
    let pin = sha256_digest(&component);
    let spec = StageSpec {
        kind: StageKind::Parser,
        plugin: PluginRef::Embedded("parser-sarif".into()),
        sha256: None,
        capabilities: vec![Capability::Log],
        config: BTreeMap::new(),
        limits: Limits::default(),
        rules: None,
    };
    let runtime = Runtime::new(Arc::new(|_, _, _| {})).expect("runtime");
    let load = || {
        let v = VerifiedComponent::verify_pinned(
            "parser-sarif",
            StageKind::Parser,
            component.clone(),
            &pin,
        )
        .expect("pin");
        runtime.load(v, &spec).expect("load")
    };

    let runs = 15;
    let native_findings = parser_sarif::parse(&report).expect("native parse").len();
    let stage = load();
    let sandbox_findings = stage.parse(&report).expect("sandboxed parse").len();
    assert_eq!(
        native_findings, sandbox_findings,
        "native and sandboxed disagree"
    );

    let native = time(runs, || parser_sarif::parse(&report).map(|f| f.len()));
    let warm = time(runs, || stage.parse(&report).map(|f| f.len()));
    let compile = time(5, load);
    let cold = compile + warm;
    let mb = report.len() as f64 / 1e6;

    println!(
        "report: {} ({:.2} MB, {native_findings} findings)",
        report_path.display(),
        mb
    );
    println!(
        "native parse               {:>9.2} ms  {:>7.1} MB/s",
        ms(native),
        mb / native.as_secs_f64()
    );
    println!(
        "sandboxed parse, warm      {:>9.2} ms  {:>7.1} MB/s",
        ms(warm),
        mb / warm.as_secs_f64()
    );
    println!("component compile          {:>9.2} ms", ms(compile));
    println!("sandboxed parse, cold      {:>9.2} ms", ms(cold));
    println!(
        "ratio sandboxed warm / native   {:>6.2}x",
        warm.as_secs_f64() / native.as_secs_f64()
    );
    println!(
        "ratio sandboxed cold / warm     {:>6.2}x",
        cold.as_secs_f64() / warm.as_secs_f64()
    );

    // The whole process on a small report: engine start, verify + compile of
    // three embedded stages, parse, normalise, policy, findings.json.
    let small = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/webapp.sarif");
    let out = std::env::temp_dir().join(format!("cordon-bench-{}", std::process::id()));
    let cordon = env!("CARGO_BIN_EXE_cordon");
    let wall = time(10, || {
        let status = Command::new(cordon)
            .arg("run")
            .arg("--no-cache")
            .arg(&small)
            .arg("--out")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("cordon runs");
        assert!(status.success());
    });
    let _ = std::fs::remove_dir_all(&out);
    println!(
        "cordon run, small report (whole process) {:>9.2} ms",
        ms(wall)
    );
}
