//! ed25519 keys in OpenSSH formats.

use ed25519_dalek::SigningKey;
use ssh_key::private::{Ed25519Keypair, KeypairData};
use ssh_key::{LineEnding, PrivateKey, PublicKey};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Errors with key files. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file exists and `force` was not given.
    #[error("{0}: already exists; refusing to overwrite a key (use --force to replace it)")]
    Exists(PathBuf),
    /// I/O.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not an OpenSSH key of the expected kind.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A generated key pair: the OpenSSH private key file text and the public
/// key line.
pub struct GeneratedKey {
    /// OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`).
    pub private_openssh: String,
    /// `ssh-ed25519 AAAA... comment`.
    pub public_openssh: String,
    /// `SHA256:...`.
    pub fingerprint: String,
}

/// Generate a new ed25519 key from the OS random source.
pub fn generate(comment: &str) -> Result<GeneratedKey, String> {
    let signing = SigningKey::generate(&mut rand_core::OsRng);
    let keypair = Ed25519Keypair::from(ssh_key::private::Ed25519PrivateKey::from(&signing));
    let private =
        PrivateKey::new(KeypairData::Ed25519(keypair), comment).map_err(|e| e.to_string())?;
    let private_openssh = private
        .to_openssh(LineEnding::LF)
        .map_err(|e| e.to_string())?
        .to_string();
    let public = private.public_key();
    Ok(GeneratedKey {
        private_openssh,
        public_openssh: public.to_openssh().map_err(|e| e.to_string())?,
        fingerprint: crate::sshsig::fingerprint(public),
    })
}

/// Write a new file with the given mode, refusing to replace an existing one
/// unless `force` (then the old file is removed first, never truncated in
/// place, so its permissions cannot leak into the new one).
pub fn write_new(path: &Path, contents: &[u8], mode: u32, force: bool) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    if force {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    }
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(path.to_path_buf())
        } else {
            io(e)
        }
    })?;
    f.write_all(contents).map_err(io)?;
    f.sync_all().map_err(io)
}

/// Read an OpenSSH ed25519 private key file. Encrypted keys are refused with
/// a message that says how to proceed.
pub fn read_private(path: &Path) -> Result<SigningKey, KeyError> {
    let text = std::fs::read(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let fmt = |message: String| KeyError::Format {
        path: path.to_path_buf(),
        message,
    };
    let key = PrivateKey::from_openssh(&text)
        .map_err(|e| fmt(format!("not an OpenSSH private key: {e}")))?;
    if key.is_encrypted() {
        return Err(fmt(
            "the private key is encrypted with a passphrase, which cordon does not support; \
             sign from a decrypted copy on a trusted machine (`ssh-keygen -p -N \"\" -f COPY`) \
             or sign with `ssh-keygen -Y sign -n cordon-plugin`"
                .into(),
        ));
    }
    match key.key_data() {
        KeypairData::Ed25519(kp) => Ok(SigningKey::from_bytes(&kp.private.to_bytes())),
        other => Err(fmt(format!(
            "key type {} is not supported; cordon signs with ssh-ed25519 keys",
            other
                .algorithm()
                .map(|a| a.to_string())
                .unwrap_or_else(|_| "unknown".into())
        ))),
    }
}

/// Parse an OpenSSH public key line (`ssh-ed25519 AAAA... [comment]`).
pub fn parse_public(line: &str) -> Result<PublicKey, String> {
    let key = PublicKey::from_openssh(line.trim())
        .map_err(|e| format!("not an OpenSSH public key: {e}"))?;
    if key.key_data().ed25519().is_none() {
        return Err(format!(
            "key type {} is not supported; cordon trusts ssh-ed25519 keys only",
            key.algorithm()
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_read_back_and_files_are_private() {
        let dir = tempfile::tempdir().expect("tmp");
        let k = generate("test@example").expect("generate");
        let path = dir.path().join("key");
        write_new(&path, k.private_openssh.as_bytes(), 0o600, false).expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let signing = read_private(&path).expect("read back");
        let public = parse_public(&k.public_openssh).expect("public");
        assert_eq!(
            crate::sshsig::ed25519_bytes(public.key_data()),
            Some(signing.verifying_key().to_bytes())
        );
        assert!(matches!(
            write_new(&path, b"x", 0o600, false),
            Err(KeyError::Exists(_))
        ));
        write_new(&path, b"x", 0o600, true).expect("force replaces");
    }
}
