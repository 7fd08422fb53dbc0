//! The repository's Dependency-Check fixtures
//! (`tests/fixtures/dependency-check/` at the repository root), cut in half:
//! malformed input with a position, in either format.

use cordon_sdk::StageError;
use corpus_support::fixtures::fixture;

#[test]
fn truncated_reports_are_malformed() {
    for name in ["report.xml", "report.json"] {
        let bytes = fixture("dependency-check", name);
        match parser_dependency_check::parse(&bytes[..bytes.len() / 2]) {
            Err(StageError::MalformedInput(m)) => {
                assert!(m.position.line.is_some(), "{name}: {m:?}")
            }
            other => panic!("{name}: expected malformed-input, got {other:?}"),
        }
    }
}
