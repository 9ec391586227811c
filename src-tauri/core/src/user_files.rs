//! Files a user names (a flow file to validate or import, a template pack, a table schema,
//! a file to import into a data table): looked at before they are read. Only a regular file
//! is read: a folder, a FIFO (which would block the reader until something writes to it) or
//! a device such as `/dev/zero` (which never ends) is refused by what it is, and a text is
//! refused by its size before it is read, then read with a cap in case it grows meanwhile.
//! A UTF-8 byte order mark at the start of a text is dropped.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a named file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum UserFileError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is {what}, not a regular file", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error(
        "{} is over {} MB; files of this kind are limited to {} MB",
        path.display(),
        limit / (1024 * 1024),
        limit / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{} is not UTF-8 text", path.display())]
    NotText { path: PathBuf },
}

/// Checks that `path` is a regular file (following links), without opening it.
pub fn regular(path: &Path) -> Result<std::fs::Metadata, UserFileError> {
    let meta = std::fs::metadata(path).map_err(|source| UserFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_file() {
        return Ok(meta);
    }
    let what = if meta.is_dir() {
        "a folder"
    } else {
        kind_of_special(&meta)
    };
    Err(UserFileError::NotAFile {
        path: path.to_owned(),
        what,
    })
}

#[cfg(unix)]
fn kind_of_special(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of_special(_: &std::fs::Metadata) -> &'static str {
    "not a file"
}

/// The text of the regular file at `path`, at most `limit` bytes of it.
pub fn read_text(path: &Path, limit: u64) -> Result<String, UserFileError> {
    let meta = regular(path)?;
    let too_large = || UserFileError::TooLarge {
        path: path.to_owned(),
        limit,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let io = |source| UserFileError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|_| UserFileError::NotText {
        path: path.to_owned(),
    })?;
    // Editors on Windows start UTF-8 files with a byte order mark: no part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}
