//! One spelling per file: the canonical form of a location's path.
//!
//! Scanners name the same file differently: `src/app.py`, `./src/app.py`,
//! `/src/app.py` (Checkov), `file:///home/runner/work/app/src/app.py`
//! (SARIF), `/home/runner/work/app/src/app.py` (Trivy). The host rewrites
//! every location path a parser returns to one form before any other stage
//! sees it, so fingerprints, dedup, baselines and suppressions agree across
//! formats and machines:
//!
//! 1. a `file:` URI becomes its path (`file:///x`, `file://localhost/x`,
//!    `file:x`), percent-escapes decoded (when they decode to UTF-8);
//! 2. an absolute path under a source root (`--source-root`, default the
//!    working directory) loses that prefix;
//! 3. `./` and empty segments are dropped and a leading `/` is removed.
//!
//! `..` is kept (resolving it would need the file system), and so is any
//! other URI (`https://...`, `pkg:...`, `arn:...`): those name no file of
//! the checkout. A path that would become empty is left as it was.

/// The canonical form of `path`; `roots` are source-root prefixes to strip
/// (absolute paths, without a trailing `/`; longest first is not needed,
/// the longest match wins).
pub fn canonical(path: &str, roots: &[String]) -> String {
    let decoded;
    let mut p = path;
    if let Some(rest) = strip_prefix_ignore_case(p, "file:") {
        decoded = percent_decode(file_uri_path(rest));
        p = &decoded;
    } else if has_scheme(p) {
        return path.to_string();
    }
    let mut best: Option<&str> = None;
    for root in roots {
        let root = root.trim_end_matches('/');
        if root.is_empty() {
            continue;
        }
        if let Some(rest) = p.strip_prefix(root)
            && (rest.is_empty() || rest.starts_with('/'))
            && best.is_none_or(|b| root.len() > b.len())
        {
            best = Some(root);
        }
    }
    if let Some(root) = best {
        p = &p[root.len()..];
    }
    let segments: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if segments.is_empty() {
        return path.to_string();
    }
    segments.join("/")
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The path part of what follows `file:`: `//host/path` loses the
/// authority (`//localhost/x` and `///x` both give `/x`).
fn file_uri_path(rest: &str) -> &str {
    match rest.strip_prefix("//") {
        Some(auth_and_path) => match auth_and_path.find('/') {
            Some(i) => &auth_and_path[i..],
            None => "",
        },
        None => rest,
    }
}

/// `scheme:` with a scheme of two or more characters (so `C:/x` is a path).
fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    scheme.len() >= 2
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
}

/// Decode `%XX` escapes; the input unchanged if they do not give UTF-8.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: &str) -> String {
        canonical(p, &["/home/runner/work/app".into()])
    }

    #[test]
    fn one_spelling_per_file() {
        for p in [
            "src/app.py",
            "./src/app.py",
            "/src/app.py",
            ".//src/./app.py",
            "file:///home/runner/work/app/src/app.py",
            "file://localhost/home/runner/work/app/src/app.py",
            "FILE:src/app.py",
            "/home/runner/work/app/src/app.py",
            "/home/runner/work/app/./src//app.py",
        ] {
            assert_eq!(c(p), "src/app.py", "{p}");
        }
    }

    #[test]
    fn roots_match_whole_segments_and_the_longest_wins() {
        let roots = ["/work".to_string(), "/work/app".to_string()];
        assert_eq!(canonical("/work/app/a.py", &roots), "a.py");
        assert_eq!(canonical("/workshop/a.py", &roots), "workshop/a.py");
        assert_eq!(canonical("/work/a.py", &roots), "a.py");
    }

    #[test]
    fn escapes_are_decoded_only_in_file_uris() {
        assert_eq!(c("file:///tmp/my%20app/a.py"), "tmp/my app/a.py");
        assert_eq!(c("my%20app/a.py"), "my%20app/a.py");
        assert_eq!(c("file:///a/%ff.py"), "a/%ff.py", "not UTF-8: kept");
    }

    #[test]
    fn other_uris_and_empty_results_are_kept() {
        for p in [
            "https://example.com/a.js",
            "pkg:npm/lodash@4.17.20",
            "arn:aws:s3:::bucket",
            "/",
            ".",
            "",
            "/home/runner/work/app",
        ] {
            assert_eq!(c(p), p, "{p}");
        }
        assert_eq!(c("C:/repo/a.py"), "C:/repo/a.py");
        assert_eq!(c("../lib/a.py"), "../lib/a.py");
    }
}
