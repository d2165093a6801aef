//! Opening an input (a path or `-` for stdin) and undoing its text encoding, as a stream.
//!
//! Windows PowerShell 5.1 writes UTF-16 LE with a BOM for `>` / `Out-File`, UTF-8 with a BOM for
//! `-Encoding UTF8`; PowerShell 7 writes UTF-8 without a BOM. UTF-16 is transcoded to UTF-8 on the
//! fly (encoding_rs_io), so nothing is read into memory ahead of the parser.

use license_audit_model::InputError;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16LeBom => "UTF-16 LE with BOM",
            TextEncoding::Utf16BeBom => "UTF-16 BE with BOM",
        }
    }
}

pub struct Source {
    pub name: Arc<str>,
    pub encoding: TextEncoding,
    /// UTF-8 text, BOM removed.
    pub reader: Box<dyn BufRead>,
}

const BUFFER: usize = 256 * 1024;

pub fn open(path: &str) -> Result<Source, InputError> {
    if path == "-" {
        let stdin = io::stdin().lock();
        return decode("<stdin>", Box::new(stdin));
    }
    let meta =
        std::fs::metadata(path).map_err(|e| InputError::file(path, describe_open_error(&e)))?;
    if meta.is_dir() {
        return Err(InputError::file(
            path,
            "is a directory; give the exported file inside it",
        ));
    }
    let file = File::open(path).map_err(|e| InputError::file(path, describe_open_error(&e)))?;
    decode(path, Box::new(file))
}

fn describe_open_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "file not found".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot open: {e}"),
    }
}

/// Sniffs the BOM from the first bytes and wraps the rest in the matching decoder.
pub fn decode(name: &str, mut raw: Box<dyn Read>) -> Result<Source, InputError> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < head.len() {
        match raw.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(InputError::file(name, format!("cannot read: {e}"))),
        }
    }
    let head = &head[..got];
    let (encoding, skip) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (TextEncoding::Utf8Bom, 3),
        [0xFF, 0xFE, 0, 0] => {
            return Err(InputError::file(name, "is UTF-32; save it as UTF-8 or UTF-16 (-Encoding UTF8)"))
        }
        [0xFF, 0xFE, ..] => (TextEncoding::Utf16LeBom, 0),
        [0xFE, 0xFF, ..] => (TextEncoding::Utf16BeBom, 0),
        [a, 0, ..] | [0, a, ..] if *a != 0 => {
            return Err(InputError::file(
                name,
                "looks like UTF-16 without a byte-order mark; re-save it with Out-File -Encoding Unicode (which writes the BOM) or -Encoding UTF8",
            ))
        }
        _ => (TextEncoding::Utf8, 0),
    };
    let rest: Box<dyn Read> = Box::new(Cursor::new(head[skip..].to_vec()).chain(raw));
    let reader: Box<dyn BufRead> = match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => Box::new(BufReader::with_capacity(
            BUFFER,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .bom_sniffing(true)
                .strip_bom(true)
                .build(rest),
        )),
        _ => Box::new(BufReader::with_capacity(BUFFER, rest)),
    };
    Ok(Source {
        name: Arc::from(name),
        encoding,
        reader,
    })
}

/// Skips leading white space and returns the first significant byte without consuming it.
pub fn first_significant_byte(r: &mut dyn BufRead) -> io::Result<Option<u8>> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                r.consume(i);
                return Ok(Some(b));
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<(TextEncoding, String), InputError> {
        let mut s = decode("t", Box::new(Cursor::new(bytes.to_vec())))?;
        let mut out = String::new();
        s.reader.read_to_string(&mut out).unwrap();
        Ok((s.encoding, out))
    }

    #[test]
    fn boms_are_detected_and_removed() {
        assert_eq!(
            read_all(b"[1]").unwrap(),
            (TextEncoding::Utf8, "[1]".into())
        );
        assert_eq!(
            read_all(b"\xEF\xBB\xBF[1]").unwrap(),
            (TextEncoding::Utf8Bom, "[1]".into())
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("[\"é\"]".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(
            read_all(&le).unwrap(),
            (TextEncoding::Utf16LeBom, "[\"é\"]".into())
        );
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("{}".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(
            read_all(&be).unwrap(),
            (TextEncoding::Utf16BeBom, "{}".into())
        );
    }

    #[test]
    fn utf16_without_bom_is_refused_with_advice() {
        let le: Vec<u8> = "[{}]"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let e = read_all(&le).unwrap_err();
        assert!(
            e.message.contains("UTF-16 without a byte-order mark"),
            "{e}"
        );
    }
}
