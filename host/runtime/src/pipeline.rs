//! parser → normalizer → policy, across all inputs of a run.
//!
//! Blast radius: each input is detected and parsed on its own blocking task,
//! concurrently. A failure in one input is recorded in `errors` and the other
//! inputs go on. A failed normalizer or policy leaves the run with what it
//! had (raw findings, no decisions) and an error; the gate then says `error`.

use cordon_model::{
    self as model, Action, Gate, InputRecord, InputStatus, RunError, RunReport, StageRecord,
    Verdict,
};
use std::sync::Arc;

use crate::error::CallError;
use crate::stage::{LoadedStage, PolicyContext};
use crate::verify::sha256_digest;

/// How many bytes of an input parsers see for detection.
pub const DETECT_HEAD_BYTES: usize = 4096;

/// One input report, read by the host.
#[derive(Debug)]
pub struct Input {
    /// The path as the user gave it (for messages and `inputs[].path`).
    pub path: String,
    /// The bytes, or why they could not be read.
    pub bytes: Result<Vec<u8>, String>,
}

/// Gate mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Block decisions fail the gate.
    Enforce,
    /// Block decisions are reported; the gate passes.
    ReportOnly,
}

impl Mode {
    /// `enforce` or `report-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::ReportOnly => "report-only",
        }
    }
}

/// Per-run options.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Environment for the policy; empty = the policy's default.
    pub environment: String,
    /// Gate mode.
    pub mode: Mode,
    /// Force a format / parser instead of detecting (`--format`).
    pub format: Option<String>,
    /// Today's date for suppression expiry (`YYYY-MM-DD`).
    pub today: String,
}

/// A pipeline whose stages are loaded.
pub struct PipelineRunner {
    /// Pipeline name.
    pub name: String,
    /// Parser stages, in pipeline order.
    pub parsers: Vec<Arc<LoadedStage>>,
    /// The normalizer.
    pub normalizer: Arc<LoadedStage>,
    /// The policy.
    pub policy: Arc<LoadedStage>,
    /// The policy document.
    pub policy_document: String,
    /// Where each stage came from (`embedded` or a path), by stage name.
    pub sources: Vec<(String, String)>,
}

struct Parsed {
    record: InputRecord,
    findings: Vec<model::Finding>,
    error: Option<RunError>,
}

fn run_error(kind: &str, stage: Option<&str>, input: Option<&str>, message: String) -> RunError {
    RunError {
        kind: kind.to_string(),
        stage: stage.map(str::to_string),
        input: input.map(str::to_string),
        message,
    }
}

fn call_error(e: &CallError, input: Option<&str>) -> RunError {
    let message = match input {
        Some(path) => format!("{path}: {e}"),
        None => e.to_string(),
    };
    run_error(e.kind(), Some(e.stage()), input, message)
}

/// Pick the parser for one input: forced by name/format, or the highest
/// detection confidence (ties go to the earlier parser in the pipeline).
fn choose_parser(
    parsers: &[Arc<LoadedStage>],
    bytes: &[u8],
    forced: Option<&str>,
    path: &str,
) -> Result<(Arc<LoadedStage>, String), RunError> {
    let names = || {
        parsers
            .iter()
            .map(|p| p.name().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(format) = forced {
        return parsers
            .iter()
            .find(|p| p.name() == format || p.name().strip_prefix("parser-") == Some(format))
            .map(|p| (p.clone(), format.to_string()))
            .ok_or_else(|| {
                run_error(
                    "unknown-format",
                    None,
                    Some(path),
                    format!(
                        "{path}: --format {format:?} names no parser in the pipeline (parsers: {})",
                        names()
                    ),
                )
            });
    }
    let head = &bytes[..bytes.len().min(DETECT_HEAD_BYTES)];
    let mut best: Option<(Arc<LoadedStage>, String, u8)> = None;
    for p in parsers {
        match p.detect(head) {
            Ok(Some(d)) if best.as_ref().is_none_or(|b| d.confidence > b.2) => {
                best = Some((p.clone(), d.format, d.confidence));
            }
            Ok(_) => {}
            // A parser that fails detection is skipped, and the failure kept.
            Err(e) => return Err(call_error(&e, Some(path))),
        }
    }
    match best {
        Some((p, format, c)) if c > 0 => Ok((p, format)),
        _ => Err(run_error(
            "unrecognised-format",
            None,
            Some(path),
            format!(
                "{path}: no parser recognised this report (tried: {}); use --format to force one",
                names()
            ),
        )),
    }
}

fn parse_one(
    parsers: &[Arc<LoadedStage>],
    forced: Option<&str>,
    index: usize,
    input: Input,
) -> Parsed {
    let mut record = InputRecord {
        path: input.path.clone(),
        sha256: String::new(),
        bytes: 0,
        format: None,
        parser: None,
        findings_parsed: 0,
        status: InputStatus::Error,
    };
    let path = input.path.as_str();
    let fail = |record, e| Parsed {
        record,
        findings: Vec::new(),
        error: Some(e),
    };
    let bytes = match input.bytes {
        Ok(b) => b,
        Err(why) => {
            let e = run_error(
                "input-unreadable",
                None,
                Some(path),
                format!("{path}: {why}"),
            );
            return fail(record, e);
        }
    };
    record.sha256 = sha256_digest(&bytes);
    record.bytes = bytes.len() as u64;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let e = run_error(
            "empty-input",
            None,
            Some(path),
            format!(
                "{path}: the report is empty ({} bytes, nothing but whitespace)",
                bytes.len()
            ),
        );
        return fail(record, e);
    }
    let (parser, format) = match choose_parser(parsers, &bytes, forced, path) {
        Ok(p) => p,
        Err(e) => return fail(record, e),
    };
    record.format = Some(format);
    record.parser = Some(parser.name().to_string());
    match parser.parse(&bytes) {
        Ok(mut findings) => {
            for f in &mut findings {
                f.input = index;
            }
            record.findings_parsed = findings.len();
            record.status = InputStatus::Ok;
            Parsed {
                record,
                findings,
                error: None,
            }
        }
        Err(e) => fail(record, call_error(&e, Some(path))),
    }
}

impl PipelineRunner {
    /// Run the pipeline over `inputs`. Never fails as a whole: everything
    /// that went wrong is in the report's `errors`.
    pub async fn run(&self, inputs: Vec<Input>, opts: &RunOptions) -> RunReport {
        let n_inputs = inputs.len();
        let mut handles = Vec::with_capacity(n_inputs);
        for (i, input) in inputs.into_iter().enumerate() {
            let parsers = self.parsers.clone();
            let forced = opts.format.clone();
            let path = input.path.clone();
            let handle = tokio::task::spawn_blocking(move || {
                parse_one(&parsers, forced.as_deref(), i, input)
            });
            handles.push((path, handle));
        }

        let mut records = Vec::with_capacity(n_inputs);
        let mut findings = Vec::new();
        let mut errors = Vec::new();
        for (path, handle) in handles {
            match handle.await {
                Ok(p) => {
                    records.push(p.record);
                    findings.extend(p.findings);
                    errors.extend(p.error);
                }
                Err(join) => {
                    errors.push(run_error(
                        "host-error",
                        None,
                        Some(&path),
                        format!("{path}: the parse task failed: {join}"),
                    ));
                    records.push(InputRecord {
                        path,
                        sha256: String::new(),
                        bytes: 0,
                        format: None,
                        parser: None,
                        findings_parsed: 0,
                        status: InputStatus::Error,
                    });
                }
            }
        }

        let normalizer = self.normalizer.clone();
        let normalized = tokio::task::spawn_blocking(move || {
            let r = normalizer.normalize(&findings, n_inputs);
            (findings, r)
        })
        .await;
        let (findings, normalized_ok) = match normalized {
            Ok((_, Ok(n))) => (n, true),
            Ok((raw, Err(e))) => {
                errors.push(call_error(&e, None));
                (raw, false)
            }
            Err(join) => {
                errors.push(run_error(
                    "host-error",
                    Some(self.normalizer.name()),
                    None,
                    format!("normalizer task failed: {join}"),
                ));
                (Vec::new(), false)
            }
        };

        let policy_digest = sha256_digest(self.policy_document.as_bytes());
        let mut decisions = Vec::new();
        if normalized_ok {
            let policy = self.policy.clone();
            let doc = self.policy_document.clone();
            let ctx = PolicyContext {
                environment: opts.environment.clone(),
                today: opts.today.clone(),
            };
            let digest = policy_digest.clone();
            let fs = findings.clone();
            match tokio::task::spawn_blocking(move || policy.evaluate(&fs, &doc, &digest, &ctx))
                .await
            {
                Ok(Ok(d)) => decisions = d,
                Ok(Err(e)) => errors.push(call_error(&e, None)),
                Err(join) => errors.push(run_error(
                    "host-error",
                    Some(self.policy.name()),
                    None,
                    format!("policy task failed: {join}"),
                )),
            }
        }

        let count = |a: Action| decisions.iter().filter(|d| d.action == a).count();
        let blocked = count(Action::Block);
        let verdict = if !errors.is_empty() {
            Verdict::Error
        } else if blocked > 0 && opts.mode == Mode::Enforce {
            Verdict::Block
        } else {
            Verdict::Pass
        };
        let gate = Gate {
            verdict,
            mode: opts.mode.as_str().to_string(),
            environment: opts.environment.clone(),
            blocked,
            tickets: count(Action::Ticket),
            notified: count(Action::Notify),
            recorded: count(Action::Record),
            suppressed: count(Action::Suppressed),
        };

        let stages = self
            .parsers
            .iter()
            .chain([&self.normalizer, &self.policy])
            .map(|s| StageRecord {
                name: s.name().to_string(),
                kind: s.kind().as_str().to_string(),
                source: self
                    .sources
                    .iter()
                    .find(|(n, _)| n == s.name())
                    .map(|(_, src)| src.clone())
                    .unwrap_or_else(|| "embedded".into()),
                sha256: s.sha256().to_string(),
                verified_by: s.verification().to_string(),
                capabilities: s.grants().iter().map(|c| c.to_string()).collect(),
            })
            .collect();

        RunReport {
            schema_version: model::SCHEMA_VERSION.to_string(),
            cordon_version: env!("CARGO_PKG_VERSION").to_string(),
            pipeline: self.name.clone(),
            findings,
            decisions,
            inputs: records,
            stages,
            gate,
            errors,
        }
    }
}

/// Today's date in UTC as `YYYY-MM-DD`, without a date library.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian `YYYY-MM-DD`
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_779), "2026-11-22");
    }
}
