//! `cordon keygen`, `cordon sign` and `cordon pack`: the plugin author's side.

use anyhow::{Context, Result, bail};
use clap::Args;
use cordon_manifest::component::{embed_manifest, inspect};
use cordon_manifest::plugin::{MANIFEST_SECTION, PluginManifest};
use cordon_signing::keys::{self, write_new};
use std::path::PathBuf;

use cordon_signing::plugin::signature_path;

/// Arguments of `cordon keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Private key file to create (OpenSSH format, mode 0600); the public key
    /// goes to PATH.pub.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Comment stored with the key (e.g. your email).
    #[arg(long, default_value = "cordon-plugin-signing")]
    comment: String,
    /// Replace existing key files.
    #[arg(long)]
    force: bool,
}

/// Generate an ed25519 signing key pair.
pub fn keygen(args: KeygenArgs) -> Result<u8> {
    let key = keys::generate(&args.comment).map_err(anyhow::Error::msg)?;
    let mut pub_path = args.out.clone().into_os_string();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    if !args.force && pub_path.exists() {
        bail!(
            "{}: already exists; refusing to overwrite a key (use --force to replace it)",
            pub_path.display()
        );
    }
    write_new(&args.out, key.private_openssh.as_bytes(), 0o600, args.force)?;
    write_new(
        &pub_path,
        format!("{}\n", key.public_openssh).as_bytes(),
        0o644,
        args.force,
    )?;
    eprintln!(
        "cordon: wrote {} (private, 0600) and {}",
        args.out.display(),
        pub_path.display()
    );
    eprintln!("cordon: key fingerprint {}", key.fingerprint);
    println!("{}", key.public_openssh);
    Ok(0)
}

/// Arguments of `cordon sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// OpenSSH ed25519 private key (unencrypted).
    #[arg(long, value_name = "PATH")]
    key: PathBuf,
    /// The plugin to sign; the signature goes to PLUGIN.wasm.sig.
    #[arg(value_name = "PLUGIN.wasm")]
    plugin: PathBuf,
    /// Replace an existing signature file.
    #[arg(long)]
    force: bool,
}

/// Sign a plugin file (SSHSIG, namespace `cordon-plugin`, sha512).
pub fn sign(args: SignArgs) -> Result<u8> {
    let bytes = std::fs::read(&args.plugin)
        .with_context(|| format!("reading plugin {}", args.plugin.display()))?;
    // A signature over a component without a manifest could never be
    // accepted; say so now rather than at verification time.
    let (_, customs) = inspect(&bytes).with_context(|| format!("{}", args.plugin.display()))?;
    if !customs.iter().any(|(n, _)| n == MANIFEST_SECTION) {
        bail!(
            "{}: the component has no `{MANIFEST_SECTION}` section; add one with `cordon pack --manifest FILE` before signing",
            args.plugin.display()
        );
    }
    let key = keys::read_private(&args.key)?;
    let armoured = cordon_signing::sshsig::sign(&bytes, &key)?;
    let out = signature_path(&args.plugin);
    write_new(&out, armoured.as_bytes(), 0o644, args.force)?;
    let public = ssh_key_fingerprint(&key);
    eprintln!(
        "cordon: signed {} with {public}; wrote {}",
        args.plugin.display(),
        out.display()
    );
    Ok(0)
}

fn ssh_key_fingerprint(key: &ed25519_dalek::SigningKey) -> String {
    let data = ssh_key::public::KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(
        key.verifying_key().to_bytes(),
    ));
    cordon_signing::sshsig::fingerprint(&ssh_key::PublicKey::new(data, ""))
}

/// Arguments of `cordon pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// Plugin manifest (TOML): name, version, kind, capabilities, detect, ...
    #[arg(long, value_name = "FILE")]
    manifest: PathBuf,
    /// The component built for wasm32-wasip2.
    #[arg(value_name = "IN.wasm")]
    input: PathBuf,
    /// Where to write the component with its manifest embedded.
    #[arg(long, value_name = "OUT.wasm")]
    out: PathBuf,
}

/// Embed a plugin manifest in a component.
pub fn pack(args: PackArgs) -> Result<u8> {
    let text = std::fs::read_to_string(&args.manifest)
        .with_context(|| format!("reading manifest {}", args.manifest.display()))?;
    let mut table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}", args.manifest.display()))?;
    // Fields the host can fill in.
    let kind = table
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("")
        .to_string();
    table
        .entry("world")
        .or_insert_with(|| format!("cordon:stage/{kind}@{}", cordon_manifest::WIT_VERSION).into());
    table
        .entry("min_host_version")
        .or_insert_with(|| env!("CARGO_PKG_VERSION").into());
    let manifest: PluginManifest = toml::Value::Table(table)
        .try_into()
        .with_context(|| format!("{}: not a valid plugin manifest", args.manifest.display()))?;
    let bytes =
        std::fs::read(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
    let (iface, _) = inspect(&bytes).with_context(|| format!("{}", args.input.display()))?;
    cordon_manifest::component::check_manifest(&manifest, &iface)
        .with_context(|| format!("{}", args.input.display()))?;
    let packed =
        embed_manifest(&bytes, &manifest).with_context(|| format!("{}", args.input.display()))?;
    cordon_report::write_atomic(&args.out, &packed)?;
    eprintln!(
        "cordon: wrote {} ({} {} {}, capabilities [{}])",
        args.out.display(),
        manifest.name,
        manifest.version,
        manifest.kind,
        manifest
            .capabilities
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(0)
}
