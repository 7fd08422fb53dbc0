//! `cordon run`'s REPORT arguments: files, `-` for standard input, and
//! directories (every report in them), each with the format `--format`
//! forces for it.

use anyhow::{Result, bail};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Most files one directory argument may expand to: a directory that
/// holds more is a mistake (a checkout, `node_modules`), not a set of
/// reports.
pub const MAX_DIR_FILES: usize = 10_000;

/// One report to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    /// How it is named in findings.json and messages (`-` for stdin).
    pub name: String,
    /// Where its bytes come from.
    pub source: Source,
    /// The parser or format `--format` forces for it, if any.
    pub format: Option<String>,
}

/// Where a report's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A regular file.
    File(PathBuf),
}

/// `--format` values: one bare `NAME` for every report, and `NAME=PATH`
/// for the report (or directory argument) `PATH`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Formats {
    /// The format for reports that no `NAME=PATH` names.
    pub all: Option<String>,
    /// `(PATH, NAME)` pairs, as given.
    pub per_path: Vec<(String, String)>,
}

impl Formats {
    /// Parse the `--format` values. A value with `=` is `NAME=PATH`; the
    /// bare form may be given once.
    pub fn parse(values: &[String]) -> Result<Formats> {
        let mut f = Formats::default();
        for v in values {
            match v.split_once('=') {
                Some((name, path)) => {
                    if name.is_empty() || path.is_empty() {
                        bail!("--format {v:?}: expected NAME or NAME=PATH");
                    }
                    if f.per_path.iter().any(|(p, _)| p == path) {
                        bail!("--format names {path:?} twice");
                    }
                    f.per_path.push((path.to_string(), name.to_string()));
                }
                None => {
                    if let Some(prev) = &f.all {
                        bail!(
                            "--format {v:?}: --format {prev:?} already applies to every report; use NAME=PATH for one report"
                        );
                    }
                    f.all = Some(v.clone());
                }
            }
        }
        Ok(f)
    }

    fn for_arg(&self, arg: &str) -> Option<String> {
        self.per_path
            .iter()
            .find(|(p, _)| p == arg)
            .map(|(_, n)| n.clone())
            .or_else(|| self.all.clone())
    }
}

/// Expand the REPORT arguments, in order: a file is itself, `-` is
/// standard input (at most once), a directory is every regular file below
/// it in name order, skipping hidden entries (`.git`, `.cordonignore.toml`),
/// symbolic links (never followed out of the tree) and `skip_dir` (the
/// run's own output directory, so a run never reads its own outputs).
/// Every `--format NAME=PATH` must name one of the arguments.
pub fn expand(args: &[PathBuf], formats: &Formats, skip_dir: &Path) -> Result<Vec<ReportSpec>> {
    for (path, name) in &formats.per_path {
        if !args.iter().any(|a| a.as_os_str() == path.as_str()) {
            bail!(
                "--format {name}={path}: {path} is not one of the reports given (name it exactly as on the command line)"
            );
        }
    }
    let skip = fs::canonicalize(skip_dir).ok();
    let mut out = Vec::new();
    let mut stdin = false;
    for arg in args {
        let text = arg.display().to_string();
        let format = formats.for_arg(&text);
        if arg.as_os_str() == "-" {
            if stdin {
                bail!("`-` (standard input) is given more than once");
            }
            stdin = true;
            out.push(ReportSpec {
                name: "-".into(),
                source: Source::Stdin,
                format,
            });
        } else if arg.is_dir() {
            let before = out.len();
            walk(arg, skip.as_deref(), &format, &mut out)?;
            if out.len() == before {
                bail!(
                    "{text}: the directory holds no reports (hidden files, symbolic links and the --out directory are skipped)"
                );
            }
        } else {
            out.push(ReportSpec {
                name: text,
                source: Source::File(arg.clone()),
                format,
            });
        }
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    skip: Option<&Path>,
    format: &Option<String>,
    out: &mut Vec<ReportSpec>,
) -> Result<()> {
    if skip.is_some() && fs::canonicalize(dir).ok().as_deref() == skip {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            walk(&path, skip, format, out)?;
        } else if kind.is_file() {
            if out.len() >= MAX_DIR_FILES {
                bail!(
                    "{}: more than {MAX_DIR_FILES} files; name the report files or a narrower directory",
                    dir.display()
                );
            }
            out.push(ReportSpec {
                name: path.display().to_string(),
                source: Source::File(path),
                format: format.clone(),
            });
        }
    }
    Ok(())
}

/// Read standard input, at most `max_bytes` of it.
pub fn read_stdin(max_bytes: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading standard input: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "standard input is more than the --max-input-mib limit of {} MiB",
            max_bytes >> 20
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_bare_and_per_path() {
        let f = Formats::parse(&["sarif=a.json".into(), "trivy".into()]).expect("parses");
        assert_eq!(f.all.as_deref(), Some("trivy"));
        assert_eq!(f.per_path, vec![("a.json".into(), "sarif".into())]);
        assert_eq!(f.for_arg("a.json").as_deref(), Some("sarif"));
        assert_eq!(f.for_arg("b.json").as_deref(), Some("trivy"));
        assert!(Formats::parse(&["a".into(), "b".into()]).is_err());
        assert!(Formats::parse(&["=x".into()]).is_err());
        assert!(Formats::parse(&["a=x".into(), "b=x".into()]).is_err());
    }

    #[test]
    fn directories_expand_in_order_skipping_hidden_links_and_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::create_dir_all(root.join("sub")).expect("mkdir");
        fs::create_dir_all(root.join(".git")).expect("mkdir");
        fs::create_dir_all(root.join("out")).expect("mkdir");
        for f in [
            "b.json",
            "a.sarif",
            "sub/c.json",
            ".hidden.json",
            ".git/x",
            "out/findings.json",
        ] {
            fs::write(root.join(f), "{}").expect("write");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", root.join("link.json")).expect("symlink");
        let specs = expand(
            &[root.to_path_buf()],
            &Formats::default(),
            &root.join("out"),
        )
        .expect("expands");
        let names: Vec<_> = specs
            .iter()
            .map(|s| {
                s.name
                    .strip_prefix(&root.display().to_string())
                    .unwrap_or(&s.name)
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["/a.sarif", "/b.json", "/sub/c.json"]);
    }

    #[test]
    fn format_must_name_a_given_report() {
        let f = Formats::parse(&["sarif=missing.json".into()]).expect("parses");
        let err =
            expand(&[PathBuf::from("given.json")], &f, Path::new("out")).expect_err("refused");
        assert!(
            err.to_string().contains("not one of the reports given"),
            "{err}"
        );
        let err = expand(
            &[PathBuf::from("-"), PathBuf::from("-")],
            &Formats::default(),
            Path::new("out"),
        )
        .expect_err("refused");
        assert!(err.to_string().contains("more than once"), "{err}");
    }
}
