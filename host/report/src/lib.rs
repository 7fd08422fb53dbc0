//! Output writers: `findings.json`, SARIF, JUnit, GitLab's Code Quality
//! and security reports, `summary.md`, reviewdog's rdjsonl, GitHub
//! workflow annotations, the signed run attestation, the terminal summary,
//! and sanitising of strings that came from stages.
//!
//! Every writer is a pure function of the [`RunReport`] (and [`Meta`]):
//! the same run gives the same bytes.
//!
//! **Invariant:** every string that came from a stage goes through
//! [`sanitize::terminal`] (or the sanitiser of its medium) before it is
//! written anywhere a human or a CI tool interprets it.

pub mod attest;
pub mod codequality;
pub mod explain;
pub mod github;
pub mod gitlab;
pub mod junit;
pub mod markdown;
pub mod rdjson;
pub mod sanitize;
pub mod sarif;
pub mod summary;
pub mod view;

use cordon_model::RunReport;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What the writers need to know about a run that `findings.json` does not
/// hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// When the run started, Unix seconds (in deterministic mode:
    /// `SOURCE_DATE_EPOCH`, else 0).
    pub started: i64,
    /// When it finished, Unix seconds (deterministic mode: as `started`).
    pub finished: i64,
    /// The policy document the gate evaluated, as named: a path, or
    /// `embedded:policies/rules/default.toml`.
    pub policy_uri: String,
    /// `sha256:<hex>` of that document (as `decisions[].policy_digest`).
    pub policy_digest: String,
}

/// A rendered output file and what rendering it had to leave out (for
/// the summaries): e.g. "results.sarif: 3 results beyond GitHub's 25,000
/// per run were left out (lowest priority first)".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// One sentence per cut, naming the file, how much, and which.
    pub notes: Vec<String>,
}

/// Errors writing outputs. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be written.
    #[error("writing {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// Serialisation failed (should not happen for the model types).
    #[error("serialising {path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The serde error.
        source: serde_json::Error,
    },
}

/// Write `bytes` to `path` atomically: a new temporary file in the same
/// directory, flushed to disk, then renamed over `path`. A reader sees the old
/// file or the new one, never half of one.
///
/// The temporary file has an unpredictable name and is created exclusively
/// (`O_CREAT | O_EXCL`, which never follows a symlink), so in a shared
/// output directory a planted file or symlink cannot redirect the write; the
/// rename replaces a symlink at `path` itself, never its target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io_err = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_err)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut f) = create_temp(dir, &file_name).map_err(io_err)?;
    let result = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io_err)
}

/// A fresh `.<name>.<random>.tmp` in `dir`, created exclusively.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    use std::hash::{BuildHasher, RandomState};
    let state = RandomState::new();
    let mut last = None;
    for attempt in 0u64..16 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let nonce = state.hash_one((std::process::id(), nanos, attempt));
        let tmp = dir.join(format!(".{name}.{nonce:016x}.tmp"));
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o644);
        match opts.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// The bytes of `findings.json`: pretty-printed, or with `compact` on one
/// line (a quarter smaller for large runs; the same JSON value).
pub fn findings_json(report: &RunReport, compact: bool) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = if compact {
        serde_json::to_vec(report)?
    } else {
        serde_json::to_vec_pretty(report)?
    };
    bytes.push(b'\n');
    Ok(bytes)
}

/// Write `findings.json` (pretty) into `out_dir`; returns its path.
pub fn write_findings_json(out_dir: &Path, report: &RunReport) -> Result<PathBuf, ReportError> {
    let path = out_dir.join("findings.json");
    let bytes = findings_json(report, false).map_err(|source| ReportError::Json {
        path: path.clone(),
        source,
    })?;
    write_atomic(&path, &bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("cordon-report-test-{}", std::process::id()));
        let path = dir.join("sub").join("f.json");
        write_atomic(&path, b"one").expect("first write");
        write_atomic(&path, b"two").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(dir.join("sub"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = fs::remove_dir_all(&dir);
    }
}
