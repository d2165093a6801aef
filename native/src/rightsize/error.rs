//! How `lync rightsize` can fail. In a file of its own so the input readers (`inputs`) can
//! return it without reaching back into `mod.rs`, which uses them.

use crate::model::IoError;

#[derive(Debug, thiserror::Error)]
pub enum RightSizeError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// The configured records held no LyncUserCal record at all.
    #[error("{file} holds no LyncUserCal records ({skipped} record(s) of other types)")]
    NoConfiguredRecords { file: String, skipped: u64 },
    /// The usage records held no LyncUserUsage record at all.
    #[error("{file} holds no LyncUserUsage records ({skipped} record(s) of other types)")]
    NoUsageRecords { file: String, skipped: u64 },
}

crate::model::io_error_from!(RightSizeError);
