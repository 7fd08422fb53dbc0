//! `results.sarif`: the run as SARIF 2.1.0, for GitHub code scanning and
//! any other SARIF consumer.
//!
//! # Mapping
//!
//! | SARIF | cordon |
//! |---|---|
//! | `runs[]` | one per scanner (`finding.tool`), most urgent scanner first (the one whose highest-priority finding ranks highest in [`view::priority`]); a cordon run without findings has one SARIF run for `cordon` itself, with no results |
//! | `tool.driver` | `name` = the scanner (`unknown` when empty), `version` = its version (the highest-priority finding's that has one), `rules[]` = the rules of the results written, sorted by id |
//! | `tool.extensions` | `cordon`, `report.cordon_version`, <https://github.com/cordon-dev/cordon> |
//! | `automationDetails.id` | `cordon/<tool>/<run_id>`: GitHub's category is everything before the last `/`, so each scanner's upload replaces its previous one; `<tool>` keeps `A-Z a-z 0-9 . _ -`, replaces anything else with `-`, is cut to 64 characters, and gets `-<8 hex of its SHA-256>` when any of that changed it, so two scanners never share a category |
//! | `rule.shortDescription.text` | the title of its highest-priority result that has one (else the rule id) |
//! | `rule.helpUri` | the first `http:`/`https:` help URI of its results that is a well-formed URI; any other (`javascript:`, `data:`, relative, malformed) is left out |
//! | `rule.defaultConfiguration.level` | from the most severe judged severity of its results: critical, high → `error`; medium → `warning`; low, info → `note` |
//! | `rule.properties.security-severity` | from that severity, in GitHub's bands: critical `9.5`, high `8.0`, medium `5.5`, low `2.0`; none for info |
//! | `rule.properties.tags` | `security`, then `external/cwe/cwe-N` for its CWEs, then its results' own tags, deduplicated and capped ([`Limits::max_tags_per_rule`]) |
//! | `result.level` | from the decision: `block` → `error`; `ticket`, `notify` → `warning`; `record`, `suppressed` → `note`; no decision → from the judged severity as for rules |
//! | `result.suppressions` | only for `suppressed`: `[{kind: external, status: accepted, justification: <reason>}]` |
//! | `result.message.text` | the title, a blank line and the message (either alone when the other is empty or the same; the rule id when both are empty) |
//! | `result.locations` | the finding's locations (capped, [`Limits::max_locations_per_result`]) as repo-relative URI references with `uriBaseId` `%SRCROOT%` (see below) |
//! | `result.partialFingerprints` | `{"cordon/<fingerprint_version>": fingerprint}` (`cordon/normalizer-default/v2`), `cordon/unversioned` when the normalizer declares no version: a new algorithm is a new key, so GitHub never matches fingerprints of different algorithms |
//! | `result.properties.cordon` | the finding's facts (judged `severity`, `severity_source`, `tool_severity`, `kind`, `vulnerability_ids`, `component`, `fingerprint`, `input` path, `occurrences`, `baseline`) and its `decision` (`action`, `rule_id`, `policy_name`, `policy_version`, `policy_digest`, `reason`, `suppression`), named as in `findings.json` |
//! | `run.invocations[0]` | `executionSuccessful` (false when the run had errors), `startTimeUtc`/`endTimeUtc` from [`Meta`] |
//! | `run.properties.cordon` | `run_id`, `pipeline`, `today`, `policy_uri`, `policy_digest`, the `gate` as in `findings.json`, and this scanner's `findings` and `results_left_out` counts |
//!
//! Strings are written as the stages gave them: SARIF is data, serde
//! escapes every control character, and consumers escape for their medium.
//!
//! # Locations
//!
//! A path becomes a URI reference relative to the repository root: leading
//! `./` and `/` are stripped (so it can never be a `//host` network path),
//! and every byte a URI path may not hold literally (space, `%`, `#`, `?`,
//! `\`, controls, non-ASCII UTF-8, ...) is percent-encoded, as is a `:` in
//! the first segment (which would read as a scheme: `C:`, `pkg:`). A region
//! is written only with a `startLine` ≥ 1; columns ≥ 1 and an end that
//! does not precede the start are kept.
//!
//! GitHub rejects a result without a location, so a finding without one
//! (a license finding, an image-level issue) gets one location on the input
//! report it came from: its path as given when that is relative, else
//! `findings.json` (an absolute path, `-` for standard input); the
//! location's message says so.
//!
//! # Runs and GitHub's alerts
//!
//! GitHub closes an alert when an upload for its category no longer has
//! it. A scanner without findings in this cordon run has no SARIF run in
//! the file (its name is known only from findings), so its alerts stay
//! open until an upload for its category says otherwise; a cordon run
//! without any findings is written as one empty SARIF run for `cordon`
//! itself, in its own category (`cordon/cordon/`), so the file is always
//! valid.
//!
//! # Caps
//!
//! [`Limits`] keeps the file within what the consumer accepts (GitHub's
//! limits by default). Every cut keeps the highest-priority results
//! ([`view::priority`]) and adds one sentence to [`Rendered::notes`]
//! starting with `results.sarif:`; nothing is left out silently. A
//! scanner's run is written only when at least one of its results is (an
//! empty run would tell GitHub the scanner found nothing and close its
//! alerts). Results left out of an uploaded run are closed on GitHub as if
//! fixed: the notes say which scanners lost results. Scanner names in the
//! notes have been through [`sanitize::terminal`](crate::sanitize::terminal);
//! a writer that prints a note elsewhere sanitises it for its medium.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use cordon_model::{Action, Component, Gate, RunReport, Severity, Suppression};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::sanitize::terminal;
use crate::view::{self, Row};
use crate::{Meta, Rendered};

/// The `$schema` of the file: the OASIS SARIF 2.1.0 schema (errata 01).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// cordon's home page, the `informationUri` of the `cordon` tool extension.
const INFORMATION_URI: &str = "https://github.com/cordon-dev/cordon";

/// How much `results.sarif` may hold. [`Limits::default`] is GitHub code
/// scanning's upload limits:
///
/// | Field | Default | GitHub's limit |
/// |---|---|---|
/// | [`max_runs`](Limits::max_runs) | 20 | runs per file (hard) |
/// | [`max_results_per_run`](Limits::max_results_per_run) | 25,000 | results per run (hard; only the top 5,000 by severity are shown) |
/// | [`max_locations_per_result`](Limits::max_locations_per_result) | 1,000 | locations per result (hard; only 100 are shown) |
/// | [`max_tags_per_rule`](Limits::max_tags_per_rule) | 20 | tags per rule (hard; only 10 are shown) |
/// | [`max_gzip_bytes`](Limits::max_gzip_bytes) | 10,000,000 | 10 MB per gzip-compressed file (read as the smaller 10⁷, not 2²⁰ × 10) |
///
/// GitHub's other limits cannot be reached: rules are written only for the
/// results written, so never more than 25,000 per run with the default
/// results cap; one tool extension is written of the 100 allowed; no
/// thread flows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most runs (scanners) in the file.
    pub max_runs: usize,
    /// Most results in one run.
    pub max_results_per_run: usize,
    /// Most locations of one result.
    pub max_locations_per_result: usize,
    /// Most tags of one rule.
    pub max_tags_per_rule: usize,
    /// Most bytes of the file once gzip-compressed (default level).
    pub max_gzip_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_runs: 20,
            max_results_per_run: 25_000,
            max_locations_per_result: 1_000,
            max_tags_per_rule: 20,
            max_gzip_bytes: 10_000_000,
        }
    }
}

/// Render `results.sarif`: pretty JSON with a trailing newline, the same
/// bytes for the same arguments (whatever the order of the findings in
/// `report`). The notes say what `limits` made it leave out.
///
/// # Errors
///
/// Only if serialisation fails, which the types written here never make
/// it do.
pub fn render(
    report: &RunReport,
    meta: &Meta,
    limits: &Limits,
) -> Result<Rendered, serde_json::Error> {
    let mut notes = Vec::new();
    let groups = by_tool(view::prioritised(report));
    let groups = cap_runs(groups, limits.max_runs, &mut notes);
    let groups = cap_results(groups, limits.max_results_per_run, &mut notes);
    let ctx = Context {
        report,
        meta,
        limits,
        fingerprint_key: fingerprint_key(report),
    };
    let draft = fit(&ctx, &groups)?;
    gzip_note(&groups, &draft, limits.max_gzip_bytes, &mut notes);
    cut_notes(&groups, &draft, limits, &mut notes);
    Ok(Rendered {
        bytes: draft.bytes,
        notes,
    })
}

// ---------------------------------------------------------------------------
// Grouping and caps.

/// One scanner's findings, most urgent first.
struct Group<'a> {
    /// `finding.tool`.
    tool: &'a str,
    /// The version of its highest-priority finding that has one.
    version: Option<&'a str>,
    /// Its findings that the run and result caps kept.
    rows: Vec<Row<'a>>,
    /// How many findings it had before the result cap.
    total: usize,
}

/// `rows` (in priority order) grouped by scanner, the scanner with the most
/// urgent finding first; no findings give one empty group for `cordon`.
fn by_tool(rows: Vec<Row<'_>>) -> Vec<Group<'_>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Group<'_>> = Vec::new();
    for row in rows {
        let tool = row.finding.tool.as_str();
        let i = *index.entry(tool).or_insert_with(|| {
            groups.push(Group {
                tool,
                version: None,
                rows: Vec::new(),
                total: 0,
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.version = g.version.or(row.finding.tool_version.as_deref());
        g.rows.push(row);
        g.total += 1;
    }
    if groups.is_empty() {
        groups.push(Group {
            tool: "cordon",
            version: None,
            rows: Vec::new(),
            total: 0,
        });
    }
    groups
}

/// Keep the first `max` groups (the most urgent scanners).
fn cap_runs<'a>(mut groups: Vec<Group<'a>>, max: usize, notes: &mut Vec<String>) -> Vec<Group<'a>> {
    if groups.len() <= max {
        return groups;
    }
    let dropped = groups.split_off(max);
    let results: usize = dropped.iter().map(|g| g.total).sum();
    let list: Vec<String> = dropped
        .iter()
        .map(|g| format!("{} ({})", terminal(g.tool), g.total))
        .collect();
    notes.push(format!(
        "results.sarif: {} beyond the limit of {} per file {} left out (those whose most urgent finding ranks lowest), with their {}: {}.",
        plural(dropped.len(), "scanner"),
        plural(max, "run"),
        if dropped.len() == 1 { "was" } else { "were" },
        plural(results, "result"),
        list.join(", ")
    ));
    groups
}

/// Keep each group's first `max` rows (its highest-priority findings).
fn cap_results<'a>(
    mut groups: Vec<Group<'a>>,
    max: usize,
    notes: &mut Vec<String>,
) -> Vec<Group<'a>> {
    for g in &mut groups {
        if g.rows.len() > max {
            let cut = g.rows.len() - max;
            g.rows.truncate(max);
            notes.push(format!(
                "results.sarif: {} of {} beyond the limit of {max} per run {} left out (lowest priority first).",
                plural(cut, "result"),
                terminal(g.tool),
                if cut == 1 { "was" } else { "were" },
            ));
        }
    }
    groups
}

/// A rendering of the file with the first `kept[i]` rows of each group.
struct Draft {
    /// The file.
    bytes: Vec<u8>,
    /// Its gzip-compressed size.
    gzip_len: u64,
    /// Rows written, per group.
    kept: Vec<usize>,
    /// What the location and tag caps cut, per group.
    cuts: Vec<Cuts>,
}

/// Render with every kept row; if that exceeds the gzip budget, search the
/// number of results written (the most urgent across all scanners) for
/// the largest rendering within it. The compressed size grows almost
/// linearly with that number, so each step probes where the line through
/// the bracket's ends meets the budget, and bisects whenever that failed
/// to halve the bracket: a handful of renderings, never more than about
/// 2·log₂(results). When even no results exceed the budget, that rendering
/// is returned (and [`gzip_note`] says so).
fn fit(ctx: &Context<'_>, groups: &[Group<'_>]) -> Result<Draft, serde_json::Error> {
    let budget = ctx.limits.max_gzip_bytes;
    let order = urgency_order(groups);
    let full = draft(ctx, groups, &order)?;
    if full.gzip_len <= budget {
        return Ok(full);
    }
    let mut best = draft(ctx, groups, &[])?;
    if best.gzip_len > budget {
        return Ok(best);
    }
    // Invariant: `lo` results fit (`best` is that rendering), `hi` do not.
    let (mut lo, mut hi) = ((0, best.gzip_len), (order.len(), full.gzip_len));
    let mut bisect = false;
    while hi.0 - lo.0 > 1 {
        let width = hi.0 - lo.0;
        let probe = if bisect {
            lo.0 + width / 2
        } else {
            interpolate(lo, hi, budget)
        };
        let d = draft(ctx, groups, &order[..probe])?;
        if d.gzip_len <= budget {
            lo = (probe, d.gzip_len);
            best = d;
        } else {
            hi = (probe, d.gzip_len);
        }
        bisect = !bisect && (hi.0 - lo.0) * 2 > width;
    }
    Ok(best)
}

/// Where the line through `(count, size)` points `lo` (within `budget`)
/// and `hi` (over it) reaches `budget`, rounded up, strictly between them.
fn interpolate(lo: (usize, u64), hi: (usize, u64), budget: u64) -> usize {
    let width = (hi.0 - lo.0) as u128;
    let rise = u128::from(hi.1.saturating_sub(lo.1)).max(1);
    let step = (u128::from(budget.saturating_sub(lo.1)) * width).div_ceil(rise);
    let step = usize::try_from(step).unwrap_or(usize::MAX);
    lo.0 + step.clamp(1, hi.0 - lo.0 - 1)
}

/// The group index of every kept row, most urgent row first.
fn urgency_order(groups: &[Group<'_>]) -> Vec<usize> {
    let mut all: Vec<(usize, &Row<'_>)> = groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.rows.iter().map(move |r| (i, r)))
        .collect();
    all.sort_by(|a, b| view::priority(a.1, b.1));
    all.into_iter().map(|(i, _)| i).collect()
}

/// Render the file with the rows that `order` (a prefix of
/// [`urgency_order`]) names.
fn draft(
    ctx: &Context<'_>,
    groups: &[Group<'_>],
    order: &[usize],
) -> Result<Draft, serde_json::Error> {
    let mut kept = vec![0usize; groups.len()];
    for &i in order {
        kept[i] += 1;
    }
    let mut cuts = vec![Cuts::default(); groups.len()];
    let runs = groups
        .iter()
        .zip(&kept)
        .zip(&mut cuts)
        // A scanner's run is written only with at least one result; the
        // empty `cordon` run of a cordon run without findings always is.
        .filter(|((g, n), _)| **n > 0 || g.total == 0)
        .map(|((g, &n), c)| run(ctx, g, n, c))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs,
    };
    let mut bytes = serde_json::to_vec_pretty(&log)?;
    bytes.push(b'\n');
    let gzip_len = gzip_len(&bytes).map_err(serde_json::Error::io)?;
    Ok(Draft {
        bytes,
        gzip_len,
        kept,
        cuts,
    })
}

/// The gzip-compressed size of `bytes` at the default level.
fn gzip_len(bytes: &[u8]) -> io::Result<u64> {
    /// A writer that only counts.
    struct Count(u64);
    impl Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut gz = GzEncoder::new(Count(0), Compression::default());
    gz.write_all(bytes)?;
    Ok(gz.finish()?.0)
}

/// The note of the gzip cut, if it cut anything or could not fit.
fn gzip_note(groups: &[Group<'_>], draft: &Draft, budget: u64, notes: &mut Vec<String>) {
    let lost = |(g, n): (&Group<'_>, &usize)| g.rows.len() - n;
    let cut: usize = groups.iter().zip(&draft.kept).map(lost).sum();
    let were = if cut == 1 { "was" } else { "were" };
    if draft.gzip_len > budget {
        let size = plural_u64(draft.gzip_len, "byte");
        notes.push(if cut == 0 {
            format!("results.sarif: the file is {size} gzip-compressed, over the limit of {budget} bytes.")
        } else {
            format!(
                "results.sarif: all {} {were} left out and the file is still {size} gzip-compressed, over the limit of {budget} bytes.",
                plural(cut, "result"),
            )
        });
        return;
    }
    if cut == 0 {
        return;
    }
    let per_tool: Vec<String> = groups
        .iter()
        .zip(&draft.kept)
        .filter(|&(g, &n)| g.rows.len() > n)
        .map(|(g, &n)| {
            let whole = if n == 0 {
                " (all; its run was left out)"
            } else {
                ""
            };
            format!("{} {}{whole}", terminal(g.tool), g.rows.len() - n)
        })
        .collect();
    notes.push(format!(
        "results.sarif: {} {were} left out to keep the file within {budget} bytes gzip-compressed (lowest priority first): {}.",
        plural(cut, "result"),
        per_tool.join(", ")
    ));
}

/// What the location and tag caps cut in one run.
#[derive(Debug, Clone, Copy, Default)]
struct Cuts {
    /// Locations left out.
    locations: usize,
    /// Results that lost locations.
    results: usize,
    /// Tags left out.
    tags: usize,
    /// Rules that lost tags.
    rules: usize,
}

/// The notes of the location and tag caps, per run.
fn cut_notes(groups: &[Group<'_>], draft: &Draft, limits: &Limits, notes: &mut Vec<String>) {
    for (g, c) in groups.iter().zip(&draft.cuts) {
        if c.locations > 0 {
            notes.push(format!(
                "results.sarif: {} of {} of {} beyond the limit of {} per result {} left out (each result keeps the first ones its scanner gave).",
                plural(c.locations, "location"),
                plural(c.results, "result"),
                terminal(g.tool),
                limits.max_locations_per_result,
                if c.locations == 1 { "was" } else { "were" },
            ));
        }
    }
    for (g, c) in groups.iter().zip(&draft.cuts) {
        if c.tags > 0 {
            notes.push(format!(
                "results.sarif: {} of {} of {} beyond the limit of {} per rule {} left out (`security` and CWE tags are kept first).",
                plural(c.tags, "tag"),
                plural(c.rules, "rule"),
                terminal(g.tool),
                limits.max_tags_per_rule,
                if c.tags == 1 { "was" } else { "were" },
            ));
        }
    }
}

/// `1 result`, `2 results`.
fn plural(n: usize, noun: &str) -> String {
    plural_u64(n as u64, noun)
}

/// [`plural`] for a `u64`.
fn plural_u64(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

// ---------------------------------------------------------------------------
// The SARIF document.

/// What every run shares.
struct Context<'a> {
    report: &'a RunReport,
    meta: &'a Meta,
    limits: &'a Limits,
    /// The `partialFingerprints` key.
    fingerprint_key: String,
}

// The SARIF objects written, fields named as in SARIF 2.1.0 (§3.13 on);
// `properties.cordon` objects use `findings.json`'s names.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    automation_details: AutomationDetails,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
    extensions: [Extension<'a>; 1],
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Extension<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time_utc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_utc: Option<String>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    cordon: RunFacts<'a>,
}

#[derive(Serialize)]
struct RunFacts<'a> {
    run_id: &'a str,
    pipeline: &'a str,
    today: &'a str,
    policy_uri: &'a str,
    policy_digest: &'a str,
    gate: &'a Gate,
    /// This scanner's findings in the run.
    findings: usize,
    /// How many of them the caps left out of this file.
    results_left_out: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: Vec<Cow<'a, str>>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression<'a>; 1]>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    justification: &'a str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    cordon: ResultFacts<'a>,
}

#[derive(Serialize)]
struct ResultFacts<'a> {
    /// The judged severity (a policy override applied).
    severity: &'static str,
    severity_source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_severity: Option<&'a str>,
    kind: &'static str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    vulnerability_ids: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<&'a Component>,
    fingerprint: &'a str,
    input: &'a str,
    occurrences: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<DecisionFacts<'a>>,
}

#[derive(Serialize)]
struct DecisionFacts<'a> {
    action: &'static str,
    rule_id: &'a str,
    policy_name: &'a str,
    policy_version: &'a str,
    policy_digest: &'a str,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a Suppression>,
}

/// A scanner's run with its first `kept` rows as results; records what the
/// location and tag caps cut in `cuts`.
fn run<'a>(ctx: &'a Context<'a>, group: &'a Group<'a>, kept: usize, cuts: &mut Cuts) -> Run<'a> {
    let (report, tool, rows) = (ctx.report, group.tool, &group.rows[..kept]);
    let rules = rules(rows, ctx.limits.max_tags_per_rule, cuts);
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let results = rows
        .iter()
        .map(|r| {
            let rule_index = index.get(r.finding.rule_id.as_str()).copied().unwrap_or(0);
            result(ctx, r, rule_index, cuts)
        })
        .collect();
    Run {
        tool: Tool {
            driver: Driver {
                name: if tool.is_empty() { "unknown" } else { tool },
                version: group.version,
                rules,
            },
            extensions: [Extension {
                name: "cordon",
                version: &report.cordon_version,
                information_uri: INFORMATION_URI,
            }],
        },
        automation_details: AutomationDetails {
            id: format!(
                "cordon/{}/{}",
                category_segment(tool),
                category_segment(&report.run_id)
            ),
        },
        invocations: [Invocation {
            execution_successful: report.errors.is_empty(),
            start_time_utc: utc_timestamp(ctx.meta.started),
            end_time_utc: utc_timestamp(ctx.meta.finished),
        }],
        results,
        properties: RunProperties {
            cordon: RunFacts {
                run_id: &report.run_id,
                pipeline: &report.pipeline,
                today: &report.today,
                policy_uri: &ctx.meta.policy_uri,
                policy_digest: &ctx.meta.policy_digest,
                gate: &report.gate,
                findings: group.total,
                results_left_out: group.total - kept,
            },
        },
    }
}

/// What the results of one rule say about it.
#[derive(Default)]
struct RuleFacts<'a> {
    title: &'a str,
    help_uri: Option<&'a str>,
    severity: Option<Severity>,
    cwes: BTreeSet<u32>,
    tags: BTreeSet<&'a str>,
}

/// The rules of `rows`, sorted by id.
fn rules<'a>(rows: &[Row<'a>], max_tags: usize, cuts: &mut Cuts) -> Vec<Rule<'a>> {
    let mut facts: BTreeMap<&'a str, RuleFacts<'a>> = BTreeMap::new();
    for r in rows {
        let f = r.finding;
        let acc = facts.entry(f.rule_id.as_str()).or_default();
        if acc.title.is_empty() {
            acc.title = &f.title;
        }
        if acc.help_uri.is_none() {
            acc.help_uri = f.help_uri.as_deref().filter(|u| is_http_uri(u));
        }
        acc.severity = Some(acc.severity.map_or(r.severity(), |s| s.min(r.severity())));
        acc.cwes.extend(&f.cwes);
        acc.tags.extend(f.tags.iter().map(String::as_str));
    }
    facts
        .into_iter()
        .map(|(id, acc)| {
            let severity = acc.severity.unwrap_or(Severity::Info);
            let mut tags = rule_tags(&acc);
            if tags.len() > max_tags {
                cuts.tags += tags.len() - max_tags;
                cuts.rules += 1;
                tags.truncate(max_tags);
            }
            Rule {
                id,
                short_description: Text {
                    text: Cow::Borrowed(first_non_empty(&[acc.title, id], "untitled rule")),
                },
                help_uri: acc.help_uri,
                default_configuration: Configuration {
                    level: severity_level(severity),
                },
                properties: RuleProperties {
                    tags,
                    security_severity: security_severity(severity),
                },
            }
        })
        .collect()
}

/// `security`, the CWE tags, then the results' own tags, each once.
fn rule_tags<'a>(acc: &RuleFacts<'a>) -> Vec<Cow<'a, str>> {
    let mut seen: BTreeSet<Cow<'a, str>> = BTreeSet::new();
    let candidates = std::iter::once(Cow::Borrowed("security"))
        .chain(
            acc.cwes
                .iter()
                .map(|n| Cow::Owned(format!("external/cwe/cwe-{n}"))),
        )
        .chain(
            acc.tags
                .iter()
                .filter(|t| !t.is_empty())
                .map(|t| Cow::Borrowed(*t)),
        );
    candidates.filter(|t| seen.insert(t.clone())).collect()
}

/// One result.
fn result<'a>(
    ctx: &'a Context<'a>,
    r: &Row<'a>,
    rule_index: usize,
    cuts: &mut Cuts,
) -> SarifResult<'a> {
    let f = r.finding;
    let mut locations: Vec<SarifLocation<'a>> = f
        .locations
        .iter()
        .filter_map(|l| {
            Some(SarifLocation {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(uri_reference(&l.path)?),
                    region: region(l.start_line, l.start_column, l.end_line, l.end_column),
                },
                message: None,
            })
        })
        .collect();
    let max = ctx.limits.max_locations_per_result;
    if locations.len() > max {
        cuts.locations += locations.len() - max;
        cuts.results += 1;
        locations.truncate(max);
    }
    if locations.is_empty() {
        locations.push(input_location(r.input_path()));
    }
    SarifResult {
        rule_id: &f.rule_id,
        rule_index,
        level: level(r),
        message: Text {
            text: message(&f.title, &f.message, &f.rule_id),
        },
        locations,
        partial_fingerprints: BTreeMap::from([(
            ctx.fingerprint_key.as_str(),
            f.fingerprint.as_str(),
        )]),
        suppressions: r
            .decision
            .filter(|d| d.action == Action::Suppressed)
            .map(|d| {
                [SarifSuppression {
                    kind: "external",
                    status: "accepted",
                    justification: &d.reason,
                }]
            }),
        properties: ResultProperties {
            cordon: result_facts(r),
        },
    }
}

/// cordon's facts about a result.
fn result_facts<'a>(r: &Row<'a>) -> ResultFacts<'a> {
    let f = r.finding;
    ResultFacts {
        severity: r.severity().as_str(),
        severity_source: f.severity_source.as_str(),
        tool_severity: f.tool_severity.as_deref(),
        kind: f.kind.as_str(),
        vulnerability_ids: &f.vulnerability_ids,
        component: f.component.as_ref(),
        fingerprint: &f.fingerprint,
        input: r.input_path(),
        occurrences: f.occurrences,
        baseline: f.baseline.map(|b| b.as_str()),
        decision: r.decision.map(|d| DecisionFacts {
            action: d.action.as_str(),
            rule_id: &d.rule_id,
            policy_name: &d.policy_name,
            policy_version: &d.policy_version,
            policy_digest: &d.policy_digest,
            reason: &d.reason,
            suppression: d.suppression.as_ref(),
        }),
    }
}

/// The location of a finding without one: the input report it came from.
fn input_location<'a>(input_path: &str) -> SarifLocation<'a> {
    let uri = host_relative(input_path)
        .and_then(uri_reference)
        .unwrap_or_else(|| "findings.json".to_string());
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: artifact(uri),
            region: None,
        },
        message: Some(Text {
            text: Cow::Borrowed(
                "The scanner gave no location; this is the report the finding was read from.",
            ),
        }),
    }
}

/// `uri` relative to the checkout root.
fn artifact(uri: String) -> ArtifactLocation {
    ArtifactLocation {
        uri,
        uri_base_id: "%SRCROOT%",
    }
}

/// The result level of a row: from its decision, else its severity.
fn level(r: &Row<'_>) -> &'static str {
    match r.action() {
        Some(Action::Block) => "error",
        Some(Action::Ticket | Action::Notify) => "warning",
        Some(Action::Record | Action::Suppressed) => "note",
        None => severity_level(r.severity()),
    }
}

/// The SARIF level of a severity.
fn severity_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score of a severity, inside its band
/// (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

/// Title, blank line, message; whichever is non-empty when one is empty
/// or both are the same; `rule_id` (or a fixed text) when both are empty.
fn message<'a>(title: &'a str, message: &'a str, rule_id: &'a str) -> Cow<'a, str> {
    let (t, m) = (title.trim(), message.trim());
    if t.is_empty() || m.is_empty() || t == m {
        Cow::Borrowed(first_non_empty(
            &[title, message, rule_id],
            "finding without a message",
        ))
    } else {
        Cow::Owned(format!("{title}\n\n{message}"))
    }
}

/// The first of `candidates` that is not blank, else `fallback`.
fn first_non_empty<'a>(candidates: &[&'a str], fallback: &'a str) -> &'a str {
    candidates
        .iter()
        .copied()
        .find(|s| !s.trim().is_empty())
        .unwrap_or(fallback)
}

/// The region of a location: only with a start line ≥ 1; columns ≥ 1 and
/// an end not before the start.
fn region(
    start_line: Option<u32>,
    start_column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
) -> Option<Region> {
    let start_line = start_line.filter(|&n| n >= 1)?;
    let start_column = start_column.filter(|&c| c >= 1);
    let end_line = end_line.filter(|&n| n >= start_line);
    let same_line = end_line.is_none_or(|n| n == start_line);
    let end_column = end_column
        .filter(|&c| c >= 1)
        .filter(|&c| !same_line || c >= start_column.unwrap_or(1));
    Some(Region {
        start_line,
        start_column,
        end_line,
        end_column,
    })
}

// ---------------------------------------------------------------------------
// Strings that must be safe where they go.

/// `path` as a repo-relative URI reference (see the module doc), or none
/// when nothing is left of it.
fn uri_reference(path: &str) -> Option<String> {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./").or_else(|| p.strip_prefix('/')) {
        p = rest;
    }
    if p.is_empty() || p == "." {
        return None;
    }
    let first_segment_end = p.find('/').unwrap_or(p.len());
    let mut out = String::with_capacity(p.len());
    for (i, b) in p.bytes().enumerate() {
        let literal = is_unreserved(b)
            || is_sub_delim(b)
            || matches!(b, b'@' | b'/')
            || (b == b':' && i > first_segment_end);
        if literal {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    Some(out)
}

/// An input report's path when it is relative to the working directory
/// (not absolute, not `-`, no drive or scheme), without a leading `./`.
fn host_relative(path: &str) -> Option<&str> {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let first_segment = p.split(['/', '\\']).next().unwrap_or("");
    let relative =
        !p.is_empty() && p != "-" && !p.starts_with(['/', '\\']) && !first_segment.contains(':');
    relative.then_some(p)
}

/// Whether `uri` is a well-formed absolute `http:` or `https:` URI with a
/// host: the only help URIs written (a `javascript:` or `data:` link in a
/// report is never passed on).
fn is_http_uri(uri: &str) -> bool {
    let lower = uri.get(..8).unwrap_or(uri).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &uri[8..]
    } else if lower.starts_with("http://") {
        &uri[7..]
    } else {
        return false;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    is_authority(authority) && is_uri_tail(tail)
}

/// `[userinfo@]host[:port]` with a non-empty registered-name host.
fn is_authority(authority: &str) -> bool {
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(userinfo, hp)| {
            if userinfo.bytes().all(|b| is_pchar(b) && b != b'@') {
                hp
            } else {
                ""
            }
        });
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, ""));
    !host.is_empty()
        && host
            .bytes()
            .all(|b| is_unreserved(b) || is_sub_delim(b) || b == b'%')
        && port.bytes().all(|b| b.is_ascii_digit())
        && percent_escapes_ok(authority)
}

/// Path, query and fragment: URI characters only, `#` at most once.
fn is_uri_tail(tail: &str) -> bool {
    let fragments = tail.bytes().filter(|&b| b == b'#').count();
    fragments <= 1
        && tail
            .bytes()
            .all(|b| is_pchar(b) || matches!(b, b'/' | b'?' | b'#'))
        && percent_escapes_ok(tail)
}

/// Every `%` starts a `%XX` escape.
fn percent_escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || (b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// RFC 3986 `pchar` (a `%` is checked by [`percent_escapes_ok`]).
fn is_pchar(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@' | b'%')
}

/// RFC 3986 `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 `sub-delims`.
fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Most characters of a category segment before its hash suffix.
const MAX_SEGMENT: usize = 64;

/// `s` as one segment of `automationDetails.id`: `A-Z a-z 0-9 . _ -`
/// kept, anything else `-`, at most [`MAX_SEGMENT`] characters; when that
/// changed it (or it is empty), `-` and the first 8 hex digits of its
/// SHA-256 follow, so different names stay different.
fn category_segment(s: &str) -> String {
    let safe: String = s
        .chars()
        .take(MAX_SEGMENT)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !safe.is_empty() && safe == s {
        return safe;
    }
    let digest = Sha256::digest(s.as_bytes());
    format!("{safe}-{}", hex::encode(&digest[..4]))
}

/// The `partialFingerprints` key: `cordon/<fingerprint_version>`, or
/// `cordon/unversioned`.
fn fingerprint_key(report: &RunReport) -> String {
    match report.fingerprint_version.as_deref() {
        Some(v) if !v.is_empty() => format!("cordon/{v}"),
        _ => "cordon/unversioned".to_string(),
    }
}

/// Unix seconds as an RFC 3339 UTC timestamp (`2026-12-07T10:00:00Z`);
/// none outside years 0000–9999.
fn utc_timestamp(secs: i64) -> Option<String> {
    // 0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z.
    const RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;
    RANGE
        .contains(&secs)
        .then(|| cordon_signing::time::format_time(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_reference_encodes_what_a_path_may_not_hold() {
        let cases = [
            ("src/app.py", "src/app.py"),
            ("./src/app.py", "src/app.py"),
            ("//evil.host/x", "evil.host/x"),
            ("/src/app.py", "src/app.py"),
            ("a b/c%d#e?f", "a%20b/c%25d%23e%3Ff"),
            ("C:\\x\\y.py", "C%3A%5Cx%5Cy.py"),
            ("pkg:npm/lodash@4", "pkg%3Anpm/lodash@4"),
            ("img/api:2.7.0 (debian)", "img/api:2.7.0%20(debian)"),
            ("résumé.txt", "r%C3%A9sum%C3%A9.txt"),
            (
                "src/a,b:c%0A</details>\u{1b}[K.py",
                "src/a,b:c%250A%3C/details%3E%1B%5BK.py",
            ),
        ];
        for (path, want) in cases {
            assert_eq!(uri_reference(path).as_deref(), Some(want), "{path:?}");
        }
        assert_eq!(uri_reference(""), None);
        assert_eq!(uri_reference("./"), None);
        assert_eq!(uri_reference("/"), None);
    }

    #[test]
    fn host_relative_refuses_host_paths() {
        assert_eq!(host_relative("./reports/t.json"), Some("reports/t.json"));
        assert_eq!(host_relative("t.json"), Some("t.json"));
        for p in [
            "",
            "-",
            "/tmp/t.json",
            "\\\\share\\t.json",
            "C:\\t.json",
            "file:///t.json",
        ] {
            assert_eq!(host_relative(p), None, "{p:?}");
        }
    }

    #[test]
    fn only_well_formed_http_help_uris_pass() {
        for ok in [
            "https://example.com",
            "https://example.com/rules/a?x=1#frag",
            "HTTP://example.com:8080/a%20b",
            "https://user@example.com/",
        ] {
            assert!(is_http_uri(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript://example.com/%0Aalert(1)",
            "data:text/html,x",
            "//example.com/x",
            "/rules/x",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com/%zz",
            "https://example.com:80a/",
            "https://[::1]/",
            "https://example.com/#a#b",
            "https://example.com/\u{1b}[31m",
            "https://例え.jp/",
        ] {
            assert!(!is_http_uri(bad), "{bad}");
        }
    }

    #[test]
    fn regions_keep_only_meaningful_positions() {
        let r = |a, b, c, d| region(a, b, c, d);
        assert_eq!(r(None, Some(3), Some(4), Some(5)), None);
        assert_eq!(r(Some(0), None, None, None), None);
        assert_eq!(
            r(Some(3), Some(0), Some(2), Some(0)),
            Some(Region {
                start_line: 3,
                start_column: None,
                end_line: None,
                end_column: None
            })
        );
        assert_eq!(
            r(Some(4), Some(19), Some(4), Some(38)),
            Some(Region {
                start_line: 4,
                start_column: Some(19),
                end_line: Some(4),
                end_column: Some(38)
            })
        );
        // An end column before the start column on the same line is dropped;
        // on a later line it is kept.
        assert_eq!(
            r(Some(4), Some(19), None, Some(5)).and_then(|x| x.end_column),
            None
        );
        assert_eq!(
            r(Some(4), Some(19), Some(6), Some(5)).and_then(|x| x.end_column),
            Some(5)
        );
    }

    #[test]
    fn category_segments_are_safe_and_distinct() {
        assert_eq!(category_segment("semgrep"), "semgrep");
        assert_eq!(category_segment("npm-audit"), "npm-audit");
        let a = category_segment("a/b");
        let b = category_segment("a b");
        assert!(a.starts_with("a-b-") && b.starts_with("a-b-"), "{a} {b}");
        assert_ne!(a, b);
        assert_eq!(a.len(), "a-b-".len() + 8);
        assert!(category_segment("").starts_with('-'));
        let long = category_segment(&"x".repeat(200));
        assert_eq!(long.len(), MAX_SEGMENT + 9);
        for s in [
            a,
            b,
            long,
            category_segment("inject\u{1b}]8;;http://x\u{7}::error::"),
        ] {
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
                "{s}"
            );
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(utc_timestamp(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            utc_timestamp(1_796_637_600).as_deref(),
            Some("2026-12-07T10:00:00Z")
        );
        assert_eq!(
            utc_timestamp(951_782_400).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(utc_timestamp(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(utc_timestamp(i64::MAX), None);
        assert_eq!(utc_timestamp(i64::MIN), None);
    }

    #[test]
    fn messages_are_never_empty() {
        assert_eq!(message("T", "M", "r"), "T\n\nM");
        assert_eq!(message("T", "T", "r"), "T");
        assert_eq!(message("", "M", "r"), "M");
        assert_eq!(message("T", " ", "r"), "T");
        assert_eq!(message("", "", "r"), "r");
        assert_eq!(message("", "", ""), "finding without a message");
    }

    #[test]
    fn security_severity_scores_sit_inside_githubs_bands() {
        let score = |s| security_severity(s).and_then(|x| x.parse::<f64>().ok());
        assert!(score(Severity::Critical).is_some_and(|x| x > 9.0));
        assert!(score(Severity::High).is_some_and(|x| (7.0..=8.9).contains(&x)));
        assert!(score(Severity::Medium).is_some_and(|x| (4.0..=6.9).contains(&x)));
        assert!(score(Severity::Low).is_some_and(|x| (0.1..=3.9).contains(&x)));
        assert_eq!(score(Severity::Info), None);
    }
}
