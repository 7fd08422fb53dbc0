//! `cargo xtask fuzz`: run every libFuzzer target for a bounded time.
//!
//! Two fuzz crates, each its own workspace built with `cargo +nightly fuzz`:
//! `plugins/fuzz` (one target per parser's native `parse`) and `host/fuzz`
//! (the host's validation of guest-returned records). For every target this
//! builds once, then runs the binary with
//!
//! * a work corpus under `target/fuzz/corpus/<target>` (never in the repo),
//! * as read-only seeds: the saved corpus (`<fuzz crate>/corpus/<target>`),
//!   and for parsers the repository's fixtures and the scanner corpus
//!   (`$CORDON_CORPUS`, else `../shared/corpus` beside the repository, when
//!   present),
//! * `-max_total_time`, `-timeout`, `-rss_limit_mb` and `-max_len` bounds,
//!
//! `--jobs` targets at a time, and prints one row per target: executions,
//! executions per second, coverage, new inputs, peak RSS, and any crash with
//! its artifact. The exit status is non-zero when a target crashed.
//!
//! `--own-seeds` leaves the scanner corpus out (fixtures and saved corpus
//! only) and works in `target/fuzz/corpus-own/<target>`; with `--save` it
//! then merges what it found into the saved corpus (libFuzzer `-merge=1`
//! keeps only inputs that add coverage). Inputs grown from the scanner corpus
//! are never saved: that corpus is not the project's to redistribute.

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;

use crate::{root, run};

/// One fuzz crate.
struct Crate {
    /// Directory of the cargo-fuzz crate, relative to the repository.
    dir: &'static str,
    /// Whether its targets parse reports (and so take report seeds).
    reports: bool,
}

const CRATES: &[Crate] = &[
    Crate {
        dir: "plugins/fuzz",
        reports: true,
    },
    Crate {
        dir: "host/fuzz",
        reports: false,
    },
];

struct Options {
    seconds: u64,
    jobs: usize,
    max_len: usize,
    own_seeds: bool,
    save: bool,
    only: Vec<String>,
}

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--jobs N] [--max-len BYTES] [--own-seeds [--save]] [TARGET...]

Runs every fuzz target (or the named ones) for N seconds each (default 600),
N targets at a time (default 2). Needs the nightly toolchain and cargo-fuzz:
  rustup toolchain install nightly && cargo install cargo-fuzz";

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        seconds: 600,
        jobs: 2,
        max_len: 256 << 10,
        own_seeds: false,
        save: false,
        only: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number\n{USAGE}"))
        };
        match a.as_str() {
            "--seconds" => o.seconds = number("--seconds")?,
            "--jobs" => o.jobs = number("--jobs")?.max(1) as usize,
            "--max-len" => o.max_len = number("--max-len")?.max(1) as usize,
            "--own-seeds" => o.own_seeds = true,
            "--save" => o.save = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            t if t.starts_with('-') => return Err(format!("unknown option {t}\n{USAGE}")),
            t => o.only.push(t.to_string()),
        }
    }
    if o.save && !o.own_seeds {
        return Err(
            "--save needs --own-seeds: inputs grown from the scanner corpus are not saved".into(),
        );
    }
    Ok(o)
}

/// A target: its crate and name.
struct Target {
    krate: &'static Crate,
    name: String,
}

fn targets(only: &[String]) -> Result<Vec<Target>, String> {
    let mut all = Vec::new();
    for krate in CRATES {
        let dir = root().join(krate.dir).join("fuzz_targets");
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .filter_map(|e| {
                let p = e.path();
                (p.extension()? == "rs").then(|| p.file_stem()?.to_str().map(str::to_string))?
            })
            .collect();
        names.sort();
        all.extend(names.into_iter().map(|name| Target { krate, name }));
    }
    for name in only {
        if !all.iter().any(|t| &t.name == name) {
            let known: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
            return Err(format!(
                "no fuzz target {name:?} (known: {})",
                known.join(", ")
            ));
        }
    }
    all.retain(|t| only.is_empty() || only.contains(&t.name));
    Ok(all)
}

/// Where a fuzz crate builds: `target/fuzz/<plugins|host>`, one directory
/// each so that one crate can build while the other's targets run.
fn fuzz_target_dir(krate: &Crate) -> PathBuf {
    let name = krate.dir.split('/').next().unwrap_or("fuzz");
    crate::target_dir().join("fuzz").join(name)
}

fn binary(t: &Target, triple: &str) -> PathBuf {
    fuzz_target_dir(t.krate)
        .join(triple)
        .join("release")
        .join(&t.name)
}

fn scanner_corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("CORDON_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    dir.is_dir().then_some(dir)
}

/// What one run printed at its end.
#[derive(Default)]
struct Stats {
    /// Wall-clock seconds the run took (less than asked when it crashed).
    seconds: u64,
    execs: u64,
    execs_per_sec: u64,
    new_units: u64,
    peak_rss_mb: u64,
    cov: String,
    crash: Option<String>,
}

fn stats(log: &str) -> Stats {
    let mut s = Stats::default();
    let num = |line: &str| -> u64 {
        line.rsplit(':')
            .next()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    for line in log.lines() {
        if line.starts_with("stat::number_of_executed_units") {
            s.execs = num(line);
        } else if line.starts_with("stat::average_exec_per_sec") {
            s.execs_per_sec = num(line);
        } else if line.starts_with("stat::new_units_added") {
            s.new_units = num(line);
        } else if line.starts_with("stat::peak_rss_mb") {
            s.peak_rss_mb = num(line);
        } else if let Some(i) = line.find(" cov: ") {
            let rest = &line[i + 6..];
            let cov = rest.split_whitespace().next().unwrap_or("");
            let ft = rest
                .split(" ft: ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .unwrap_or("");
            s.cov = format!("{cov} / {ft}");
        } else if let Some(p) = line.split("Test unit written to ").nth(1) {
            s.crash = Some(p.trim().to_string());
        }
    }
    s
}

fn run_one(t: &Target, o: &Options, triple: &str) -> Result<Stats, String> {
    let base = crate::target_dir().join("fuzz");
    let work = base
        .join(if o.own_seeds { "corpus-own" } else { "corpus" })
        .join(&t.name);
    let artifacts = base.join("artifacts").join(&t.name);
    let logs = base.join("logs");
    for d in [&work, &artifacts, &logs] {
        fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let saved = root().join(t.krate.dir).join("corpus").join(&t.name);
    fs::create_dir_all(&saved).map_err(|e| format!("{}: {e}", saved.display()))?;
    let mut cmd = Command::new(binary(t, triple));
    cmd.arg(&work).arg(&saved);
    if t.krate.reports {
        cmd.arg(root().join("tests/fixtures"));
        if !o.own_seeds {
            match scanner_corpus() {
                Some(c) => {
                    cmd.arg(c);
                }
                None => eprintln!(
                    "xtask: {}: no scanner corpus (set CORDON_CORPUS); seeding from the repository only",
                    t.name
                ),
            }
        }
    }
    cmd.arg(format!("-max_total_time={}", o.seconds))
        .arg("-timeout=10")
        .arg("-rss_limit_mb=2048")
        .arg(format!("-max_len={}", o.max_len))
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()));
    let log_path = logs.join(format!("{}.log", t.name));
    let log = fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let err = log
        .try_clone()
        .map_err(|e| format!("{}: {e}", log_path.display()))?;
    eprintln!("xtask: fuzzing {} for {} s", t.name, o.seconds);
    let started = std::time::Instant::now();
    let status = cmd
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(err))
        .status()
        .map_err(|e| format!("{}: {e}", t.name))?;
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    let mut s = stats(&text);
    s.seconds = started.elapsed().as_secs();
    if !status.success() && s.crash.is_none() {
        s.crash = Some(format!("exit {status}, see {}", log_path.display()));
    }
    if o.save && s.crash.is_none() {
        save(t, triple, o.max_len, &saved, &work)?;
    }
    Ok(s)
}

/// Replace the saved corpus with a minimal set of inputs (saved and new)
/// that covers the same edges: libFuzzer's set-cover merge, counting edges
/// rather than hit counts, keeps the repository small.
fn save(t: &Target, triple: &str, max_len: usize, saved: &Path, work: &Path) -> Result<(), String> {
    let merged = crate::target_dir().join("fuzz/merge").join(&t.name);
    let _ = fs::remove_dir_all(&merged);
    fs::create_dir_all(&merged).map_err(|e| format!("{}: {e}", merged.display()))?;
    let st = Command::new(binary(t, triple))
        .args(["-set_cover_merge=1", "-use_counters=0"])
        .arg(format!("-max_len={max_len}"))
        .arg(&merged)
        .arg(saved)
        .arg(work)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{}: merge: {e}", t.name))?;
    if !st.success() {
        return Err(format!("{}: merging the corpus failed ({st})", t.name));
    }
    let io = |e: std::io::Error| format!("{}: {e}", saved.display());
    for e in fs::read_dir(saved).map_err(io)?.flatten() {
        fs::remove_file(e.path()).map_err(io)?;
    }
    for e in fs::read_dir(&merged).map_err(io)?.flatten() {
        fs::rename(e.path(), saved.join(e.file_name())).map_err(io)?;
    }
    Ok(())
}

/// `cargo xtask fuzz ...`
pub fn fuzz(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    let targets = targets(&o.only)?;
    let triple = crate::host_triple()?;
    let probe = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return Err(format!("`cargo +nightly fuzz` is not available\n{USAGE}"));
    }
    for krate in CRATES {
        if !targets.iter().any(|t| std::ptr::eq(t.krate, krate)) {
            continue;
        }
        // Plain `cargo`, not `$CARGO`: the toolchain is chosen by `+nightly`.
        let mut build = Command::new("cargo");
        build
            .args([
                "+nightly",
                "fuzz",
                "build",
                "--debug-assertions",
                "--fuzz-dir",
            ])
            .arg(root().join(krate.dir))
            .arg("--target-dir")
            .arg(fuzz_target_dir(krate))
            .current_dir(root());
        run(&format!("build the fuzz targets of {}", krate.dir), build)?;
    }
    let queue = Mutex::new(targets.iter().collect::<VecDeque<_>>());
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..o.jobs.min(targets.len()) {
            s.spawn(|| {
                // The guard is dropped inside the closure: one target at a time.
                while let Some(t) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
                    let r = run_one(t, &o, &triple);
                    if let Ok(mut all) = results.lock() {
                        all.push((t.name.clone(), r));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut table = "| target | seconds | execs | execs/s | cov / features | new inputs | peak RSS MB | result |\n|---|---:|---:|---:|---|---:|---:|---|\n".to_string();
    let mut failed = Vec::new();
    for (name, r) in &results {
        match r {
            Ok(s) => {
                let result = match &s.crash {
                    Some(c) => {
                        failed.push(name.clone());
                        format!("CRASH {c}")
                    }
                    None => "ok".to_string(),
                };
                table.push_str(&format!(
                    "| {name} | {} | {} | {} | {} | {} | {} | {result} |\n",
                    s.seconds, s.execs, s.execs_per_sec, s.cov, s.new_units, s.peak_rss_mb
                ));
            }
            Err(e) => {
                failed.push(name.clone());
                table.push_str(&format!("| {name} | | | | | | | error: {e} |\n"));
            }
        }
    }
    println!("{table}");
    let summary = crate::target_dir().join("fuzz/summary.md");
    if fs::write(&summary, &table).is_ok() {
        eprintln!("xtask: summary in {}", summary.display());
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fuzz targets failed: {} (minimise with `<binary> -minimize_crash=1 -runs=100000 <artifact>`, then keep the result in <fuzz crate>/regressions/<target>/)",
            failed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_stats_are_read() {
        let log = "#1234\tDONE   cov: 812 ft: 3301 corp: 120/40Kb lim: 4096 exec/s: 2055 rss: 88Mb\n\
                   stat::number_of_executed_units: 1233000\n\
                   stat::average_exec_per_sec:     2055\n\
                   stat::new_units_added:          311\n\
                   stat::slowest_unit_time_sec:    0\n\
                   stat::peak_rss_mb:              88\n";
        let s = stats(log);
        assert_eq!(
            (s.execs, s.execs_per_sec, s.new_units, s.peak_rss_mb),
            (1_233_000, 2055, 311, 88)
        );
        assert_eq!(s.cov, "812 / 3301");
        assert!(s.crash.is_none());
        let crashed =
            stats("==1== ERROR: libFuzzer: deadly signal\nTest unit written to /t/crash-ab12\n");
        assert_eq!(crashed.crash.as_deref(), Some("/t/crash-ab12"));
    }

    #[test]
    fn save_needs_own_seeds() {
        assert!(options(&["--save".to_string()]).is_err());
        let o = options(&[
            "--own-seeds".into(),
            "--save".into(),
            "--seconds".into(),
            "30".into(),
            "trivy".into(),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (o.seconds, o.only.as_slice()),
            (30, &["trivy".to_string()][..])
        );
    }
}
