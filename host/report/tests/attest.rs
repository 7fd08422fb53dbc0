//! The signed run attestation (`cordon_report::attest`): the Statement made
//! from a real `findings.json`, DSSE signing and verification, the trust
//! decisions, interoperability with `ssh-keygen -Y verify` through the shell
//! recipe documented in the module, and the subject checks on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cordon_model::{Action, InputStatus, RunReport, Verdict};
use cordon_report::Meta;
use cordon_report::attest::{
    self, AttestError, CORDON_ALL_INPUTS_PARSED, CORDON_GATE_PASSED, CORDON_NO_BLOCKING_FINDINGS,
    CORDON_NO_EXPIRED_SUPPRESSIONS, CORDON_NO_RUN_ERRORS, CORDON_STAGES_VERIFIED, NAMESPACE,
    PAYLOAD_TYPE, PREDICATE_TYPE, Role, STATEMENT_TYPE, Subject, SubjectStatus, VERIFIER_ID, pae,
};
use cordon_signing::SignatureError;
use cordon_signing::sshsig;
use cordon_signing::trust::{TrustError, TrustPolicy};
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn run() -> RunReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/run.json");
    serde_json::from_slice(&fs::read(path).expect("read run.json")).expect("a RunReport")
}

fn meta() -> Meta {
    Meta {
        started: 1_796_601_600,
        finished: 1_796_601_642,
        policy_uri: "embedded:policies/rules/default.toml".into(),
        policy_digest: format!("sha256:{}", "ab".repeat(32)),
    }
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A fresh directory under the system temporary directory.
fn tempdir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "cordon-attest-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// A fresh key, read back through the key-file code the CLI uses: the
/// signing key, its public key line and its fingerprint.
fn fresh_key() -> (SigningKey, String, String) {
    let g = cordon_signing::keys::generate("attest-test").expect("generate");
    let dir = tempdir("key");
    let path = dir.join("key");
    cordon_signing::keys::write_new(&path, g.private_openssh.as_bytes(), 0o600, false)
        .expect("write key");
    let key = cordon_signing::keys::read_private(&path).expect("read key");
    let _ = fs::remove_dir_all(&dir);
    (key, g.public_openssh, g.fingerprint)
}

/// The outputs a run writes, as (file name, bytes).
fn outputs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("findings.json", b"{\"findings\": []}\n".to_vec()),
        ("results.sarif", b"{\"version\": \"2.1.0\"}\n".to_vec()),
    ]
}

/// The outputs written to `dir`, and the run's subjects: those outputs
/// (hashed from the files on disk) and the run's inputs.
fn subjects_in(dir: &Path) -> Vec<Subject> {
    let mut subjects = Vec::new();
    for (name, bytes) in outputs() {
        fs::write(dir.join(name), &bytes).expect("write output");
        subjects.push(Subject::output(
            name,
            &fs::read(dir.join(name)).expect("read output"),
        ));
    }
    subjects.extend(Subject::inputs(&run()));
    subjects
}

fn subjects() -> Vec<Subject> {
    let mut subjects: Vec<Subject> = outputs()
        .into_iter()
        .map(|(name, bytes)| Subject::output(name, &bytes))
        .collect();
    subjects.extend(Subject::inputs(&run()));
    subjects
}

fn signed(key: &SigningKey) -> Vec<u8> {
    attest::sign(&attest::statement(&run(), &meta(), &subjects()), key).expect("sign")
}

fn allowed(public: &str) -> String {
    format!("ci@example.com {public}\n")
}

/// An envelope around `payload` with an SSHSIG over its PAE in `namespace`
/// (what a forger or a confused signer could produce).
fn envelope_for(payload: &[u8], key: &SigningKey, namespace: &str) -> Vec<u8> {
    let armoured =
        sshsig::sign_in_namespace(&pae(PAYLOAD_TYPE, payload), key, namespace).expect("sign");
    serde_json::to_vec(&json!({
        "payloadType": PAYLOAD_TYPE,
        "payload": STANDARD.encode(payload),
        "signatures": [{ "sig": STANDARD.encode(armoured) }],
    }))
    .expect("encode")
}

/// An edit of a JSON document, for tampering tests.
type Edit = Box<dyn Fn(&mut Value)>;

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string"))
        .collect()
}

#[test]
fn attest_statement_fields() {
    let report = run();
    let dir = tempdir("statement");
    let subjects = subjects_in(&dir);
    let st = attest::statement(&report, &meta(), &subjects);

    assert_eq!(st["_type"], STATEMENT_TYPE);
    assert_eq!(st["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(st["predicateType"], PREDICATE_TYPE);
    assert_eq!(
        st["predicateType"],
        "https://in-toto.io/attestation/svr/v0.1"
    );

    // Two outputs, then the seven inputs in command-line order.
    let subject = st["subject"].as_array().expect("subject array");
    assert_eq!(subject.len(), 2 + report.inputs.len());
    for (i, (name, _)) in outputs().into_iter().enumerate() {
        let on_disk = fs::read(dir.join(name)).expect("read");
        assert_eq!(subject[i]["name"], name);
        assert_eq!(subject[i]["digest"], json!({ "sha256": sha(&on_disk) }));
        assert_eq!(
            subject[i]["annotations"],
            json!({ "cordon.role": "output" })
        );
    }
    for (s, input) in subject[2..].iter().zip(&report.inputs) {
        assert_eq!(s["name"], input.path.as_str());
        assert_eq!(
            format!("sha256:{}", s["digest"]["sha256"].as_str().expect("hex")),
            input.sha256
        );
        assert_eq!(s["annotations"], json!({ "cordon.role": "input" }));
    }

    let p = &st["predicate"];
    assert_eq!(p["verifier"]["id"], VERIFIER_ID);
    assert_eq!(
        p["verifier"],
        json!({
            "id": "https://github.com/cordon-dev/cordon/run/v1",
            "version": "0.1.0",
            "policy": {
                "uri": "embedded:policies/rules/default.toml",
                "digest": { "sha256": "ab".repeat(32) },
            },
        })
    );
    assert_eq!(p["timeCreated"], "2026-12-07T00:00:42Z");
    // A blocking run, every input parsed, no errors, every stage pinned,
    // one expired suppression (IGN-2).
    assert_eq!(
        strings(&p["properties"]),
        [
            CORDON_ALL_INPUTS_PARSED,
            CORDON_NO_RUN_ERRORS,
            CORDON_STAGES_VERIFIED
        ]
    );

    let c = &p["cordon"];
    assert_eq!(c["schema_version"], "cordon.findings/v1");
    assert_eq!(c["run_id"], "01dd639565c46e66a0ffb8afe4a91eaa");
    assert_eq!(c["today"], "2026-12-07");
    assert_eq!(c["pipeline"], "default");
    assert_eq!(c["fingerprint_version"], "normalizer-default/v2");
    assert_eq!(c["findings"], 24);
    assert_eq!(c["error_kinds"], json!([]));
    assert_eq!(
        c["gate"],
        json!({
            "verdict": "block", "mode": "enforce", "environment": "prod",
            "blocked": 12, "tickets": 6, "notified": 3, "recorded": 1, "suppressed": 2,
            "block_at": null,
        })
    );
    let stages = c["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 23);
    let checkov = stages
        .iter()
        .find(|s| s["name"] == "parser-checkov")
        .expect("parser-checkov");
    assert_eq!(
        *checkov,
        json!({
            "name": "parser-checkov",
            "kind": "parser",
            "source": "embedded",
            "sha256": "sha256:788d8603c27d888c44cee2b9e6b924a9bd600a645afe1af953897a86ae27c290",
            "version": "0.1.0",
            "verified_by": "embedded sha256 pin",
            "signer": null,
            "capabilities": ["log"],
            "limits": {
                "memory_bytes": 536_870_912u64, "timeout_ms": 20_000, "fuel": 10_000_000_000u64,
                "max_findings": 200_000, "max_string_bytes": 134_217_728, "max_log_bytes": 65_536,
            },
            "used": true,
        })
    );
    let inputs = c["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 7);
    assert_eq!(
        inputs[0],
        json!({
            "path": "tests/outputs/injection.sarif",
            "sha256": "sha256:7cfd784ce5dc28832f65e49de0e5e1937a6e1ddf936e76c6bc58cbca3301f914",
            "bytes": 2070,
            "format": "sarif-2.1.0",
            "parser": "parser-sarif",
            "findings_parsed": 2,
            "status": "ok",
        })
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn attest_properties_hold_exactly_as_documented() {
    let props = |r: &RunReport| {
        let st = attest::statement(r, &meta(), &subjects());
        strings(&st["predicate"]["properties"])
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    // The same run, passing cleanly: every property.
    let mut clean = run();
    clean.gate.verdict = Verdict::Pass;
    clean.gate.blocked = 0;
    for d in &mut clean.decisions {
        if d.action == Action::Block {
            d.action = Action::Ticket;
        }
        d.expired_suppression = None;
    }
    clean.suppressions.retain(|s| s.id != "IGN-2");
    assert_eq!(
        props(&clean),
        [
            CORDON_GATE_PASSED,
            CORDON_NO_BLOCKING_FINDINGS,
            CORDON_ALL_INPUTS_PARSED,
            CORDON_NO_RUN_ERRORS,
            CORDON_STAGES_VERIFIED,
            CORDON_NO_EXPIRED_SUPPRESSIONS,
        ]
    );

    // A report-only gate passes whatever it finds: never CORDON_GATE_PASSED.
    let mut r = clean.clone();
    r.gate.mode = "report-only".into();
    assert!(!props(&r).contains(&CORDON_GATE_PASSED.to_string()));

    // One block decision is enough to lose CORDON_NO_BLOCKING_FINDINGS.
    let mut r = clean.clone();
    r.decisions[0].action = Action::Block;
    assert!(!props(&r).contains(&CORDON_NO_BLOCKING_FINDINGS.to_string()));

    // A skipped input, or none at all: not every input parsed.
    let mut r = clean.clone();
    r.inputs[3].status = InputStatus::Skipped;
    assert!(!props(&r).contains(&CORDON_ALL_INPUTS_PARSED.to_string()));
    let mut r = clean.clone();
    r.inputs.clear();
    assert!(!props(&r).contains(&CORDON_ALL_INPUTS_PARSED.to_string()));

    // An error, or an error verdict.
    let mut r = clean.clone();
    r.errors.push(cordon_model::RunError {
        kind: "limit-exceeded".into(),
        stage: Some("parser-trivy".into()),
        input: None,
        message: "fuel".into(),
    });
    assert!(!props(&r).contains(&CORDON_NO_RUN_ERRORS.to_string()));
    let st = attest::statement(&r, &meta(), &subjects());
    assert_eq!(
        st["predicate"]["cordon"]["error_kinds"],
        json!(["limit-exceeded"])
    );
    let mut r = clean.clone();
    r.gate.verdict = Verdict::Error;
    assert!(!props(&r).contains(&CORDON_NO_RUN_ERRORS.to_string()));

    // A caller pin, or a signature with no signer recorded, is not a
    // verification a third party can rely on; no stage at all, neither.
    for (verified_by, signer) in [
        ("caller sha256 pin", None),
        ("signature + trust policy", None),
        ("", None),
    ] {
        let mut r = clean.clone();
        r.stages[5].verified_by = verified_by.into();
        r.stages[5].signer = signer;
        assert!(
            !props(&r).contains(&CORDON_STAGES_VERIFIED.to_string()),
            "{verified_by:?}"
        );
    }
    let mut r = clean.clone();
    r.stages[5].verified_by = "signature + trust policy".into();
    r.stages[5].signer = Some(cordon_model::Signer {
        identity: "acme@example.com".into(),
        fingerprint: "SHA256:x".into(),
    });
    assert!(props(&r).contains(&CORDON_STAGES_VERIFIED.to_string()));
    let mut r = clean.clone();
    r.stages.clear();
    assert!(!props(&r).contains(&CORDON_STAGES_VERIFIED.to_string()));

    // A decision naming an expired suppression is enough.
    let mut r = clean;
    r.decisions[0].expired_suppression = Some(cordon_model::Suppression {
        id: "IGN-9".into(),
        owner: "x".into(),
        expires: Some("2026-01-01".into()),
    });
    assert!(!props(&r).contains(&CORDON_NO_EXPIRED_SUPPRESSIONS.to_string()));
}

#[test]
fn attest_policy_digest_is_left_out_unless_well_formed() {
    let mut m = meta();
    m.policy_digest = "ab".repeat(32);
    let st = attest::statement(&run(), &m, &subjects());
    assert_eq!(
        st["predicate"]["verifier"]["policy"],
        json!({ "uri": "embedded:policies/rules/default.toml" })
    );
}

#[test]
fn attest_pae_matches_the_dsse_test_vector() {
    assert_eq!(
        pae("http://example.com/HelloWorld", b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    );
    assert_eq!(
        pae(PAYLOAD_TYPE, b"{}"),
        b"DSSEv1 28 application/vnd.in-toto+json 2 {}"
    );
    // Lengths are byte lengths.
    assert_eq!(pae("t", "é".as_bytes()), "DSSEv1 1 t 2 é".as_bytes());
}

#[test]
fn attest_sign_verify_round_trip() {
    let (key, public, fingerprint) = fresh_key();
    let st = attest::statement(&run(), &meta(), &subjects());
    let envelope = attest::sign(&st, &key).expect("sign");
    assert!(envelope.ends_with(b"}\n"));
    let parsed: Value = serde_json::from_slice(&envelope).expect("JSON");
    assert_eq!(parsed["payloadType"], "application/vnd.in-toto+json");
    assert_eq!(parsed["signatures"].as_array().map(Vec::len), Some(1));
    assert_eq!(parsed["signatures"][0]["keyid"], fingerprint.as_str());
    let payload = STANDARD
        .decode(parsed["payload"].as_str().expect("payload"))
        .expect("base64");
    assert_eq!(payload, serde_json::to_vec(&st).expect("compact JSON"));
    let sig = STANDARD
        .decode(parsed["signatures"][0]["sig"].as_str().expect("sig"))
        .expect("base64");
    assert!(sig.starts_with(b"-----BEGIN SSH SIGNATURE-----\n"));

    let signers = format!(
        "# CI\nci@example.com,release {public}\nother namespaces=\"cordon-attestation\" {public}\n"
    );
    let v = attest::verify(&envelope, &signers, "allowed_signers").expect("verifies");
    assert_eq!(v.fingerprint, fingerprint);
    assert_eq!(v.principals, ["ci@example.com", "release", "other"]);
    assert_eq!(v.statement, st);
    assert_eq!(v.subjects, subjects());
    assert_eq!(
        v.properties,
        [
            CORDON_ALL_INPUTS_PARSED,
            CORDON_NO_RUN_ERRORS,
            CORDON_STAGES_VERIFIED
        ]
    );
    assert_eq!(v.time_created, "2026-12-07T00:00:42Z");

    // namespaces= is an OpenSSH pattern list.
    for list in ["cordon-plugin,cordon-a*", "*", "cordon-*,!cordon-plugin"] {
        let signers = format!("ci namespaces=\"{list}\" {public}\n");
        attest::verify(&envelope, &signers, "allowed_signers").expect(list);
    }
    // A window around now.
    let signers = format!("ci valid-after=\"20000101\",valid-before=\"29991231\" {public}\n");
    attest::verify(&envelope, &signers, "allowed_signers").expect("in its window");
}

#[test]
fn attest_is_deterministic() {
    let (key, _, _) = fresh_key();
    let a = attest::statement(&run(), &meta(), &subjects());
    let b = attest::statement(&run(), &meta(), &subjects());
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_vec(&a).expect("JSON"),
        serde_json::to_vec(&b).expect("JSON")
    );
    assert_eq!(
        attest::sign(&a, &key).expect("sign"),
        attest::sign(&b, &key).expect("sign")
    );
}

#[test]
fn attest_tampered_payload_is_bad_signature() {
    let (key, public, _) = fresh_key();
    let envelope: Value = serde_json::from_slice(&signed(&key)).expect("JSON");
    let st = attest::statement(&run(), &meta(), &subjects());
    let tamper = |edit: &dyn Fn(&mut Value)| {
        let mut forged = st.clone();
        edit(&mut forged);
        let mut e = envelope.clone();
        e["payload"] = json!(STANDARD.encode(serde_json::to_vec(&forged).expect("JSON")));
        attest::verify(
            &serde_json::to_vec(&e).expect("JSON"),
            &allowed(&public),
            "allowed_signers",
        )
    };
    let edits: Vec<Edit> = vec![
        Box::new(|s| s["predicate"]["cordon"]["gate"]["verdict"] = json!("pass")),
        Box::new(|s| s["predicate"]["properties"] = json!([CORDON_GATE_PASSED])),
        Box::new(|s| s["subject"][0]["digest"]["sha256"] = json!("0".repeat(64))),
    ];
    for edit in &edits {
        let err = tamper(edit).expect_err("tampered");
        assert!(
            matches!(err, AttestError::BadSignature(SignatureError::BadSignature)),
            "{err}"
        );
        assert!(err.is_rejection());
        assert_eq!(
            err.to_string(),
            "attestation signature refused: signature does not verify: the statement, its \
             payload type or the signature was altered"
        );
    }
}

#[test]
fn attest_malformed_envelopes_are_refused() {
    let (key, public, fingerprint) = fresh_key();
    let envelope: Value = serde_json::from_slice(&signed(&key)).expect("JSON");
    let check = |e: &Value| {
        attest::verify(
            &serde_json::to_vec(e).expect("JSON"),
            &allowed(&public),
            "allowed_signers",
        )
    };
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut e = envelope.clone();
        edit(&mut e);
        e
    };

    let err = check(&with(&|e| e["payloadType"] = json!("application/json"))).expect_err("type");
    assert!(
        matches!(&err, AttestError::WrongPayloadType { found } if found == "application/json"),
        "{err}"
    );

    let (payload, sig) = (
        envelope["payload"].as_str().expect("payload").to_string(),
        envelope["signatures"][0]["sig"]
            .as_str()
            .expect("sig")
            .to_string(),
    );
    let malformed: Vec<(&str, Value)> = vec![
        ("no signature", with(&|e| e["signatures"] = json!([]))),
        (
            "two signatures",
            with(&|e| {
                let s = e["signatures"][0].clone();
                e["signatures"] = json!([s.clone(), s]);
            }),
        ),
        ("unknown field", with(&|e| e["extra"] = json!(1))),
        (
            "unknown signature field",
            with(&|e| e["signatures"][0]["cert"] = json!("x")),
        ),
        ("payload missing", with(&|e| e["payload"] = Value::Null)),
        (
            "payload with whitespace",
            with(&|e| e["payload"] = json!(format!("{} {}", &payload[..8], &payload[8..]))),
        ),
        (
            "payload with a newline",
            with(&|e| e["payload"] = json!(format!("{payload}\n"))),
        ),
        (
            "payload not base64",
            with(&|e| e["payload"] = json!("not base64!")),
        ),
        (
            "non-canonical trailing bits",
            // "QR==" decodes to 'A' only with non-zero trailing bits.
            with(&|e| e["payload"] = json!("QR==")),
        ),
        (
            "mixed alphabets",
            with(&|e| e["signatures"][0]["sig"] = json!(format!("+_{}", &sig[2..]))),
        ),
        (
            "keyid of another key",
            with(&|e| e["signatures"][0]["keyid"] = json!("SHA256:somebodyelse")),
        ),
    ];
    for (what, e) in &malformed {
        let err = check(e).expect_err(what);
        assert!(
            matches!(err, AttestError::MalformedEnvelope(_)),
            "{what}: {err}"
        );
        assert!(err.is_rejection(), "{what}");
    }
    let err = check(&malformed[10].1).expect_err("keyid");
    assert!(err.to_string().contains(&fingerprint), "{err}");

    // The envelope as an array, positionally: not a DSSE envelope.
    let positional = json!([envelope["payloadType"], payload, [[fingerprint, sig]]]);
    let err = check(&positional).expect_err("array envelope");
    assert!(matches!(err, AttestError::MalformedEnvelope(_)), "{err}");
    let err = check(&with(&|e| {
        let s = &e["signatures"][0];
        e["signatures"] = json!([[s["keyid"], s["sig"]]]);
    }))
    .expect_err("array signature");
    assert!(matches!(err, AttestError::MalformedEnvelope(_)), "{err}");

    for junk in [&b""[..], b"not json", b"[]", b"{}", b"null"] {
        let err = attest::verify(junk, &allowed(&public), "allowed_signers").expect_err("junk");
        assert!(matches!(err, AttestError::MalformedEnvelope(_)), "{err}");
    }
    let huge = vec![b' '; (attest::MAX_ENVELOPE_BYTES + 1) as usize];
    let err = attest::verify(&huge, &allowed(&public), "allowed_signers").expect_err("huge");
    assert!(err.to_string().contains("more than the limit"), "{err}");

    // keyid is a hint: absent or empty is fine.
    for e in [
        with(&|e| {
            if let Some(s) = e["signatures"][0].as_object_mut() {
                s.remove("keyid");
            }
        }),
        with(&|e| e["signatures"][0]["keyid"] = json!("")),
    ] {
        check(&e).expect("keyid is optional");
    }
}

#[test]
fn attest_url_safe_and_unpadded_base64_are_accepted() {
    // DSSE: verifiers must accept the standard and the URL-safe alphabet.
    let (key, public, _) = fresh_key();
    let mut e: Value = serde_json::from_slice(&signed(&key)).expect("JSON");
    let payload = STANDARD
        .decode(e["payload"].as_str().expect("b64"))
        .expect("b64");
    e["payload"] = json!(URL_SAFE_NO_PAD.encode(payload));
    let sig = STANDARD
        .decode(e["signatures"][0]["sig"].as_str().expect("b64"))
        .expect("b64");
    e["signatures"][0]["sig"] = json!(URL_SAFE_NO_PAD.encode(sig));
    attest::verify(
        &serde_json::to_vec(&e).expect("JSON"),
        &allowed(&public),
        "allowed_signers",
    )
    .expect("URL-safe base64");
}

#[test]
fn attest_unlisted_key_is_unknown_signer() {
    let (key, _, fingerprint) = fresh_key();
    let (_, other, _) = fresh_key();
    let err = attest::verify(&signed(&key), &allowed(&other), "ci/allowed_signers")
        .expect_err("unknown key");
    assert!(
        matches!(&err, AttestError::UnknownSigner { fingerprint: f, file }
            if *f == fingerprint && file == "ci/allowed_signers"),
        "{err}"
    );
    assert!(err.is_rejection());
    assert_eq!(
        err.to_string(),
        format!("attestation signing key {fingerprint} is not listed in ci/allowed_signers")
    );
}

#[test]
fn attest_plugin_only_signer_lines_are_refused() {
    let (key, public, fingerprint) = fresh_key();
    let envelope = signed(&key);
    for list in [
        "cordon-plugin",
        "!cordon-attestation,*",
        "cordon-*,!cordon-att*",
    ] {
        let signers = format!("ci namespaces=\"{list}\" {public}\n");
        let err = attest::verify(&envelope, &signers, "allowed_signers").expect_err(list);
        assert!(
            matches!(&err, AttestError::NamespaceNotAllowed { fingerprint: f, .. }
                if *f == fingerprint),
            "{list}: {err}"
        );
        assert!(
            err.to_string()
                .contains(&format!("line 1: namespaces=\"{list}\"")),
            "{err}"
        );
    }
    // The reverse: a line for attestations only is no plugin trust.
    let signers = format!("ci namespaces=\"cordon-attestation\" {public}\n");
    attest::verify(&envelope, &signers, "allowed_signers").expect("attestation line");
    assert!(matches!(
        TrustPolicy::parse(&signers, "allowed_signers"),
        Err(TrustError::Empty { .. })
    ));
}

#[test]
fn attest_plugin_signature_is_not_an_attestation_nor_the_reverse() {
    let (key, public, _) = fresh_key();
    let payload =
        serde_json::to_vec(&attest::statement(&run(), &meta(), &subjects())).expect("JSON");

    // An SSHSIG in cordon-plugin over the very PAE: refused.
    let forged = envelope_for(&payload, &key, cordon_signing::NAMESPACE);
    let err = attest::verify(&forged, &allowed(&public), "allowed_signers")
        .expect_err("plugin namespace");
    assert!(
        matches!(&err, AttestError::BadSignature(SignatureError::WrongNamespace { found })
            if found == "cordon-plugin"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("made for namespace \"cordon-plugin\", not \"cordon-attestation\""),
        "{err}"
    );

    // The attestation's signature is no plugin signature over those bytes.
    let envelope: Value = serde_json::from_slice(&signed(&key)).expect("JSON");
    let armoured = STANDARD
        .decode(envelope["signatures"][0]["sig"].as_str().expect("sig"))
        .expect("base64");
    assert_eq!(
        sshsig::verify(&pae(PAYLOAD_TYPE, &payload), &armoured),
        Err(SignatureError::WrongNamespace {
            found: NAMESPACE.into()
        })
    );
}

#[test]
fn attest_signer_outside_its_validity_window_is_refused() {
    let (key, public, fingerprint) = fresh_key();
    let envelope = signed(&key);
    for (options, says) in [
        (
            "valid-before=\"20000101\"",
            "line 1: expired at 2000-01-01T00:00:00Z",
        ),
        (
            "valid-after=\"29990101\"",
            "line 1: not valid before 2999-01-01T00:00:00Z",
        ),
    ] {
        let signers = format!("ci {options} {public}\n");
        let err = attest::verify(&envelope, &signers, "allowed_signers").expect_err(options);
        assert!(
            matches!(&err, AttestError::SignerNotValid { fingerprint: f, .. } if *f == fingerprint),
            "{err}"
        );
        assert!(err.to_string().contains(says), "{err}");
    }
}

#[test]
fn attest_unusable_allowed_signers_is_not_a_rejection() {
    let (key, public, _) = fresh_key();
    let envelope = signed(&key);
    for (text, file, says) in [
        (
            format!("ci cert-authority {public}\n"),
            "allowed_signers",
            "cert-authority",
        ),
        (
            "ci ssh-ed25519 AAAAnotakey\n".to_string(),
            "allowed_signers",
            "line 1",
        ),
        (
            format!("ci frobnicate {public}\n"),
            "allowed_signers",
            "unknown option",
        ),
        (
            format!("ci valid-before=\"20260231\" {public}\n"),
            "allowed_signers",
            "20260231",
        ),
        (allowed(&public), "trust.toml", "not a trust.toml"),
    ] {
        let err = attest::verify(&envelope, &text, file).expect_err(says);
        assert!(matches!(err, AttestError::AllowedSigners(_)), "{err}");
        assert!(!err.is_rejection(), "{err}");
        assert!(err.to_string().contains(says), "{says}: {err}");
    }
}

#[test]
fn attest_malformed_statements_are_refused_when_signed_and_when_verified() {
    let (key, public, _) = fresh_key();
    let good = attest::statement(&run(), &meta(), &subjects());
    let edits: Vec<(&str, Edit)> = vec![
        (
            "_type",
            Box::new(|s| s["_type"] = json!("https://in-toto.io/Statement/v0.1")),
        ),
        (
            "predicateType",
            Box::new(|s| s["predicateType"] = json!("https://slsa.dev/provenance/v1")),
        ),
        (
            "verifier.id",
            Box::new(|s| s["predicate"]["verifier"]["id"] = json!("https://example.com/v1")),
        ),
        (
            "timeCreated",
            Box::new(|s| s["predicate"]["timeCreated"] = json!("yesterday")),
        ),
        (
            "properties",
            Box::new(|s| s["predicate"]["properties"] = json!("CORDON_GATE_PASSED")),
        ),
        ("no subject", Box::new(|s| s["subject"] = json!([]))),
        (
            "short digest",
            Box::new(|s| s["subject"][0]["digest"]["sha256"] = json!("a".repeat(63))),
        ),
        (
            "upper-case digest",
            Box::new(|s| s["subject"][0]["digest"]["sha256"] = json!("A".repeat(64))),
        ),
        (
            "no sha256",
            Box::new(|s| s["subject"][0]["digest"] = json!({ "sha512": "a".repeat(128) })),
        ),
        (
            "no role",
            Box::new(|s| s["subject"][0]["annotations"] = json!({})),
        ),
        (
            "unknown role",
            Box::new(|s| s["subject"][0]["annotations"]["cordon.role"] = json!("config")),
        ),
        (
            "empty name",
            Box::new(|s| s["subject"][0]["name"] = json!("")),
        ),
        ("not an object", Box::new(|s| *s = json!([1, 2]))),
    ];
    for (what, edit) in &edits {
        let mut bad = good.clone();
        edit(&mut bad);
        let err = attest::sign(&bad, &key).expect_err(what);
        assert!(
            matches!(err, AttestError::MalformedStatement(_)),
            "{what}: {err}"
        );
        let envelope = envelope_for(&serde_json::to_vec(&bad).expect("JSON"), &key, NAMESPACE);
        let err = attest::verify(&envelope, &allowed(&public), "allowed_signers").expect_err(what);
        assert!(
            matches!(err, AttestError::MalformedStatement(_)),
            "{what}: {err}"
        );
    }
    // A repeated field the verifier reads: serde_json's Value would keep the
    // last, another reader the first.
    let text = String::from_utf8(serde_json::to_vec(&good).expect("JSON")).expect("UTF-8");
    let doubled = text.replacen(
        "\"_type\":",
        "\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":",
        1,
    );
    let envelope = envelope_for(doubled.as_bytes(), &key, NAMESPACE);
    let err = attest::verify(&envelope, &allowed(&public), "allowed_signers")
        .expect_err("duplicate _type");
    assert!(
        matches!(&err, AttestError::MalformedStatement(m) if m.contains("duplicate field")),
        "{err}"
    );
    // serde would fill the statement's structs from arrays, positionally,
    // and a unit variant from a one-key map: none of it is a Statement.
    let positional: Vec<(&str, Value)> = vec![
        ("statement", {
            let g = &good;
            json!([g["_type"], g["subject"], g["predicateType"], g["predicate"]])
        }),
        ("subject", {
            let mut s = good.clone();
            let first = s["subject"][0].clone();
            s["subject"][0] = json!([first["name"], first["digest"], first["annotations"]]);
            s
        }),
        ("digest", {
            let mut s = good.clone();
            s["subject"][0]["digest"] = json!(["a".repeat(64)]);
            s
        }),
        ("role", {
            let mut s = good.clone();
            s["subject"][0]["annotations"]["cordon.role"] = json!({ "output": null });
            s
        }),
    ];
    for (what, bad) in &positional {
        let envelope = envelope_for(&serde_json::to_vec(bad).expect("JSON"), &key, NAMESPACE);
        let err = attest::verify(&envelope, &allowed(&public), "allowed_signers").expect_err(what);
        assert!(
            matches!(err, AttestError::MalformedStatement(_)),
            "{what}: {err}"
        );
    }
    // Unknown fields are ignored (in-toto's parsing rules).
    let mut extended = good;
    extended["predicate"]["somethingNew"] = json!({ "x": 1 });
    extended["subject"][0]["uri"] = json!("https://example.com/findings.json");
    let envelope = attest::sign(&extended, &key).expect("sign");
    attest::verify(&envelope, &allowed(&public), "allowed_signers").expect("unknown fields");
}

/// The `sh` block of the module documentation of `attest.rs`, verbatim.
fn documented_recipe() -> String {
    let source = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/attest.rs"))
        .expect("read attest.rs");
    let lines: Vec<&str> = source
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .skip_while(|l| *l != "```sh")
        .skip(1)
        .take_while(|l| *l != "```")
        .collect();
    assert!(lines.len() >= 4, "no sh block in the module doc");
    lines.join("\n")
}

fn tool_missing(tool: &str) -> bool {
    !Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn attest_ssh_keygen_accepts_the_documented_recipe() {
    if let Some(tool) = ["ssh-keygen", "jq", "sha256sum"]
        .into_iter()
        .find(|t| tool_missing(t))
    {
        eprintln!("skipping: {tool} is not installed");
        return;
    }
    let recipe = documented_recipe();
    assert!(recipe.contains("ssh-keygen -Y verify"), "{recipe}");
    let (key, public, _) = fresh_key();
    let dir = tempdir("keygen");
    // The outputs next to the attestation, as `cordon run --attest` leaves them.
    let mut subjects: Vec<Subject> = Vec::new();
    for (name, bytes) in outputs() {
        fs::write(dir.join(name), &bytes).expect("write");
        subjects.push(Subject::output(name, &bytes));
    }
    subjects.extend(Subject::inputs(&run()));
    let envelope =
        attest::sign(&attest::statement(&run(), &meta(), &subjects), &key).expect("sign");
    fs::write(dir.join(attest::FILE_NAME), &envelope).expect("write");
    fs::write(
        dir.join("allowed_signers"),
        format!("ci@example.com namespaces=\"cordon-attestation\" {public}\n"),
    )
    .expect("write");
    let sh = |script: &str| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("set -e\n{script}"))
            .current_dir(&dir)
            .output()
            .expect("run sh");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };

    let (ok, text) = sh(&recipe);
    assert!(ok, "{recipe}\n{text}");
    assert!(
        text.contains("Good \"cordon-attestation\" signature for ci@example.com"),
        "{text}"
    );
    assert!(
        text.contains("findings.json: OK") && text.contains("results.sarif: OK"),
        "{text}"
    );
    // ssh-keygen refuses the same signature in the plugin namespace.
    let (ok, text) = sh(
        "ssh-keygen -Y verify -f allowed_signers -I ci@example.com -n cordon-plugin \
         -s attestation.sig < pae",
    );
    assert!(!ok, "{text}");

    // And the recipe fails on an altered statement.
    let mut e: Value = serde_json::from_slice(&envelope).expect("JSON");
    let mut forged: Value = serde_json::from_slice(
        &STANDARD
            .decode(e["payload"].as_str().expect("payload"))
            .expect("base64"),
    )
    .expect("JSON");
    forged["predicate"]["properties"] = json!([CORDON_GATE_PASSED]);
    e["payload"] = json!(STANDARD.encode(serde_json::to_vec(&forged).expect("JSON")));
    fs::write(
        dir.join(attest::FILE_NAME),
        serde_json::to_vec(&e).expect("JSON"),
    )
    .expect("write");
    let (ok, text) = sh(&recipe);
    assert!(!ok, "{text}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn attest_check_subjects_statuses() {
    let dir = tempdir("check");
    let (out, inp) = (dir.join("out"), dir.join("in"));
    fs::create_dir_all(out.join("adir")).expect("mkdir");
    fs::create_dir_all(inp.join("scan")).expect("mkdir");
    fs::write(out.join("findings.json"), b"findings").expect("write");
    fs::write(out.join("results.sarif"), b"changed").expect("write");
    fs::write(inp.join("scan/app.sarif"), b"sarif").expect("write");
    fs::write(dir.join("x"), b"outside").expect("write");
    fs::write(out.join("x"), b"outside").expect("write");
    let s = |name: &str, content: &[u8], role| Subject {
        name: name.into(),
        sha256: sha(content),
        role,
    };
    let outside = dir.join("x").to_string_lossy().into_owned();
    let cases: Vec<(Subject, SubjectStatus)> = vec![
        (
            s("findings.json", b"findings", Role::Output),
            SubjectStatus::Match,
        ),
        (
            s("scan/app.sarif", b"sarif", Role::Input),
            SubjectStatus::Match,
        ),
        (
            s("./scan/app.sarif", b"sarif", Role::Input),
            SubjectStatus::Match,
        ),
        (
            s("results.sarif", b"original", Role::Output),
            SubjectStatus::Mismatch {
                actual: sha(b"changed"),
            },
        ),
        (s("gone.xml", b"x", Role::Output), SubjectStatus::Missing),
        (
            s("scan/gone.json", b"x", Role::Input),
            SubjectStatus::Missing,
        ),
        (s("-", b"stdin", Role::Input), SubjectStatus::StandardInput),
        (
            s("adir", b"", Role::Output),
            SubjectStatus::NotRegularFile { kind: "directory" },
        ),
    ];
    let refused: Vec<Subject> = vec![
        s("../x", b"outside", Role::Output),
        s("adir/../x", b"outside", Role::Output),
        s("./x", b"outside", Role::Output),
        s("adir/x", b"outside", Role::Output),
        s(&outside, b"outside", Role::Output),
        s("", b"", Role::Output),
        s("a\\..\\x", b"outside", Role::Output),
        s("../x", b"outside", Role::Input),
        s("scan/../../x", b"outside", Role::Input),
        s(&outside, b"outside", Role::Input),
        s("scan/\0x", b"outside", Role::Input),
        s("-", b"outside", Role::Output),
    ];
    let subjects: Vec<Subject> = cases
        .iter()
        .map(|(s, _)| s.clone())
        .chain(refused.iter().cloned())
        .collect();
    let checks = attest::check_subjects(&subjects, &out, &inp);
    assert_eq!(checks.len(), subjects.len());
    for (check, (subject, status)) in checks.iter().zip(&cases) {
        assert_eq!(&check.subject, subject);
        assert_eq!(&check.status, status, "{}", subject.name);
    }
    assert_eq!(
        checks[0].path.as_deref(),
        Some(out.join("findings.json").as_path())
    );
    assert_eq!(
        checks[1].path.as_deref(),
        Some(inp.join("scan/app.sarif").as_path())
    );
    assert_eq!(checks[6].path, None);
    for check in &checks[cases.len()..] {
        // "-" as an output is a file name like any other; the rest are
        // never resolved.
        if check.subject.name == "-" {
            assert_eq!(check.status, SubjectStatus::Missing);
            continue;
        }
        assert!(
            matches!(check.status, SubjectStatus::UnsafeName { .. }),
            "{:?}: {:?}",
            check.subject.name,
            check.status
        );
        assert_eq!(check.path, None, "{:?}", check.subject.name);
    }
    assert_eq!(
        checks[3].status.to_string(),
        format!("sha256 differs: the file's is {}", sha(b"changed"))
    );
    assert_eq!(
        checks[cases.len()].status.to_string(),
        "not checked: the name holds `..`"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn attest_check_subjects_opens_no_fifo_and_follows_no_output_symlink() {
    let dir = tempdir("special");
    fs::write(dir.join("secret"), b"secret").expect("write");
    std::os::unix::fs::symlink(dir.join("secret"), dir.join("link")).expect("symlink");
    let subjects = vec![
        Subject {
            name: "link".into(),
            sha256: sha(b"secret"),
            role: Role::Output,
        },
        // An input may be a symlink: the directory is the verifier's choice.
        Subject {
            name: "link".into(),
            sha256: sha(b"secret"),
            role: Role::Input,
        },
    ];
    let checks = attest::check_subjects(&subjects, &dir, &dir);
    assert_eq!(
        checks[0].status,
        SubjectStatus::NotRegularFile { kind: "symlink" }
    );
    assert_eq!(checks[1].status, SubjectStatus::Match);

    if tool_missing("mkfifo") {
        eprintln!("skipping the FIFO case: mkfifo is not installed");
    } else {
        let made = Command::new("mkfifo")
            .arg(dir.join("pipe"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(made, "mkfifo");
        // Opening the FIFO would block this test forever.
        for role in [Role::Output, Role::Input] {
            let checks = attest::check_subjects(
                &[Subject {
                    name: "pipe".into(),
                    sha256: sha(b""),
                    role,
                }],
                &dir,
                &dir,
            );
            assert_eq!(
                checks[0].status,
                SubjectStatus::NotRegularFile { kind: "FIFO" }
            );
        }
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn attest_verify_never_panics_on_damaged_envelopes() {
    let (key, public, _) = fresh_key();
    let envelope = signed(&key);
    let signers = allowed(&public);
    attest::verify(&envelope, &signers, "allowed_signers").expect("intact");
    // About 200 cuts and 200 flips, spread over the whole envelope (every
    // flip in the base64 costs a signature check).
    let step = envelope.len() / 200 + 1;
    for len in (0..envelope.len()).step_by(step) {
        assert!(attest::verify(&envelope[..len], &signers, "allowed_signers").is_err());
    }
    for i in (0..envelope.len()).step_by(step) {
        let mut damaged = envelope.clone();
        damaged[i] ^= 0x04;
        // Flips in JSON whitespace may leave it valid; anything that
        // verifies must be the original statement.
        if let Ok(v) = attest::verify(&damaged, &signers, "allowed_signers") {
            assert_eq!(v.statement, attest::statement(&run(), &meta(), &subjects()));
        }
    }
}
