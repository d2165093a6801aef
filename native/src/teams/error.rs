//! How `teams assignments` can fail. Messages name inputs by what they hold, never by flag: the
//! command line adds its own flag names (see `app::teams`).

use crate::model::InputError;

#[derive(Debug, thiserror::Error)]
pub enum TeamsError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// No Get-CsOnlineUser export: there is nobody to audit.
    #[error("a Get-CsOnlineUser export is needed")]
    NoUsers,
}
