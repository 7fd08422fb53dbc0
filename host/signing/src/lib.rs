//! Signatures and trust, as pure functions (no wasmtime, no I/O beyond key
//! files).
//!
//! * [`sshsig`]: OpenSSH SSHSIG signatures over plugin bytes: ed25519,
//!   namespace `cordon-plugin`, SHA-512. Interoperable both ways with
//!   `ssh-keygen -Y sign` / `-Y verify`. The OpenSSH encodings come from the
//!   `ssh-key` crate; the check itself is `ed25519_dalek::VerifyingKey::
//!   verify_strict`, which rejects small-order keys and non-canonical
//!   signatures.
//! * [`keys`]: key generation and OpenSSH key files (private keys written
//!   `0600` with `create_new`, never overwritten without `force`).
//! * [`trust`]: the operator's trust policy (`trust.toml`, or a plain OpenSSH
//!   `allowed_signers` file) and its evaluation: scope, validity, revocation,
//!   rollback, capability ceiling.
//! * [`time`]: the few calendar conversions the above need.

pub mod keys;
pub mod plugin;
pub mod sshsig;
pub mod time;
pub mod trust;

pub use sshsig::{NAMESPACE, SignatureError, VerifiedSignature};
pub use trust::{Accepted, Rejection, TrustError, TrustPolicy};
