//! Suppressions the host applies itself, whatever the policy stage: the
//! ignore file (`.cordonignore.toml`, or `[[suppressions]]` in
//! `cordon.toml`) and VEX statements (`--vex`, OpenVEX or CycloneDX), and
//! the status of every suppression a run knew about.
//!
//! A host suppression turns the policy's decision about a finding it
//! matches into `suppressed` (the decision keeps what the policy alone
//! said in its reason). One that has expired suppresses nothing, and the
//! decision of a finding it would have covered names it. Every suppression
//! ends the run `applied` (it matched a finding), `expired` or `unused`
//! (matched nothing): dead entries are visible, as Trivy's and Semgrep's
//! ignore files are not.

use cordon_matcher::{Field, MatchTable, Matcher, Parts, Subject};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use crate::paths::percent_decode;
use crate::{Action, Decision, FieldMatch, Finding, Suppression};

/// Where a suppression was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The policy document's `[[suppressions]]`, applied by the policy stage.
    Policy,
    /// An ignore file.
    IgnoreFile,
    /// A VEX statement.
    Vex,
}

impl Origin {
    /// The name used in `findings.json` and rule ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Policy => "policy",
            Origin::IgnoreFile => "ignore-file",
            Origin::Vex => "vex",
        }
    }
}

/// What became of a suppression in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// It suppressed at least one finding.
    Applied,
    /// Its `expires` date has passed; it suppressed nothing.
    Expired,
    /// Current, but it matched no finding of this run.
    Unused,
}

/// One suppression the run knew about and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionStatus {
    /// Its id.
    pub id: String,
    /// Where it was declared.
    pub origin: Origin,
    /// The file that declares it (the policy document's name for policy
    /// suppressions).
    pub file: String,
    /// Who answers for it.
    pub owner: String,
    /// When it lapses.
    pub expires: Option<String>,
    /// Why it exists.
    pub reason: String,
    /// What became of it.
    pub status: State,
    /// Findings it suppressed (`applied`) or would have (`expired`).
    pub findings: usize,
}

/// Why an ignore file or VEX document cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SuppressError {
    /// Not valid TOML / JSON, or not the expected shape.
    #[error("{path}: {detail}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, naming the entry.
        detail: String,
    },
}

fn invalid(path: &str, detail: impl Into<String>) -> SuppressError {
    SuppressError::Invalid {
        path: path.to_string(),
        detail: detail.into(),
    }
}

/// What a host suppression selects.
#[derive(Debug, Clone)]
enum Selector {
    /// Ignore-file entries: a matcher.
    Match(Matcher),
    /// A VEX statement: any of these vulnerability ids (compared without
    /// case) on a
    /// component with any of these package URLs.
    Vex {
        ids: Vec<String>,
        products: Vec<Purl>,
    },
}

/// A suppression the host applies.
#[derive(Debug, Clone)]
pub struct HostSuppression {
    /// Its id (ignore file: as written; VEX: the statement's `@id`, else
    /// `<file>#/statements/<n>`).
    pub id: String,
    /// Ignore file or VEX.
    pub origin: Origin,
    /// The declaring file.
    pub file: String,
    /// `sha256:<hex>` of that file (recorded as the decision's
    /// `policy_digest`).
    pub digest: String,
    /// Who answers for it.
    pub owner: String,
    /// When it lapses (`YYYY-MM-DD`).
    pub expires: Option<String>,
    /// Why.
    pub reason: String,
    selector: Selector,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    id: String,
    owner: String,
    reason: String,
    #[serde(alias = "expiry")]
    expires: Option<String>,
    #[serde(rename = "match")]
    matcher: MatchTable,
}

/// The ignore file's shape. In `cordon.toml` only `suppressions` is read.
#[derive(Deserialize)]
struct IgnoreDoc {
    #[serde(default)]
    suppressions: Vec<IgnoreEntry>,
}

/// `YYYY-MM-DD` with digits where they belong.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Parse an ignore file (`.cordonignore.toml`, or `cordon.toml`, of which
/// only `[[suppressions]]` is read). Every entry needs `id`, `owner`,
/// `reason` and a non-empty `match`; `expires` (or `expiry`) is optional.
pub fn parse_ignore_file(
    text: &str,
    path: &str,
    digest: &str,
) -> Result<Vec<HostSuppression>, SuppressError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| invalid(path, e.to_string()))?;
    let only = match table.get("suppressions") {
        Some(s) => toml::Table::from_iter([("suppressions".to_string(), s.clone())]),
        None => toml::Table::new(),
    };
    let doc: IgnoreDoc = only
        .try_into()
        .map_err(|e: toml::de::Error| invalid(path, format!("[[suppressions]]: {e}")))?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, e) in doc.suppressions.into_iter().enumerate() {
        let what = format!("suppressions[{i}] (id {:?})", e.id);
        if e.id.trim().is_empty() || e.owner.trim().is_empty() || e.reason.trim().is_empty() {
            return Err(invalid(
                path,
                format!("{what}: id, owner and reason must not be empty"),
            ));
        }
        if !seen.insert(e.id.clone()) {
            return Err(invalid(path, format!("{what}: the id is used twice")));
        }
        if let Some(x) = &e.expires
            && !is_iso_date(x)
        {
            return Err(invalid(
                path,
                format!("{what}: expires {x:?} is not a date (YYYY-MM-DD)"),
            ));
        }
        let matcher = Matcher::from_table(&e.matcher)
            .map_err(|err| invalid(path, format!("{what}: {err}")))?;
        out.push(HostSuppression {
            id: e.id,
            origin: Origin::IgnoreFile,
            file: path.to_string(),
            digest: digest.to_string(),
            owner: e.owner,
            expires: e.expires,
            reason: e.reason,
            selector: Selector::Match(matcher),
        });
    }
    Ok(out)
}

/// A package URL reduced to what VEX matching compares: `pkg:type/ns/name`
/// (lower-case type) and the version, if any. Qualifiers and subpath are
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Purl {
    base: String,
    version: Option<String>,
}

impl Purl {
    fn parse(s: &str) -> Option<Purl> {
        let s = s.trim();
        let rest = s.strip_prefix("pkg:")?;
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let (ty, path) = rest.split_once('/')?;
        // The version follows the last `@` of the last path segment.
        let (path, version) = match path.rfind('@') {
            Some(at) if !path[at..].contains('/') => {
                (&path[..at], Some(percent_decode(&path[at + 1..])))
            }
            _ => (path, None),
        };
        if path.is_empty() {
            return None;
        }
        Some(Purl {
            base: format!("pkg:{}/{}", ty.to_ascii_lowercase(), percent_decode(path)),
            version,
        })
    }

    /// A statement's product covers a finding's package when the names
    /// agree and, if the statement names a version, the versions do.
    fn covers(&self, finding: &Purl) -> bool {
        self.base == finding.base
            && self
                .version
                .as_ref()
                .is_none_or(|v| finding.version.as_ref() == Some(v))
    }
}

/// The VEX statuses that suppress: OpenVEX `not_affected` and `fixed`;
/// CycloneDX `not_affected`, `false_positive`, `resolved` and
/// `resolved_with_pedigree`.
fn suppressing(status: &str) -> bool {
    matches!(
        status,
        "not_affected" | "fixed" | "false_positive" | "resolved" | "resolved_with_pedigree"
    )
}

/// Parse a VEX document: OpenVEX (`@context` `https://openvex.dev/ns...`)
/// or CycloneDX (`bomFormat: CycloneDX` with `vulnerabilities[].analysis`).
/// Statements whose status does not clear a finding (`affected`,
/// `under_investigation`, `exploitable`, `in_triage`) are not suppressions
/// and are left out; a suppressing statement without a product is an
/// error (it would clear a vulnerability everywhere).
pub fn parse_vex(
    bytes: &[u8],
    path: &str,
    digest: &str,
) -> Result<Vec<HostSuppression>, SuppressError> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| invalid(path, format!("not JSON: {e}")))?;
    let context = doc.get("@context").and_then(Value::as_str).unwrap_or("");
    if context.starts_with("https://openvex.dev/ns") {
        return openvex(&doc, path, digest);
    }
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return cyclonedx(&doc, path, digest);
    }
    Err(invalid(
        path,
        "neither OpenVEX (@context https://openvex.dev/ns/...) nor CycloneDX (bomFormat \"CycloneDX\")",
    ))
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn openvex(doc: &Value, path: &str, digest: &str) -> Result<Vec<HostSuppression>, SuppressError> {
    let author = str_of(doc, "author")
        .unwrap_or("unknown author")
        .to_string();
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(path, "OpenVEX document has no `statements` list"))?;
    let mut out = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        let at = format!("statements[{i}]");
        let status =
            str_of(st, "status").ok_or_else(|| invalid(path, format!("{at}: no `status`")))?;
        if !suppressing(status) {
            continue;
        }
        // `vulnerability` is an object (`name`, `@id`, `aliases`) since
        // v0.2.0, a plain string before.
        let mut ids = Vec::new();
        match st.get("vulnerability") {
            Some(Value::String(s)) => ids.push(s.clone()),
            Some(v @ Value::Object(_)) => {
                ids.extend(str_of(v, "name").map(str::to_string));
                ids.extend(str_of(v, "@id").map(str::to_string));
                if let Some(a) = v.get("aliases").and_then(Value::as_array) {
                    ids.extend(a.iter().filter_map(Value::as_str).map(str::to_string));
                }
            }
            _ => {}
        }
        if ids.is_empty() {
            return Err(invalid(path, format!("{at}: no vulnerability named")));
        }
        let mut products = Vec::new();
        for p in st
            .get("products")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut ids_of = |v: &Value| match v {
                Value::String(s) => products.extend(Purl::parse(s)),
                Value::Object(_) => {
                    products.extend(str_of(v, "@id").and_then(Purl::parse));
                    if let Some(idf) = v.get("identifiers") {
                        products.extend(str_of(idf, "purl").and_then(Purl::parse));
                    }
                }
                _ => {}
            };
            ids_of(p);
            for sub in p
                .get("subcomponents")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                ids_of(sub);
            }
        }
        if products.is_empty() {
            return Err(invalid(
                path,
                format!(
                    "{at}: status {status} but no product with a package URL (pkg:...); cordon matches VEX statements by vulnerability and purl"
                ),
            ));
        }
        let justification = str_of(st, "justification");
        let detail = str_of(st, "impact_statement").or(str_of(st, "status_notes"));
        out.push(vex_suppression(
            str_of(st, "@id")
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}#/statements/{i}", file_name(path))),
            path,
            digest,
            &author,
            status,
            justification,
            detail,
            ids,
            products,
        ));
    }
    Ok(out)
}

fn cyclonedx(doc: &Value, path: &str, digest: &str) -> Result<Vec<HostSuppression>, SuppressError> {
    // bom-ref -> purl, from the document's components (nested too).
    let mut refs: BTreeMap<String, String> = BTreeMap::new();
    fn walk(v: &Value, refs: &mut BTreeMap<String, String>) {
        for c in v
            .get("components")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(r), Some(p)) = (str_of(c, "bom-ref"), str_of(c, "purl")) {
                refs.insert(r.to_string(), p.to_string());
            }
            walk(c, refs);
        }
    }
    walk(doc, &mut refs);
    if let Some(m) = doc.get("metadata").and_then(|m| m.get("component")) {
        if let (Some(r), Some(p)) = (str_of(m, "bom-ref"), str_of(m, "purl")) {
            refs.insert(r.to_string(), p.to_string());
        }
        walk(m, &mut refs);
    }
    let author = doc
        .get("metadata")
        .and_then(|m| m.get("authors"))
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| str_of(a, "name").or(str_of(a, "email")))
        .unwrap_or("unknown author")
        .to_string();
    let vulns = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(path, "CycloneDX document has no `vulnerabilities` list"))?;
    let mut out = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let at = format!("vulnerabilities[{i}]");
        let Some(analysis) = v.get("analysis") else {
            continue;
        };
        let Some(state) = str_of(analysis, "state") else {
            continue;
        };
        if !suppressing(state) {
            continue;
        }
        let mut ids: Vec<String> = str_of(v, "id").map(str::to_string).into_iter().collect();
        for r in v
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            ids.extend(str_of(r, "id").map(str::to_string));
        }
        if ids.is_empty() {
            return Err(invalid(path, format!("{at}: no vulnerability id")));
        }
        let mut products = Vec::new();
        for a in v
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = str_of(a, "ref") {
                // A ref is a bom-ref of this document, or a BOM-Link /
                // purl of another: a purl either way once resolved.
                let purl = refs.get(r).map(String::as_str).unwrap_or(r);
                products.extend(Purl::parse(purl));
            }
        }
        if products.is_empty() {
            return Err(invalid(
                path,
                format!(
                    "{at}: state {state} but no `affects` entry that resolves to a package URL"
                ),
            ));
        }
        out.push(vex_suppression(
            str_of(v, "bom-ref")
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}#/vulnerabilities/{i}", file_name(path))),
            path,
            digest,
            &author,
            state,
            str_of(analysis, "justification"),
            str_of(analysis, "detail"),
            ids,
            products,
        ));
    }
    Ok(out)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[allow(clippy::too_many_arguments)]
fn vex_suppression(
    id: String,
    path: &str,
    digest: &str,
    author: &str,
    status: &str,
    justification: Option<&str>,
    detail: Option<&str>,
    ids: Vec<String>,
    products: Vec<Purl>,
) -> HostSuppression {
    let mut reason = format!("VEX {status}");
    if let Some(j) = justification {
        reason.push_str(&format!(" ({j})"));
    }
    if let Some(d) = detail {
        reason.push_str(&format!(": {d}"));
    }
    HostSuppression {
        id,
        origin: Origin::Vex,
        file: path.to_string(),
        digest: digest.to_string(),
        owner: author.to_string(),
        expires: None,
        reason,
        selector: Selector::Vex { ids, products },
    }
}

/// A finding as matchers see it.
pub struct Subjected<'a>(pub &'a Finding);

impl Subject for Subjected<'_> {
    fn values(&self, field: Field) -> Vec<String> {
        let f = self.0;
        Parts {
            rule_id: &f.rule_id,
            tool: &f.tool,
            path: f.locations.first().map(|l| l.path.as_str()),
            component: f
                .component
                .as_ref()
                .map(|c| (c.name.as_str(), c.version.as_deref(), c.purl.as_deref())),
            vulnerability_ids: &f.vulnerability_ids,
            cwes: &f.cwes,
            kind: f.kind.as_str(),
            severity: f.severity.as_str(),
            fingerprint: &f.fingerprint,
        }
        .values(field)
    }
}

impl HostSuppression {
    /// The fields it matched on `f`, or `None`.
    pub fn matches(&self, f: &Finding) -> Option<Vec<FieldMatch>> {
        match &self.selector {
            Selector::Match(m) => m.matches(&Subjected(f)).map(|hits| {
                hits.into_iter()
                    .map(|h| FieldMatch {
                        field: h.field.to_string(),
                        value: h.value,
                        pattern: h.pattern,
                    })
                    .collect()
            }),
            Selector::Vex { ids, products } => {
                let (id, stated) = f
                    .vulnerability_ids
                    .iter()
                    .chain(std::iter::once(&f.rule_id))
                    .find_map(|v| {
                        ids.iter()
                            .find(|s| s.eq_ignore_ascii_case(v))
                            .map(|s| (v, s))
                    })?;
                let purl_text = f.component.as_ref()?.purl.as_deref()?;
                let purl = Purl::parse(purl_text)?;
                let product = products.iter().find(|p| p.covers(&purl))?;
                Some(vec![
                    FieldMatch {
                        field: "vulnerability_id".into(),
                        value: id.clone(),
                        pattern: stated.clone(),
                    },
                    FieldMatch {
                        field: "component".into(),
                        value: purl_text.to_string(),
                        pattern: match &product.version {
                            Some(v) => format!("{}@{v}", product.base),
                            None => product.base.clone(),
                        },
                    },
                ])
            }
        }
    }

    fn expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| today > e)
    }

    fn identity(&self) -> Suppression {
        Suppression {
            id: self.id.clone(),
            owner: self.owner.clone(),
            expires: self.expires.clone(),
        }
    }
}

/// Whether the host (an ignore file or VEX), not the policy stage, made
/// decision `d`: its rule id is `<origin>/<id>` as [`apply`] writes it.
pub fn by_host(d: &Decision) -> bool {
    [Origin::IgnoreFile, Origin::Vex].iter().any(|o| {
        d.rule_id
            .strip_prefix(o.as_str())
            .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Apply host suppressions to the policy's decisions (matched by
/// fingerprint) and return the status of each suppression, in the order
/// given. A decision the policy already suppressed is left as it is.
pub fn apply(
    suppressions: &[HostSuppression],
    findings: &[Finding],
    decisions: &mut [Decision],
    today: &str,
) -> Vec<SuppressionStatus> {
    let by_fp: BTreeMap<&str, &Finding> = findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    let mut counts = vec![0usize; suppressions.len()];
    for d in decisions.iter_mut() {
        let Some(f) = by_fp.get(d.fingerprint.as_str()) else {
            continue;
        };
        let mut expired: Option<&HostSuppression> = None;
        for (i, s) in suppressions.iter().enumerate() {
            let Some(matched) = s.matches(f) else {
                continue;
            };
            counts[i] += 1;
            if s.expired(today) {
                expired.get_or_insert(s);
                continue;
            }
            if d.action == Action::Suppressed {
                // The policy suppressed it already; this one agrees.
                break;
            }
            d.reason = format!(
                "suppressed by {} {} in {} (owner {}): {}; the policy alone said {} ({}: {})",
                s.origin.as_str(),
                s.id,
                s.file,
                s.owner,
                s.reason,
                d.action.as_str(),
                d.rule_id,
                d.reason
            );
            d.action = Action::Suppressed;
            d.rule_id = format!("{}/{}", s.origin.as_str(), s.id);
            d.policy_name = s.file.clone();
            d.policy_version = String::new();
            d.policy_digest = s.digest.clone();
            d.suppression = Some(s.identity());
            d.matched = matched;
            d.severity_override = None;
            break;
        }
        if let Some(s) = expired
            && d.action != Action::Suppressed
        {
            d.reason.push_str(&format!(
                "; {} suppression {} in {} (owner {}) would have covered it but expired on {}",
                s.origin.as_str(),
                s.id,
                s.file,
                s.owner,
                s.expires.as_deref().unwrap_or("?")
            ));
            d.expired_suppression.get_or_insert_with(|| s.identity());
        }
    }
    suppressions
        .iter()
        .zip(counts)
        .map(|(s, n)| SuppressionStatus {
            id: s.id.clone(),
            origin: s.origin,
            file: s.file.clone(),
            owner: s.owner.clone(),
            expires: s.expires.clone(),
            reason: s.reason.clone(),
            status: if s.expired(today) {
                State::Expired
            } else if n > 0 {
                State::Applied
            } else {
                State::Unused
            },
            findings: n,
        })
        .collect()
}

#[cfg(test)]
mod tests;
