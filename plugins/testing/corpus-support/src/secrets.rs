//! The secret-redaction check of the secret scanners' corpus tests
//! (Gitleaks, TruffleHog): no title, message or tag of a finding may show a
//! secret value of the report it came from.

use cordon_sdk::Finding;
use serde_json::Value;

/// Secrets shorter than this many characters are not searched for (too many
/// false alarms).
pub const MIN_SECRET_CHARS: usize = 8;

/// Every string under one of the `keys`, anywhere in `v` (trimmed, at least
/// [`MIN_SECRET_CHARS`] long).
fn collect(keys: &[&str], v: &Value, under_secret: bool, out: &mut Vec<String>) {
    match v {
        Value::String(s) if under_secret && s.trim().chars().count() >= MIN_SECRET_CHARS => {
            out.push(s.trim().to_string());
        }
        Value::Array(a) => a.iter().for_each(|x| collect(keys, x, under_secret, out)),
        Value::Object(o) => {
            for (k, x) in o {
                collect(keys, x, under_secret || keys.contains(&k.as_str()), out);
            }
        }
        _ => {}
    }
}

/// The secrets of a report, a JSON document or NDJSON (a leading byte-order
/// mark is skipped): the values under the report fields `keys`.
pub fn secrets(keys: &[&str], bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    if keys.is_empty() {
        return out;
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    match serde_json::from_str::<Value>(text) {
        Ok(v) => collect(keys, &v, false, &mut out),
        Err(_) => {
            for line in text.lines() {
                if let Ok(v) = serde_json::from_str::<Value>(line) {
                    collect(keys, &v, false, &mut out);
                }
            }
        }
    }
    out
}

/// Record `"{file}: finding {n} shows a secret ({head}…)"` for every title,
/// message or tag of `findings` that contains one of the [`secrets`] of
/// `bytes`; returns how many secrets were looked for.
pub fn check_redacted(
    keys: &[&str],
    file: &str,
    bytes: &[u8],
    findings: &[Finding],
    failures: &mut Vec<String>,
) -> usize {
    let secrets = secrets(keys, bytes);
    for (n, f) in findings.iter().enumerate() {
        let shown = [f.title.as_str(), f.message.as_str()]
            .into_iter()
            .chain(f.tags.iter().map(String::as_str));
        for text in shown {
            if let Some(s) = secrets.iter().find(|s| text.contains(s.as_str())) {
                let head: String = s.chars().take(4).collect();
                failures.push(format!("{file}: finding {n} shows a secret ({head}…)"));
            }
        }
    }
    secrets.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_of_documents_and_streams() {
        let doc = br#"[{"Secret": "AKIAFAKEFAKE", "File": "a.env", "Match": "short"}]"#;
        assert_eq!(secrets(&["Secret", "Match"], doc), ["AKIAFAKEFAKE"]);
        let stream =
            b"\xEF\xBB\xBF{\"Raw\": {\"x\": \"  ghp_FAKEFAKE  \"}}\n{\"Raw\": \"tokentoken\"}\n";
        assert_eq!(secrets(&["Raw"], stream), ["ghp_FAKEFAKE", "tokentoken"]);
        assert!(secrets(&[], doc).is_empty());
    }
}
