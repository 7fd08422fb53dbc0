//! Every file of the repository's detect-secrets fixtures
//! (`tests/fixtures/detect-secrets/` at the repository root, described in
//! its `README.md`): the exact number of findings, the number after
//! `normalizer_default::normalize`, and a few field values per sample. The
//! counts are those of the README (the number of entries of all `results`
//! lists).

use cordon_sdk::{Finding, Severity, StageError};
use corpus_support::fixtures::fixture;
use parser_detect_secrets::parse;

fn findings(name: &str) -> Vec<Finding> {
    parse(&fixture("detect-secrets", name)).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// `name` parses into `raw` findings, `deduped` after normalisation.
fn counts(name: &str, raw: usize, deduped: usize) -> Vec<Finding> {
    let f = findings(name);
    assert_eq!(f.len(), raw, "{name}: raw");
    assert_eq!(
        normalizer_default::normalize(f.clone()).len(),
        deduped,
        "{name}: after dedup"
    );
    f
}

fn at(f: &Finding) -> (&str, Option<u32>) {
    let l = &f.locations[0];
    (l.path.as_str(), l.start_line)
}

#[test]
fn clean_baselines() {
    counts("clean.json", 0, 0);
    counts("defectdojo-no_findings.json", 0, 0);
}

#[test]
fn planted() {
    let f = counts("planted.json", 15, 15);
    assert!(
        f.iter()
            .all(|x| x.tool_version.as_deref() == Some("1.5.52"))
    );
    assert_eq!(f[0].rule_id, "AWS Access Key");
    assert_eq!(at(&f[0]), ("config/aws.py", Some(2)));
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].source_pointer, "/results/config~1aws.py/0");
    assert_eq!(
        (f[3].rule_id.as_str(), f[3].severity),
        ("Secret Keyword", Severity::Medium)
    );
    assert_eq!(f[8].severity, Severity::Low);
    // Two Base64 strings on line 5 of tokens.js stay two findings.
    assert_eq!(at(&f[10]), ("config/tokens.js", Some(5)));
    assert!(f[10].message.ends_with("(1 of 2 of this type there)."));
    assert!(f[11].message.ends_with("(2 of 2 of this type there)."));
    assert_eq!(f[14].title, "Potential secret: Private Key");
    assert_eq!(at(&f[14]), ("keys/fake_id_rsa", Some(2)));
    assert!(f.iter().all(|x| x.tags.is_empty()));
}

#[test]
fn planted_audited() {
    let f = counts("planted-audited.json", 15, 15);
    let tags = |i: usize| f[i].tags.join(",");
    assert_eq!(
        (f[0].severity, tags(0)),
        (Severity::High, "true-positive".into())
    );
    assert_eq!(
        (f[1].severity, tags(1)),
        (Severity::Info, "false-positive".into())
    );
    assert_eq!((f[3].severity, tags(3)), (Severity::Medium, String::new()));
    assert_eq!(
        (f[10].severity, tags(10)),
        (Severity::High, "true-positive".into())
    );
    assert!(
        f[1].message
            .ends_with("An audit marked it a false positive.")
    );
    let labelled = f.iter().filter(|x| !x.tags.is_empty()).count();
    assert_eq!(labelled, 11);
}

#[test]
fn pygoat() {
    let f = counts("pygoat.json", 48, 48);
    assert_eq!(
        at(&f[0]),
        ("dockerized_labs/broken_auth_lab/app.py", Some(8))
    );
    assert_eq!(f[0].rule_id, "Secret Keyword");
    assert_eq!(at(&f[47]), ("pygoat/settings.py", Some(171)));
    assert_eq!(f[47].source_pointer, "/results/pygoat~1settings.py/1");
    // Two hex strings on each of lines 21-23 of one migration.
    assert_eq!(
        at(&f[9]),
        (
            "introduction/migrations/0018_cf_user_password2.py",
            Some(21)
        )
    );
    assert_eq!(f[9].rule_id, "Hex High Entropy String");
    assert!(
        f[10]
            .message
            .ends_with("at line 21 (2 of 2 of this type there).")
    );
}

#[test]
fn version_0() {
    let f = counts("v0-planted.json", 2, 2);
    assert_eq!(f[0].tool_version.as_deref(), Some("0.14.3"));
    assert_eq!(at(&f[0]), ("config/settings.ini", Some(4)));
    assert_eq!(f[0].rule_id, "Basic Auth Credentials");
    assert_eq!(at(&f[1]), ("keys/fake_id_rsa", Some(1)));
}

#[test]
fn defectdojo_many_findings() {
    let f = counts("defectdojo-many_findings.json", 4, 4);
    assert_eq!(f[0].tool_version.as_deref(), Some("1.0.3"));
    assert_eq!(at(&f[0]), ("modules_images", Some(151)));
    assert_eq!(
        at(&f[2]),
        (
            "example/pkg/docker_registry_watcher/docker_config.go",
            Some(109)
        )
    );
    assert_eq!(f[1].tags, ["true-positive"]);
    assert_eq!(f[1].severity, Severity::High);
    assert_eq!(f[3].tags, ["false-positive"]);
    assert_eq!(f[3].severity, Severity::Info);
    assert!(
        f.iter()
            .all(|x| x.cwes == [798] && x.title == "Potential secret: Secret Keyword")
    );
}

#[test]
fn truncated_is_malformed() {
    match parse(&fixture("detect-secrets", "truncated.json")) {
        Err(StageError::MalformedInput(m)) => {
            assert!(m.message.contains("ends too early"), "{}", m.message);
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}

#[test]
fn no_hash_reaches_a_finding() {
    for name in ["planted.json", "planted-audited.json", "pygoat.json"] {
        let text = String::from_utf8(fixture("detect-secrets", name)).expect("UTF-8");
        let all = format!("{:?}", findings(name));
        for hash in text
            .split('"')
            .filter(|s| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            assert!(!all.contains(hash), "{name}: {hash} copied");
        }
    }
}
