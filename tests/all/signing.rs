//! Supply-chain attacks against signed plugins, each asserting the specific
//! rejection reason; OpenSSH interop both ways; the stable `verify --json`
//! output; and `cordon run` with third-party (signed, file-based) stages.
//!
//! The "third-party" plugins are real components: the first-party ones,
//! copied out of the build as files and signed here with fresh keys.

use crate::common;

use cordon_manifest::StageKind;
use cordon_signing::TrustPolicy;
use cordon_signing::plugin::{PluginFile, verify_plugin};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const C: &str = env!("CARGO_BIN_EXE_cordon");

fn cordon(args: &[&str]) -> Output {
    Command::new(C).args(args).output().expect("cordon runs")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A temp dir with a signing key, its public key line, and helpers.
struct Lab {
    dir: tempfile::TempDir,
    pubkey: String,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::tempdir().expect("tmp");
        let out = cordon(&[
            "keygen",
            "--out",
            s(&dir.path().join("key")),
            "--comment",
            "acme@example.com",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pubkey = String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string();
        Lab { dir, pubkey }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Copy a packaged first-party component here as a "third-party" file.
    fn plugin(&self, stem: &str, as_name: &str) -> PathBuf {
        let to = self.path(as_name);
        std::fs::write(&to, common::component_bytes(stem)).expect("copy plugin");
        to
    }

    /// A first-party component republished under another name, as a
    /// third-party author would ship it (embedded names are reserved).
    fn renamed_plugin(&self, stem: &str, name: &str, file: &str) -> PathBuf {
        let packaged = common::component_bytes(stem);
        let (mut manifest, _) =
            cordon_manifest::component::read_manifest(&packaged).expect("manifest");
        manifest.name = name.to_string();
        let raw = std::fs::read(common::raw_component(stem)).expect("raw component");
        let bytes = cordon_manifest::component::embed_manifest(&raw, &manifest).expect("embed");
        let to = self.path(file);
        std::fs::write(&to, bytes).expect("write plugin");
        to
    }

    fn sign(&self, plugin: &Path) {
        let out = cordon(&["sign", "--key", s(&self.path("key")), s(plugin), "--force"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A trust.toml with one signer entry (extra TOML lines appended).
    fn trust(&self, signer_extra: &str, rest: &str) -> PathBuf {
        let path = self.path("trust.toml");
        std::fs::write(
            &path,
            format!(
                "[[signer]]\nidentity = \"acme@example.com\"\nkey = \"{}\"\n{signer_extra}\n{rest}\n",
                self.pubkey
            ),
        )
        .expect("write trust");
        path
    }

    fn default_trust(&self) -> PathBuf {
        self.trust("plugins = [\"*\"]\nkinds = [\"parser\", \"normalizer\", \"policy\"]\ncapabilities = [\"log\"]", "")
    }

    /// `cordon verify --json`: (exit code, document).
    fn verify(&self, trust: &Path, plugin: &Path) -> (i32, Value) {
        let out = cordon(&["verify", "--trust", s(trust), s(plugin), "--json"]);
        let code = out.status.code().expect("exit code");
        let doc = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (code, doc)
    }

    fn rejected_with(&self, trust: &Path, plugin: &Path, code: &str) -> Value {
        let (exit, doc) = self.verify(trust, plugin);
        assert_eq!(
            (exit, doc["verdict"].as_str()),
            (1, Some("rejected")),
            "{doc}"
        );
        assert_eq!(doc["reason"]["code"], code, "{doc}");
        doc
    }
}

fn have_ssh_keygen() -> bool {
    let ok = Command::new("ssh-keygen").arg("-?").output().is_ok();
    if !ok {
        println!("skipping: ssh-keygen not installed");
    }
    ok
}

#[test]
fn accepted_plugin_and_stable_json() {
    let lab = Lab::new();
    let plugin = lab.plugin("parser-sarif", "acme.wasm");
    lab.sign(&plugin);
    let trust = lab.default_trust();
    let (exit, doc) = lab.verify(&trust, &plugin);
    assert_eq!(exit, 0, "{doc}");
    let digest = cordon_signing::plugin::digest(&std::fs::read(&plugin).expect("read"));
    let fingerprint = cordon_signing::sshsig::fingerprint(
        &cordon_signing::keys::parse_public(&lab.pubkey).expect("key"),
    );
    // The whole document, field by field and in order: this is the contract.
    let expected = format!(
        r#"{{
  "schema_version": "cordon.verify/v1",
  "plugin_file": "{file}",
  "sha256": "{digest}",
  "signature_file": "{file}.sig",
  "verdict": "accepted",
  "reason": null,
  "plugin": {{
    "name": "parser-sarif",
    "version": "0.1.0",
    "kind": "parser",
    "world": "cordon:stage/parser@0.1.0",
    "capabilities": [
      "log"
    ]
  }},
  "signer": {{
    "identity": "acme@example.com",
    "fingerprint": "{fingerprint}"
  }},
  "ceiling": [
    "log"
  ]
}}
"#,
        file = s(&plugin)
    );
    let out = cordon(&["verify", "--trust", s(&trust), s(&plugin), "--json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);

    // The human output names identity, fingerprint, plugin, digest, verdict.
    let out = cordon(&["verify", "--trust", s(&trust), s(&plugin)]);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "acme@example.com",
        fingerprint.as_str(),
        "parser-sarif 0.1.0",
        digest.as_str(),
        "verdict:    ACCEPTED",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn unsigned_unknown_key_and_flipped_bytes() {
    let lab = Lab::new();
    let trust = lab.default_trust();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.rejected_with(&trust, &plugin, "unsigned");

    lab.sign(&plugin);
    let other = Lab::new();
    let doc = other.rejected_with(&other.default_trust(), &plugin, "unknown-key");
    assert!(
        doc["signer"]["fingerprint"]
            .as_str()
            .is_some_and(|f| f.starts_with("SHA256:"))
    );

    // One flipped byte anywhere in the file: header, code, manifest, end.
    let bytes = std::fs::read(&plugin).expect("read");
    let sig = std::fs::read(common::sig_path(&plugin)).expect("sig");
    let policy = TrustPolicy::parse(
        &std::fs::read_to_string(&trust).expect("trust"),
        "trust.toml",
    )
    .expect("policy");
    let manifest_at = bytes
        .windows(b"cordon-manifest".len())
        .position(|w| w == b"cordon-manifest")
        .expect("manifest section");
    let mut positions: Vec<usize> = (0..bytes.len()).step_by(997).collect();
    positions.extend([0, 4, manifest_at, manifest_at + 40, bytes.len() - 1]);
    for i in positions {
        let mut m = bytes.clone();
        m[i] ^= 0x20;
        let file = PluginFile {
            bytes: &m,
            signature: Some(&sig),
            sig_path: "p.wasm.sig",
            pin: None,
            expected_kind: None,
        };
        let err = verify_plugin(&file, Some(&policy), cordon_signing::time::now(), "0.1.0")
            .expect_err("flipped");
        assert_eq!(err.code(), "bad-signature", "byte {i}: {err}");
    }
    // Through the CLI once.
    let mut m = bytes.clone();
    m[bytes.len() / 2] ^= 1;
    std::fs::write(&plugin, &m).expect("write");
    lab.rejected_with(&trust, &plugin, "bad-signature");
}

#[test]
fn truncated_padded_and_foreign_signatures() {
    let lab = Lab::new();
    let trust = lab.default_trust();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    let sig_file = common::sig_path(&plugin);
    let sig = std::fs::read_to_string(&sig_file).expect("sig");

    std::fs::write(&sig_file, &sig[..sig.len() / 2]).expect("truncate");
    lab.rejected_with(&trust, &plugin, "malformed-signature");
    std::fs::write(&sig_file, format!("{sig}AAAA\n")).expect("pad");
    lab.rejected_with(&trust, &plugin, "malformed-signature");
    // Padding inside the armour (extra bytes after the SSHSIG blob).
    let body: String = sig.lines().filter(|l| !l.starts_with("-----")).collect();
    let padded =
        format!("-----BEGIN SSH SIGNATURE-----\n{body}AAAA\n-----END SSH SIGNATURE-----\n");
    std::fs::write(&sig_file, padded).expect("pad inside");
    lab.rejected_with(&trust, &plugin, "malformed-signature");

    if !have_ssh_keygen() {
        return;
    }
    // Made by OpenSSH for another namespace, and with another hash.
    let sk = lab.path("sk");
    let keygen = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "acme@example.com",
            "-f",
            s(&sk),
        ])
        .status()
        .expect("ssh-keygen");
    assert!(keygen.success());
    let pubkey = std::fs::read_to_string(lab.path("sk.pub")).expect("pub");
    let trust = lab.path("ssh.allowed_signers");
    std::fs::write(&trust, format!("acme@example.com {pubkey}")).expect("write");
    for (ns, hash, code) in [
        ("file", "sha512", "wrong-namespace"),
        ("cordon-plugin", "sha256", "wrong-hash-algorithm"),
    ] {
        let _ = std::fs::remove_file(&sig_file);
        let st = Command::new("ssh-keygen")
            .args([
                "-Y",
                "sign",
                "-f",
                s(&sk),
                "-n",
                ns,
                "-O",
                &format!("hashalg={hash}"),
                s(&plugin),
            ])
            .output()
            .expect("ssh-keygen sign");
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        lab.rejected_with(&trust, &plugin, code);
    }
}

#[test]
fn openssh_interop_both_ways() {
    if !have_ssh_keygen() {
        return;
    }
    let lab = Lab::new();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    // cordon signs, ssh-keygen verifies.
    lab.sign(&plugin);
    let allowed = lab.path("allowed_signers");
    std::fs::write(
        &allowed,
        format!(
            "acme@example.com namespaces=\"cordon-plugin\" {}\n",
            lab.pubkey
        ),
    )
    .expect("write");
    let out = Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            s(&allowed),
            "-I",
            "acme@example.com",
            "-n",
            "cordon-plugin",
            "-s",
        ])
        .arg(common::sig_path(&plugin))
        .stdin(std::fs::File::open(&plugin).expect("open"))
        .output()
        .expect("ssh-keygen verify");
    assert!(
        out.status.success(),
        "ssh-keygen rejected cordon's signature: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Good \"cordon-plugin\" signature for acme@example.com")
    );

    // ssh-keygen signs, cordon verifies (with the same allowed_signers file).
    let sk = lab.path("sk");
    assert!(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "bob", "-f", s(&sk)])
            .status()
            .expect("keygen")
            .success()
    );
    std::fs::remove_file(common::sig_path(&plugin)).expect("rm sig");
    let out = Command::new("ssh-keygen")
        .args([
            "-Y",
            "sign",
            "-f",
            s(&sk),
            "-n",
            "cordon-plugin",
            s(&plugin),
        ])
        .output()
        .expect("sign");
    assert!(out.status.success());
    let bob = std::fs::read_to_string(lab.path("sk.pub")).expect("pub");
    std::fs::write(
        &allowed,
        format!("bob@example.com,bob namespaces=\"cordon-plugin\",valid-after=\"20200101\" {bob}"),
    )
    .expect("write");
    let (exit, doc) = lab.verify(&allowed, &plugin);
    assert_eq!(exit, 0, "{doc}");
    assert_eq!(doc["signer"]["identity"], "bob@example.com,bob");
    // A line for another namespace does not count: fail closed.
    std::fs::write(&allowed, format!("bob namespaces=\"git\" {bob}")).expect("write");
    let out = cordon(&["verify", "--trust", s(&allowed), s(&plugin)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no usable signer"));
}

#[test]
fn scope_validity_revocation_rollback_and_ceiling() {
    let lab = Lab::new();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    let all = "kinds = [\"parser\", \"normalizer\", \"policy\"]\ncapabilities = [\"log\"]";
    let digest = cordon_signing::plugin::digest(&std::fs::read(&plugin).expect("read"));
    let fingerprint = cordon_signing::sshsig::fingerprint(
        &cordon_signing::keys::parse_public(&lab.pubkey).expect("key"),
    );
    let cases: Vec<(String, String, &str)> = vec![
        (
            format!("plugins = [\"acme-*\"]\n{all}"),
            String::new(),
            "name-out-of-scope",
        ),
        (
            "plugins = [\"*\"]\nkinds = [\"policy\"]\ncapabilities = [\"log\"]".into(),
            String::new(),
            "kind-out-of-scope",
        ),
        (
            format!("plugins = [\"*\"]\n{all}\nvalid_before = \"2020-01-01\""),
            String::new(),
            "key-expired",
        ),
        (
            format!("plugins = [\"*\"]\n{all}\nvalid_after = \"2999-01-01\""),
            String::new(),
            "key-not-yet-valid",
        ),
        (
            format!("plugins = [\"*\"]\n{all}"),
            format!("[revoked]\nkeys = [\"{fingerprint}\"]"),
            "revoked-key",
        ),
        (
            format!("plugins = [\"*\"]\n{all}"),
            format!("[revoked]\ndigests = [\"{digest}\"]"),
            "revoked-digest",
        ),
        (
            format!("plugins = [\"*\"]\n{all}"),
            "[minimum_versions]\nparser-sarif = \"0.2.0\"".into(),
            "rollback",
        ),
        (
            "plugins = [\"*\"]\nkinds = [\"parser\"]\ncapabilities = []".into(),
            String::new(),
            "capability-above-ceiling",
        ),
    ];
    for (signer, rest, code) in cases {
        let trust = lab.trust(&signer, &rest);
        let doc = lab.rejected_with(&trust, &plugin, code);
        assert!(
            doc["reason"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // The boundary of rollback: equal to the minimum is fine.
    let trust = lab.trust(
        &format!("plugins = [\"*\"]\n{all}"),
        "[minimum_versions]\nparser-sarif = \"0.1.0\"",
    );
    assert_eq!(lab.verify(&trust, &plugin).0, 0);
}

#[test]
fn manifest_edits_break_the_signature_and_lies_are_caught() {
    let lab = Lab::new();
    let trust = lab.default_trust();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    // Escalation: swap in a manifest that also requests `config`, keep the
    // old signature.
    let bytes = std::fs::read(&plugin).expect("read");
    let (mut escalated, _) = cordon_manifest::component::read_manifest(&bytes).expect("manifest");
    escalated
        .capabilities
        .push(cordon_manifest::Capability::Config);
    let edited = cordon_manifest::component::embed_manifest(&strip_manifest(&bytes), &escalated)
        .expect("embed");
    assert_ne!(edited, bytes);
    std::fs::write(&plugin, &edited).expect("write");
    lab.rejected_with(&trust, &plugin, "bad-signature");

    // A manifest that lies about the component, honestly signed: a parser
    // component declared as a normalizer.
    let raw = common::component_bytes("parser-sarif");
    let (mut manifest, _) = cordon_manifest::component::read_manifest(&raw).expect("manifest");
    manifest.kind = StageKind::Normalizer;
    manifest.world = "cordon:stage/normalizer@0.1.0".into();
    let stripped = strip_manifest(&raw);
    let lying = cordon_manifest::component::embed_manifest(&stripped, &manifest).expect("embed");
    std::fs::write(&plugin, &lying).expect("write");
    lab.sign(&plugin);
    let doc = lab.rejected_with(&trust, &plugin, "manifest-mismatch");
    assert!(
        doc["reason"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("must export `normalize`")),
        "{doc}"
    );

    // No manifest at all.
    std::fs::write(&plugin, &stripped).expect("write");
    let out = cordon(&["sign", "--key", s(&lab.path("key")), s(&plugin), "--force"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "signing a component without a manifest is refused"
    );
    let sig = cordon_signing::sshsig::sign(
        &stripped,
        &cordon_signing::keys::read_private(&lab.path("key")).expect("key"),
    )
    .expect("sign");
    std::fs::write(common::sig_path(&plugin), sig).expect("write sig");
    lab.rejected_with(&trust, &plugin, "missing-manifest");
}

/// The component without its trailing `cordon-manifest` custom section (the
/// build appends it last).
fn strip_manifest(bytes: &[u8]) -> Vec<u8> {
    let name = b"cordon-manifest";
    let at = bytes
        .windows(name.len())
        .rposition(|w| w == name)
        .expect("manifest");
    // section: 0x00, LEB128 size, LEB128 name length (15), name, payload
    let mut start = at - 1; // name length byte
    start -= 1; // at least one size byte
    while start > 0 && bytes[start - 1] & 0x80 != 0 {
        start -= 1;
    }
    assert_eq!(bytes[start - 1], 0, "custom section id");
    bytes[..start - 1].to_vec()
}

#[test]
fn empty_missing_and_absent_trust_fail_closed() {
    let lab = Lab::new();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    let empty = lab.path("empty.toml");
    std::fs::write(&empty, "# nothing\n").expect("write");
    let out = cordon(&["verify", "--trust", s(&empty), s(&plugin)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("fail closed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cordon(&["verify", "--trust", s(&lab.path("nope.toml")), s(&plugin)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));

    // `cordon run` with a plugin file and no --trust refuses before reading
    // any report.
    let pipeline = lab.path("pipeline.toml");
    std::fs::write(&pipeline, "name = \"x\"\n[[parsers]]\nplugin = \"p.wasm\"\ncapabilities = [\"log\"]\n[normalizer]\nplugin = \"embedded:normalizer-default\"\n[policy]\nplugin = \"embedded:policy-threshold\"\nrules = \"r.toml\"\n").expect("write");
    std::fs::write(
        lab.path("r.toml"),
        "name='r'\nversion='1'\n[environments.dev]\nblock='high'\n",
    )
    .expect("write");
    let out = cordon(&[
        "run",
        "--pipeline",
        s(&pipeline),
        "--env",
        "dev",
        "--out",
        s(&lab.path("out")),
        s(&common::fixture("sarif/webapp.sarif")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plugin refused: no trust policy"), "{err}");
    // Nothing ran: the run's record holds only the refusal.
    let j: Value = serde_json::from_slice(
        &std::fs::read(lab.path("out/findings.json")).expect("the failure is recorded"),
    )
    .expect("json");
    assert_eq!(j["gate"]["verdict"], "error");
    assert_eq!(j["stages"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["errors"][0]["kind"], "no-trust-policy");
}

#[test]
fn run_with_three_signed_third_party_stages() {
    let lab = Lab::new();
    let names = [
        ("parser-sarif", "acme-parser-sarif", "acme-parser.wasm"),
        (
            "normalizer-default",
            "acme-normalizer",
            "acme-normalizer.wasm",
        ),
        ("policy-threshold", "acme-policy", "acme-policy.wasm"),
    ];
    for (stem, name, file) in names {
        let p = lab.renamed_plugin(stem, name, file);
        lab.sign(&p);
    }
    let trust = lab.default_trust();
    let digest =
        cordon_signing::plugin::digest(&std::fs::read(lab.path("acme-parser.wasm")).expect("read"));
    std::fs::write(
        lab.path("rules.toml"),
        "name='r'\nversion='1'\ndefault_environment='prod'\n[environments.prod]\nblock='high'\n",
    )
    .expect("write");
    let pipeline = lab.path("pipeline.toml");
    std::fs::write(
        &pipeline,
        format!(
            "name = \"acme\"\n[[parsers]]\nplugin = \"acme-parser.wasm\"\nsha256 = \"{digest}\"\ncapabilities = [\"log\", \"config\"]\n\
             [normalizer]\nplugin = \"acme-normalizer.wasm\"\ncapabilities = [\"log\"]\n\
             [policy]\nplugin = \"acme-policy.wasm\"\nrules = \"rules.toml\"\ncapabilities = [\"log\"]\n"
        ),
    )
    .expect("write");
    let out_dir = lab.path("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--pipeline",
            s(&pipeline),
            "--trust",
            s(&trust),
            "--cache-dir",
        ];
        let cache = lab.path("cache");
        let cache = s(&cache).to_string();
        args.push(&cache);
        args.extend_from_slice(extra);
        let report = common::fixture("sarif/webapp.sarif");
        args.extend_from_slice(&["--out", s(&out_dir), s(&report)]);
        Command::new(C).args(&args).output().expect("runs")
    };
    let out = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("findings.json")).expect("written"))
            .expect("json");
    let stages = j["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 3);
    for st in stages {
        assert_eq!(st["verified_by"], "signature + trust policy", "{st}");
        assert_eq!(st["signer"]["identity"], "acme@example.com", "{st}");
        assert!(
            st["signer"]["fingerprint"]
                .as_str()
                .is_some_and(|f| f.starts_with("SHA256:"))
        );
        // granted = pipeline ∩ manifest ∩ signer ceiling: `config` is not.
        assert_eq!(st["capabilities"], serde_json::json!(["log"]), "{st}");
    }
    assert_eq!(
        stages[0]["source"]
            .as_str()
            .map(|p| p.ends_with("acme-parser.wasm")),
        Some(true)
    );

    // A wrong pin in the pipeline is refused before anything runs.
    let bad = std::fs::read_to_string(&pipeline)
        .expect("read")
        .replace(&digest, &format!("sha256:{}", "0".repeat(64)));
    std::fs::write(&pipeline, bad).expect("write");
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not match the pinned"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_example_trust_policy_parses() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/trust.toml");
    let text = std::fs::read_to_string(&path).expect("policies/trust.toml");
    let policy =
        TrustPolicy::parse(&text, "policies/trust.toml").expect("the documented example is valid");
    assert_eq!(policy.signers.len(), 1);
    assert_eq!(policy.signers[0].kinds, [StageKind::Parser]);
}

/// `namespaces="..."` in an allowed_signers line is an OpenSSH pattern list
/// (`match_pattern_list`): a matching `!pattern` vetoes the line even when a
/// positive pattern matches. cordon must decide exactly as `ssh-keygen -Y
/// verify` does, on the same file and the same signature.
#[test]
fn allowed_signers_namespace_lists_match_ssh_keygen() {
    if !have_ssh_keygen() {
        return;
    }
    let lab = Lab::new();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    let allowed = lab.path("allowed_signers");
    for (namespaces, accepted) in [
        ("!cordon-plugin,*", false),
        ("*,!cordon-plugin", false),
        ("cordon-*", true),
        ("cordon-plugi?", true),
        ("other", false),
        ("cordon-plugin", true),
        ("other,cordon-plugin", true),
        ("!other,cordon-plugin", true),
        ("!cordon-*,cordon-plugin", false),
    ] {
        std::fs::write(
            &allowed,
            format!(
                "acme@example.com namespaces=\"{namespaces}\" {}\n",
                lab.pubkey
            ),
        )
        .expect("write");
        let ssh = Command::new("ssh-keygen")
            .args([
                "-Y",
                "verify",
                "-f",
                s(&allowed),
                "-I",
                "acme@example.com",
                "-n",
                "cordon-plugin",
                "-s",
            ])
            .arg(common::sig_path(&plugin))
            .stdin(std::fs::File::open(&plugin).expect("open"))
            .output()
            .expect("ssh-keygen verify");
        let ours = cordon(&["verify", "--trust", s(&allowed), s(&plugin)]);
        assert_eq!(
            (ssh.status.success(), ours.status.success()),
            (accepted, accepted),
            "namespaces=\"{namespaces}\": (ssh-keygen, cordon) accepted; ssh-keygen said {} / cordon said {}{}",
            String::from_utf8_lossy(&ssh.stderr).trim(),
            String::from_utf8_lossy(&ours.stdout).trim(),
            String::from_utf8_lossy(&ours.stderr).trim(),
        );
    }
}

/// A plugin signed with `min_host_version` above this cordon's version is
/// refused (`host-too-old`); a malformed one is `invalid-manifest`.
#[test]
fn plugin_needing_a_newer_host_is_refused() {
    let lab = Lab::new();
    let trust = lab.default_trust();
    let plugin = lab.path("p.wasm");
    let raw = common::component_bytes("parser-sarif");
    let (manifest, _) = cordon_manifest::component::read_manifest(&raw).expect("manifest");
    let stripped = strip_manifest(&raw);
    let host = env!("CARGO_PKG_VERSION");
    for (min_host, code) in [
        ("9.0.0", Some("host-too-old")),
        ("0.1.1", Some("host-too-old")),
        ("0.2.0-alpha", Some("host-too-old")),
        (host, None),
        ("0.1.0-rc.1", None),
        ("0.0.9", None),
        ("soon", Some("invalid-manifest")),
        ("", Some("invalid-manifest")),
    ] {
        let mut m = manifest.clone();
        m.min_host_version = min_host.into();
        let bytes = cordon_manifest::component::embed_manifest(&stripped, &m).expect("embed");
        std::fs::write(&plugin, &bytes).expect("write");
        lab.sign(&plugin);
        match code {
            Some(code) => {
                let doc = lab.rejected_with(&trust, &plugin, code);
                let message = doc["reason"]["message"].as_str().unwrap_or_default();
                assert!(message.contains(&format!("{min_host:?}")), "{doc}");
            }
            None => {
                let (exit, doc) = lab.verify(&trust, &plugin);
                assert_eq!(exit, 0, "min_host_version {min_host:?}: {doc}");
            }
        }
    }
    // The host version is a parameter of the library check, not a constant:
    // the same plugin (min_host_version 0.1.0) on an older host is refused.
    let bytes = cordon_manifest::component::embed_manifest(&stripped, &manifest).expect("embed");
    assert_eq!(manifest.min_host_version, "0.1.0");
    std::fs::write(&plugin, &bytes).expect("write");
    lab.sign(&plugin);
    let sig = std::fs::read(common::sig_path(&plugin)).expect("sig");
    let policy = TrustPolicy::parse(
        &std::fs::read_to_string(&trust).expect("trust"),
        "trust.toml",
    )
    .expect("policy");
    let file = PluginFile {
        bytes: &bytes,
        signature: Some(&sig),
        sig_path: "p.wasm.sig",
        pin: None,
        expected_kind: None,
    };
    let now = cordon_signing::time::now();
    assert!(verify_plugin(&file, Some(&policy), now, "0.1.0").is_ok());
    let err = verify_plugin(&file, Some(&policy), now, "0.0.1").expect_err("older host");
    assert_eq!(err.code(), "host-too-old", "{err}");
}

/// `cordon verify` shows nothing from the manifest of a plugin it did not
/// accept (a forged manifest must not reach the auditor's screen as if it were
/// fact), unless `--unverified` is given, and then it is labelled as such.
#[test]
fn verify_shows_an_unverified_manifest_only_when_asked_and_labelled() {
    let lab = Lab::new();
    let trust = lab.default_trust();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    // Forge: a manifest that asks for `config`, under the old signature.
    let bytes = std::fs::read(&plugin).expect("read");
    let (mut forged, _) = cordon_manifest::component::read_manifest(&bytes).expect("manifest");
    forged.name = "forged-name".into();
    forged
        .capabilities
        .push(cordon_manifest::Capability::Config);
    let edited = cordon_manifest::component::embed_manifest(&strip_manifest(&bytes), &forged)
        .expect("embed");
    std::fs::write(&plugin, &edited).expect("write");

    let doc = lab.rejected_with(&trust, &plugin, "bad-signature");
    assert!(doc.get("plugin").is_none(), "{doc}");
    assert!(doc.get("unverified_manifest").is_none(), "{doc}");
    assert!(!doc.to_string().contains("forged-name"), "{doc}");
    assert!(
        doc["sha256"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    let human = cordon(&["verify", "--trust", s(&trust), s(&plugin)]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        !text.contains("forged-name") && !text.contains("config"),
        "{text}"
    );
    assert!(text.contains("REJECTED (bad-signature)"), "{text}");

    // --unverified: shown, under its own key / heading, never as `plugin`.
    let out = cordon(&[
        "verify",
        "--trust",
        s(&trust),
        s(&plugin),
        "--json",
        "--unverified",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(doc.get("plugin").is_none(), "{doc}");
    assert_eq!(doc["unverified_manifest"]["name"], "forged-name", "{doc}");
    assert_eq!(
        doc["unverified_manifest"]["capabilities"],
        serde_json::json!(["log", "config"])
    );
    assert_eq!(doc["reason"]["code"], "bad-signature");
    let out = cordon(&["verify", "--trust", s(&trust), s(&plugin), "--unverified"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let heading = "UNVERIFIED manifest (signature not checked / rejected):";
    let at = text.find(heading).unwrap_or_else(|| panic!("{text}"));
    assert!(!text[..at].contains("forged-name"), "{text}");
    assert!(text[at..].contains("forged-name"), "{text}");

    // A signature by a key the policy does not know verifies as a signature
    // but vouches for nothing: the same rule.
    lab.sign(&plugin);
    let other = Lab::new();
    let doc = other.rejected_with(&other.default_trust(), &plugin, "unknown-key");
    assert!(doc.get("plugin").is_none(), "{doc}");
    assert!(doc["signer"]["fingerprint"].is_string(), "{doc}");

    // Accepted: the manifest is verified; --unverified adds nothing.
    let plugin = lab.plugin("parser-sarif", "ok.wasm");
    lab.sign(&plugin);
    let out = cordon(&[
        "verify",
        "--trust",
        s(&trust),
        s(&plugin),
        "--json",
        "--unverified",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["plugin"]["name"], "parser-sarif", "{doc}");
    assert!(doc.get("unverified_manifest").is_none(), "{doc}");
}

/// `cordon inspect` of a plugin file: without `--trust` nothing is verified
/// (a valid signature by some key vouches for nothing), so the manifest is
/// shown only with `--unverified`, labelled; with a trust policy that accepts
/// the plugin it is shown as verified; an embedded stage's always is.
#[test]
fn inspect_shows_a_manifest_only_when_verified() {
    let lab = Lab::new();
    let plugin = lab.plugin("parser-sarif", "p.wasm");
    lab.sign(&plugin);
    let inspect = |extra: &[&str]| -> (String, Value) {
        let mut args = vec!["inspect", s(&plugin)];
        args.extend_from_slice(extra);
        let human = cordon(&args);
        assert_eq!(
            human.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&human.stderr)
        );
        args.push("--json");
        let json = cordon(&args);
        let doc = serde_json::from_slice(&json.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json.stderr)));
        (String::from_utf8_lossy(&human.stdout).into_owned(), doc)
    };
    let heading = "UNVERIFIED manifest (signature not checked / rejected):";

    // No trust policy: digest and signature status, no manifest.
    let (text, doc) = inspect(&[]);
    assert!(doc.get("manifest").is_none(), "{doc}");
    assert!(doc.get("unverified_manifest").is_none(), "{doc}");
    assert_eq!(doc["signature"]["status"], "valid", "{doc}");
    assert!(
        doc["sha256"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert!(
        !text.contains("parser-sarif") && !text.contains(heading),
        "{text}"
    );
    assert!(text.contains("--unverified"), "{text}");

    let (text, doc) = inspect(&["--unverified"]);
    assert!(doc.get("manifest").is_none(), "{doc}");
    assert_eq!(doc["unverified_manifest"]["name"], "parser-sarif", "{doc}");
    let at = text.find(heading).unwrap_or_else(|| panic!("{text}"));
    assert!(text[at..].contains("parser-sarif 0.1.0"), "{text}");

    // A trust policy that does not know the key: still unverified.
    let other = Lab::new();
    let foreign = other.default_trust();
    let (text, doc) = inspect(&["--trust", s(&foreign)]);
    assert!(doc.get("manifest").is_none(), "{doc}");
    assert_eq!(doc["trust"]["reason"]["code"], "unknown-key", "{doc}");
    assert!(!text.contains("parser-sarif"), "{text}");

    // Accepted by the trust policy: verified, shown without a label.
    let trust = lab.default_trust();
    let (text, doc) = inspect(&["--trust", s(&trust)]);
    assert_eq!(doc["manifest"]["name"], "parser-sarif", "{doc}");
    assert!(doc.get("unverified_manifest").is_none(), "{doc}");
    assert!(text.contains("plugin:     parser-sarif 0.1.0"), "{text}");
    assert!(!text.contains(heading), "{text}");

    // Embedded: part of the binary, verified by its pin.
    let out = cordon(&["inspect", "embedded:parser-sarif", "--json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["manifest"]["name"], "parser-sarif", "{doc}");
}
