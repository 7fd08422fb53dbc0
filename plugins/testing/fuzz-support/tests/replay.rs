//! Replays, on the stable toolchain, what the fuzzers found: for every
//! parser target, each input of its saved corpus (`plugins/fuzz/corpus/<t>`)
//! and each minimised crash (`plugins/fuzz/regressions/<t>`), plus every
//! fixture of the repository through every parser (a report given to the
//! wrong parser with `--format` is hostile input too). Every broken rule and
//! every panic is collected and reported at once.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use fuzz_support::{PARSERS, Parse, check};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// Files under `dir`, recursively, sorted; none when `dir` does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .is_some_and(|n| n != ".gitkeep" && n != "README.md")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Run `check` on `path`, turning a panic into a failure line.
fn replay(name: &str, parse: Parse, path: &Path, failures: &mut Vec<String>) {
    let data = match fs::read(path) {
        Ok(d) => d,
        Err(e) => return failures.push(format!("{}: unreadable: {e}", path.display())),
    };
    match catch_unwind(AssertUnwindSafe(|| check(parse, &data))) {
        Ok(Ok(_)) => {}
        Ok(Err(broken)) => failures.push(format!("{name} {}: {broken}", path.display())),
        Err(_) => failures.push(format!("{name} {}: panicked", path.display())),
    }
}

#[test]
fn saved_corpus_and_regressions_replay_cleanly() {
    let fuzz = repo().join("plugins/fuzz");
    let mut failures = Vec::new();
    let (mut corpus, mut crashes) = (0, 0);
    for (name, parse) in PARSERS {
        let saved = files(&fuzz.join("corpus").join(name));
        if saved.is_empty() {
            failures.push(format!(
                "{name}: no saved corpus in plugins/fuzz/corpus/{name}"
            ));
        }
        for p in &saved {
            replay(name, *parse, p, &mut failures);
        }
        let found = files(&fuzz.join("regressions").join(name));
        for p in &found {
            replay(name, *parse, p, &mut failures);
        }
        corpus += saved.len();
        crashes += found.len();
    }
    eprintln!(
        "replayed {corpus} corpus inputs and {crashes} regressions over {} targets",
        PARSERS.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_through_every_parser() {
    let fixtures = files(&repo().join("tests/fixtures"));
    assert!(
        fixtures.len() >= 21,
        "expected the repository's fixtures, found {}",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for (name, parse) in PARSERS {
        for p in &fixtures {
            replay(name, *parse, p, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_parser_crate_has_a_fuzz_target() {
    let plugins = repo().join("plugins");
    let manifest =
        fs::read_to_string(plugins.join("fuzz/Cargo.toml")).expect("plugins/fuzz/Cargo.toml");
    let mut missing = Vec::new();
    let mut crates: Vec<String> = fs::read_dir(&plugins)
        .expect("plugins/")
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_prefix("parser-").map(str::to_string))
        .filter(|n| n != "support")
        .collect();
    crates.sort();
    for name in &crates {
        if fuzz_support::parse_fn(name).is_none() {
            missing.push(format!("{name}: no entry in fuzz_support::PARSERS"));
        }
        if !plugins
            .join(format!("fuzz/fuzz_targets/{name}.rs"))
            .is_file()
        {
            missing.push(format!("{name}: no plugins/fuzz/fuzz_targets/{name}.rs"));
        }
        if !manifest.contains(&format!("name = \"{name}\"")) {
            missing.push(format!("{name}: no [[bin]] in plugins/fuzz/Cargo.toml"));
        }
    }
    assert_eq!(crates.len(), PARSERS.len(), "parser crates {crates:?}");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
