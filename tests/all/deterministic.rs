//! Deterministic mode: fixed clocks, seeded random, fuel instead of wall
//! time; byte-identical `findings.json` for the same inputs.

use crate::common;

use cordon_manifest::{Capability, Limits, StageKind};
use cordon_runtime::{
    CallError, Determinism, LimitKind, LoadedStage, Runtime, RuntimeOptions, VerifiedComponent,
    verify::sha256_digest,
};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

fn hostile(rt: &Runtime) -> LoadedStage {
    let bytes = common::component_bytes("hostile");
    let pin = sha256_digest(&bytes);
    let v =
        VerifiedComponent::verify_pinned("hostile", StageKind::Parser, bytes, &pin).expect("pin");
    let limits = Limits {
        fuel: 50_000_000,
        timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    // Clock and random granted: deterministic mode fixes them anyway.
    let grants = [Capability::Log, Capability::Clock, Capability::Random];
    rt.load(v, &common::spec(StageKind::Parser, &grants, limits))
        .expect("loads")
}

fn probe(stage: &LoadedStage, cmd: &str) -> Result<String, CallError> {
    stage.parse(cmd.as_bytes()).map(|mut f| f.remove(0).message)
}

fn runtime(det: Option<Determinism>) -> Runtime {
    Runtime::with_options(
        Arc::new(|_, _, _| {}),
        RuntimeOptions {
            deterministic: det,
            ..RuntimeOptions::default()
        },
    )
    .expect("runtime")
}

#[test]
fn clocks_and_random_are_fixed_and_seeded() {
    let det = Determinism {
        epoch_secs: 1_700_000_000,
        seed: 7,
    };
    let rt = runtime(Some(det));
    let stage = hostile(&rt);
    let clock = probe(&stage, "clock").expect("clock");
    assert!(clock.starts_with("wall=1700000000000000000 "), "{clock}");
    assert_eq!(
        probe(&stage, "clock").expect("clock"),
        clock,
        "same readings every call"
    );
    let random = probe(&stage, "random").expect("random");
    assert_eq!(probe(&stage, "random").expect("random"), random);

    // Another seed, another stream; the real world differs call to call.
    let other = hostile(&runtime(Some(Determinism { seed: 8, ..det })));
    assert_ne!(probe(&other, "random").expect("random"), random);
    let real = hostile(&runtime(None));
    assert_ne!(
        probe(&real, "random").expect("r"),
        probe(&real, "random").expect("r")
    );
}

#[test]
fn fuel_stops_an_infinite_loop_identically_every_time() {
    let rt = runtime(Some(Determinism {
        epoch_secs: 0,
        seed: 0,
    }));
    let stage = hostile(&rt);
    let errors: Vec<String> = (0..3)
        .map(|_| {
            let err = probe(&stage, "loop").expect_err("cannot finish");
            assert!(
                matches!(
                    &err,
                    CallError::Limit {
                        limit: LimitKind::Fuel { budget: 50_000_000 },
                        ..
                    }
                ),
                "{err:?}"
            );
            err.to_string()
        })
        .collect();
    assert_eq!(
        errors[0],
        "stage hostile: exceeded its fuel budget of 50000000"
    );
    assert!(errors.iter().all(|e| *e == errors[0]));
    assert_eq!(probe(&stage, "ok").expect("healthy after"), "ok");
}

#[test]
fn two_deterministic_runs_write_identical_bytes() {
    let dir = tempfile::tempdir().expect("tmp");
    let reports = [
        common::fixture("sarif/webapp.sarif"),
        common::fixture("sarif/mixed.sarif"),
    ];
    let run = |out: &str| {
        let status = Command::new(env!("CARGO_BIN_EXE_cordon"))
            .args([
                "run",
                "--deterministic",
                "--seed",
                "3",
                "--env",
                "prod",
                "--no-cache",
            ])
            .args(&reports)
            .arg("--out")
            .arg(dir.path().join(out))
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .stderr(std::process::Stdio::null())
            .status()
            .expect("runs");
        assert_eq!(status.code(), Some(1));
        std::fs::read(dir.path().join(out).join("findings.json")).expect("written")
    };
    let (a, b) = (run("a"), run("b"));
    assert!(!a.is_empty());
    assert_eq!(a, b, "findings.json differs between two deterministic runs");
}
