//! `parser-github-sast`: GitHub code scanning alerts API JSON (not written yet).
#![allow(missing_docs)]

use cordon_sdk::{Finding, Parser, StageError};

pub struct Stage;

impl Parser for Stage {
    fn parse(_report: &[u8]) -> Result<Vec<Finding>, StageError> {
        Err(StageError::Internal("not implemented".into()))
    }
}

cordon_sdk::register_parser!(Stage);
