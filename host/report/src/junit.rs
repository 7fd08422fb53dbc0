//! `junit.xml`: the gate and every finding as JUnit test results, for
//! Jenkins' JUnit plugin and GitLab's unit test reports (a pipeline's test
//! view then shows what blocks the gate and why).
//!
//! # Layout
//!
//! * One `<testsuites name="cordon">` root, with the run's `timestamp`
//!   (from [`Meta::started`], UTC, `YYYY-MM-DDTHH:MM:SSZ`) and `time`
//!   (finished − started, whole seconds).
//! * A first `<testsuite name="cordon">` with cordon's own results, so a
//!   run with no findings still reports one:
//!   * testcase `gate` (class `cordon`): a `<failure type="block">` when the
//!     verdict is block, an `<error type="error">` when it is error (the
//!     run had errors), passing otherwise; its `<system-out>` gives the
//!     verdict, mode, environment, decision counts, policy, run and
//!     warnings. It carries the run's `time`.
//!   * one testcase `error N: <kind>` (class `cordon`) per run error, with
//!     an `<error>` naming its kind, stage, input and message. One per
//!     error, not several `<error>` elements in `gate`: Jenkins and GitLab
//!     read one result element per testcase and would drop the rest.
//! * Then one `<testsuite>` per scanner (the finding's `tool`), in name
//!   order, with one testcase per finding in the shared priority order
//!   ([`view::prioritised`]):
//!   * `classname` is `<tool>.<rule id>` (GitLab shows it as the suite
//!     name), `name` is `<rule id> at <path:line:column>` (the rule id
//!     alone without a location); when two findings of a suite would share
//!     a name (GitLab keeps only the first), the later one gets its
//!     fingerprint's first 12 characters appended, and a counter if even
//!     that repeats. `file` and `line` come from the first location, when
//!     known; `time` is 0.
//!   * `block`: a `<failure message="<title>" type="<judged severity>">`
//!     whose text gives the title, then one `key: value` line each for
//!     severity (and where it came from), decision (action, rule, policy),
//!     reason, suppression, fingerprint, input, every location and the help
//!     URI, then the full message: last, so that nothing it says can pass
//!     for one of those lines.
//!   * `suppressed`: `<skipped message="suppressed by <id> (owner …,
//!     expires …)"/>`, with the same details in `<system-out>`.
//!   * `ticket`, `notify`, `record`: passes, with the details in
//!     `<system-out>`.
//!   * no decision (the run failed before the policy decided): an
//!     `<error type="undecided">`, so an unjudged finding never shows as a
//!     pass.
//!
//! `tests`, `failures`, `errors` and `skipped` are counted from the
//! testcases written, on every `<testsuite>` and on `<testsuites>`.
//!
//! # Escaping
//!
//! Every string goes through [`xml_text`] (attributes with `one_line`), so
//! stage-provided text can neither end an element nor carry a character XML
//! 1.0 forbids, a terminal escape or a bidi override. No CDATA sections are
//! written. Within element text, every line but a finding's message (and a
//! run error's) is one line of its own: newlines in the strings it holds
//! are shown as escapes too. `message` attributes are cut to
//! [`MAX_MESSAGE_CHARS`]; the element text holds the whole string.

use cordon_model::{Action, Decision, RunError, RunReport, Verdict};
use cordon_signing::time::format_time;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::Meta;
use crate::sanitize::{terminal, terminal_short, xml_text};
use crate::summary::MAX_LISTED;
use crate::view::{self, Row, location_text};

/// Name of the first testsuite and class name of its testcases: cordon's
/// own results (the gate, run errors).
pub const CORDON_SUITE: &str = "cordon";

/// Name of the testcase that carries the gate's verdict.
pub const GATE_CASE: &str = "gate";

/// Most characters of a `message` attribute (the summary a CI shows
/// first); the element's text has the whole string.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Characters of the fingerprint appended to tell apart testcases that
/// would share a name.
const FINGERPRINT_CHARS: usize = 12;

/// Render `junit.xml`.
pub fn render(report: &RunReport, meta: &Meta) -> Vec<u8> {
    let duration = meta.finished.saturating_sub(meta.started).max(0);
    let mut suites = vec![cordon_suite(report, meta, duration)];
    let mut by_tool: BTreeMap<&str, Vec<Row<'_>>> = BTreeMap::new();
    for row in view::prioritised(report) {
        by_tool
            .entry(row.finding.tool.as_str())
            .or_default()
            .push(row);
    }
    suites.extend(
        by_tool
            .into_iter()
            .map(|(tool, rows)| tool_suite(tool, &rows)),
    );
    write_document(&suites, &format_time(meta.started), duration)
}

/// A testsuite before it is written.
struct Suite {
    name: String,
    time: i64,
    cases: Vec<Case>,
}

/// A testcase before it is written. Strings are raw (unescaped).
struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
    time: i64,
    outcome: Outcome,
    system_out: Option<String>,
}

/// A testcase's result.
enum Outcome {
    /// No result element.
    Pass,
    /// `<failure>`.
    Failure(Problem),
    /// `<error>`.
    Error(Problem),
    /// `<skipped message=…/>`.
    Skipped(String),
}

/// What a `<failure>` or `<error>` says: its `message` and `type`
/// attributes and its text.
struct Problem {
    message: String,
    kind: String,
    text: String,
}

/// `tests`, `failures`, `errors`, `skipped` of a set of testcases.
#[derive(Clone, Copy, Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(cases: &[Case]) -> Counts {
        let mut c = Counts {
            tests: cases.len(),
            ..Counts::default()
        };
        for case in cases {
            match case.outcome {
                Outcome::Pass => {}
                Outcome::Failure(_) => c.failures += 1,
                Outcome::Error(_) => c.errors += 1,
                Outcome::Skipped(_) => c.skipped += 1,
            }
        }
        c
    }

    fn add(self, o: Counts) -> Counts {
        Counts {
            tests: self.tests + o.tests,
            failures: self.failures + o.failures,
            errors: self.errors + o.errors,
            skipped: self.skipped + o.skipped,
        }
    }

    fn attributes(self) -> String {
        format!(
            r#"tests="{}" failures="{}" errors="{}" skipped="{}""#,
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// `n thing` or `n things`.
fn plural(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

/// The `cordon` suite: the gate, then one testcase per run error.
fn cordon_suite(report: &RunReport, meta: &Meta, duration: i64) -> Suite {
    let g = &report.gate;
    let outcome = match g.verdict {
        Verdict::Pass => Outcome::Pass,
        Verdict::Block => {
            let mut text = String::new();
            let blocking = view::blocking(report);
            for row in blocking.iter().take(MAX_LISTED) {
                push_line(&mut text, &one_line_summary(row));
            }
            if blocking.len() > MAX_LISTED {
                push_line(
                    &mut text,
                    &format!("... and {} more", blocking.len() - MAX_LISTED),
                );
            }
            Outcome::Failure(Problem {
                message: format!(
                    "gate: block ({} in {} mode)",
                    plural(blocking.len(), "blocking finding"),
                    g.mode
                ),
                kind: Action::Block.as_str().to_string(),
                text,
            })
        }
        Verdict::Error => {
            let mut text = String::new();
            for e in &report.errors {
                push_line(&mut text, &format!("error[{}]: {}", e.kind, e.message));
            }
            Outcome::Error(Problem {
                message: format!(
                    "gate: error (the run had {}; the gate could not decide on complete data)",
                    plural(report.errors.len(), "error")
                ),
                kind: "error".to_string(),
                text,
            })
        }
    };
    let gate = Case {
        classname: CORDON_SUITE.to_string(),
        name: GATE_CASE.to_string(),
        file: None,
        line: None,
        time: duration,
        outcome,
        system_out: Some(gate_summary(report, meta)),
    };
    let mut cases = vec![gate];
    cases.extend(
        report
            .errors
            .iter()
            .enumerate()
            .map(|(i, e)| run_error_case(i, e)),
    );
    Suite {
        name: CORDON_SUITE.to_string(),
        time: duration,
        cases,
    }
}

/// The gate's `<system-out>`: what the gate decided and on what.
fn gate_summary(report: &RunReport, meta: &Meta) -> String {
    let g = &report.gate;
    let verdict = match g.verdict {
        Verdict::Pass if g.blocked > 0 => "pass (report-only: blocking findings were not enforced)",
        Verdict::Pass => "pass",
        Verdict::Block => "block",
        Verdict::Error => "error",
    };
    let environment = if g.environment.is_empty() {
        "default"
    } else {
        &g.environment
    };
    let mut s = String::new();
    push_line(
        &mut s,
        &format!(
            "verdict: {verdict} (mode {}, environment {environment})",
            g.mode
        ),
    );
    push_line(
        &mut s,
        &format!(
            "decisions: {} block, {} ticket, {} notify, {} record, {} suppressed",
            g.blocked, g.tickets, g.notified, g.recorded, g.suppressed
        ),
    );
    if let Some(sev) = g.block_at {
        push_line(&mut s, &format!("block-at: {}", sev.as_str()));
    }
    push_line(
        &mut s,
        &format!("policy: {} ({})", meta.policy_uri, meta.policy_digest),
    );
    push_line(
        &mut s,
        &format!(
            "run: {} (pipeline {}, cordon {}, {})",
            report.run_id,
            report.pipeline,
            report.cordon_version,
            plural(report.inputs.len(), "input")
        ),
    );
    for w in &report.warnings {
        push_line(&mut s, &format!("warning[{}]: {}", w.kind, w.message));
    }
    s
}

/// The testcase of the `i`th run error.
fn run_error_case(i: usize, e: &RunError) -> Case {
    let mut text = String::new();
    push_line(&mut text, &format!("kind: {}", e.kind));
    if let Some(stage) = &e.stage {
        push_line(&mut text, &format!("stage: {stage}"));
    }
    if let Some(input) = &e.input {
        push_line(&mut text, &format!("input: {input}"));
    }
    text.push('\n');
    text.push_str(e.message.trim_end());
    text.push('\n');
    Case {
        classname: CORDON_SUITE.to_string(),
        name: format!("error {}: {}", i + 1, e.kind),
        file: None,
        line: None,
        time: 0,
        outcome: Outcome::Error(Problem {
            message: e.message.clone(),
            kind: e.kind.clone(),
            text,
        }),
        system_out: None,
    }
}

/// One scanner's suite; `rows` are its findings in priority order.
fn tool_suite(tool: &str, rows: &[Row<'_>]) -> Suite {
    let mut names = HashSet::new();
    let cases = rows
        .iter()
        .map(|row| finding_case(row, &mut names))
        .collect();
    Suite {
        name: tool.to_string(),
        time: 0,
        cases,
    }
}

/// A finding's testcase; `names` holds the names taken in its suite.
fn finding_case(row: &Row<'_>, names: &mut HashSet<String>) -> Case {
    let f = row.finding;
    let location = row.location();
    let base = match location {
        Some(l) => format!("{} at {}", f.rule_id, location_text(l)),
        None => f.rule_id.clone(),
    };
    let details = details(row);
    let (outcome, system_out) = match row.decision.map(|d| (d.action, d)) {
        Some((Action::Block, _)) => (
            Outcome::Failure(Problem {
                message: f.title.clone(),
                kind: row.severity().as_str().to_string(),
                text: details,
            }),
            None,
        ),
        Some((Action::Suppressed, d)) => (Outcome::Skipped(suppressed_by(d)), Some(details)),
        Some((Action::Ticket | Action::Notify | Action::Record, _)) => {
            (Outcome::Pass, Some(details))
        }
        None => (
            Outcome::Error(Problem {
                message: "no decision: the run failed before the policy decided".to_string(),
                kind: "undecided".to_string(),
                text: details,
            }),
            None,
        ),
    };
    Case {
        classname: format!("{}.{}", f.tool, f.rule_id),
        name: unique_name(base, &f.fingerprint, names),
        file: location.map(|l| l.path.clone()),
        line: location.and_then(|l| l.start_line),
        time: 0,
        outcome,
        system_out,
    }
}

/// `base`, or when it is taken, `base (<fingerprint prefix>)`, or that
/// with ` #2`, ` #3`, …: the first of these not in `taken`, which then
/// holds it.
fn unique_name(base: String, fingerprint: &str, taken: &mut HashSet<String>) -> String {
    if taken.insert(base.clone()) {
        return base;
    }
    let prefix: String = fingerprint.chars().take(FINGERPRINT_CHARS).collect();
    let with_fingerprint = format!("{base} ({prefix})");
    if taken.insert(with_fingerprint.clone()) {
        return with_fingerprint;
    }
    let mut n = 2usize;
    loop {
        let candidate = format!("{with_fingerprint} #{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// The `<skipped>` message of a suppressed finding: the suppression, or
/// the policy rule that suppressed it.
fn suppressed_by(d: &Decision) -> String {
    match &d.suppression {
        Some(s) => match &s.expires {
            Some(expires) => format!(
                "suppressed by {} (owner {}, expires {expires})",
                s.id, s.owner
            ),
            None => format!("suppressed by {} (owner {})", s.id, s.owner),
        },
        None => format!("suppressed by policy rule {}", d.rule_id),
    }
}

/// `[severity] rule at location: title`, for the gate's list of blocking
/// findings.
fn one_line_summary(row: &Row<'_>) -> String {
    let f = row.finding;
    let place = row
        .location()
        .map(|l| format!(" at {}", location_text(l)))
        .unwrap_or_default();
    format!(
        "[{}] {}.{}{place}: {}",
        row.severity().as_str(),
        f.tool,
        f.rule_id,
        f.title
    )
}

/// Push `line` onto `s` on one line of its own: newlines and other
/// controls in it shown as visible escapes ([`terminal`]), so no stage
/// string can forge the lines that follow.
fn push_line(s: &mut String, line: &str) {
    s.push_str(&terminal(line));
    s.push('\n');
}

/// Everything a reader of a finding's testcase needs to act on it (see
/// the module documentation).
fn details(row: &Row<'_>) -> String {
    let f = row.finding;
    let mut s = String::new();
    push_line(&mut s, &f.title);
    let mut about = vec![format!("from {}", f.severity_source.as_str())];
    if let Some(tool) = &f.tool_severity {
        about.push(format!("tool severity {tool}"));
    }
    if row.severity() != f.severity {
        about.push(format!("policy override of {}", f.severity.as_str()));
    }
    push_line(
        &mut s,
        &format!(
            "severity: {} ({})",
            row.severity().as_str(),
            about.join(", ")
        ),
    );
    match row.decision {
        Some(d) => {
            push_line(
                &mut s,
                &format!(
                    "decision: {} by rule {} of policy {} {}",
                    d.action.as_str(),
                    d.rule_id,
                    d.policy_name,
                    d.policy_version
                ),
            );
            push_line(&mut s, &format!("reason: {}", d.reason));
            if let Some(x) = &d.suppression {
                push_line(
                    &mut s,
                    &format!(
                        "suppression: {} (owner {}, expires {})",
                        x.id,
                        x.owner,
                        x.expires.as_deref().unwrap_or("never")
                    ),
                );
            }
            if let Some(x) = &d.expired_suppression {
                push_line(
                    &mut s,
                    &format!(
                        "expired suppression: {} (owner {}, expired {})",
                        x.id,
                        x.owner,
                        x.expires.as_deref().unwrap_or("?")
                    ),
                );
            }
        }
        None => push_line(
            &mut s,
            "decision: none (the run failed before the policy decided)",
        ),
    }
    push_line(&mut s, &format!("fingerprint: {}", f.fingerprint));
    push_line(&mut s, &format!("input: {}", row.input_path()));
    if f.locations.is_empty() {
        push_line(&mut s, "location: none");
    }
    for l in &f.locations {
        push_line(&mut s, &format!("location: {}", location_text(l)));
    }
    if let Some(uri) = &f.help_uri {
        push_line(&mut s, &format!("help: {uri}"));
    }
    let message = f.message.trim();
    if !message.is_empty() && message != f.title.trim() {
        s.push('\n');
        s.push_str(message);
        s.push('\n');
    }
    s
}

/// An attribute value: escaped, on one line.
fn attr(s: &str) -> String {
    xml_text(s, true)
}

/// A `message` attribute: escaped, on one line, cut to
/// [`MAX_MESSAGE_CHARS`]. [`terminal_short`] shows controls, newlines and
/// bidi overrides as the same `\u{..}` escapes [`xml_text`] would, and cuts
/// before the markup characters become entities, so no entity is split.
fn message_attr(s: &str) -> String {
    xml_text(&terminal_short(s, MAX_MESSAGE_CHARS), true)
}

/// Element text: escaped, newlines kept (CRLF as LF, as an XML parser
/// would read it).
fn text(s: &str) -> String {
    xml_text(&s.replace("\r\n", "\n"), false)
}

/// The document: declaration, `<testsuites>` with the totals, the suites.
fn write_document(suites: &[Suite], timestamp: &str, duration: i64) -> Vec<u8> {
    let total = suites
        .iter()
        .fold(Counts::default(), |acc, s| acc.add(Counts::of(&s.cases)));
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="{CORDON_SUITE}" {} time="{duration}" timestamp="{}">"#,
        total.attributes(),
        attr(timestamp)
    );
    for suite in suites {
        write_suite(&mut out, suite, timestamp);
    }
    out.push_str("</testsuites>\n");
    out.into_bytes()
}

/// One `<testsuite>` with its counts and testcases.
fn write_suite(out: &mut String, suite: &Suite, timestamp: &str) {
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" {} time="{}" timestamp="{}">"#,
        attr(&suite.name),
        Counts::of(&suite.cases).attributes(),
        suite.time,
        attr(timestamp)
    );
    for case in &suite.cases {
        write_case(out, case);
    }
    out.push_str("  </testsuite>\n");
}

/// One `<testcase>`: self-closing when it passes with nothing to say.
fn write_case(out: &mut String, case: &Case) {
    let _ = write!(
        out,
        r#"    <testcase classname="{}" name="{}""#,
        attr(&case.classname),
        attr(&case.name)
    );
    if let Some(file) = &case.file {
        let _ = write!(out, r#" file="{}""#, attr(file));
    }
    if let Some(line) = case.line {
        let _ = write!(out, r#" line="{line}""#);
    }
    let _ = write!(out, r#" time="{}""#, case.time);
    if matches!(case.outcome, Outcome::Pass) && case.system_out.is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    match &case.outcome {
        Outcome::Pass => {}
        Outcome::Failure(problem) => write_problem(out, "failure", problem),
        Outcome::Error(problem) => write_problem(out, "error", problem),
        Outcome::Skipped(message) => {
            let _ = writeln!(
                out,
                r#"      <skipped message="{}"/>"#,
                message_attr(message)
            );
        }
    }
    if let Some(system_out) = &case.system_out {
        let _ = writeln!(out, "      <system-out>{}</system-out>", text(system_out));
    }
    out.push_str("    </testcase>\n");
}

/// A `<failure>` or `<error>` (`element`).
fn write_problem(out: &mut String, element: &str, problem: &Problem) {
    let _ = writeln!(
        out,
        r#"      <{element} message="{}" type="{}">{}</{element}>"#,
        message_attr(&problem.message),
        attr(&problem.kind),
        text(&problem.text)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_unique_names_tell_duplicates_apart() {
        let mut taken = HashSet::new();
        assert_eq!(
            unique_name("r at a:1".into(), "0123456789abcdef", &mut taken),
            "r at a:1"
        );
        assert_eq!(
            unique_name("r at a:1".into(), "0123456789abcdef", &mut taken),
            "r at a:1 (0123456789ab)"
        );
        assert_eq!(
            unique_name("r at a:1".into(), "0123456789abcdef", &mut taken),
            "r at a:1 (0123456789ab) #2"
        );
        assert_eq!(
            unique_name("r at a:1".into(), "0123456789abcdef", &mut taken),
            "r at a:1 (0123456789ab) #3"
        );
        assert_eq!(
            unique_name("r at a:1".into(), "é", &mut taken),
            "r at a:1 (é)"
        );
    }

    #[test]
    fn junit_message_attributes_are_cut_on_one_line() {
        let long = "x".repeat(MAX_MESSAGE_CHARS + 10);
        assert_eq!(message_attr(&long).chars().count(), MAX_MESSAGE_CHARS);
        assert_eq!(message_attr("a\nb<\u{fffe}"), "a\\u{a}b&lt;\\u{fffe}");
        assert_eq!(text("a\r\nb\rc"), "a\nb\\u{d}c");
    }
}
