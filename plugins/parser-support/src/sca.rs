//! Pieces the dependency and secret scanners' parsers share: a package
//! finding's title, a secret shown redacted, and the leaves of an OSV
//! record's `affected` list.

use serde::Deserialize;

/// A vulnerability's title naming what it affects: `{id} in {name}
/// {version}`; `{id} in {name}` without a version, `id` alone without a
/// name (a version without a name is not shown).
pub fn package_title(id: &str, name: Option<&str>, version: Option<&str>) -> String {
    let mut title = id.to_string();
    if let Some(n) = name {
        title.push_str(" in ");
        title.push_str(n);
        if let Some(v) = version {
            title.push(' ');
            title.push_str(v);
        }
    }
    title
}

/// A secret as it may be shown: at most its first four characters, then `…`.
///
/// Short secrets show less: a quarter of their characters, rounded down, so a
/// secret is never shown whole (an empty or one-to-three-character secret
/// becomes just `…`). Control characters are dropped.
pub fn redact(secret: &str) -> String {
    let visible: Vec<char> = secret.trim().chars().filter(|c| !c.is_control()).collect();
    let keep = (visible.len() / 4).min(4);
    let mut out: String = visible.iter().take(keep).collect();
    out.push('…');
    out
}

/// A secret finding's commit, as a sentence of its message: ` Commit
/// {commit} ({when}).`, without the parenthesis when `when` is `None`;
/// empty when `commit` is `None`.
pub fn commit_note(commit: Option<&str>, when: Option<&str>) -> String {
    let Some(c) = commit else {
        return String::new();
    };
    match when {
        Some(w) => format!(" Commit {c} ({w})."),
        None => format!(" Commit {c}."),
    }
}

/// An OSV record's `affected[].package`; only `name` is read (a property
/// of the wrong type is an error, `null` counts as absent).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OsvPackageName {
    /// `name`.
    pub name: Option<String>,
}

/// An OSV record's `affected[].ranges[].events[]`; only `fixed` is read (a
/// property of the wrong type is an error, `null` counts as absent).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OsvEvent {
    /// `fixed`: the version that fixes the vulnerability.
    pub fixed: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_package() {
        assert_eq!(package_title("X-1", Some("a"), Some("1.0")), "X-1 in a 1.0");
        assert_eq!(package_title("X-1", Some("a"), None), "X-1 in a");
        assert_eq!(package_title("X-1", None, Some("1.0")), "X-1");
    }

    #[test]
    fn secrets_are_cut() {
        assert_eq!(redact("abcdefghijklmnopqrstu"), "abcd…");
        assert_eq!(redact("abcdefgh"), "ab…");
        assert_eq!(redact("abc"), "…");
    }

    #[test]
    fn commits_are_one_sentence() {
        assert_eq!(
            commit_note(Some("abc"), Some("today")),
            " Commit abc (today)."
        );
        assert_eq!(commit_note(Some("abc"), None), " Commit abc.");
        assert_eq!(commit_note(None, Some("today")), "");
    }
}
