//! The SQL login password: from LICENSEAUDIT_SQL_PASSWORD or the first line of stdin, never from
//! argv, and never written anywhere.

use super::exit::AppError;
use std::io::BufRead;

pub const PASSWORD_VARIABLE: &str = "LICENSEAUDIT_SQL_PASSWORD";

/// Reads the password from stdin's first line (`from_stdin`) or the environment.
pub fn sql_password(from_stdin: bool) -> Result<String, AppError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            AppError::Arguments(format!("--password-stdin: cannot read stdin: {e}"))
        })?;
        return password_line(&line)
            .ok_or_else(|| AppError::Arguments("--password-stdin: stdin held no password".into()));
    }
    std::env::var(PASSWORD_VARIABLE).map_err(|_| {
        AppError::Arguments(format!("a SQL login needs its password in {PASSWORD_VARIABLE} or on stdin with --password-stdin (never on the command line)"))
    })
}

/// The password in one line of stdin: without the line end, and without the byte-order mark
/// Windows PowerShell 5.1 writes first when the console code page is UTF-8 (.NET Framework's
/// stdin writer then starts with U+FEFF, and a password with it fails to log in).
pub fn password_line(line: &str) -> Option<String> {
    let p = line
        .strip_prefix('\u{feff}')
        .unwrap_or(line)
        .trim_end_matches(['\r', '\n']);
    (!p.is_empty()).then(|| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_bom_and_the_line_end_are_not_part_of_the_password() {
        assert_eq!(
            password_line("\u{feff}S3cret!\r\n").as_deref(),
            Some("S3cret!")
        );
        assert_eq!(password_line("S3cret!\n").as_deref(), Some("S3cret!"));
        assert_eq!(password_line("\u{feff}\r\n"), None);
        // Only a leading mark is removed: one inside is the password's own.
        assert_eq!(password_line("a\u{feff}b\n").as_deref(), Some("a\u{feff}b"));
    }
}
