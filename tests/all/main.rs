//! The integration tests of the `cordon` binary and the host crates, in one
//! test binary (each test binary links wasmtime; one link instead of twelve).
//! Each module is one area; `common` holds the shared helpers.

mod common;

mod cache;
mod cli;
mod conformance;
mod corpus;
mod deterministic;
mod fixtures;
mod gating;
mod hostile;
mod hostile_reports;
mod identity;
mod limits;
mod outputs;
mod rego;
mod samples;
mod schema;
mod severity;
mod signing;
mod snapshots;
