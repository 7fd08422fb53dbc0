//! A policy directory packed into one document, for policy stages whose
//! language spreads a policy over files (Rego): OPA's bundle layout, read
//! by the host, handed to the stage as one JSON text.
//!
//! ```text
//! policy-dir/
//!   .manifest          {"revision": "1.0.0", "metadata": {"name": "gate"}}   (optional)
//!   gate.rego          modules: every *.rego file, by relative path
//!   data.json          data: merged at the top
//!   teams/data.json    ... or under the key path of its directory (teams)
//! ```
//!
//! becomes
//!
//! ```text
//! {"cordon_rego_bundle": 1, "name": "gate", "version": "1.0.0",
//!  "modules": {"gate.rego": "..."}, "data": {..., "teams": {...}}}
//! ```
//!
//! Keys are sorted, so the same directory packs to the same bytes and the
//! same digest. Symbolic links are refused (a bundle is what is in the
//! directory), other files are ignored, and the whole bundle is held to
//! [`crate::file::MAX_CONFIG_BYTES`].

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::file::{MAX_CONFIG_BYTES, ReadError, read_regular_text};

/// Why a policy directory cannot be packed. Messages name the file.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: ReadError,
    },
    /// A directory could not be listed.
    #[error("{path}: cannot list: {source}")]
    List {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A symbolic link inside the bundle.
    #[error("{0}: a symbolic link; a policy bundle holds regular files only")]
    Symlink(String),
    /// A data document or `.manifest` that is not a JSON object, or two
    /// documents that set one key.
    #[error("{path}: {detail}")]
    Data {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// More than [`MAX_CONFIG_BYTES`] in all.
    #[error("{0}: the bundle holds more than {MAX_CONFIG_BYTES} bytes")]
    TooLarge(String),
    /// No `.rego` file at all.
    #[error("{0}: no .rego module in this directory")]
    NoModules(String),
}

/// Pack the policy directory `dir` (see the module docs).
pub fn pack(dir: &Path) -> Result<String, BundleError> {
    let mut files = Vec::new();
    collect(dir, Path::new(""), &mut files)?;
    files.sort();
    let mut modules = BTreeMap::new();
    let mut data = Map::new();
    let (mut name, mut version) = (Value::Null, Value::Null);
    let mut total = 0u64;
    for rel in files {
        let full = dir.join(&rel);
        let shown = full.display().to_string();
        let file_name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let wanted = file_name.ends_with(".rego")
            || file_name == "data.json"
            || (file_name == ".manifest" && rel.parent() == Some(Path::new("")));
        if !wanted {
            continue;
        }
        let text =
            read_regular_text(&full, MAX_CONFIG_BYTES).map_err(|source| BundleError::Read {
                path: shown.clone(),
                source,
            })?;
        total += text.len() as u64;
        if total > MAX_CONFIG_BYTES {
            return Err(BundleError::TooLarge(dir.display().to_string()));
        }
        let key: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if file_name.ends_with(".rego") {
            modules.insert(key.join("/"), text);
            continue;
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| BundleError::Data {
            path: shown.clone(),
            detail: format!("not JSON: {e}"),
        })?;
        let Value::Object(object) = value else {
            return Err(BundleError::Data {
                path: shown,
                detail: "must be a JSON object".into(),
            });
        };
        if file_name == ".manifest" {
            version = object.get("revision").cloned().unwrap_or(Value::Null);
            name = object
                .get("metadata")
                .and_then(|m| m.get("name"))
                .cloned()
                .unwrap_or(Value::Null);
            continue;
        }
        // data.json under a/b/ lands at data.a.b
        let mut at = &mut data;
        for segment in &key[..key.len() - 1] {
            let slot = at
                .entry(segment.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(inner) = slot else {
                return Err(BundleError::Data {
                    path: shown,
                    detail: format!("key {segment:?} is set twice"),
                });
            };
            at = inner;
        }
        for (k, v) in object {
            if at.contains_key(&k) {
                return Err(BundleError::Data {
                    path: shown,
                    detail: format!("key {k:?} is set by another data document too"),
                });
            }
            at.insert(k, v);
        }
    }
    if modules.is_empty() {
        return Err(BundleError::NoModules(dir.display().to_string()));
    }
    let doc = serde_json::json!({
        "cordon_rego_bundle": 1,
        "name": name,
        "version": version,
        "modules": modules,
        "data": Value::Object(data),
    });
    Ok(doc.to_string())
}

fn collect(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<(), BundleError> {
    let dir = root.join(rel);
    let entries = fs::read_dir(&dir).map_err(|source| BundleError::List {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| BundleError::List {
            path: dir.display().to_string(),
            source,
        })?;
        let path = rel.join(entry.file_name());
        let meta = fs::symlink_metadata(root.join(&path)).map_err(|e| BundleError::Read {
            path: root.join(&path).display().to_string(),
            source: ReadError::Open(e),
        })?;
        if meta.file_type().is_symlink() {
            return Err(BundleError::Symlink(root.join(&path).display().to_string()));
        }
        if meta.is_dir() {
            collect(root, &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_modules_data_and_manifest_deterministically() {
        let dir = std::env::temp_dir().join(format!("cordon-bundle-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("teams")).expect("mkdir");
        fs::write(dir.join("gate.rego"), "package main\n").expect("write");
        fs::write(dir.join("data.json"), r#"{"exceptions": []}"#).expect("write");
        fs::write(dir.join("teams/data.json"), r#"{"owners": ["a"]}"#).expect("write");
        fs::write(
            dir.join(".manifest"),
            r#"{"revision": "2.1.0", "metadata": {"name": "gate"}}"#,
        )
        .expect("write");
        fs::write(dir.join("README.md"), "ignored").expect("write");
        let packed = pack(&dir).expect("packs");
        assert_eq!(
            packed,
            r#"{"cordon_rego_bundle":1,"data":{"exceptions":[],"teams":{"owners":["a"]}},"modules":{"gate.rego":"package main\n"},"name":"gate","version":"2.1.0"}"#
        );
        fs::write(dir.join("teams/data.json"), r#"[1]"#).expect("write");
        assert!(matches!(pack(&dir), Err(BundleError::Data { .. })));
        fs::remove_dir_all(&dir).expect("cleanup");
    }
}
