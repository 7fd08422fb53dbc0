//! The authenticated compile cache: hits when the entry is authentic; a
//! poisoned, truncated, foreign or forged entry is discarded and recompiled,
//! never deserialized; the key never lives where the cache's writers can
//! read or replace it.

use crate::common;

use cordon_manifest::{Capability, Limits, StageKind};
use cordon_runtime::cache::{CacheError, CacheKey};
use cordon_runtime::{LoadedStage, Runtime, VerifiedComponent, verify::sha256_digest};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::Ordering;

const KEY_A: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const KEY_B: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

fn key(hex: &str) -> CacheKey {
    CacheKey::parse(hex, "test").expect("key")
}

fn runtime(cache: &Path, k: &str) -> Runtime {
    let mut rt = Runtime::new(Arc::new(|_, _, _| {})).expect("runtime");
    rt.enable_cache(cache, key(k)).expect("cache opens");
    rt
}

fn load_named(rt: &Runtime, name: &str) -> LoadedStage {
    let bytes = common::component_bytes(name);
    let pin = sha256_digest(&bytes);
    let v = VerifiedComponent::verify_pinned(name, StageKind::Parser, bytes, &pin).expect("pin");
    rt.load(
        v,
        &common::spec(StageKind::Parser, &[Capability::Log], Limits::default()),
    )
    .expect("loads")
}

fn load(rt: &Runtime) -> LoadedStage {
    load_named(rt, "parser-sarif")
}

fn stats(rt: &Runtime) -> (u64, u64, u64) {
    let s = &rt.cache().expect("cache").stats;
    (
        s.hits.load(Ordering::Relaxed),
        s.misses.load(Ordering::Relaxed),
        s.rejected.load(Ordering::Relaxed),
    )
}

fn works(stage: &LoadedStage) {
    let report = std::fs::read(common::fixture("sarif/webapp.sarif")).expect("fixture");
    assert_eq!(stage.parse(&report).expect("parses").len(), 4);
}

fn entry_for(rt: &Runtime, name: &str) -> PathBuf {
    let pin = sha256_digest(&common::component_bytes(name));
    rt.cache().expect("cache").entry_path(&pin)
}

fn entry(rt: &Runtime) -> PathBuf {
    entry_for(rt, "parser-sarif")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn authentic_entries_hit_and_bad_ones_are_recompiled() {
    let dir = tempfile::tempdir().expect("tmp");
    let cache = dir.path().join("cache");

    let rt = runtime(&cache, KEY_A);
    works(&load(&rt));
    assert_eq!(stats(&rt), (0, 1, 0), "first load compiles");
    let path = entry(&rt);
    assert!(path.is_file(), "entry written");
    #[cfg(unix)]
    {
        assert_eq!(mode(&cache), 0o700, "the cache directory is private");
        assert_eq!(mode(&path), 0o600, "entries are private");
    }
    let names: Vec<_> = std::fs::read_dir(&cache)
        .expect("list")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert_eq!(
        names.len(),
        1,
        "one entry, no key and no temp file: {names:?}"
    );

    let rt = runtime(&cache, KEY_A);
    works(&load(&rt));
    assert_eq!(stats(&rt), (1, 0, 0), "second process hits");

    // Poisoned: one byte of the compiled code changed.
    let mut bytes = std::fs::read(&path).expect("entry");
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&path, &bytes).expect("poison");
    let rt = runtime(&cache, KEY_A);
    works(&load(&rt));
    assert_eq!(
        stats(&rt),
        (0, 0, 1),
        "poisoned entry rejected and recompiled"
    );
    let rt = runtime(&cache, KEY_A);
    works(&load(&rt));
    assert_eq!(
        stats(&rt),
        (1, 0, 0),
        "the recompiled entry was stored again"
    );

    // Truncated, and shorter than a tag.
    for len in [n - 100, 10] {
        let bytes = std::fs::read(&path).expect("entry");
        std::fs::write(&path, &bytes[..len.min(bytes.len())]).expect("truncate");
        let rt = runtime(&cache, KEY_A);
        works(&load(&rt));
        assert_eq!(stats(&rt), (0, 0, 1), "truncated to {len}");
    }

    // Foreign: a valid entry made under another runner's key.
    let other = dir.path().join("other");
    let rt_other = runtime(&other, KEY_B);
    works(&load(&rt_other));
    std::fs::copy(entry(&rt_other), &path).expect("plant foreign entry");
    let rt = runtime(&cache, KEY_A);
    works(&load(&rt));
    assert_eq!(stats(&rt), (0, 0, 1), "foreign entry rejected");

    // A symlink planted as the entry is not followed.
    std::fs::remove_file(&path).expect("rm");
    std::os::unix::fs::symlink(entry(&rt_other), &path).expect("symlink");
    let rt = runtime(&cache, KEY_A);
    works(&load(&rt));
    assert_eq!(stats(&rt), (0, 0, 1), "symlinked entry rejected");
}

#[test]
fn a_cache_directory_others_can_change_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let open = |p: &Path| {
        let mut rt = Runtime::new(Arc::new(|_, _, _| {})).expect("runtime");
        rt.enable_cache(p, key(KEY_A))
    };
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).expect("mkdir");
    chmod(&shared, 0o777);
    let err = open(&shared).expect_err("world-writable");
    assert!(matches!(err, CacheError::Insecure { .. }), "{err}");
    assert!(err.to_string().contains("mode 0777"), "{err}");
    chmod(&shared, 0o770);
    let err = open(&shared).expect_err("group-writable");
    assert!(
        err.to_string().contains("other users can write it"),
        "{err}"
    );
    chmod(&shared, 0o755);
    open(&shared).expect("0755 owned by us is fine");

    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&shared, &link).expect("symlink");
    let err = open(&link).expect_err("symlink");
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn key_files_must_be_private_and_are_created_private() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("state/cordon");
    let file = state.join("cache.key");
    CacheKey::load_or_create(&file).expect("created");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&state), 0o700);
    let bytes = std::fs::read(&file).expect("read");
    assert_eq!(bytes.len(), 32);
    CacheKey::load_or_create(&file).expect("read back");
    assert_eq!(std::fs::read(&file).expect("read"), bytes, "not replaced");

    for (m, what) in [
        (0o644, "mode 0644"),
        (0o660, "mode 0660"),
        (0o604, "mode 0604"),
    ] {
        chmod(&file, m);
        let err = CacheKey::load_or_create(&file).expect_err(what);
        assert!(
            matches!(err, CacheError::Insecure { .. }) && err.to_string().contains(what),
            "{err}"
        );
    }
    chmod(&file, 0o600);

    std::fs::write(state.join("short.key"), b"short").expect("write");
    chmod(&state.join("short.key"), 0o600);
    let err = CacheKey::load_or_create(&state.join("short.key")).expect_err("short");
    assert!(
        err.to_string().contains("is corrupt (expected 32 bytes)"),
        "{err}"
    );

    let link = state.join("link.key");
    std::os::unix::fs::symlink(&file, &link).expect("symlink");
    let err = CacheKey::load_or_create(&link).expect_err("symlink");
    assert!(err.to_string().contains("symbolic link"), "{err}");

    chmod(&state, 0o777);
    let err = CacheKey::load_or_create(&file).expect_err("shared key dir");
    assert!(
        err.to_string().contains("other users can write it"),
        "{err}"
    );
    chmod(&state, 0o700);
}

// ---------------------------------------------------------------------------
// Forgery, end to end through `cordon run`.
// ---------------------------------------------------------------------------

/// The tag an attacker who knows `key` computes for `body` under `digest`
/// (the published entry layout of the compile cache).
fn forge_tag(key: &[u8], digest: &str, engine_hash: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("hmac key");
    mac.update(b"cordon-compile-cache-v1");
    mac.update(&(digest.len() as u64).to_le_bytes());
    mac.update(digest.as_bytes());
    mac.update(engine_hash.as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// Native code of the hostile test component, compiled by the same cordon
/// (what an attacker builds on their own machine), and the engine hash its
/// entry name carries.
fn hostile_native_code(scratch: &Path) -> (Vec<u8>, String) {
    let rt = runtime(scratch, KEY_B);
    let _ = load_named(&rt, "hostile");
    let path = entry_for(&rt, "hostile");
    let data = std::fs::read(&path).expect("hostile entry");
    let name = path
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned();
    let engine_hash = name.rsplit('-').next().expect("engine hash").to_string();
    (data[32..].to_vec(), engine_hash)
}

struct RunResult {
    code: i32,
    stderr: String,
    findings: usize,
    parser: String,
}

fn cordon_run(cache: &Path, state: &Path, out: &Path) -> RunResult {
    let o = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(["run", "--cache-dir"])
        .arg(cache)
        .arg("--out")
        .arg(out)
        .arg(common::fixture("sarif/webapp.sarif"))
        .env("XDG_STATE_HOME", state)
        .env_remove("CORDON_CACHE_KEY")
        .env_remove("CORDON_CACHE_DIR")
        .env_remove("CORDON_ENV")
        .output()
        .expect("cordon runs");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).expect("findings.json"))
            .expect("json");
    RunResult {
        code: o.status.code().expect("exit code"),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        findings: json["findings"].as_array().map_or(0, Vec::len),
        parser: json["inputs"][0]["parser"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    }
}

/// An attacker who can write the cache directory (a restored CI cache, a
/// shared runner's `~/.cache`) plants the hostile component's native code
/// under the name of the embedded SARIF parser, tagged with a key they
/// chose and left beside it as `cache.key` (where cordon once kept its key),
/// and, in a second attempt, tagged with the real key read from a key file
/// someone left readable. Neither entry is ever deserialized: the run gives
/// exactly the result of a run without any cache.
#[test]
fn forged_entries_are_never_deserialized() {
    let dir = tempfile::tempdir().expect("tmp");
    let (body, engine_hash) = hostile_native_code(&dir.path().join("attacker"));
    let sarif = sha256_digest(&common::component_bytes("parser-sarif"));
    let state = dir.path().join("state");
    let cache = dir.path().join("cache");

    // The honest result.
    let honest = cordon_run(&cache, &state, &dir.path().join("out0"));
    assert_eq!(honest.parser, "parser-sarif", "{}", honest.stderr);
    assert_eq!((honest.code, honest.findings), (0, 3), "{}", honest.stderr);
    let entry = cache.join(format!(
        "{}-{engine_hash}.cwasm",
        sarif.trim_start_matches("sha256:")
    ));
    assert!(entry.is_file(), "the honest run cached parser-sarif");

    // 1. A key the attacker chose, written into the cache directory.
    let attacker_key = [0x41u8; 32];
    std::fs::write(cache.join("cache.key"), attacker_key).expect("plant key");
    chmod(&cache.join("cache.key"), 0o600);
    let forged = [
        forge_tag(&attacker_key, &sarif, &engine_hash, &body),
        body.clone(),
    ]
    .concat();
    std::fs::write(&entry, &forged).expect("plant entry");
    let r = cordon_run(&cache, &state, &dir.path().join("out1"));
    assert_eq!(
        (r.code, r.findings, r.parser.as_str()),
        (honest.code, honest.findings, "parser-sarif"),
        "the forged entry ran: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("unknown command"), "{}", r.stderr);
    assert_ne!(
        std::fs::read(&entry).expect("entry"),
        forged,
        "the forged entry was discarded and replaced"
    );

    // 2. The real key, from a key file that others could read: cordon
    //    refuses that key (and so the cache) rather than trust it.
    let key_file = state.join("cordon/cache.key");
    let real_key = std::fs::read(&key_file).expect("real key");
    chmod(&key_file, 0o644);
    let forged = [
        forge_tag(&real_key, &sarif, &engine_hash, &body),
        body.clone(),
    ]
    .concat();
    std::fs::write(&entry, &forged).expect("plant entry");
    let r = cordon_run(&cache, &state, &dir.path().join("out2"));
    assert_eq!(
        (r.code, r.findings, r.parser.as_str()),
        (honest.code, honest.findings, "parser-sarif"),
        "the forged entry ran: {}",
        r.stderr
    );
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("continuing without a compile cache"))
        .collect();
    assert_eq!(warnings.len(), 1, "says so once: {}", r.stderr);
    assert!(warnings[0].contains("mode 0644"), "{}", warnings[0]);
}

/// No key to be had (no HOME, no XDG_STATE_HOME, no CORDON_CACHE_KEY): the
/// run works, without a cache, and says so once. A malformed explicit key is
/// a configuration error.
#[test]
fn without_a_usable_key_the_run_works_uncached() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |envs: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cordon"));
        c.args(["run", "--cache-dir"])
            .arg(dir.path().join("cache"))
            .arg("--out")
            .arg(dir.path().join("out"))
            .arg(common::fixture("sarif/clean.sarif"))
            .env_remove("HOME")
            .env_remove("XDG_STATE_HOME")
            .env_remove("CORDON_CACHE_KEY")
            .env_remove("CORDON_ENV");
        for (k, v) in envs {
            c.env(k, v);
        }
        let o = c.output().expect("runs");
        (
            o.status.code().expect("code"),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.matches("continuing without a compile cache").count(),
        1,
        "{stderr}"
    );
    let (code, stderr) = run(&[("CORDON_CACHE_KEY", KEY_A)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("without a compile cache"), "{stderr}");
    let (code, stderr) = run(&[("CORDON_CACHE_KEY", "not-a-key")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CORDON_CACHE_KEY"), "{stderr}");
    // A key file inside the cache directory is refused.
    let cache = dir.path().join("cache");
    let (code, stderr) = run(&[("XDG_STATE_HOME", cache.to_str().expect("utf-8"))]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("inside the cache directory"), "{stderr}");
}
