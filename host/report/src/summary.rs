//! The human summary of a run, written to stderr: plain text, every stage
//! string sanitised ([`terminal`]).
//!
//! With [`SummaryOptions::color`] the severity labels of the blocking
//! findings and the verdict of the `gate:` line are coloured with ANSI
//! SGR codes; nothing else is, so colour always marks host-made text and a
//! stage string (whose escapes are shown as visible `\u{1b}` text) can
//! never pass for it. The caller decides: off for `NO_COLOR`, a
//! non-terminal stderr or `--color never`.

use cordon_model::{InputStatus, RunReport, Severity, Verdict};
use std::borrow::Cow;
use std::fmt::Write as _;

use crate::sanitize::{terminal, terminal_short};
use crate::view;

/// Most blocking findings listed by name.
pub const MAX_LISTED: usize = 10;

/// Characters of a fingerprint shown in a blocking line (`cordon explain`
/// takes any unique prefix).
pub const FINGERPRINT_CHARS: usize = 12;

/// How to render the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryOptions {
    /// Colour severity labels and the verdict with ANSI escape codes.
    pub color: bool,
    /// Add how long each stage call took (`report.timings`), slowest first.
    pub verbose: bool,
    /// Sentences from the output writers about what they left out; each is
    /// printed as a `note:` line before the gate line.
    pub notes: Vec<String>,
}

/// ANSI SGR reset.
const RESET: &str = "\x1b[0m";

/// `text` in the SGR colour `sgr` when `color`, else as it is.
fn paint(text: &str, sgr: &str, color: bool) -> String {
    if color {
        format!("\x1b[{sgr}m{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// The SGR colour of a severity label.
fn severity_sgr(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

/// Render the summary, every line ending in a newline, the last one the
/// [`gate_line`]. `exit_code` is what the process will exit with.
pub fn render(report: &RunReport, exit_code: i32, opts: &SummaryOptions) -> String {
    let mut s = String::new();
    let failed = report
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Error)
        .count();
    let _ = writeln!(
        s,
        "cordon {}: pipeline {}, {} input{} ({} failed)",
        report.cordon_version,
        terminal(&report.pipeline),
        report.inputs.len(),
        if report.inputs.len() == 1 { "" } else { "s" },
        failed
    );
    for input in &report.inputs {
        match input.status {
            InputStatus::Ok => {
                let _ = writeln!(
                    s,
                    "  ok     {}  [{} via {}]  {} finding{}",
                    terminal(&input.path),
                    terminal(input.format.as_deref().unwrap_or("?")),
                    terminal(input.parser.as_deref().unwrap_or("?")),
                    input.findings_parsed,
                    if input.findings_parsed == 1 { "" } else { "s" }
                );
            }
            InputStatus::Error => {
                let _ = writeln!(s, "  error  {}", terminal(&input.path));
            }
            InputStatus::Skipped => {
                let _ = writeln!(s, "  skip   {}", terminal(&input.path));
            }
        }
    }

    // By judged severity (a policy override applied), as everywhere else.
    let counts = view::severity_counts(&view::rows(report));
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .map(|(sev, n)| format!("{} {n}", sev.as_str()))
        .collect();
    let _ = writeln!(
        s,
        "findings: {} after dedup ({})",
        report.findings.len(),
        by_sev.join(", ")
    );

    if let Some(b) = &report.baseline {
        let _ = writeln!(
            s,
            "baseline: {} new, {} existing, {} fixed (against {})",
            b.new,
            b.existing,
            b.fixed,
            terminal(&b.path)
        );
    }

    let g = &report.gate;
    if !report.decisions.is_empty() || report.findings.is_empty() {
        // The policy stage's own decisions, not the host's suppressions
        // (ignore files, VEX), name the policy.
        let policy = report
            .decisions
            .iter()
            .find(|d| !cordon_model::suppress::by_host(d))
            .map(|d| {
                format!(
                    "{} {}",
                    terminal(&d.policy_name),
                    terminal(&d.policy_version)
                )
            })
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "decisions: {} block, {} ticket, {} notify, {} record, {} suppressed (policy {policy}, environment {})",
            g.blocked,
            g.tickets,
            g.notified,
            g.recorded,
            g.suppressed,
            if g.environment.is_empty() {
                Cow::Borrowed("default")
            } else {
                terminal(&g.environment)
            }
        );
    }

    if !report.suppressions.is_empty() {
        use cordon_model::suppress::State;
        let n = |st: State| {
            report
                .suppressions
                .iter()
                .filter(|x| x.status == st)
                .count()
        };
        let _ = writeln!(
            s,
            "suppressions: {} applied, {} expired, {} unused",
            n(State::Applied),
            n(State::Expired),
            n(State::Unused)
        );
        for x in report
            .suppressions
            .iter()
            .filter(|x| x.status != State::Applied)
        {
            let what = match x.status {
                State::Expired => format!(
                    "expired {}, would cover {} finding{}",
                    terminal(x.expires.as_deref().unwrap_or("?")),
                    x.findings,
                    if x.findings == 1 { "" } else { "s" }
                ),
                _ => "matched nothing".to_string(),
            };
            let _ = writeln!(
                s,
                "  {:<7} {} ({}, {}): {what}",
                if x.status == State::Expired {
                    "expired"
                } else {
                    "unused"
                },
                terminal_short(&x.id, 60),
                x.origin.as_str(),
                terminal_short(&x.file, 80)
            );
        }
    }

    if let Some(c) = &report.policy_comparison {
        match &c.error {
            Some(e) => {
                let _ = writeln!(
                    s,
                    "compare-policy: {} could not be evaluated: {}",
                    terminal(&c.path),
                    terminal(e)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "compare-policy: {} decision{} would change under {} (gate unaffected)",
                    c.changed.len(),
                    if c.changed.len() == 1 { "" } else { "s" },
                    terminal(&c.path)
                );
                for ch in c.changed.iter().take(MAX_LISTED) {
                    let _ = writeln!(
                        s,
                        "  {} -> {}  {}  {}  ({} -> {})",
                        ch.from.as_str(),
                        ch.to.as_str(),
                        terminal_short(&ch.rule_id, 60),
                        terminal_short(ch.path.as_deref().unwrap_or("-"), 80),
                        terminal_short(&ch.from_rule, 60),
                        terminal_short(&ch.to_rule, 60)
                    );
                }
                if c.changed.len() > MAX_LISTED {
                    let _ = writeln!(s, "  ... and {} more", c.changed.len() - MAX_LISTED);
                }
            }
        }
    }

    let blocking = view::blocking(report);
    if !blocking.is_empty() {
        let _ = writeln!(s, "blocking:");
        for r in blocking.iter().take(MAX_LISTED) {
            let f = r.finding;
            let loc = r.location().map_or_else(
                || "-".into(),
                |l| terminal_short(&view::location_text(l), 100),
            );
            let input = match r.input_path() {
                "" => "-".to_string(),
                p => terminal_short(p, 80),
            };
            let label = format!("[{}]", r.severity().as_str());
            let _ = writeln!(
                s,
                "  {} {}  {}  {}  ({}, {}, {})",
                paint(&label, severity_sgr(r.severity()), opts.color),
                terminal_short(&f.rule_id, 60),
                loc,
                terminal_short(&f.title, 100),
                terminal_short(&f.tool, 40),
                input,
                terminal(&f.fingerprint)
                    .chars()
                    .take(FINGERPRINT_CHARS)
                    .collect::<String>()
            );
        }
        if blocking.len() > MAX_LISTED {
            let _ = writeln!(s, "  ... and {} more", blocking.len() - MAX_LISTED);
        }
    }

    for e in &report.errors {
        let _ = writeln!(s, "error[{}]: {}", e.kind, terminal(&e.message));
    }
    for w in &report.warnings {
        let _ = writeln!(s, "warning[{}]: {}", w.kind, terminal(&w.message));
    }

    if opts.verbose && !report.timings.is_empty() {
        let mut timings: Vec<_> = report.timings.iter().collect();
        timings.sort_by(|a, b| {
            b.elapsed
                .cmp(&a.elapsed)
                .then_with(|| a.stage.cmp(&b.stage))
                .then_with(|| a.input.cmp(&b.input))
        });
        let _ = writeln!(s, "timings:");
        for t in timings {
            let _ = write!(
                s,
                "  {:>9.1} ms  {}",
                t.elapsed.as_secs_f64() * 1000.0,
                terminal_short(&t.stage, 60)
            );
            if let Some(input) = &t.input {
                let _ = write!(s, "  {}", terminal_short(input, 100));
            }
            s.push('\n');
        }
    }

    for note in &opts.notes {
        let _ = writeln!(s, "note: {}", terminal(note));
    }

    s.push_str(&gate_line(report, exit_code, opts.color));
    s.push('\n');
    s
}

/// The summary's last line alone, without a newline (for `--quiet`):
/// `gate: BLOCK [enforce] -> exit 1`, `gate: PASS (report-only: blocking
/// findings were not enforced) [report-only] -> exit 0`, or `gate: ERROR
/// (the run had errors; see above) [enforce] -> exit 2`. With `color` the
/// verdict is green (pass), yellow (pass in report-only mode with blocking
/// findings) or red (block, error).
pub fn gate_line(report: &RunReport, exit_code: i32, color: bool) -> String {
    let g = &report.gate;
    let (verdict, sgr) = match g.verdict {
        Verdict::Pass if g.blocked > 0 => (
            "PASS (report-only: blocking findings were not enforced)",
            "1;33",
        ),
        Verdict::Pass => ("PASS", "1;32"),
        Verdict::Block => ("BLOCK", "1;31"),
        Verdict::Error => ("ERROR (the run had errors; see above)", "1;31"),
    };
    format!(
        "gate: {} [{}] -> exit {exit_code}",
        paint(verdict, sgr, color),
        terminal(&g.mode)
    )
}
