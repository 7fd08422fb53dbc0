//! Reading a file the operator named (a report, a plugin, its signature, a
//! pipeline, trust or policy file) without letting the file's kind or size
//! take the host down.
//!
//! Only regular files are read: a FIFO, socket or device would block the run
//! or never end (`/dev/zero`). The type is checked before opening (a FIFO is
//! never opened), the open itself cannot block (`O_NONBLOCK`), the opened
//! file must be the one that was checked (a swap between the check and the
//! open is refused), and no more than `max_bytes` are ever read (a file that
//! grows while it is read is refused too).

use std::fs;
use std::io::Read;
use std::path::Path;

/// Largest pipeline, trust or policy file read (16 MiB).
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// Why a file could not be read. The messages do not repeat the path; the
/// caller names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be found, checked or opened.
    #[error("cannot open: {0}")]
    Open(std::io::Error),
    /// Reading failed (or the text is not UTF-8).
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    /// Not a regular file.
    #[error("not a regular file ({0})")]
    NotAFile(&'static str),
    /// The path was replaced between the type check and the open.
    #[error("the file was replaced while it was being opened")]
    Replaced,
    /// Over the size limit.
    #[error("{size} bytes, more than the limit of {max} bytes")]
    TooLarge {
        /// The file's size when opened (or the bytes read, if it grew).
        size: u64,
        /// The limit.
        max: u64,
    },
}

/// Read the regular file at `path`, at most `max_bytes` of it.
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let before = fs::metadata(path).map_err(ReadError::Open)?;
    if !before.is_file() {
        return Err(ReadError::NotAFile(file_type(&before)));
    }
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = opts.open(path).map_err(ReadError::Open)?;
    let meta = file.metadata().map_err(ReadError::Open)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(file_type(&meta)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (meta.dev(), meta.ino()) != (before.dev(), before.ino()) {
            return Err(ReadError::Replaced);
        }
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            max: max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Read)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            max: max_bytes,
        });
    }
    Ok(bytes)
}

/// [`read_regular_text`] of a configuration file (pipeline, trust, policy):
/// at most [`MAX_CONFIG_BYTES`].
pub fn read_config(path: &Path) -> Result<String, ReadError> {
    read_regular_text(path, MAX_CONFIG_BYTES)
}

/// [`read_regular`] of a UTF-8 text file.
pub fn read_regular_text(path: &Path, max_bytes: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, max_bytes)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Read(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text ({})", e.utf8_error()),
        ))
    })
}

fn file_type(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = std::env::temp_dir().join(format!("cordon-read-regular-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("f");
        fs::write(&file, b"0123456789").expect("write");
        assert_eq!(
            read_regular(&file, 10).expect("at the limit"),
            b"0123456789"
        );
        assert!(matches!(
            read_regular(&file, 9),
            Err(ReadError::TooLarge { size: 10, max: 9 })
        ));
        assert!(matches!(
            read_regular(&dir, 10),
            Err(ReadError::NotAFile("a directory"))
        ));
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(ReadError::NotAFile("a device"))
        ));
        assert!(matches!(
            read_regular(&dir.join("missing"), 10),
            Err(ReadError::Open(_))
        ));
        fs::write(&file, [0xff, 0xfe]).expect("write");
        assert!(read_regular_text(&file, 10).is_err());
        let _ = fs::remove_dir_all(&dir);
    }
}
