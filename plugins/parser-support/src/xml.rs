//! XML reports (feature `xml`): one safe way to open a document, and the
//! element lookups every XML parser needs.

use cordon_sdk::StageError;
use roxmltree::{Document, Node, ParsingOptions};

/// How deep elements may nest before a document is refused: far beyond any
/// real report, far below what would exhaust a stage's stack.
pub const MAX_XML_DEPTH: usize = 256;

/// Parse `bytes` as an XML document: UTF-8, no DTD (so no entity
/// expansion), elements nested at most [`MAX_XML_DEPTH`] deep. Every
/// refusal is `malformed-input` with the line and column where it happened.
pub fn document(bytes: &[u8]) -> Result<Document<'_>, StageError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of(bytes, e.valid_up_to());
        StageError::malformed(
            format!("invalid XML: not UTF-8 ({e})"),
            Some(line),
            Some(column),
            None,
        )
    })?;
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        StageError::malformed(
            format!("invalid XML: {e}"),
            Some(pos.row),
            Some(pos.col),
            None,
        )
    })?;
    check_depth(&doc)?;
    Ok(doc)
}

/// 1-based line and column of byte `offset`.
fn position_of(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// Refuse elements nested deeper than [`MAX_XML_DEPTH`] (iteratively: the
/// check itself must not recurse).
fn check_depth(doc: &Document<'_>) -> Result<(), StageError> {
    let mut stack: Vec<(Node<'_, '_>, usize)> = vec![(doc.root_element(), 1)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_XML_DEPTH {
            let pos = doc.text_pos_at(node.range().start);
            return Err(StageError::malformed(
                format!("invalid XML: elements nested more than {MAX_XML_DEPTH} deep"),
                Some(pos.row),
                Some(pos.col),
                None,
            ));
        }
        stack.extend(
            node.children()
                .filter(Node::is_element)
                .map(|c| (c, depth + 1)),
        );
    }
    Ok(())
}

/// The element children of `node` with local name `name`.
pub fn elements<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The first element child of `node` with local name `name`.
pub fn child<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'static str,
) -> Option<Node<'a, 'input>> {
    elements(node, name).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn malformed(bytes: &[u8]) -> (String, Option<u32>, Option<u32>) {
        match document(bytes) {
            Err(StageError::MalformedInput(m)) => (m.message, m.position.line, m.position.column),
            other => panic!("want malformed-input, got {other:?}"),
        }
    }

    #[test]
    fn refuses_a_dtd_bad_utf8_and_deep_nesting_with_positions() {
        let (msg, ..) = malformed(b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>");
        assert!(msg.starts_with("invalid XML:"), "{msg}");
        assert_eq!(malformed(b"<a>\n  \xff</a>").1, Some(2));
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_XML_DEPTH + 1),
            "</a>".repeat(MAX_XML_DEPTH + 1)
        );
        let (msg, line, column) = malformed(deep.as_bytes());
        assert!(msg.contains("nested more than 256 deep"), "{msg}");
        assert_eq!(
            (line, column),
            (Some(1), Some(1 + 3 * MAX_XML_DEPTH as u32))
        );
        let ok = "<a>".repeat(MAX_XML_DEPTH) + &"</a>".repeat(MAX_XML_DEPTH);
        assert!(document(ok.as_bytes()).is_ok());
    }

    #[test]
    fn finds_element_children_by_local_name() {
        let doc = document(b"<r><x>1</x>text<y/><x>2</x></r>").expect("parses");
        let root = doc.root_element();
        let xs: Vec<_> = elements(root, "x").filter_map(|n| n.text()).collect();
        assert_eq!(xs, ["1", "2"]);
        assert!(child(root, "y").is_some());
        assert!(child(root, "z").is_none());
    }
}
