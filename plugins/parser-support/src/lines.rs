//! JSON lines (NDJSON) streams: the records and the line each starts on.

use cordon_sdk::StageError;
use serde::de::DeserializeOwned;

/// A record of a JSON-lines stream that did not deserialize.
pub struct BadRecord<'a> {
    /// What serde_json said.
    pub error: serde_json::Error,
    /// The line the record starts on (1-based).
    pub line: u32,
    /// The input from the record's first byte on.
    pub rest: &'a [u8],
    /// Whether it is the stream's first record (no record was read before).
    pub first: bool,
}

/// Read `bytes` as a stream of JSON values of type `T`, one per line as
/// tools write them (a pretty-printed stream reads the same), and call
/// `each` with every record and the line it starts on. Blank lines count
/// towards line numbers. The first record that does not deserialize goes
/// to `bad`, whose error ends the stream; so does an error from `each`.
/// An input with no record at all calls neither.
pub fn json_lines<T: DeserializeOwned>(
    bytes: &[u8],
    mut each: impl FnMut(T, u32) -> Result<(), StageError>,
    bad: impl FnOnce(BadRecord<'_>) -> StageError,
) -> Result<(), StageError> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    // `line` is the line number at byte `pos`.
    let (mut pos, mut line, mut first) = (0usize, 1u32, true);
    loop {
        // Where the next record starts.
        while let Some(&b) = bytes.get(pos) {
            if !b.is_ascii_whitespace() {
                break;
            }
            if b == b'\n' {
                line = line.saturating_add(1);
            }
            pos += 1;
        }
        let start = line;
        let record = match stream.next() {
            None => return Ok(()),
            Some(Ok(record)) => record,
            Some(Err(error)) => {
                return Err(bad(BadRecord {
                    error,
                    line: start,
                    rest: bytes.get(pos..).unwrap_or_default(),
                    first,
                }));
            }
        };
        first = false;
        let end = stream.byte_offset();
        let newlines = bytes
            .get(pos..end)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        pos = end;
        each(record, start)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn lines(bytes: &[u8]) -> Result<Vec<(u32, Value)>, (u32, bool, usize)> {
        let mut out = Vec::new();
        let mut at = None;
        json_lines::<Value>(
            bytes,
            |v, line| {
                out.push((line, v));
                Ok(())
            },
            |b| {
                at = Some((b.line, b.first, b.rest.len()));
                StageError::UnsupportedFormat(String::new())
            },
        )
        .map(|()| out)
        .map_err(|_| at.expect("bad called"))
    }

    #[test]
    fn records_carry_the_line_they_start_on() {
        let got = lines(b"\n{\"a\":1}\n\n{\"b\":\n2}\n{\"c\":3}").expect("reads");
        let at: Vec<u32> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(at, [2, 4, 6]);
        assert_eq!(lines(b"").expect("reads"), []);
        assert_eq!(lines(b" \n\t\n").expect("reads"), []);
    }

    #[test]
    fn a_bad_record_reports_its_line_and_whether_it_came_first() {
        assert_eq!(
            lines(b"{\"a\":1}\n\n{\"b\"").expect_err("a bad record"),
            (3, false, 4)
        );
        assert_eq!(lines(b"  nope").expect_err("a bad record"), (1, true, 4));
    }

    #[test]
    fn an_error_from_each_ends_the_stream() {
        let mut seen = 0;
        let r = json_lines::<Value>(
            b"{}\n{}\n{}",
            |_, line| {
                seen += 1;
                if line == 2 {
                    Err(StageError::UnsupportedFormat("stop".into()))
                } else {
                    Ok(())
                }
            },
            |_| unreachable!("no bad record"),
        );
        assert!(matches!(r, Err(StageError::UnsupportedFormat(m)) if m == "stop"));
        assert_eq!(seen, 2);
    }
}
