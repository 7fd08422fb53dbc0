//! Replays, on the stable toolchain, what the fuzzer found for the host's
//! validation of guest records: every input of the saved corpus
//! (`host/fuzz/corpus/validate`) and every minimised crash
//! (`host/fuzz/regressions/validate`). All failures are reported at once.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.retain(|p| p.file_name().is_some_and(|n| n != ".gitkeep"));
    out.sort();
    out
}

#[test]
fn saved_corpus_and_regressions_replay_cleanly() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let corpus = files(&fuzz.join("corpus/validate"));
    let regressions = files(&fuzz.join("regressions/validate"));
    assert!(
        !corpus.is_empty(),
        "no saved corpus in host/fuzz/corpus/validate"
    );
    let mut failures = Vec::new();
    let mut outcomes = Vec::new();
    for p in corpus.iter().chain(&regressions) {
        let data = fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        match catch_unwind(AssertUnwindSafe(|| cordon_fuzzing::check(&data))) {
            Ok(Ok(o)) => outcomes.push(o),
            Ok(Err(broken)) => failures.push(format!("{}: {broken}", p.display())),
            Err(_) => failures.push(format!("{}: panicked", p.display())),
        }
    }
    eprintln!(
        "replayed {} corpus inputs and {} regressions",
        corpus.len(),
        regressions.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The corpus reaches both sides of every decision: findings and
    // decisions accepted (non-empty) and refused.
    let count =
        |f: &dyn Fn(&cordon_fuzzing::Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let sides = [
        (
            "findings accepted",
            count(&|o| o.findings_accepted.is_some_and(|n| n > 0)),
        ),
        (
            "findings refused",
            count(&|o| o.findings_accepted.is_none()),
        ),
        (
            "decisions accepted",
            count(&|o| o.decisions_accepted.is_some_and(|n| n > 0)),
        ),
        (
            "decisions refused",
            count(&|o| o.decisions_accepted.is_none()),
        ),
    ];
    eprintln!("{sides:?}");
    for (side, n) in sides {
        assert!(n > 0, "no saved input with {side}");
    }
}

#[test]
fn arbitrary_bytes_hold_the_contract() {
    // A deterministic sweep that needs no saved corpus: pseudo-random inputs
    // of every length up to 4 KiB (xorshift, fixed seed).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut failures = Vec::new();
    for len in (0..4096).step_by(7) {
        let data: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        if let Err(broken) = cordon_fuzzing::check(&data) {
            failures.push(format!("len {len}: {broken}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
