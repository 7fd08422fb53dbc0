//! Resource limits against components written directly in WAT: several
//! memories under one budget, table growth, too many memories, too many
//! instances. Each component implements the real `parser` world (its types
//! spelled out structurally), so it loads like any stage.

use crate::common;

use cordon_manifest::{Capability, Limits, StageKind};
use cordon_runtime::compile::CompileBounds;
use cordon_runtime::{
    CallError, LimitKind, LoadError, LoadedStage, Runtime, RuntimeOptions, VerifiedComponent,
};
use std::sync::Arc;
use std::time::Duration;

/// The parser world's exported types and functions around a core module.
/// The core module must export `mem`, `realloc`, `detect` and `parse`.
fn parser_component(core: &str) -> String {
    format!(
        r#"(component
  (core module $m {core})
  (core instance $i (instantiate $m))
  (type $severity' (enum "critical" "high" "medium" "low" "info"))
  (export $severity "severity" (type $severity'))
  (type $sevsrc' (enum "cvss" "security-severity" "tool" "default"))
  (export $sevsrc "severity-source" (type $sevsrc'))
  (type $kind' (enum "sast" "sca" "secret" "iac" "container" "dast" "other"))
  (export $kind "finding-kind" (type $kind'))
  (type $location' (record (field "path" string) (field "start-line" (option u32)) (field "start-column" (option u32)) (field "end-line" (option u32)) (field "end-column" (option u32))))
  (export $location "location" (type $location'))
  (type $comp' (record (field "name" string) (field "version" (option string)) (field "purl" (option string)) (field "fixed-versions" (list string))))
  (export $comp "component" (type $comp'))
  (type $finding' (record (field "tool" string) (field "tool-version" (option string)) (field "rule-id" string) (field "title" string) (field "message" string) (field "severity" $severity) (field "tool-severity" (option string)) (field "severity-source" $sevsrc) (field "kind" $kind) (field "locations" (list $location)) (field "component" (option $comp)) (field "vulnerability-ids" (list string)) (field "cwes" (list u32)) (field "tags" (list string)) (field "help-uri" (option string)) (field "fingerprint" string) (field "source-pointer" string) (field "input" u32)))
  (export $finding "finding" (type $finding'))
  (type $pos' (record (field "line" (option u32)) (field "column" (option u32)) (field "pointer" (option string))))
  (export $pos "input-position" (type $pos'))
  (type $malformed' (record (field "message" string) (field "position" $pos)))
  (export $malformed "malformed" (type $malformed'))
  (type $err' (variant (case "malformed-input" $malformed) (case "unsupported-format" string) (case "invalid-config" string) (case "internal" string)))
  (export $err "stage-error" (type $err'))
  (type $detection' (record (field "format" string) (field "confidence" u8)))
  (export $detection "detection" (type $detection'))
  (func (export "detect") (param "head" (list u8)) (result (option $detection))
    (canon lift (core func $i "detect") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
  (func (export "parse") (param "report" (list u8)) (result (result (list $finding) (error $err)))
    (canon lift (core func $i "parse") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
)"#
    )
}

/// A core module: `mem` (1 page), a bump `realloc` from 1 KiB, `detect`
/// returning `none`, and `parse` running `body` and then returning
/// `ok([])` (an all-zero result area at offset 0).
fn core(extra_decls: &str, body: &str) -> String {
    format!(
        r#"
    (memory (export "mem") 1)
    {extra_decls}
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (global.get $next) (local.get 3)))
      (local.get $p))
    (func (export "detect") (param i32 i32) (result i32) (i32.const 0))
    (func (export "parse") (param i32 i32) (result i32)
      {body}
      (i32.const 0))
  "#
    )
}

fn limits(memory_bytes: u64) -> Limits {
    Limits {
        memory_bytes,
        timeout: Duration::from_secs(5),
        ..Limits::default()
    }
}

fn stage(name: &str, wat: &str, memory_bytes: u64) -> LoadedStage {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("{name}: {e}"));
    common::load(
        name,
        bytes,
        &common::spec(StageKind::Parser, &[Capability::Log], limits(memory_bytes)),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Grow memory `idx` by `pages`, trapping if the growth is refused.
fn grow(idx: u32, pages: u32) -> String {
    format!(
        "(if (i32.eq (memory.grow {idx} (i32.const {pages})) (i32.const -1)) (then unreachable))"
    )
}

fn four_memories() -> String {
    let decls = "(memory 0) (memory 0) (memory 0)";
    let body: String = (0..4).map(|i| grow(i, 40)).collect();
    parser_component(&core(decls, &body))
}

#[test]
fn one_budget_spans_four_memories() {
    // 1 + 4 × 40 pages = 161 pages = 10.06 MiB.
    let wat = four_memories();
    let ok = stage("four-memories-16", &wat, 16 << 20);
    assert_eq!(ok.parse(b"x").expect("fits in 16 MiB").len(), 0);

    // Each memory alone stays far below 8 MiB; together they do not fit.
    let tight = stage("four-memories-8", &wat, 8 << 20);
    let err = tight
        .parse(b"x")
        .expect_err("10 MiB across four memories > 8 MiB");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::Memory { budget }, .. } if *budget == 8 << 20),
        "{err:?}"
    );
    // The budget is per call: the next call starts from zero again.
    assert_eq!(ok.parse(b"x").expect("healthy").len(), 0);
}

#[test]
fn too_many_memories_fail_at_instantiation() {
    let decls: String = (0..20).map(|_| "(memory 0) ").collect();
    let s = stage(
        "many-memories",
        &parser_component(&core(&decls, "")),
        64 << 20,
    );
    let err = s.parse(b"x").expect_err("21 memories > 16");
    assert!(
        matches!(
            &err,
            CallError::Limit {
                limit: LimitKind::Resources { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn table_growth_is_capped() {
    let decls = "(table $t 0 funcref)";
    let body = "(if (i32.eq (table.grow $t (ref.null func) (i32.const 2000000)) (i32.const -1)) (then unreachable))";
    let s = stage(
        "table-bomb",
        &parser_component(&core(decls, body)),
        64 << 20,
    );
    let err = s.parse(b"x").expect_err("2M elements > cap");
    assert!(
        matches!(&err, CallError::Limit { limit: LimitKind::Resources { what }, .. } if what.contains("table elements")),
        "{err:?}"
    );
    // 1000 elements are fine.
    let body = "(if (i32.eq (table.grow $t (ref.null func) (i32.const 1000)) (i32.const -1)) (then unreachable))";
    let s = stage("table-ok", &parser_component(&core(decls, body)), 64 << 20);
    assert_eq!(s.parse(b"x").expect("small table").len(), 0);
}

#[test]
fn too_many_instances_fail_at_instantiation() {
    let extra: String = (0..80)
        .map(|_| "(core instance (instantiate $empty))\n")
        .collect();
    let wat = parser_component(&core("", "")).replacen(
        "(core instance $i (instantiate $m))",
        &format!("(core module $empty)\n{extra}(core instance $i (instantiate $m))"),
        1,
    );
    let s = stage("many-instances", &wat, 64 << 20);
    let err = s.parse(b"x").expect_err("81 instances > 64");
    assert!(
        matches!(
            &err,
            CallError::Limit {
                limit: LimitKind::Resources { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn memory_declared_larger_than_the_budget_fails_at_instantiation() {
    let wat = parser_component(&core("", "")).replacen(
        "(memory (export \"mem\") 1)",
        "(memory (export \"mem\") 2000)",
        1,
    );
    let s = stage("huge-initial", &wat, 64 << 20);
    let err = s.parse(b"x").expect_err("125 MiB initial > 64 MiB");
    assert!(
        matches!(
            &err,
            CallError::Limit {
                limit: LimitKind::Memory { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

/// A runtime with `bounds` as its compile bounds (log lines dropped).
fn runtime_with(bounds: CompileBounds) -> Runtime {
    Runtime::with_options(
        Arc::new(|_, _, _| {}),
        RuntimeOptions {
            compile: bounds,
            ..RuntimeOptions::default()
        },
    )
    .expect("runtime starts")
}

/// Verify (caller pin) and load `bytes` on `rt`.
fn load_on(rt: &Runtime, name: &str, bytes: Vec<u8>) -> Result<LoadedStage, LoadError> {
    let pin = cordon_runtime::verify::sha256_digest(&bytes);
    let verified = VerifiedComponent::verify_pinned(name, StageKind::Parser, bytes, &pin)?;
    rt.load(
        verified,
        &common::spec(StageKind::Parser, &[Capability::Log], limits(16 << 20)),
    )
}

/// A parser component whose `parse` has a body of `n` `(drop (i32.const 0))`
/// pairs: 3 bytes each.
fn big_function(n: usize) -> Vec<u8> {
    let body = "(drop (i32.const 0))\n".repeat(n);
    wat::parse_str(parser_component(&core("", &body))).expect("valid WAT")
}

/// A parser component with `n` extra (uncalled) functions.
fn many_functions(n: usize) -> Vec<u8> {
    let decls = "(func (result i32) (i32.const 1))\n".repeat(n);
    wat::parse_str(parser_component(&core(&decls, ""))).expect("valid WAT")
}

/// The error of a load that must fail.
fn refused(r: Result<LoadedStage, LoadError>, why: &str) -> LoadError {
    match r {
        Ok(_) => panic!("loaded, but expected a refusal: {why}"),
        Err(e) => e,
    }
}

fn refused_by_bounds(err: LoadError, want: &str) {
    assert_eq!(err.kind(), "compile-limit", "{err}");
    match &err {
        LoadError::CompileLimit { detail, .. } => {
            assert!(detail.contains(want), "{detail}");
        }
        other => panic!("expected CompileLimit, got {other:?}"),
    }
}

#[test]
fn compile_bounds_refuse_a_huge_function_before_compiling() {
    let tight = CompileBounds {
        max_function_bytes: 64 << 10,
        ..CompileBounds::default()
    };
    let bytes = big_function(30_000); // a 90 KB body
    let err = refused(
        load_on(&runtime_with(tight), "huge-function", bytes.clone()),
        "over the bound",
    );
    refused_by_bounds(err, "bytes in its largest function body, more than 65536");
    // The same component under the default bounds compiles and runs: the
    // bound, not the component, refused it.
    let ok = load_on(
        &runtime_with(CompileBounds::default()),
        "huge-function",
        bytes,
    )
    .expect("within the default bounds");
    assert_eq!(ok.parse(b"x").expect("runs").len(), 0);
}

#[test]
fn compile_bounds_refuse_too_many_functions_and_bytes() {
    let rt = runtime_with(CompileBounds {
        max_functions: 1000,
        max_component_bytes: 64 << 10,
        ..CompileBounds::default()
    });
    // 3 functions of the core module + 2000.
    let err = refused(
        load_on(&rt, "many-functions", many_functions(2000)),
        "over the function bound",
    );
    refused_by_bounds(err, "2003 function bodies, more than 1000");
    let err = refused(
        load_on(&rt, "big-component", big_function(30_000)),
        "over the size bound",
    );
    refused_by_bounds(err, "bytes, more than 65536");
    // Within every bound: loads.
    load_on(&rt, "small", many_functions(10)).expect("within the bounds");
}

/// A parser component whose `parse` declares `locals` i32 locals and runs
/// `diamonds` `if`/`else` blocks over them (two control-flow operators each).
fn diamonds(locals: u32, diamonds: u32) -> Vec<u8> {
    let decls = format!("(local {})", "i32 ".repeat(locals as usize));
    let body: String = (0..diamonds)
        .map(|i| {
            let (a, b) = (i % locals, (i * 7 + 3) % locals);
            format!(
                "(if (local.get {a}) (then (local.set {b} (i32.const 1))) (else (local.set {a} (i32.const 2))))\n"
            )
        })
        .collect();
    let wat = parser_component(&core("", &body)).replacen(
        "(func (export \"parse\") (param i32 i32) (result i32)",
        &format!("(func (export \"parse\") (param i32 i32) (result i32) {decls}"),
        1,
    );
    wat::parse_str(wat).expect("valid WAT")
}

#[test]
fn compile_bounds_refuse_many_locals_across_many_blocks() {
    // Small in bytes (~60 KB), ruinous to compile: SSA construction carries
    // 5000 locals through 6000 blocks (30 M; 1 MB of this shape over 1000
    // locals took 92 s and 2.9 GB, 4 MiB aborted the host asking for 26 GB).
    let rt = runtime_with(CompileBounds::default());
    let bytes = diamonds(5000, 3000);
    assert!(bytes.len() < 100 << 10, "{} bytes", bytes.len());
    let err = refused(load_on(&rt, "diamonds", bytes), "over the product bound");
    refused_by_bounds(
        err,
        "30000000 locals x control-flow operators in one function, more than 10000000",
    );
    // The same shape, small: compiles and runs.
    let ok = load_on(&rt, "diamonds-small", diamonds(100, 1000)).expect("within the bounds");
    assert_eq!(ok.parse(b"x").expect("runs").len(), 0);
}

#[test]
fn compile_bounds_deadline_abandons_a_slow_compilation() {
    // A real plugin takes far longer than 1 ms to compile.
    let rt = runtime_with(CompileBounds {
        timeout: Duration::from_millis(1),
        ..CompileBounds::default()
    });
    let start = std::time::Instant::now();
    let err = refused(
        load_on(&rt, "hostile", common::component_bytes("hostile")),
        "past the deadline",
    );
    refused_by_bounds(err, "longer than the 1 ms compile deadline");
    // The host returns at the deadline, not when the compiler finishes.
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn compile_bounds_leave_every_first_party_stage_tenfold_headroom() {
    let b = CompileBounds::default();
    for p in common::embedded_plugins() {
        let size = cordon_manifest::component::code_size(p.bytes).expect("a component");
        println!(
            "{:<28} {:>8} bytes {:>2} modules {:>6} functions, largest body {:>7} bytes, locals x blocks {:>8}",
            p.name,
            size.bytes,
            size.modules,
            size.functions,
            size.largest_function,
            size.largest_locals_x_blocks
        );
        assert!(
            size.bytes * 10 <= b.max_component_bytes,
            "{}: {size:?}",
            p.name
        );
        assert!(size.modules * 10 <= b.max_modules, "{}: {size:?}", p.name);
        assert!(
            size.functions * 10 <= b.max_functions,
            "{}: {size:?}",
            p.name
        );
        assert!(
            size.largest_function * 10 <= b.max_function_bytes,
            "{}: {size:?}",
            p.name
        );
        assert!(
            size.largest_locals_x_blocks * 10 <= b.max_locals_x_blocks,
            "{}: {size:?}",
            p.name
        );
    }
}
