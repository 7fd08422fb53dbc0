//! The real samples of the linter, secrets-baseline, GitLab, SBOM and DAST
//! formats (`tests/fixtures/<family>/`, provenance in each directory's
//! `README.md`) through the sandboxed default pipeline, each file on its own
//! and with no `--format`, against counts taken from the raw file by the small
//! counters below (serde_json / roxmltree walks written for this test, not
//! the parsers):
//!
//! * detection picks the family's parser and the expected format name;
//! * `inputs[].findings_parsed` equals the number of items the tool reports;
//! * after dedup, the number of findings equals the number of items the tool
//!   itself treats as distinct (so dedup loses nothing the tool reports
//!   twice on purpose);
//! * a truncated sample is `malformed-input`, never findings.
//!
//! A `[]` sample (the clean run of a tool whose report is a bare array) is
//! checked, like every fixture, by `fixtures.rs`: refused without `--format`,
//! zero findings with it.

use crate::common;

use cordon_runtime::Input;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// What a counter reads off a raw sample.
#[derive(Debug, PartialEq)]
struct Count {
    /// The format name detection must report.
    format: &'static str,
    /// Items the tool reports.
    raw: usize,
    /// Items the tool reports as distinct from each other.
    distinct: usize,
}

/// `raw` items, of which `keys` distinct.
fn count<K: Ord>(format: &'static str, keys: impl IntoIterator<Item = K>) -> Count {
    let mut raw = 0;
    let distinct: BTreeSet<K> = keys.into_iter().inspect(|_| raw += 1).collect();
    Count {
        format,
        raw,
        distinct: distinct.len(),
    }
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("a sample that is not truncated is JSON")
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The counter of one family.
type Counter = fn(&[u8]) -> Count;

/// Families whose samples this test owns, with their counters.
const FAMILIES: &[(&str, Counter)] = &[
    ("detect-secrets", detect_secrets),
    ("eslint", eslint),
    ("gitlab", gitlab),
    ("nuclei", nuclei),
    ("ruff", ruff),
    ("shellcheck", shellcheck),
    ("sonarqube", sonarqube),
    ("zap", zap),
];

/// `eslint -f json`: every `messages[]` entry of every file (suppressed
/// messages are not reported problems); one problem is (file, line, column,
/// rule, message).
fn eslint(bytes: &[u8]) -> Count {
    let doc = json(bytes);
    count(
        "eslint-json",
        array(&doc).iter().flat_map(|file| {
            array(&file["messages"]).iter().map(move |m| {
                (
                    text(&file["filePath"]),
                    text(&m["line"]),
                    text(&m["column"]),
                    text(&m["ruleId"]),
                    text(&m["message"]),
                )
            })
        }),
    )
}

/// `ruff check --output-format json` (an array) or `json-lines` (one
/// object per line); one diagnostic is (file, notebook cell, row, column,
/// code, message).
fn ruff(bytes: &[u8]) -> Count {
    let (format, items): (_, Vec<Value>) = if bytes.first() == Some(&b'[') {
        ("ruff-json", array(&json(bytes)).to_vec())
    } else {
        let lines = bytes.split(|&b| b == b'\n');
        let items = lines
            .filter(|l| !l.trim_ascii().is_empty())
            .map(json)
            .collect();
        ("ruff-json-lines", items)
    };
    count(
        format,
        items.iter().map(|d| {
            (
                text(&d["filename"]),
                text(&d["cell"]),
                text(&d["location"]["row"]),
                text(&d["location"]["column"]),
                text(&d["code"]),
                text(&d["message"]),
            )
        }),
    )
}

/// `shellcheck -f json1` (`{"comments": [...]}`) or `-f json` (the bare
/// array); one comment is (file, span, code).
fn shellcheck(bytes: &[u8]) -> Count {
    let doc = json(bytes);
    let (format, comments) = match doc.get("comments") {
        Some(c) => ("shellcheck-json1", array(c)),
        None => ("shellcheck-json", array(&doc)),
    };
    count(
        format,
        comments.iter().map(|c| {
            ["file", "line", "column", "endLine", "endColumn", "code"].map(|k| text(&c[k]))
        }),
    )
}

/// detect-secrets baseline: the entries of every `results` list; one secret
/// is (file, line, type, hash).
fn detect_secrets(bytes: &[u8]) -> Count {
    let doc = json(bytes);
    let results = doc["results"].as_object().expect("results");
    count(
        "detect-secrets-baseline",
        results.iter().flat_map(|(file, entries)| {
            array(entries).iter().map(move |e| {
                (
                    file.clone(),
                    text(&e["line_number"]),
                    text(&e["type"]),
                    text(&e["hashed_secret"]),
                )
            })
        }),
    )
}

/// A GitLab security report: every `vulnerabilities[]` entry; one
/// vulnerability is what GitLab itself deduplicates on: the scan type, the
/// location and the primary identifier. A secret's location names its
/// commit; cordon's own secret detection report writes the commit into the
/// description instead (the finding record has no commit field, the schema's
/// `commit.sha` is a placeholder), so for secrets the description counts too.
fn gitlab(bytes: &[u8]) -> Count {
    let doc = json(bytes);
    // `scan.type`; older reports name the type only in each entry's
    // `category`.
    let kind = doc["scan"]["type"]
        .as_str()
        .or_else(|| doc["vulnerabilities"][0]["category"].as_str());
    let format = match kind {
        Some("sast") => "gitlab-sast",
        Some("dependency_scanning") => "gitlab-dependency-scanning",
        Some("secret_detection") => "gitlab-secret-detection",
        Some("container_scanning") => "gitlab-container-scanning",
        other => panic!("report type {other:?}"),
    };
    count(
        format,
        array(&doc["vulnerabilities"]).iter().map(|v| {
            let location = &v["location"];
            (
                text(&location["file"]),
                text(&location["start_line"]),
                text(&location["end_line"]),
                text(&location["dependency"]["package"]["name"]),
                text(&location["dependency"]["version"]),
                text(&location["image"]),
                text(&v["identifiers"][0]["type"]),
                text(&v["identifiers"][0]["value"]),
                text(&location["commit"]["sha"]),
                match format {
                    "gitlab-secret-detection" => text(&v["description"]),
                    _ => String::new(),
                },
            )
        }),
    )
}

/// Nuclei's JSON lines (`-jsonl`) or JSON array (`-je`): every result; one
/// result is (template, matcher, where it matched; Nuclei 2 wrote
/// `templateID`, `matcher_name`, `matched`). Values a matcher
/// extracted (`tls12`, `tls13`) are facts of one result, not two.
fn nuclei(bytes: &[u8]) -> Count {
    let (format, items): (_, Vec<Value>) = if bytes.trim_ascii_start().first() == Some(&b'[') {
        ("nuclei-json-array", array(&json(bytes)).to_vec())
    } else {
        let lines = bytes.split(|&b| b == b'\n');
        let items = lines
            .filter(|l| !l.trim_ascii().is_empty())
            .map(json)
            .collect();
        ("nuclei-jsonl", items)
    };
    count(
        format,
        items.iter().map(|r| {
            let template = match r.get("template-id") {
                Some(id) => text(id),
                None => text(&r["templateID"]),
            };
            let matched = match r.get("matched-at") {
                Some(m) => text(m),
                None => text(&r["matched"]),
            };
            let matcher = match r.get("matcher-name") {
                Some(m) => text(m),
                None => text(&r["matcher_name"]),
            };
            (template, matcher, matched)
        }),
    )
}

/// SonarQube's Web API: `issues[]` of `api/issues/search` or `hotspots[]`
/// of `api/hotspots/search`. SonarQube keys every issue and hotspot; the
/// message counts too, because DefectDojo's anonymised sample gives two
/// different issues one key.
fn sonarqube(bytes: &[u8]) -> Count {
    let doc = json(bytes);
    let (format, items) = match doc.get("hotspots") {
        Some(h) => ("sonarqube-hotspots-json", array(h)),
        None => ("sonarqube-issues-json", array(&doc["issues"])),
    };
    count(
        format,
        items.iter().map(|i| (text(&i["key"]), text(&i["message"]))),
    )
}

/// ZAP's traditional JSON or XML report: every alert item of every site;
/// one alert is (site, plugin, name, description). ZAP splits one alert
/// into two items when the instances' confidence differs.
fn zap(bytes: &[u8]) -> Count {
    if bytes.trim_ascii_start().first() == Some(&b'<') {
        let text = std::str::from_utf8(bytes).expect("UTF-8 XML");
        let doc = roxmltree::Document::parse(text).expect("XML");
        let child = |n: roxmltree::Node, name: &str| {
            n.children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
                .unwrap_or_default()
                .to_string()
        };
        let items = doc
            .descendants()
            .filter(|n| n.has_tag_name("site"))
            .flat_map(|site| {
                let name = site.attribute("name").unwrap_or_default().to_string();
                site.descendants()
                    .filter(|n| n.has_tag_name("alertitem"))
                    .map(move |a| {
                        let name = name.clone();
                        let mut alert = child(a, "alert");
                        if alert.is_empty() {
                            alert = child(a, "name");
                        }
                        (name, child(a, "pluginid"), alert, child(a, "desc"))
                    })
            });
        return count("zap-xml", items.collect::<Vec<_>>());
    }
    let doc = json(bytes);
    count(
        "zap-json",
        array(&doc["site"]).iter().flat_map(|site| {
            array(&site["alerts"]).iter().map(move |a| {
                (
                    text(&site["@name"]),
                    text(&a["pluginid"]),
                    text(&a["name"]),
                    text(&a["desc"]),
                )
            })
        }),
    )
}

#[test]
fn samples_are_detected_and_counted_exactly() {
    let runner = common::pipeline_runner();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (family, counter) in FAMILIES {
        let dir = common::fixture(family);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| !common::is_fixture_notes(p))
            .collect();
        files.sort();
        assert!(
            files.len() >= 3,
            "{family}: clean, many and truncated samples"
        );
        let parser = format!("parser-{family}");
        for path in files {
            let name = rel(&path);
            let bytes = std::fs::read(&path).expect("sample");
            // `[]` / `null`: refused without `--format` and zero findings
            // with it, checked for every fixture by `fixtures.rs`.
            if cordon_manifest::plugin::is_empty_document(&bytes) {
                continue;
            }
            checked += 1;
            let report = runner
                .run_blocking(
                    vec![Input {
                        path: name.clone(),
                        bytes: Ok(bytes.clone()).into(),
                        format: None,
                    }],
                    &common::report_only(None),
                )
                .expect("runs");
            let input = &report.inputs[0];
            let error = report.errors.first().map(|e| e.kind.as_str());
            if name.contains("truncated") {
                if error != Some("malformed-input") || !report.findings.is_empty() {
                    problems.push(format!("{name}: want malformed-input, got {error:?}"));
                }
                continue;
            }
            let want = counter(&bytes);
            let got = Count {
                format: match input.format.as_deref() {
                    Some(f) if f == want.format => want.format,
                    other => {
                        problems.push(format!(
                            "{name}: detected as {other:?}, want {}",
                            want.format
                        ));
                        continue;
                    }
                },
                raw: input.findings_parsed,
                distinct: report.findings.len(),
            };
            if input.parser.as_deref() != Some(parser.as_str()) || error.is_some() {
                problems.push(format!(
                    "{name}: parser {:?}, errors {:?}",
                    input.parser,
                    report.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
                ));
            }
            if got != want {
                problems.push(format!("{name}: cordon {got:?}, raw file {want:?}"));
            }
        }
    }
    println!("{checked} samples checked against independent counts");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `family/file` under `tests/fixtures/`.
fn rel(path: &Path) -> String {
    path.strip_prefix(common::fixture(""))
        .unwrap_or(path)
        .display()
        .to_string()
}
