//! Recognising CWE numbers and vulnerability identifiers in free-form strings.

use serde_json::Value;

/// The CWE number a tag such as `external/cwe/cwe-079`, `CWE-79`,
/// `cwe:79` or `CWE-79: Improper Neutralization ...` names.
///
/// Only the last `/`-separated segment is looked at, and it must start with
/// `cwe` (any case). With `allow_bare`, a plain number (`"79"`) is accepted
/// too; that is used where the context already says "this is a CWE" (a
/// `cwe` property, a relationship into the CWE taxonomy).
pub(crate) fn parse_cwe(s: &str, allow_bare: bool) -> Option<u32> {
    let segment = s.trim().rsplit('/').next().unwrap_or("").trim();
    let rest = match strip_prefix_ignore_case(segment, "cwe") {
        Some(rest) => rest.trim_start_matches(['-', ':', '_', ' ', '#']),
        None if allow_bare => segment,
        None => return None,
    };
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits_len == 0 || digits_len > 9 {
        return None;
    }
    let (digits, tail) = rest.split_at(digits_len);
    // `CWE-79x` is not CWE 79; `CWE-79: text` and `CWE-79 (text)` are.
    if tail.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&n| n > 0)
}

/// CWE numbers from a `cwe` property value: a string, a number, or an array
/// of those.
pub(crate) fn cwes_from_value(v: &Value, out: &mut Vec<u32>) {
    match v {
        Value::String(s) => {
            // Some producers join several ids in one string ("CWE-79, CWE-80").
            for part in s.split([',', ';']) {
                if let Some(n) = parse_cwe(part, true) {
                    push_unique(out, n);
                }
            }
        }
        Value::Number(n) => {
            if let Some(n) = n.as_u64().and_then(|n| u32::try_from(n).ok())
                && n > 0
            {
                push_unique(out, n);
            }
        }
        Value::Array(items) => {
            for item in items {
                // One level only: nested arrays are not a CWE list shape.
                if !item.is_array() {
                    cwes_from_value(item, out);
                }
            }
        }
        _ => {}
    }
}

/// Append every `CVE-YYYY-NNNN...` and `GHSA-xxxx-xxxx-xxxx` found in `s`,
/// upper-cased, skipping ones already in `out`.
pub(crate) fn find_vulnerability_ids(s: &str, out: &mut Vec<String>) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || bytes.get(i - 1).is_none_or(|b| !b.is_ascii_alphanumeric());
        let rest = bytes.get(i..).unwrap_or_default();
        if boundary
            && let Some(len) = match_cve(rest).or_else(|| match_ghsa(rest))
            && let Some(id) = s.get(i..i + len)
        {
            push_unique(out, id.to_ascii_uppercase());
            i += len;
            continue;
        }
        i += 1;
    }
}

/// Length of a CVE id at the start of `b`: `CVE-` + 4 digits + `-` + 4 or
/// more digits, not followed by a letter or digit.
fn match_cve(b: &[u8]) -> Option<usize> {
    if !starts_with_ignore_case(b, b"cve-") {
        return None;
    }
    let year = count_digits(b.get(4..)?);
    if year != 4 || b.get(8) != Some(&b'-') {
        return None;
    }
    let seq = count_digits(b.get(9..)?);
    if !(4..=19).contains(&seq) {
        return None;
    }
    let len = 9 + seq;
    if b.get(len).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(len)
}

/// Length of a GHSA id at the start of `b`: `GHSA-` and three groups of four
/// letters or digits separated by `-`, not followed by a letter or digit.
fn match_ghsa(b: &[u8]) -> Option<usize> {
    if !starts_with_ignore_case(b, b"ghsa-") {
        return None;
    }
    let mut pos = 5;
    for group in 0..3 {
        if group > 0 {
            if b.get(pos) != Some(&b'-') {
                return None;
            }
            pos += 1;
        }
        let chunk = b.get(pos..pos + 4)?;
        if !chunk.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        pos += 4;
    }
    if b.get(pos).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(pos)
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

fn starts_with_ignore_case(b: &[u8], prefix: &[u8]) -> bool {
    b.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Push `v` unless `out` already holds it (keeps first-seen order).
pub(crate) fn push_unique<T: PartialEq>(out: &mut Vec<T>, v: T) {
    if !out.contains(&v) {
        out.push(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cwe_tag_shapes() {
        assert_eq!(parse_cwe("external/cwe/cwe-079", false), Some(79));
        assert_eq!(parse_cwe("CWE-79", false), Some(79));
        assert_eq!(parse_cwe("cwe:79", false), Some(79));
        assert_eq!(
            parse_cwe("CWE-89: Improper Neutralization", false),
            Some(89)
        );
        assert_eq!(parse_cwe("CWE-200 Information Exposure", false), Some(200));
        assert_eq!(parse_cwe("79", false), None);
        assert_eq!(parse_cwe("79", true), Some(79));
        assert_eq!(parse_cwe("security", false), None);
        assert_eq!(parse_cwe("cwe-79x", false), None);
        assert_eq!(parse_cwe("CWE-", false), None);
        assert_eq!(parse_cwe("CWE-0", false), None);
        assert_eq!(parse_cwe("CWE-99999999999", false), None);
        assert_eq!(parse_cwe("é/ü", true), None);
    }

    #[test]
    fn cwe_property_values() {
        let mut out = Vec::new();
        let v: Value = serde_json::json!(["CWE-79", 89, "cwe-79", "CWE-22, CWE-23", null, [1]]);
        cwes_from_value(&v, &mut out);
        assert_eq!(out, vec![79, 89, 22, 23]);
    }

    #[test]
    fn vulnerability_ids() {
        let mut out = Vec::new();
        find_vulnerability_ids("CVE-2021-22696-cxf-core", &mut out);
        find_vulnerability_ids("see cve-2019-10086 and GHSA-4374-p667-p6c8.", &mut out);
        find_vulnerability_ids(
            "XCVE-2020-1234 CVE-20-1234 CVE-2020-123 CVE-2021-22696",
            &mut out,
        );
        find_vulnerability_ids("GHSA-aaaa-bbbb-ccccd ghsa-ab", &mut out);
        find_vulnerability_ids("é CVE-2022-0001é", &mut out);
        assert_eq!(
            out,
            vec![
                "CVE-2021-22696".to_string(),
                "CVE-2019-10086".to_string(),
                "GHSA-4374-P667-P6C8".to_string(),
                "CVE-2022-0001".to_string(),
            ]
        );
    }
}
