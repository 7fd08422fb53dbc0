//! Every ESLint fixture of the repository (`tests/fixtures/eslint/` at the
//! repository root; `README.md` there says where each comes from): the exact
//! number of findings (ESLint's count: the sum of the lengths of every file
//! result's `messages`, computed here from the raw JSON), the count after
//! `normalizer_default::normalize`, and a few exact field values.

use cordon_sdk::{Finding, Severity, SeveritySource, StageError};
use corpus_support::fixtures::fixture;
use parser_eslint::{FATAL_RULE, UNUSED_DIRECTIVE_RULE, parse};

/// ESLint's own count, from the raw report: one per `messages[]` entry.
fn messages_in(bytes: &[u8]) -> usize {
    let doc: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
    doc.as_array()
        .expect("an array")
        .iter()
        .map(|f| f["messages"].as_array().map_or(0, Vec::len))
        .sum()
}

/// The findings of one fixture, checked against ESLint's count and the
/// normalizer's.
fn findings(name: &str, raw: usize, deduped: usize) -> Vec<Finding> {
    let bytes = fixture("eslint", name);
    assert_eq!(messages_in(&bytes), raw, "{name}: messages in the report");
    let f = parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(f.len(), raw, "{name}: findings");
    assert_eq!(
        normalizer_default::normalize(f.clone()).len(),
        deduped,
        "{name}: after dedup"
    );
    f
}

fn count(f: &[Finding], pred: impl Fn(&Finding) -> bool) -> usize {
    f.iter().filter(|x| pred(x)).count()
}

#[test]
fn mixed() {
    let f = findings("mixed.json", 140, 140);
    // Two Juice Shop code-fix snippets ESLint cannot parse.
    let fatal = &f[0];
    assert_eq!(fatal.rule_id, FATAL_RULE);
    assert_eq!(fatal.title, "Parsing error: ';' expected.");
    assert_eq!(
        (fatal.severity, fatal.tool_severity.as_deref()),
        (Severity::High, Some("2"))
    );
    assert_eq!(fatal.tags, ["fatal"]);
    assert_eq!(
        fatal.locations[0].path,
        "/src/juice-shop/data/static/codefixes/localXssChallenge_1.ts"
    );
    assert_eq!(
        (
            fatal.locations[0].start_line,
            fatal.locations[0].start_column
        ),
        (Some(1), Some(15))
    );
    assert_eq!(fatal.source_pointer, "/0/messages/0");
    assert_eq!(count(&f, |x| x.rule_id == FATAL_RULE), 2);

    let unused = &f[2];
    assert_eq!(unused.rule_id, "no-unused-vars");
    assert_eq!(unused.message, "'token' is defined but never used.");
    assert_eq!(
        unused.locations[0].path,
        "/src/juice-shop/lib/insecurity.ts"
    );
    let l = &unused.locations[0];
    assert_eq!(
        (l.start_line, l.start_column, l.end_line, l.end_column),
        (Some(34), Some(9), Some(34), Some(22))
    );
    assert_eq!(
        unused.help_uri.as_deref(),
        Some("https://eslint.org/docs/latest/rules/no-unused-vars")
    );

    let directive = f
        .iter()
        .find(|x| x.rule_id == UNUSED_DIRECTIVE_RULE)
        .expect("an unused directive");
    assert_eq!(directive.source_pointer, "/3/messages/0");
    assert_eq!(directive.severity, Severity::Medium);
    assert_eq!(directive.help_uri, None);
    assert_eq!(count(&f, |x| x.rule_id == UNUSED_DIRECTIVE_RULE), 1);

    let eval: Vec<&Finding> = f
        .iter()
        .filter(|x| x.rule_id == "security/detect-eval-with-expression")
        .collect();
    assert_eq!(eval.len(), 2);
    assert_eq!(
        eval[0].locations[0].path,
        "/src/juice-shop/routes/captcha.ts"
    );
    assert_eq!(eval[0].severity, Severity::Medium);
    assert_eq!(
        eval[0].help_uri.as_deref(),
        Some(
            "https://github.com/eslint-community/eslint-plugin-security/blob/main/docs/rules/detect-eval-with-expression.md"
        )
    );

    let last = f.last().expect("findings");
    assert_eq!(last.rule_id, "eqeqeq");
    assert_eq!(last.source_pointer, "/63/messages/3");
    // By rule: the report's own numbers.
    assert_eq!(count(&f, |x| x.rule_id == "no-unused-vars"), 48);
    assert_eq!(count(&f, |x| x.rule_id == "eqeqeq"), 37);
    assert_eq!(
        count(&f, |x| x.rule_id == "security/detect-object-injection"),
        34
    );
    assert_eq!(count(&f, |x| x.severity == Severity::High), 87);
    assert_eq!(count(&f, |x| x.severity == Severity::Medium), 53);
    assert!(f.iter().all(|x| x.severity_source == SeveritySource::Tool));
    // Eight messages are suppressed in source (`eslint-disable-line`): none
    // is a finding.
    assert!(
        !f.iter()
            .any(|x| x.locations[0].path.ends_with("/verify.ts"))
    );
}

#[test]
fn clean() {
    // Five files without problems; one of them (routes/verify.ts) has a
    // suppressed message only.
    assert!(findings("clean.json", 0, 0).is_empty());
}

#[test]
fn defectdojo_samples() {
    let f = findings("defectdojo-scan.json", 2, 2);
    assert_eq!(f[0].rule_id, "security/detect-object-injection");
    assert_eq!(f[0].title, "Generic Object Injection Sink");
    assert_eq!(
        f[0].locations[0].path,
        "/Users/omerlh/dev/juice-shop/routes/basketItems.js"
    );
    assert_eq!(f[0].locations[0].start_line, Some(19));
    assert_eq!(f[0].source_pointer, "/1/messages/0");
    assert_eq!(
        (f[0].severity, f[1].severity),
        (Severity::High, Severity::Medium)
    );
    assert!(findings("defectdojo-no_finding.json", 0, 0).is_empty());
    assert!(findings("defectdojo-empty.json", 0, 0).is_empty());
}

#[test]
fn truncated_is_malformed() {
    match parse(&fixture("eslint", "truncated.json")) {
        Err(StageError::MalformedInput(m)) => {
            assert!(m.message.contains("ends too early"), "{}", m.message);
            assert_eq!(m.position.line, Some(1));
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
