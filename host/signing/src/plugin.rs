//! The whole check of a third-party plugin file, in one place, shared by
//! `cordon verify` and `cordon run` (through the runtime's verifier).
//!
//! Order (cheapest and most decisive first, and nothing parsed that is not
//! yet authenticated):
//!
//! 1. digest pin from the pipeline file, if any;
//! 2. a trust policy exists (none = fail closed);
//! 3. digest not revoked;
//! 4. a signature exists and verifies (`sshsig::verify`: namespace, hash,
//!    key type, weak key, `verify_strict`);
//! 5. only now, the (signed) manifest is read and checked against the
//!    component's real exports and imports, and against the stage kind the
//!    pipeline uses it as;
//! 6. the trust policy decides: key known and not revoked, validity window,
//!    name and kind scope, rollback, capability ceiling;
//! 7. the (now accepted) manifest's `min_host_version` is at most the running
//!    host's version (SemVer precedence). Last, so that a plugin from an
//!    unknown or revoked key is reported as such, not as "upgrade cordon". A
//!    `min_host_version` that is not a version is `invalid-manifest`, like
//!    any other malformed manifest field.

use cordon_manifest::StageKind;
use cordon_manifest::component::{self, ComponentError, Interface};
use cordon_manifest::file::{ReadError, read_regular};
use cordon_manifest::plugin::PluginManifest;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use crate::sshsig::{self, SignatureError};
use crate::trust::{Accepted, Rejection, TrustPolicy, compare_versions};

/// Why a plugin file was refused. All of these mean "no" (exit 1 for
/// `cordon verify`); none of them is an I/O error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PluginRejection {
    /// The bytes do not match the pipeline's pin.
    #[error("digest {actual} does not match the pinned {expected}")]
    DigestMismatch {
        /// The pin.
        expected: String,
        /// The actual digest.
        actual: String,
    },
    /// No trust policy was given.
    #[error(
        "no trust policy: third-party plugins are refused unless a trust file (--trust) accepts their signer"
    )]
    NoTrustPolicy,
    /// No signature file.
    #[error("unsigned: no signature ({sig_path} does not exist)")]
    Unsigned {
        /// Where the signature was looked for.
        sig_path: String,
    },
    /// The signature is bad.
    #[error("{0}")]
    Signature(#[from] SignatureError),
    /// The manifest is missing, invalid or lies.
    #[error("{0}")]
    Manifest(#[from] ComponentError),
    /// The pipeline uses it as another kind of stage.
    #[error("the plugin is a {actual} stage; the pipeline uses it as a {expected} stage")]
    WrongKind {
        /// The pipeline's kind.
        expected: StageKind,
        /// The manifest's kind.
        actual: StageKind,
    },
    /// The trust policy refused it.
    #[error("{0}")]
    Trust(#[from] Rejection),
    /// The manifest's `min_host_version` is newer than the running host.
    #[error(
        "the plugin needs cordon {required:?} or newer (min_host_version); this is cordon {host}"
    )]
    HostTooOld {
        /// The manifest's `min_host_version`.
        required: String,
        /// The running host's version.
        host: String,
    },
}

impl PluginRejection {
    /// Machine-readable reason, stable for `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            PluginRejection::DigestMismatch { .. } => "digest-mismatch",
            PluginRejection::NoTrustPolicy => "no-trust-policy",
            PluginRejection::Unsigned { .. } => "unsigned",
            PluginRejection::Signature(e) => match e {
                SignatureError::Malformed(_) => "malformed-signature",
                SignatureError::Version(_) => "unsupported-signature-version",
                SignatureError::WrongNamespace { .. } => "wrong-namespace",
                SignatureError::Reserved => "malformed-signature",
                SignatureError::WrongHash { .. } => "wrong-hash-algorithm",
                SignatureError::WrongKeyType { .. } => "wrong-key-type",
                SignatureError::WeakKey => "weak-key",
                SignatureError::BadSignature => "bad-signature",
            },
            PluginRejection::Manifest(e) => match e {
                ComponentError::NotAComponent(_) => "not-a-component",
                ComponentError::MissingManifest => "missing-manifest",
                ComponentError::DuplicateManifest => "duplicate-manifest",
                ComponentError::InvalidManifest(_) => "invalid-manifest",
                ComponentError::Mismatch(_) => "manifest-mismatch",
            },
            PluginRejection::WrongKind { .. } => "wrong-kind",
            PluginRejection::Trust(r) => r.code(),
            PluginRejection::HostTooOld { .. } => "host-too-old",
        }
    }
}

/// A plugin file as found on disk.
#[derive(Debug, Clone)]
pub struct PluginFile<'a> {
    /// The component bytes.
    pub bytes: &'a [u8],
    /// The detached signature (`PLUGIN.wasm.sig`), if the file exists.
    pub signature: Option<&'a [u8]>,
    /// Where the signature was looked for (for messages).
    pub sig_path: &'a str,
    /// Pin from the pipeline file (`sha256:<hex>`).
    pub pin: Option<&'a str>,
    /// The stage kind the pipeline uses it as.
    pub expected_kind: Option<StageKind>,
}

/// Largest plugin file read; a bigger one is refused before it is read.
pub const MAX_PLUGIN_FILE_BYTES: u64 = 64 << 20;

/// Largest signature file read (an SSHSIG of an ed25519 key is under 1 KiB).
pub const MAX_SIGNATURE_FILE_BYTES: u64 = 64 << 10;

/// `PLUGIN.wasm.sig` next to `PLUGIN.wasm`.
pub fn signature_path(plugin: &Path) -> PathBuf {
    let mut s = plugin.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// A plugin file or its signature could not be read.
#[derive(Debug, thiserror::Error)]
#[error("reading {what} {path}: {error}")]
pub struct PluginReadError {
    /// `plugin` or `signature`.
    pub what: &'static str,
    /// The file.
    pub path: String,
    /// Why.
    pub error: ReadError,
}

/// A plugin file and its detached signature, read from disk (regular files
/// only, each under its size limit).
#[derive(Debug, Clone)]
pub struct PluginOnDisk {
    /// The component bytes.
    pub bytes: Vec<u8>,
    /// The signature bytes, if `PLUGIN.wasm.sig` exists.
    pub signature: Option<Vec<u8>>,
    /// Where the signature was looked for.
    pub sig_path: String,
}

impl PluginOnDisk {
    /// Read a plugin file and its signature. An absent signature is not an
    /// error here; verification reports it.
    pub fn read(path: &Path) -> Result<PluginOnDisk, PluginReadError> {
        let bytes = read_regular(path, MAX_PLUGIN_FILE_BYTES).map_err(|error| PluginReadError {
            what: "plugin",
            path: path.display().to_string(),
            error,
        })?;
        let sig = signature_path(path);
        let signature = match read_regular(&sig, MAX_SIGNATURE_FILE_BYTES) {
            Ok(s) => Some(s),
            Err(ReadError::Open(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(PluginReadError {
                    what: "signature",
                    path: sig.display().to_string(),
                    error,
                });
            }
        };
        Ok(PluginOnDisk {
            bytes,
            signature,
            sig_path: sig.display().to_string(),
        })
    }

    /// The view the verifier takes, with the pipeline's pin and stage kind.
    pub fn as_file<'a>(&'a self, pin: Option<&'a str>, kind: Option<StageKind>) -> PluginFile<'a> {
        PluginFile {
            bytes: &self.bytes,
            signature: self.signature.as_deref(),
            sig_path: &self.sig_path,
            pin,
            expected_kind: kind,
        }
    }
}

/// An accepted plugin.
#[derive(Debug, Clone)]
pub struct PluginVerdict {
    /// `sha256:<hex>` of the bytes.
    pub digest: String,
    /// Its (signed) manifest.
    pub manifest: PluginManifest,
    /// What the component really imports and exports.
    pub interface: Interface,
    /// Who signed it, and the capability ceiling they allow.
    pub signer: Accepted,
}

/// `sha256:<hex>`.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Run every check on a plugin file. `now` is Unix seconds; `host_version`
/// is the running host's version (the `cordon` package version), which the
/// manifest's `min_host_version` may not exceed.
pub fn verify_plugin(
    file: &PluginFile<'_>,
    trust: Option<&TrustPolicy>,
    now: i64,
    host_version: &str,
) -> Result<PluginVerdict, PluginRejection> {
    let digest = digest(file.bytes);
    if let Some(pin) = file.pin
        && !pin.eq_ignore_ascii_case(&digest)
    {
        return Err(PluginRejection::DigestMismatch {
            expected: pin.to_string(),
            actual: digest,
        });
    }
    let trust = trust.ok_or(PluginRejection::NoTrustPolicy)?;
    trust.check_digest(&digest)?;
    let armoured = file.signature.ok_or_else(|| PluginRejection::Unsigned {
        sig_path: file.sig_path.to_string(),
    })?;
    let signature = sshsig::verify(file.bytes, armoured)?;
    let (manifest, interface) = component::read_manifest(file.bytes)?;
    component::check_manifest(&manifest, &interface)?;
    if let Some(expected) = file.expected_kind
        && expected != manifest.kind
    {
        return Err(PluginRejection::WrongKind {
            expected,
            actual: manifest.kind,
        });
    }
    let signer = trust.evaluate(&signature, &manifest, now)?;
    check_host_version(&manifest.min_host_version, host_version)?;
    Ok(PluginVerdict {
        digest,
        manifest,
        interface,
        signer,
    })
}

/// `min_host_version` (from a manifest) against the running host's version.
/// Not a version: `invalid-manifest`. Newer than the host (or a host version
/// that does not parse): `host-too-old`, failing closed.
pub fn check_host_version(
    min_host_version: &str,
    host_version: &str,
) -> Result<(), PluginRejection> {
    if compare_versions(min_host_version, min_host_version).is_none() {
        return Err(ComponentError::InvalidManifest(format!(
            "min_host_version {min_host_version:?} is not a version"
        ))
        .into());
    }
    match compare_versions(min_host_version, host_version) {
        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal) => Ok(()),
        _ => Err(PluginRejection::HostTooOld {
            required: min_host_version.to_string(),
            host: host_version.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_version_check() {
        for (min, host, code) in [
            ("0.1.0", "0.1.0", None),
            ("0.1.0-rc.1", "0.1.0", None),
            ("0.0.9", "0.1.0", None),
            ("0.1.0+build", "0.1.0", None),
            ("0.1.1", "0.1.0", Some("host-too-old")),
            ("0.1.0", "0.1.0-rc.1", Some("host-too-old")),
            ("1.0.0-beta.11", "1.0.0-beta.2", Some("host-too-old")),
            ("0.1.0", "not a version", Some("host-too-old")),
            ("soon", "0.1.0", Some("invalid-manifest")),
            ("", "0.1.0", Some("invalid-manifest")),
        ] {
            assert_eq!(
                check_host_version(min, host).err().map(|e| e.code()),
                code,
                "{min} on {host}"
            );
        }
    }
}
