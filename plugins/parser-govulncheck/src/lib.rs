//! `parser-govulncheck`: govulncheck JSON output into cordon findings.
//!
//! # Input
//!
//! Three shapes:
//!
//! | shape | what it looks like | format name |
//! |---|---|---|
//! | stream (`govulncheck -json`, 1.0+) | JSON objects written one after another (pretty-printed, so neither an array nor NDJSON): `config`, `progress`, `SBOM`, `osv`, `finding` messages | `govulncheck-json-stream` |
//! | stream in an array | the same messages wrapped in a JSON array | `govulncheck-json-stream` |
//! | pre-1.0 (`govulncheck -json` before 1.0) | one object with `Vulns`, `Requires`, `Calls`, `Imports` | `govulncheck-json-legacy` |
//!
//! * A UTF-8 byte-order mark is skipped; an empty (or all-whitespace) input
//!   is `malformed-input`.
//! * Invalid JSON (anywhere in the stream), or a property of the wrong type,
//!   is `malformed-input` with the line and column serde_json reports.
//!   Unknown properties and unknown message kinds are ignored; `null` counts
//!   as absent.
//! * A SARIF log (`govulncheck -format sarif`, an object with `runs`) is
//!   `unsupported-format`: it belongs to the SARIF parser. So is a document
//!   without any govulncheck message.
//!
//! # Findings
//!
//! **Stream:** one finding per `finding` message. govulncheck writes several
//! per vulnerability as it learns more: one at module level (the vulnerable
//! module is required), one at package level (a vulnerable package is
//! imported) and one per call stack at symbol level (a vulnerable function
//! is called). They share rule id, component and ids, so the normalizer
//! keeps one finding per (OSV id, module, version) with the highest
//! severity, i.e. the deepest reachability found. The findings come in the
//! order the stream first names each (OSV id, module, version), and within
//! one such group deepest level first (then stream order), so that the
//! finding the normalizer keeps is the one whose trace decided its
//! severity.
//!
//! **Pre-1.0:** one finding per `Vulns` entry (one per affected symbol);
//! the normalizer merges them per (OSV id, module, version) in the same way.
//!
//! # Mapping
//!
//! | finding field | stream | pre-1.0 |
//! |---|---|---|
//! | `tool`, `tool-version` | `govulncheck`, `config.scanner_version` | `govulncheck`, none |
//! | `rule-id` | `finding.osv` (`GO-…`; `unknown` when absent) | `OSV.id` |
//! | `title` | `<osv> in <module> <version>` | same |
//! | `message` | the OSV record's `summary` and `details`, the reachability, the trace (one line per frame: `package.Receiver.function (file:line:column)`) | `summary`, `details`, the reachability, `PkgPath.Symbol` |
//! | `severity` | see below | see below |
//! | `kind` | `sca` | `sca` |
//! | `locations` | none (the call sites are in the message; a location would split one vulnerable module into one finding per call stack) | none |
//! | `component` | module and version of the trace's first frame; fixed version `finding.fixed_version` | `ModPath`, `Requires.Modules[RequireSink].Version`; fixed versions = the `fixed` events of the module's `affected` ranges |
//! | `vulnerability-ids` | the OSV id and the record's `aliases` (CVE, GHSA) | same |
//! | `cwes` | none | none |
//! | `tags` | `reachability:<symbol\|package\|module>` | same |
//! | `help-uri` | `database_specific.url`, else `https://pkg.go.dev/vuln/<id>` | same |
//! | `source-pointer` | `line:N`, the line where the message starts (array: `/<index>`) | `/Vulns/<i>` |
//!
//! # Severity
//!
//! The Go vulnerability database has no severities; govulncheck reports how
//! far the vulnerable code is reachable. The level is read from the first
//! frame of the trace (pre-1.0: from `CallSink` / `ImportSink`):
//!
//! | reachability | meaning | cordon |
//! |---|---|---|
//! | `symbol` (the frame has a `function`; pre-1.0: `CallSink` ≠ 0) | a vulnerable function is called | high |
//! | `package` (a `package`; `ImportSink` ≠ 0) | a vulnerable package is imported, no vulnerable call found | low |
//! | `module` (neither) | a vulnerable module is required | info |
//!
//! An OSV record that carries a severity name of its own (`"severity":
//! "High"`, written by custom vulnerability databases) is used instead:
//! `critical`, `high`, `medium` / `moderate`, `low`, `info`, any case.
//! `tool-severity` is that name, or the reachability level;
//! `severity-source` is `tool` either way (reachability is how govulncheck
//! ranks what it finds, and what it fails on). govulncheck's SARIF writes
//! the reachability as its `level` (relative to the scan level), which
//! `parser-sarif` maps back onto this table.

mod model;

use cordon_parser_support::{finding, json_error_as, nonempty, one_line, package_title, strip_bom};
use cordon_sdk::{Component, Finding, FindingKind, Parser, Severity, SeveritySource, StageError};
use model::{Frame, LegacyVuln, Message, Obj, Osv};
use serde::de::IgnoredAny;
use std::collections::HashMap;

/// Format name of the message stream (concatenated or in an array).
pub const FORMAT_STREAM: &str = "govulncheck-json-stream";
/// Format name of the pre-1.0 result object.
pub const FORMAT_LEGACY: &str = "govulncheck-json-legacy";
/// The tool name every finding carries.
pub const TOOL: &str = "govulncheck";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};
/// The start of the error message for JSON of the wrong shape.
const DATA_ERROR: &str = "not valid govulncheck JSON output";
/// The most trace frames a message lists.
pub const TRACE_MAX_FRAMES: usize = 32;

/// How far govulncheck found the vulnerable code to be reachable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reachability {
    /// A vulnerable function is called.
    Symbol,
    /// A vulnerable package is imported.
    Package,
    /// A vulnerable module is required.
    Module,
}

impl Reachability {
    /// The level's name, as govulncheck calls it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reachability::Symbol => "symbol",
            Reachability::Package => "package",
            Reachability::Module => "module",
        }
    }

    /// The severity of a finding at this level (see the crate docs).
    pub fn severity(self) -> Severity {
        match self {
            Reachability::Symbol => Severity::High,
            Reachability::Package => Severity::Low,
            Reachability::Module => Severity::Info,
        }
    }

    /// Sort key: deepest reachability first.
    fn depth(self) -> u8 {
        match self {
            Reachability::Symbol => 0,
            Reachability::Package => 1,
            Reachability::Module => 2,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Reachability::Symbol => "Reachability: symbol (a vulnerable function is called)",
            Reachability::Package => {
                "Reachability: package (a vulnerable package is imported; no vulnerable call found)"
            }
            Reachability::Module => "Reachability: module (a vulnerable module is required)",
        }
    }
}

/// The stage, registered below.
pub struct GovulncheckParser;

impl Parser for GovulncheckParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(GovulncheckParser);

/// Parse govulncheck JSON output (any of the three shapes) into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(report);
    let Some(first) = bytes.iter().copied().find(|b| !b.is_ascii_whitespace()) else {
        return Err(StageError::malformed(
            "empty input: expected govulncheck JSON output",
            None,
            None,
            None,
        ));
    };
    let mut state = State::default();
    match first {
        b'[' => {
            let messages: Vec<Obj<Message>> =
                serde_json::from_slice(bytes).map_err(|e| json_error_as(&e, DATA_ERROR))?;
            for (i, m) in messages.into_iter().enumerate() {
                state.message(m.0, format!("/{i}"))?;
            }
        }
        b'{' => {
            let mut lines = LineCounter::new(bytes);
            let mut stream =
                serde_json::Deserializer::from_slice(bytes).into_iter::<Obj<Message>>();
            loop {
                let start = stream.byte_offset();
                match stream.next() {
                    None => break,
                    Some(Err(e)) => return Err(json_error_as(&e, DATA_ERROR)),
                    Some(Ok(m)) => {
                        let line = lines.line_of_value_at(start);
                        state.message(m.0, format!("line:{line}"))?;
                    }
                }
            }
        }
        _ => {
            serde_json::from_slice::<IgnoredAny>(bytes)
                .map_err(|e| json_error_as(&e, DATA_ERROR))?;
            return Err(not_govulncheck(
                "the top-level JSON value must be an object or an array of messages",
            ));
        }
    }
    state.finish()
}

fn not_govulncheck(what: &str) -> StageError {
    StageError::UnsupportedFormat(format!("not govulncheck JSON output: {what}"))
}

/// Finds the line a value starts on, counting newlines only once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The 1-based line of the first non-whitespace byte at or after
    /// `offset` (offsets must not decrease between calls).
    fn line_of_value_at(&mut self, offset: usize) -> usize {
        let rest = self.bytes.get(offset..).unwrap_or_default();
        let start = offset + rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let upto = start.max(self.counted_to);
        let newly = self.bytes.get(self.counted_to..upto).unwrap_or_default();
        self.line += newly.iter().filter(|&&b| b == b'\n').count();
        self.counted_to = upto;
        self.line
    }
}

/// (OSV id, module, version): what the normalizer merges findings by.
type GroupKey<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// A `finding` message waiting for the OSV records of the whole stream.
struct Pending {
    osv: Option<String>,
    fixed_version: Option<String>,
    module: Option<String>,
    version: Option<String>,
    level: Reachability,
    trace: Vec<String>,
    pointer: String,
}

/// What the stream has said so far.
#[derive(Default)]
struct State {
    /// Some message was a govulncheck message.
    recognised: bool,
    tool_version: Option<String>,
    osvs: HashMap<String, Osv>,
    pending: Vec<Pending>,
    /// Findings of a pre-1.0 object, complete.
    legacy: Vec<Finding>,
}

impl State {
    fn message(&mut self, m: Message, pointer: String) -> Result<(), StageError> {
        if m.runs.is_some() {
            return Err(StageError::UnsupportedFormat(
                "this is a SARIF log (it has a top-level 'runs'), not govulncheck's JSON output; \
                 read it with the SARIF parser (--format sarif-2.1.0)"
                    .into(),
            ));
        }
        if let Some(config) = m.config {
            self.recognised = true;
            let is_govulncheck = nonempty(&config.scanner_name).is_none_or(|n| n == TOOL);
            if is_govulncheck && self.tool_version.is_none() {
                self.tool_version = nonempty(&config.scanner_version).map(str::to_string);
            }
        }
        if m.progress.is_some() || m.sbom.is_some() {
            self.recognised = true;
        }
        if let Some(osv) = m.osv {
            self.recognised = true;
            if let Some(id) = nonempty(&osv.id).map(str::to_string) {
                self.osvs.entry(id).or_insert(osv.0);
            }
        }
        if let Some(f) = m.finding {
            self.recognised = true;
            let f = f.0;
            let frames = f.trace.as_deref().unwrap_or_default();
            let sink = frames.first().map(|o| &**o);
            self.pending.push(Pending {
                osv: nonempty(&f.osv).map(str::to_string),
                fixed_version: nonempty(&f.fixed_version).map(str::to_string),
                module: sink.and_then(|s| nonempty(&s.module)).map(str::to_string),
                version: sink.and_then(|s| nonempty(&s.version)).map(str::to_string),
                level: sink.map_or(Reachability::Module, level_of),
                trace: frames
                    .iter()
                    .take(TRACE_MAX_FRAMES)
                    .map(|f| frame_text(f))
                    .collect(),
                pointer,
            });
        }
        let legacy =
            m.vulns.is_some() || m.requires.is_some() || m.calls.is_some() || m.imports.is_some();
        if legacy {
            self.recognised = true;
            let versions: HashMap<&str, &str> = m
                .requires
                .as_ref()
                .and_then(|r| r.modules.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.as_str(), nonempty(&v.version)?)))
                .collect();
            for (i, v) in m.vulns.iter().flatten().flatten().enumerate() {
                let f = legacy_finding(v, &versions, i);
                self.legacy.push(f);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<Finding>, StageError> {
        if !self.recognised {
            return Err(not_govulncheck(
                "no config, progress, osv, finding or SBOM message and no pre-1.0 result",
            ));
        }
        // Stream order of first appearance per (OSV id, module, version);
        // within such a group the deepest reachability first, so that the
        // finding the normalizer keeps carries the trace that decided its
        // severity.
        let mut first: HashMap<GroupKey<'_>, usize> = HashMap::new();
        let mut order: Vec<(usize, u8, usize)> = Vec::with_capacity(self.pending.len());
        for (i, p) in self.pending.iter().enumerate() {
            let key = (p.osv.as_deref(), p.module.as_deref(), p.version.as_deref());
            let group = *first.entry(key).or_insert(i);
            order.push((group, p.level.depth(), i));
        }
        order.sort_unstable();
        let mut out = self.legacy;
        for p in order.iter().filter_map(|&(_, _, i)| self.pending.get(i)) {
            let osv = p.osv.as_deref().and_then(|id| self.osvs.get(id));
            out.push(stream_finding(p, osv, &self.tool_version));
        }
        Ok(out)
    }
}

/// The reachability level of a trace's first frame (as govulncheck and
/// DefectDojo read it: a `function` means symbol, a `package` package).
fn level_of(sink: &Frame) -> Reachability {
    if sink.function.is_some() {
        Reachability::Symbol
    } else if sink.package.is_some() {
        Reachability::Package
    } else {
        Reachability::Module
    }
}

/// One trace frame as text: `package.Receiver.function (file:line:column)`.
fn frame_text(f: &Frame) -> String {
    let mut symbol: Vec<&str> = Vec::new();
    for part in [&f.package, &f.receiver, &f.function] {
        if let Some(p) = nonempty(part) {
            symbol.push(p.trim_start_matches('*'));
        }
    }
    let mut text = if symbol.is_empty() {
        nonempty(&f.module).unwrap_or("?").to_string()
    } else {
        symbol.join(".")
    };
    if let Some(pos) = f.position.as_deref()
        && let Some(file) = nonempty(&pos.filename)
    {
        text.push_str(&format!(" ({file}"));
        if let Some(line) = pos.line.filter(|&l| l > 0) {
            text.push_str(&format!(":{line}"));
            if let Some(col) = pos.column.filter(|&c| c > 0) {
                text.push_str(&format!(":{col}"));
            }
        }
        text.push(')');
    }
    text
}

/// A custom severity name on an OSV record.
pub fn severity_from_name(name: &str) -> Option<Severity> {
    cordon_parser_support::severity_word(name)
}

/// Fields shared by stream and pre-1.0 findings.
struct Common<'a> {
    id: Option<&'a str>,
    osv: Option<&'a Osv>,
    module: Option<&'a str>,
    version: Option<&'a str>,
    level: Reachability,
    fixed_versions: Vec<String>,
    detail: Vec<String>,
    tool_version: Option<String>,
    pointer: String,
}

fn build(c: Common<'_>) -> Finding {
    let title = package_title(c.id.unwrap_or("Vulnerability"), c.module, c.version);
    let own = c.osv.and_then(|o| o.severity.0.as_deref()).map(str::trim);
    let (severity, tool_severity) = match own.and_then(severity_from_name) {
        Some(s) => (s, own.unwrap_or_default().to_string()),
        None => (c.level.severity(), c.level.as_str().to_string()),
    };
    let mut message: Vec<String> = Vec::new();
    for part in [
        c.osv.and_then(|o| nonempty(&o.summary)),
        c.osv.and_then(|o| nonempty(&o.details)),
    ]
    .into_iter()
    .flatten()
    {
        message.push(part.to_string());
    }
    message.push(c.level.describe().to_string());
    message.extend(c.detail);

    let mut vulnerability_ids: Vec<String> = Vec::new();
    let aliases = c
        .osv
        .and_then(|o| o.aliases.as_ref())
        .into_iter()
        .flatten()
        .map(|s| s.trim());
    for x in c.id.into_iter().chain(aliases) {
        if !x.is_empty() && !vulnerability_ids.iter().any(|y| y == x) {
            vulnerability_ids.push(x.to_string());
        }
    }
    let help_uri = c
        .osv
        .and_then(|o| o.database_specific.as_ref())
        .and_then(|d| nonempty(&d.url))
        .map(str::to_string)
        .or_else(|| c.id.map(|id| format!("https://pkg.go.dev/vuln/{id}")));

    Finding {
        tool_version: c.tool_version,
        message: message.join("\n\n"),
        tool_severity: Some(tool_severity),
        component: c.module.map(|m| Component {
            name: m.to_string(),
            version: c.version.map(str::to_string),
            purl: None,
            fixed_versions: c.fixed_versions,
        }),
        vulnerability_ids,
        tags: vec![format!("reachability:{}", c.level.as_str())],
        help_uri,
        source_pointer: c.pointer,
        // Both the record's own name and the reachability are govulncheck's
        // grading, through the documented table.
        severity_source: SeveritySource::Tool,
        ..finding(
            TOOL,
            c.id.unwrap_or(UNKNOWN_RULE).to_string(),
            one_line(&title, TITLE_MAX_CHARS),
            FindingKind::Sca,
            severity,
        )
    }
}

fn stream_finding(p: &Pending, osv: Option<&Osv>, tool_version: &Option<String>) -> Finding {
    let detail = if p.trace.is_empty() {
        Vec::new()
    } else {
        vec![format!("Trace:\n{}", p.trace.join("\n"))]
    };
    build(Common {
        id: p.osv.as_deref(),
        osv,
        module: p.module.as_deref(),
        version: p.version.as_deref(),
        level: p.level,
        fixed_versions: p.fixed_version.iter().cloned().collect(),
        detail,
        tool_version: tool_version.clone(),
        pointer: p.pointer.clone(),
    })
}

fn legacy_finding(v: &LegacyVuln, versions: &HashMap<&str, &str>, i: usize) -> Finding {
    let osv = v.osv.as_deref();
    let module = nonempty(&v.mod_path);
    let version = v
        .require_sink
        .and_then(|k| versions.get(k.to_string().as_str()).copied());
    let level = if v.call_sink.is_some_and(|n| n != 0) {
        Reachability::Symbol
    } else if v.import_sink.is_some_and(|n| n != 0) {
        Reachability::Package
    } else {
        Reachability::Module
    };
    let mut fixed_versions: Vec<String> = Vec::new();
    let affected = osv.and_then(|o| o.affected.as_ref()).into_iter().flatten();
    for a in affected {
        let name = a.package.as_ref().and_then(|p| nonempty(&p.name));
        if module.is_some() && name != module {
            continue;
        }
        for range in a.ranges.iter().flatten() {
            for event in range.events.iter().flatten() {
                if let Some(f) = nonempty(&event.fixed)
                    && !fixed_versions.iter().any(|x| x == f)
                {
                    fixed_versions.push(f.to_string());
                }
            }
        }
    }
    let symbol = match (nonempty(&v.pkg_path), nonempty(&v.symbol)) {
        (Some(p), Some(s)) => Some(format!("Symbol: {p}.{s}")),
        (None, Some(s)) => Some(format!("Symbol: {s}")),
        (Some(p), None) => Some(format!("Package: {p}")),
        (None, None) => None,
    };
    build(Common {
        id: osv.and_then(|o| nonempty(&o.id)),
        osv,
        module,
        version,
        level,
        fixed_versions,
        detail: symbol.into_iter().collect(),
        tool_version: None,
        pointer: format!("/Vulns/{i}"),
    })
}

#[cfg(test)]
mod tests;
