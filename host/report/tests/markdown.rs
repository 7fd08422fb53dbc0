//! `summary.md` of a real multi-scanner run with hostile strings: stage
//! strings only inside code spans, the blocking findings first and
//! complete, `<details>` blocks that cannot swallow the document, and the
//! size cap.

use cordon_model::{Action, BaselineStatus, BaselineSummary, RunError, RunReport, Verdict};
use cordon_report::Meta;
use cordon_report::markdown::{MAX_BYTES, MIN_BYTES, render, render_capped};
use cordon_report::view;

fn run() -> RunReport {
    serde_json::from_str(include_str!("data/run.json")).expect("run.json is a findings.json")
}

fn meta() -> Meta {
    Meta {
        started: 1_796_650_000,
        finished: 1_796_650_003,
        policy_uri: "embedded:policies/rules/default.toml".into(),
        policy_digest: "sha256:5a4c".into(),
    }
}

/// `line` with every inline code span replaced by `CODE`, as CommonMark
/// finds them: a run of n backticks up to the next run of exactly n. An
/// unmatched run stays as literal backticks.
fn strip_code_spans(line: &str) -> String {
    let c: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '`' {
            out.push(c[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < c.len() && c[i] == '`' {
            i += 1;
        }
        let n = i - start;
        let mut j = i;
        let mut end = None;
        while j < c.len() {
            if c[j] == '`' {
                let s = j;
                while j < c.len() && c[j] == '`' {
                    j += 1;
                }
                if j - s == n {
                    end = Some(j);
                    break;
                }
            } else {
                j += 1;
            }
        }
        match end {
            Some(e) => {
                out.push_str("CODE");
                i = e;
            }
            None => out.extend(std::iter::repeat_n('`', n)),
        }
    }
    out
}

fn is_details_open(line: &str) -> bool {
    line.starts_with("<details><summary>") && line.ends_with("</summary>")
}

/// Everything the document says outside code spans is host-made: no HTML
/// but the `<details>` lines, no links, images, mentions, references,
/// workflow commands, escapes or stray backticks; `|` only in the table,
/// which holds no code spans; headings without code spans.
fn assert_inert(md: &str) {
    for c in md.chars() {
        assert!(
            c == '\n' || !c.is_control(),
            "raw control character {:?} in the document",
            c
        );
        assert!(
            !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'),
            "raw bidi control {c:?} in the document"
        );
    }
    for line in md.lines() {
        let rest = strip_code_spans(line);
        for bad in [
            "<script",
            "](",
            "![",
            "@",
            "`",
            "::",
            "%0A",
            "]]>",
            "#1",
            "javascript:",
            "\\u{",
        ] {
            assert!(!rest.contains(bad), "{bad:?} outside a code span: {line}");
        }
        if rest.contains('<') || rest.contains('>') {
            assert!(
                is_details_open(line) || line == "</details>",
                "HTML outside a code span: {line}"
            );
            assert_eq!(rest, line, "a <details> line holds no code span: {line}");
        }
        if line.starts_with('|') {
            assert!(
                !line.contains('`'),
                "a table cell holds a code span: {line}"
            );
        } else {
            assert!(!rest.contains('|'), "a | outside the table: {line}");
        }
        if line.starts_with('#') {
            assert!(!line.contains('`'), "a heading holds a code span: {line}");
        }
    }
}

/// Every `<details>` is closed, nothing nests, and each opening and
/// closing line is surrounded by blank lines.
fn assert_details_balanced(md: &str) {
    let lines: Vec<&str> = md.lines().collect();
    let mut open = false;
    for (i, line) in lines.iter().enumerate() {
        let rest = strip_code_spans(line);
        if rest.contains("<details") || rest.contains("</details") {
            if is_details_open(line) {
                assert!(!open, "nested <details> at line {i}");
                open = true;
                assert_eq!(lines.get(i + 1), Some(&""), "blank line after {line}");
                assert!(
                    i == 0 || lines[i - 1].is_empty(),
                    "blank line before {line}"
                );
            } else {
                assert_eq!(*line, "</details>");
                assert!(open, "</details> without <details> at line {i}");
                open = false;
                assert!(lines[i - 1].is_empty(), "blank line before </details>");
                assert!(
                    lines.get(i + 1).is_none_or(|l| l.is_empty()),
                    "blank line after </details>"
                );
            }
        }
    }
    assert!(!open, "unclosed <details>");
}

/// The numbered entries of the section under `heading`, up to the next
/// heading or `<details>`.
fn entries<'a>(md: &'a str, heading: &str) -> Vec<&'a str> {
    md.lines()
        .skip_while(|l| !l.starts_with(heading))
        .skip(1)
        .take_while(|l| !l.starts_with('#') && !l.starts_with("<details>"))
        .filter(|l| {
            l.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
        })
        .collect()
}

#[test]
fn hostile_strings_stay_inside_code_spans() {
    let md = render(
        &run(),
        &meta(),
        &["results.sarif: 1 result left out @octocat".into()],
    );
    assert_inert(&md);
    assert_details_balanced(&md);
    // The hostile strings are there, escaped, in code spans.
    assert!(md.contains(
        "10. **high** `rule]]>\\u{0}::error::%0A` from \
         `inject\\u{1b}]8;;http://attacker.invalid\\u{7}scan::error::</…`: \
         `\\u{1b}[31mRED\\u{1b}[0m </details><script>alert(1)</script> ]]> nul\\u{0} ::error::pwned %0A line1`\n   \
         at `src/a,b:c%0A</details>\\u{1b}[K.py:3:2`, input `tests/outputs/injection.sarif`, \
         fingerprint `1c0cda41bfc6609b326029ecd5a3c0b4`\n"
    ), "{md}");
    assert!(md.contains("- `results.sarif: 1 result left out @octocat`\n"));
}

#[test]
fn heading_and_run_facts() {
    let md = render(&run(), &meta(), &[]);
    let head: Vec<&str> = md.lines().take(9).collect();
    assert_eq!(
        head,
        [
            "## cordon gate: BLOCK (12 blocking findings)",
            "",
            "12 of 24 findings block the gate.",
            "",
            "- Pipeline `default`, environment `prod`, mode `enforce`",
            "- Run `01dd639565c46e66a0ffb8afe4a91eaa`, today `2026-12-07`, cordon `0.1.0`, took 3 s",
            "- Policy `embedded:policies/rules/default.toml` (`sha256:5a4c`)",
            "- Fingerprints `normalizer-default/v2`",
            "",
        ]
    );
}

#[test]
fn counts_by_severity_and_action() {
    let md = render(&run(), &meta(), &[]);
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table,
        [
            "| severity | block | ticket | notify | record | suppressed | total |",
            "|:--|--:|--:|--:|--:|--:|--:|",
            "| critical | 5 | 0 | 0 | 0 | 0 | 5 |",
            "| high | 7 | 0 | 0 | 0 | 1 | 8 |",
            "| medium | 0 | 6 | 0 | 0 | 0 | 6 |",
            "| low | 0 | 0 | 3 | 0 | 1 | 4 |",
            "| info | 0 | 0 | 0 | 1 | 0 | 1 |",
            "| **total** | 12 | 6 | 3 | 1 | 2 | 24 |",
        ]
    );
}

#[test]
fn blocking_findings_come_first_most_severe_first() {
    let report = run();
    let md = render(&report, &meta(), &[]);
    let listed = entries(&md, "### Blocking findings (12)");
    assert_eq!(listed.len(), 12, "{md}");
    let severities: Vec<&str> = listed
        .iter()
        .map(|l| l.split("**").nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        severities,
        [
            "critical", "critical", "critical", "critical", "critical", "high", "high", "high",
            "high", "high", "high", "high"
        ]
    );
    for (i, l) in listed.iter().enumerate() {
        assert!(l.starts_with(&format!("{}. ", i + 1)), "{l}");
    }
    // Each entry names its fingerprint, in the shared priority order.
    let order: Vec<String> = view::blocking(&report)
        .iter()
        .map(|r| format!("fingerprint `{}`", r.finding.fingerprint))
        .collect();
    let mut at = 0;
    for fp in &order {
        let found = md[at..].find(fp.as_str()).expect("listed in order");
        at += found + fp.len();
    }
    assert!(
        md.find("### Blocking findings").expect("blocking")
            < md.find("Other findings").expect("others")
    );
    assert!(md.contains(
        "1. **critical** `GHSA-jfh8-c2jp-5v3q` from `grype`: `GHSA-jfh8-c2jp-5v3q in log4j-core 2.14.1`\n   \
         at `opt/app/lib/log4j-core-2.14.1.jar`, input `tests/fixtures/grype/image.json`, \
         fingerprint `5ef262798e18b12356fa15ee34dda10c`, 2 occurrences\n   \
         blocked by `prod/block-at-high`: `severity critical is at or above the prod block threshold (high)`\n"
    ));
    // The others, collapsed, without the suppressed ones.
    assert!(md.contains(
        "<details><summary>Other findings (10: 6 ticket, 3 notify, 1 record)</summary>\n\n\
         1. **medium** `CKV_CVE_2020_28500` from `checkov` (ticket): `Vulnerable package: lodash`, \
         at `web/package.json`, fingerprint `028753201a5eb304d0d87081412571f8`\n"
    ));
    assert!(md.contains(
        "10. **info** `CVE-2005-2541` from `grype` (record): `CVE-2005-2541 in tar 1.34+dfsg-1.2`, \
         at `var/lib/dpkg/status`, fingerprint `027b4fc14738fef0bb7b69556016e28b`\n\n</details>\n"
    ));
}

#[test]
fn suppressions_inputs_and_stages() {
    let md = render(&run(), &meta(), &[]);
    assert!(md.contains(
        "### Suppressions\n\n2 findings suppressed. Suppressions: 2 applied, 1 expired, 2 unused.\n\n\
         - **expired** `IGN-2` (ignore-file) in `tests/gating/.cordonignore.toml`, expired `2026-11-30`, \
         owner `appsec@shop.example.com`: would have covered 1 finding\n\
         - **unused** `IGN-3` (ignore-file) in `tests/gating/.cordonignore.toml`, no expiry, \
         owner `appsec@shop.example.com`: matched nothing\n\
         - **unused** `openvex.json#/statements/2` (vex) in `tests/gating/openvex.json`, no expiry, \
         owner `Shop Security Team <security@shop.example.com>`: matched nothing\n"
    ), "{md}");
    assert!(md.contains(
        "### Inputs (7)\n\n- **ok** `tests/outputs/injection.sarif`: `sarif-2.1.0` via `parser-sarif`, 2 findings parsed\n"
    ));
    assert!(md.contains(
        "<details><summary>Stages (23, 8 used)</summary>\n\n- `parser-bandit`: `parser`, not used"
    ));
    assert!(md.contains(
        "- `policy-threshold`: `policy`, used, version `0.1.0`, from `embedded`\n  \
         - sha256 `sha256:d46dcc5f0544d01464bdb075282915938079674e752ee16e55aa92b4afd8c2c5`, \
         verified by `embedded sha256 pin`\n  - capabilities `log`\n  \
         - limits: 512 MiB memory, 20000 ms per call, 10000000000 fuel, 200000 findings, \
         128 MiB of strings, 64 KiB of log\n\n</details>\n"
    ));
    assert!(md.ends_with("</details>\n"));
}

#[test]
fn signer_errors_warnings_and_notes() {
    let mut report = run();
    report.stages[0].signer = Some(cordon_model::Signer {
        identity: "@octocat [x](http://e)".into(),
        fingerprint: "SHA256:abc".into(),
    });
    report.gate.verdict = Verdict::Error;
    report.errors.push(RunError {
        kind: "malformed-input".into(),
        stage: Some("parser-sarif".into()),
        input: Some("a.sarif".into()),
        message: "a.sarif: bad\n</details><script>x</script>".into(),
    });
    report.warnings.push(RunError {
        kind: "unrecognised-format".into(),
        stage: None,
        input: Some("b.json".into()),
        message: "b.json: no parser".into(),
    });
    let md = render(&report, &meta(), &["one".into(), "two".into()]);
    assert_inert(&md);
    assert_details_balanced(&md);
    assert!(md.starts_with(
        "## cordon gate: ERROR\n\nThe run had 1 error (below): the gate could not decide on complete data. 12 of 24 findings block.\n"
    ));
    assert!(md.contains(
        "### Errors (1)\n\n- `malformed-input`: `a.sarif: bad\\u{a}</details><script>x</script>`\n\n\
         ### Warnings (1)\n\n- `unrecognised-format`: `b.json: no parser`\n"
    ));
    assert!(md.contains("  - signed by `@octocat [x](http://e)`, key `SHA256:abc`\n"));
    assert!(md.contains("### Notes\n\n- `one`\n- `two`\n"));
}

#[test]
fn report_only_and_baseline() {
    let mut report = run();
    report.gate.verdict = Verdict::Pass;
    report.gate.mode = "report-only".into();
    report.baseline = Some(BaselineSummary {
        path: "main/findings.json".into(),
        sha256: "sha256:00".into(),
        run_id: "ab".into(),
        new: 1,
        existing: 23,
        fixed: 4,
    });
    for (i, f) in report.findings.iter_mut().enumerate() {
        f.baseline = Some(if i == 0 {
            BaselineStatus::New
        } else {
            BaselineStatus::Existing
        });
    }
    let md = render(&report, &meta(), &[]);
    assert!(md.starts_with(
        "## cordon gate: PASS (report-only: 12 blocking findings not enforced)\n\n\
         12 of 24 findings would block the gate; report-only mode does not enforce it.\n"
    ));
    assert!(
        md.contains("- Baseline `main/findings.json` (run `ab`): 1 new, 23 existing, 4 fixed\n")
    );
    assert!(md.contains(
        "| severity | block | ticket | notify | record | suppressed | new | existing | total |\n"
    ));
    assert!(md.contains("| high | 7 | 0 | 0 | 0 | 1 | 1 | 7 | 8 |\n"));
    assert!(md.contains("| **total** | 12 | 6 | 3 | 1 | 2 | 1 | 23 | 24 |\n"));
    assert!(
        md.contains("fingerprint `1c0cda41bfc6609b326029ecd5a3c0b4`, new since the baseline\n")
    );
}

#[test]
fn findings_without_decisions_are_undecided() {
    let mut report = run();
    report.decisions.clear();
    report.gate.verdict = Verdict::Error;
    let md = render(&report, &meta(), &[]);
    assert!(md.contains(
        "| severity | block | ticket | notify | record | suppressed | undecided | total |\n"
    ));
    assert!(md.contains("| **total** | 0 | 0 | 0 | 0 | 0 | 24 | 24 |\n"));
    assert!(md.contains("<details><summary>Other findings (24: 24 undecided)</summary>\n"));
    assert!(!md.contains("### Blocking findings"));
}

/// `report`'s first finding (the hostile one) and its decision `n` times,
/// each with its own fingerprint; every tenth one a ticket.
fn many(report: &RunReport, n: usize) -> RunReport {
    let mut big = report.clone();
    let (f, d) = (report.findings[0].clone(), report.decisions[0].clone());
    big.findings.clear();
    big.decisions.clear();
    for i in 0..n {
        let fp = format!("{i:032x}");
        let mut f = f.clone();
        f.fingerprint = fp.clone();
        let mut d = d.clone();
        d.fingerprint = fp;
        if i % 10 == 0 {
            d.action = Action::Ticket;
        }
        big.findings.push(f);
        big.decisions.push(d);
    }
    big.gate.blocked = n - n.div_ceil(10);
    big.gate.tickets = n.div_ceil(10);
    big
}

/// The number in the "… and N more" line after the list under `heading`.
fn more(md: &str, heading: &str) -> usize {
    md.lines()
        .skip_while(|l| !l.starts_with(heading))
        .find_map(|l| l.strip_prefix("… and "))
        .and_then(|l| l.strip_suffix(" more (see findings.json)"))
        .and_then(|n| n.parse().ok())
        .expect("an \"and N more\" line")
}

#[test]
fn a_huge_run_stays_under_the_cap() {
    let big = many(&run(), 100_000);
    let md = render(&big, &meta(), &[]);
    assert!(md.len() <= MAX_BYTES, "{} bytes", md.len());
    assert_inert(&md);
    assert_details_balanced(&md);
    let listed = entries(&md, "### Blocking findings (90000)").len();
    assert!(listed > 0);
    assert_eq!(listed + more(&md, "### Blocking findings"), 90_000);
    let others = entries(
        &md,
        "<details><summary>Other findings (10000: 10000 ticket)",
    )
    .len();
    assert_eq!(
        others + more(&md, "<details><summary>Other findings"),
        10_000
    );
}

#[test]
fn wide_strings_hit_the_byte_cap_not_just_the_count() {
    let mut big = many(&run(), 2_000);
    // Four bytes a character in every field.
    let wide = "\u{1D54F}".repeat(5_000);
    for f in &mut big.findings {
        f.rule_id = wide.clone();
        f.title = wide.clone();
        f.tool = wide.clone();
        f.locations[0].path = wide.clone();
    }
    for d in &mut big.decisions {
        d.rule_id = wide.clone();
        d.reason = wide.clone();
    }
    let md = render(&big, &meta(), &[]);
    assert!(md.len() <= MAX_BYTES, "{} bytes", md.len());
    let listed = entries(&md, "### Blocking findings (1800)").len();
    assert!(
        listed < 500,
        "the byte budget, not the count, cut it: {listed}"
    );
    assert_eq!(listed + more(&md, "### Blocking findings"), 1_800);
    assert_details_balanced(&md);

    // A pull-request comment's cap, the smallest, and caps in between.
    let caps = [60_000, MIN_BYTES, 1]
        .into_iter()
        .chain((MIN_BYTES..90_000).step_by(4_999));
    for cap in caps {
        let md = render_capped(&big, &meta(), &[], cap);
        assert!(md.len() <= cap.max(MIN_BYTES), "{cap}: {} bytes", md.len());
        assert_details_balanced(&md);
        assert!(md.contains("### Blocking findings (1800)"));
        assert!(md.contains("<details><summary>Stages (23, 8 used)</summary>"));
    }
}

#[test]
fn every_section_is_capped() {
    let mut big = many(&run(), 10);
    let stage = big.stages[0].clone();
    let input = big.inputs[0].clone();
    let error = RunError {
        kind: "limit-exceeded".into(),
        stage: None,
        input: None,
        message: "\u{1D54F}".repeat(1_000),
    };
    let suppression = big.suppressions[2].clone();
    for _ in 0..20_000 {
        big.stages.push(stage.clone());
        big.inputs.push(input.clone());
        big.errors.push(error.clone());
        big.warnings.push(error.clone());
        big.suppressions.push(suppression.clone());
    }
    let notes = vec!["\u{1D54F}".repeat(1_000); 20_000];
    let md = render(&big, &meta(), &notes);
    assert!(md.len() <= MAX_BYTES, "{} bytes", md.len());
    assert_details_balanced(&md);
    for heading in [
        "### Errors (20000)",
        "### Warnings (20000)",
        "### Suppressions",
        "### Inputs (20007)",
        "### Notes",
        "<details><summary>Stages (20023, 8 used)</summary>",
    ] {
        assert!(more(&md, heading) > 0, "{heading}");
    }
    // The blocking findings still get their room.
    assert_eq!(entries(&md, "### Blocking findings (9)").len(), 9);
}

#[test]
fn the_checkers_catch_what_they_look_for() {
    assert_eq!(strip_code_spans("a `x` b ``y`z`` c"), "a CODE b CODE c");
    assert_eq!(strip_code_spans("a ``x` b"), "a ``x` b");
    for bad in [
        "- `ok` <script>",
        "- see [x](http://e)",
        "- hi @octocat",
        "- `open",
        "- a | b",
        "### `code` heading",
        "| `x` |",
        "- \u{1b}[31m",
        "- \u{202e}",
        "<details><summary>`x`</summary>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_inert(bad)).is_err();
        assert!(caught, "{bad:?} passed the checker");
    }
    for bad in [
        "<details><summary>x</summary>\n- a\n\n</details>\n",
        "\n<details><summary>x</summary>\n\n- a\n</details>\n",
        "\n<details><summary>x</summary>\n\n- a\n",
        "\n</details>\n",
    ] {
        let caught = std::panic::catch_unwind(|| assert_details_balanced(bad)).is_err();
        assert!(caught, "{bad:?} passed the checker");
    }
    assert_details_balanced("<details><summary>x</summary>\n\n- a\n\n</details>\n\nafter\n");
}
