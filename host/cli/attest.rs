//! `cordon attest verify`: check a run attestation's signature and that
//! its subjects are the files on disk.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use cordon_report::attest::{self, Role, SubjectStatus};
use cordon_report::sanitize::terminal;
use std::path::{Path, PathBuf};

/// `cordon attest ...`.
#[derive(Debug, Subcommand)]
pub enum AttestCommand {
    /// Verify attestation.intoto.json: the DSSE signature (SSHSIG in
    /// namespace cordon-attestation) by a key the allowed_signers file
    /// lists for that namespace, then the sha256 of every subject: the
    /// outputs beside the attestation, the input reports under
    /// --inputs-root (exit 0 verified, 1 not verified, 2 error).
    Verify(VerifyArgs),
}

/// Arguments of `cordon attest verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The attestation (`attestation.intoto.json` in a run's --out).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// OpenSSH allowed_signers file naming the keys trusted to sign
    /// attestations (`namespaces="cordon-attestation"` to restrict a key).
    #[arg(long, value_name = "FILE")]
    allowed_signers: PathBuf,

    /// Where the input reports are, as their paths were given to `cordon
    /// run` (default: the working directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    inputs_root: PathBuf,

    /// Check only the outputs' digests; the input reports may be absent.
    #[arg(long)]
    outputs_only: bool,
}

/// Run an `attest` subcommand; returns the exit code.
pub fn run(cmd: AttestCommand) -> Result<u8> {
    match cmd {
        AttestCommand::Verify(args) => verify(&args),
    }
}

fn verify(args: &VerifyArgs) -> Result<u8> {
    let envelope = cordon_manifest::file::read_regular(&args.file, attest::MAX_ENVELOPE_BYTES)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let signers = cordon_manifest::file::read_config(&args.allowed_signers)
        .with_context(|| format!("reading {}", args.allowed_signers.display()))?;
    let verified = match attest::verify(
        &envelope,
        &signers,
        &args.allowed_signers.display().to_string(),
    ) {
        Ok(v) => v,
        Err(e) if e.is_rejection() => {
            eprintln!(
                "cordon: {}: NOT VERIFIED: {}",
                args.file.display(),
                terminal(&e.to_string())
            );
            return Ok(1);
        }
        Err(e) => return Err(e).with_context(|| format!("{}", args.file.display())),
    };
    eprintln!(
        "signature: ok, signed by {} ({})",
        terminal(&verified.principals.join(", ")),
        verified.fingerprint
    );
    let outputs_dir = args
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let subjects: Vec<attest::Subject> = verified
        .subjects
        .iter()
        .filter(|s| !(args.outputs_only && s.role == Role::Input))
        .cloned()
        .collect();
    let checks = attest::check_subjects(&subjects, outputs_dir, &args.inputs_root);
    let mut failed = 0usize;
    for c in &checks {
        let role = match c.subject.role {
            Role::Output => "output",
            Role::Input => "input",
        };
        if c.status != SubjectStatus::Match {
            failed += 1;
        }
        let status = c.status.to_string();
        eprintln!("  {role:<6} {}  {status}", terminal(&c.subject.name));
    }
    let skipped = verified.subjects.len() - subjects.len();
    if skipped > 0 {
        eprintln!("  ({skipped} input subject(s) not checked: --outputs-only)");
    }
    if failed > 0 {
        eprintln!(
            "cordon: {}: NOT VERIFIED: {failed} of {} subject(s) do not match",
            args.file.display(),
            checks.len()
        );
        return Ok(1);
    }
    eprintln!(
        "cordon: {}: verified ({} subjects)",
        args.file.display(),
        checks.len()
    );
    Ok(0)
}
