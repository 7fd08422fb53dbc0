//! `parser-sarif`: SARIF 2.1.0 logs into cordon findings.
//!
//! One finding per SARIF `result`, across all runs, in document order. A
//! result with several locations stays one finding with several locations;
//! results of every `kind` (`pass`, `open`, `informational`, ...) are kept.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped. Line and column numbers in errors
//!   count from the first byte after it.
//! * The JSON must be well formed; a syntax error or a property of the wrong
//!   type is a `malformed-input` error with the line and column serde_json
//!   reports. Unknown properties are ignored.
//! * The top level must be an object with `version` and `runs`. A `version`
//!   other than `2.1.0` is `unsupported-format`. `runs` may be empty or
//!   `null`; a run's `results` may be absent or `null`.
//! * `result.stacks[*].frames` is required (a stack without it is rejected
//!   with a JSON pointer to the stack).
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `run.tool.driver.name` (`unknown` when absent), `.version` (else `.semanticVersion`) |
//! | `rule-id` | `result.ruleId`, else `result.rule.id`, else the id of the rule found by index, else `unknown` |
//! | `title` | the rule's `shortDescription.text`, else the first line of the message, else the rule `name`, else the rule id; at most [`TITLE_MAX_CHARS`] characters |
//! | `message` | `result.message.text`, else `.markdown`, else `message.id` looked up in the rule's `messageStrings` and then the tool component's `globalMessageStrings`, with `{0}`, `{1}` ... replaced by `message.arguments`; else the rule's `fullDescription` / `shortDescription` |
//! | `severity` | see below |
//! | `locations` | every `result.locations[].physicalLocation` with a path (`artifactLocation.uri`, else `run.artifacts[artifactLocation.index].location.uri`), with its `region` lines and columns; logical-only locations are skipped |
//! | `cwes` | `properties.tags` such as `external/cwe/cwe-079`, `CWE-79`, `cwe:79`; `properties.cwe` (string, number or array); rule `relationships` and result `taxa` into a tool component named `CWE` |
//! | `vulnerability-ids` | `CVE-YYYY-NNNN...` and `GHSA-xxxx-xxxx-xxxx` found in the rule id, rule name and tags, upper-cased |
//! | `tags` | rule then result `properties.tags`; `sarif-kind:<kind>` for a `kind` other than `fail`; `suppressed-in-source` when the result carries a suppression that is not `rejected` |
//! | `help-uri` | the rule's `helpUri` |
//! | `kind` | `sca` when there are vulnerability ids, `secret` when the tool name mentions gitleaks, trufflehog or secret, else `sast` |
//! | `component` | none (SARIF has no standard package fields) |
//! | `source-pointer` | `/runs/{r}/results/{i}` |
//!
//! The rule of a result is found by `result.ruleIndex` / `result.rule.index`
//! when given, else by id among the rules of the driver and the extensions
//! (a hierarchical id such as `CA2101/1` falls back to `CA2101`). A
//! `result.rule.toolComponent` reference selects the extension to look in.
//!
//! # Severity
//!
//! For a result whose `kind` is absent or `fail`, the first of these that
//! the log has decides (`severity-source` in brackets; the tool is matched
//! by `tool.driver.name` lower-cased, with an edition suffix such as ` OSS`
//! dropped, as the normalizer does):
//!
//! 1. the tool's own level, for the producers that carry it outside
//!    `level` (`tool`), read through the table the tool's JSON parser uses:
//!    * `bandit`: `result.properties.issue_severity` (`HIGH`, `MEDIUM`,
//!      `LOW`, `UNDEFINED` → info);
//!    * `trivy`: the rule's `properties.tags` entry `CRITICAL` .. `LOW`,
//!      `UNKNOWN` (info); Trivy's `security-severity` is a CVSS score, and
//!      its own level is what `trivy --severity` filters on;
//!    * `grype`: the `Severity: <level>` line of the rule's `help.text`
//!      (`critical` .. `low`, `negligible` → info), for the same reason;
//!    * `dependency-check`: `result.properties.severity`, else
//!      `cvssv3_baseSeverity`, else `cvssv2_severity` (these two `cvss`);
//!    * `govulncheck`: `level` read with the driver's
//!      `properties.scan_level` back into reachability: symbol → high,
//!      package → low, module → info (as its JSON);
//! 2. a `security-severity` property (a score 0.0-10.0, string or number)
//!    on the result, else on its rule (`security-severity`): 9.0 and up
//!    critical, 7.0 high, 4.0 medium, above 0 low, 0 info; a value that is
//!    not such a score (`"HIGH"`, `11`) is ignored;
//! 3. a numeric `priorityScore` in the result's `properties` (Snyk Code
//!    writes one, 0-1000; `tool`): `>= 900` critical, `>= 700` high,
//!    `>= 400` medium, below that low. This is the mapping DefectDojo's
//!    Snyk Code parser uses, and Snyk ranks its issues by that score rather
//!    than by the three SARIF levels;
//! 4. for a tool whose level does not grade findings, its default
//!    (`default`): `checkov` medium and `ruff` low (both write `error` on
//!    every result), `dependency-check` medium (`error` everywhere),
//!    `gitleaks` high (no level; every leak, as its JSON);
//! 5. the SARIF level (`tool`): `result.level`, else a matching
//!    `invocations[].ruleConfigurationOverrides[]` level, else the rule's
//!    `defaultConfiguration.level`, else the rule's `problem.severity`
//!    property (CodeQL's: `error`, `warning`, `recommendation` as `note`):
//!    `error` → high, `warning` → medium, `note` → low, `none` → info;
//! 6. no level anywhere, or a string that is not a level: medium, SARIF's
//!    `warning` default (`default`).
//!
//! For any other `kind` the level is `result.level` (`tool`), else `none`
//! (SARIF §3.27.10; info, `default`). `tool-severity` is the string that
//! decided: the level word, the score as written, or the level
//! (`warning` when there is none).

mod detect;
mod ids;
mod model;

use cordon_parser_support::{
    bandit_level, excerpt, finding, grype_level, json_error, severity_word, strip_bom, title_line,
    trivy_level, ungraded_level_default,
};
use cordon_sdk::{
    Detection, Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError,
};
use ids::{cwes_from_value, find_vulnerability_ids, parse_cwe, push_unique};
use model::{
    DescriptorReference, Log, MultiformatMessage, Obj, Probe, Rule, Run, SarifResult,
    ToolComponent, as_index, as_positive_u32,
};
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

/// The format name reported for a SARIF 2.1.0 log.
pub const FORMAT: &str = "sarif-2.1.0";
/// The format name reported for SARIF whose version is not (visibly) 2.1.0.
pub const GENERIC_FORMAT: &str = "sarif";
/// The only SARIF `version` this parser reads.
pub const SUPPORTED_VERSION: &str = "2.1.0";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "SARIF 2.1.0 log";
/// How much of an unsupported `version` value an error message repeats.
const VERSION_SHOWN_CHARS: usize = 64;
pub use cordon_parser_support::UNKNOWN_RULE;

/// The stage, registered below.
pub struct SarifParser;

impl Parser for SarifParser {
    fn detect(head: &[u8]) -> Option<Detection> {
        detect(head)
    }

    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(SarifParser);

/// Say whether `head` (the first bytes of an input, up to 4 KiB) is SARIF.
///
/// After an optional BOM and whitespace the document must start with `{`.
/// It is claimed with confidence 90 when its top-level `$schema` mentions
/// `sarif`, and with 70 when the top level has a `runs` key and either a
/// `version` key or a `runs[0].tool.driver` object (producers that write
/// `version` after a long `runs` array). The format is [`FORMAT`] when the
/// top-level version seen is `2.1.0` (or, with no version in sight, the
/// schema URI names 2.1.0), else [`GENERIC_FORMAT`], so that other SARIF
/// versions still reach [`parse`] and get a clear error. Never fails and
/// never parses the JSON fully.
pub fn detect(head: &[u8]) -> Option<Detection> {
    detect::detect(head)
}

/// Parse a SARIF 2.1.0 log into findings (see the crate docs for the rules).
pub fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StageError::malformed(
            "empty input: expected a SARIF 2.1.0 JSON document",
            None,
            None,
            None,
        ));
    }

    // serde would read a struct from an array too (fields by position).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        serde_json::from_slice::<IgnoredAny>(bytes).map_err(|e| json_error(&e, WHAT))?;
        return Err(not_sarif("the top-level JSON value must be an object", ""));
    }

    // Pass 1: syntax of the whole document, then the version, before the
    // 2.1.0 object model is applied to anything.
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
    match probe.version {
        None => return Err(not_sarif("missing required property 'version'", "/version")),
        Some(Value::String(v)) if v == SUPPORTED_VERSION => {}
        Some(Value::String(v)) => {
            // Quoted and escaped as JSON; a runaway value is cut short.
            return Err(StageError::UnsupportedFormat(format!(
                "SARIF version {} is not supported; this parser reads {SUPPORTED_VERSION}",
                Value::String(excerpt(&v, VERSION_SHOWN_CHARS))
            )));
        }
        Some(other) => {
            return Err(not_sarif(
                &format!("'version' must be a string, found {}", json_type(&other)),
                "/version",
            ));
        }
    }
    if probe.runs.is_none() {
        return Err(not_sarif("missing required property 'runs'", "/runs"));
    }

    // Pass 2: the runs.
    let log: Log = serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
    let runs = log.runs.unwrap_or_default();
    let mut findings = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let results = run.results.as_deref().unwrap_or_default();
        findings.reserve(results.len());
        for (i, result) in results.iter().enumerate() {
            check_stacks(result, r, i)?;
            findings.push(convert(run, result, r, i));
        }
    }
    Ok(findings)
}

fn not_sarif(what: &str, pointer: &str) -> StageError {
    StageError::malformed(
        format!("not a SARIF log: {what}"),
        None,
        None,
        Some(pointer.to_string()),
    )
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Enforce the schema's `required: ["frames"]` on every stack of a result.
fn check_stacks(result: &SarifResult, r: usize, i: usize) -> Result<(), StageError> {
    for (s, stack) in result.stacks.iter().flatten().enumerate() {
        if stack.frames.is_none() {
            return Err(StageError::malformed(
                "invalid SARIF 2.1.0 log: stack is missing required property 'frames'",
                None,
                None,
                Some(format!("/runs/{r}/results/{i}/stacks/{s}")),
            ));
        }
    }
    Ok(())
}

/// Which tool component of a run a rule lives in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ComponentRef {
    Driver,
    Extension(usize),
}

/// A result's rule, once found.
struct RuleMatch<'a> {
    rule: &'a Rule,
    component: ComponentRef,
    index: usize,
}

fn driver(run: &Run) -> Option<&ToolComponent> {
    run.tool.as_deref()?.driver.as_deref()
}

fn extensions(run: &Run) -> &[Obj<ToolComponent>] {
    run.tool
        .as_ref()
        .and_then(|t| t.extensions.as_deref())
        .unwrap_or_default()
}

fn component(run: &Run, c: ComponentRef) -> Option<&ToolComponent> {
    match c {
        ComponentRef::Driver => driver(run),
        ComponentRef::Extension(k) => extensions(run).get(k).map(|e| &**e),
    }
}

fn rules(run: &Run, c: ComponentRef) -> &[Obj<Rule>] {
    component(run, c)
        .and_then(|tc| tc.rules.as_deref())
        .unwrap_or_default()
}

/// The component a `toolComponent` reference names, if it names one that
/// exists. `None` in the reference (absent) means the driver.
fn resolve_component(
    run: &Run,
    reference: Option<&model::ToolComponentReference>,
) -> Option<ComponentRef> {
    let Some(tc) = reference else {
        return Some(ComponentRef::Driver);
    };
    if let Some(k) = as_index(tc.index.as_ref()) {
        return (k < extensions(run).len()).then_some(ComponentRef::Extension(k));
    }
    let name = tc.name.as_deref()?;
    if driver(run).and_then(|d| d.name.as_deref()) == Some(name) {
        return Some(ComponentRef::Driver);
    }
    extensions(run)
        .iter()
        .position(|e| e.name.as_deref() == Some(name))
        .map(ComponentRef::Extension)
}

/// `id`, then its hierarchical parents (`a/b/c`, `a/b`, `a`).
fn id_candidates(id: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(id), |s| s.rfind('/').and_then(|p| s.get(..p)))
        .filter(|s| !s.is_empty())
}

fn find_rule<'a>(run: &'a Run, result: &SarifResult) -> Option<RuleMatch<'a>> {
    let reference = result.rule.as_ref();
    let explicit = reference.and_then(|r| r.tool_component.as_deref());
    let home = resolve_component(run, explicit)?;

    // By index.
    let index = as_index(result.rule_index.as_ref())
        .or_else(|| as_index(reference.and_then(|r| r.index.as_ref())));
    // A dangling index falls through to the id.
    if let Some(index) = index
        && let Some(rule) = rules(run, home).get(index)
    {
        return Some(RuleMatch {
            rule,
            component: home,
            index,
        });
    }

    // By id: the explicit component, or the driver then every extension.
    let id = result
        .rule_id
        .as_deref()
        .or_else(|| reference.and_then(|r| r.id.as_deref()))?;
    let mut places = vec![home];
    if explicit.is_none() {
        places.extend((0..extensions(run).len()).map(ComponentRef::Extension));
    }
    for candidate in id_candidates(id) {
        for &place in &places {
            if let Some((index, rule)) = rules(run, place)
                .iter()
                .enumerate()
                .find(|(_, r)| r.id.as_deref() == Some(candidate))
            {
                return Some(RuleMatch {
                    rule,
                    component: place,
                    index,
                });
            }
        }
    }
    None
}

/// The level of a matching `ruleConfigurationOverrides` entry.
fn override_level<'a>(
    run: &'a Run,
    rule: Option<&RuleMatch<'_>>,
    rule_id: Option<&str>,
) -> Option<&'a str> {
    let mut ids: Vec<&str> = Vec::new();
    if let Some(id) = rule.and_then(|m| m.rule.id.as_deref()) {
        ids.push(id);
    }
    if let Some(id) = rule_id {
        ids.extend(id_candidates(id));
    }
    let overrides = run
        .invocations
        .iter()
        .flatten()
        .flat_map(|inv| inv.rule_configuration_overrides.iter().flatten());
    for o in overrides {
        let Some(level) = o.configuration.as_ref().and_then(|c| c.level.as_deref()) else {
            continue;
        };
        let Some(d) = o.descriptor.as_ref() else {
            continue;
        };
        let d_component = resolve_component(run, d.tool_component.as_deref());
        let by_index = match (rule, as_index(d.index.as_ref())) {
            (Some(m), Some(k)) => k == m.index && d_component == Some(m.component),
            _ => false,
        };
        let by_id = d.id.as_deref().is_some_and(|id| ids.contains(&id));
        if by_index || by_id {
            return Some(level);
        }
    }
    None
}

fn text_of(m: &Obj<MultiformatMessage>) -> Option<&str> {
    m.text.as_deref().or(m.markdown.as_deref())
}

/// Replace `{n}` with `args[n]` and `{{` / `}}` with `{` / `}` (SARIF
/// §3.11.5). A placeholder without an argument is kept as written.
fn format_message(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        let (before, tail) = rest.split_at(pos);
        out.push_str(before);
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
        } else if let Some(inner) = tail.strip_prefix('{')
            && let Some(close) = inner.find('}')
            && let Some(digits) = inner.get(..close)
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Some(arg) = digits.parse::<usize>().ok().and_then(|n| args.get(n))
        {
            out.push_str(arg);
            rest = inner.get(close + 1..).unwrap_or("");
        } else {
            // A lone brace: copy it (both are one byte).
            out.push_str(tail.get(..1).unwrap_or(""));
            rest = tail.get(1..).unwrap_or("");
        }
    }
    out.push_str(rest);
    out
}

/// The template `id` in a tool component's `globalMessageStrings`.
fn global_string<'a>(c: Option<&'a ToolComponent>, id: &str) -> Option<&'a str> {
    c?.global_message_strings
        .as_ref()?
        .get(id)
        .and_then(text_of)
}

fn message_text(run: &Run, result: &SarifResult, rule: Option<&RuleMatch<'_>>) -> String {
    let msg = result.message.as_ref();
    let args: &[String] = msg.and_then(|m| m.arguments.as_deref()).unwrap_or_default();
    if let Some(text) = msg.and_then(|m| m.text.as_deref().or(m.markdown.as_deref())) {
        return if args.is_empty() {
            text.to_string()
        } else {
            format_message(text, args)
        };
    }
    if let Some(id) = msg.and_then(|m| m.id.as_deref()) {
        let from_rule = rule
            .and_then(|m| m.rule.message_strings.as_ref())
            .and_then(|strings| strings.get(id))
            .and_then(text_of);
        let template = from_rule
            .or_else(|| global_string(rule.and_then(|m| component(run, m.component)), id))
            .or_else(|| global_string(driver(run), id));
        if let Some(template) = template {
            return format_message(template, args);
        }
    }
    rule.and_then(|m| {
        m.rule
            .full_description
            .as_ref()
            .and_then(text_of)
            .or_else(|| m.rule.short_description.as_ref().and_then(text_of))
    })
    .unwrap_or_default()
    .to_string()
}

/// A SARIF level on the canonical scale; `None` for a string that is not
/// one of the four levels.
fn level_severity(level: &str) -> Option<Severity> {
    Some(match level.trim().to_ascii_lowercase().as_str() {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "note" => Severity::Low,
        "none" => Severity::Info,
        _ => return None,
    })
}

/// A level a result or its rule gives: the tool's grade when it is one of
/// the four levels, else the `warning` default.
fn rated_level(level: &str) -> (Severity, SeveritySource, String) {
    match level_severity(level) {
        Some(s) => (s, SeveritySource::Tool, level.to_string()),
        None => (Severity::Medium, SeveritySource::Default, level.to_string()),
    }
}

/// The severity of a result whose `kind` is absent or `fail`, where it came
/// from, and the string it came from (see the crate docs for the order).
fn fail_severity(
    run: &Run,
    result: &SarifResult,
    found: Option<&RuleMatch<'_>>,
    result_rule_id: Option<&str>,
    key: &str,
) -> (Severity, SeveritySource, String) {
    let rule = found.map(|m| m.rule);
    let rule_props = rule.and_then(|r| r.properties.as_ref());
    let result_props = result.properties.as_ref();
    if let Some(own) = tool_level(key, run, result, rule) {
        return own;
    }
    if let Some((severity, written)) =
        security_severity(result_props).or_else(|| security_severity(rule_props))
    {
        return (severity, SeveritySource::SecuritySeverity, written);
    }
    if let Some((score, written)) = priority_score(result_props) {
        return (priority_severity(score), SeveritySource::Tool, written);
    }
    let level = result
        .level
        .as_deref()
        .or_else(|| override_level(run, found, result_rule_id))
        .or_else(|| {
            rule.and_then(|r| r.default_configuration.as_ref())
                .and_then(|c| c.level.as_deref())
        })
        .or_else(|| problem_severity(rule_props));
    if let Some(default) = ungraded_level_default(key) {
        let written = level.unwrap_or("warning").to_string();
        return (default, SeveritySource::Default, written);
    }
    match level {
        Some(level) => rated_level(level),
        None => (
            Severity::Medium,
            SeveritySource::Default,
            "warning".to_string(),
        ),
    }
}

/// The tool's own level, for producers whose SARIF carries it somewhere
/// other than `level` (or whose `level` means something of its own), read
/// through the same table as the tool's JSON.
fn tool_level(
    key: &str,
    run: &Run,
    result: &SarifResult,
    rule: Option<&Rule>,
) -> Option<(Severity, SeveritySource, String)> {
    let tool = |s: Severity, w: &str| (s, SeveritySource::Tool, w.to_string());
    match key {
        // `properties.issue_severity`: the JSON's `issue_severity`.
        "bandit" => {
            let raw = result
                .properties
                .as_ref()?
                .get("issue_severity")?
                .as_str()?;
            bandit_level(raw).map(|s| tool(s, raw))
        }
        // The rule's tags are `[<class>, "security", <Severity>]`.
        "trivy" => {
            string_tags(rule?.properties.as_ref()).find_map(|t| trivy_level(t).map(|s| tool(s, t)))
        }
        // The rule's `help.text` has a line `Severity: <severity>`.
        "grype" => {
            let text = rule?.help.as_ref()?.get("text")?.as_str()?;
            let word = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("Severity:"))?
                .trim();
            grype_level(word).map(|s| tool(s, word))
        }
        // `level` is `error` on every result; the grade is in the result's
        // properties, in the JSON's order (its own word, then CVSS).
        "dependency-check" | "owasp-dependency-check" => {
            let props = result.properties.as_ref()?;
            [
                ("severity", SeveritySource::Tool),
                ("cvssv3_baseSeverity", SeveritySource::Cvss),
                ("cvssv2_severity", SeveritySource::Cvss),
            ]
            .into_iter()
            .find_map(|(k, source)| {
                let word = props.get(k)?.as_str()?;
                severity_word(word).map(|s| (s, source, word.to_string()))
            })
        }
        // `level` says how far the vulnerable code is reachable, relative
        // to the scan level: mapped back to the reachability the JSON reads.
        "govulncheck" => {
            let level = result.level.as_deref()?;
            let scan = driver(run)
                .and_then(|d| d.properties.as_ref())
                .and_then(|p| p.get("scan_level"))
                .and_then(Value::as_str)
                .unwrap_or("symbol");
            let s = match (scan, level) {
                ("symbol", "error") => Severity::High,
                ("symbol", "warning") | ("package", "error") => Severity::Low,
                ("symbol", "note") | ("package", "warning") | ("module", "error") => Severity::Info,
                _ => return None,
            };
            Some(tool(s, level))
        }
        _ => None,
    }
}

/// CodeQL's `problem.severity` rule property as a SARIF level (`error`,
/// `warning`, `recommendation` → `note`); older CodeQL exports (LGTM) carry
/// no `defaultConfiguration` beside it.
fn problem_severity(props: Option<&Map<String, Value>>) -> Option<&'static str> {
    let v = props?.get("problem.severity")?.as_str()?;
    Some(match v.trim().to_ascii_lowercase().as_str() {
        "error" => "error",
        "warning" => "warning",
        "recommendation" => "note",
        _ => return None,
    })
}

/// A `security-severity` property (a CVSS-like score, 0.0-10.0, string or
/// number) as (severity, as written); other values are ignored.
fn security_severity(props: Option<&Map<String, Value>>) -> Option<(Severity, String)> {
    let v = props?.get("security-severity")?;
    let (score, written) = match v {
        Value::String(s) => (s.trim().parse::<f64>().ok()?, s.clone()),
        Value::Number(n) => (n.as_f64()?, n.to_string()),
        _ => return None,
    };
    Severity::from_cvss_score(score).map(|s| (s, written))
}

/// A numeric `priorityScore` result property (Snyk Code) as (score, as
/// written). Strings, negative and non-finite numbers are ignored.
fn priority_score(props: Option<&Map<String, Value>>) -> Option<(f64, String)> {
    let Value::Number(n) = props?.get("priorityScore")? else {
        return None;
    };
    let score = n.as_f64()?;
    (score.is_finite() && score >= 0.0).then(|| (score, n.to_string()))
}

/// Snyk Code's priority score (0-1000) on the canonical scale.
fn priority_severity(score: f64) -> Severity {
    if score >= 900.0 {
        Severity::Critical
    } else if score >= 700.0 {
        Severity::High
    } else if score >= 400.0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn string_tags(props: Option<&Map<String, Value>>) -> impl Iterator<Item = &str> {
    props
        .and_then(|p| p.get("tags"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn is_cwe_taxonomy(reference: &DescriptorReference) -> bool {
    reference
        .tool_component
        .as_ref()
        .and_then(|tc| tc.name.as_deref())
        .is_some_and(|n| n.trim().eq_ignore_ascii_case("cwe"))
}

fn locations(run: &Run, result: &SarifResult) -> Vec<Location> {
    let artifacts = run.artifacts.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for loc in result.locations.iter().flatten() {
        let Some(physical) = loc.physical_location.as_ref() else {
            continue;
        };
        let Some(al) = physical.artifact_location.as_ref() else {
            continue;
        };
        let path = al.uri.as_deref().filter(|u| !u.is_empty()).or_else(|| {
            artifacts
                .get(as_index(al.index.as_ref())?)?
                .location
                .as_ref()?
                .uri
                .as_deref()
                .filter(|u| !u.is_empty())
        });
        let Some(path) = path else {
            continue;
        };
        let region = physical.region.as_ref();
        out.push(Location {
            path: path.to_string(),
            start_line: as_positive_u32(region.and_then(|r| r.start_line.as_ref())),
            start_column: as_positive_u32(region.and_then(|r| r.start_column.as_ref())),
            end_line: as_positive_u32(region.and_then(|r| r.end_line.as_ref())),
            end_column: as_positive_u32(region.and_then(|r| r.end_column.as_ref())),
        });
    }
    out
}

/// One result into one finding.
fn convert(run: &Run, result: &SarifResult, r: usize, i: usize) -> Finding {
    let drv = driver(run);
    let tool = drv
        .and_then(|d| d.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("unknown")
        .to_string();
    let tool_version = drv.and_then(|d| d.version.clone().or_else(|| d.semantic_version.clone()));

    let found = find_rule(run, result);
    let rule = found.as_ref().map(|m| m.rule);
    let result_rule_id = result
        .rule_id
        .as_deref()
        .or_else(|| result.rule.as_ref().and_then(|r| r.id.as_deref()))
        .filter(|s| !s.is_empty());
    let rule_id = result_rule_id
        .or_else(|| rule.and_then(|r| r.id.as_deref()))
        .filter(|s| !s.is_empty())
        .unwrap_or(UNKNOWN_RULE)
        .to_string();

    let message = message_text(run, result, found.as_ref());
    let title = rule
        .and_then(|r| r.short_description.as_ref())
        .and_then(|d| d.text.as_deref())
        .and_then(title_line)
        .or_else(|| title_line(&message))
        .or_else(|| rule.and_then(|r| r.name.as_deref()).and_then(title_line))
        .or_else(|| title_line(&rule_id))
        .unwrap_or_default();

    let rule_props = rule.and_then(|r| r.properties.as_ref());
    let result_props = result.properties.as_ref();

    // Severity.
    let kind = result.kind.as_deref().filter(|k| !k.is_empty());
    let is_fail = kind.is_none_or(|k| k == "fail");
    let (severity, severity_source, tool_severity) = if is_fail {
        fail_severity(
            run,
            result,
            found.as_ref(),
            result_rule_id,
            &cordon_sdk::canonical_tool(&tool),
        )
    } else {
        // SARIF §3.27.10: a result of another kind defaults to `none`.
        match result.level.as_deref() {
            Some(level) => rated_level(level),
            None => (Severity::Info, SeveritySource::Default, "none".to_string()),
        }
    };

    // Tags, CWEs, vulnerability ids.
    let mut tags: Vec<String> = Vec::new();
    for t in string_tags(rule_props).chain(string_tags(result_props)) {
        if !t.trim().is_empty() {
            push_unique(&mut tags, t.to_string());
        }
    }
    let mut cwes: Vec<u32> = Vec::new();
    for t in &tags {
        if let Some(n) = parse_cwe(t, false) {
            push_unique(&mut cwes, n);
        }
    }
    for props in [rule_props, result_props].into_iter().flatten() {
        if let Some(v) = props.get("cwe") {
            cwes_from_value(v, &mut cwes);
        }
    }
    let taxonomy_refs = rule
        .and_then(|r| r.relationships.as_deref())
        .unwrap_or_default()
        .iter()
        .filter_map(|rel| rel.target.as_ref())
        .chain(result.taxa.iter().flatten());
    for target in taxonomy_refs {
        if is_cwe_taxonomy(target)
            && let Some(n) = target.id.as_deref().and_then(|id| parse_cwe(id, true))
        {
            push_unique(&mut cwes, n);
        }
    }

    let mut vulnerability_ids: Vec<String> = Vec::new();
    let id_sources = [
        Some(rule_id.as_str()),
        rule.and_then(|r| r.id.as_deref()),
        rule.and_then(|r| r.name.as_deref()),
    ];
    for s in id_sources.into_iter().flatten() {
        find_vulnerability_ids(s, &mut vulnerability_ids);
    }
    for t in &tags {
        find_vulnerability_ids(t, &mut vulnerability_ids);
    }

    if let Some(k) = kind
        && k != "fail"
    {
        push_unique(&mut tags, format!("sarif-kind:{k}"));
    }
    let suppressed = result
        .suppressions
        .iter()
        .flatten()
        .any(|s| s.status.as_deref() != Some("rejected"));
    if suppressed {
        push_unique(&mut tags, "suppressed-in-source".to_string());
    }

    let finding_kind = if !vulnerability_ids.is_empty() {
        FindingKind::Sca
    } else if ["gitleaks", "trufflehog", "secret"]
        .iter()
        .any(|w| tool.to_ascii_lowercase().contains(w))
    {
        FindingKind::Secret
    } else {
        FindingKind::Sast
    };

    Finding {
        tool_version,
        message,
        tool_severity: Some(tool_severity),
        locations: locations(run, result),
        vulnerability_ids,
        cwes,
        tags,
        help_uri: rule.and_then(|r| r.help_uri.clone()),
        source_pointer: format!("/runs/{r}/results/{i}"),
        severity_source,
        ..finding(&tool, rule_id, title, finding_kind, severity)
    }
}

#[cfg(test)]
mod tests;
