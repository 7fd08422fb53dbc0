//! `cordon explain`: why each finding got its decision, from a
//! `findings.json` alone.

use anyhow::{Context, Result};
use clap::Args;
use cordon_model::RunReport;
use std::path::PathBuf;

/// Arguments of `cordon explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// `[RUN.json] [QUERY]`: a findings.json to read (instead of
    /// DIR/findings.json; taken as such when it is an existing `.json`
    /// file), then a fingerprint (or its first 6+ characters), a rule id
    /// or a path (exact, or a glob such as `src/**` or `tests/`). No
    /// query: every finding.
    #[arg(value_name = "RUN.json|QUERY", num_args = 0..=2)]
    positional: Vec<String>,

    /// The output directory of the run (`cordon run --out`).
    #[arg(long, value_name = "DIR", default_value = "cordon-out")]
    out: PathBuf,

    /// Read this findings.json instead of DIR/findings.json.
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    findings: Option<PathBuf>,

    /// Print JSON (`cordon.explain/v1`) instead of text.
    #[arg(long)]
    json: bool,
}

/// Explain; exit 0 when the query selected a finding, 1 when it selected
/// none.
pub fn explain(args: ExplainArgs) -> Result<u8> {
    let mut positional = args.positional.clone();
    let run_file = match positional.first() {
        Some(first)
            if positional.len() == 2
                || (first.ends_with(".json") && std::path::Path::new(first).is_file()) =>
        {
            Some(PathBuf::from(positional.remove(0)))
        }
        _ => None,
    };
    let query = positional.pop();
    let path = match (run_file, args.findings.clone()) {
        (Some(_), Some(_)) => {
            anyhow::bail!("give the findings.json once: as RUN.json or with --findings")
        }
        (Some(p), None) | (None, Some(p)) => p,
        (None, None) => args.out.join("findings.json"),
    };
    let bytes = cordon_manifest::file::read_regular(&path, 1 << 30)
        .with_context(|| format!("reading {}", path.display()))?;
    let report: RunReport = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not a cordon findings.json", path.display()))?;
    if report.schema_version != cordon_model::SCHEMA_VERSION {
        anyhow::bail!(
            "{}: schema_version {:?}, this cordon reads {:?}",
            path.display(),
            report.schema_version,
            cordon_model::SCHEMA_VERSION
        );
    }
    let selected = cordon_report::explain::select(&report, query.as_deref());
    if args.json {
        let doc = cordon_report::explain::to_json(&report, &selected);
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", cordon_report::explain::render(&report, &selected));
        if selected.is_empty() {
            eprintln!(
                "cordon: no finding matches {:?} (a fingerprint, rule id or path)",
                query.as_deref().unwrap_or("")
            );
        }
    }
    Ok(if selected.is_empty() { 1 } else { 0 })
}
