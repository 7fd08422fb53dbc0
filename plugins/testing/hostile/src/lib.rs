//! A parser stage that attacks its host, for the test-suite. Never shipped.
//!
//! The "report" it is given is a command; the stage carries it out and, when
//! it survives, returns one finding whose `message` says what happened, so the
//! tests can assert on what the sandbox let through.
//!
//! | input                 | what the stage does                                  |
//! |-----------------------|------------------------------------------------------|
//! | `ok`                  | returns one harmless finding                         |
//! | `read:PATH`           | `std::fs::read_to_string(PATH)`                      |
//! | `write:PATH`          | `std::fs::write(PATH, ..)`                           |
//! | `env:NAME`            | `std::env::var(NAME)`, and counts all env vars       |
//! | `args`                | counts `std::env::args()`                            |
//! | `tcp:ADDR`            | `std::net::TcpStream::connect(ADDR)`                 |
//! | `udp:ADDR`            | binds a UDP socket and sends to ADDR                 |
//! | `dns:HOST`            | resolves HOST with `ToSocketAddrs`                   |
//! | `loop`                | spins forever                                        |
//! | `alloc`               | allocates 1 MiB blocks until something stops it      |
//! | `recurse`             | unbounded recursion on the wasm stack                |
//! | `recurse-shadow`      | unbounded recursion with big frames in linear memory |
//! | `panic`               | panics                                               |
//! | `findings:N`          | returns N findings                                   |
//! | `bigstring:N`         | returns one finding with an N-byte message           |
//! | `log:N`               | logs N messages of 1 KiB                             |
//! | `clock`               | reads the wall clock and the monotonic clock         |
//! | `random`              | draws random numbers (std's hasher keys + getrandom) |
//! | `list:FIELD:N`        | one finding whose list FIELD has N empty entries     |
//! | `spread:F:N`          | F findings with N empty locations each               |
//!
//! Unlike an SDK parser, it hands its output to the host as it is, without
//! `fit_to_contract`: an attacker does not clip its own floods.

#![allow(missing_docs)]

use cordon_sdk::{Component, Finding, FindingKind, Location, Parser, Severity, StageError};

pub struct Hostile;

fn finding(message: String) -> Finding {
    Finding {
        message,
        source_pointer: "/".into(),
        ..cordon_sdk::finding(
            "hostile",
            "probe".into(),
            "probe".into(),
            FindingKind::Other,
            Severity::Info,
        )
    }
}

/// Recursion whose frames live on the wasm stack only.
#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    std::hint::black_box(recurse(std::hint::black_box(depth + 1))) + 1
}

/// Recursion whose frames live on the shadow stack in linear memory.
#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse_shadow(depth: u64, pad: &mut [u8; 256]) -> u64 {
    pad[(depth % 256) as usize] = depth as u8;
    let mut local = *pad;
    recurse_shadow(depth + 1, std::hint::black_box(&mut local)) + local[0] as u64
}

fn count(arg: &str) -> usize {
    arg.parse().unwrap_or(0)
}

fn empty_location() -> Location {
    Location {
        path: String::new(),
        start_line: None,
        start_column: None,
        end_line: None,
        end_column: None,
    }
}

/// One finding whose list `field` has `n` empty entries.
fn list_flood(field: &str, n: usize) -> Result<Finding, StageError> {
    let mut f = finding(format!("{field}:{n}"));
    match field {
        "locations" => f.locations = vec![empty_location(); n],
        "cwes" => f.cwes = vec![0; n],
        "tags" => f.tags = vec![String::new(); n],
        "vulnerability_ids" => f.vulnerability_ids = vec![String::new(); n],
        "fixed_versions" => {
            f.component = Some(Component {
                name: "c".into(),
                version: None,
                purl: None,
                fixed_versions: vec![String::new(); n],
            })
        }
        other => {
            return Err(StageError::UnsupportedFormat(format!(
                "unknown list {other:?}"
            )));
        }
    }
    Ok(f)
}

impl Parser for Hostile {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        let cmd = String::from_utf8_lossy(report).trim().to_string();
        let (verb, arg) = cmd.split_once(':').unwrap_or((cmd.as_str(), ""));
        let msg = match verb {
            "ok" => "ok".to_string(),
            "read" => match std::fs::read_to_string(arg) {
                Ok(s) => format!("READ {} bytes", s.len()),
                Err(e) => format!("denied: {e}"),
            },
            "write" => match std::fs::write(arg, b"pwned") {
                Ok(()) => "WROTE".to_string(),
                Err(e) => format!("denied: {e}"),
            },
            "env" => format!(
                "var={:?} count={}",
                std::env::var(arg).ok(),
                std::env::vars().count()
            ),
            "args" => format!("args={}", std::env::args().count()),
            "tcp" => match std::net::TcpStream::connect(arg) {
                Ok(_) => "CONNECTED".to_string(),
                Err(e) => format!("denied: {e}"),
            },
            "udp" => {
                match std::net::UdpSocket::bind("0.0.0.0:0").and_then(|s| s.send_to(b"x", arg)) {
                    Ok(_) => "SENT".to_string(),
                    Err(e) => format!("denied: {e}"),
                }
            }
            "dns" => match std::net::ToSocketAddrs::to_socket_addrs(&(arg, 443)) {
                Ok(mut a) => format!("RESOLVED {:?}", a.next()),
                Err(e) => format!("denied: {e}"),
            },
            "loop" => {
                let mut i: u64 = 0;
                loop {
                    i = std::hint::black_box(i.wrapping_add(1));
                }
            }
            "alloc" => {
                let mut blocks: Vec<Vec<u8>> = Vec::new();
                loop {
                    blocks.push(std::hint::black_box(vec![1u8; 1 << 20]));
                }
            }
            "clock" => {
                let wall = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                let start = std::time::Instant::now();
                let spin = std::hint::black_box((0..1000u64).sum::<u64>());
                format!("wall={wall} mono_delta={:?} spin={spin}", start.elapsed())
            }
            "random" => {
                use std::hash::{BuildHasher, Hasher};
                let mut h = std::collections::hash_map::RandomState::new().build_hasher();
                h.write_u64(42);
                format!("hash={}", h.finish())
            }
            "recurse" => format!("{}", recurse(0)),
            "recurse-shadow" => format!("{}", recurse_shadow(0, &mut [0u8; 256])),
            "panic" => panic!("hostile stage panicked on purpose"),
            "findings" => return Ok((0..count(arg)).map(|i| finding(i.to_string())).collect()),
            "list" => {
                let (field, n) = arg.split_once(':').unwrap_or((arg, "0"));
                return Ok(vec![list_flood(field, count(n))?]);
            }
            "spread" => {
                let (f, n) = arg.split_once(':').unwrap_or((arg, "0"));
                let one = list_flood("locations", count(n))?;
                return Ok(vec![one; count(f)]);
            }
            "bigstring" => "x".repeat(count(arg)),
            "log" => {
                let line = "y".repeat(1024);
                for _ in 0..count(arg) {
                    cordon_sdk::log(cordon_sdk::Level::Info, &line);
                }
                "logged".to_string()
            }
            other => {
                return Err(StageError::UnsupportedFormat(format!(
                    "unknown command {other:?}"
                )));
            }
        };
        Ok(vec![finding(msg)])
    }
}

// The export, written out instead of `cordon_sdk::register_parser!`, so
// nothing between `parse` and the host clips what it returns.
#[cfg(target_arch = "wasm32")]
const _: () = {
    struct Export;
    impl cordon_sdk::bindings::parser::Guest for Export {
        fn detect(head: Vec<u8>) -> Option<cordon_sdk::Detection> {
            <Hostile as Parser>::detect(&head)
        }
        fn parse(report: Vec<u8>) -> Result<Vec<Finding>, StageError> {
            <Hostile as Parser>::parse(&report)
        }
    }
    cordon_sdk::bindings::parser::__export_parser!(Export with_types_in cordon_sdk::bindings::parser);
};
