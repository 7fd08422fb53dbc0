//! The traditional XML report (`traditional-xml`, `traditional-xml-plus`).

use crate::{Alert, convert};
use cordon_parser_support::clip;
use cordon_parser_support::xml::{child, document, elements};
use cordon_sdk::{Finding, StageError};
use roxmltree::{Document, Node};

/// The root element of every ZAP XML report.
const ROOT: &str = "OWASPZAPReport";

/// Parse an XML report (`bytes` without a byte-order mark, not blank).
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    // An XML declaration must open the document: skip the blank lines some
    // tools write before it, and count them back into error positions.
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let (skipped, bytes) = bytes.split_at(start);
    let lines = u32::try_from(skipped.iter().filter(|&&b| b == b'\n').count()).unwrap_or(0);
    let cols =
        u32::try_from(skipped.iter().rev().take_while(|&&b| b != b'\n').count()).unwrap_or(0);
    parse_text(bytes).map_err(|e| match e {
        StageError::MalformedInput(mut m) => {
            if m.position.line == Some(1) {
                m.position.column = m.position.column.map(|c| c.saturating_add(cols));
            }
            m.position.line = m.position.line.map(|l| l.saturating_add(lines));
            StageError::MalformedInput(m)
        }
        other => other,
    })
}

fn parse_text(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let doc = document(bytes)?;
    let root = doc.root_element();
    if root.tag_name().name() != ROOT {
        return Err(StageError::UnsupportedFormat(format!(
            "not a ZAP XML report: the root element is <{}>, not <{ROOT}>",
            clip(root.tag_name().name(), 64)
        )));
    }
    let version = root.attribute("version");
    let mut findings = Vec::new();
    for (s, site) in elements(root, "site").enumerate() {
        let Some(alerts) = child(site, "alerts") else {
            continue;
        };
        for (a, item) in elements(alerts, "alertitem").enumerate() {
            let alert = alert(&doc, item)?;
            let pointer = format!("/{ROOT}/site[{}]/alerts/alertitem[{}]", s + 1, a + 1);
            findings.push(convert(&alert, site.attribute("name"), version, pointer));
        }
    }
    Ok(findings)
}

/// `malformed-input` at `node`: `not a valid ZAP XML report: {what}`.
fn missing(doc: &Document<'_>, node: Node<'_, '_>, what: &str) -> StageError {
    let pos = doc.text_pos_at(node.range().start);
    StageError::malformed(
        format!("not a valid ZAP XML report: {what}"),
        Some(pos.row),
        Some(pos.col),
        None,
    )
}

fn alert(doc: &Document<'_>, item: Node<'_, '_>) -> Result<Alert, StageError> {
    let field = |name: &'static str| child(item, name).map(text);
    let Some(plugin_id) = field("pluginid") else {
        return Err(missing(doc, item, "<alertitem> without <pluginid>"));
    };
    let mut uris = Vec::new();
    if let Some(instances) = child(item, "instances") {
        for instance in elements(instances, "instance") {
            match child(instance, "uri") {
                Some(uri) => uris.push(text(uri)),
                None => return Err(missing(doc, instance, "<instance> without <uri>")),
            }
        }
    }
    Ok(Alert {
        plugin_id,
        alert_ref: field("alertRef"),
        alert: field("alert"),
        name: field("name"),
        riskcode: field("riskcode"),
        riskdesc: field("riskdesc"),
        confidence: field("confidence"),
        desc: field("desc"),
        solution: field("solution"),
        reference: field("reference"),
        cweid: field("cweid"),
        wascid: field("wascid"),
        uris,
    })
}

/// The text content of an element (all its text descendants).
fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect()
}
