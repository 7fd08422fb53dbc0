//! `summary.md`: the run as Markdown, readable as a pull-request comment and
//! as a GitHub job summary (`$GITHUB_STEP_SUMMARY`).
//!
//! **Safety.** Headings, tables, `<details>` summaries and every other bit
//! of Markdown or HTML syntax are made here from host-made text and numbers
//! only. Every string that came from elsewhere (a stage's finding or
//! decision fields, paths, suppression entries, stage records, error
//! messages, even the pipeline name and the notes of other writers) is
//! written as an inline code span by [`markdown_code`], and only inside
//! list items (a `|` in a string would split a table cell): inside a code
//! span no HTML, link, image, mention or reference is active, and the span
//! cannot end early nor leave its line. Every `<details>` line is followed
//! by a blank line and every `</details>` is preceded and followed by one,
//! so the Markdown between them is parsed as Markdown and an HTML block
//! cannot swallow the rest of the document.
//!
//! **Size.** GitHub accepts at most 1 MiB of step summary per step, so the
//! document is at most [`MAX_BYTES`] ([`render_capped`] takes another cap,
//! e.g. below the 65,536 characters of a pull-request comment). Every list
//! is cut to what fits in its share of the cap, and says how many entries
//! it left out; the findings lists get what the other sections leave.

use cordon_model::suppress::State;
use cordon_model::{Action, InputStatus, RunError, RunReport, Severity, StageRecord, Verdict};
use std::fmt::Write as _;

use crate::Meta;
use crate::sanitize::markdown_code;
use crate::view::{self, Row};

/// The most bytes [`render`] writes: GitHub's 1 MiB step-summary limit with
/// 64 KiB to spare for whatever else the step writes to its summary.
pub const MAX_BYTES: usize = 1024 * 1024 - 64 * 1024;

/// The smallest cap [`render_capped`] honours (a smaller one is raised to
/// it): room for the heading, the counts table and a share of every section.
pub const MIN_BYTES: usize = 32 * 1024;

/// Most entries of one findings list (the blocking ones; the others), even
/// when more would fit: past this a list is for `findings.json` or SARIF,
/// not for a person.
const MAX_LISTED: usize = 500;

/// Bytes kept free at the end of a list for its "… and N more" line.
const MORE_RESERVE: usize = 80;

/// Bytes the blocking findings leave for the other findings' section even
/// when they could fill them: its `<details>` lines (four counts of at most
/// 20 digits) and its "… and N more" line.
const OTHERS_FLOOR: usize = 320;

/// Render `summary.md` for `report`, at most [`MAX_BYTES`] long. `notes`
/// are sentences from other writers about what they had to leave out
/// (e.g. results beyond a SARIF cap); each is listed under "Notes".
pub fn render(report: &RunReport, meta: &Meta, notes: &[String]) -> String {
    render_capped(report, meta, notes, MAX_BYTES)
}

/// [`render`], at most `max_bytes` long (at least [`MIN_BYTES`]): e.g.
/// 60,000 for the body of a pull-request comment, which GitHub limits to
/// 65,536 characters.
pub fn render_capped(
    report: &RunReport,
    meta: &Meta,
    notes: &[String],
    max_bytes: usize,
) -> String {
    let max = max_bytes.max(MIN_BYTES);
    let rows = view::prioritised(report);
    let (blocking, others): (Vec<Row<'_>>, Vec<Row<'_>>) = rows
        .iter()
        .copied()
        .filter(|r| r.action() != Some(Action::Suppressed))
        .partition(|r| r.is_blocking());

    // Everything but the findings lists, each section within its share.
    let head = header(report, meta);
    let problems = problems(report, max / 16);
    let table = counts_table(report, &rows);
    let suppressions = suppressions(report, max / 16);
    let inputs = inputs(report, max / 16);
    let notes = notes_section(notes, max / 32);
    let stages = stages(report, max / 8);

    // The findings lists get what is left, blocking ones first. Sections
    // are separated by one blank line each.
    let fixed = [
        &head,
        &problems,
        &table,
        &suppressions,
        &inputs,
        &notes,
        &stages,
    ];
    let used: usize = fixed.iter().map(|s| s.len() + 1).sum::<usize>() + 2;
    let budget = max.saturating_sub(used);
    let floor = if others.is_empty() { 0 } else { OTHERS_FLOOR };
    let blocking = blocking_section(&blocking, budget.saturating_sub(floor));
    let others = others_section(&others, budget.saturating_sub(blocking.len()));

    let parts = [
        head,
        problems,
        table,
        blocking,
        others,
        suppressions,
        inputs,
        notes,
        stages,
    ];
    let mut out = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(part);
    }
    out
}

/// `1 finding`, `2 findings`.
fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Entries of a list (each complete lines ending in `\n`): at most
/// `max_items` of them, and only while they fit in `budget` bytes with the
/// closing line; then, after a blank line, how many of the `total` were
/// left out.
fn capped_list(
    items: impl Iterator<Item = String>,
    total: usize,
    max_items: usize,
    budget: usize,
) -> String {
    let room = budget.saturating_sub(MORE_RESERVE);
    let mut out = String::new();
    let mut shown = 0usize;
    for item in items.take(max_items) {
        if out.len() + item.len() > room {
            break;
        }
        out.push_str(&item);
        shown += 1;
    }
    if shown < total {
        let _ = writeln!(out, "\n… and {} more (see findings.json)", total - shown);
    }
    out
}

/// A section: `heading` (complete lines), then the list `list` renders in
/// the bytes of `budget` the heading leaves.
fn section(heading: &str, budget: usize, list: impl FnOnce(usize) -> String) -> String {
    let rest = budget.saturating_sub(heading.len());
    let mut out = heading.to_string();
    out.push_str(&list(rest));
    out
}

/// The verdict heading, one sentence about it, and what the run was.
fn header(report: &RunReport, meta: &Meta) -> String {
    let g = &report.gate;
    let n = report.findings.len();
    let blocked = plural(g.blocked, "blocking finding");
    let (verdict, sentence) = match g.verdict {
        Verdict::Pass if g.blocked > 0 => (
            format!("PASS (report-only: {blocked} not enforced)"),
            format!(
                "{} of {} would block the gate; report-only mode does not enforce it.",
                g.blocked,
                plural(n, "finding")
            ),
        ),
        Verdict::Pass if n == 0 => ("PASS".to_string(), "No findings.".to_string()),
        Verdict::Pass => (
            "PASS".to_string(),
            format!("None of {} blocks the gate.", plural(n, "finding")),
        ),
        Verdict::Block => (
            format!("BLOCK ({blocked})"),
            format!("{} of {} block the gate.", g.blocked, plural(n, "finding")),
        ),
        Verdict::Error => (
            "ERROR".to_string(),
            format!(
                "The run had {} (below): the gate could not decide on complete data. \
                 {} of {} block.",
                plural(report.errors.len(), "error"),
                g.blocked,
                plural(n, "finding")
            ),
        ),
    };
    let mut s = format!("## cordon gate: {verdict}\n\n{sentence}\n\n");
    let environment = if g.environment.is_empty() {
        "default".to_string()
    } else {
        markdown_code(&g.environment, 100)
    };
    let _ = writeln!(
        s,
        "- Pipeline {}, environment {environment}, mode {}",
        markdown_code(&report.pipeline, 100),
        markdown_code(&g.mode, 40)
    );
    let took = meta.finished.saturating_sub(meta.started);
    let _ = writeln!(
        s,
        "- Run {}, today {}, cordon {}{}",
        markdown_code(&report.run_id, 64),
        markdown_code(&report.today, 20),
        markdown_code(&report.cordon_version, 40),
        if took > 0 {
            format!(", took {took} s")
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        s,
        "- Policy {} ({})",
        markdown_code(&meta.policy_uri, 300),
        markdown_code(&meta.policy_digest, 100)
    );
    if let Some(sev) = g.block_at {
        let _ = writeln!(
            s,
            "- Block at {}: findings at or above it block whatever the policy says",
            sev.as_str()
        );
    }
    if let Some(v) = &report.fingerprint_version {
        let _ = writeln!(s, "- Fingerprints {}", markdown_code(v, 100));
    }
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            s,
            "- Baseline {} (run {}): {} new, {} existing, {} fixed",
            markdown_code(&b.path, 300),
            markdown_code(&b.run_id, 64),
            b.new,
            b.existing,
            b.fixed
        );
    }
    if let Some(c) = &report.policy_comparison {
        match &c.error {
            Some(e) => {
                let _ = writeln!(
                    s,
                    "- Candidate policy {} could not be evaluated: {}",
                    markdown_code(&c.path, 300),
                    markdown_code(e, 300)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "- Candidate policy {}: {} would change (gate unaffected)",
                    markdown_code(&c.path, 300),
                    plural(c.changed.len(), "decision")
                );
            }
        }
    }
    s
}

/// Run errors and warnings, each list within half of `budget`.
fn problems(report: &RunReport, budget: usize) -> String {
    let mut s = String::new();
    for (list, what) in [(&report.errors, "Errors"), (&report.warnings, "Warnings")] {
        if list.is_empty() {
            continue;
        }
        if !s.is_empty() {
            s.push('\n');
        }
        let heading = format!("### {what} ({})\n\n", list.len());
        s.push_str(&section(&heading, budget / 2, |room| {
            capped_list(list.iter().map(problem_item), list.len(), usize::MAX, room)
        }));
    }
    s
}

/// `- `kind`: `message`` (the message names the stage and input).
fn problem_item(e: &RunError) -> String {
    format!(
        "- {}: {}\n",
        markdown_code(&e.kind, 60),
        markdown_code(&e.message, 600)
    )
}

/// Counts by judged severity (rows) and action (columns), with new and
/// existing when the run had a baseline and "undecided" when some findings
/// have no decision.
fn counts_table(report: &RunReport, rows: &[Row<'_>]) -> String {
    const ACTIONS: [Action; 5] = [
        Action::Block,
        Action::Ticket,
        Action::Notify,
        Action::Record,
        Action::Suppressed,
    ];
    let undecided = rows.iter().any(|r| r.decision.is_none());
    let baseline = report.baseline.is_some();

    // One row per severity and a total: counts per action, undecided, new,
    // existing and total.
    let mut counts = [[0usize; 9]; 6];
    for r in rows {
        let sev = Severity::ALL
            .iter()
            .position(|s| *s == r.severity())
            .unwrap_or(4);
        let col = r
            .action()
            .and_then(|a| ACTIONS.iter().position(|x| *x == a))
            .unwrap_or(5);
        let base = match r.finding.baseline {
            Some(cordon_model::BaselineStatus::New) => Some(6),
            Some(cordon_model::BaselineStatus::Existing) => Some(7),
            None => None,
        };
        for row in [sev, 5] {
            counts[row][col] += 1;
            counts[row][8] += 1;
            if let Some(b) = base {
                counts[row][b] += 1;
            }
        }
    }
    let mut columns: Vec<(&str, usize)> = ACTIONS
        .iter()
        .enumerate()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    if undecided {
        columns.push(("undecided", 5));
    }
    if baseline {
        columns.extend([("new", 6), ("existing", 7)]);
    }
    columns.push(("total", 8));

    let mut s = String::from("### Findings by severity\n\n| severity |");
    for (name, _) in &columns {
        let _ = write!(s, " {name} |");
    }
    s.push_str("\n|:--|");
    for _ in &columns {
        s.push_str("--:|");
    }
    s.push('\n');
    let names = Severity::ALL
        .iter()
        .map(|x| x.as_str())
        .chain(["**total**"]);
    for (name, row) in names.zip(counts) {
        let _ = write!(s, "| {name} |");
        for (_, i) in &columns {
            let _ = write!(s, " {} |", row[*i]);
        }
        s.push('\n');
    }
    s
}

/// `at `path:line:col``, with how many more locations it has.
fn location(r: &Row<'_>) -> String {
    match r.location() {
        Some(l) => {
            let more = r.finding.locations.len().saturating_sub(1);
            format!(
                "at {}{}",
                markdown_code(&view::location_text(l), 200),
                if more > 0 {
                    format!(" (and {})", plural(more, "more location"))
                } else {
                    String::new()
                }
            )
        }
        None => "no location".to_string(),
    }
}

/// `**severity** `rule` from `tool``.
fn finding_head(r: &Row<'_>) -> String {
    format!(
        "**{}** {} from {}",
        r.severity().as_str(),
        markdown_code(&r.finding.rule_id, 120),
        markdown_code(&r.finding.tool, 60)
    )
}

/// One blocking finding: what, where, and why it blocks.
fn blocking_item(n: usize, r: &Row<'_>) -> String {
    let f = r.finding;
    let mut s = format!(
        "{n}. {}: {}\n   {}, input {}, fingerprint {}",
        finding_head(r),
        markdown_code(&f.title, 160),
        location(r),
        markdown_code(r.input_path(), 200),
        markdown_code(&f.fingerprint, 80)
    );
    if f.occurrences > 1 {
        let _ = write!(s, ", {} occurrences", f.occurrences);
    }
    if let Some(b) = f.baseline {
        let _ = write!(s, ", {} since the baseline", b.as_str());
    }
    s.push('\n');
    if let Some(d) = r.decision {
        let _ = write!(
            s,
            "   blocked by {}: {}",
            markdown_code(&d.rule_id, 100),
            // The host's reason names an expired suppression that would
            // have covered the finding, at its end: room for it.
            markdown_code(&d.reason, 400)
        );
        if d.severity_override.is_some() {
            let _ = write!(s, " (the tool said {})", f.severity.as_str());
        }
        s.push('\n');
    }
    s
}

/// The blocking findings, most severe first, within `budget`.
fn blocking_section(rows: &[Row<'_>], budget: usize) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let heading = format!("### Blocking findings ({})\n\n", rows.len());
    section(&heading, budget, |room| {
        let items = rows
            .iter()
            .enumerate()
            .map(|(i, r)| blocking_item(i + 1, r));
        capped_list(items, rows.len(), MAX_LISTED, room)
    })
}

/// The findings that neither block nor are suppressed, collapsed, within
/// `budget`.
fn others_section(rows: &[Row<'_>], budget: usize) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut by_action: Vec<String> = [Action::Ticket, Action::Notify, Action::Record]
        .iter()
        .map(|a| (a, rows.iter().filter(|r| r.action() == Some(*a)).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(a, n)| format!("{n} {}", a.as_str()))
        .collect();
    let undecided = rows.iter().filter(|r| r.decision.is_none()).count();
    if undecided > 0 {
        by_action.push(format!("{undecided} undecided"));
    }
    let heading = format!(
        "<details><summary>Other findings ({}: {})</summary>\n\n",
        rows.len(),
        by_action.join(", ")
    );
    const CLOSE: &str = "\n</details>\n";
    let mut s = section(&heading, budget.saturating_sub(CLOSE.len()), |room| {
        let items = rows.iter().enumerate().map(|(i, r)| {
            format!(
                "{}. {} ({}): {}, {}, fingerprint {}\n",
                i + 1,
                finding_head(r),
                r.action().map_or("undecided", Action::as_str),
                markdown_code(&r.finding.title, 120),
                location(r),
                markdown_code(&r.finding.fingerprint, 80)
            )
        });
        capped_list(items, rows.len(), MAX_LISTED, room)
    });
    s.push_str(CLOSE);
    s
}

/// Suppression counts and the expired and unused ones, within `budget`.
fn suppressions(report: &RunReport, budget: usize) -> String {
    let all = &report.suppressions;
    if all.is_empty() && report.gate.suppressed == 0 {
        return String::new();
    }
    let n = |st: State| all.iter().filter(|x| x.status == st).count();
    let heading = format!(
        "### Suppressions\n\n{} suppressed. Suppressions: {} applied, {} expired, {} unused.\n\n",
        plural(report.gate.suppressed, "finding"),
        n(State::Applied),
        n(State::Expired),
        n(State::Unused)
    );
    let dead: Vec<_> = all.iter().filter(|x| x.status != State::Applied).collect();
    section(&heading, budget, |room| {
        let items = dead.iter().map(|x| {
            let (status, expiry, what) = match x.status {
                State::Expired => (
                    "expired",
                    format!(
                        "expired {}",
                        markdown_code(x.expires.as_deref().unwrap_or(""), 20)
                    ),
                    format!("would have covered {}", plural(x.findings, "finding")),
                ),
                _ => (
                    "unused",
                    match &x.expires {
                        Some(e) => format!("expires {}", markdown_code(e, 20)),
                        None => "no expiry".to_string(),
                    },
                    "matched nothing".to_string(),
                ),
            };
            format!(
                "- **{status}** {} ({}) in {}, {expiry}, owner {}: {what}\n",
                markdown_code(&x.id, 120),
                x.origin.as_str(),
                markdown_code(&x.file, 200),
                markdown_code(&x.owner, 120)
            )
        });
        capped_list(items, dead.len(), usize::MAX, room)
    })
}

/// The input reports with status, format, parser and count, within
/// `budget`.
fn inputs(report: &RunReport, budget: usize) -> String {
    if report.inputs.is_empty() {
        return String::new();
    }
    let heading = format!("### Inputs ({})\n\n", report.inputs.len());
    section(&heading, budget, |room| {
        let items = report.inputs.iter().map(|i| {
            let path = markdown_code(&i.path, 200);
            let mut s = match i.status {
                InputStatus::Ok => format!(
                    "- **ok** {path}: {} via {}, {} parsed",
                    markdown_code(i.format.as_deref().unwrap_or(""), 60),
                    markdown_code(i.parser.as_deref().unwrap_or(""), 80),
                    plural(i.findings_parsed, "finding")
                ),
                InputStatus::Error => format!("- **error** {path} (see errors)"),
                InputStatus::Skipped => format!("- **skipped** {path} (see warnings)"),
            };
            if !i.conflicts.is_empty() {
                let names: Vec<String> = i.conflicts.iter().map(|c| markdown_code(c, 80)).collect();
                let _ = write!(s, "; also claimed by {}", names.join(", "));
            }
            s.push('\n');
            s
        });
        capped_list(items, report.inputs.len(), usize::MAX, room)
    })
}

/// The other writers' notes, within `budget`.
fn notes_section(notes: &[String], budget: usize) -> String {
    if notes.is_empty() {
        return String::new();
    }
    section("### Notes\n\n", budget, |room| {
        let items = notes
            .iter()
            .map(|n| format!("- {}\n", markdown_code(n, 600)));
        capped_list(items, notes.len(), usize::MAX, room)
    })
}

/// `512 MiB`, `64 KiB`, `1000 bytes`.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// One stage: name, kind, version and source, then its digest and
/// verification, signer, capabilities and limits as a nested list.
fn stage_item(st: &StageRecord) -> String {
    let mut s = format!(
        "- {}: {}, {}",
        markdown_code(&st.name, 80),
        markdown_code(&st.kind, 20),
        if st.used { "used" } else { "not used" }
    );
    if let Some(v) = &st.version {
        let _ = write!(s, ", version {}", markdown_code(v, 40));
    }
    let _ = writeln!(s, ", from {}", markdown_code(&st.source, 200));
    let _ = writeln!(
        s,
        "  - sha256 {}, verified by {}",
        markdown_code(&st.sha256, 80),
        markdown_code(&st.verified_by, 120)
    );
    if let Some(signer) = &st.signer {
        let _ = writeln!(
            s,
            "  - signed by {}, key {}",
            markdown_code(&signer.identity, 160),
            markdown_code(&signer.fingerprint, 100)
        );
    }
    let caps = if st.capabilities.is_empty() {
        "none".to_string()
    } else {
        let names: Vec<String> = st
            .capabilities
            .iter()
            .take(20)
            .map(|c| markdown_code(c, 60))
            .collect();
        let more = st.capabilities.len().saturating_sub(names.len());
        if more > 0 {
            format!("{} and {more} more", names.join(", "))
        } else {
            names.join(", ")
        }
    };
    let _ = writeln!(s, "  - capabilities {caps}");
    if let Some(l) = &st.limits {
        let _ = writeln!(
            s,
            "  - limits: {} memory, {} ms per call, {} fuel, {} findings, {} of strings, {} of log",
            size(l.memory_bytes),
            l.timeout_ms,
            l.fuel,
            l.max_findings,
            size(l.max_string_bytes),
            size(l.max_log_bytes)
        );
    }
    s
}

/// The stages, collapsed, within `budget`.
fn stages(report: &RunReport, budget: usize) -> String {
    if report.stages.is_empty() {
        return String::new();
    }
    let used = report.stages.iter().filter(|s| s.used).count();
    let heading = format!(
        "<details><summary>Stages ({}, {used} used)</summary>\n\n",
        report.stages.len()
    );
    const CLOSE: &str = "\n</details>\n";
    let mut s = section(&heading, budget.saturating_sub(CLOSE.len()), |room| {
        capped_list(
            report.stages.iter().map(stage_item),
            report.stages.len(),
            usize::MAX,
            room,
        )
    });
    s.push_str(CLOSE);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_list_says_what_it_left_out() {
        let items = (0..10).map(|i| format!("- {i}\n"));
        assert_eq!(
            capped_list(items.clone(), 10, 3, 1000),
            "- 0\n- 1\n- 2\n\n… and 7 more (see findings.json)\n"
        );
        assert_eq!(
            capped_list(items.clone(), 10, 100, MORE_RESERVE + 8),
            "- 0\n- 1\n\n… and 8 more (see findings.json)\n"
        );
        assert_eq!(capped_list(items.take(2), 2, 100, 1000), "- 0\n- 1\n");
    }

    #[test]
    fn sizes_are_readable() {
        assert_eq!(size(536_870_912), "512 MiB");
        assert_eq!(size(65_536), "64 KiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(size(0), "0 bytes");
    }
}
