//! Prefixes of the repository's govulncheck fixtures
//! (`tests/fixtures/govulncheck/` at the repository root).

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_of_an_array_is_malformed() {
    assert_prefixes_malformed(
        parser_govulncheck::parse,
        &fixture("govulncheck", "array.json"),
        b']',
        |_| true,
    );
}

#[test]
fn every_prefix_of_a_stream_is_handled_without_panic() {
    // A stream cut after a complete message is a shorter stream; cut inside
    // a message it is malformed. Either way, no panic.
    let bytes = fixture("govulncheck", "stream.json");
    for n in (0..bytes.len()).step_by(7) {
        let _ = parser_govulncheck::parse(bytes.get(..n).expect("in range"));
    }
}
