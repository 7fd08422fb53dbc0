//! `cargo xtask`: one entry point for the two workspaces.
//!
//! * `cargo xtask test`: every test: the host workspace (unit, integration,
//!   hostile stages, corpus), then the plugins' native unit tests.
//! * `cargo xtask lint`: `cargo fmt --check` and `cargo clippy -D warnings`
//!   in both workspaces.
//! * `cargo xtask tidy`: written invariants, checked (see `tidy.rs`): the
//!   tests SECURITY.md names exist, the WIT's caps are the host's and the
//!   SDK's, a released WIT version is unchanged.
//! * `cargo xtask bench`: the benchmarks, printing ratios.
//! * `cargo xtask fuzz`: every libFuzzer target for a bounded time (nightly
//!   toolchain and cargo-fuzz; see `fuzz.rs` and docs/fuzzing.md).

mod fuzz;
mod tidy;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    let mut c = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .current_dir(root())
        .output()
        .map_err(|e| format!("running rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .ok_or_else(|| "rustc -vV printed no host triple".to_string())
}

fn run(step: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("xtask: {step}");
    let status = cmd.status().map_err(|e| format!("{step}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step}: failed ({status})"))
    }
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn plugins_target_dir() -> PathBuf {
    target_dir().join("plugins")
}

fn plugins(args: &[&str]) -> Command {
    let mut c = cargo();
    c.args(args)
        .arg("--manifest-path")
        .arg(root().join("plugins/Cargo.toml"))
        .arg("--target-dir")
        .arg(plugins_target_dir());
    c
}

fn test() -> Result<(), String> {
    // The default members (host/bench compiles every parser natively for
    // `cargo xtask bench`; `--workspace` would also pull in the parser
    // crates it depends on by path), then this tool's own tests.
    let mut host = cargo();
    host.args(["test", "--no-fail-fast"]);
    run("host workspace tests", host)?;
    let mut xtask = cargo();
    xtask.args(["test", "--no-fail-fast", "-p", "xtask"]);
    run("xtask tests", xtask)?;
    let triple = host_triple()?;
    let mut native = plugins(&["test", "--no-fail-fast", "--workspace", "--target", &triple]);
    native.args(["--exclude", "hostile"]);
    run("plugins workspace tests (native)", native)
}

fn lint() -> Result<(), String> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run("fmt (host)", fmt)?;
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check", "--manifest-path"])
        .arg(root().join("plugins/Cargo.toml"));
    run("fmt (plugins)", fmt)?;
    // The fuzz crates are their own (nightly-built) workspaces; their target
    // files are one line each, checked here without resolving their deps.
    let mut fmt = Command::new("rustfmt");
    fmt.args(["--edition", "2024", "--check"])
        .current_dir(root());
    for dir in ["plugins/fuzz/fuzz_targets", "host/fuzz/fuzz_targets"] {
        let entries = std::fs::read_dir(root().join(dir)).map_err(|e| format!("{dir}: {e}"))?;
        fmt.args(entries.flatten().map(|e| e.path()));
    }
    run("fmt (fuzz targets)", fmt)?;
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run("clippy (host)", clippy)?;
    let triple = host_triple()?;
    let mut clippy = plugins(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--target",
        &triple,
    ]);
    clippy.args(["--", "-D", "warnings"]);
    run("clippy (plugins, native)", clippy)?;
    let mut clippy = plugins(&[
        "clippy",
        "--workspace",
        "--target",
        "wasm32-wasip2",
        "--release",
    ]);
    clippy.args(["--", "-D", "warnings"]);
    run("clippy (plugins, wasm32-wasip2)", clippy)
}

fn bench() -> Result<(), String> {
    let mut build = cargo();
    build.args(["build", "--release", "-p", "cordon"]);
    run("release build of cordon", build)?;
    let mut b = cargo();
    b.args(["run", "--release", "-p", "cordon-bench"]);
    run("benchmarks", b)
}

fn main() -> ExitCode {
    let task = env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "test" => test(),
        "lint" => lint(),
        "bench" => bench(),
        "tidy" => tidy::tidy(&root()),
        "fuzz" => fuzz::fuzz(&env::args().skip(2).collect::<Vec<_>>()),
        _ => {
            eprintln!("usage: cargo xtask <test|lint|tidy|bench|fuzz>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
