//! What compiling costs at the compile bounds' edge: components whose one
//! function body is as large as `CompileBounds::default()` allows, in the
//! shapes that are cheap and expensive for the compiler. Each shape runs in
//! a process of its own, which prints the compile time and its own peak RSS
//! (`VmHWM`: generating and parsing the WAT included), so the default
//! deadline and size bounds are chosen from numbers.

use cordon_manifest::StageKind;
use cordon_runtime::compile::CompileBounds;
use cordon_runtime::{
    LoadError, Runtime, RuntimeOptions, VerifiedComponent, verify::sha256_digest,
};
use std::sync::Arc;
use std::time::Instant;

/// A component exporting one core function `f` with `locals` i32 locals and
/// `body` as its code.
fn component(locals: u32, body: &str) -> Vec<u8> {
    let wat = format!(
        "(component (core module (func (export \"f\") (local {}) {body})))",
        "i32 ".repeat(locals as usize)
    );
    wat::parse_str(wat).expect("valid WAT")
}

/// `n` `if`/`else` diamonds over `locals` locals (two control-flow
/// operators and 17 bytes each).
fn diamonds(locals: u32, n: u64) -> String {
    (0..n)
        .map(|i| {
            let i = i as u32;
            let (a, b, c) = (i % locals, (i * 7 + 3) % locals, (i * 13 + 5) % locals);
            format!(
                "(if (local.get {a}) (then (local.set {b} (i32.const 1))) (else (local.set {c} (i32.const 2))))\n"
            )
        })
        .collect()
}

/// Peak resident set of this process, in MiB (`VmHWM`).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib >> 10)
}

/// Print the table: one child process per shape.
pub fn run() {
    let max = CompileBounds::default().max_function_bytes;
    println!(
        "\n## Compiling at the compile bounds (one function body of up to {} MiB)\n",
        max >> 20
    );
    println!("| function body | body bytes | compile ms | process peak RSS MiB |");
    println!("|---|---|---|---|");
    let exe = std::env::current_exe().expect("own path");
    for shape in 0..SHAPES {
        let status = std::process::Command::new(&exe)
            .args(["compile-bounds-shape", &shape.to_string()])
            .status()
            .expect("child runs");
        assert!(status.success(), "shape {shape}: {status}");
    }
}

const SHAPES: usize = 5;

/// Compile shape number `which` and print its row.
pub fn run_shape(which: usize, body_bytes: Option<usize>) {
    let bounds = CompileBounds::default();
    let max = body_bytes.unwrap_or(bounds.max_function_bytes as usize);
    let locals = 1000u32;
    let (name, locals, body): (&str, u32, String) = match which {
        0 => (
            "straight-line constants (`i32.const 0; drop`)",
            0,
            "(drop (i32.const 0))\n".repeat(max / 3 - 16),
        ),
        1 => (
            "1000 locals, each op reads two and writes a third",
            locals,
            (0..max / 10 - 64)
                .map(|i| {
                    let i = i as u32;
                    let (a, b, c) = (i % locals, (i * 7 + 3) % locals, (i * 13 + 5) % locals);
                    format!("(local.set {c} (i32.add (local.get {a}) (local.get {b})))\n")
                })
                .collect(),
        ),
        2 => (
            "if/else diamonds over 1000 locals (many small blocks)",
            locals,
            // 17 bytes a diamond.
            diamonds(locals, (max / 17 - 64) as u64),
        ),
        3 => (
            "if/else diamonds over 1000 locals, at the locals x blocks bound",
            locals,
            diamonds(locals, bounds.max_locals_x_blocks / (2 * u64::from(locals))),
        ),
        _ => ("nested blocks, 1000 deep, repeated", 0, {
            // `block` is 2 bytes and its `end` 1: 3 000 bytes a nest.
            let one = format!("{}{}", "(block ".repeat(1000), ")".repeat(1000));
            let n = max / 3000 - 1;
            format!("{}\n", one.repeat(n))
        }),
    };
    let rt = Runtime::with_options(
        Arc::new(|_, _, _| {}),
        RuntimeOptions {
            compile: CompileBounds {
                timeout: std::time::Duration::from_secs(600),
                ..bounds
            },
            ..RuntimeOptions::default()
        },
    )
    .expect("runtime");
    let bytes = component(locals, &body);
    let size = cordon_manifest::component::code_size(&bytes).expect("component");
    let pin = sha256_digest(&bytes);
    let v = VerifiedComponent::verify_pinned("bound", StageKind::Parser, bytes, &pin).expect("pin");
    let start = Instant::now();
    // Not a parser: `load` compiles it, then refuses its world. Only
    // the compile is timed in substance.
    let compiled = match rt.load(v, &crate::spec(StageKind::Parser)) {
        Ok(_) | Err(LoadError::WrongWorld { .. }) => Ok(()),
        Err(e) => Err(e.kind()),
    };
    let took = start.elapsed();
    println!(
        "| {name} | {} | {:.0}{} | {} |",
        size.largest_function,
        took.as_secs_f64() * 1e3,
        match compiled {
            Ok(()) => String::new(),
            Err(kind) => format!(" ({kind})"),
        },
        peak_rss_mib().map_or("?".into(), |m| m.to_string())
    );
}
