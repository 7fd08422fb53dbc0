//! GitLab security reports, schema version [`SCHEMA_VERSION`]:
//! [`SAST_FILE`], [`DEPENDENCY_SCANNING_FILE`] and
//! [`SECRET_DETECTION_FILE`], for `artifacts:reports:sast`,
//! `artifacts:reports:dependency_scanning` and
//! `artifacts:reports:secret_detection`.
//!
//! How a run maps onto them:
//!
//! * **Files.** SAST takes the findings of kind `sast`, `iac`, `dast` and
//!   `other`; dependency scanning those of kind `sca` and `container`;
//!   secret detection those of kind `secret`. All three files are always
//!   written, with an empty `vulnerabilities` list when nothing went to
//!   one, so a pipeline's `artifacts:reports` never name a missing file.
//! * **Suppressed findings are left out**: GitLab would list them as open
//!   vulnerabilities. `findings.json` keeps them, with the suppression.
//!   Every other finding is in, whatever its action.
//! * **Order**: the shared priority order ([`view::prioritised`]).
//! * **`scan`**: cordon is both the analyzer and the scanner. The schema
//!   allows one scanner per report and the tools in a run vary, so naming
//!   one would re-attribute every vulnerability whenever another tool had
//!   findings; the tool shows in each vulnerability's `Tool` detail and
//!   in its primary identifier's type. `start_time`/`end_time` are
//!   [`Meta::started`]/[`Meta::finished`] in UTC as `yyyy-mm-ddThh:mm:ss`
//!   (clamped to years 1970–9999, which the pattern can spell); `status`
//!   is `failure` when the run had errors, each of them a `warn` message.
//! * **`id`**: a UUID (version 8) of the first 16 bytes of the SHA-256 of
//!   the finding's fingerprint, so the same finding has the same id in
//!   every run; should two findings share a fingerprint, the later ones
//!   get ids of the fingerprint and a counter, so ids stay unique.
//! * **`name`** is the finding's title (its rule id when it has none);
//!   **`severity`** the judged one ([`Row::severity`]), `Critical` to
//!   `Info`; **`solution`**, when fixed versions are known, "Upgrade
//!   *package* to a fixed version: *versions*."
//! * **`identifiers`**: first the primary one, the tool's rule id (typed
//!   by the tool's name when that is a plain name, else `cordon_rule`,
//!   with the rule's help URL when it is `http(s)`), then the advisory
//!   ids, each once (`cve` and `ghsa`, spelt as NVD and GitHub spell them,
//!   with their NVD and GitHub advisory URLs; other prefixes such as
//!   `RUSTSEC` typed by the prefix), then the CWEs (`cwe`, with their MITRE
//!   URLs).
//! * **`location`**: the finding's first location, or the input report's
//!   path when it has none. SAST: `file`, `start_line`, `end_line`.
//!   Dependency scanning: `file` (manifest, lock file or image) and
//!   `dependency` (package name, version; `""` when unknown). Secret
//!   detection: `file`, lines and `commit.sha` `0000000` (the schema
//!   requires a commit; cordon reads reports, not history, and this is
//!   the placeholder GitLab's own analyzer writes).
//! * **`details`**: `Tool` (name and version) and `cordon decision`
//!   (action, policy rule and reason), as text.
//! * **Strings from stages.** JSON needs no escaping (serde escapes every
//!   string), but GitLab shows these strings to people: control
//!   characters and bidi overrides are made visible with
//!   [`sanitize::terminal`] (newlines and tabs are kept in the
//!   description). GitLab renders `description` and `solution` as
//!   Markdown, so stage text goes there inert: the description is a
//!   fenced code block longer-fenced than any backtick run inside (cut to
//!   256 Ki characters), package names and versions in the solution are
//!   code spans ([`sanitize::markdown_code`]). Every string is cut to the
//!   schema's `maxLength` (in characters, on a character boundary), and no
//!   string the schema requires non-empty is empty.

use crate::view::{self, Row};
use crate::{Meta, sanitize};
use cordon_model::{Action, Finding, FindingKind, RunReport, Severity, paths};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The version of GitLab's security report schemas the files conform to.
pub const SCHEMA_VERSION: &str = "15.2.1";

/// File name of the SAST report.
pub const SAST_FILE: &str = "gl-sast-report.json";
/// File name of the dependency scanning report.
pub const DEPENDENCY_SCANNING_FILE: &str = "gl-dependency-scanning-report.json";
/// File name of the secret detection report.
pub const SECRET_DETECTION_FILE: &str = "gl-secret-detection-report.json";

/// `maxLength` of a vulnerability's `name`.
const NAME_MAX: usize = 255;
/// `maxLength` of a vulnerability's `description`.
const DESCRIPTION_MAX: usize = 1_048_576;
/// The most of a finding's message a description holds: a quarter of
/// [`DESCRIPTION_MAX`], so the text and its two fences (each at most one
/// longer than the text) always fit.
const DESCRIPTION_TEXT_MAX: usize = DESCRIPTION_MAX / 4;
/// `maxLength` of a vulnerability's `solution`.
const SOLUTION_MAX: usize = 7_000;
/// The most of a package name or version a solution quotes.
const SOLUTION_PART_MAX: usize = 200;
/// The last second a four-digit year can spell: 9999-12-31T23:59:59 UTC.
const TIME_MAX: i64 = 253_402_300_799;
/// The commit a secret is reported in: cordon does not know it.
const UNKNOWN_COMMIT: &str = "0000000";

/// The three report types, with the finding kinds each one takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReportType {
    Sast,
    DependencyScanning,
    SecretDetection,
}

impl ReportType {
    const ALL: [ReportType; 3] = [
        ReportType::Sast,
        ReportType::DependencyScanning,
        ReportType::SecretDetection,
    ];

    fn file(self) -> &'static str {
        match self {
            ReportType::Sast => SAST_FILE,
            ReportType::DependencyScanning => DEPENDENCY_SCANNING_FILE,
            ReportType::SecretDetection => SECRET_DETECTION_FILE,
        }
    }

    /// `scan.type`.
    fn scan_type(self) -> &'static str {
        match self {
            ReportType::Sast => "sast",
            ReportType::DependencyScanning => "dependency_scanning",
            ReportType::SecretDetection => "secret_detection",
        }
    }

    /// The schema's file name in GitLab's schema repository.
    fn schema_file(self) -> &'static str {
        match self {
            ReportType::Sast => "sast-report-format.json",
            ReportType::DependencyScanning => "dependency-scanning-report-format.json",
            ReportType::SecretDetection => "secret-detection-report-format.json",
        }
    }

    fn of(kind: FindingKind) -> ReportType {
        match kind {
            FindingKind::Sast | FindingKind::Iac | FindingKind::Dast | FindingKind::Other => {
                ReportType::Sast
            }
            FindingKind::Sca | FindingKind::Container => ReportType::DependencyScanning,
            FindingKind::Secret => ReportType::SecretDetection,
        }
    }
}

/// Render the three GitLab security reports of `report`: `(file name,
/// bytes)` for [`SAST_FILE`], [`DEPENDENCY_SCANNING_FILE`] and
/// [`SECRET_DETECTION_FILE`], in that order, always all three. Each is
/// pretty-printed JSON ending in a newline, and the same run gives the same
/// bytes.
pub fn render(report: &RunReport, meta: &Meta) -> Vec<(&'static str, Vec<u8>)> {
    let rows = view::prioritised(report);
    let mut ids = HashSet::new();
    ReportType::ALL
        .into_iter()
        .map(|t| (t.file(), render_one(report, meta, &rows, t, &mut ids)))
        .collect()
}

/// One report: the rows of its kinds, suppressed ones left out. `ids` are
/// the vulnerability ids already used (in any of the three files).
fn render_one(
    report: &RunReport,
    meta: &Meta,
    rows: &[Row<'_>],
    t: ReportType,
    ids: &mut HashSet<String>,
) -> Vec<u8> {
    let vulnerabilities: Vec<Value> = rows
        .iter()
        .filter(|r| ReportType::of(r.finding.kind) == t)
        .filter(|r| r.action() != Some(Action::Suppressed))
        .map(|r| vulnerability(r, t, unique_id(&r.finding.fingerprint, ids)))
        .collect();
    let schema = format!(
        "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v{SCHEMA_VERSION}/dist/{}",
        t.schema_file()
    );
    let doc = json!({
        "version": SCHEMA_VERSION,
        "schema": schema,
        "scan": scan(report, meta, t),
        "vulnerabilities": vulnerabilities,
    });
    let mut bytes = format!("{doc:#}").into_bytes();
    bytes.push(b'\n');
    bytes
}

/// The `scan` object: cordon as analyzer and scanner.
fn scan(report: &RunReport, meta: &Meta, t: ReportType) -> Value {
    let cordon = json!({
        "id": "cordon",
        "name": "cordon",
        "version": non_empty(one_line(&report.cordon_version), "unknown"),
        "vendor": { "name": "cordon" },
    });
    let status = if report.errors.is_empty() {
        "success"
    } else {
        "failure"
    };
    let mut scan = Map::new();
    scan.insert("analyzer".into(), cordon.clone());
    scan.insert("scanner".into(), cordon);
    scan.insert("type".into(), t.scan_type().into());
    scan.insert("start_time".into(), time(meta.started).into());
    scan.insert("end_time".into(), time(meta.finished).into());
    scan.insert("status".into(), status.into());
    let messages: Vec<Value> = report
        .errors
        .iter()
        .map(|e| one_line(&e.message))
        .filter(|m| !m.trim().is_empty())
        .map(|m| json!({ "level": "warn", "value": m }))
        .collect();
    if !messages.is_empty() {
        scan.insert("messages".into(), messages.into());
    }
    Value::Object(scan)
}

/// `yyyy-mm-ddThh:mm:ss` in UTC, no zone designator (the schemas'
/// pattern), with `secs` clamped to what four year digits can spell.
fn time(secs: i64) -> String {
    let mut t = cordon_signing::time::format_time(secs.clamp(0, TIME_MAX));
    if t.ends_with('Z') {
        t.pop();
    }
    t
}

/// One vulnerability, with id `id`.
fn vulnerability(r: &Row<'_>, t: ReportType, id: String) -> Value {
    let f = r.finding;
    let title = if f.title.trim().is_empty() {
        &f.rule_id
    } else {
        &f.title
    };
    let mut v = Map::new();
    v.insert("id".into(), id.into());
    v.insert(
        "name".into(),
        truncate(&non_empty(one_line(title), "finding"), NAME_MAX).into(),
    );
    if let Some(description) = description(f) {
        v.insert("description".into(), description.into());
    }
    v.insert("severity".into(), severity(r.severity()).into());
    if let Some(solution) = solution(f) {
        v.insert("solution".into(), solution.into());
    }
    v.insert("identifiers".into(), identifiers(f).into());
    v.insert("location".into(), location(r, t));
    v.insert("details".into(), details(r));
    Value::Object(v)
}

/// `fingerprint`'s [`uuid`], or, when another vulnerability has that id
/// already, the first free one of the fingerprint and a counter.
fn unique_id(fingerprint: &str, taken: &mut HashSet<String>) -> String {
    let mut id = uuid(fingerprint.as_bytes());
    let mut n = 1u64;
    while !taken.insert(id.clone()) {
        n += 1;
        id = uuid(format!("{fingerprint}\0{n}").as_bytes());
    }
    id
}

/// A UUID (RFC 9562 version 8, the custom layout) of the first 16 bytes of
/// the SHA-256 of `data`.
fn uuid(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// GitLab's name of a severity.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// The message (the title when there is none) as a fenced code block, so
/// GitLab's Markdown renders none of it; none when both are blank.
fn description(f: &Finding) -> Option<String> {
    let text = [&f.message, &f.title]
        .into_iter()
        .find(|s| !s.trim().is_empty())?;
    let body = truncate(&multi_line(text), DESCRIPTION_TEXT_MAX);
    let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
    Some(format!("{fence}\n{body}\n{fence}"))
}

/// The length of the longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// "Upgrade `name` to a fixed version: `v1`, `v2`." when the finding names
/// fixed versions; as many versions as fit in [`SOLUTION_MAX`], then how
/// many more there are.
fn solution(f: &Finding) -> Option<String> {
    let c = f.component.as_ref()?;
    let fixed: Vec<&str> = c
        .fixed_versions
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if fixed.is_empty() {
        return None;
    }
    let mut text = if c.name.trim().is_empty() {
        "Upgrade to a fixed version:".to_owned()
    } else {
        format!(
            "Upgrade {} to a fixed version:",
            sanitize::markdown_code(c.name.trim(), SOLUTION_PART_MAX)
        )
    };
    // Room for the longest possible tail, " (and N more).".
    let reserve = format!(" (and {} more).", fixed.len()).len();
    let mut chars = text.chars().count();
    let mut listed = 0;
    for v in &fixed {
        let separator = if listed == 0 { " " } else { ", " };
        let part = format!(
            "{separator}{}",
            sanitize::markdown_code(v, SOLUTION_PART_MAX)
        );
        let n = part.chars().count();
        if chars + n + reserve > SOLUTION_MAX {
            break;
        }
        text.push_str(&part);
        chars += n;
        listed += 1;
    }
    if listed < fixed.len() {
        text.push_str(&format!(" (and {} more).", fixed.len() - listed));
    } else {
        text.push('.');
    }
    Some(text)
}

/// The identifiers: first the primary one, the tool's rule, then CVE,
/// GHSA and other advisory ids, then CWEs.
fn identifiers(f: &Finding) -> Vec<Value> {
    let rule = non_empty(one_line(&f.rule_id), "unknown");
    let mut primary = Map::new();
    primary.insert("type".into(), tool_type(&f.tool).into());
    primary.insert("name".into(), rule.clone().into());
    primary.insert("value".into(), rule.into());
    if let Some(url) = f.help_uri.as_deref().filter(|u| is_http(u)) {
        primary.insert("url".into(), url.into());
    }
    let mut ids = vec![Value::Object(primary)];
    let mut seen = HashSet::new();
    for id in &f.vulnerability_ids {
        let id = one_line(id.trim());
        let upper = id.to_ascii_uppercase();
        if id.is_empty() || !seen.insert(upper.clone()) {
            continue;
        }
        let plain = is_slug(&id);
        let (kind, id, url) = if plain && upper.starts_with("CVE-") {
            let url = format!("https://nvd.nist.gov/vuln/detail/{upper}");
            ("cve".to_owned(), upper, Some(url))
        } else if plain && upper.starts_with("GHSA-") {
            let id = ghsa(&id);
            let url = format!("https://github.com/advisories/{id}");
            ("ghsa".to_owned(), id, Some(url))
        } else {
            (advisory_type(&id), id, None)
        };
        let mut v = Map::new();
        v.insert("type".into(), kind.into());
        v.insert("name".into(), id.clone().into());
        v.insert("value".into(), id.into());
        if let Some(url) = url {
            v.insert("url".into(), url.into());
        }
        ids.push(Value::Object(v));
    }
    let mut cwes = f.cwes.clone();
    cwes.sort_unstable();
    cwes.dedup();
    ids.extend(cwes.into_iter().map(|n| {
        json!({
            "type": "cwe",
            "name": format!("CWE-{n}"),
            "value": n.to_string(),
            "url": format!("https://cwe.mitre.org/data/definitions/{n}.html"),
        })
    }));
    ids
}

/// A GHSA id as GitHub spells it: `GHSA-` then lowercase.
fn ghsa(id: &str) -> String {
    let rest = id.get(5..).unwrap_or("");
    format!("GHSA-{}", rest.to_ascii_lowercase())
}

/// The identifier type of an advisory id other than CVE and GHSA: its
/// prefix before the first `-`, lowercased (`RUSTSEC-2024-1` is
/// `rustsec`), or `advisory`.
fn advisory_type(id: &str) -> String {
    match id.split_once('-') {
        Some((prefix, _)) if !prefix.is_empty() && is_slug(prefix) => prefix.to_ascii_lowercase(),
        _ => "advisory".to_owned(),
    }
}

/// The primary identifier's type: the tool's name when it is a plain name
/// (`semgrep`, `trivy`), else `cordon_rule`.
fn tool_type(tool: &str) -> String {
    if !tool.is_empty() && tool.len() <= 64 && is_slug(tool) {
        tool.to_ascii_lowercase()
    } else {
        "cordon_rule".to_owned()
    }
}

/// ASCII letters, digits, `-`, `_` and `.` only.
fn is_slug(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether `u` is an `http://` or `https://` URL with something after the
/// scheme (the schemas' pattern), and no control, space or bidi character.
fn is_http(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty())
        && !u.chars().any(char::is_whitespace)
        && sanitize::terminal(u) == u
}

/// The path a finding is reported at, repository-relative as far as cordon
/// knows: its first location's (already canonical), else its input
/// report's ([`paths::canonical`]), made safe with [`sanitize::terminal`];
/// `unknown` when there is neither.
pub(crate) fn report_path(r: &Row<'_>) -> String {
    let path = match r.location().map(|l| l.path.as_str()) {
        Some(p) if !p.is_empty() => p.to_owned(),
        _ => paths::canonical(r.input_path(), &[]),
    };
    non_empty(one_line(&path), "unknown")
}

/// The `location` object of the report type.
fn location(r: &Row<'_>, t: ReportType) -> Value {
    let mut m = Map::new();
    m.insert("file".into(), report_path(r).into());
    match t {
        ReportType::Sast | ReportType::SecretDetection => {
            if let Some(l) = r.location()
                && let Some(start) = l.start_line.filter(|n| *n >= 1)
            {
                let end = l.end_line.filter(|n| *n >= start).unwrap_or(start);
                m.insert("start_line".into(), start.into());
                m.insert("end_line".into(), end.into());
            }
            if t == ReportType::SecretDetection {
                m.insert("commit".into(), json!({ "sha": UNKNOWN_COMMIT }));
            }
        }
        ReportType::DependencyScanning => {
            let c = r.finding.component.as_ref();
            let name = non_empty(one_line(c.map_or("", |c| c.name.as_str())), "unknown");
            let version = c
                .and_then(|c| c.version.as_deref())
                .map(one_line)
                .unwrap_or_default();
            m.insert(
                "dependency".into(),
                json!({ "package": { "name": name }, "version": version }),
            );
        }
    }
    Value::Object(m)
}

/// `details`: the tool and, when there is one, the decision, as text.
fn details(r: &Row<'_>) -> Value {
    let f = r.finding;
    let tool = match f.tool_version.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => format!("{} {v}", f.tool),
        _ => f.tool.clone(),
    };
    let mut d = Map::new();
    d.insert("cordon_tool".into(), text_detail("Tool", &tool));
    if let Some(dec) = r.decision {
        let decision = format!("{} by {}: {}", dec.action.as_str(), dec.rule_id, dec.reason);
        d.insert(
            "cordon_decision".into(),
            text_detail("cordon decision", &decision),
        );
    }
    Value::Object(d)
}

/// A `text` detail named `name`.
fn text_detail(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": "text", "value": non_empty(one_line(value), "unknown") })
}

/// `s` made safe on one line ([`sanitize::terminal`]).
pub(crate) fn one_line(s: &str) -> String {
    sanitize::terminal(s).into_owned()
}

/// `s` with each line made safe ([`sanitize::terminal`]), newlines and
/// tabs kept, a `\r` before a newline dropped.
fn multi_line(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            line.strip_suffix('\r')
                .unwrap_or(line)
                .split('\t')
                .map(sanitize::terminal)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first `max` characters of `s`.
fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// `s`, or `fallback` when it is blank.
pub(crate) fn non_empty(s: String, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlab_uuid_layout() {
        let u = uuid(b"abc");
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert_eq!(u, uuid(b"abc"));
        assert_ne!(u, uuid(b"abd"));
    }

    #[test]
    fn gitlab_unique_ids_for_a_repeated_fingerprint() {
        let mut taken = HashSet::new();
        let a = unique_id("fp", &mut taken);
        let b = unique_id("fp", &mut taken);
        let c = unique_id("fp", &mut taken);
        assert_eq!(a, uuid(b"fp"));
        assert_eq!(b, uuid(b"fp\x002"));
        assert_eq!(c, uuid(b"fp\x003"));
    }

    #[test]
    fn gitlab_time_format() {
        assert_eq!(time(0), "1970-01-01T00:00:00");
        assert_eq!(time(1_700_000_000), "2023-11-14T22:13:20");
        assert_eq!(time(-5), "1970-01-01T00:00:00");
        assert_eq!(time(TIME_MAX), "9999-12-31T23:59:59");
        assert_eq!(time(i64::MAX), "9999-12-31T23:59:59");
    }

    #[test]
    fn gitlab_truncate_on_char_boundary() {
        assert_eq!(truncate("héllo", 2), "hé");
        assert_eq!(truncate("ab", 5), "ab");
        assert_eq!(
            truncate(&"é".repeat(300), NAME_MAX).chars().count(),
            NAME_MAX
        );
    }

    #[test]
    fn gitlab_identifier_types() {
        assert_eq!(tool_type("semgrep"), "semgrep");
        assert_eq!(tool_type("inject\u{1b}]8;;x"), "cordon_rule");
        assert_eq!(tool_type(""), "cordon_rule");
        assert_eq!(advisory_type("RUSTSEC-2024-1"), "rustsec");
        assert_eq!(advisory_type("weird id"), "advisory");
        assert_eq!(advisory_type("-1"), "advisory");
        assert_eq!(ghsa("GHSA-952P-6RRQ-RCJV"), "GHSA-952p-6rrq-rcjv");
        assert!(is_http("https://x.example/a"));
        assert!(!is_http("javascript:alert(1)"));
        assert!(!is_http("https://"));
        assert!(!is_http("https://x.example/\u{202e}a"));
        assert!(!is_http("https://x.example/ a"));
    }

    #[test]
    fn gitlab_description_fence_outlasts_backticks() {
        let mut f: Finding = serde_json::from_value(json!({
            "tool": "t", "tool_version": null, "rule_id": "r", "title": "T",
            "message": "a ```` b\n```\nc\td\u{1b}[2J", "severity": "high",
            "tool_severity": null, "severity_source": "tool", "kind": "sast",
            "locations": [], "component": null, "vulnerability_ids": [],
            "cwes": [], "tags": [], "help_uri": null, "fingerprint": "f",
            "source_pointer": "", "input": 0, "occurrences": 1, "sources": []
        }))
        .expect("finding");
        assert_eq!(
            description(&f).as_deref(),
            Some("`````\na ```` b\n```\nc\td\\u{1b}[2J\n`````")
        );
        f.message = " ".into();
        assert_eq!(description(&f).as_deref(), Some("```\nT\n```"));
        f.title = String::new();
        assert_eq!(description(&f), None);
        f.message = "`".repeat(DESCRIPTION_MAX);
        let d = description(&f).expect("description");
        assert!(d.chars().count() <= DESCRIPTION_MAX);
    }
}
