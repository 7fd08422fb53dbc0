//! Prefixes of the repository's Nuclei fixtures (`tests/fixtures/nuclei/` at
//! the repository root): an array export cut anywhere before its closing
//! bracket is malformed input; JSON Lines cut inside a record are malformed
//! input, and cut at a line break they are the records before the cut
//! (the format cannot tell that apart from a shorter scan). Never a panic.

use cordon_sdk::StageError;
use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_of_the_array_export_is_malformed() {
    let bytes = fixture("nuclei", "defectdojo-multiple_v3.json");
    let len = bytes.len();
    assert_prefixes_malformed(parser_nuclei::parse, &bytes, b']', |n| {
        n % 7 == 0 || n + 64 > len
    });
}

#[test]
fn json_lines_cut_inside_a_record_are_malformed() {
    let bytes = fixture("nuclei", "defectdojo-many_findings.json");
    for n in 0..bytes.len() {
        let prefix = bytes.get(..n).unwrap_or_default();
        // A cut just after a record's closing brace (before or after its
        // line break) leaves whole records only.
        let whole = prefix.trim_ascii_end();
        let at_break =
            !whole.is_empty() && whole.ends_with(b"}") && bytes.get(whole.len()) == Some(&b'\n');
        match parser_nuclei::parse(prefix) {
            Ok(f) if at_break => {
                let records = whole.split(|&b| b == b'\n').count();
                assert_eq!(f.len(), records, "prefix of {n} bytes");
            }
            Err(StageError::MalformedInput(_)) if !at_break => {}
            other => panic!("prefix of {n} bytes: got {other:?}"),
        }
    }
}
