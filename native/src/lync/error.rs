//! How a Lync command can fail. Messages name inputs by what they hold (the Get-Cs cmdlet), never
//! by flag: the command line adds its own flag names (see `app::lync`).

use crate::model::{IoError, Tier};

#[derive(Debug, thiserror::Error)]
pub enum LyncError {
    /// An input it cannot use, or output it cannot write.
    #[error(transparent)]
    Io(#[from] IoError),
    /// An input the command needs was not given.
    #[error("{0:?} is needed")]
    Missing(MissingInput),
    /// A tier's target policy cannot be used.
    #[error("{tier} policy {policy}: {problem}")]
    TierPolicy {
        tier: Tier,
        policy: String,
        problem: String,
    },
}

crate::model::io_error_from!(LyncError);

/// Which input is missing, and why it is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingInput {
    /// Site-scoped policies exist, so each user's registrar pool must be mapped to its site.
    Pools,
    /// The plan needs licence information: a licence list, a default tier, or both.
    Licensing,
    /// Users are licensed for this tier, but no target policy was named for it.
    TierPolicy(Tier),
}
