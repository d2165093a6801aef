//! The two ways an audit's I/O fails, one pair for every audit: an input it cannot use (exit 3)
//! or output it cannot write (exit 1). A bare `std::io::Error` converts to neither: the code that
//! meets one says which it is, so a failed read is never reported as "cannot write output".

use crate::InputError;
use std::fmt;

/// Records or a file of results that could not be written: what a [`crate::RecordSink`]
/// returns.
#[derive(Debug)]
pub struct OutputError(pub std::io::Error);

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write output: {}", self.0)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// An input that cannot be used, or output that cannot be written.
#[derive(Debug)]
pub enum IoError {
    Input(InputError),
    Output(OutputError),
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IoError::Input(e) => e.fmt(f),
            IoError::Output(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IoError::Input(e) => Some(e),
            IoError::Output(e) => Some(e),
        }
    }
}

impl From<InputError> for IoError {
    fn from(e: InputError) -> Self {
        IoError::Input(e)
    }
}

impl From<OutputError> for IoError {
    fn from(e: OutputError) -> Self {
        IoError::Output(e)
    }
}

/// `From<InputError>` and `From<OutputError>` for an audit's error that holds the pair as
/// `Io(IoError)`, so `?` works on either.
#[macro_export]
macro_rules! io_error_from {
    ($($error:ty),+ $(,)?) => {$(
        impl From<$crate::InputError> for $error {
            fn from(e: $crate::InputError) -> Self {
                Self::Io(e.into())
            }
        }
        impl From<$crate::OutputError> for $error {
            fn from(e: $crate::OutputError) -> Self {
                Self::Io(e.into())
            }
        }
    )+};
}
