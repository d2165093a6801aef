//! "How to read this": what every column of the workbook means, in one list. The sheet is
//! written from [`DEFINITIONS`]; a test reads every table header of the example workbook back and
//! fails on one this list does not define, so a new column comes with its definition. Licensing
//! terms follow docs/workbook.md ("Reading and defending the workbook") and docs/rules/.

/// (column, what it means). Sorted by column name on the sheet; add a new column anywhere.
pub const DEFINITIONS: &[(&str, &str)] = &[
    // Lync / Skype for Business: configured CALs (lync entitlement).
    ("SipAddress", "The user's or device's SIP address (sip:…): the key every Lync sheet and record joins on"),
    ("DisplayName", "The name Active Directory shows for the user or device"),
    ("Identity", "The object's identity as the export gave it (a user's distinguished name; a policy's Global, Site:… or Tag:… name)"),
    ("Kind", "What the record is: a User, CommonAreaPhone, AnalogDevice or MeetingRoom"),
    ("Enabled", "Whether the account is enabled for Lync on premises (a disabled or online-homed account needs no on-premises CAL)"),
    ("Standard", "Yes: a Standard CAL is required (every enabled user and device); No: not required; Insufficient Data: usage could not tell"),
    ("Enterprise", "Yes: an Enterprise CAL is required (conferencing: audio/video, desktop sharing, dial-in); Undetermined: the assigned conferencing policy is missing"),
    ("Plus", "Yes: a Plus CAL is required (Enterprise Voice, remote call control, response group agent)"),
    ("ConferencingPolicy", "The effective conferencing policy (Tag:… assigned to the user, else Site:…, else Global): it decides Enterprise"),
    ("ConferencingPolicySource", "Where the effective conferencing policy comes from: User (assigned), Site or Global"),
    ("VoicePolicy", "The effective voice policy (Tag:…, Site:… or Global)"),
    ("VoicePolicySource", "Where the effective voice policy comes from: User, Site or Global"),
    ("RegistrarPool", "The front-end pool the user is homed on"),
    ("Site", "The Lync site of the user's registrar pool (it decides Site:… policies)"),
    ("Rules", "The rule set the CALs were decided under: default (Microsoft's published CAL rules) or strict (the worst case an auditor may take)"),
    ("OtherRules", "The rule set the record is compared with: strict, or default when Rules is strict"),
    ("EnterpriseUnderOtherRules", "Enterprise under OtherRules: where it differs from Enterprise, the answer depends on the rule set presented"),
    ("Reasons", "The settings or evidence behind each CAL: tier | source | setting (e.g. Enterprise | ConferencingPolicy Global | AllowIPVideo=True)"),
    ("Findings", "Problems found with the record or policy: code and message (the code is what the docs index)"),
    ("Code", "A finding's stable code (see the audit's page in the guide)"),
    ("Message", "What the finding or problem says, in words"),
    ("Severity", "How much a finding matters: Waste (paid for, unused), Broken (will not work), Risk (may stop working), Info"),
    // Usage (lync usage).
    ("LastActivity", "The last session found in the monitoring databases"),
    ("Device", "The device's MAC address (Lync 2013 and later), else its endpoint id"),
    ("DeviceKind", "What kind of device the usage came from (IP phone, common area phone, …)"),
    ("ClientVersion", "The client version the device reported"),
    ("Registrations", "Registrations of the device in the window"),
    ("P2PImSessions", "Peer-to-peer IM sessions in the window (Standard)"),
    ("P2PAudioVideoSessions", "Peer-to-peer audio/video sessions in the window (Standard)"),
    ("P2PAppSharingSessions", "Peer-to-peer desktop sharing sessions in the window (Standard)"),
    ("ConferencesOrganizedData", "Conferences organised with data collaboration only (Standard)"),
    ("ConferencesOrganizedAudioVideo", "Conferences organised with audio or video (Enterprise)"),
    ("ConferencesOrganizedAppSharing", "Conferences organised with desktop sharing (Enterprise)"),
    ("ConferencesJoined", "Conferences joined (joining needs no Enterprise CAL)"),
    ("DialInParticipants", "Dial-in participants in conferences the user organised (Enterprise)"),
    ("MaxConferenceParticipants", "The most participants in one conference the user organised"),
    ("PstnCallsIn", "Calls received from the phone network (Plus)"),
    ("PstnCallsOut", "Calls placed to the phone network (Plus)"),
    ("DelegatedCalls", "Calls made or answered for another user (delegation: Plus)"),
    ("RgsAgentCalls", "Response group calls answered as an agent (Plus)"),
    ("Server", "The server the record is about or came from"),
    ("CdrDatabase", "The call detail recording database (LcsCDR) read"),
    ("Schema", "The monitoring database's shape: Lync 2010, or Lync 2013 and later"),
    ("WindowStart", "The start of the usage or evidence window"),
    ("WindowEnd", "The end of the usage or evidence window: the audit's date"),
    ("WindowDays", "The window's length in days (under 30 days the evidence is weaker)"),
    ("WindowCovered", "Whether the monitoring data reaches back to the window's start"),
    ("FirstRecord", "The oldest call detail record in the database"),
    ("LastRecord", "The newest call detail record in the database"),
    ("RowsReceived", "Rows the monitoring server returned, all queries"),
    ("Users", "Users counted (on Server Details: users in the monitoring data)"),
    ("Devices", "Devices counted"),
    // Policies and plan (lync policies, lync plan).
    ("Scope", "A policy's scope: Global, Site or Tag (assigned per user)"),
    ("ImpliedCal", "The CAL a user needs when this policy is effective: Standard or Enterprise"),
    ("AssignedUsers", "Users for whom this policy is the effective one"),
    ("EnterpriseFeatures", "The settings that make the policy need Enterprise (AllowIPVideo, EnableDialInConferencing, …)"),
    ("SettingsFromDefaults", "Settings the export did not hold, read as Lync's default (e.g. AllowIPVideo=True)"),
    ("MaxMeetingSize", "The policy's meeting size limit"),
    ("TargetPolicy", "The conferencing policy that matches the user's licence (lync plan)"),
    // Right-sizing (lync rightsize).
    ("Configured", "What the configuration needs, e.g. Standard+Enterprise+Plus"),
    ("Used", "What was used in the window, e.g. Standard+Plus (No usage record: nothing was found)"),
    ("Licensed", "What the licence list grants the user (empty: the user is not in it)"),
    ("Recommendation", "Downgrade, Upgrade, Unchanged, Exposure (used or configured beyond the licence), InsufficientData or NoCalNeeded"),
    ("Exposure", "A tier used or configured beyond what is owned: what a true-up would charge for"),
    ("Tier", "The conferencing tier the user should have (Standard or Enterprise): lync plan reads it as the licence"),
    ("KeepPlus", "Whether the user should keep Plus (Enterprise Voice, remote call control, response group agent)"),
    ("Changes", "What to change, one line per tier that moves"),
    ("Confidence", "Normal, or Weak when the usage window is under 30 days or unknown"),
    ("YearlySaving", "What the CALs a downgrade frees are worth per year, at the prices given"),
    ("YearlyExposure", "What the CALs used beyond the licence cost per year, at the prices given"),
    ("Evidence", "What the answer rests on: each setting, usage count or value read"),
    // Server CALs (ual compliance).
    ("Product", "The server product the access was to (Windows Server, SQL Server, Exchange Server, Remote Desktop Services, …)"),
    ("ProductName", "The product as the evidence named it"),
    ("CalType", "User or Device CAL, or ExternalConnector (one per server, for external users)"),
    ("Version", "The product version the CAL must be (a CAL covers its version and earlier)"),
    ("Principal", "Who or what accessed the server: a user (domain\\name) or a device (IP address or name); one CAL per principal"),
    ("Servers", "The servers the principal accessed"),
    ("Basis", "Why this CAL type was used for the product (the User or Device choice, or the product's only model)"),
    ("License", "The licence row that covers the access (empty: none does)"),
    ("Required", "Principals (or servers, for External Connectors) that need this CAL"),
    ("Owned", "Licences of exactly this product, CAL type and version"),
    ("Covered", "Required accesses covered by some licence: this one, a newer version, Software Assurance, a suite or a CAL-equivalent plan"),
    ("AssumedCovered", "Required accesses taken as covered without a licence of their own (e.g. devices used only by users with CALs): see Assumption"),
    ("Assumption", "What the position takes as given where the evidence or licences cannot tell"),
    ("Shortfall", "Required less covered: CALs to buy"),
    ("Suggestion", "A cheaper or equivalent way to be covered (the other CAL type, or CALs instead of an External Connector)"),
    ("EvidenceComplete", "No when some servers gave no evidence: the position covers only the servers that answered"),
    ("ServersWithoutEvidence", "The servers whose evidence is missing"),
    ("Quantity", "Licences the licence row holds"),
    ("Remaining", "Licences of the row not used by any access"),
    ("Priority", "The order licence rows are used in (suites and newer versions last)"),
    ("DrawnFrom", "The licence rows the accesses were drawn from"),
    ("FirstSeen", "The first access in the evidence"),
    ("LastSeen", "The last access in the evidence"),
    ("RoleGuid", "The UAL role's GUID"),
    ("RoleName", "The UAL role's name"),
    ("Rows", "Evidence rows"),
    ("SamplePrincipal", "One principal of the unrecognised evidence, to look it up"),
    // Teams (teams assignments).
    ("UserPrincipalName", "The Microsoft 365 account"),
    ("AccountType", "The account's type (User, ResourceAccount, …)"),
    ("Plans", "The service plans the finding is about"),
    ("ReclaimablePlans", "The plans that can be removed without loss"),
    ("ReclaimableVia", "How each reclaimable plan is held: its SKU, or the suite it comes in"),
    ("Reason", "Why the record has its answer, in words"),
    // Inputs and run (Report Details, Server Details from exports).
    ("Source", "Where the row comes from: Configured or Used on the detail sheets, the export or store on others"),
    ("Record type", "The record type of the counted rows (Report Details)"),
    ("Records", "Records read"),
    ("In workbook", "Records of the file on the sheets"),
    ("File", "The input file"),
    ("Format", "The input file's format"),
    ("Detail", "More about the row"),
    ("Fqdn", "The server's fully qualified domain name (Get-CsPool)"),
    ("Computers", "The pool's servers (Get-CsPool)"),
    ("Services", "The pool's services (Get-CsPool)"),
    ("PSComputerName", "The server the export ran on"),
    ("SystemDNSHostName", "The server's host name (Get-UalSystemId)"),
    ("SystemDomainName", "The server's domain (Get-UalSystemId)"),
    ("SystemManufacturer", "The server's manufacturer (Get-UalSystemId: virtual or physical)"),
    ("SystemProductName", "The server's model (Get-UalSystemId)"),
    ("OSMajor", "Windows' major version (Get-UalSystemId): gives the Windows Server version"),
    ("OSMinor", "Windows' minor version (Get-UalSystemId)"),
    ("OSBuildNumber", "Windows' build number (Get-UalSystemId)"),
    ("OSProductType", "Server or workstation (Get-UalSystemId)"),
    ("PhysicalProcessorCount", "Physical processors (Get-UalSystemId)"),
    ("CoresPerPhysicalProcessor", "Cores per processor (Get-UalSystemId)"),
    ("LogicalProcessorsPerPhysicalProcessor", "Logical processors per processor (Get-UalSystemId)"),
    ("MaximumMemory", "Memory (Get-UalSystemId)"),
    ("Verdict", "Whether a file reads, and what the audit will refuse in it (inspect)"),
];

/// The definition of `column`, if the list has one.
pub fn definition(column: &str) -> Option<&'static str> {
    DEFINITIONS
        .iter()
        .find(|(c, _)| *c == column)
        .map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_is_defined_once_in_words() {
        let mut seen = std::collections::BTreeSet::new();
        for (c, d) in DEFINITIONS {
            assert!(seen.insert(*c), "{c} is defined twice");
            assert!(d.split_whitespace().count() >= 3, "{c}: {d}");
        }
        assert_eq!(
            definition("Shortfall"),
            Some("Required less covered: CALs to buy")
        );
    }
}
