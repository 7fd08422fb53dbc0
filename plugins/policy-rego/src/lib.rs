//! `policy-rego`: Rego policies, evaluated with [regorus], following the
//! conventions of OPA and Conftest.
//!
//! # The policy document
//!
//! Either the source text of one Rego module, or a JSON bundle (the host
//! packs one from a policy directory laid out like an OPA bundle):
//!
//! ```json
//! {"cordon_rego_bundle": 1,
//!  "name": "prod-gate",            // or null
//!  "version": "2.0.0",             // or null
//!  "modules": {"gate.rego": "package main ..."},
//!  "data": {"exceptions": []}}     // one object: the merged data documents
//! ```
//!
//! A document that starts (after whitespace) with `{` is read as a bundle; a
//! Rego module cannot start that way. Modules are Rego v1 (`contains` and
//! `if` are keywords; `import rego.v1` is accepted and changes nothing).
//!
//! # Rules
//!
//! The stage evaluates the package `data.<namespace>`, where the namespace is
//! the stage setting `namespace` (default `main`, as in Conftest), once over
//! the whole run. (The stage always reads the setting, so a pipeline must
//! grant it the `config` capability.) These rules of that package count:
//!
//! * `deny`, `violation`, `deny_<name>`, `violation_<name>`: a finding they
//!   name is blocked;
//! * `warn`, `warn_<name>`: a finding they name (and no deny or violation
//!   does) gets `notify`;
//! * `exception`: exempts one finding from named rules.
//!
//! Every entry of a deny, violation or warn set is an object naming the
//! finding it is about:
//!
//! ```rego
//! deny_critical contains {"fingerprint": f.fingerprint, "msg": msg,
//!                         "matched": {"severity": f.severity}} if { ... }
//! ```
//!
//! `matched` is optional: its fields (values are strings, numbers or
//! booleans; a null value is left out) are recorded in the decision with the
//! rule name as the pattern. Other keys are ignored. An entry that is not
//! such an object (Conftest's bare strings are about a whole file, which
//! cordon does not have), or that names a fingerprint not among the
//! findings, is a configuration error.
//!
//! An `exception` entry is `{"fingerprint": fp, "rules": [name, ...], "msg":
//! why}`: each `name` exempts `deny_<name>`, `violation_<name>` and
//! `warn_<name>` (Conftest's convention) as well as the rule called `name`
//! itself (so `"deny"` exempts the unnamed `deny`), for that finding only.
//!
//! # The input
//!
//! `input` is `{"findings": [...], "context": {"environment": ..., "today":
//! "YYYY-MM-DD"}}`; every finding is an object with the snake_case fields of
//! the WIT record (enums as their lowercase names: `"severity": "high"`,
//! `"severity_source": "security-severity"`, `"kind": "sca"`), plus `path`
//! (the first location's path, or null) and `baseline` (`"new"`,
//! `"existing"` or null, from the host's `cordon:baseline=` tags).
//!
//! # Decisions
//!
//! One per finding, in input order: `block` when a deny or violation entry
//! that no exception exempts names it, else `notify` when such a warn entry
//! does, else `record`. The rule id is `<namespace>.<rule>` of the first
//! deciding entry (by rule name, then message) or `<namespace>.record`; the
//! reason is the deciding entries' messages, then the rules an exception
//! exempted. The stage never suppresses: suppressions with owners and
//! expiry dates are the host's.
//!
//! The policy's name and version are the bundle's; otherwise the package's
//! `policy_name` and `policy_version` strings; otherwise the namespace and
//! `"0"`.
//!
//! # Limits
//!
//! Builtins that fail (`startswith(null, "x")`) are errors, not undefined:
//! a gate fails closed. Only regorus's core builtins are compiled in (no
//! `http`, `time`, `uuid`, `rand`, `net`, `regex`, `glob`, `semver`,
//! `base64`); calling another is an error. `print` output goes to the stage
//! log. Modules regorus 0.11 would spend exponential time or unbounded stack
//! on are refused up front ([`MAX_NESTING`], [`MAX_CHAIN`]); regorus itself
//! caps a module at 1 MiB, 20 000 lines and 1024 columns.

use cordon_sdk::{
    Action, Decision, FieldMatch, Finding, Level, MAX_ID_BYTES, MAX_LIST_ITEMS, MAX_TITLE_BYTES,
    Policy, RunContext, StageError, clip,
};
use regorus::value::Object;
use regorus::{Engine, Value};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The stage, registered below.
pub struct RegoPolicy;

impl Policy for RegoPolicy {
    fn evaluate(
        findings: Vec<Finding>,
        document: &str,
        context: RunContext,
    ) -> Result<Vec<Decision>, StageError> {
        let namespace =
            cordon_sdk::config("namespace").unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
        evaluate(&findings, document, &context, &namespace)
    }
}

cordon_sdk::register_policy!(RegoPolicy);

/// The package evaluated when the stage setting `namespace` is not given
/// (Conftest's default).
pub const DEFAULT_NAMESPACE: &str = "main";

/// The key that marks a policy document as a JSON bundle; its value is the
/// bundle format version ([`BUNDLE_VERSION`]).
pub const BUNDLE_KEY: &str = "cordon_rego_bundle";

/// The bundle format version this stage reads.
pub const BUNDLE_VERSION: u64 = 1;

/// The module name a single-module document gets in error messages.
pub const MODULE_NAME: &str = "policy.rego";

/// How many bytes of `print` output one call forwards to the stage log (the
/// host fails a call that logs more than its limit).
const PRINT_LOG_BUDGET: usize = 8 << 10;

/// The deepest bracket nesting (`(`, `[`, `{` together) a module may have.
/// regorus 0.11 parses nested array, set and object literals in time
/// exponential in their depth (20 levels take a second, 25 more than ten)
/// and recurses on the native stack; real policies nest less than 10 deep.
pub const MAX_NESTING: usize = 16;

/// How deep an expression may nest operators (`+ - * / % & | = ! < > .`,
/// one per character) and brackets, counting the expressions it is part of:
/// regorus 0.11 parses and evaluates a chain of operators recursively, and
/// a few hundred overflow a 1 MiB stack. Commas and statement boundaries
/// start a new chain; real policies stay well below 20.
pub const MAX_CHAIN: usize = 64;

/// The rule families and what an entry of each decides.
const FAMILIES: [(&str, Action); 3] = [
    ("deny", Action::Block),
    ("violation", Action::Block),
    ("warn", Action::Notify),
];

fn config_error(msg: impl Into<String>) -> StageError {
    StageError::InvalidConfig(msg.into())
}

/// A policy document, read: the modules and data to load, and the name and
/// version a bundle gives.
#[derive(Debug)]
pub struct Document {
    /// The bundle's name, if it gives one.
    pub name: Option<String>,
    /// The bundle's version, if it gives one.
    pub version: Option<String>,
    /// Module name (a bundle's relative path) and source, in name order.
    pub modules: Vec<(String, String)>,
    /// The bundle's data document, if any.
    pub data: Option<Value>,
}

/// The JSON bundle, as the host writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bundle {
    cordon_rego_bundle: u64,
    name: Option<String>,
    version: Option<String>,
    modules: BTreeMap<String, String>,
    #[serde(default)]
    data: Option<Value>,
}

impl Document {
    /// Read a policy document: a JSON bundle when it starts with `{`,
    /// otherwise one Rego module.
    pub fn parse(document: &str) -> Result<Document, StageError> {
        if !document.trim_start().starts_with('{') {
            return Ok(Document {
                name: None,
                version: None,
                modules: vec![(MODULE_NAME.to_string(), document.to_string())],
                data: None,
            });
        }
        let b: Bundle = serde_json::from_str(document).map_err(|e| {
            config_error(format!(
                "policy document starts with `{{` but is not a valid {BUNDLE_KEY} JSON bundle: {e}"
            ))
        })?;
        if b.cordon_rego_bundle != BUNDLE_VERSION {
            return Err(config_error(format!(
                "{BUNDLE_KEY} version {} is not supported (this stage reads version {BUNDLE_VERSION})",
                b.cordon_rego_bundle
            )));
        }
        if b.modules.is_empty() {
            return Err(config_error("the policy bundle has no Rego modules"));
        }
        let data = match b.data {
            None | Some(Value::Null) => None,
            Some(d @ Value::Object(_)) => Some(d),
            Some(d) => {
                return Err(config_error(format!(
                    "the policy bundle's data must be a JSON object, not {}",
                    type_name(&d)
                )));
            }
        };
        let given = |s: Option<String>| s.filter(|s| !s.is_empty());
        Ok(Document {
            name: given(b.name),
            version: given(b.version),
            modules: b.modules.into_iter().collect(),
            data,
        })
    }
}

/// Evaluate `document` over `findings` in package `data.<namespace>`: one
/// decision per finding, in input order (see the crate documentation).
pub fn evaluate(
    findings: &[Finding],
    document: &str,
    context: &RunContext,
    namespace: &str,
) -> Result<Vec<Decision>, StageError> {
    check_namespace(namespace)?;
    let doc = Document::parse(document)?;
    let mut engine = Engine::new();
    engine.set_gather_prints(true);
    for (name, source) in &doc.modules {
        check_shape(name, source)?;
        engine
            .add_policy(name.clone(), source.clone())
            .map_err(|e| rego_error(&format!("Rego module {name} does not parse"), &e))?;
    }
    if let Some(data) = doc.data {
        engine
            .add_data(data)
            .map_err(|e| config_error(format!("the policy bundle's data is not usable: {e}")))?;
    }
    engine.set_input(input(findings, context));
    let result = engine.eval_query(format!("data.{namespace}"), false);
    forward_prints(&mut engine);
    let result = result.map_err(|e| rego_error("the policy could not be evaluated", &e))?;
    let package = result
        .result
        .into_iter()
        .next()
        .and_then(|r| r.expressions.into_iter().next())
        .map(|e| e.value);
    let no_rules = || {
        let packages = engine.get_packages().unwrap_or_default().join(", ");
        config_error(format!(
            "policy defines no deny, violation or warn rule in package {namespace} (packages defined: {packages})"
        ))
    };
    let Some(Value::Object(rules)) = package else {
        return Err(no_rules());
    };
    let verdicts = Verdicts::collect(&rules, findings, namespace)?;
    if !verdicts.any_rule {
        return Err(no_rules());
    }
    let name = match doc.name {
        Some(n) => n,
        None => declared(&rules, "policy_name", namespace)?.unwrap_or_else(|| namespace.into()),
    };
    let version = match doc.version {
        Some(v) => v,
        None => declared(&rules, "policy_version", namespace)?.unwrap_or_else(|| "0".into()),
    };
    let policy = Named {
        namespace,
        name: clip(&name, MAX_ID_BYTES),
        version: clip(&version, MAX_ID_BYTES),
    };
    Ok(findings
        .iter()
        .map(|f| policy.decide(f, verdicts.for_finding(f)))
        .collect())
}

/// A namespace is a dotted package path of plain identifiers (`main`,
/// `policy.gate`); anything else could not be queried safely.
fn check_namespace(ns: &str) -> Result<(), StageError> {
    let ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if ns.len() <= 256 && ns.split('.').all(ident) {
        Ok(())
    } else {
        Err(config_error(format!(
            "namespace {:?} is not a Rego package path like `main` or `policy.gate`",
            clip(ns, 100)
        )))
    }
}

/// Refuse a module that regorus 0.11 would take exponential time or
/// unbounded stack on (see [`MAX_NESTING`] and [`MAX_CHAIN`]), going by its
/// tokens: brackets and operators outside strings and comments.
fn check_shape(module: &str, src: &str) -> Result<(), StageError> {
    fn operator(c: char) -> bool {
        matches!(
            c,
            '+' | '-' | '*' | '/' | '%' | '&' | '|' | '=' | '!' | '<' | '>' | '.'
        )
    }
    let (mut line, mut col) = (1usize, 0usize);
    // The chain of the innermost open bracket and the longest it has been,
    // the same for the brackets around it, and the sum of their chains: a
    // bracket counts one, and as much as its longest chain to the
    // expression around it (`(a + b) * c` chains three).
    let (mut chain, mut peak) = (0usize, 0usize);
    let (mut outer, mut outer_sum) = (Vec::<(usize, usize)>::new(), 0usize);
    let mut previous: Option<char> = None;
    let mut new_line = false;
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        match c {
            '\n' => {
                (line, col, new_line) = (line + 1, 0, true);
                continue;
            }
            '#' => {
                while chars.next_if(|&c| c != '\n').is_some() {}
                continue;
            }
            '"' => {
                let mut escaped = false;
                while let Some(c) = chars.next_if(|&c| c != '\n') {
                    col += 1;
                    match c {
                        '"' if !escaped => break,
                        '\\' => escaped = !escaped,
                        _ => escaped = false,
                    }
                }
            }
            '`' => {
                for c in chars.by_ref() {
                    col += 1;
                    match c {
                        '`' => break,
                        '\n' => (line, col) = (line + 1, 0),
                        _ => {}
                    }
                }
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        // A line break ends an expression unless an operator is on either
        // side of it.
        if new_line && !operator(c) && !previous.is_some_and(operator) {
            chain = 0;
        }
        new_line = false;
        let at = || format!("Rego module {module}:{line}:{col}");
        match c {
            '(' | '[' | '{' => {
                outer.push((chain, peak));
                outer_sum += chain;
                (chain, peak) = (1, 1);
                if outer.len() > MAX_NESTING {
                    return Err(config_error(format!(
                        "{}: brackets nest deeper than {MAX_NESTING}; flatten the expression",
                        at()
                    )));
                }
            }
            ')' | ']' | '}' => {
                let inner = peak;
                (chain, peak) = outer.pop().unwrap_or((0, 0));
                outer_sum = outer_sum.saturating_sub(chain);
                chain += inner;
            }
            ',' | ';' => chain = 0,
            c if operator(c) => chain += 1,
            _ => {}
        }
        peak = peak.max(chain);
        if chain + outer_sum > MAX_CHAIN {
            return Err(config_error(format!(
                "{}: expression nests more than {MAX_CHAIN} operators and brackets deep; split it up",
                at()
            )));
        }
        previous = Some(c);
    }
    Ok(())
}

/// A regorus error as one line: `file:line:col: message`, without the
/// source excerpt regorus draws under it.
fn rego_error(what: &str, e: &impl std::fmt::Display) -> StageError {
    config_error(format!("{what}: {}", one_line(&format!("{e:#}"))))
}

/// Flatten regorus's multi-line diagnostic (`--> file:line:col`, an excerpt
/// of the source with a caret, `error: message`) into one line.
fn one_line(msg: &str) -> String {
    let mut out = String::new();
    let mut after_location = false;
    for line in msg.lines().map(str::trim) {
        let excerpt = line
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start()
            .starts_with('|');
        if line.is_empty() || excerpt {
            continue;
        }
        let (piece, location) = match line.strip_prefix("-->") {
            Some(loc) => (loc.trim(), true),
            None => {
                let t = line.strip_prefix("error:").unwrap_or(line);
                (t.trim_start_matches(':').trim(), false)
            }
        };
        if piece.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if after_location { ": " } else { " " });
        }
        out.push_str(piece);
        after_location = location;
    }
    out
}

/// Send what `print` wrote to the stage log, within [`PRINT_LOG_BUDGET`].
fn forward_prints(engine: &mut Engine) {
    let prints = engine.take_prints().unwrap_or_default();
    let mut budget = PRINT_LOG_BUDGET;
    for (i, p) in prints.iter().enumerate() {
        let line = clip(p, 1024);
        if line.len() > budget {
            cordon_sdk::log(
                Level::Warn,
                &format!("{} more print lines not logged", prints.len() - i),
            );
            return;
        }
        budget -= line.len();
        cordon_sdk::log(Level::Debug, &line);
    }
}

/// The JSON name of a value's type, for messages.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Set(_) => "a set",
        Value::Object(_) => "an object",
        Value::Undefined => "undefined",
    }
}

/// A value as short JSON, for messages.
fn show(v: &Value) -> String {
    clip(
        &serde_json::to_string(v).unwrap_or_else(|_| type_name(v).to_string()),
        200,
    )
}

/// The string a package rule like `policy_name` holds, if it is defined.
fn declared(rules: &Object, key: &str, namespace: &str) -> Result<Option<String>, StageError> {
    match rules.get(&Value::from(key)) {
        None | Some(Value::Undefined) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.to_string())),
        Some(v) => Err(config_error(format!(
            "{namespace}.{key} must be a non-empty string, not {}",
            show(v)
        ))),
    }
}

// ---------------------------------------------------------------- input --

/// `"existing"`, `"new"` or none, from the host's baseline tags.
fn baseline(f: &Finding) -> Option<&'static str> {
    if cordon_sdk::in_baseline(f) {
        Some("existing")
    } else if f.tags.iter().any(|t| t == "cordon:baseline=new") {
        Some("new")
    } else {
        None
    }
}

/// An object of `fields`.
fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let mut o = Object::new();
    for (k, v) in fields {
        o.insert(Value::from(k), v);
    }
    o.into_value()
}

/// A string, or null.
fn string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

/// A line or column number, or null.
fn number(n: Option<u32>) -> Value {
    n.map_or(Value::Null, Value::from)
}

/// An array of strings.
fn strings(list: &[String]) -> Value {
    Value::from(
        list.iter()
            .map(|s| Value::from(s.as_str()))
            .collect::<Vec<_>>(),
    )
}

/// One finding as `input.findings` has it (see the crate documentation).
fn finding_value(f: &Finding) -> Value {
    let locations = f.locations.iter().map(|l| {
        object([
            ("path", Value::from(l.path.as_str())),
            ("start_line", number(l.start_line)),
            ("start_column", number(l.start_column)),
            ("end_line", number(l.end_line)),
            ("end_column", number(l.end_column)),
        ])
    });
    let component = f.component.as_ref().map_or(Value::Null, |c| {
        object([
            ("name", Value::from(c.name.as_str())),
            ("version", string(c.version.as_deref())),
            ("purl", string(c.purl.as_deref())),
            ("fixed_versions", strings(&c.fixed_versions)),
        ])
    });
    object([
        ("tool", Value::from(f.tool.as_str())),
        ("tool_version", string(f.tool_version.as_deref())),
        ("rule_id", Value::from(f.rule_id.as_str())),
        ("title", Value::from(f.title.as_str())),
        ("message", Value::from(f.message.as_str())),
        ("severity", Value::from(f.severity.as_str())),
        ("tool_severity", string(f.tool_severity.as_deref())),
        ("severity_source", Value::from(f.severity_source.as_str())),
        ("kind", Value::from(f.kind.as_str())),
        ("locations", Value::from(locations.collect::<Vec<_>>())),
        ("path", string(f.locations.first().map(|l| l.path.as_str()))),
        ("component", component),
        ("vulnerability_ids", strings(&f.vulnerability_ids)),
        (
            "cwes",
            Value::from(f.cwes.iter().map(|&c| Value::from(c)).collect::<Vec<_>>()),
        ),
        ("tags", strings(&f.tags)),
        ("help_uri", string(f.help_uri.as_deref())),
        ("fingerprint", Value::from(f.fingerprint.as_str())),
        ("baseline", string(baseline(f))),
    ])
}

/// The `input` document for a run.
fn input(findings: &[Finding], context: &RunContext) -> Value {
    object([
        (
            "findings",
            Value::from(findings.iter().map(finding_value).collect::<Vec<_>>()),
        ),
        (
            "context",
            object([
                ("environment", Value::from(context.environment.as_str())),
                ("today", Value::from(context.today.as_str())),
            ]),
        ),
    ])
}

// ------------------------------------------------------------- verdicts --

/// One deny, violation or warn entry about a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    rule: String,
    msg: String,
    matched: Vec<(String, String)>,
}

impl Entry {
    fn action(&self) -> Action {
        family(&self.rule).unwrap_or(Action::Record)
    }
}

/// One exception entry about a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Exemption {
    msg: String,
    rules: Vec<String>,
}

impl Exemption {
    /// Whether this exception exempts `rule`: it names the rule itself, or
    /// `x` for a rule `deny_x`, `violation_x` or `warn_x`.
    fn exempts(&self, rule: &str) -> bool {
        self.rules.iter().any(|n| {
            n == rule
                || rule.split_once('_').is_some_and(|(family, rest)| {
                    rest == n && FAMILIES.iter().any(|(f, _)| *f == family)
                })
        })
    }
}

/// The action of a deny/violation/warn rule name (`deny`, `deny_<name>`,
/// ...), or none for any other rule.
fn family(rule: &str) -> Option<Action> {
    FAMILIES.iter().find_map(|(f, action)| {
        let rest = rule.strip_prefix(f)?;
        let named = rest.strip_prefix('_').is_some_and(|n| !n.is_empty());
        (rest.is_empty() || named).then_some(*action)
    })
}

/// Everything the rules said, by finding.
struct Verdicts<'a> {
    /// The slot of each fingerprint (findings sharing one share a slot).
    slots: HashMap<&'a str, usize>,
    entries: Vec<Vec<Entry>>,
    exemptions: Vec<Vec<Exemption>>,
    /// Whether the package defines any deny, violation or warn rule.
    any_rule: bool,
}

const ENTRY_SHAPE: &str = "an object {\"fingerprint\": <a finding's fingerprint>, \"msg\": <string>} with optional \"matched\": {<field>: <string, number or boolean>}";

const EXCEPTION_SHAPE: &str = "an object {\"fingerprint\": <a finding's fingerprint>, \"rules\": [<rule name>, ...], \"msg\": <string>}";

impl<'a> Verdicts<'a> {
    fn collect(
        rules: &Object,
        findings: &'a [Finding],
        ns: &str,
    ) -> Result<Verdicts<'a>, StageError> {
        let mut slots = HashMap::with_capacity(findings.len());
        for f in findings {
            let next = slots.len();
            slots.entry(f.fingerprint.as_str()).or_insert(next);
        }
        let mut v = Verdicts {
            entries: vec![Vec::new(); slots.len()],
            exemptions: vec![Vec::new(); slots.len()],
            slots,
            any_rule: false,
        };
        for (key, value) in rules.iter_sorted() {
            let Value::String(rule) = key else { continue };
            let rule: &str = rule;
            if rule == "exception" {
                for item in members(value, ns, rule)? {
                    let (slot, e) = v.exemption(item, ns)?;
                    if let Some(list) = v.exemptions.get_mut(slot) {
                        list.push(e);
                    }
                }
            } else if family(rule).is_some() {
                v.any_rule = true;
                for item in members(value, ns, rule)? {
                    let (slot, e) = v.entry(item, ns, rule)?;
                    if let Some(list) = v.entries.get_mut(slot) {
                        list.push(e);
                    }
                }
            }
        }
        for list in &mut v.entries {
            list.sort();
            list.dedup();
        }
        for list in &mut v.exemptions {
            list.sort();
        }
        Ok(v)
    }

    fn slot(&self, fp: &str, what: &str, item: &Value) -> Result<usize, StageError> {
        self.slots.get(fp).copied().ok_or_else(|| {
            config_error(format!(
                "{what}: entry {} names fingerprint {:?}, which is not among the findings",
                show(item),
                clip(fp, 130)
            ))
        })
    }

    fn entry(&self, item: &Value, ns: &str, rule: &str) -> Result<(usize, Entry), StageError> {
        let what = format!("rule {ns}.{rule}");
        let bad = || {
            let problem = match item {
                Value::Object(_) => "has no string \"fingerprint\" and \"msg\"".to_string(),
                _ => format!("is {}", type_name(item)),
            };
            config_error(format!(
                "{what}: entry {} {problem}; every entry must be {ENTRY_SHAPE}",
                show(item),
            ))
        };
        let Value::Object(obj) = item else {
            return Err(bad());
        };
        let (Some(Value::String(fp)), Some(Value::String(msg))) =
            (field(obj, "fingerprint"), field(obj, "msg"))
        else {
            return Err(bad());
        };
        let slot = self.slot(fp, &what, item)?;
        let mut matched = Vec::new();
        match field(obj, "matched") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (k, val) in m.iter_sorted() {
                    let (Value::String(k), Some(val)) = (k, scalar(val)) else {
                        return Err(config_error(format!(
                            "{what}: \"matched\" in entry {} must map field names to strings, numbers or booleans",
                            show(item)
                        )));
                    };
                    if let Some(val) = val {
                        matched.push((clip(k, MAX_ID_BYTES), clip(&val, MAX_ID_BYTES)));
                    }
                }
            }
            Some(other) => {
                return Err(config_error(format!(
                    "{what}: \"matched\" in entry {} is {}, not an object; every entry must be {ENTRY_SHAPE}",
                    show(item),
                    type_name(other)
                )));
            }
        }
        Ok((
            slot,
            Entry {
                rule: rule.to_string(),
                msg: msg.to_string(),
                matched,
            },
        ))
    }

    fn exemption(&self, item: &Value, ns: &str) -> Result<(usize, Exemption), StageError> {
        let what = format!("rule {ns}.exception");
        let bad = || {
            config_error(format!(
                "{what}: entry {} is not {EXCEPTION_SHAPE} (Conftest's bare lists of rule names are about a whole file, which cordon does not have)",
                show(item)
            ))
        };
        let Value::Object(obj) = item else {
            return Err(bad());
        };
        let (Some(Value::String(fp)), Some(Value::String(msg)), Some(names)) = (
            field(obj, "fingerprint"),
            field(obj, "msg"),
            field(obj, "rules"),
        ) else {
            return Err(bad());
        };
        let slot = self.slot(fp, &what, item)?;
        let names: Vec<&Value> = match names {
            Value::Array(a) => a.iter().collect(),
            Value::Set(s) => s.iter().collect(),
            _ => return Err(bad()),
        };
        let mut rules = Vec::with_capacity(names.len());
        for n in names {
            let Value::String(n) = n else {
                return Err(bad());
            };
            rules.push(n.to_string());
        }
        Ok((
            slot,
            Exemption {
                msg: msg.to_string(),
                rules,
            },
        ))
    }

    fn for_finding(&self, f: &Finding) -> (&[Entry], &[Exemption]) {
        match self.slots.get(f.fingerprint.as_str()) {
            Some(&i) => (
                self.entries.get(i).map_or(&[][..], Vec::as_slice),
                self.exemptions.get(i).map_or(&[][..], Vec::as_slice),
            ),
            None => (&[], &[]),
        }
    }
}

/// The members of a rule's value, which must be a set (or an array).
fn members<'v>(value: &'v Value, ns: &str, rule: &str) -> Result<Vec<&'v Value>, StageError> {
    match value {
        Value::Set(s) => Ok(s.iter().collect()),
        Value::Array(a) => Ok(a.iter().collect()),
        other => Err(config_error(format!(
            "rule {ns}.{rule} must be a set (`{rule} contains entry if {{ ... }}`), not {}",
            type_name(other)
        ))),
    }
}

fn field<'v>(obj: &'v Object, key: &str) -> Option<&'v Value> {
    obj.get(&Value::from(key))
}

/// A `matched` value as a string: `Some(None)` for null (left out), `None`
/// for a value that is not a scalar.
fn scalar(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        Value::Number(_) => serde_json::to_string(v).ok().map(Some),
        _ => None,
    }
}

// ------------------------------------------------------------ decisions --

/// The evaluated policy's identity, for decisions.
struct Named<'a> {
    namespace: &'a str,
    name: String,
    version: String,
}

impl Named<'_> {
    fn decide(&self, f: &Finding, (entries, exemptions): (&[Entry], &[Exemption])) -> Decision {
        let exempted_by =
            |e: &Entry| -> Option<&Exemption> { exemptions.iter().find(|x| x.exempts(&e.rule)) };
        let live: Vec<&Entry> = entries
            .iter()
            .filter(|e| exempted_by(e).is_none())
            .collect();
        let action = if live.iter().any(|e| e.action() == Action::Block) {
            Action::Block
        } else if live.iter().any(|e| e.action() == Action::Notify) {
            Action::Notify
        } else {
            Action::Record
        };
        let deciding: Vec<&Entry> = live.into_iter().filter(|e| e.action() == action).collect();

        let mut parts: Vec<String> = Vec::new();
        for e in &deciding {
            if !parts.contains(&e.msg) {
                parts.push(e.msg.clone());
            }
        }
        let mut noted: Vec<&str> = Vec::new();
        for e in entries {
            if let Some(x) = exempted_by(e)
                && !noted.contains(&e.rule.as_str())
            {
                noted.push(&e.rule);
                parts.push(format!("{} exempted by exception: {}", e.rule, x.msg));
            }
        }

        if parts.is_empty() {
            parts.push("no deny, violation or warn rule matched".into());
        }

        let mut matched: Vec<FieldMatch> = Vec::new();
        for e in &deciding {
            for (field, value) in &e.matched {
                let m = FieldMatch {
                    field: field.clone(),
                    value: value.clone(),
                    pattern: clip(&e.rule, MAX_ID_BYTES),
                };
                if matched.len() < MAX_LIST_ITEMS && !matched.contains(&m) {
                    matched.push(m);
                }
            }
        }
        let rule = deciding.first().map_or("record", |e| e.rule.as_str());
        Decision {
            fingerprint: f.fingerprint.clone(),
            action,
            rule_id: clip(&format!("{}.{rule}", self.namespace), MAX_ID_BYTES),
            policy_name: self.name.clone(),
            policy_version: self.version.clone(),
            reason: clip(&parts.join("; "), MAX_TITLE_BYTES),
            suppression: None,
            matched,
            severity_override: None,
            expired_suppression: None,
        }
    }
}

#[cfg(test)]
mod tests;
