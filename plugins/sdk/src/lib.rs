//! The guest SDK for cordon stages.
//!
//! A stage is a WebAssembly component that implements one world of the
//! `cordon:stage@0.1.0` WIT package. This crate hides the bindings: implement
//! one trait ([`Parser`], [`Normalizer`] or [`Policy`]) on a unit struct and
//! call the matching register macro once.
//!
//! ```
//! use cordon_sdk::{Finding, Parser, StageError};
//!
//! struct MyParser;
//!
//! impl Parser for MyParser {
//!     fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
//!         if report.is_empty() {
//!             return Err(StageError::malformed("empty report", None, None, None));
//!         }
//!         Ok(Vec::new()) // real parsing goes here
//!     }
//! }
//!
//! cordon_sdk::register_parser!(MyParser);
//! ```
//!
//! Keep the real work in plain functions (`fn parse(&[u8]) -> Result<..>`):
//! the types in this crate compile natively too, so the same code can be unit
//! tested, fuzzed and benchmarked outside the sandbox. The register macros
//! expand to nothing on non-wasm targets.
//!
//! What a stage can do is what the host grants: [`log`] (bounded) and
//! [`config`] (read-only settings). Everything else a Rust program might try
//! (files, environment, sockets, clocks) is denied or empty inside cordon.

// Lets the generated code name this crate the way plugin crates do.
extern crate self as cordon_sdk;

/// Generated bindings, one module per world. Use the re-exports at the crate
/// root instead of reaching in here; the layout may change between versions.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub mod bindings {
    /// Bindings for the `parser` world; also the home of the shared types.
    pub mod parser {
        wit_bindgen::generate!({
            world: "parser",
            path: "../../wit",
            pub_export_macro: true,
            export_macro_name: "__export_parser",
            default_bindings_module: "cordon_sdk::bindings::parser",
            runtime_path: "cordon_sdk::__rt",
            additional_derives: [PartialEq, Eq, Hash],
        });
    }

    /// Bindings for the `normalizer` world.
    pub mod normalizer {
        wit_bindgen::generate!({
            world: "normalizer",
            path: "../../wit",
            pub_export_macro: true,
            export_macro_name: "__export_normalizer",
            default_bindings_module: "cordon_sdk::bindings::normalizer",
            runtime_path: "cordon_sdk::__rt",
            with: {
                "cordon:stage/types@0.1.0": crate::bindings::parser::cordon::stage::types,
                "cordon:stage/log@0.1.0": crate::bindings::parser::cordon::stage::log,
                "cordon:stage/config@0.1.0": crate::bindings::parser::cordon::stage::config,
            },
        });
    }

    /// Bindings for the `policy` world.
    pub mod policy {
        wit_bindgen::generate!({
            world: "policy",
            path: "../../wit",
            pub_export_macro: true,
            export_macro_name: "__export_policy",
            default_bindings_module: "cordon_sdk::bindings::policy",
            runtime_path: "cordon_sdk::__rt",
            with: {
                "cordon:stage/types@0.1.0": crate::bindings::parser::cordon::stage::types,
                "cordon:stage/log@0.1.0": crate::bindings::parser::cordon::stage::log,
                "cordon:stage/config@0.1.0": crate::bindings::parser::cordon::stage::config,
            },
        });
    }
}

#[doc(hidden)]
pub use wit_bindgen::rt as __rt;

pub use bindings::parser::cordon::stage::log::Level;
pub use bindings::parser::cordon::stage::types::{
    Action, Component, Decision, Detection, Finding, FindingKind, InputPosition, Location,
    Malformed, RunContext, Severity, StageError, Suppression,
};

/// The version of the WIT contract this SDK implements.
pub const WIT_VERSION: &str = "cordon:stage@0.1.0";

/// Write a message to the host's stage log.
///
/// The host bounds the bytes a call may log; a stage that goes over fails
/// the call. On non-wasm targets (native tests) this writes to stderr.
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    bindings::parser::cordon::stage::log::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

/// Read a setting the pipeline file gives this stage (`[stage.config]`).
///
/// Returns `None` natively, where there is no host.
pub fn config(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        bindings::parser::cordon::stage::config::get(key)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// A parser stage: one scanner report in, findings out.
pub trait Parser {
    /// Look at the first bytes (up to 4 KiB) of an input and say whether this
    /// parser handles it. The default claims nothing, which means the parser
    /// is only used when the operator names its format with `--format`.
    fn detect(head: &[u8]) -> Option<Detection> {
        let _ = head;
        None
    }

    /// Parse a whole report. Leave `fingerprint` empty; the normalizer sets it.
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError>;
}

/// A normalizer stage: all findings of a run in, canonical findings out.
pub trait Normalizer {
    /// Return the normalised findings; each must carry a non-empty fingerprint.
    fn normalize(findings: Vec<Finding>) -> Result<Vec<Finding>, StageError>;
}

/// A policy stage: findings and a policy document in, decisions out.
pub trait Policy {
    /// Decide about every finding, given the operator's policy document.
    fn evaluate(
        findings: Vec<Finding>,
        document: &str,
        context: RunContext,
    ) -> Result<Vec<Decision>, StageError>;
}

impl Severity {
    /// Rank from most severe (0 = critical) to least (4 = info).
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
            Severity::Info => 4,
        }
    }

    /// The lowercase name used in policy files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Parse a lowercase severity name (`critical` .. `info`).
    pub fn from_name(name: &str) -> Option<Severity> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            "info" | "informational" => Severity::Info,
            _ => return None,
        })
    }
}

impl StageError {
    /// A malformed-input error with a message and an optional position.
    pub fn malformed(
        message: impl Into<String>,
        line: Option<u32>,
        column: Option<u32>,
        pointer: Option<String>,
    ) -> StageError {
        StageError::MalformedInput(Malformed {
            message: message.into(),
            position: InputPosition {
                line,
                column,
                pointer,
            },
        })
    }
}

/// Register a [`Parser`] implementation as this component's export.
#[macro_export]
macro_rules! register_parser {
    ($t:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __CordonParserExport;
            impl $crate::bindings::parser::Guest for __CordonParserExport {
                fn detect(head: ::std::vec::Vec<u8>) -> ::std::option::Option<$crate::Detection> {
                    <$t as $crate::Parser>::detect(&head)
                }
                fn parse(
                    report: ::std::vec::Vec<u8>,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Finding>, $crate::StageError> {
                    <$t as $crate::Parser>::parse(&report)
                }
            }
            $crate::bindings::parser::__export_parser!(__CordonParserExport with_types_in $crate::bindings::parser);
        };
    };
}

/// Register a [`Normalizer`] implementation as this component's export.
#[macro_export]
macro_rules! register_normalizer {
    ($t:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __CordonNormalizerExport;
            impl $crate::bindings::normalizer::Guest for __CordonNormalizerExport {
                fn normalize(
                    findings: ::std::vec::Vec<$crate::Finding>,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Finding>, $crate::StageError> {
                    <$t as $crate::Normalizer>::normalize(findings)
                }
            }
            $crate::bindings::normalizer::__export_normalizer!(__CordonNormalizerExport with_types_in $crate::bindings::normalizer);
        };
    };
}

/// Register a [`Policy`] implementation as this component's export.
#[macro_export]
macro_rules! register_policy {
    ($t:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __CordonPolicyExport;
            impl $crate::bindings::policy::Guest for __CordonPolicyExport {
                fn evaluate(
                    findings: ::std::vec::Vec<$crate::Finding>,
                    document: ::std::string::String,
                    context: $crate::RunContext,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Decision>, $crate::StageError> {
                    <$t as $crate::Policy>::evaluate(findings, &document, context)
                }
            }
            $crate::bindings::policy::__export_policy!(__CordonPolicyExport with_types_in $crate::bindings::policy);
        };
    };
}
