//! Hostile stages against the real runtime. Each test performs one attack,
//! asserts the exact deny path, and then proves the host is intact: a healthy
//! call on the same process-wide engine succeeds afterwards.
//!
//! The attacker is `plugins/testing/hostile`, a real Rust component built
//! for wasm32-wasip2 (its input is the command to carry out), plus inline
//! component WAT where no toolchain is needed.

use crate::common;

use common::{component_bytes, load, runtime, spec};
use cordon_manifest::{Capability, Limits, StageKind};
use cordon_runtime::{CallError, LimitKind, LoadError, LoadedStage};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn hostile_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| component_bytes("hostile"))
}

fn test_limits() -> Limits {
    Limits {
        memory_bytes: 64 << 20,
        timeout: Duration::from_millis(500),
        max_findings: 1000,
        max_string_bytes: 1 << 20,
        max_log_bytes: 16 << 10,
        fuel: 1_000_000_000,
    }
}

/// The hostile stage with `log` granted and test limits; compiled once.
fn hostile() -> &'static LoadedStage {
    static STAGE: OnceLock<LoadedStage> = OnceLock::new();
    STAGE.get_or_init(|| {
        let s = spec(StageKind::Parser, &[Capability::Log], test_limits());
        load("hostile", hostile_bytes().to_vec(), &s).expect("hostile stage loads")
    })
}

/// Run one command; return the message of the single finding it reports.
fn probe(cmd: &str) -> Result<String, CallError> {
    probe_on(hostile(), cmd)
}

/// Run one command on `stage`; return the message of its single finding.
fn probe_on(stage: &LoadedStage, cmd: &str) -> Result<String, CallError> {
    let mut findings = stage.parse(cmd.as_bytes())?;
    assert_eq!(findings.len(), 1, "{cmd}: one finding expected");
    Ok(findings.remove(0).message)
}

/// The host is intact: a healthy call succeeds after the attack.
fn assert_host_intact() {
    assert_eq!(probe("ok").expect("healthy call after the attack"), "ok");
}

#[test]
fn reading_etc_passwd_is_denied() {
    let msg = probe("read:/etc/passwd").expect("the stage survives a denied read");
    assert!(msg.starts_with("denied:"), "read was not denied: {msg}");
    for path in ["../../../../etc/passwd", "/proc/self/environ", "."] {
        let msg = probe(&format!("read:{path}")).expect("survives");
        assert!(msg.starts_with("denied:"), "{path}: {msg}");
    }
    assert_host_intact();
}

#[test]
fn writing_a_file_is_denied() {
    let target = std::env::temp_dir().join("cordon-hostile-write-probe");
    let _ = std::fs::remove_file(&target);
    let msg = probe(&format!("write:{}", target.display())).expect("survives");
    assert!(msg.starts_with("denied:"), "{msg}");
    assert!(!target.exists(), "the stage created a host file");
    assert_host_intact();
}

#[test]
fn environment_and_arguments_are_empty() {
    // SAFETY-free: set_var is safe in edition 2024 only inside unsafe; use a
    // variable every CI runner has instead.
    assert!(std::env::var("PATH").is_ok(), "the host itself has PATH");
    assert_eq!(probe("env:PATH").expect("survives"), "var=None count=0");
    assert_eq!(probe("args").expect("survives"), "args=0");
    assert_host_intact();
}

#[test]
fn network_is_denied() {
    for cmd in ["tcp:127.0.0.1:9", "udp:127.0.0.1:9", "dns:localhost"] {
        let msg = probe(cmd).expect("survives");
        assert!(msg.starts_with("denied:"), "{cmd}: {msg}");
    }
    assert_host_intact();
}

#[test]
fn infinite_loop_hits_the_deadline() {
    let start = Instant::now();
    let err = probe("loop").expect_err("an infinite loop cannot finish");
    let took = start.elapsed();
    assert!(
        matches!(&err, CallError::Limit { stage, limit: LimitKind::Deadline { timeout } }
            if stage == "hostile" && *timeout == Duration::from_millis(500)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "stage hostile: exceeded its deadline of 500 ms"
    );
    assert!(
        took < Duration::from_secs(3),
        "deadline enforced late: {took:?}"
    );
    assert_host_intact();
}

#[test]
fn memory_bomb_is_stopped_at_the_budget() {
    let err = probe("alloc").expect_err("unbounded allocation cannot succeed");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::Memory { budget }, .. } if *budget == 64 << 20),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "stage hostile: exceeded its memory budget of 64 MiB"
    );
    assert_host_intact();
}

#[test]
fn deep_recursion_is_a_stack_limit() {
    let err = probe("recurse").expect_err("unbounded recursion cannot finish");
    assert!(
        matches!(
            &err,
            CallError::Limit {
                limit: LimitKind::Stack,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "stage hostile: exceeded its wasm stack limit (stack overflow)"
    );
    assert_host_intact();
}

#[test]
fn shadow_stack_overflow_traps_inside_the_sandbox() {
    // Rust keeps big frames on a shadow stack in linear memory; running off
    // its end is an out-of-bounds access of the guest's own memory: a trap,
    // never a host fault.
    let err = probe("recurse-shadow").expect_err("unbounded recursion cannot finish");
    assert!(
        matches!(&err, CallError::Trap { detail, .. } if detail.contains("out of bounds memory access")),
        "{err:?}"
    );
    assert_host_intact();
}

#[test]
fn panic_is_a_trap_with_the_guest_message() {
    let err = probe("panic").expect_err("panics");
    match &err {
        CallError::Trap { stage, detail } => {
            assert_eq!(stage, "hostile");
            assert!(
                detail.contains("hostile stage panicked on purpose"),
                "{detail}"
            );
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert_host_intact();
}

#[test]
fn output_floods_are_errors_not_truncation() {
    let err = probe("findings:1001").expect_err("over the finding cap");
    assert!(
        matches!(
            &err,
            CallError::Limit {
                limit: LimitKind::Findings { max: 1000 },
                ..
            }
        ),
        "{err:?}"
    );
    let err = probe(&format!("bigstring:{}", 2 << 20)).expect_err("over the string cap");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::StringBytes { max } , .. } if *max == 1 << 20),
        "{err:?}"
    );
    let err = probe("log:100").expect_err("over the log cap");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::LogBytes { max }, .. } if *max == 16 << 10),
        "{err:?}"
    );
    // Under the caps, the same stage is fine.
    assert_eq!(
        hostile().parse(b"findings:1000").expect("at the cap").len(),
        1000
    );
    assert_eq!(probe("log:10").expect("under the log cap"), "logged");
    assert_host_intact();
}

#[test]
fn list_floods_inside_a_finding_are_errors() {
    use cordon_runtime::validate::{MAX_LIST_ITEMS, MAX_LOCATIONS};
    // Each list of one finding has its own cap: one entry over it fails the
    // call with an invalid-output error naming the record and the list.
    for (field, max) in [
        ("locations", MAX_LOCATIONS),
        ("cwes", MAX_LIST_ITEMS),
        ("tags", MAX_LIST_ITEMS),
        ("vulnerability_ids", MAX_LIST_ITEMS),
        ("fixed_versions", MAX_LIST_ITEMS),
    ] {
        let at_cap = probe(&format!("list:{field}:{max}")).expect("at the cap");
        assert_eq!(at_cap, format!("{field}:{max}"));
        let err = probe(&format!("list:{field}:{}", max + 1)).expect_err("over the cap");
        let CallError::InvalidOutput { stage, detail } = &err else {
            panic!("{field}: expected invalid-output, got {err:?}");
        };
        assert_eq!(stage, "hostile");
        assert!(
            detail.starts_with("record 0: `")
                && detail.contains(&format!(
                    "{field}` has {} entries, more than {max}",
                    max + 1
                )),
            "{detail}"
        );
    }
    // The audit's attack: a flood of empty locations in one finding (half a
    // million fit in the test stage's 64 MiB; the audit's 3 million needed
    // the default 512 MiB). So many entries already exceed what a call may
    // transfer to the host: refused while wasmtime lifts them, before the
    // host holds them.
    let err = probe("list:locations:500000").expect_err("500 000 locations");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::StringBytes { max }, .. } if *max == 1 << 20),
        "{err:?}"
    );
    // Under the per-finding caps, many findings with many entries are a
    // flood of the call's budget like any other (the per-entry charge of
    // validation is unit-tested in validate::tests; here the transfer bound
    // stops it first).
    let err = probe_flood("spread:1000:100").expect_err("over the call's budget");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::StringBytes { max }, .. } if *max == 1 << 20),
        "{err:?}"
    );
    assert_eq!(probe_flood("spread:100:60").expect("under the budget"), 100);
    assert_host_intact();
}

fn probe_flood(cmd: &str) -> Result<usize, CallError> {
    hostile().parse(cmd.as_bytes()).map(|f| f.len())
}

/// A directory tree for the `fs-read` tests: a file to read, links planted
/// to lead out of it, and a secret beside it. Removed on drop.
struct Granted {
    root: std::path::PathBuf,
}

impl Granted {
    fn new(tag: &str) -> Granted {
        use std::os::unix::fs::symlink;
        let root =
            std::env::temp_dir().join(format!("cordon-fs-read-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("granted");
        std::fs::create_dir_all(dir.join("sub")).expect("temp dir");
        std::fs::write(dir.join("CODEOWNERS"), "* @team-a\n").expect("write");
        std::fs::write(root.join("secret.txt"), "runner secret").expect("write");
        symlink("CODEOWNERS", dir.join("inside-link")).expect("symlink");
        symlink("/etc/passwd", dir.join("to-etc-passwd")).expect("symlink");
        symlink("/", dir.join("to-root")).expect("symlink");
        symlink("..", dir.join("up")).expect("symlink");
        symlink("../../secret.txt", dir.join("sub/to-secret")).expect("symlink");
        Granted { root }
    }

    fn dir(&self) -> std::path::PathBuf {
        self.root.join("granted")
    }
}

impl Drop for Granted {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Load the hostile stage with `capabilities` and `fs_read` set to `dir`.
fn hostile_with_dir(name: &str, capabilities: &[Capability], dir: &std::path::Path) -> LoadedStage {
    let mut s = spec(StageKind::Parser, capabilities, test_limits());
    s.fs_read = Some(dir.to_path_buf());
    load(name, hostile_bytes().to_vec(), &s).expect("hostile stage loads")
}

fn message(stage: &LoadedStage, cmd: &str) -> String {
    probe_on(stage, cmd).expect("the stage survives")
}

#[test]
fn fs_read_grant_cannot_be_left_through_links_or_dotdot() {
    let tree = Granted::new("escape");
    let stage = hostile_with_dir(
        "hostile-fs",
        &[Capability::Log, Capability::FsRead],
        &tree.dir(),
    );
    assert_eq!(stage.fs_read(), Some(tree.dir().as_path()));
    // The grant works: the file, and a link that stays inside.
    assert_eq!(message(&stage, "read:/data/CODEOWNERS"), "READ 10 bytes");
    assert_eq!(message(&stage, "read:/data/inside-link"), "READ 10 bytes");
    // Every way out is denied.
    for path in [
        "/data/to-etc-passwd",
        "/data/to-root/etc/passwd",
        "/data/up/secret.txt",
        "/data/sub/to-secret",
        "/data/../secret.txt",
        "/data/sub/../../secret.txt",
        "/etc/passwd",
    ] {
        let msg = message(&stage, &format!("read:{path}"));
        assert!(msg.starts_with("denied:"), "{path}: {msg}");
    }
    assert_host_intact();
}

#[test]
fn fs_read_grant_is_read_only() {
    let tree = Granted::new("write");
    let dir = tree.dir();
    let stage = hostile_with_dir(
        "hostile-fs-write",
        &[Capability::Log, Capability::FsRead],
        &dir,
    );
    for path in [
        "/data/CODEOWNERS",
        "/data/new-file",
        "/data/sub/new-file",
        "/data/inside-link",
    ] {
        let msg = message(&stage, &format!("write:{path}"));
        assert!(msg.starts_with("denied:"), "{path}: {msg}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("CODEOWNERS")).expect("read"),
        "* @team-a\n"
    );
    assert!(!dir.join("new-file").exists() && !dir.join("sub/new-file").exists());
    assert_host_intact();
}

#[test]
fn fs_read_without_the_grant_sees_nothing() {
    // The pipeline names a directory but does not grant `fs-read` (the
    // pipeline parser never builds such a spec; the runtime refuses anyway).
    let tree = Granted::new("ungranted");
    let stage = hostile_with_dir("hostile-fs-none", &[Capability::Log], &tree.dir());
    assert_eq!(stage.fs_read(), None);
    let msg = message(&stage, "read:/data/CODEOWNERS");
    assert!(msg.starts_with("denied:"), "{msg}");
    assert_host_intact();
}

#[test]
fn fs_read_of_a_missing_directory_fails_at_load() {
    let mut s = spec(
        StageKind::Parser,
        &[Capability::Log, Capability::FsRead],
        test_limits(),
    );
    s.fs_read = Some(std::env::temp_dir().join("cordon-no-such-dir-for-fs-read"));
    let err = load("hostile-fs-missing", hostile_bytes().to_vec(), &s).expect_err("no directory");
    assert!(
        matches!(&err, LoadError::Unreadable { stage, .. } if stage == "hostile-fs-missing"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("cordon-no-such-dir-for-fs-read"),
        "{err}"
    );
}

#[test]
fn ungranted_capability_is_denied_by_name() {
    let s = spec(StageKind::Parser, &[], test_limits());
    let stage = load("hostile-nolog", hostile_bytes().to_vec(), &s).expect("loads");
    let err = stage.parse(b"log:1").expect_err("log not granted");
    assert!(
        matches!(&err, CallError::CapabilityDenied { stage, capability } if stage == "hostile-nolog" && capability == "log"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "stage hostile-nolog: used capability `log`, which it was not granted"
    );
    // The same stage without logging works.
    assert_eq!(stage.parse(b"ok").expect("no capability needed").len(), 1);
    assert_host_intact();
}

#[test]
fn unknown_import_fails_before_anything_runs() {
    let wat = r#"(component
        (import "evil:exfil/net@1.0.0" (instance
            (export "send" (func (param "data" string)))))
    )"#;
    let bytes = wat::parse_str(wat).expect("valid WAT");
    let s = spec(StageKind::Parser, &[Capability::Log], test_limits());
    let err = load("exfil", bytes, &s).expect_err("unknown import");
    match &err {
        LoadError::UnknownImport { stage, detail } => {
            assert_eq!(stage, "exfil");
            assert!(detail.contains("evil:exfil/net@1.0.0"), "{detail}");
        }
        other => panic!("expected UnknownImport, got {other:?}"),
    }
    assert_host_intact();
}

#[test]
fn component_of_the_wrong_world_is_refused() {
    // The hostile parser loaded as a normalizer.
    let s = spec(StageKind::Normalizer, &[], test_limits());
    let pin = cordon_runtime::verify::sha256_digest(hostile_bytes());
    let verified = cordon_runtime::VerifiedComponent::verify_pinned(
        "hostile",
        StageKind::Normalizer,
        hostile_bytes().to_vec(),
        &pin,
    )
    .expect("pin matches");
    let err = runtime()
        .load(verified, &s)
        .expect_err("no normalize export");
    assert!(
        matches!(
            &err,
            LoadError::WrongWorld {
                world: "normalizer",
                ..
            }
        ),
        "{err:?}"
    );
    assert_host_intact();
}

#[test]
fn not_a_component_is_a_compile_error() {
    let s = spec(StageKind::Parser, &[], test_limits());
    let err = load("garbage", b"\0asm\x0d\0\x01\0garbage".to_vec(), &s).expect_err("garbage");
    assert!(matches!(&err, LoadError::Compile { .. }), "{err:?}");
    assert_host_intact();
}

#[test]
fn concurrent_attacks_do_not_disturb_healthy_calls() {
    let handles: Vec<_> = ["loop", "alloc", "panic", "ok", "recurse", "ok"]
        .into_iter()
        .map(|cmd| std::thread::spawn(move || (cmd, probe(cmd))))
        .collect();
    for h in handles {
        let (cmd, result) = h.join().expect("no host panic");
        match cmd {
            "ok" => assert_eq!(result.expect("healthy"), "ok"),
            _ => assert!(result.is_err(), "{cmd} must fail"),
        }
    }
}

/// Clocks and random are capabilities: without a grant a stage's wall clock
/// reads the Unix epoch, its monotonic clock only counts readings, and its
/// random streams are seeded (a timing side channel and a source of
/// non-determinism closed by default). Granted, they are real.
#[test]
fn clock_and_random_are_fixed_unless_granted() {
    let clock = probe("clock").expect("clock");
    assert!(clock.starts_with("wall=0 mono_delta=1ns "), "{clock}");
    assert_eq!(probe("clock").expect("clock"), clock, "same every call");
    let random = probe("random").expect("random");
    assert_eq!(probe("random").expect("random"), random, "seeded");

    let granted = spec(
        StageKind::Parser,
        &[Capability::Log, Capability::Clock, Capability::Random],
        test_limits(),
    );
    let real = load("hostile", hostile_bytes().to_vec(), &granted).expect("loads");
    assert_eq!(
        real.grants(),
        [Capability::Log, Capability::Clock, Capability::Random]
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    let wall: u128 = probe_on(&real, "clock")
        .expect("clock")
        .strip_prefix("wall=")
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("wall reading");
    assert!(wall.abs_diff(now) < 60_000_000_000, "{wall} vs {now}");
    assert_ne!(
        probe_on(&real, "random").expect("r"),
        probe_on(&real, "random").expect("r"),
        "real random differs call to call"
    );
    assert_host_intact();
}

/// Load the hostile stage on `rt` as `name`, granted `fs-read` of `dir`.
fn load_fs_reader(
    rt: &cordon_runtime::Runtime,
    name: &str,
    dir: &std::path::Path,
) -> Result<LoadedStage, LoadError> {
    let bytes = hostile_bytes().to_vec();
    let pin = cordon_runtime::verify::sha256_digest(&bytes);
    let v = cordon_runtime::VerifiedComponent::verify_pinned(name, StageKind::Parser, bytes, &pin)
        .expect("pin");
    let mut s = spec(
        StageKind::Parser,
        &[Capability::Log, Capability::FsRead],
        test_limits(),
    );
    s.fs_read = Some(dir.to_path_buf());
    rt.load(v, &s)
}

/// `fs-read` of the whole filesystem, of the kernel's process / system /
/// device views (`/proc/self/environ` holds the runner's secrets) or of
/// cordon's own state is refused at load, before any guest code runs,
/// however the path is spelled (a symlink to `/proc` counts as `/proc`).
#[test]
fn fs_read_of_system_or_cordon_directories_is_refused() {
    let tree = Granted::new("forbidden");
    let state = tree.root.join("state");
    let cache = tree.root.join("cache");
    std::fs::create_dir_all(cache.join("sub")).expect("mkdir");
    std::fs::create_dir_all(&state).expect("mkdir");
    let link = tree.root.join("to-proc");
    std::os::unix::fs::symlink("/proc", &link).expect("symlink");
    let mut rt = cordon_runtime::Runtime::new(std::sync::Arc::new(|_, _, _| {})).expect("rt");
    rt.protect_dir(&state);
    rt.protect_dir(&cache);
    let load_with = |dir: &std::path::Path| load_fs_reader(&rt, "hostile-fs-forbidden", dir);
    for dir in [
        std::path::PathBuf::from("/"),
        "/proc".into(),
        "/proc/self".into(),
        "/sys".into(),
        "/dev".into(),
        "/proc/../proc".into(),
        link.clone(),
        link.join("self"),
        state.clone(),
        cache.clone(),
        cache.join("sub"),
        tree.root.clone(),
    ] {
        let err = load_with(&dir).expect_err(&dir.display().to_string());
        assert!(
            matches!(&err, LoadError::GrantRefused { stage, .. } if stage == "hostile-fs-forbidden"),
            "{}: {err:?}",
            dir.display()
        );
        assert_eq!(err.kind(), "grant-refused");
        assert!(
            err.to_string()
                .contains(&format!("fs-read:{}", dir.display())),
            "{err}"
        );
    }
    // An ordinary directory beside them is fine.
    load_with(&tree.dir()).expect("a plain directory is granted");
}

/// A granted directory that holds `.git` (where a CI checkout keeps its
/// token) loads, with a warning naming it.
#[test]
fn fs_read_of_a_checkout_root_warns() {
    let tree = Granted::new("git");
    std::fs::create_dir_all(tree.dir().join(".git")).expect("mkdir");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink_seen = seen.clone();
    let rt = cordon_runtime::Runtime::new(std::sync::Arc::new(move |stage: &str, _, msg: &str| {
        if let Ok(mut v) = sink_seen.lock() {
            v.push(format!("{stage}: {msg}"));
        }
    }))
    .expect("rt");
    load_fs_reader(&rt, "hostile-fs-git", &tree.dir()).expect("loads");
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("hostile-fs-git: ")
            && seen[0].contains("holds .git, where CI checkouts keep credentials"),
        "{seen:?}"
    );
}

/// The findings parser-sarif reads from the webapp fixture (4, input 0).
fn sarif_findings() -> Vec<cordon_model::Finding> {
    static FINDINGS: OnceLock<Vec<cordon_model::Finding>> = OnceLock::new();
    FINDINGS
        .get_or_init(|| {
            let s = spec(StageKind::Parser, &[Capability::Log], test_limits());
            let parser = load("parser-sarif", component_bytes("parser-sarif"), &s).expect("loads");
            let report = std::fs::read(common::fixture("sarif/webapp.sarif")).expect("fixture");
            parser.parse(&report).expect("parses")
        })
        .clone()
}

fn rogue(kind: StageKind, config: &[(&str, &str)]) -> LoadedStage {
    let name = match kind {
        StageKind::Normalizer => "rogue-normalizer",
        _ => "rogue-policy",
    };
    let mut s = spec(kind, &[Capability::Log, Capability::Config], test_limits());
    s.config = config
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load(name, component_bytes(name), &s).expect("rogue stage loads")
}

/// A normalizer may merge findings, never drop or invent them: every input
/// finding is accounted for exactly once, every output keeps the provenance
/// of one of its sources, no two outputs share a fingerprint.
#[test]
fn a_normalizer_cannot_drop_invent_or_double_count_findings() {
    let findings = sarif_findings();
    assert_eq!(findings.len(), 4);
    let honest = rogue(StageKind::Normalizer, &[("mode", "honest")])
        .normalize(&findings, 1)
        .expect("honest accounting is accepted");
    assert_eq!(honest.len(), 4);
    let cases = [
        (
            "drop",
            "1 input finding(s) are accounted for by no output (dropped)",
        ),
        ("invent", "finding 4 stands for no input finding (invented)"),
        (
            "count-twice",
            "input finding 0 is accounted for twice (again by finding 1)",
        ),
        (
            "foreign-source",
            "finding 0 names input finding 11, but there are only 4",
        ),
        (
            "forge-provenance",
            "finding 0 claims input 0 at \"/somewhere/else\", which none of the findings it stands for has",
        ),
        (
            "same-fingerprint",
            "finding 1 has fingerprint fp-0 like an earlier one",
        ),
        ("short-sources", "returned 4 findings but sources for 3"),
    ];
    for (mode, expected) in cases {
        let err = rogue(StageKind::Normalizer, &[("mode", mode)])
            .normalize(&findings, 1)
            .expect_err(mode);
        assert!(
            matches!(&err, CallError::InvalidOutput { stage, detail }
                if stage == "rogue-normalizer" && detail.contains(expected)),
            "{mode}: {err}"
        );
    }
    assert_host_intact();
}

/// A policy's `suppressed` decision must name a suppression the policy
/// document declares, with the document's expiry, not expired by the run's
/// date.
#[test]
fn a_policy_cannot_suppress_with_undeclared_or_expired_suppressions() {
    let findings = rogue(StageKind::Normalizer, &[])
        .normalize(&sarif_findings(), 1)
        .expect("normalised");
    let document = "name = \"p\"\nversion = \"1\"\n\
        [[suppressions]]\nid = \"SUP-1\"\nowner = \"a@b\"\nexpires = \"2020-01-01\"\nreason = \"r\"\nrule_id = \"x\"\n\
        [[suppressions]]\nid = \"SUP-2\"\nowner = \"a@b\"\nexpires = \"2099-01-01\"\nreason = \"r\"\nrule_id = \"y\"\n";
    let ctx = cordon_runtime::PolicyContext {
        environment: String::new(),
        today: "2026-12-06".into(),
    };
    let evaluate = |config: &[(&str, &str)], document: &str| {
        rogue(StageKind::Policy, config).evaluate(&findings, document, "sha256:0", &ctx)
    };
    let ok = evaluate(&[("id", "SUP-2"), ("expires", "2099-01-01")], document)
        .expect("a declared, current suppression is accepted");
    assert_eq!(ok.len(), 4);
    let lapsed = evaluate(
        &[
            ("id", "SUP-1"),
            ("expires", "2020-01-01"),
            ("claim", "expired"),
        ],
        document,
    )
    .expect("a declared suppression that has expired may be named as expired");
    assert_eq!(
        lapsed[0]
            .expired_suppression
            .as_ref()
            .map(|s| s.id.as_str()),
        Some("SUP-1")
    );
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 7] = [
        (
            &[
                ("id", "SUP-2"),
                ("expires", "2099-01-01"),
                ("claim", "expired"),
            ],
            document,
            "names \"SUP-2\" (expires \"2099-01-01\") as an expired suppression",
        ),
        (
            &[("claim", "expired")],
            document,
            "names \"SUP-FAKE\" (expires \"never\") as an expired suppression",
        ),
        (
            &[
                ("id", "SUP-1"),
                ("expires", "2019-01-01"),
                ("claim", "expired"),
            ],
            document,
            "names \"SUP-1\" (expires \"2019-01-01\") as an expired suppression",
        ),
        (
            &[],
            document,
            "with \"SUP-FAKE\", which the policy document does not declare",
        ),
        (
            &[("id", "SUP-1"), ("expires", "2020-01-01")],
            document,
            "applies suppression \"SUP-1\", which expired on 2020-01-01 (the run's date is 2026-12-06)",
        ),
        (
            &[("id", "SUP-1")],
            document,
            "suppression \"SUP-1\" expires \"2020-01-01\" in the policy document, the stage said \"never\"",
        ),
        (
            &[("id", "SUP-2"), ("expires", "2099-01-01")],
            "not toml at all {",
            "which the policy document does not declare",
        ),
    ];
    for (config, doc, expected) in cases {
        let err = evaluate(config, doc).expect_err(expected);
        assert!(
            matches!(&err, CallError::InvalidOutput { stage, detail }
                if stage == "rogue-policy" && detail.contains(expected)),
            "{config:?}: {err}"
        );
    }
    assert_host_intact();
}
