//! The `cordon` binary: a thin clap front end over the host crates.
//!
//! Exit codes, for every command:
//!
//! * `0`: success; the gate passed.
//! * `1`: the answer is "no": the policy blocked.
//! * `2`: an error: bad input, bad configuration, a stage failed. Usage
//!   errors (unknown flags, missing arguments) exit 2 as well.

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}
mod attest;
mod common;
mod explain;
mod inputs;
mod keys;
mod outputs;
mod run;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// cordon runs security-report parsers, normalizers and policies as
/// sandboxed WebAssembly components, and turns scanner reports into findings
/// and a release gate.
#[derive(Debug, Parser)]
#[command(name = "cordon", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 success / gate passed, 1 policy blocked, 2 error.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse scanner reports, normalise the findings, and evaluate the gate.
    Run(Box<run::RunArgs>),
    /// Explain, from a run's findings.json, each finding's decision: the
    /// rule, policy and digest, the fields it matched, the suppressions
    /// considered, and why (exit 0 found, 1 nothing matched, 2 error).
    Explain(explain::ExplainArgs),
    /// Check a run attestation: its signature against an allowed_signers
    /// file, and its subjects' digests against the files on disk (exit 0
    /// verified, 1 not, 2 error).
    #[command(subcommand)]
    Attest(attest::AttestCommand),
    /// Create an ed25519 signing key pair (OpenSSH format).
    Keygen(keys::KeygenArgs),
    /// Sign a plugin (writes PLUGIN.wasm.sig, OpenSSH SSHSIG).
    Sign(keys::SignArgs),
    /// Embed a plugin manifest in a component, ready to sign.
    Pack(keys::PackArgs),
    /// Check a plugin's signature and manifest against a trust policy
    /// (exit 0 accepted, 1 rejected, 2 error).
    Verify(verify::VerifyArgs),
    /// Show a plugin's manifest (once verified: --trust accepts it, or it is
    /// embedded; else only with --unverified), interface, digest, signature
    /// and the capabilities it would get.
    Inspect(verify::InspectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(*args),
        Command::Explain(args) => explain::explain(args),
        Command::Attest(cmd) => attest::run(cmd),
        Command::Keygen(args) => keys::keygen(args),
        Command::Sign(args) => keys::sign(args),
        Command::Pack(args) => keys::pack(args),
        Command::Verify(args) => verify::verify(args),
        Command::Inspect(args) => verify::inspect(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!(
                "cordon: error: {}",
                cordon_report::sanitize::terminal(&format!("{err:#}"))
            );
            ExitCode::from(2)
        }
    }
}
