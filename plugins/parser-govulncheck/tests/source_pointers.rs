//! The source pointers of the repository's govulncheck stream fixture
//! (`tests/fixtures/govulncheck/stream.json` at the repository root),
//! checked against its lines.

use corpus_support::fixtures::fixture;

#[test]
fn every_pointer_names_the_line_where_its_message_starts() {
    let bytes = fixture("govulncheck", "stream.json");
    let f = parser_govulncheck::parse(&bytes).expect("parses");
    assert!(!f.is_empty());
    let text = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    for x in &f {
        let n: usize = x
            .source_pointer
            .strip_prefix("line:")
            .and_then(|n| n.parse().ok())
            .expect("line pointer");
        assert_eq!(lines.get(n - 1).copied(), Some("{"), "{}", x.source_pointer);
        assert_eq!(
            lines.get(n).copied(),
            Some("  \"finding\": {"),
            "{}",
            x.source_pointer
        );
    }
}
