//! Snapshots of every parser's raw output for every fixture of the
//! repository (`tests/fixtures/<format>/<file>` at the repository root).
//!
//! The library is empty; the test is `tests/parse.rs`, its snapshots are in
//! `tests/snapshots/`. After a deliberate change to a parser or a fixture,
//! review the difference with `cargo insta review`, or write the new
//! snapshots with `INSTA_UPDATE=always` and read `git diff`.
