//! How `uc count` can fail. Messages name inputs by what they hold, never by flag: the command
//! line adds its own flag names (see `app::uc`).

use crate::model::IoError;

#[derive(Debug, thiserror::Error)]
pub enum UcError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// Neither a user directory nor a Get-CsOnlineUser export to serve as one.
    #[error("a directory of users is needed: the user directory export, or a Get-CsOnlineUser export for a Teams-only estate")]
    NoDirectory,
    /// Only a directory: nothing can link a user to a service.
    #[error("no service export was given, so no user can be linked to a service")]
    NoServices,
    /// The pseudonym key is too short to keep pseudonyms from being guessed.
    #[error("the pseudonym key is {bytes} bytes long; use at least {min} random bytes")]
    WeakPseudonymKey { bytes: usize, min: usize },
}

crate::model::io_error_from!(UcError);
