//! The CI outputs of `cordon run --output`: every format from one run,
//! checked by the real validators (SARIF 2.1.0 and GitLab's JSON schemas,
//! a JUnit parser), hostile strings made inert in each, GitHub
//! annotations and the step summary, the signed attestation (its digests
//! against `sha256sum`, its signature against `ssh-keygen -Y verify` and
//! `cordon attest verify`), the input forms (`-`, directories,
//! `--format NAME=PATH`), and the terminal options.

use crate::common::{self, cordon};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The reports `host/report/tests/data/run.json` was made from.
const MIXED: [&str; 7] = [
    "tests/outputs/injection.sarif",
    "tests/fixtures/sarif/webapp.sarif",
    "tests/fixtures/trivy/image-schema2.json",
    "tests/fixtures/gitleaks/v8.json",
    "tests/fixtures/npm-audit/npm7.json",
    "tests/fixtures/checkov/list.json",
    "tests/fixtures/grype/image.json",
];

const GITLAB_SCHEMA_VERSION: &str = "15.2.1";

fn shared_schema(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("CORDON_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(REPO).join("../shared"));
    let p = dir.join("schemas").join(name);
    p.is_file().then_some(p)
}

fn validator(schema: &Path) -> jsonschema::Validator {
    let doc: Value = serde_json::from_slice(&std::fs::read(schema).expect("schema")).expect("JSON");
    jsonschema::validator_for(&doc).expect("schema compiles")
}

fn sarif_validator() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| shared_schema("sarif-schema-2.1.0.json").map(|p| validator(&p)))
        .as_ref()
}

fn gitlab_validator(file: &str) -> &'static jsonschema::Validator {
    static V: OnceLock<Vec<(String, jsonschema::Validator)>> = OnceLock::new();
    let all = V.get_or_init(|| {
        [
            ("gl-sast-report.json", "sast-report-format.json"),
            (
                "gl-dependency-scanning-report.json",
                "dependency-scanning-report-format.json",
            ),
            (
                "gl-secret-detection-report.json",
                "secret-detection-report-format.json",
            ),
        ]
        .into_iter()
        .map(|(out, schema)| {
            let p = Path::new(REPO)
                .join("host/report/tests/data/gitlab")
                .join(GITLAB_SCHEMA_VERSION)
                .join(schema);
            (out.to_string(), validator(&p))
        })
        .collect()
    });
    &all.iter()
        .find(|(n, _)| n == file)
        .expect("a GitLab report")
        .1
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Schema errors of `out`'s SARIF and GitLab reports (SARIF skipped,
/// with one line, when the shared schema is absent).
fn schema_errors(out: &Path) -> Vec<String> {
    let mut errors = Vec::new();
    match sarif_validator() {
        Some(v) => {
            let doc = json_file(&out.join("results.sarif"));
            errors.extend(
                v.iter_errors(&doc)
                    .map(|e| format!("results.sarif: {e} at {}", e.instance_path())),
            );
        }
        None => println!(
            "skipping SARIF schema validation: sarif-schema-2.1.0.json not found (set CORDON_SHARED_DIR)"
        ),
    }
    for f in [
        "gl-sast-report.json",
        "gl-dependency-scanning-report.json",
        "gl-secret-detection-report.json",
    ] {
        let doc = json_file(&out.join(f));
        errors.extend(
            gitlab_validator(f)
                .iter_errors(&doc)
                .map(|e| format!("{f}: {e} at {}", e.instance_path())),
        );
    }
    errors
}

struct Mixed {
    _dir: tempfile::TempDir,
    out: PathBuf,
    allowed: PathBuf,
    stdout: String,
    stderr: String,
    step_summary: String,
    code: i32,
}

/// One run over [`MIXED`] with every output, an attestation key, and a
/// GitHub Actions environment.
fn mixed() -> &'static Mixed {
    static RUN: OnceLock<Mixed> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("attest_key");
        let st = Command::new(env!("CARGO_BIN_EXE_cordon"))
            .args(["keygen", "--out"])
            .arg(&key)
            .output()
            .expect("keygen runs");
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
        let allowed = dir.path().join("allowed_signers");
        std::fs::write(
            &allowed,
            format!(
                "ci@example.com namespaces=\"cordon-attestation\" {}\n",
                public.trim()
            ),
        )
        .expect("allowed_signers");
        let summary = dir.path().join("step-summary.md");
        std::fs::write(&summary, "# earlier step\n").expect("summary");
        let out = dir.path().join("out");
        let output = Command::new(env!("CARGO_BIN_EXE_cordon"))
            .current_dir(REPO)
            .arg("run")
            .args(MIXED)
            .args([
                "--ignore-file",
                "tests/gating/.cordonignore.toml",
                "--vex",
                "tests/gating/openvex.json",
                "--today",
                "2026-12-07",
                "--deterministic",
                "--env",
                "prod",
                "--output",
                "all",
                "--attest-key",
            ])
            .arg(&key)
            .arg("--out")
            .arg(&out)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("SOURCE_DATE_EPOCH", "1765065600")
            .env_remove("CORDON_ENV")
            .output()
            .expect("cordon runs");
        Mixed {
            out,
            allowed,
            stdout: String::from_utf8(output.stdout).expect("stdout UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr UTF-8"),
            step_summary: std::fs::read_to_string(&summary).expect("summary"),
            code: output.status.code().expect("exited"),
            _dir: dir,
        }
    })
}

const ALL_FILES: [&str; 10] = [
    "attestation.intoto.json",
    "findings.json",
    "findings.rdjsonl",
    "gl-code-quality-report.json",
    "gl-dependency-scanning-report.json",
    "gl-sast-report.json",
    "gl-secret-detection-report.json",
    "junit.xml",
    "results.sarif",
    "summary.md",
];

#[test]
fn one_run_writes_every_output_valid_by_its_schema() {
    let m = mixed();
    assert_eq!(m.code, 1, "{}", m.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&m.out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names, ALL_FILES,
        "no temporary file left, nothing else written"
    );
    let errors = schema_errors(&m.out);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let findings = json_file(&m.out.join("findings.json"));
    let n = findings["findings"].as_array().expect("findings").len();
    let blocked = findings["gate"]["blocked"].as_u64().expect("blocked") as usize;
    let suppressed = findings["gate"]["suppressed"].as_u64().expect("suppressed") as usize;
    assert_eq!((n, blocked, suppressed), (24, 12, 2));

    // SARIF: every finding once, with the stable fingerprint.
    let sarif = json_file(&m.out.join("results.sarif"));
    let mut fps: Vec<&str> = sarif["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .flat_map(|r| r["results"].as_array().expect("results"))
        .map(|r| {
            let fp = r["partialFingerprints"]
                .as_object()
                .expect("partialFingerprints");
            assert_eq!(fp.len(), 1);
            fp.values()
                .next()
                .and_then(Value::as_str)
                .expect("fingerprint")
        })
        .collect();
    let mut want: Vec<&str> = findings["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    fps.sort_unstable();
    want.sort_unstable();
    assert_eq!(fps, want);

    // JUnit through a real parser: the gate plus one case per finding.
    let junit = std::fs::read(m.out.join("junit.xml")).expect("junit");
    let parsed = junit_parser::from_reader(std::io::Cursor::new(&junit)).expect("JUnit parses");
    assert_eq!((parsed.tests, parsed.failures, parsed.skipped), (25, 13, 2));

    // Code Quality: one entry per unsuppressed finding, exactly its keys.
    let cq = json_file(&m.out.join("gl-code-quality-report.json"));
    let cq = cq.as_array().expect("array");
    assert_eq!(cq.len(), n - suppressed);
    for e in cq {
        let mut keys: Vec<&str> = e
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ]
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&e["severity"].as_str().expect("severity"))
        );
        assert!(
            e["location"]["path"].is_string()
                && e["location"]["lines"]["begin"].as_u64() >= Some(1)
        );
    }
    assert_eq!(
        cq.iter().filter(|e| e["severity"] == "blocker").count(),
        blocked
    );

    // rdjsonl: one diagnostic per unsuppressed finding, one per line.
    let rd = std::fs::read_to_string(m.out.join("findings.rdjsonl")).expect("rdjsonl");
    assert_eq!(rd.lines().count(), n - suppressed);
    for line in rd.lines() {
        let v: Value = serde_json::from_str(line).expect("a diagnostic");
        assert!(v["location"]["path"].is_string() && v["message"].is_string());
        assert!(["ERROR", "WARNING", "INFO"].contains(&v["severity"].as_str().expect("severity")));
    }
}

/// The strings `tests/outputs/injection.sarif` carries, none of which may
/// be active anywhere.
#[test]
fn hostile_strings_are_inert_in_every_output() {
    let m = mixed();
    for name in ALL_FILES {
        let bytes = std::fs::read(m.out.join(name)).expect("output");
        for b in &bytes {
            assert!(
                !matches!(b, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F),
                "{name}: raw control byte {b:#x}"
            );
        }
    }
    let junit = std::fs::read_to_string(m.out.join("junit.xml")).expect("junit");
    assert!(!junit.contains("]]>") && !junit.contains("<script") && !junit.contains("CDATA"));
    let md = std::fs::read_to_string(m.out.join("summary.md")).expect("summary.md");
    for line in md.lines() {
        let plain = outside_code_spans(line);
        for bad in [
            "<script",
            "</details><",
            "@octocat",
            "](",
            "::error",
            "\u{202e}",
        ] {
            assert!(
                !plain.contains(bad),
                "summary.md: {bad:?} active in {line:?}"
            );
        }
    }
    // stdout is read by the runner as workflow commands: only cordon's own.
    let lines: Vec<&str> = m.stdout.lines().collect();
    let errors = lines.iter().filter(|l| l.starts_with("::error ")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!((errors, warnings, lines.len()), (10, 6, 17), "{}", m.stdout);
    for l in &lines[..16] {
        assert!(
            l.starts_with("::error ") || l.starts_with("::warning "),
            "{l}"
        );
        let after = l.splitn(3, "::").nth(2).expect("message");
        assert!(!after.contains('\n') && !after.contains('\r'));
    }
    assert!(
        lines[16].starts_with("cordon: 2 more blocking findings not annotated"),
        "{}",
        lines[16]
    );
    assert!(!m.stdout.contains("\n::add-mask::") && !m.stdout.contains("\n::set-output"));
    let hostile = lines
        .iter()
        .find(|l| l.contains("rule]]>"))
        .expect("hostile finding annotated");
    assert!(
        hostile.contains("%0A") && hostile.contains("%3A"),
        "{hostile}"
    );
    // The terminal: no escape reaches stderr.
    assert!(
        !m.stderr.contains('\u{1b}') && !m.stderr.contains('\u{7}'),
        "{}",
        m.stderr
    );
}

fn outside_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let after = &rest[start + ticks..];
        let end = after
            .find(&"`".repeat(ticks))
            .unwrap_or_else(|| panic!("unclosed span in {line:?}"));
        rest = &after[end + ticks..];
    }
    out.push_str(rest);
    out
}

#[test]
fn github_job_summary_is_appended() {
    let m = mixed();
    let md = std::fs::read_to_string(m.out.join("summary.md")).expect("summary.md");
    assert_eq!(m.step_summary, format!("# earlier step\n{md}"));
    assert!(md.len() < 1 << 20);
    assert!(
        md.starts_with("## cordon gate: BLOCK (12 blocking findings)\n"),
        "{md}"
    );
}

fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs");
    String::from_utf8(out.stdout).expect("utf-8")[..64].to_string()
}

#[test]
fn attestation_digests_are_the_files_and_ssh_keygen_accepts_it() {
    let m = mixed();
    let env = json_file(&m.out.join("attestation.intoto.json"));
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let payload = b64
        .decode(env["payload"].as_str().expect("payload"))
        .expect("base64");
    let statement: Value = serde_json::from_slice(&payload).expect("statement");
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(
        statement["predicateType"],
        "https://in-toto.io/attestation/svr/v0.1"
    );
    let subjects = statement["subject"].as_array().expect("subjects");
    assert_eq!(subjects.len(), ALL_FILES.len() - 1 + MIXED.len());
    for s in subjects {
        let name = s["name"].as_str().expect("name");
        let path = match s["annotations"]["cordon.role"].as_str() {
            Some("output") => m.out.join(name),
            Some("input") => Path::new(REPO).join(name),
            other => panic!("role {other:?}"),
        };
        assert_eq!(
            s["digest"]["sha256"].as_str(),
            Some(sha256sum(&path).as_str()),
            "{name}"
        );
    }

    // Stock tools: the PAE and the armoured SSHSIG, checked by ssh-keygen.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut pae = format!("DSSEv1 28 application/vnd.in-toto+json {} ", payload.len()).into_bytes();
    pae.extend_from_slice(&payload);
    let sig = b64
        .decode(env["signatures"][0]["sig"].as_str().expect("sig"))
        .expect("base64");
    std::fs::write(dir.path().join("att.sig"), sig).expect("sig");
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&m.allowed)
        .args(["-I", "ci@example.com", "-n", "cordon-attestation", "-s"])
        .arg(dir.path().join("att.sig"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh-keygen runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&pae)
        .expect("pae");
    let done = child.wait_with_output().expect("ssh-keygen exits");
    assert!(
        done.status.success(),
        "ssh-keygen: {}{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
}

fn attest_verify(att: &Path, allowed: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .current_dir(REPO)
        .args(["attest", "verify"])
        .arg(att)
        .arg("--allowed-signers")
        .arg(allowed)
        .args(extra)
        .output()
        .expect("cordon runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cordon_attest_verify_accepts_the_run_and_refuses_changes() {
    let m = mixed();
    let (code, err) = attest_verify(&m.out.join("attestation.intoto.json"), &m.allowed, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("verified (16 subjects)"), "{err}");

    // A changed output.
    let copy = tempfile::tempdir().expect("tempdir");
    for f in ALL_FILES {
        std::fs::copy(m.out.join(f), copy.path().join(f)).expect("copy");
    }
    std::fs::write(copy.path().join("junit.xml"), "<testsuites/>").expect("tamper");
    let (code, err) = attest_verify(
        &copy.path().join("attestation.intoto.json"),
        &m.allowed,
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("junit.xml") && err.contains("NOT VERIFIED"),
        "{err}"
    );

    // A key the allowed_signers file does not list.
    let other = copy.path().join("other_signers");
    std::fs::write(&other, "someone@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz8Cq0nRdS8gO8Yxm0mGdyq9YV1pFQhJtYHvKQmYB3j\n").expect("write");
    let (code, err) = attest_verify(&m.out.join("attestation.intoto.json"), &other, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("NOT VERIFIED"), "{err}");
}

#[test]
fn corpus_outputs_validate_against_the_official_schemas() {
    let Some(corpus) = common::corpus_dir() else {
        println!("skipping: corpus not found (set CORDON_CORPUS)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut families: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() && !p.ends_with("LICENSES"))
        .collect();
    families.sort();
    let mut checked = 0;
    for family in &families {
        let out = dir.path().join(family.file_name().expect("name"));
        let run = cordon(
            &[
                "run",
                family.to_str().expect("utf-8"),
                "--on-unrecognised",
                "warn",
                "--output",
                "json,sarif,gitlab",
                "--today",
                "2026-12-07",
            ],
            &out,
        );
        assert!(run.code <= 2, "{}: {}", family.display(), run.stderr);
        let errors = schema_errors(&out);
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            family.display(),
            errors.join("\n")
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked} families");
}

#[test]
fn stdin_directories_and_per_input_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    // `-` reads standard input.
    let out = dir.path().join("stdin");
    let report =
        std::fs::read(Path::new(REPO).join("tests/fixtures/sarif/webapp.sarif")).expect("fixture");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(["run", "-", "--out"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("CORDON_ENV")
        .spawn()
        .expect("cordon runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&report)
        .expect("write");
    let done = child.wait_with_output().expect("exits");
    let doc = json_file(&out.join("findings.json"));
    assert_eq!(
        doc["inputs"][0]["path"],
        "-",
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(doc["inputs"][0]["findings_parsed"], 4);

    // A directory: every report below it, in name order; unrecognised
    // files skipped with one warning each under --on-unrecognised warn.
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(reports.join("nested")).expect("mkdir");
    std::fs::copy(
        common::fixture("trivy/image-schema2.json"),
        reports.join("b-trivy.json"),
    )
    .expect("copy");
    std::fs::copy(
        common::fixture("sarif/webapp.sarif"),
        reports.join("nested/a.sarif"),
    )
    .expect("copy");
    std::fs::write(reports.join("a-notes.txt"), "not a report\n").expect("write");
    std::fs::write(reports.join(".hidden.json"), "{}").expect("write");
    let out = reports.join("cordon-out");
    let run = cordon(
        &[
            "run",
            reports.to_str().expect("utf-8"),
            "--on-unrecognised",
            "warn",
        ],
        &out,
    );
    let doc = run.json.expect("findings.json");
    let inputs: Vec<(String, String)> = doc["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            let p = i["path"].as_str().expect("path");
            (
                p.rsplit('/').next().expect("name").to_string(),
                i["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            ("a-notes.txt".into(), "skipped".into()),
            ("b-trivy.json".into(), "ok".into()),
            ("a.sarif".into(), "ok".into())
        ],
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("warning[unrecognised-format]").count(),
        1,
        "{}",
        run.stderr
    );
    // A second run does not read the first one's outputs inside the tree.
    let again = cordon(
        &[
            "run",
            reports.to_str().expect("utf-8"),
            "--on-unrecognised",
            "warn",
        ],
        &out,
    );
    assert_eq!(
        again.json.expect("findings.json")["inputs"]
            .as_array()
            .expect("inputs")
            .len(),
        3
    );

    // --format NAME=PATH forces one input's parser, and must name an input.
    let fixture = common::fixture("sarif/webapp.sarif");
    let f = fixture.to_str().expect("utf-8");
    let run = cordon(
        &["run", f, "--format", &format!("parser-sarif={f}")],
        &dir.path().join("fmt"),
    );
    assert_eq!(
        run.json.expect("findings.json")["inputs"][0]["parser"],
        "parser-sarif"
    );
    let run = cordon(
        &["run", f, "--format", "trivy=elsewhere.json"],
        &dir.path().join("fmt2"),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not one of the reports given"),
        "{}",
        run.stderr
    );
}

#[test]
fn quiet_color_and_timings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = common::fixture("sarif/webapp.sarif");
    let f = f.to_str().expect("utf-8");
    let quiet = cordon(&["run", f, "--quiet"], &dir.path().join("q"));
    assert_eq!(quiet.stderr, "gate: PASS [enforce] -> exit 0\n");
    let color = cordon(&["run", f, "--color", "always"], &dir.path().join("c"));
    assert!(
        color.stderr.contains("gate: \u{1b}[1;32mPASS\u{1b}[0m"),
        "{}",
        color.stderr
    );
    let never = cordon(&["run", f, "--color", "never"], &dir.path().join("n"));
    assert!(!never.stderr.contains('\u{1b}'));
    let verbose = cordon(&["run", f, "-v"], &dir.path().join("v"));
    assert!(verbose.stderr.contains("timings:\n"), "{}", verbose.stderr);
    assert!(
        verbose.stderr.contains(" ms  parser-sarif  "),
        "{}",
        verbose.stderr
    );
    assert!(
        verbose.stderr.contains(" ms  policy-threshold"),
        "{}",
        verbose.stderr
    );
    // NO_COLOR is honoured by `auto` (stderr is not a terminal here
    // either, so this only checks that nothing forces colour).
    let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(["run", f, "--out"])
        .arg(dir.path().join("nc"))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

/// `sha256:<64 hex>` as `sha256:…`, so the excerpts do not change with
/// every rebuilt plugin.
fn elide_digests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i + 7]);
        let after = &rest[i + 7..];
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex == 64 {
            out.push('…');
            rest = &after[64..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn docs_ci_excerpts_are_what_cordon_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let run = cordon(
        &[
            "run",
            "tests/fixtures/sarif/webapp.sarif",
            "--output",
            "all",
            "--deterministic",
            "--today",
            "2026-12-07",
        ],
        &out,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut excerpts = String::from("<!-- excerpts -->\n");
    for (file, lang, lines) in [
        ("summary.md", "markdown", 40),
        ("results.sarif", "json", 60),
        ("junit.xml", "xml", 30),
        ("gl-code-quality-report.json", "json", 25),
        ("gl-sast-report.json", "json", 60),
        ("findings.rdjsonl", "json", 2),
    ] {
        let text = std::fs::read_to_string(out.join(file)).expect("output");
        let total = text.lines().count();
        let shown: Vec<&str> = text.lines().take(lines).collect();
        excerpts.push_str(&format!("\n### `{file}`"));
        if total > lines {
            excerpts.push_str(&format!(" (first {lines} of {total} lines)"));
        }
        excerpts.push_str(&format!(
            "\n\n```{lang}\n{}\n```\n",
            elide_digests(&shown.join("\n"))
        ));
    }
    excerpts.push_str("<!-- /excerpts -->");
    let doc_path = Path::new(REPO).join("docs/ci.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/ci.md");
    let start = doc.find("<!-- excerpts -->").expect("excerpts marker");
    let end = doc.find("<!-- /excerpts -->").expect("end marker") + "<!-- /excerpts -->".len();
    let current = &doc[start..end];
    if std::env::var_os("CORDON_UPDATE_DOCS").is_some() {
        let updated = format!("{}{excerpts}{}", &doc[..start], &doc[end..]);
        std::fs::write(&doc_path, updated).expect("write docs/ci.md");
        return;
    }
    assert!(
        current == excerpts,
        "docs/ci.md excerpts differ from what cordon writes; rerun with CORDON_UPDATE_DOCS=1 and review the diff"
    );
}
