//! `cargo xtask tidy`: invariants that are written down, checked.
//!
//! * every test that `SECURITY.md` names exists (a row pointing at a test
//!   that was renamed or deleted proves nothing);
//! * the caps `wit/stage.wit` documents (`cap NAME = N` lines) are the
//!   host's (`host/runtime/src/validate.rs`) and the SDK's
//!   (`plugins/sdk/src/lib.rs`), and every host cap is documented;
//! * a released version of the WIT package is frozen: when
//!   `wit/released/stage@VERSION.wit` exists for the version
//!   `wit/stage.wit` declares, the two are identical.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Run every check; each problem is one line.
pub fn tidy(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    problems.extend(security_tests_exist(root)?);
    problems.extend(caps_agree(root)?);
    problems.extend(released_wit_is_frozen(root)?);
    if problems.is_empty() {
        eprintln!("xtask: tidy: ok");
        Ok(())
    } else {
        for p in &problems {
            eprintln!("tidy: {p}");
        }
        Err(format!("tidy: {} problem(s)", problems.len()))
    }
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every `.rs` file of the repository (not under `target/` or hidden
/// directories, not fuzz corpora).
fn rust_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "corpus" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for top in ["host", "tests", "plugins"] {
        walk(&root.join(top), &mut out);
    }
    out.sort();
    out
}

/// Test references in the table rows of `text`: backticked
/// `place::[module::]name` spans.
pub fn test_references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let mut rest = line;
        while let Some(start) = rest.find('`') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('`') else {
                break;
            };
            let span = &after[..end];
            let shaped = span.contains("::")
                && span.split("::").all(|seg| {
                    !seg.is_empty()
                        && seg.bytes().all(|b| {
                            b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-*".contains(&b)
                        })
                });
            if shaped {
                out.push(span.to_string());
            }
            rest = &after[end + 1..];
        }
    }
    out
}

/// Whether `reference` (`place::…::name`) names a test that exists among
/// `files` (path, text): `place` is a file stem or a directory on the path
/// (`cordon-` prefixes dropped), `name` a `fn` in that file (`*`: any).
pub fn reference_exists(reference: &str, files: &[(PathBuf, String)]) -> bool {
    let segs: Vec<&str> = reference.split("::").collect();
    let (Some(place), Some(name)) = (segs.first(), segs.last()) else {
        return false;
    };
    let place = place.strip_prefix("cordon-").unwrap_or(place);
    files.iter().any(|(path, text)| {
        let on_path = path.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            c == place || c.strip_suffix(".rs") == Some(place)
        });
        on_path && (*name == "*" || text.contains(&format!("fn {name}(")))
    })
}

fn security_tests_exist(root: &Path) -> Result<Vec<String>, String> {
    let security = read(&root.join("SECURITY.md"))?;
    let files: Vec<(PathBuf, String)> = rust_files(root)
        .into_iter()
        .filter_map(|p| {
            let text = fs::read_to_string(&p).ok()?;
            Some((p.strip_prefix(root).unwrap_or(&p).to_path_buf(), text))
        })
        .collect();
    let refs = test_references(&security);
    if refs.len() < 10 {
        return Ok(vec![format!(
            "SECURITY.md names only {} tests; the table format changed?",
            refs.len()
        )]);
    }
    Ok(refs
        .iter()
        .filter(|r| !reference_exists(r, &files))
        .map(|r| format!("SECURITY.md names test `{r}`, which does not exist"))
        .collect())
}

/// `cap name = N` lines of the WIT's doc comments, as `NAME` → N
/// (`max-id-bytes` → `MAX_ID_BYTES`).
pub fn wit_caps(wit: &str) -> BTreeMap<String, u64> {
    let mut caps = BTreeMap::new();
    for line in wit.lines() {
        let line = line.trim_start().trim_start_matches('/').trim();
        let line = line.trim_start_matches("* ");
        let Some(rest) = line.strip_prefix("cap ") else {
            continue;
        };
        let Some((name, value)) = rest.split_once('=') else {
            continue;
        };
        let value: String = value
            .trim()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(v) = value.parse() {
            caps.insert(name.trim().replace('-', "_").to_ascii_uppercase(), v);
        }
    }
    caps
}

/// `pub const NAME: usize|u64|u32 = N;` lines of a Rust file (`_`
/// separators allowed; `<<` shifts evaluated). Non-numeric constants are
/// not caps and are skipped.
pub fn rust_caps(source: &str) -> BTreeMap<String, u64> {
    let mut caps = BTreeMap::new();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("pub const ") else {
            continue;
        };
        let Some((name, value)) = rest.split_once(':') else {
            continue;
        };
        let Some((ty, expr)) = value.split_once('=') else {
            continue;
        };
        if !matches!(ty.trim(), "usize" | "u64" | "u32") {
            continue;
        }
        let expr = expr.trim().trim_end_matches(';').replace('_', "");
        let parsed = match expr.split_once("<<") {
            Some((a, b)) => a
                .trim()
                .parse::<u64>()
                .ok()
                .zip(b.trim().parse::<u32>().ok())
                .and_then(|(a, b)| a.checked_shl(b)),
            None => expr.trim().parse().ok(),
        };
        if let Some(v) = parsed {
            caps.insert(name.trim().to_string(), v);
        }
    }
    caps
}

fn caps_agree(root: &Path) -> Result<Vec<String>, String> {
    let wit = wit_caps(&read(&root.join("wit/stage.wit"))?);
    let host = rust_caps(&read(&root.join("host/runtime/src/validate.rs"))?);
    let sdk = rust_caps(&read(&root.join("plugins/sdk/src/lib.rs"))?);
    let mut problems = Vec::new();
    for (name, v) in &host {
        match wit.get(name) {
            None => problems.push(format!(
                "host cap {name} = {v} is not documented in wit/stage.wit (`cap {} = {v}`)",
                name.to_ascii_lowercase().replace('_', "-")
            )),
            Some(w) if w != v => problems.push(format!(
                "cap {name}: wit/stage.wit says {w}, host/runtime/src/validate.rs {v}"
            )),
            Some(_) => {}
        }
    }
    for (name, v) in &sdk {
        match (host.get(name), wit.get(name)) {
            (Some(h), _) if h != v => {
                problems.push(format!("cap {name}: plugins/sdk says {v}, the host {h}"))
            }
            (None, Some(w)) if w != v => problems.push(format!(
                "cap {name}: plugins/sdk says {v}, wit/stage.wit {w}"
            )),
            (None, None) => problems.push(format!(
                "plugins/sdk cap {name} = {v} is neither the host's nor in wit/stage.wit"
            )),
            _ => {}
        }
    }
    for name in wit.keys() {
        if !host.contains_key(name) && !sdk.contains_key(name) {
            problems.push(format!(
                "wit/stage.wit documents cap {name}, which neither the host nor the SDK defines"
            ));
        }
    }
    Ok(problems)
}

/// The version in `package cordon:stage@VERSION;`.
pub fn wit_version(wit: &str) -> Option<&str> {
    wit.lines()
        .find_map(|l| l.trim().strip_prefix("package cordon:stage@"))
        .map(|v| v.trim_end_matches(';').trim())
}

fn released_wit_is_frozen(root: &Path) -> Result<Vec<String>, String> {
    let current = read(&root.join("wit/stage.wit"))?;
    let Some(version) = wit_version(&current) else {
        return Ok(vec![
            "wit/stage.wit declares no `package cordon:stage@VERSION`".into(),
        ]);
    };
    let frozen = root.join(format!("wit/released/stage@{version}.wit"));
    match fs::read_to_string(&frozen) {
        Err(_) => Ok(Vec::new()),
        Ok(released) if released == current => Ok(Vec::new()),
        Ok(_) => Ok(vec![format!(
            "wit/stage.wit differs from the released {}: a released version is frozen; bump the package version",
            frozen.strip_prefix(root).unwrap_or(&frozen).display()
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_and_checked() {
        let md = "| a | b | `hostile::reading_is_denied`, `validate::tests::*` |\n\
                  text `not::a::row`\n| x | `--flag` and `cache::gone` |";
        let refs = test_references(md);
        assert_eq!(
            refs,
            [
                "hostile::reading_is_denied",
                "validate::tests::*",
                "cache::gone"
            ]
        );
        let files = vec![
            (
                PathBuf::from("tests/hostile.rs"),
                "fn reading_is_denied() {}".to_string(),
            ),
            (PathBuf::from("host/runtime/src/validate.rs"), String::new()),
            (
                PathBuf::from("host/fuzzing/tests/replay.rs"),
                "fn saved() {}".to_string(),
            ),
        ];
        assert!(reference_exists("hostile::reading_is_denied", &files));
        assert!(reference_exists("validate::tests::*", &files));
        assert!(reference_exists("cordon-fuzzing::replay::saved", &files));
        assert!(!reference_exists("cache::gone", &files));
        assert!(!reference_exists("hostile::renamed", &files));
    }

    #[test]
    fn caps_are_read_from_wit_and_rust() {
        let wit = "/// * cap max-id-bytes = 1024: ids\n/// cap max-title-bytes = 4096\n";
        assert_eq!(
            wit_caps(wit),
            BTreeMap::from([
                ("MAX_ID_BYTES".into(), 1024),
                ("MAX_TITLE_BYTES".into(), 4096)
            ])
        );
        let rs = "pub const MAX_ID_BYTES: usize = 1_024;\npub const MAX_X: u64 = 64 << 10;\nconst MAX_Y: usize = 1;\npub const V: &str = \"0.1.0\";\npub const ITEM_BYTES: u64 = 16;";
        assert_eq!(
            rust_caps(rs),
            BTreeMap::from([
                ("ITEM_BYTES".into(), 16),
                ("MAX_ID_BYTES".into(), 1024),
                ("MAX_X".into(), 65536)
            ])
        );
        assert_eq!(wit_version("package cordon:stage@0.1.0;\n"), Some("0.1.0"));
    }
}
