//! `findings.json` agrees with its published schema
//! (`policies/schemas/findings.schema.json`), for a clean run, a blocking
//! run with suppressions, and a run with errors.
//!
//! The validator below implements the subset of JSON Schema the published
//! schema uses (`type`, `const`, `enum`, `pattern` as a prefix/hex check,
//! `minimum`, `required`, `properties`, `additionalProperties: false`,
//! `items`, local `$ref`), and fails on any keyword it does not know, so the
//! schema cannot silently outgrow the check.

use crate::common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            &root["$defs"][name]
        }
        None => schema,
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_u64() || v.is_i64(),
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        other => panic!("schema type {other} not supported by this check"),
    }
}

fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    let obj = schema.as_object().expect("schema object");
    for key in obj.keys() {
        assert!(
            [
                "type",
                "const",
                "enum",
                "pattern",
                "minimum",
                "required",
                "properties",
                "additionalProperties",
                "items",
                "description",
                "$ref",
                "$schema",
                "$id",
                "title",
                "$defs"
            ]
            .contains(&key.as_str()),
            "unsupported schema keyword {key} at {at}"
        );
    }
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().expect("type"), v)),
            _ => panic!("bad type"),
        };
        if !ok {
            errors.push(format!("{at}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        errors.push(format!("{at}: {v} != const {c}"));
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{at}: {v} not in {e:?}"));
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        let hex = |s: &str, n: usize| {
            s.len() == n
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let s = v.as_str();
        let ok = match p {
            "^sha256:[0-9a-f]{64}$" => s
                .and_then(|s| s.strip_prefix("sha256:"))
                .is_some_and(|h| hex(h, 64)),
            "^[0-9a-f]{32}$" => s.is_some_and(|h| hex(h, 32)),
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => s.is_some_and(|d| {
                let b = d.as_bytes();
                b.len() == 10
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && digits(&d[..4])
                    && digits(&d[5..7])
                    && digits(&d[8..])
            }),
            other => panic!("schema pattern {other} is not supported by this validator"),
        };
        if !ok {
            errors.push(format!("{at}: {v} does not match {p}"));
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_i64), v.as_i64())
        && n < min
    {
        errors.push(format!("{at}: {n} < {min}"));
    }
    if let Some(o) = v.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().expect("required name");
            if !o.contains_key(r) {
                errors.push(format!("{at}: missing required {r}"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, child) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(root, s, child, &format!("{at}/{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: property {k} not in schema"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), v.as_array()) {
        for (i, child) in a.iter().enumerate() {
            validate(root, items, child, &format!("{at}/{i}"), errors);
        }
    }
}

fn run(args: &[&str]) -> Value {
    let out = tempfile::tempdir().expect("tmp");
    let status = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(args)
        .arg("--out")
        .arg(out.path())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("cordon runs");
    assert!(status.code().is_some());
    serde_json::from_slice(&std::fs::read(out.path().join("findings.json")).expect("written"))
        .expect("JSON")
}

/// Every way `doc` departs from the published schema; the CLI helper
/// ([`common::cordon`]) checks each `findings.json` a test makes with it.
pub fn errors(doc: &Value) -> Vec<String> {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(
            &std::fs::read(root.join("policies/schemas/findings.schema.json")).expect("schema"),
        )
        .expect("schema is JSON")
    });
    let mut errors = Vec::new();
    validate(schema, schema, doc, "", &mut errors);
    errors
}

#[test]
fn findings_json_matches_the_published_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: Value = serde_json::from_slice(
        &std::fs::read(root.join("policies/schemas/findings.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let policy = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(
        policy.path(),
        "name='p'\nversion='1'\ndefault_environment='e'\n[environments.e]\nblock='high'\n\
         [[suppressions]]\nid='S'\nowner='o'\nexpires='2999-01-01'\nreason='r'\nrule_id='js/sql-injection'\n",
    )
    .expect("write");
    let fx = |p: &str| common::fixture(p).display().to_string();
    let runs = [
        run(&["run", &fx("sarif/clean.sarif")]),
        run(&[
            "run",
            "--policy",
            policy.path().to_str().expect("utf-8"),
            &fx("sarif/mixed.sarif"),
        ]),
        run(&[
            "run",
            &fx("sarif/webapp.sarif"),
            &fx("sarif/malformed.sarif"),
            "/nonexistent.sarif",
        ]),
    ];
    // The three runs between them exercise every object in the schema.
    assert!(
        runs[1]["decisions"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["action"] == "suppressed"))
    );
    assert!(runs[2]["errors"].as_array().is_some_and(|e| e.len() == 2));
    for (i, doc) in runs.iter().enumerate() {
        let mut errors = Vec::new();
        validate(&schema, &schema, doc, "", &mut errors);
        assert!(errors.is_empty(), "run {i}: {}", errors.join("\n"));
    }
}
