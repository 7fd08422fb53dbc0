//! `cordon run --output`: which files a run writes into `--out`, writing
//! them atomically, the run attestation over them, and what a GitHub
//! Actions job gets (annotations, the step summary).

use anyhow::{Context, Result};
use clap::ValueEnum;
use cordon_model::RunReport;
use cordon_report::{Meta, attest, write_atomic};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// One `--output` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// findings.json: everything the run knows (always a good idea).
    Json,
    /// results.sarif: SARIF 2.1.0 for GitHub code scanning, one run per scanner.
    Sarif,
    /// junit.xml: one testsuite per scanner, a blocking finding is a failure.
    Junit,
    /// gl-code-quality-report.json: GitLab Code Quality.
    Codequality,
    /// gl-sast-report.json, gl-dependency-scanning-report.json,
    /// gl-secret-detection-report.json: GitLab security reports (schema 15).
    Gitlab,
    /// summary.md: the verdict as Markdown, for a PR comment or job summary.
    Markdown,
    /// findings.rdjsonl: reviewdog's diagnostic format, one per line.
    Rdjsonl,
    /// Every format above.
    All,
}

impl OutputArg {
    const EACH: [OutputArg; 7] = [
        OutputArg::Json,
        OutputArg::Sarif,
        OutputArg::Junit,
        OutputArg::Codequality,
        OutputArg::Gitlab,
        OutputArg::Markdown,
        OutputArg::Rdjsonl,
    ];
}

/// Every file a run may write into `--out`. A run removes them all before
/// it starts, so no file of an earlier run is ever taken for this one's.
pub const OUTPUT_FILES: [&str; 10] = [
    "findings.json",
    "results.sarif",
    "junit.xml",
    "gl-code-quality-report.json",
    "gl-sast-report.json",
    "gl-dependency-scanning-report.json",
    "gl-secret-detection-report.json",
    "summary.md",
    "findings.rdjsonl",
    ATTESTATION_FILE,
];

/// The attestation's file name.
pub const ATTESTATION_FILE: &str = "attestation.intoto.json";

/// The formats selected by the `--output` values, each once.
pub fn selected(values: &[OutputArg]) -> Vec<OutputArg> {
    if values.contains(&OutputArg::All) {
        return OutputArg::EACH.to_vec();
    }
    OutputArg::EACH
        .into_iter()
        .filter(|o| values.contains(o))
        .collect()
}

/// Remove every output an earlier run left in `out`.
pub fn remove_previous(out: &Path) -> Result<()> {
    for name in OUTPUT_FILES {
        let path = out.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("removing the previous run's {}", path.display()));
            }
        }
    }
    Ok(())
}

/// A file the run wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// Its name in the output directory.
    pub name: &'static str,
    /// Hex sha256 of its bytes.
    pub sha256: String,
}

/// What rendering the outputs produced: the files, and sentences about
/// what a format had to leave out (for both summaries).
#[derive(Debug, Default)]
pub struct Outputs {
    /// Files in the order written.
    pub written: Vec<Written>,
    /// One sentence per cut.
    pub notes: Vec<String>,
}

/// Render and write the selected formats into `out`, each atomically.
/// `summary.md` is written last so it can list what the others cut.
pub fn write(
    report: &RunReport,
    meta: &Meta,
    formats: &[OutputArg],
    out: &Path,
    compact: bool,
) -> Result<Outputs> {
    let mut outputs = Outputs::default();
    let put = |outputs: &mut Outputs, name: &'static str, bytes: &[u8]| -> Result<()> {
        write_atomic(&out.join(name), bytes)?;
        outputs.written.push(Written {
            name,
            sha256: hex::encode(Sha256::digest(bytes)),
        });
        Ok(())
    };
    for format in formats {
        match format {
            OutputArg::Json => {
                let bytes = cordon_report::findings_json(report, compact)
                    .context("serialising findings.json")?;
                put(&mut outputs, "findings.json", &bytes)?;
            }
            OutputArg::Sarif => {
                let rendered = cordon_report::sarif::render(
                    report,
                    meta,
                    &cordon_report::sarif::Limits::default(),
                )
                .context("serialising results.sarif")?;
                put(&mut outputs, "results.sarif", &rendered.bytes)?;
                outputs.notes.extend(rendered.notes);
            }
            OutputArg::Junit => {
                put(
                    &mut outputs,
                    "junit.xml",
                    &cordon_report::junit::render(report, meta),
                )?;
            }
            OutputArg::Codequality => {
                put(
                    &mut outputs,
                    "gl-code-quality-report.json",
                    &cordon_report::codequality::render(report),
                )?;
            }
            OutputArg::Gitlab => {
                for (name, bytes) in cordon_report::gitlab::render(report, meta) {
                    put(&mut outputs, name, &bytes)?;
                }
            }
            OutputArg::Rdjsonl => {
                put(
                    &mut outputs,
                    "findings.rdjsonl",
                    &cordon_report::rdjson::render(report),
                )?;
            }
            OutputArg::Markdown | OutputArg::All => {}
        }
    }
    if formats.contains(&OutputArg::Markdown) {
        let md = cordon_report::markdown::render(report, meta, &outputs.notes);
        put(&mut outputs, "summary.md", md.as_bytes())?;
    }
    Ok(outputs)
}

/// Sign the run attestation with `key` and write it beside the outputs.
/// Its subjects are every file written and every input report that was
/// read (inputs that could not be read have no digest to attest).
pub fn attest(
    report: &RunReport,
    meta: &Meta,
    written: &[Written],
    key: &ed25519_dalek::SigningKey,
    out: &Path,
) -> Result<()> {
    let mut subjects: Vec<attest::Subject> = written
        .iter()
        .map(|w| attest::Subject {
            name: w.name.to_string(),
            sha256: w.sha256.clone(),
            role: attest::Role::Output,
        })
        .collect();
    subjects.extend(attest::Subject::inputs(report));
    let statement = attest::statement(report, meta, &subjects);
    let envelope = attest::sign(&statement, key).context("signing the run attestation")?;
    write_atomic(&out.join(ATTESTATION_FILE), &envelope)?;
    Ok(())
}

/// In a GitHub Actions job (`GITHUB_ACTIONS=true`): print the annotations
/// on stdout, where the runner reads workflow commands, and append
/// `summary.md` to `$GITHUB_STEP_SUMMARY`.
pub fn github(report: &RunReport, meta: &Meta, notes: &[String]) -> Result<()> {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return Ok(());
    }
    let annotations = cordon_report::github::annotations(report);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(annotations.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing GitHub annotations to stdout")?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let md = cordon_report::markdown::render(report, meta, notes);
        let path = PathBuf::from(path);
        fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(md.as_bytes()))
            .with_context(|| format!("appending the job summary to {}", path.display()))?;
    }
    Ok(())
}
