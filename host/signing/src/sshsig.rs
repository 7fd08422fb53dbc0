//! OpenSSH SSHSIG signatures (`PROTOCOL.sshsig`) over plugin bytes.
//!
//! The armour and the wire encoding are parsed by `ssh-key` (which rejects
//! trailing data); everything that decides whether a signature is accepted is
//! checked here, in this order: version, namespace, reserved field, hash
//! algorithm (SHA-512 only), key type (ed25519 only), key strength (no
//! small-order keys), then `verify_strict` over the signed-data blob.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use ssh_key::{HashAlg, LineEnding, PublicKey, SshSig, public::KeyData};

/// The namespace every cordon plugin signature uses.
pub const NAMESPACE: &str = "cordon-plugin";

/// Why a signature was not accepted. Each variant is a specific reason an
/// auditor can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The armour or the encoding is broken (truncated, padded, not SSHSIG).
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// An SSHSIG version other than 1.
    #[error("unsupported SSHSIG version {0}")]
    Version(u32),
    /// Signed for another purpose.
    #[error("signature was made for namespace {found:?}, not {NAMESPACE:?}")]
    WrongNamespace {
        /// The namespace in the signature.
        found: String,
    },
    /// The reserved field is not empty.
    #[error("signature has a non-empty reserved field")]
    Reserved,
    /// A hash algorithm other than SHA-512.
    #[error("signature uses hash algorithm {found}; cordon requires sha512")]
    WrongHash {
        /// The algorithm named in the signature.
        found: String,
    },
    /// A key type other than ed25519.
    #[error("signature key type {found} is not supported; cordon requires ssh-ed25519")]
    WrongKeyType {
        /// The key type.
        found: String,
    },
    /// A small-order ("weak") or invalid ed25519 public key.
    #[error("signature key is a weak (small-order) or invalid ed25519 key")]
    WeakKey,
    /// The signature does not verify (bytes changed, or a non-canonical
    /// signature).
    #[error("signature does not verify: the plugin bytes or the signature were altered")]
    BadSignature,
}

/// A signature that verified, and who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The signer's public key.
    pub key: PublicKey,
    /// `SHA256:...` as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

/// `SHA256:...` fingerprint of a public key, as OpenSSH prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// The raw 32-byte ed25519 key of an OpenSSH public key.
pub fn ed25519_bytes(key: &KeyData) -> Option<[u8; 32]> {
    key.ed25519().map(|k| k.0)
}

/// Sign `message` (the exact plugin bytes) in the `cordon-plugin` namespace;
/// returns the armoured signature (`-----BEGIN SSH SIGNATURE-----`).
pub fn sign(message: &[u8], key: &SigningKey) -> Result<String, SignatureError> {
    sign_in_namespace(message, key, NAMESPACE)
}

/// [`sign`] with another namespace (for tests of the namespace check).
pub fn sign_in_namespace(
    message: &[u8],
    key: &SigningKey,
    namespace: &str,
) -> Result<String, SignatureError> {
    let malformed = |e: ssh_key::Error| SignatureError::Malformed(e.to_string());
    let blob = SshSig::signed_data(namespace, HashAlg::Sha512, message).map_err(malformed)?;
    let signature: Signature = key.sign(&blob);
    let public = KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(
        key.verifying_key().to_bytes(),
    ));
    let sig = ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, signature.to_bytes().to_vec())
        .map_err(malformed)?;
    SshSig::new(public, namespace, HashAlg::Sha512, sig)
        .and_then(|s| s.to_pem(LineEnding::LF))
        .map_err(malformed)
}

/// Verify an armoured SSHSIG signature over `message` in the `cordon-plugin`
/// namespace. Says who signed; whether that signer is trusted is the trust
/// policy's question.
pub fn verify(message: &[u8], armoured: &[u8]) -> Result<VerifiedSignature, SignatureError> {
    verify_in_namespace(message, armoured, NAMESPACE)
}

/// [`verify`] in another namespace (the run attestation's): the same checks
/// in the same order, with the signed data rebuilt for `namespace`, so a
/// signature made for one namespace never verifies in another.
///
/// The message of [`SignatureError::WrongNamespace`] names `cordon-plugin`;
/// a caller checking another namespace words that refusal itself.
pub fn verify_in_namespace(
    message: &[u8],
    armoured: &[u8],
    namespace: &str,
) -> Result<VerifiedSignature, SignatureError> {
    let sig = SshSig::from_pem(armoured).map_err(|e| SignatureError::Malformed(e.to_string()))?;
    if sig.version() != SshSig::VERSION {
        return Err(SignatureError::Version(sig.version()));
    }
    if sig.namespace() != namespace {
        return Err(SignatureError::WrongNamespace {
            found: sig.namespace().to_string(),
        });
    }
    if !sig.reserved().is_empty() {
        return Err(SignatureError::Reserved);
    }
    if sig.hash_alg() != HashAlg::Sha512 {
        return Err(SignatureError::WrongHash {
            found: sig.hash_alg().to_string(),
        });
    }
    let Some(key_bytes) = ed25519_bytes(sig.public_key()) else {
        return Err(SignatureError::WrongKeyType {
            found: sig.public_key().algorithm().to_string(),
        });
    };
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| SignatureError::WeakKey)?;
    if key.is_weak() {
        return Err(SignatureError::WeakKey);
    }
    if sig.algorithm() != ssh_key::Algorithm::Ed25519 {
        return Err(SignatureError::WrongKeyType {
            found: sig.algorithm().to_string(),
        });
    }
    let signature =
        Signature::from_slice(sig.signature_bytes()).map_err(|_| SignatureError::BadSignature)?;
    let blob = SshSig::signed_data(namespace, HashAlg::Sha512, message)
        .map_err(|e| SignatureError::Malformed(e.to_string()))?;
    key.verify_strict(&blob, &signature)
        .map_err(|_| SignatureError::BadSignature)?;
    let key = PublicKey::new(sig.public_key().clone(), "");
    Ok(VerifiedSignature {
        fingerprint: fingerprint(&key),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn round_trip() {
        let msg = b"\0asm component bytes";
        let armoured = sign(msg, &key(1)).expect("sign");
        assert!(armoured.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        let v = verify(msg, armoured.as_bytes()).expect("verifies");
        assert!(v.fingerprint.starts_with("SHA256:"));
        assert_eq!(
            ed25519_bytes(v.key.key_data()),
            Some(key(1).verifying_key().to_bytes())
        );
    }

    #[test]
    fn flipped_message_byte_fails() {
        let msg = b"\0asm component bytes".to_vec();
        let armoured = sign(&msg, &key(1)).expect("sign");
        for i in 0..msg.len() {
            let mut m = msg.clone();
            m[i] ^= 0x01;
            assert_eq!(
                verify(&m, armoured.as_bytes()),
                Err(SignatureError::BadSignature),
                "byte {i}"
            );
        }
    }

    #[test]
    fn other_namespace_is_refused() {
        let armoured = sign_in_namespace(b"x", &key(1), "file").expect("sign");
        assert_eq!(
            verify(b"x", armoured.as_bytes()),
            Err(SignatureError::WrongNamespace {
                found: "file".into()
            })
        );
    }

    #[test]
    fn other_namespaces_verify_only_in_their_own() {
        let armoured = sign_in_namespace(b"x", &key(1), "cordon-attestation").expect("sign");
        let v = verify_in_namespace(b"x", armoured.as_bytes(), "cordon-attestation")
            .expect("verifies in its namespace");
        assert_eq!(
            ed25519_bytes(v.key.key_data()),
            Some(key(1).verifying_key().to_bytes())
        );
        assert_eq!(
            verify(b"x", armoured.as_bytes()),
            Err(SignatureError::WrongNamespace {
                found: "cordon-attestation".into()
            })
        );
        let plugin = sign(b"x", &key(1)).expect("sign");
        assert_eq!(
            verify_in_namespace(b"x", plugin.as_bytes(), "cordon-attestation"),
            Err(SignatureError::WrongNamespace {
                found: NAMESPACE.into()
            })
        );
        // The signed data binds the namespace: a signature whose namespace
        // field is rewritten does not verify.
        let sig = SshSig::from_pem(plugin.as_bytes()).expect("parse");
        let relabelled = SshSig::new(
            sig.public_key().clone(),
            "cordon-attestation",
            HashAlg::Sha512,
            sig.signature().clone(),
        )
        .and_then(|s| s.to_pem(LineEnding::LF))
        .expect("encode");
        assert_eq!(
            verify_in_namespace(b"x", relabelled.as_bytes(), "cordon-attestation"),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn truncated_or_padded_armour_is_malformed() {
        let armoured = sign(b"x", &key(1)).expect("sign");
        let truncated = &armoured.as_bytes()[..armoured.len() / 2];
        assert!(matches!(
            verify(b"x", truncated),
            Err(SignatureError::Malformed(_))
        ));
        let padded = format!("{armoured}garbage\n");
        assert!(matches!(
            verify(b"x", padded.as_bytes()),
            Err(SignatureError::Malformed(_))
        ));
        assert!(matches!(
            verify(b"x", b""),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn small_order_key_is_refused() {
        // The identity point (a small-order key) with any signature.
        let mut weak = [0u8; 32];
        weak[0] = 1;
        let sig = ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, vec![0u8; 64]).expect("sig");
        let armoured = SshSig::new(
            KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(weak)),
            NAMESPACE,
            HashAlg::Sha512,
            sig,
        )
        .and_then(|s| s.to_pem(LineEnding::LF))
        .expect("encode");
        assert_eq!(
            verify(b"x", armoured.as_bytes()),
            Err(SignatureError::WeakKey)
        );
    }

    #[test]
    fn sha256_hash_field_is_refused() {
        let k = key(2);
        let blob = SshSig::signed_data(NAMESPACE, HashAlg::Sha256, b"x").expect("blob");
        let sig = ssh_key::Signature::new(
            ssh_key::Algorithm::Ed25519,
            k.sign(&blob).to_bytes().to_vec(),
        )
        .expect("sig");
        let armoured = SshSig::new(
            KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(
                k.verifying_key().to_bytes(),
            )),
            NAMESPACE,
            HashAlg::Sha256,
            sig,
        )
        .and_then(|s| s.to_pem(LineEnding::LF))
        .expect("encode");
        assert_eq!(
            verify(b"x", armoured.as_bytes()),
            Err(SignatureError::WrongHash {
                found: "sha256".into()
            })
        );
    }

    #[test]
    fn malleated_signature_is_refused() {
        // s + L (the group order) is the classic non-canonical form that
        // verify (but not verify_strict) historically accepted.
        let k = key(3);
        let blob = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, b"x").expect("blob");
        let mut raw = k.sign(&blob).to_bytes();
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(raw[32 + i]) + u16::from(L[i]) + carry;
            raw[32 + i] = v as u8;
            carry = v >> 8;
        }
        let sig = ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, raw.to_vec()).expect("sig");
        let armoured = SshSig::new(
            KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(
                k.verifying_key().to_bytes(),
            )),
            NAMESPACE,
            HashAlg::Sha512,
            sig,
        )
        .and_then(|s| s.to_pem(LineEnding::LF))
        .expect("encode");
        assert_eq!(
            verify(b"x", armoured.as_bytes()),
            Err(SignatureError::BadSignature)
        );
    }
}
