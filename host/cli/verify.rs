//! `cordon verify` and `cordon inspect`: the auditor's side.
//!
//! Neither prints anything from a manifest that is not verified, unless asked
//! with `--unverified`, and then under its own label (`UNVERIFIED manifest`;
//! JSON key `unverified_manifest`, never `plugin` / `manifest`). Verified
//! means: `verify_plugin` accepted the file against a trust policy (a valid
//! signature by a key the policy does not accept vouches for nothing), or it
//! is a stage embedded in this binary. Without `--trust`, `inspect` verifies
//! nothing. Digest, signature status and the rejection reason are always
//! shown.

use anyhow::{Context, Result, bail};
use clap::Args;
use cordon_manifest::component::{Interface, inspect as scan, read_manifest};
use cordon_manifest::grant::grant;
use cordon_manifest::plugin::PluginManifest;
use cordon_manifest::{Capability, Pipeline, PluginRef, StageKind};
use cordon_report::sanitize::terminal;
use cordon_signing::TrustPolicy;
use cordon_signing::plugin::{PluginVerdict, digest, verify_plugin};
use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::common::{HOST_VERSION, load_trust};
use crate::embedded::EMBEDDED;
use cordon_signing::plugin::PluginOnDisk;

/// Version of the `--json` output of `cordon verify`.
pub const VERIFY_SCHEMA: &str = "cordon.verify/v1";
/// Version of the `--json` output of `cordon inspect`.
pub const INSPECT_SCHEMA: &str = "cordon.inspect/v1";

/// Arguments of `cordon verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Trust policy (`trust.toml`) or OpenSSH `allowed_signers` file.
    #[arg(long, value_name = "FILE")]
    trust: PathBuf,
    /// The plugin; its signature is read from PLUGIN.wasm.sig.
    #[arg(value_name = "PLUGIN.wasm")]
    plugin: PathBuf,
    /// Machine-readable output (schema `cordon.verify/v1`) on stdout.
    #[arg(long)]
    json: bool,
    /// When the plugin is rejected, also show the manifest it claims, labelled
    /// UNVERIFIED (JSON: `unverified_manifest`). Without this flag nothing
    /// from the manifest of a rejected plugin is printed.
    #[arg(long)]
    unverified: bool,
}

#[derive(Debug, Serialize)]
struct PluginInfo {
    name: String,
    version: String,
    kind: StageKind,
    world: String,
    capabilities: Vec<Capability>,
}

impl From<&PluginManifest> for PluginInfo {
    fn from(m: &PluginManifest) -> Self {
        PluginInfo {
            name: m.name.clone(),
            version: m.version.clone(),
            kind: m.kind,
            world: m.world.clone(),
            capabilities: m.capabilities.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
struct SignerInfo {
    identity: Option<String>,
    fingerprint: String,
}

#[derive(Debug, Serialize)]
struct Reason {
    code: &'static str,
    message: String,
}

/// The `cordon verify --json` document.
#[derive(Debug, Serialize)]
struct VerifyReport {
    schema_version: &'static str,
    plugin_file: String,
    sha256: String,
    signature_file: String,
    verdict: &'static str,
    reason: Option<Reason>,
    /// The verified manifest: present only when accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    plugin: Option<PluginInfo>,
    signer: Option<SignerInfo>,
    ceiling: Option<Vec<Capability>>,
    /// What a rejected plugin's manifest claims; only with `--unverified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    unverified_manifest: Option<PluginInfo>,
}

/// The heading under which an unverified manifest is shown.
const UNVERIFIED_HEADING: &str = "UNVERIFIED manifest (signature not checked / rejected):";

/// Who signed, as far as can be said without trusting anything: the key of
/// a signature that verifies, and the identity the trust policy gives it.
fn signer_of(
    signature: Option<&[u8]>,
    bytes: &[u8],
    trust: Option<&TrustPolicy>,
) -> Option<SignerInfo> {
    let v = cordon_signing::sshsig::verify(bytes, signature?).ok()?;
    let identity = trust.and_then(|t| {
        t.signers
            .iter()
            .find(|s| s.fingerprint == v.fingerprint)
            .map(|s| s.identity.clone())
    });
    Some(SignerInfo {
        identity,
        fingerprint: v.fingerprint,
    })
}

/// Verify one plugin against a trust policy; exit 0 accepted, 1 rejected.
pub fn verify(args: VerifyArgs) -> Result<u8> {
    let trust = load_trust(&args.trust)?;
    let disk = PluginOnDisk::read(&args.plugin)?;
    let now = cordon_signing::time::now();
    let result = verify_plugin(&disk.as_file(None, None), Some(&trust), now, HOST_VERSION);
    // Read only when asked, and only for a rejected plugin: it is not trusted.
    let unverified = (args.unverified && result.is_err())
        .then(|| read_manifest(&disk.bytes).ok().map(|(m, _)| m))
        .flatten();
    let report = match &result {
        Ok(PluginVerdict {
            manifest,
            signer,
            digest,
            ..
        }) => VerifyReport {
            schema_version: VERIFY_SCHEMA,
            plugin_file: args.plugin.display().to_string(),
            sha256: digest.clone(),
            signature_file: disk.sig_path.clone(),
            verdict: "accepted",
            reason: None,
            plugin: Some(manifest.into()),
            signer: Some(SignerInfo {
                identity: Some(signer.identity.clone()),
                fingerprint: signer.fingerprint.clone(),
            }),
            ceiling: Some(signer.ceiling.clone()),
            unverified_manifest: None,
        },
        Err(rejection) => VerifyReport {
            schema_version: VERIFY_SCHEMA,
            plugin_file: args.plugin.display().to_string(),
            sha256: digest(&disk.bytes),
            signature_file: disk.sig_path.clone(),
            verdict: "rejected",
            reason: Some(Reason {
                code: rejection.code(),
                message: rejection.to_string(),
            }),
            plugin: None,
            signer: signer_of(disk.signature.as_deref(), &disk.bytes, Some(&trust)),
            ceiling: None,
            unverified_manifest: unverified.as_ref().map(PluginInfo::from),
        },
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let plugin = report
            .plugin
            .as_ref()
            .map(|p| {
                format!(
                    "{} {} ({} stage)",
                    terminal(&p.name),
                    terminal(&p.version),
                    p.kind
                )
            })
            .unwrap_or_else(|| {
                "not shown: the manifest is not verified (--unverified shows what it claims)".into()
            });
        let signer = report
            .signer
            .as_ref()
            .map(|s| {
                format!(
                    "{} {}",
                    s.identity
                        .as_deref()
                        .map(terminal)
                        .unwrap_or_else(|| "(identity unknown)".into()),
                    s.fingerprint
                )
            })
            .unwrap_or_else(|| "none verified".into());
        println!("plugin:     {plugin}");
        println!("file:       {}", terminal(&report.plugin_file));
        println!("sha256:     {}", report.sha256);
        println!("signature:  {}", terminal(&report.signature_file));
        println!("signer:     {signer}");
        if let Some(c) = &report.ceiling {
            let caps: Vec<&str> = c.iter().map(|c| c.as_str()).collect();
            println!("ceiling:    [{}]", caps.join(", "));
        }
        match &report.reason {
            None => println!("verdict:    ACCEPTED"),
            Some(r) => println!(
                "verdict:    REJECTED ({}): {}",
                r.code,
                terminal(&r.message)
            ),
        }
        if args.unverified && result.is_err() {
            println!();
            println!("{UNVERIFIED_HEADING}");
            match &report.unverified_manifest {
                Some(p) => {
                    println!(
                        "  plugin:     {} {} ({} stage)",
                        terminal(&p.name),
                        terminal(&p.version),
                        p.kind
                    );
                    println!("  world:      {}", terminal(&p.world));
                    println!("  requests:   {}", caps(&p.capabilities));
                }
                None => println!("  none readable"),
            }
        }
    }
    Ok(if result.is_ok() { 0 } else { 1 })
}

/// Arguments of `cordon inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A plugin file, or `embedded:NAME` for a stage built into cordon.
    #[arg(value_name = "PLUGIN.wasm")]
    plugin: String,
    /// Also evaluate the signature against this trust policy. Without it
    /// nothing about a plugin file is verified (a valid signature by some key
    /// vouches for nothing until a trust policy accepts that key), so its
    /// manifest is shown only with --unverified.
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,
    /// Also show the capabilities this pipeline would grant the plugin.
    #[arg(long, value_name = "FILE")]
    pipeline: Option<PathBuf>,
    /// Machine-readable output (schema `cordon.inspect/v1`) on stdout.
    #[arg(long)]
    json: bool,
    /// Also show the manifest of a plugin file that is not verified (no
    /// --trust, or the trust policy rejected it), labelled UNVERIFIED (JSON:
    /// `unverified_manifest`). An accepted plugin's or an embedded stage's
    /// manifest is verified and always shown.
    #[arg(long)]
    unverified: bool,
}

#[derive(Debug, Serialize)]
struct InspectReport {
    schema_version: &'static str,
    plugin_file: String,
    sha256: String,
    size_bytes: usize,
    /// The verified manifest (embedded, or accepted by the trust policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    manifest: Option<PluginManifest>,
    /// Why no manifest could be read (verified stages, or with
    /// `--unverified`).
    manifest_error: Option<String>,
    imports: Vec<String>,
    exports: Vec<String>,
    signature: SignatureInfo,
    trust: Option<TrustInfo>,
    granted: Option<Vec<Capability>>,
    /// What an unverified plugin file's manifest claims; only with
    /// `--unverified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    unverified_manifest: Option<PluginManifest>,
}

#[derive(Debug, Serialize)]
struct SignatureInfo {
    file: Option<String>,
    status: &'static str,
    fingerprint: Option<String>,
    detail: Option<String>,
}

#[derive(Debug, Serialize)]
struct TrustInfo {
    verdict: &'static str,
    identity: Option<String>,
    ceiling: Option<Vec<Capability>>,
    reason: Option<Reason>,
}

/// Show what a plugin is, who signed it and what it would be allowed.
pub fn inspect(args: InspectArgs) -> Result<u8> {
    let (bytes, signature, sig_path, embedded) = match args.plugin.strip_prefix("embedded:") {
        Some(name) => {
            let Some(p) = EMBEDDED.iter().find(|p| p.name == name) else {
                bail!(
                    "there is no embedded plugin named {name:?} (embedded: {})",
                    EMBEDDED
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            (p.bytes.to_vec(), None, None, true)
        }
        None => {
            let disk = PluginOnDisk::read(Path::new(&args.plugin))?;
            (disk.bytes, disk.signature, Some(disk.sig_path), false)
        }
    };
    let (iface, _) = scan(&bytes).unwrap_or((Interface::default(), Vec::new()));
    let sig = match (&signature, embedded) {
        (_, true) => SignatureInfo {
            file: None,
            status: "embedded",
            fingerprint: None,
            detail: Some("built into this cordon binary and checked against its sha256 pin".into()),
        },
        (None, false) => SignatureInfo {
            file: sig_path.clone(),
            status: "missing",
            fingerprint: None,
            detail: None,
        },
        (Some(s), false) => match cordon_signing::sshsig::verify(&bytes, s) {
            Ok(v) => SignatureInfo {
                file: sig_path.clone(),
                status: "valid",
                fingerprint: Some(v.fingerprint),
                detail: None,
            },
            Err(e) => SignatureInfo {
                file: sig_path.clone(),
                status: "invalid",
                fingerprint: None,
                detail: Some(e.to_string()),
            },
        },
    };
    let trust = args.trust.as_deref().map(load_trust).transpose()?;
    let now = cordon_signing::time::now();
    let mut accepted_manifest = None;
    let trust_info = match (&trust, embedded) {
        (Some(t), false) => {
            let file = cordon_signing::plugin::PluginFile {
                bytes: &bytes,
                signature: signature.as_deref(),
                sig_path: sig_path.as_deref().unwrap_or(""),
                pin: None,
                expected_kind: None,
            };
            Some(match verify_plugin(&file, Some(t), now, HOST_VERSION) {
                Ok(v) => {
                    accepted_manifest = Some(v.manifest);
                    TrustInfo {
                        verdict: "accepted",
                        identity: Some(v.signer.identity),
                        ceiling: Some(v.signer.ceiling),
                        reason: None,
                    }
                }
                Err(r) => TrustInfo {
                    verdict: "rejected",
                    identity: None,
                    ceiling: None,
                    reason: Some(Reason {
                        code: r.code(),
                        message: r.to_string(),
                    }),
                },
            })
        }
        _ => None,
    };
    // Verified: embedded in this binary, or accepted by the trust policy.
    // Anything else is read only with --unverified, and labelled.
    let (verified, mut manifest_error) = if embedded {
        match read_manifest(&bytes) {
            Ok((m, _)) => (Some(m), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (accepted_manifest, None)
    };
    let unverified = if verified.is_none() && !embedded && args.unverified {
        match read_manifest(&bytes) {
            Ok((m, _)) => Some(m),
            Err(e) => {
                manifest_error = Some(e.to_string());
                None
            }
        }
    } else {
        None
    };
    let granted = match (&args.pipeline, &verified) {
        (Some(path), Some(m)) => Some(granted(
            path,
            &args.plugin,
            m,
            trust_info.as_ref(),
            embedded,
        )?),
        // Not verified: a pipeline would refuse it, so it would get nothing.
        (Some(_), None) => Some(Vec::new()),
        _ => None,
    };
    let report = InspectReport {
        schema_version: INSPECT_SCHEMA,
        plugin_file: args.plugin.clone(),
        sha256: digest(&bytes),
        size_bytes: bytes.len(),
        manifest: verified,
        manifest_error,
        imports: iface.imports,
        exports: iface.exports,
        signature: sig,
        trust: trust_info,
        granted,
        unverified_manifest: unverified,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_inspect(&report, args.unverified);
    }
    Ok(0)
}

/// Capabilities the pipeline would grant: its grant for the stage that uses
/// this plugin ∩ the kind's ceiling ∩ the manifest's request ∩ the signer's
/// ceiling (when a trust policy accepted it).
fn granted(
    pipeline: &Path,
    plugin: &str,
    m: &PluginManifest,
    trust: Option<&TrustInfo>,
    embedded: bool,
) -> Result<Vec<Capability>> {
    let text = cordon_manifest::file::read_config(pipeline)
        .with_context(|| format!("reading pipeline file {}", pipeline.display()))?;
    let p = Pipeline::parse(
        &text,
        &pipeline.display().to_string(),
        pipeline.parent().unwrap_or(Path::new(".")),
    )?;
    let wanted = std::fs::canonicalize(plugin).ok();
    let spec = p
        .parsers
        .iter()
        .chain([&p.normalizer, &p.policy])
        .find(|s| match &s.plugin {
            PluginRef::Embedded(n) => {
                embedded && (n == &m.name || (n == "*" && m.kind == StageKind::Parser))
            }
            PluginRef::File(f) => !embedded && std::fs::canonicalize(f).ok() == wanted,
        });
    let Some(spec) = spec else {
        return Ok(Vec::new());
    };
    // The same rule `cordon run` applies (cordon_manifest::grant). A
    // verified third-party plugin is limited by its signer's ceiling; an
    // embedded one by none.
    let signer_ceiling = match (embedded, trust.and_then(|t| t.ceiling.as_deref())) {
        (true, _) => None,
        (false, Some(ceiling)) => Some(ceiling),
        (false, None) => return Ok(Vec::new()),
    };
    Ok(grant(
        m.kind,
        &spec.capabilities,
        Some(&m.capabilities),
        signer_ceiling,
    )
    .granted)
}

fn caps(c: &[Capability]) -> String {
    if c.is_empty() {
        "none".into()
    } else {
        c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// The manifest lines of `inspect`, each prefixed with `indent`.
fn print_manifest(m: &PluginManifest, indent: &str) {
    println!(
        "{indent}plugin:     {} {} ({} stage)",
        terminal(&m.name),
        terminal(&m.version),
        m.kind
    );
    println!("{indent}world:      {}", terminal(&m.world));
    println!("{indent}requests:   {}", caps(&m.capabilities));
    println!("{indent}min host:   {}", terminal(&m.min_host_version));
    if let Some(l) = &m.license {
        println!("{indent}license:    {}", terminal(l));
    }
    if let Some(s) = &m.source {
        println!("{indent}source:     {}", terminal(s));
    }
    for h in &m.detect {
        println!(
            "{indent}detects:    {} (confidence {})",
            terminal(&h.format),
            h.confidence
        );
    }
}

fn print_inspect(r: &InspectReport, unverified_asked: bool) {
    let error = || {
        r.manifest_error
            .as_deref()
            .map(terminal)
            .unwrap_or_default()
    };
    match (&r.manifest, unverified_asked) {
        (Some(m), _) => print_manifest(m, ""),
        (None, _) if r.manifest_error.is_some() && !unverified_asked => {
            println!("manifest:   none ({})", error())
        }
        (None, false) => println!(
            "manifest:   not shown: not verified ({}); --unverified shows what it claims",
            if r.trust.is_some() {
                "the trust policy did not accept the plugin"
            } else {
                "without --trust nothing is verified"
            }
        ),
        (None, true) => {}
    }
    println!("sha256:     {}", r.sha256);
    println!("size:       {} bytes", r.size_bytes);
    println!(
        "exports:    {}",
        r.exports
            .iter()
            .map(|e| terminal(e).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (cordon, wasi): (Vec<_>, Vec<_>) = r.imports.iter().partition(|i| i.starts_with("cordon:"));
    println!(
        "imports:    {} cordon interface(s) [{}], {} WASI interface(s) (linked to an empty context)",
        cordon.len(),
        cordon
            .iter()
            .map(|i| terminal(i).into_owned())
            .collect::<Vec<_>>()
            .join(", "),
        wasi.iter().filter(|i| i.starts_with("wasi:")).count()
    );
    let s = &r.signature;
    match s.status {
        "embedded" => println!("signature:  embedded in cordon (sha256 pin)"),
        "missing" => println!(
            "signature:  none ({} not found)",
            terminal(s.file.as_deref().unwrap_or("?"))
        ),
        "valid" => println!(
            "signature:  valid SSHSIG by {} ({})",
            s.fingerprint.as_deref().unwrap_or("?"),
            terminal(s.file.as_deref().unwrap_or("?"))
        ),
        _ => println!(
            "signature:  INVALID: {}",
            terminal(s.detail.as_deref().unwrap_or("?"))
        ),
    }
    if let Some(t) = &r.trust {
        match &t.reason {
            None => println!(
                "trust:      accepted, signer {} (ceiling: {})",
                terminal(t.identity.as_deref().unwrap_or("?")),
                caps(t.ceiling.as_deref().unwrap_or(&[]))
            ),
            Some(reason) => println!(
                "trust:      REJECTED ({}): {}",
                reason.code,
                terminal(&reason.message)
            ),
        }
    }
    if let Some(g) = &r.granted {
        println!(
            "granted:    {} (pipeline grant ∩ kind ceiling ∩ manifest ∩ signer ceiling)",
            caps(g)
        );
    }
    if unverified_asked && r.manifest.is_none() {
        println!();
        println!("{UNVERIFIED_HEADING}");
        match &r.unverified_manifest {
            Some(m) => print_manifest(m, "  "),
            None => println!("  none readable ({})", error()),
        }
    }
}
