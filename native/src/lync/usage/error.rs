//! How `lync usage` can fail. A connection problem carries a [`ConnectHint`] — what to try —
//! which the command line turns into its own flag names.

use crate::model::IoError;

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// The monitoring server could not be reached, refused the login, or failed mid-query.
    #[error("{message}")]
    Unreachable {
        message: String,
        hint: Option<ConnectHint>,
    },
    /// The server answered a query with a column of another type than the query asks for.
    #[error("the monitoring database returned column {column}, which {problem}: is this a supported LcsCDR/QoEMetrics schema?")]
    UnexpectedColumn { column: String, problem: String },
    /// Windows integrated authentication (SSPI) exists only on Windows.
    #[error("integrated authentication needs Windows (SSPI); use a SQL login")]
    IntegratedAuthNeedsWindows,
}

crate::model::io_error_from!(UsageError);

impl UsageError {
    pub fn unreachable(message: impl Into<String>) -> UsageError {
        UsageError::Unreachable {
            message: message.into(),
            hint: None,
        }
    }
}

/// What the admin can change to get through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectHint {
    /// The SQL Browser did not answer: give the instance's TCP port explicitly.
    GivePort { host: String },
    /// Trust the server's certificate, or (for a server without TLS) turn encryption off.
    TrustCertificateOrEncryptOff,
    /// The server may not offer TLS: turn encryption off.
    EncryptOff,
    /// The login failed: check the user and where the password comes from.
    CheckPassword,
    /// A query ran past the query timeout: allow it longer.
    QueryTimeout,
}
