//! Pieces the dependency and secret scanners' parsers share: a package
//! finding's title, kind, package URL and file location, a secret shown
//! redacted, and the leaves of an OSV record's `affected` list.

use cordon_sdk::{FindingKind, Location};
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

/// The kind of a finding about a vulnerable package: a container finding
/// for an operating-system package, else a dependency (SCA) finding.
pub fn package_kind(os_package: bool) -> FindingKind {
    if os_package {
        FindingKind::Container
    } else {
        FindingKind::Sca
    }
}

/// A package URL, `pkg:{kind}/{name}` with `@{version}` when there is one,
/// for a purl type and a package name as its package manager writes it: a
/// Maven `group:artifact` becomes `group/artifact` (`None` without a `:`),
/// an npm scope's `@` is percent-encoded, other names are kept as they are.
pub fn package_url(kind: &str, name: &str, version: Option<&str>) -> Option<String> {
    let path = match kind {
        "maven" => {
            let (group, artifact) = name.split_once(':')?;
            format!("{group}/{artifact}")
        }
        "npm" => name
            .strip_prefix('@')
            .map_or_else(|| name.to_string(), |s| format!("%40{s}")),
        _ => name.to_string(),
    };
    Some(match version {
        Some(v) => format!("pkg:{kind}/{path}@{v}"),
        None => format!("pkg:{kind}/{path}"),
    })
}

/// A location that names a file (a manifest, a lockfile, an image) without
/// lines or columns.
pub fn file_location(path: impl Into<String>) -> Location {
    Location {
        path: path.into(),
        start_line: None,
        start_column: None,
        end_line: None,
        end_column: None,
    }
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
    fn package_urls() {
        let url = |kind, name, version| package_url(kind, name, version);
        assert_eq!(
            url("maven", "g:a", Some("1")).as_deref(),
            Some("pkg:maven/g/a@1")
        );
        assert_eq!(url("maven", "a", Some("1")), None);
        assert_eq!(url("npm", "@s/p", None).as_deref(), Some("pkg:npm/%40s/p"));
        assert_eq!(
            url("cargo", "c", Some("2")).as_deref(),
            Some("pkg:cargo/c@2")
        );
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
