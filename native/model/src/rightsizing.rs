//! Right-sizing: what the configuration, the usage and the licences owned say together about one
//! user (`lync rightsize`).

use crate::choice;

choice! {
    /// What right-sizing recommends for one user. When several tiers point different ways, the
    /// most urgent wins: Exposure, then Upgrade, then Downgrade, then InsufficientData.
    pub enum RightSizingCode {
        Downgrade => "Downgrade" / "downgrade": "configured or licensed for more than was used in a covered window: a CAL can be dropped",
        Upgrade => "Upgrade" / "upgrade": "used more than the configuration grants now",
        Unchanged => "Unchanged" / "unchanged": "configuration, usage and licence agree",
        Exposure => "Exposure" / "exposure": "used (or configured for) a tier the user is not licensed for",
        InsufficientData => "InsufficientData" / "insufficient-data": "usage could not be determined: never a downgrade",
        NoCalNeeded => "NoCalNeeded" / "no-cal-needed": "disabled or homed online: needs no on-premises CAL",
    }
}

choice! {
    /// How far a recommendation can be trusted: Weak when the usage window is shorter than 30
    /// days or unknown.
    pub enum Confidence {
        Normal => "Normal" / "normal",
        Weak => "Weak" / "weak",
    }
}
