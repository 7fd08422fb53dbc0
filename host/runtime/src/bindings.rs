//! Host-side bindings generated from `wit/`, one module per world. The shared
//! interfaces (`types`, `log`, `config`) are generated once, in `parser`.

// Generated code; every type and field is documented in `wit/stage.wit`.
#![allow(missing_docs)]

pub mod parser {
    wasmtime::component::bindgen!({
        world: "parser",
        path: "../../wit",
        imports: { default: trappable },
    });
}

pub mod normalizer {
    wasmtime::component::bindgen!({
        world: "normalizer",
        path: "../../wit",
        imports: { default: trappable },
        with: {
            "cordon:stage/types": crate::bindings::parser::cordon::stage::types,
            "cordon:stage/log": crate::bindings::parser::cordon::stage::log,
            "cordon:stage/config": crate::bindings::parser::cordon::stage::config,
        },
    });
}

pub mod policy {
    wasmtime::component::bindgen!({
        world: "policy",
        path: "../../wit",
        imports: { default: trappable },
        with: {
            "cordon:stage/types": crate::bindings::parser::cordon::stage::types,
            "cordon:stage/log": crate::bindings::parser::cordon::stage::log,
            "cordon:stage/config": crate::bindings::parser::cordon::stage::config,
        },
    });
}

pub use parser::cordon::stage::types as wit;
pub use parser::cordon::stage::{config, log};
