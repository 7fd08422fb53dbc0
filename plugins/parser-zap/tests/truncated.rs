//! Prefixes of the repository's ZAP fixtures (`tests/fixtures/zap/` at the
//! repository root), JSON and XML: a report cut anywhere before its end is
//! malformed input, never a panic or a shorter report. The prefixes are
//! sampled (every 97th, and every one of the last 64 bytes) to keep the
//! test fast.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

fn sampled(len: usize) -> impl Fn(usize) -> bool {
    move |n| n % 97 == 0 || n + 64 > len
}

#[test]
fn every_prefix_of_the_json_report_is_malformed() {
    let bytes = fixture("zap", "bcgov-zap-2.14.0.json");
    assert_prefixes_malformed(parser_zap::parse, &bytes, b'}', sampled(bytes.len()));
}

#[test]
fn every_prefix_of_the_xml_report_is_malformed() {
    let bytes = fixture("zap", "defectdojo-dvwa_baseline_dojo.xml");
    assert_prefixes_malformed(parser_zap::parse, &bytes, b'>', sampled(bytes.len()));
}
