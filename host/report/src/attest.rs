//! The signed run attestation: an in-toto Statement v1 about the run's
//! outputs and inputs, with a Simple Verification Result predicate, in a
//! DSSE envelope signed with an OpenSSH SSHSIG signature (ed25519, SHA-512)
//! in the namespace [`NAMESPACE`], `cordon-attestation`.
//!
//! The envelope ([`FILE_NAME`], next to the outputs it names):
//!
//! ```json
//! {
//!   "payloadType": "application/vnd.in-toto+json",
//!   "payload": "<base64 of the Statement JSON>",
//!   "signatures": [{ "keyid": "SHA256:...", "sig": "<base64 of the armoured SSHSIG>" }]
//! }
//! ```
//!
//! The signature is made over the DSSE pre-authentication encoding
//! ([`pae`]) of the payload, and `sig` is the base64 of the *armoured*
//! signature text (`-----BEGIN SSH SIGNATURE-----`, as `ssh-keygen -Y sign`
//! writes it), so stock tools can check an attestation. In the directory of
//! the attestation, with `jq`, `base64`, `printf`, `wc`, `sha256sum` and
//! `ssh-keygen` (OpenSSH 8.2 or later); `ci@example.com` stands for any
//! principal of the signer's line in `allowed_signers`:
//!
//! ```sh
//! jq -r .payload attestation.intoto.json | base64 -d > payload.json
//! jq -r '.signatures[0].sig' attestation.intoto.json | base64 -d > attestation.sig
//! { printf 'DSSEv1 28 application/vnd.in-toto+json %d ' "$(wc -c < payload.json)"; cat payload.json; } > pae
//! ssh-keygen -Y verify -f allowed_signers -I ci@example.com -n cordon-attestation -s attestation.sig < pae
//! jq -r '.subject[] | select(.annotations."cordon.role" == "output") | "\(.digest.sha256)  \(.name)"' payload.json | sha256sum -c -
//! ```
//!
//! (28 is the byte length of `application/vnd.in-toto+json`; the last line
//! compares the outputs' digests with the files.) `cordon attest verify`
//! does the same through [`verify`] and [`check_subjects`].
//!
//! Format decisions:
//!
//! * Exactly one signature per envelope, and unknown envelope fields are
//!   refused: cordon writes neither, and the envelope is not authenticated.
//! * `payload` and `sig` are read as RFC 4648 base64 in the standard or the
//!   URL-safe alphabet (DSSE requires verifiers to take both), padded or
//!   not, with no whitespace and no non-zero trailing bits.
//! * `keyid` is the signing key's `SHA256:` fingerprint. It is a hint, not
//!   trusted; but one that names another key than the one that signed is
//!   refused rather than left to mislead a reader.
//! * The payload is compact JSON; unknown Statement and predicate fields
//!   are ignored (in-toto's parsing rules), the fields [`verify`] reads are
//!   refused when repeated.
//! * Subjects carry a `sha256` digest (64 lower-case hex digits) and a
//!   `cordon.role` annotation, `output` (a file name in the attestation's
//!   directory) or `input` (the path the run was given, `-` for standard
//!   input).
//! * The signing key must be listed in `allowed_signers` by a line whose
//!   `namespaces=` list (if any) matches `cordon-attestation` and whose
//!   `valid-after`/`valid-before` window (if any) contains the current
//!   time, as `ssh-keygen -Y verify` applies them. A line for
//!   `cordon-plugin` only does not count, and a plugin signature (namespace
//!   `cordon-plugin`) is never an attestation signature, nor the reverse.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use cordon_model::suppress::State;
use cordon_model::{Action, InputStatus, RunReport, Verdict};
use cordon_signing::SignatureError;
use cordon_signing::sshsig;
use cordon_signing::time::{Notation, format_time, now, parse_time};
use cordon_signing::trust::{TrustError, TrustPolicy, fields, match_pattern_list, split_options};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use ssh_key::PublicKey;
use ssh_key::public::{Ed25519PublicKey, KeyData};

use crate::Meta;

/// The SSHSIG namespace of attestation signatures. Never `cordon-plugin`: a
/// plugin signature cannot pass for an attestation, nor the reverse.
pub const NAMESPACE: &str = "cordon-attestation";
/// The DSSE `payloadType`: an in-toto Statement in JSON.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The Statement's `_type`.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The `predicateType`: in-toto's Simple Verification Result, v0.1.
pub const PREDICATE_TYPE: &str = "https://in-toto.io/attestation/svr/v0.1";
/// The predicate's `verifier.id`: a cordon run, version 1 of the properties
/// and of the `cordon` record below. Bumped when either changes meaning.
pub const VERIFIER_ID: &str = "https://github.com/cordon-dev/cordon/run/v1";
/// The attestation's file name in the output directory.
pub const FILE_NAME: &str = "attestation.intoto.json";
/// The name of an input subject read from standard input: there is no file
/// to compare it with ([`SubjectStatus::StandardInput`]).
pub const STDIN_NAME: &str = "-";
/// The largest envelope [`verify`] parses (16 MiB): the Statement holds
/// counts and one record per stage and input, never the findings.
pub const MAX_ENVELOPE_BYTES: u64 = 16 << 20;
/// The largest file [`check_subjects`] hashes (4 GiB); a larger one is
/// [`SubjectStatus::TooLarge`], never silently passed.
pub const MAX_SUBJECT_BYTES: u64 = 4 << 30;

/// Property: the gate's verdict is `pass` in `enforce` mode. A report-only
/// gate passes whatever it finds, so it never earns this property.
pub const CORDON_GATE_PASSED: &str = "CORDON_GATE_PASSED";
/// Property: no decision is `block` and the gate counted no blocked
/// finding (in either mode).
pub const CORDON_NO_BLOCKING_FINDINGS: &str = "CORDON_NO_BLOCKING_FINDINGS";
/// Property: the run had at least one input and every input's status is
/// `ok` (none failed, none was skipped as unrecognised).
pub const CORDON_ALL_INPUTS_PARSED: &str = "CORDON_ALL_INPUTS_PARSED";
/// Property: the run recorded no error and the gate's verdict is not
/// `error`. (Warnings do not count.)
pub const CORDON_NO_RUN_ERRORS: &str = "CORDON_NO_RUN_ERRORS";
/// Property: the run had at least one stage, and every stage was verified
/// before it was compiled, by cordon's embedded SHA-256 pin
/// (`verified_by` = `embedded sha256 pin`) or by a signature its trust
/// policy accepted (`signature + trust policy`, with the signer recorded).
/// A pin chosen by an embedding application (`caller sha256 pin`) does not
/// count.
pub const CORDON_STAGES_VERIFIED: &str = "CORDON_STAGES_VERIFIED";
/// Property: no suppression the run knew about had expired (none in state
/// `expired`, and no decision names an expired suppression).
pub const CORDON_NO_EXPIRED_SUPPRESSIONS: &str = "CORDON_NO_EXPIRED_SUPPRESSIONS";

/// `verified_by` of a stage whose bytes matched cordon's embedded pin
/// (`cordon_runtime::Verification::EmbeddedPin`).
const VERIFIED_BY_PIN: &str = "embedded sha256 pin";
/// `verified_by` of a signed plugin the trust policy accepted
/// (`cordon_runtime::Verification::Signed`).
const VERIFIED_BY_SIGNATURE: &str = "signature + trust policy";

/// What a subject is to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A file the run wrote: a file name in the attestation's directory.
    Output,
    /// A report the run read: the path the run was given ([`STDIN_NAME`]
    /// for standard input).
    Input,
}

impl Role {
    /// The `cordon.role` annotation: `output` or `input`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Output => "output",
            Role::Input => "input",
        }
    }
}

/// One artifact the attestation is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Outputs: the file name. Inputs: the path as given to the run.
    pub name: String,
    /// Lower-case hex SHA-256 of the bytes (no `sha256:` prefix).
    pub sha256: String,
    /// Output or input.
    pub role: Role,
}

impl Subject {
    /// An output subject: `name` in the output directory, with these bytes.
    pub fn output(name: impl Into<String>, bytes: &[u8]) -> Subject {
        Subject {
            name: name.into(),
            sha256: hex::encode(Sha256::digest(bytes)),
            role: Role::Output,
        }
    }

    /// The input subjects of a run, in command-line order: one per input
    /// record with a `sha256:<hex>` digest (an input that failed before it
    /// was read has none; the predicate's `cordon.inputs` still lists it).
    /// An input given twice with the same bytes is one subject.
    pub fn inputs(report: &RunReport) -> Vec<Subject> {
        let mut out: Vec<Subject> = Vec::new();
        for input in &report.inputs {
            let Some(hex) = input.sha256.strip_prefix("sha256:").filter(|h| is_hex64(h)) else {
                continue;
            };
            let subject = Subject {
                name: input.path.clone(),
                sha256: hex.to_string(),
                role: Role::Input,
            };
            if !out.contains(&subject) {
                out.push(subject);
            }
        }
        out
    }
}

/// Why an attestation could not be made or was not accepted. Each variant
/// is a specific reason an auditor can act on.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// The envelope is not a DSSE envelope as cordon writes it: too large,
    /// not JSON, unknown or repeated fields, not exactly one signature, bad
    /// base64, or a `keyid` that names another key than the signing one.
    #[error("malformed attestation envelope: {0}")]
    MalformedEnvelope(String),
    /// The envelope holds something other than an in-toto Statement.
    #[error("attestation payloadType is {found:?}, not {PAYLOAD_TYPE:?}")]
    WrongPayloadType {
        /// The `payloadType` found.
        found: String,
    },
    /// The SSHSIG signature was refused: altered statement, another
    /// namespace (a plugin signature), weak key, wrong hash, ...
    #[error("attestation signature refused: {}", signature_reason(.0))]
    BadSignature(SignatureError),
    /// No line of the `allowed_signers` file lists the signing key.
    #[error("attestation signing key {fingerprint} is not listed in {file}")]
    UnknownSigner {
        /// The signing key, `SHA256:...`.
        fingerprint: String,
        /// The `allowed_signers` file.
        file: String,
    },
    /// The key is listed, but only by lines whose `namespaces=` does not
    /// match [`NAMESPACE`] (e.g. a plugin signer's line).
    #[error(
        "{file} lists the attestation signing key {fingerprint} only for other namespaces \
         ({lines}); it may not sign {NAMESPACE:?}"
    )]
    NamespaceNotAllowed {
        /// The signing key, `SHA256:...`.
        fingerprint: String,
        /// The `allowed_signers` file.
        file: String,
        /// The lines that list the key, with their `namespaces=`.
        lines: String,
    },
    /// The key is listed for [`NAMESPACE`], but no such line is valid now
    /// (`valid-after` in the future or `valid-before` passed).
    #[error("{file} lists the attestation signing key {fingerprint}, but not now: {lines}")]
    SignerNotValid {
        /// The signing key, `SHA256:...`.
        fingerprint: String,
        /// The `allowed_signers` file.
        file: String,
        /// The lines that list the key, with their validity window.
        lines: String,
    },
    /// The `allowed_signers` file is unusable (the verifier's
    /// configuration is at fault, not the attestation).
    #[error("{0}")]
    AllowedSigners(TrustError),
    /// The signed payload is not a cordon run Statement.
    #[error("malformed attestation statement: {0}")]
    MalformedStatement(String),
    /// Encoding or signing the attestation failed.
    #[error("cannot make the attestation: {0}")]
    Encode(String),
}

impl AttestError {
    /// True when the attestation itself is refused (malformed, altered,
    /// untrusted signer); false when the check could not be carried out
    /// (an unusable `allowed_signers` file) or signing failed.
    pub fn is_rejection(&self) -> bool {
        !matches!(
            self,
            AttestError::AllowedSigners(_) | AttestError::Encode(_)
        )
    }
}

/// [`SignatureError`]'s message, in an attestation's terms where the
/// plugin wording would mislead.
fn signature_reason(e: &SignatureError) -> String {
    match e {
        SignatureError::WrongNamespace { found } => format!(
            "signature was made for namespace {found:?}, not {NAMESPACE:?} \
             (a plugin signature is not an attestation)"
        ),
        SignatureError::BadSignature => {
            "signature does not verify: the statement, its payload type or the signature \
             was altered"
                .into()
        }
        other => other.to_string(),
    }
}

/// An attestation that verified: who signed it and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The principals of the `allowed_signers` lines that accepted the key,
    /// in file order, each once.
    pub principals: Vec<String>,
    /// The signing key, `SHA256:...` as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The whole Statement.
    pub statement: Value,
    /// Its subjects, in order.
    pub subjects: Vec<Subject>,
    /// The predicate's `properties` (the `CORDON_*` that held).
    pub properties: Vec<String>,
    /// The predicate's `timeCreated` (`YYYY-MM-DDTHH:MM:SSZ`).
    pub time_created: String,
}

/// The DSSE v1 pre-authentication encoding that is signed:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, the lengths in
/// bytes, in ASCII decimal.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The `CORDON_*` properties that hold for a run, in the order they are
/// declared.
fn properties(report: &RunReport) -> Vec<&'static str> {
    let gate = &report.gate;
    let expired = report
        .suppressions
        .iter()
        .any(|s| s.status == State::Expired)
        || report
            .decisions
            .iter()
            .any(|d| d.expired_suppression.is_some());
    let verified = |s: &cordon_model::StageRecord| {
        s.verified_by == VERIFIED_BY_PIN
            || (s.verified_by == VERIFIED_BY_SIGNATURE && s.signer.is_some())
    };
    [
        (
            CORDON_GATE_PASSED,
            gate.verdict == Verdict::Pass && gate.mode == "enforce",
        ),
        (
            CORDON_NO_BLOCKING_FINDINGS,
            gate.blocked == 0 && !report.decisions.iter().any(|d| d.action == Action::Block),
        ),
        (
            CORDON_ALL_INPUTS_PARSED,
            !report.inputs.is_empty() && report.inputs.iter().all(|i| i.status == InputStatus::Ok),
        ),
        (
            CORDON_NO_RUN_ERRORS,
            report.errors.is_empty() && gate.verdict != Verdict::Error,
        ),
        (
            CORDON_STAGES_VERIFIED,
            !report.stages.is_empty() && report.stages.iter().all(verified),
        ),
        (CORDON_NO_EXPIRED_SUPPRESSIONS, !expired),
    ]
    .into_iter()
    .filter_map(|(name, holds)| holds.then_some(name))
    .collect()
}

fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Block => "block",
        Verdict::Error => "error",
    }
}

fn input_status_str(s: InputStatus) -> &'static str {
    match s {
        InputStatus::Ok => "ok",
        InputStatus::Error => "error",
        InputStatus::Skipped => "skipped",
    }
}

/// The in-toto Statement of a run: `subjects` (in the order given), and an
/// SVR predicate with `verifier` (id, cordon's version, the policy
/// document's name and SHA-256), `timeCreated` (`meta.finished`),
/// `properties` (the `CORDON_*` that hold) and a `cordon` record of the run
/// (schema version, run id, date, pipeline, gate, every stage, every input,
/// finding count, fingerprint version, error kinds). A pure function: the
/// same arguments give the same value.
///
/// The policy's `digest` is left out when `meta.policy_digest` is not
/// `sha256:` and 64 lower-case hex digits.
pub fn statement(report: &RunReport, meta: &Meta, subjects: &[Subject]) -> Value {
    let subject: Vec<Value> = subjects
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "digest": { "sha256": s.sha256 },
                "annotations": { "cordon.role": s.role.as_str() },
            })
        })
        .collect();
    let mut policy = Map::new();
    policy.insert("uri".into(), json!(meta.policy_uri));
    if let Some(hex) = meta
        .policy_digest
        .strip_prefix("sha256:")
        .filter(|h| is_hex64(h))
    {
        policy.insert("digest".into(), json!({ "sha256": hex }));
    }
    let gate = &report.gate;
    let stages: Vec<Value> = report
        .stages
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "kind": s.kind,
                "source": s.source,
                "sha256": s.sha256,
                "version": s.version,
                "verified_by": s.verified_by,
                "signer": s.signer.as_ref().map(|g| json!({
                    "identity": g.identity,
                    "fingerprint": g.fingerprint,
                })),
                "capabilities": s.capabilities,
                "limits": s.limits.as_ref().map(|l| json!({
                    "memory_bytes": l.memory_bytes,
                    "timeout_ms": l.timeout_ms,
                    "fuel": l.fuel,
                    "max_findings": l.max_findings,
                    "max_string_bytes": l.max_string_bytes,
                    "max_log_bytes": l.max_log_bytes,
                })),
                "used": s.used,
            })
        })
        .collect();
    let inputs: Vec<Value> = report
        .inputs
        .iter()
        .map(|i| {
            json!({
                "path": i.path,
                "sha256": i.sha256,
                "bytes": i.bytes,
                "format": i.format,
                "parser": i.parser,
                "findings_parsed": i.findings_parsed,
                "status": input_status_str(i.status),
            })
        })
        .collect();
    let error_kinds: BTreeSet<&str> = report.errors.iter().map(|e| e.kind.as_str()).collect();
    json!({
        "_type": STATEMENT_TYPE,
        "subject": subject,
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "verifier": {
                "id": VERIFIER_ID,
                "version": report.cordon_version,
                "policy": policy,
            },
            "timeCreated": format_time(meta.finished),
            "properties": properties(report),
            "cordon": {
                "schema_version": report.schema_version,
                "run_id": report.run_id,
                "today": report.today,
                "pipeline": report.pipeline,
                "gate": {
                    "verdict": verdict_str(gate.verdict),
                    "mode": gate.mode,
                    "environment": gate.environment,
                    "blocked": gate.blocked,
                    "tickets": gate.tickets,
                    "notified": gate.notified,
                    "recorded": gate.recorded,
                    "suppressed": gate.suppressed,
                    "block_at": gate.block_at.map(|s| s.as_str()),
                },
                "stages": stages,
                "inputs": inputs,
                "findings": report.findings.len(),
                "fingerprint_version": report.fingerprint_version,
                "error_kinds": error_kinds,
            },
        },
    })
}

/// The DSSE envelope, as written and as read (unknown fields refused).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    signatures: Vec<EnvelopeSignature>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvelopeSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyid: Option<String>,
    sig: String,
}

/// Sign a Statement: the DSSE envelope (pretty JSON, then a newline) whose
/// one signature is the armoured SSHSIG, in [`NAMESPACE`], over [`pae`] of
/// the compact Statement JSON. Ed25519 signatures are deterministic: the
/// same Statement and key give the same bytes.
///
/// A Statement [`verify`] would refuse (see [`statement`]) is not signed:
/// [`AttestError::MalformedStatement`].
pub fn sign(statement: &Value, key: &SigningKey) -> Result<Vec<u8>, AttestError> {
    let payload = serde_json::to_vec(statement).map_err(|e| AttestError::Encode(e.to_string()))?;
    parse_statement(&payload)?;
    let armoured = sshsig::sign_in_namespace(&pae(PAYLOAD_TYPE, &payload), key, NAMESPACE)
        .map_err(|e| AttestError::Encode(e.to_string()))?;
    let public = PublicKey::new(
        KeyData::Ed25519(Ed25519PublicKey(key.verifying_key().to_bytes())),
        "",
    );
    let envelope = Envelope {
        payload_type: PAYLOAD_TYPE.into(),
        payload: STANDARD.encode(&payload),
        signatures: vec![EnvelopeSignature {
            keyid: Some(sshsig::fingerprint(&public)),
            sig: STANDARD.encode(armoured.as_bytes()),
        }],
    };
    let mut out =
        serde_json::to_vec_pretty(&envelope).map_err(|e| AttestError::Encode(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// Base64 as DSSE allows it: the standard or the URL-safe alphabet, padded
/// or not; never whitespace or non-zero trailing bits.
fn decode_base64(field: &str, text: &str) -> Result<Vec<u8>, AttestError> {
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD_ANY: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
    const URL_SAFE_ANY: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);
    STANDARD_ANY
        .decode(text)
        .or_else(|e| URL_SAFE_ANY.decode(text).map_err(|_| e))
        .map_err(|e| AttestError::MalformedEnvelope(format!("{field} is not base64: {e}")))
}

/// Verify an attestation envelope against the text of an OpenSSH
/// `allowed_signers` file (`allowed_signers_file` names it in messages):
///
/// 1. the envelope: at most [`MAX_ENVELOPE_BYTES`], the fields DSSE
///    defines and no others, `payloadType` [`PAYLOAD_TYPE`], exactly one
///    signature, strict base64;
/// 2. the signature: an SSHSIG over [`pae`] in [`NAMESPACE`], checked as
///    plugin signatures are (version, namespace, SHA-512, ed25519, no weak
///    key, `verify_strict`), and a `keyid`, if any, naming the signing key;
/// 3. the signer: the key listed in `allowed_signers` for [`NAMESPACE`]
///    and valid now (the file is read by cordon's `allowed_signers` parser,
///    so the same lines are refused as for plugin trust: `cert-authority`,
///    unknown options, impossible dates, keys other than ed25519);
/// 4. the Statement: `_type`, `predicateType`, cordon's `verifier.id`,
///    `timeCreated`, `properties`, and at least one subject, each with a
///    name, a `sha256` of 64 lower-case hex digits and a `cordon.role`.
///
/// Says nothing about the subjects' files: see [`check_subjects`].
pub fn verify(
    envelope: &[u8],
    allowed_signers: &str,
    allowed_signers_file: &str,
) -> Result<Verified, AttestError> {
    let len = u64::try_from(envelope.len()).unwrap_or(u64::MAX);
    if len > MAX_ENVELOPE_BYTES {
        return Err(AttestError::MalformedEnvelope(format!(
            "{len} bytes, more than the limit of {MAX_ENVELOPE_BYTES}"
        )));
    }
    let malformed = |e: serde_json::Error| AttestError::MalformedEnvelope(e.to_string());
    // serde also fills a struct from an array, positionally: the envelope
    // and its signatures must be objects.
    let value: Value = serde_json::from_slice(envelope).map_err(malformed)?;
    let objects = value.is_object()
        && value
            .get("signatures")
            .and_then(Value::as_array)
            .is_none_or(|list| list.iter().all(Value::is_object));
    if !objects {
        return Err(AttestError::MalformedEnvelope(
            "not a JSON object whose signatures are objects".into(),
        ));
    }
    let raw: Envelope = serde_json::from_slice(envelope).map_err(malformed)?;
    if raw.payload_type != PAYLOAD_TYPE {
        return Err(AttestError::WrongPayloadType {
            found: raw.payload_type,
        });
    }
    let [signature] = raw.signatures.as_slice() else {
        return Err(AttestError::MalformedEnvelope(format!(
            "{} signatures; cordon requires exactly one",
            raw.signatures.len()
        )));
    };
    let payload = decode_base64("payload", &raw.payload)?;
    let armoured = decode_base64("signatures[0].sig", &signature.sig)?;
    let signed = sshsig::verify_in_namespace(&pae(PAYLOAD_TYPE, &payload), &armoured, NAMESPACE)
        .map_err(AttestError::BadSignature)?;
    if let Some(keyid) = signature.keyid.as_deref()
        && !keyid.is_empty()
        && keyid != signed.fingerprint
    {
        return Err(AttestError::MalformedEnvelope(format!(
            "keyid {keyid:?} names another key than the one that signed ({})",
            signed.fingerprint
        )));
    }
    let key = sshsig::ed25519_bytes(signed.key.key_data()).ok_or_else(|| {
        AttestError::BadSignature(SignatureError::WrongKeyType {
            found: signed.key.algorithm().to_string(),
        })
    })?;
    let principals = allowed_principals(
        allowed_signers,
        allowed_signers_file,
        &key,
        &signed.fingerprint,
        now(),
    )?;
    let parsed = parse_statement(&payload)?;
    Ok(Verified {
        principals,
        fingerprint: signed.fingerprint,
        statement: parsed.statement,
        subjects: parsed.subjects,
        properties: parsed.properties,
        time_created: parsed.time_created,
    })
}

/// What [`parse_statement`] reads of a Statement.
struct ParsedStatement {
    statement: Value,
    subjects: Vec<Subject>,
    properties: Vec<String>,
    time_created: String,
}

/// The fields a Statement must have; others are ignored (in-toto's parsing
/// rules), and these are refused when repeated (serde refuses a duplicate
/// field of a struct).
#[derive(Deserialize)]
struct RawStatement {
    #[serde(rename = "_type")]
    statement_type: String,
    subject: Vec<RawSubject>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    predicate: RawPredicate,
}

#[derive(Deserialize)]
struct RawSubject {
    name: String,
    digest: RawDigest,
    annotations: RawAnnotations,
}

#[derive(Deserialize)]
struct RawDigest {
    sha256: String,
}

#[derive(Deserialize)]
struct RawAnnotations {
    #[serde(rename = "cordon.role")]
    role: String,
}

#[derive(Deserialize)]
struct RawPredicate {
    verifier: RawVerifier,
    #[serde(rename = "timeCreated")]
    time_created: String,
    properties: Vec<String>,
}

#[derive(Deserialize)]
struct RawVerifier {
    id: String,
}

/// The members [`RawStatement`] reads as structs must be JSON objects:
/// serde also fills a struct from an array, positionally, which is no
/// Statement.
fn check_objects(statement: &Value) -> Result<(), AttestError> {
    let object = |v: &Value, at: &str| {
        if v.is_object() {
            Ok(())
        } else {
            Err(AttestError::MalformedStatement(format!(
                "{at} is not a JSON object"
            )))
        }
    };
    object(statement, "the statement")?;
    if let Some(predicate) = statement.get("predicate") {
        object(predicate, "predicate")?;
        if let Some(verifier) = predicate.get("verifier") {
            object(verifier, "predicate.verifier")?;
        }
    }
    for (i, s) in statement
        .get("subject")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        object(s, &format!("subject[{i}]"))?;
        for member in ["digest", "annotations"] {
            if let Some(v) = s.get(member) {
                object(v, &format!("subject[{i}].{member}"))?;
            }
        }
    }
    Ok(())
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Parse and check a Statement's bytes (step 4 of [`verify`]).
fn parse_statement(payload: &[u8]) -> Result<ParsedStatement, AttestError> {
    let bad = AttestError::MalformedStatement;
    let value: Value = serde_json::from_slice(payload).map_err(|e| bad(e.to_string()))?;
    check_objects(&value)?;
    let raw: RawStatement = serde_json::from_slice(payload).map_err(|e| bad(e.to_string()))?;
    if raw.statement_type != STATEMENT_TYPE {
        return Err(bad(format!(
            "_type is {:?}, not {STATEMENT_TYPE:?}",
            raw.statement_type
        )));
    }
    if raw.predicate_type != PREDICATE_TYPE {
        return Err(bad(format!(
            "predicateType is {:?}, not {PREDICATE_TYPE:?}",
            raw.predicate_type
        )));
    }
    let predicate = raw.predicate;
    if predicate.verifier.id != VERIFIER_ID {
        return Err(bad(format!(
            "predicate.verifier.id is {:?}, not {VERIFIER_ID:?}: not a cordon run attestation",
            predicate.verifier.id
        )));
    }
    parse_time(&predicate.time_created, Notation::Trust)
        .map_err(|e| bad(format!("predicate.timeCreated: {e}")))?;
    if raw.subject.is_empty() {
        return Err(bad("subject is empty".into()));
    }
    let subjects = raw
        .subject
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if s.name.is_empty() {
                return Err(bad(format!("subject[{i}].name is empty")));
            }
            if !is_hex64(&s.digest.sha256) {
                return Err(bad(format!(
                    "subject[{i}].digest.sha256 {:?} is not 64 lower-case hex digits",
                    s.digest.sha256
                )));
            }
            let role = match s.annotations.role.as_str() {
                "output" => Role::Output,
                "input" => Role::Input,
                other => {
                    return Err(bad(format!(
                        "subject[{i}].annotations.\"cordon.role\" is {other:?}, \
                         neither \"output\" nor \"input\""
                    )));
                }
            };
            Ok(Subject {
                name: s.name,
                sha256: s.digest.sha256,
                role,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ParsedStatement {
        statement: value,
        subjects,
        properties: predicate.properties,
        time_created: predicate.time_created,
    })
}

/// The principals of the `allowed_signers` lines that let `key` sign in
/// [`NAMESPACE`] at `at` (Unix seconds), or why none does.
///
/// The whole file is first validated by [`TrustPolicy::parse`], so it is
/// refused for exactly what plugin trust refuses (`cert-authority`, unknown
/// options, impossible dates, non-ed25519 keys, malformed lines). Then each
/// line that lists `key` is read for its `namespaces=` list (matched with
/// [`match_pattern_list`], as `ssh-keygen -Y verify` matches it; no list
/// means any namespace) and its validity window (`valid-after` inclusive,
/// `valid-before` exclusive, as in plugin trust).
fn allowed_principals(
    text: &str,
    file: &str,
    key: &[u8; 32],
    fingerprint: &str,
    at: i64,
) -> Result<Vec<String>, AttestError> {
    if file.ends_with(".toml") {
        return Err(AttestError::AllowedSigners(TrustError::Invalid {
            file: file.to_string(),
            message: "attestations are verified against an OpenSSH allowed_signers file, \
                      not a trust.toml policy"
                .into(),
        }));
    }
    match TrustPolicy::parse(text, file) {
        Ok(_) | Err(TrustError::Empty { .. }) => {}
        Err(e) => return Err(AttestError::AllowedSigners(e)),
    }
    let is_key_type =
        |s: &str| s.starts_with("ssh-") || s.starts_with("ecdsa-") || s.starts_with("sk-");
    let (mut principals, mut other_namespaces, mut out_of_window) =
        (Vec::<String>::new(), Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f = fields(line);
        // Lines the parser above accepted always have one of these shapes
        // and a valid key; anything else grants nothing.
        let (names, options, key_at) = match f.as_slice() {
            [p, t, ..] if is_key_type(t) => (p.as_str(), None, 1),
            [p, o, t, ..] if is_key_type(t) => (p.as_str(), Some(o.as_str()), 2),
            _ => continue,
        };
        let listed = cordon_signing::keys::parse_public(&f[key_at..].join(" "));
        if listed
            .ok()
            .and_then(|k| sshsig::ed25519_bytes(k.key_data()))
            != Some(*key)
        {
            continue;
        }
        let (mut namespaces, mut window) = (None, None);
        for opt in options.map(split_options).unwrap_or_default() {
            let (name, value) = opt.split_once('=').unwrap_or((opt.as_str(), ""));
            let time = || parse_time(value, Notation::OpenSsh).ok();
            match name.to_ascii_lowercase().as_str() {
                "namespaces" if !match_pattern_list(NAMESPACE, value) => {
                    namespaces = Some(format!("line {}: namespaces=\"{value}\"", n + 1));
                }
                "valid-after" => match time() {
                    Some(t) if at >= t => {}
                    t => {
                        window = Some(format!(
                            "line {}: not valid before {}",
                            n + 1,
                            t.map_or_else(|| value.to_string(), format_time)
                        ));
                    }
                },
                "valid-before" => match time() {
                    Some(t) if at < t => {}
                    t => {
                        window = Some(format!(
                            "line {}: expired at {}",
                            n + 1,
                            t.map_or_else(|| value.to_string(), format_time)
                        ));
                    }
                },
                _ => {}
            }
        }
        if let Some(why) = namespaces {
            other_namespaces.push(why);
        } else if let Some(why) = window {
            out_of_window.push(why);
        } else {
            for p in names.split(',') {
                if !principals.iter().any(|q| q == p) {
                    principals.push(p.to_string());
                }
            }
        }
    }
    if !principals.is_empty() {
        return Ok(principals);
    }
    let (fingerprint, file) = (fingerprint.to_string(), file.to_string());
    Err(if !out_of_window.is_empty() {
        AttestError::SignerNotValid {
            fingerprint,
            file,
            lines: out_of_window.join("; "),
        }
    } else if !other_namespaces.is_empty() {
        AttestError::NamespaceNotAllowed {
            fingerprint,
            file,
            lines: other_namespaces.join("; "),
        }
    } else {
        AttestError::UnknownSigner { fingerprint, file }
    })
}

/// How a subject compares with its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectStatus {
    /// The file's SHA-256 is the subject's.
    Match,
    /// The file has other bytes.
    Mismatch {
        /// The file's SHA-256, lower-case hex.
        actual: String,
    },
    /// No such file.
    Missing,
    /// An input read from standard input ([`STDIN_NAME`]): nothing on disk
    /// to compare.
    StandardInput,
    /// The name is not one the verifier opens (see [`check_subjects`]).
    UnsafeName {
        /// Why.
        reason: &'static str,
    },
    /// Not a regular file (never opened).
    NotRegularFile {
        /// What it is: `directory`, `symlink`, `FIFO`, ...
        kind: &'static str,
    },
    /// Larger than [`MAX_SUBJECT_BYTES`] (not hashed to the end).
    TooLarge,
    /// The file could not be read, or was replaced while it was opened.
    Unreadable {
        /// The OS error or what happened.
        error: String,
    },
}

impl fmt::Display for SubjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectStatus::Match => f.write_str("sha256 matches"),
            SubjectStatus::Mismatch { actual } => {
                write!(f, "sha256 differs: the file's is {actual}")
            }
            SubjectStatus::Missing => f.write_str("no such file"),
            SubjectStatus::StandardInput => {
                f.write_str("not checked: the run read it from standard input")
            }
            SubjectStatus::UnsafeName { reason } => write!(f, "not checked: {reason}"),
            SubjectStatus::NotRegularFile { kind } => {
                write!(f, "not checked: a {kind}, not a regular file")
            }
            SubjectStatus::TooLarge => write!(
                f,
                "not checked: larger than the limit of {MAX_SUBJECT_BYTES} bytes"
            ),
            SubjectStatus::Unreadable { error } => write!(f, "not checked: {error}"),
        }
    }
}

/// One subject and how it compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectCheck {
    /// The subject.
    pub subject: Subject,
    /// The file compared (absent when none was: standard input, unsafe
    /// name).
    pub path: Option<PathBuf>,
    /// The outcome.
    pub status: SubjectStatus,
}

/// Where a subject's file is, or why the verifier will not look.
///
/// Outputs are a single plain file name (no separator, no `.` or `..`), and
/// inputs a relative path of plain components (`./` allowed); neither is
/// absolute, empty, or holds a NUL or a backslash. So a subject can only
/// name a file under the directory the verifier chose.
fn locate(
    subject: &Subject,
    outputs_dir: &Path,
    inputs_dir: &Path,
) -> Result<PathBuf, SubjectStatus> {
    let name = subject.name.as_str();
    if subject.role == Role::Input && name == STDIN_NAME {
        return Err(SubjectStatus::StandardInput);
    }
    let unsafe_name = |reason| Err(SubjectStatus::UnsafeName { reason });
    if name.is_empty() {
        return unsafe_name("the name is empty");
    }
    if name.contains(['\0', '\\']) {
        return unsafe_name("the name holds a NUL or a backslash");
    }
    let path = Path::new(name);
    for c in path.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return unsafe_name("the name holds `..`"),
            Component::RootDir | Component::Prefix(_) => {
                return unsafe_name("the name is an absolute path");
            }
        }
    }
    match subject.role {
        Role::Output => {
            let plain = !name.contains('/')
                && matches!(path.components().next(), Some(Component::Normal(_)));
            if !plain {
                return unsafe_name(
                    "an output is a file name in the attestation's directory, not a path",
                );
            }
            Ok(outputs_dir.join(path))
        }
        Role::Input => Ok(inputs_dir.join(path)),
    }
}

fn file_kind(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_char_device() {
            return "character device";
        }
    }
    if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else {
        "special file"
    }
}

/// Stream-hash the regular file at `path`. Its type is checked before it is
/// opened, so a FIFO or device is never opened (only a swap between the
/// check and the open could make the open block); the opened file must be
/// the one checked; at most [`MAX_SUBJECT_BYTES`] are read. With
/// `follow_symlinks` false, a symlink at `path` is not followed.
fn hash_regular(path: &Path, follow_symlinks: bool) -> Result<String, SubjectStatus> {
    let unreadable = |e: io::Error| SubjectStatus::Unreadable {
        error: e.to_string(),
    };
    let checked = if follow_symlinks {
        fs::metadata(path)
    } else {
        fs::symlink_metadata(path)
    };
    let before = match checked {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(SubjectStatus::Missing),
        Err(e) => return Err(unreadable(e)),
    };
    if !before.is_file() {
        return Err(SubjectStatus::NotRegularFile {
            kind: file_kind(&before),
        });
    }
    if before.len() > MAX_SUBJECT_BYTES {
        return Err(SubjectStatus::TooLarge);
    }
    let file = fs::File::open(path).map_err(unreadable)?;
    let opened = file.metadata().map_err(unreadable)?;
    if !opened.is_file() {
        return Err(SubjectStatus::NotRegularFile {
            kind: file_kind(&opened),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (opened.dev(), opened.ino()) != (before.dev(), before.ino()) {
            return Err(SubjectStatus::Unreadable {
                error: "the file was replaced while it was being opened".into(),
            });
        }
    }
    let mut hasher = Sha256::new();
    let read = io::copy(&mut file.take(MAX_SUBJECT_BYTES + 1), &mut hasher).map_err(unreadable)?;
    if read > MAX_SUBJECT_BYTES {
        return Err(SubjectStatus::TooLarge);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Compare each subject's digest with its file, in order. Pass the
/// subjects of a [`Verified`] attestation: the names come from the signed
/// Statement, and this is what keeps even a trusted signer's names from
/// making the verifier read files elsewhere:
///
/// * outputs: a plain file name, looked up in `outputs_dir` (the
///   attestation's directory); a symlink there is not followed (cordon
///   writes its outputs as regular files);
/// * inputs: the path the run was given, relative to `inputs_dir` (the
///   directory the run was started in); symlinks are followed (a report
///   may be one, and the directory is the verifier's choice). An absolute
///   path, a path with `..`, and [`STDIN_NAME`] are not checked.
///
/// Only regular files are hashed (streamed, up to [`MAX_SUBJECT_BYTES`]).
pub fn check_subjects(
    subjects: &[Subject],
    outputs_dir: &Path,
    inputs_dir: &Path,
) -> Vec<SubjectCheck> {
    subjects
        .iter()
        .map(|subject| {
            let (path, status) = match locate(subject, outputs_dir, inputs_dir) {
                Err(status) => (None, status),
                Ok(path) => {
                    let status = match hash_regular(&path, subject.role == Role::Input) {
                        Ok(actual) if actual == subject.sha256 => SubjectStatus::Match,
                        Ok(actual) => SubjectStatus::Mismatch { actual },
                        Err(status) => status,
                    };
                    (Some(path), status)
                }
            };
            SubjectCheck {
                subject: subject.clone(),
                path,
                status,
            }
        })
        .collect()
}
