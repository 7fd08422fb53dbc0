//! GitHub workflow-command annotations of a real multi-scanner run with
//! hostile strings: at most ten per level, most severe first, one plain
//! line for the rest, and nothing a stage wrote can end a line or a
//! property.

use cordon_model::{Action, RunError, RunReport};
use cordon_report::github::{MAX_PER_LEVEL, annotations};

fn run() -> RunReport {
    serde_json::from_str(include_str!("data/run.json")).expect("run.json is a findings.json")
}

/// A workflow command line as the runner reads it: the command, its
/// properties (decoded) and its message (decoded).
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn decode(s: &str) -> String {
    s.replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

/// Parse `::name k=v,k=v::message` the way the runner does: the command
/// ends at the first space or `::`, the properties at the next `::`.
fn parse(line: &str) -> Option<Command> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let properties = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), decode(v))
        })
        .collect();
    Some(Command {
        name: name.to_string(),
        properties,
        message: decode(message),
    })
}

fn property<'a>(c: &'a Command, key: &str) -> Option<&'a str> {
    c.properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// No raw control character but the line ends, no bidi control, and every
/// line a well-formed command with known properties or the plain line.
fn assert_well_formed(out: &str) {
    assert!(out.is_empty() || out.ends_with('\n'));
    for c in out.chars() {
        assert!(c == '\n' || !c.is_control(), "raw {c:?}");
        assert!(
            !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'),
            "raw {c:?}"
        );
    }
    for line in out.lines() {
        if line.starts_with("cordon: ") {
            continue;
        }
        let c = parse(line).unwrap_or_else(|| panic!("not a command: {line}"));
        assert!(matches!(c.name.as_str(), "error" | "warning"), "{line}");
        for (k, _) in &c.properties {
            assert!(
                matches!(k.as_str(), "file" | "line" | "col" | "title"),
                "{k} in {line}"
            );
        }
    }
}

const MORE_LINE: &str = "cordon: 2 more blocking findings not annotated (GitHub shows 10 error \
     and 10 warning annotations per step); every finding is in findings.json and summary.md, \
     every run error and warning in the log above";

#[test]
fn ten_errors_most_severe_first_then_tickets_then_one_plain_line() {
    let out = annotations(&run());
    assert_well_formed(&out);
    let lines: Vec<&str> = out.lines().collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::error "))
        .collect();
    let warnings: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::warning "))
        .collect();
    assert_eq!(
        (errors.len(), warnings.len(), lines.len()),
        (MAX_PER_LEVEL, 6, 17)
    );
    assert_eq!(lines[..10], errors[..]);
    assert_eq!(lines[10..16], warnings[..]);
    assert_eq!(lines[16], MORE_LINE);
    let severities: Vec<String> = errors
        .iter()
        .filter_map(|l| parse(l))
        .filter_map(|c| {
            property(&c, "title")
                .and_then(|t| t.split(']').next())
                .map(|s| s.trim_start_matches('[').to_string())
        })
        .collect();
    assert_eq!(
        severities,
        [
            "critical", "critical", "critical", "critical", "critical", "high", "high", "high",
            "high", "high"
        ]
    );
    assert_eq!(
        lines[0],
        "::error file=opt/app/lib/log4j-core-2.14.1.jar,title=[critical] GHSA-jfh8-c2jp-5v3q (grype)\
         ::GHSA-jfh8-c2jp-5v3q in log4j-core 2.14.1%0ARemote code injection in Log4j%0A%0A\
         Namespace: github:language:java%0Ablock by policy rule prod/block-at-high: severity critical \
         is at or above the prod block threshold (high)%0Afingerprint 5ef262798e18b12356fa15ee34dda10c, \
         input tests/fixtures/grype/image.json"
    );
    assert_eq!(
        lines[5],
        "::error file=infra/terraform.tfvars,line=4,col=19,title=[high] aws-access-token (gitleaks)\
         ::Hard-coded secret: AWS Access Key%0AGitleaks rule `aws-access-token` matched a secret (`AKIA…`) \
         in `infra/terraform.tfvars` at line 4. Commit 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d \
         (2024-03-05T16:30:00Z).%0Ablock by policy rule prod/block-at-high: severity high is at or above \
         the prod block threshold (high)%0Afingerprint 4037eda34266ed78dd6036fcc35f572d, \
         input tests/fixtures/gitleaks/v8.json"
    );
    assert!(lines[10].starts_with(
        "::warning file=web/package.json,title=[medium] CKV_CVE_2020_28500 (checkov)::"
    ));
}

#[test]
fn the_hostile_finding_is_one_inert_line() {
    let out = annotations(&run());
    let hostile: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("1c0cda41bfc6609b326029ecd5a3c0b4"))
        .collect();
    assert_eq!(hostile.len(), 1);
    let line = hostile[0];
    assert!(line.starts_with(
        "::error file=src/a%2Cb%3Ac%250A</details>\\u{1b}[K.py,line=3,col=2,\
         title=[high] rule]]>\\u{0}%3A%3Aerror%3A%3A%250A (inject\\u{1b}]8;;http%3A//attacker.invalid\\u{7}scan…)\
         ::\\u{1b}[31mRED\\u{1b}[0m </details><script>alert(1)</script> ]]> nul\\u{0} ::error::pwned %250A line1%0A"
    ), "{line}");
    assert!(
        line.contains("line1%0Aline2%0D%0A::add-mask::x @octocat #1"),
        "{line}"
    );
    assert!(
        line.contains("pipe \\u{202e}gnp.exe%0Ablock by policy rule"),
        "{line}"
    );
    assert!(!line.contains('\u{1b}') && !line.contains('\r'));
    // What the runner makes of it: four properties, the path and title as
    // the stage wrote them (escapes visible), the whole message.
    let c = parse(line).expect("a command");
    assert_eq!(c.name, "error");
    assert_eq!(
        c.properties,
        [
            ("file".into(), "src/a,b:c%0A</details>\\u{1b}[K.py".into()),
            ("line".into(), "3".into()),
            ("col".into(), "2".into()),
            (
                "title".into(),
                "[high] rule]]>\\u{0}::error::%0A (inject\\u{1b}]8;;http://attacker.invalid\\u{7}scan…)".into()
            ),
        ]
    );
    assert!(c.message.ends_with(
        "\nfingerprint 1c0cda41bfc6609b326029ecd5a3c0b4, input tests/outputs/injection.sarif"
    ));
}

#[test]
fn run_errors_come_first_and_share_the_budget() {
    let mut report = run();
    for i in 0..12 {
        report.errors.push(RunError {
            kind: "malformed-input".into(),
            stage: None,
            input: None,
            message: format!("in{i}.sarif: bad\n::add-mask::x, 100%"),
        });
    }
    for _ in 0..5 {
        report.warnings.push(RunError {
            kind: "unrecognised-format".into(),
            stage: None,
            input: None,
            message: "b.json: no parser".into(),
        });
    }
    let out = annotations(&report);
    assert_well_formed(&out);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "::error title=cordon::error[malformed-input]: in0.sarif: bad%0A::add-mask::x, 100%25"
    );
    assert!(
        lines[..10]
            .iter()
            .all(|l| l.starts_with("::error title=cordon::"))
    );
    assert_eq!(
        lines[10],
        "::warning title=cordon::warning[unrecognised-format]: b.json: no parser"
    );
    assert!(
        lines[10..15]
            .iter()
            .all(|l| l.starts_with("::warning title=cordon::"))
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    assert_eq!(lines.len(), 21);
    assert_eq!(
        *lines.last().expect("a last line"),
        "cordon: 2 more run errors, 12 more blocking findings and 1 more ticket finding not annotated \
         (GitHub shows 10 error and 10 warning annotations per step); every finding is in findings.json \
         and summary.md, every run error and warning in the log above"
    );
}

#[test]
fn line_and_column_only_when_known() {
    let mut report = run();
    // Keep the semgrep open redirect blocking, alone.
    let keep = "fe12eebbf6231bdcefb107a0c27a323e";
    for d in &mut report.decisions {
        if d.fingerprint != keep {
            d.action = Action::Record;
        }
    }
    let at = |report: &RunReport| {
        let out = annotations(report);
        assert_well_formed(&out);
        assert_eq!(out.lines().count(), 1, "{out}");
        out.split("title=").next().unwrap_or("").to_string()
    };
    let f = report
        .findings
        .iter()
        .position(|f| f.fingerprint == keep)
        .expect("the finding");
    assert_eq!(at(&report), "::error file=app/views.py,line=42,col=12,");
    report.findings[f].locations[0].start_column = None;
    assert_eq!(at(&report), "::error file=app/views.py,line=42,");
    report.findings[f].locations[0].start_column = Some(3);
    report.findings[f].locations[0].start_line = None;
    assert_eq!(at(&report), "::error file=app/views.py,");
    report.findings[f].locations.clear();
    assert_eq!(at(&report), "::error ");
}

#[test]
fn nothing_to_annotate_writes_nothing() {
    let mut report = run();
    for d in &mut report.decisions {
        d.action = Action::Notify;
    }
    assert_eq!(annotations(&report), "");
}
