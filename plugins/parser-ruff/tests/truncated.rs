//! Prefixes of the repository's Ruff fixtures (`tests/fixtures/ruff/` at the
//! repository root): a JSON report cut anywhere before its closing bracket
//! is malformed input, never a panic or a shorter report; JSON lines cut
//! inside a record are malformed too, and cut between records they are the
//! records before the cut (JSON lines cannot tell that more were to come).

use cordon_sdk::StageError;
use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

/// The prefixes tried: every 97th, and all of the last 64 bytes.
fn sampled(n: usize, len: usize) -> bool {
    n.is_multiple_of(97) || n + 64 > len
}

#[test]
fn every_prefix_of_the_json_report_is_malformed() {
    let bytes = fixture("ruff", "many.json");
    assert_prefixes_malformed(parser_ruff::parse, &bytes, b']', |n| {
        sampled(n, bytes.len())
    });
}

#[test]
fn json_lines_cut_inside_a_record_are_malformed() {
    let bytes = fixture("ruff", "many.jsonl");
    // Where each record's text ends (its newline).
    let ends: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i)
        .collect();
    assert_eq!(ends.len(), 80);
    let near_an_end = |n: usize| ends.iter().any(|&e| e.abs_diff(n) <= 1);
    for n in (0..=bytes.len()).filter(|&n| sampled(n, bytes.len()) || near_an_end(n)) {
        let prefix = bytes.get(..n).unwrap_or_default();
        let content = prefix.trim_ascii_end().len();
        let result = parser_ruff::parse(prefix);
        match ends.iter().position(|&e| e == content) {
            Some(i) => assert_eq!(
                result.map(|f| f.len()).ok(),
                Some(i + 1),
                "prefix of {n} bytes"
            ),
            None => assert!(
                matches!(result, Err(StageError::MalformedInput(_))),
                "prefix of {n} bytes: {result:?}"
            ),
        }
    }
}
