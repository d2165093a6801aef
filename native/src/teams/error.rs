//! How `teams assignments` can fail. Messages name inputs by what they hold, never by flag: the
//! command line adds its own flag names (see `app::teams`).

use crate::model::IoError;

#[derive(Debug, thiserror::Error)]
pub enum TeamsError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// No Get-CsOnlineUser export: there is nobody to audit.
    #[error("a Get-CsOnlineUser export is needed")]
    NoUsers,
}

crate::model::io_error_from!(TeamsError);
