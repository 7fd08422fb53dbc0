//! What compiling costs at the compile bounds' edge: components whose one
//! function body is as large as `CompileBounds::default()` allows, in the
//! shapes that are cheap and expensive for the compiler. Prints compile time
//! and the process's peak RSS during the compile, so the default deadline
//! and size bounds are chosen from numbers.

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

/// Peak resident set of this process, in MiB (`VmHWM`).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib >> 10)
}

/// Reset the peak-RSS watermark (Linux: `5` to `/proc/self/clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub fn run() {
    let bounds = CompileBounds::default();
    let max = bounds.max_function_bytes as usize;
    println!(
        "\n## Compiling at the compile bounds (one function body of up to {} MiB)\n",
        max >> 20
    );
    println!("| function body | body bytes | compile ms | peak RSS MiB |");
    println!("|---|---|---|---|");
    let locals = 1000u32;
    let shapes: Vec<(&str, u32, String)> = vec![
        (
            "straight-line constants (`i32.const 0; drop`)",
            0,
            "(drop (i32.const 0))\n".repeat(max / 3 - 16),
        ),
        (
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
        ("nested blocks, 1000 deep, repeated", 0, {
            let one = format!("{}{}", "(block ".repeat(1000), ")".repeat(1000));
            let n = max / (2 * 1000 + 4);
            format!("{}\n", one.repeat(n))
        }),
    ];
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
    for (name, locals, body) in shapes {
        let bytes = component(locals, &body);
        let size = cordon_manifest::component::code_size(&bytes).expect("component");
        let pin = sha256_digest(&bytes);
        let v =
            VerifiedComponent::verify_pinned("bound", StageKind::Parser, bytes, &pin).expect("pin");
        reset_peak();
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
}
