//! The authenticated compile cache: hits when the entry is authentic, and a
//! poisoned, truncated or foreign entry is discarded and recompiled, never
//! deserialized.

mod common;

use cordon_manifest::{Capability, Limits, StageKind};
use cordon_runtime::{LoadedStage, Runtime, VerifiedComponent, verify::sha256_digest};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

fn runtime(cache: &Path) -> Runtime {
    let mut rt = Runtime::new(Arc::new(|_, _, _| {})).expect("runtime");
    rt.enable_cache(cache).expect("cache opens");
    rt
}

fn load(rt: &Runtime) -> LoadedStage {
    let bytes = common::component_bytes("parser-sarif");
    let pin = sha256_digest(&bytes);
    let v = VerifiedComponent::verify_pinned("parser-sarif", StageKind::Parser, bytes, &pin)
        .expect("pin");
    rt.load(
        v,
        &common::spec(StageKind::Parser, &[Capability::Log], Limits::default()),
    )
    .expect("loads")
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

fn entry(rt: &Runtime) -> std::path::PathBuf {
    let pin = sha256_digest(&common::component_bytes("parser-sarif"));
    rt.cache().expect("cache").entry_path(&pin)
}

#[test]
fn authentic_entries_hit_and_bad_ones_are_recompiled() {
    let dir = tempfile::tempdir().expect("tmp");
    let cache = dir.path().join("cache");

    let rt = runtime(&cache);
    works(&load(&rt));
    assert_eq!(stats(&rt), (0, 1, 0), "first load compiles");
    let path = entry(&rt);
    assert!(path.is_file(), "entry written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache.join("cache.key"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the cache key is private");
    }

    let rt = runtime(&cache);
    works(&load(&rt));
    assert_eq!(stats(&rt), (1, 0, 0), "second process hits");

    // Poisoned: one byte of the compiled code changed.
    let mut bytes = std::fs::read(&path).expect("entry");
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&path, &bytes).expect("poison");
    let rt = runtime(&cache);
    works(&load(&rt));
    assert_eq!(
        stats(&rt),
        (0, 0, 1),
        "poisoned entry rejected and recompiled"
    );
    let rt = runtime(&cache);
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
        let rt = runtime(&cache);
        works(&load(&rt));
        assert_eq!(stats(&rt), (0, 0, 1), "truncated to {len}");
    }

    // Foreign: a valid entry made under another runner's key.
    let other = dir.path().join("other");
    let rt_other = runtime(&other);
    works(&load(&rt_other));
    std::fs::copy(entry(&rt_other), &path).expect("plant foreign entry");
    let rt = runtime(&cache);
    works(&load(&rt));
    assert_eq!(stats(&rt), (0, 0, 1), "foreign entry rejected");
}

#[test]
fn corrupt_key_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("cache.key"), b"short").expect("write");
    let mut rt = Runtime::new(Arc::new(|_, _, _| {})).expect("runtime");
    let err = rt.enable_cache(dir.path()).expect_err("bad key");
    assert!(
        err.to_string().contains("is corrupt (expected 32 bytes)"),
        "{err}"
    );
}
