# Objects shaped like the ones Microsoft's cmdlets return, built from the bundled example estates
# (examples/contoso, examples/teams, examples/ual), for tests/EndToEnd.Tests.ps1. The mocks of
# the Lync, MicrosoftTeams and UserAccessLogging cmdlets return these, so the module meets what
# an admin's session gives it: typed .NET objects with every documented property, policy
# references as objects (not strings), enums, unsigned integers, System.Uri lists, Guids and
# dates; not the few flat properties of a JSON export.
#
# Sources of the shapes:
# - Get-CsUser: https://learn.microsoft.com/en-us/powershell/module/skype/get-csuser (the user's
#   per-user policies, registrar pool, line URI, Enterprise Voice), and
#   https://learn.microsoft.com/en-us/powershell/module/skype/get-cseffectivepolicy, which shows
#   Get-CsUser listing every per-user policy property (DialPlan, LocationPolicy, ClientPolicy, ...)
#   empty when the user inherits a site or global policy. In the Lync Server snap-in each is a
#   policy reference object whose name is in FriendlyName (what public scripts such as Sam360's
#   Get-LyncUsers.ps1 read); the registrar pool is a pool FQDN object that prints as the FQDN.
# - Get-CsConferencingPolicy: every setting New-CsConferencingPolicy documents,
#   https://learn.microsoft.com/en-us/powershell/module/skype/New-CsConferencingPolicy
#   (MaxMeetingSize and the bit rates UInt32, EnableAppDesktopSharing an enum).
# - Get-CsVoicePolicy: https://learn.microsoft.com/en-us/powershell/module/skype/get-csvoicepolicy
# - Get-CsRgsAgentGroup: AgentsByUri is a collection of System.Uri,
#   https://learn.microsoft.com/en-us/powershell/module/skype/get-csrgsagentgroup
# - Get-CsOnlineUser: https://learn.microsoft.com/en-us/powershell/module/microsoftteams/Get-CsOnlineUser
#   (AssignedPlan objects, FeatureTypes, policies as {Authority, Name} objects).
# - Get-CsPhoneNumberAssignment, Get-CsOnlineApplicationInstance, Get-CsTeamsIPPhonePolicy:
#   https://learn.microsoft.com/en-us/powershell/module/microsoftteams/get-csphonenumberassignment
# - Get-UalUserAccess / Get-UalDeviceAccess / Get-UalSystemId: the CIM classes MsftUal_UserAccess,
#   MsftUal_DeviceAccess and MsftUal_SystemId,
#   https://learn.microsoft.com/en-us/previous-versions/windows/desktop/ual/msftual-useraccess and
#   https://learn.microsoft.com/en-us/powershell/module/useraccesslogging/get-ualuseraccess
#   (CimInstance objects with PSComputerName when read through -CimSession). A real CimInstance
#   needs libmi, which PowerShell on Linux lacks, so these are objects with the CimInstance's
#   members and type names.
#
# The .NET types live in the namespace LicenseAuditE2E (not Microsoft's), compiled once per
# session; C# 5, so Windows PowerShell 5.1's Add-Type compiles it too.

$e2eTypeSource = @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace LicenseAuditE2E.Rtc
{
    // A per-user policy as the Lync Server snap-in gives it on a user: prints as its name.
    public sealed class PolicyReference
    {
        public PolicyReference(string name) { FriendlyName = name; Authority = "Tag"; ScopeClass = "Tag"; InstanceId = Guid.NewGuid(); }
        public string FriendlyName { get; private set; }
        public string Authority { get; private set; }
        public string ScopeClass { get; private set; }
        public Guid InstanceId { get; private set; }
        public override string ToString() { return FriendlyName; }
    }

    // A registrar pool on a user: prints as the pool's FQDN.
    public sealed class PoolFqdn
    {
        private readonly string fqdn;
        public PoolFqdn(string fqdn) { this.fqdn = fqdn; }
        public override string ToString() { return fqdn; }
    }

    // An Active Directory identity: prints as the distinguished name.
    public sealed class UserIdParameter
    {
        public UserIdParameter(string dn) { DistinguishedName = dn; ObjectGuid = Guid.NewGuid(); }
        public string DistinguishedName { get; private set; }
        public Guid ObjectGuid { get; private set; }
        public override string ToString() { return DistinguishedName; }
    }

    // A configuration identity (Global, Site:Redmond, Tag:ENT_CAL_REC_Audio).
    public sealed class XdsIdentity
    {
        public XdsIdentity(string identity)
        {
            Identity = identity;
            int colon = identity.IndexOf(':');
            ScopeClass = colon < 0 ? identity : identity.Substring(0, colon);
        }
        public string Identity { get; private set; }
        public string ScopeClass { get; private set; }
        public override string ToString() { return Identity; }
    }

    public enum EnableAppDesktopSharing { None = 0, Desktop = 1, SingleApplication = 2 }
    public enum MaxVideoConferenceResolution { CIF = 0, VGA = 1 }
    public enum ExchangeArchivingPolicyOptionsEnum { Uninitialized = 0, UseLyncArchivingPolicy = 1, NoArchiving = 2, ArchivingToExchange = 3 }

    public sealed class OCSADUser
    {
        public UserIdParameter Identity { get; set; }
        public string SamAccountName { get; set; }
        public string UserPrincipalName { get; set; }
        public string FirstName { get; set; }
        public string LastName { get; set; }
        public string WindowsEmailAddress { get; set; }
        public string Sid { get; set; }
        public string LineServerURI { get; set; }
        public string OriginatorSid { get; set; }
        public bool AudioVideoDisabled { get; set; }
        public bool IPPBXSoftPhoneRoutingEnabled { get; set; }
        public bool RemoteCallControlTelephonyEnabled { get; set; }
        public string PrivateLine { get; set; }
        public bool? HostedVoiceMail { get; set; }
        public PolicyReference DialPlan { get; set; }
        public PolicyReference LocationPolicy { get; set; }
        public PolicyReference ClientPolicy { get; set; }
        public PolicyReference ClientVersionPolicy { get; set; }
        public PolicyReference ArchivingPolicy { get; set; }
        public ExchangeArchivingPolicyOptionsEnum ExchangeArchivingPolicy { get; set; }
        public PolicyReference LegalInterceptPolicy { get; set; }
        public PolicyReference PinPolicy { get; set; }
        public PolicyReference ExternalAccessPolicy { get; set; }
        public PolicyReference MobilityPolicy { get; set; }
        public PolicyReference PersistentChatPolicy { get; set; }
        public PolicyReference UserServicesPolicy { get; set; }
        public PolicyReference CallViaWorkPolicy { get; set; }
        public PolicyReference ThirdPartyVideoSystemPolicy { get; set; }
        public PolicyReference HostedVoicemailPolicy { get; set; }
        public string HostingProvider { get; set; }
        public bool ExUmEnabled { get; set; }
        public bool Enabled { get; set; }
        public PoolFqdn TargetRegistrarPool { get; set; }
        public PolicyReference VoicePolicy { get; set; }
        public PolicyReference ConferencingPolicy { get; set; }
        public PolicyReference PresencePolicy { get; set; }
        public PolicyReference VoiceRoutingPolicy { get; set; }
        public PoolFqdn RegistrarPool { get; set; }
        public bool EnterpriseVoiceEnabled { get; set; }
        public bool EnabledForRichPresence { get; set; }
        public bool EnabledForFederation { get; set; }
        public bool EnabledForInternetAccess { get; set; }
        public bool PublicNetworkEnabled { get; set; }
        public string SipAddress { get; set; }
        public string LineURI { get; set; }
        public string DisplayName { get; set; }
        public string Name { get; set; }
        public string DistinguishedName { get; set; }
        public Guid Guid { get; set; }
        public string ObjectCategory { get; set; }
        public string[] ObjectClass { get; set; }
        public Collection<string> ProxyAddresses { get; set; }
        public DateTime? WhenChanged { get; set; }
        public DateTime? WhenCreated { get; set; }
        public string OriginatingServer { get; set; }
        public bool IsValid { get; set; }
        public string ObjectState { get; set; }
        public Guid? TenantId { get; set; }
        public override string ToString() { return DistinguishedName; }
    }

    // Get-CsCommonAreaPhone, Get-CsAnalogDevice, Get-CsMeetingRoom: contact objects with the
    // user-like members the audits read, and their own.
    public sealed class OCSADContact
    {
        public UserIdParameter Identity { get; set; }
        public string SipAddress { get; set; }
        public string DisplayName { get; set; }
        public string DisplayNumber { get; set; }
        public string Description { get; set; }
        public string LineURI { get; set; }
        public PoolFqdn RegistrarPool { get; set; }
        public bool Enabled { get; set; }
        public bool EnterpriseVoiceEnabled { get; set; }
        public bool ExUmEnabled { get; set; }
        public PolicyReference ConferencingPolicy { get; set; }
        public PolicyReference VoicePolicy { get; set; }
        public PolicyReference ClientPolicy { get; set; }
        public PolicyReference DialPlan { get; set; }
        public PolicyReference PinPolicy { get; set; }
        public string Gateway { get; set; }
        public bool? AnalogFax { get; set; }
        public Guid Guid { get; set; }
        public DateTime? WhenChanged { get; set; }
        public DateTime? WhenCreated { get; set; }
        public override string ToString() { return Identity == null ? "" : Identity.ToString(); }
    }

    public sealed class ConferencingPolicy
    {
        public XdsIdentity Identity { get; set; }
        public string Description { get; set; }
        public bool AllowIPAudio { get; set; }
        public bool AllowIPVideo { get; set; }
        public bool AllowMultiView { get; set; }
        public bool AllowParticipantControl { get; set; }
        public bool AllowAnnotations { get; set; }
        public bool DisablePowerPointAnnotations { get; set; }
        public bool AllowUserToScheduleMeetingsWithAppSharing { get; set; }
        public string ApplicationSharingMode { get; set; }
        public bool AllowNonEnterpriseVoiceUsersToDialOut { get; set; }
        public bool AllowAnonymousUsersToDialOut { get; set; }
        public bool AllowAnonymousParticipantsInMeetings { get; set; }
        public bool AllowFederatedParticipantJoinAsSameEnterprise { get; set; }
        public bool AllowExternalUsersToSaveContent { get; set; }
        public bool AllowExternalUserControl { get; set; }
        public bool AllowExternalUsersToRecordMeeting { get; set; }
        public bool AllowPolls { get; set; }
        public bool AllowSharedNotes { get; set; }
        public bool AllowQandA { get; set; }
        public bool AllowOfficeContent { get; set; }
        public bool EnableDialInConferencing { get; set; }
        public EnableAppDesktopSharing EnableAppDesktopSharing { get; set; }
        public bool AllowConferenceRecording { get; set; }
        public bool EnableP2PRecording { get; set; }
        public bool EnableFileTransfer { get; set; }
        public bool EnableP2PFileTransfer { get; set; }
        public bool EnableP2PVideo { get; set; }
        public bool AllowLargeMeetings { get; set; }
        public bool EnableOnlineMeetingPromptForLyncResources { get; set; }
        public bool EnableDataCollaboration { get; set; }
        public MaxVideoConferenceResolution MaxVideoConferenceResolution { get; set; }
        public uint MaxMeetingSize { get; set; }
        public uint AudioBitRateKb { get; set; }
        public uint VideoBitRateKb { get; set; }
        public uint AppSharingBitRateKb { get; set; }
        public uint FileTransferBitRateKb { get; set; }
        public uint TotalReceiveVideoBitRateKb { get; set; }
        public bool EnableMultiViewJoin { get; set; }
        public bool CloudRecordingServiceSupport { get; set; }
        public bool EnableReliableConferenceDeletion { get; set; }
        public override string ToString() { return Identity == null ? "" : Identity.ToString(); }
    }

    public sealed class VoicePolicy
    {
        public XdsIdentity Identity { get; set; }
        public Collection<string> PstnUsages { get; set; }
        public string Description { get; set; }
        public bool AllowSimulRing { get; set; }
        public bool AllowCallForwarding { get; set; }
        public bool AllowPSTNReRouting { get; set; }
        public string Name { get; set; }
        public bool EnableDelegation { get; set; }
        public bool EnableTeamCall { get; set; }
        public bool EnableCallTransfer { get; set; }
        public bool EnableCallPark { get; set; }
        public bool EnableMaliciousCallTracing { get; set; }
        public bool EnableBWPolicyOverride { get; set; }
        public bool PreventPSTNTollBypass { get; set; }
        public string CallForwardingSimulRingUsageType { get; set; }
        public string VoiceDeploymentMode { get; set; }
        public bool EnableVoicemailEscapeTimer { get; set; }
        public int PSTNVoicemailEscapeTimer { get; set; }
        public override string ToString() { return Identity == null ? "" : Identity.ToString(); }
    }

    public sealed class RgsIdentity
    {
        private readonly string text;
        public RgsIdentity(string text) { this.text = text; InstanceId = Guid.NewGuid(); }
        public Guid InstanceId { get; private set; }
        public override string ToString() { return text; }
    }

    // Many users at once, for the pipeline-stop tests (30,000 made in C#, not a PowerShell loop).
    public static class Estate
    {
        public static OCSADUser[] NewUsers(int count, string pool)
        {
            OCSADUser[] users = new OCSADUser[count];
            for (int i = 0; i < count; i++)
            {
                string sam = "user" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                string dn = "CN=" + sam + ",OU=Lync Users,DC=contoso,DC=com";
                OCSADUser u = new OCSADUser();
                u.Identity = new UserIdParameter(dn);
                u.SamAccountName = sam;
                u.UserPrincipalName = sam + "@contoso.com";
                u.SipAddress = "sip:" + sam + "@contoso.com";
                u.DisplayName = sam;
                u.Name = sam;
                u.DistinguishedName = dn;
                u.Enabled = true;
                u.HostingProvider = "SRV:";
                u.RegistrarPool = new PoolFqdn(pool);
                u.ExchangeArchivingPolicy = ExchangeArchivingPolicyOptionsEnum.Uninitialized;
                u.Guid = Guid.NewGuid();
                u.ProxyAddresses = new Collection<string>();
                u.IsValid = true;
                users[i] = u;
            }
            return users;
        }
    }

    public sealed class AgentGroup
    {
        public RgsIdentity Identity { get; set; }
        public string Name { get; set; }
        public string Description { get; set; }
        public string ParticipationPolicy { get; set; }
        public int AgentAlertTime { get; set; }
        public string RoutingMethod { get; set; }
        public string DistributionGroupAddress { get; set; }
        public string OwnerPool { get; set; }
        public Collection<Uri> AgentsByUri { get; set; }
    }
}

namespace LicenseAuditE2E.Teams
{
    // A policy assignment on Get-CsOnlineUser.
    public sealed class PolicyAssignment
    {
        public PolicyAssignment(string authority, string name) { Authority = authority; Name = name; }
        public string Authority { get; private set; }
        public string Name { get; private set; }
        public override string ToString() { return Name; }
    }

    public sealed class AssignedPlan
    {
        public DateTime? AssignedTimestamp { get; set; }
        public string Capability { get; set; }
        public string CapabilityStatus { get; set; }
        public string ServiceInstance { get; set; }
        public Guid ServicePlanId { get; set; }
    }

    public sealed class OnlineUser
    {
        public string Identity { get; set; }
        public Guid ObjectId { get; set; }
        public string UserPrincipalName { get; set; }
        public string Alias { get; set; }
        public string DisplayName { get; set; }
        public string GivenName { get; set; }
        public string LastName { get; set; }
        public string Company { get; set; }
        public string Department { get; set; }
        public string Title { get; set; }
        public string City { get; set; }
        public string CountryAbbreviation { get; set; }
        public string UsageLocation { get; set; }
        public string SipAddress { get; set; }
        public string[] SipProxyAddress { get; set; }
        public string[] ProxyAddresses { get; set; }
        public string WindowsEmailAddress { get; set; }
        public bool AccountEnabled { get; set; }
        public string AccountType { get; set; }
        public string InterpretedUserType { get; set; }
        public bool EnterpriseVoiceEnabled { get; set; }
        public bool IsSipEnabled { get; set; }
        public string[] FeatureTypes { get; set; }
        public AssignedPlan[] AssignedPlan { get; set; }
        public string[] ProvisionedPlan { get; set; }
        public string LineUri { get; set; }
        public string OnPremLineUri { get; set; }
        public string HostingProvider { get; set; }
        public DateTime? SoftDeletionTimestamp { get; set; }
        public DateTime? WhenCreated { get; set; }
        public DateTime? WhenChanged { get; set; }
        public Guid TenantId { get; set; }
        public string TeamsUpgradeEffectiveMode { get; set; }
        public PolicyAssignment TeamsCallingPolicy { get; set; }
        public PolicyAssignment TeamsMeetingPolicy { get; set; }
        public PolicyAssignment TeamsMessagingPolicy { get; set; }
        public PolicyAssignment TeamsIPPhonePolicy { get; set; }
        public PolicyAssignment OnlineVoiceRoutingPolicy { get; set; }
        public PolicyAssignment TeamsSharedCallingRoutingPolicy { get; set; }
        public PolicyAssignment TenantDialPlan { get; set; }
        public PolicyAssignment CallingLineIdentity { get; set; }
        public PolicyAssignment TeamsEmergencyCallingPolicy { get; set; }
        public PolicyAssignment ExternalAccessPolicy { get; set; }
        public override string ToString() { return UserPrincipalName; }
    }

    public sealed class PhoneNumberAssignment
    {
        public string TelephoneNumber { get; set; }
        public string OperatorId { get; set; }
        public string NumberType { get; set; }
        public string ActivationState { get; set; }
        public string AssignedPstnTargetId { get; set; }
        public string AssignmentCategory { get; set; }
        public string[] Capability { get; set; }
        public string City { get; set; }
        public string CivicAddressId { get; set; }
        public string IsoCountryCode { get; set; }
        public string IsoSubdivision { get; set; }
        public string LocationId { get; set; }
        public string NetworkSiteId { get; set; }
        public string NumberSource { get; set; }
        public string PortInOrderStatus { get; set; }
        public string PstnAssignmentStatus { get; set; }
        public string PstnPartnerId { get; set; }
        public string PstnPartnerName { get; set; }
    }

    public sealed class ApplicationInstance
    {
        public Guid ObjectId { get; set; }
        public string UserPrincipalName { get; set; }
        public Guid ApplicationId { get; set; }
        public string DisplayName { get; set; }
        public string PhoneNumber { get; set; }
        public override string ToString() { return UserPrincipalName; }
    }

    public sealed class IPPhonePolicy
    {
        public string Identity { get; set; }
        public string Description { get; set; }
        public string SignInMode { get; set; }
        public string SearchOnCommonAreaPhoneMode { get; set; }
        public bool AllowHomeScreen { get; set; }
        public bool AllowBetterTogether { get; set; }
        public bool AllowHotDesking { get; set; }
        public int HotDeskingIdleTimeoutInMinutes { get; set; }
    }
}
'@

# A PowerShell host that answers -Confirm prompts from a list (0 Yes, 1 Yes to All, 2 No, 3 No to
# All) and records every prompt and every line written to it (What if: ... included), for the
# -Confirm / -WhatIf tests: a runspace opened on it behaves as an admin's console would.
$e2eHostSource = @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace LicenseAuditE2E.Hosting
{
    public sealed class AnsweringHost : PSHost
    {
        private readonly AnsweringUserInterface ui;
        private readonly Guid id = Guid.NewGuid();
        public AnsweringHost(int[] answers) { ui = new AnsweringUserInterface(answers); }
        // The answers for the next command; forgets the prompts and lines of the last one.
        public void Expect(int[] answers) { ui.Expect(answers); }
        public List<string> Prompts { get { return ui.Prompts; } }
        public List<string> Lines { get { return ui.Lines; } }
        public override CultureInfo CurrentCulture { get { return CultureInfo.CurrentCulture; } }
        public override CultureInfo CurrentUICulture { get { return CultureInfo.CurrentUICulture; } }
        public override Guid InstanceId { get { return id; } }
        public override string Name { get { return "LicenseAuditE2E"; } }
        public override PSHostUserInterface UI { get { return ui; } }
        public override Version Version { get { return new Version(1, 0); } }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    public sealed class AnsweringUserInterface : PSHostUserInterface
    {
        private readonly Queue<int> answers;
        public readonly List<string> Prompts = new List<string>();
        public readonly List<string> Lines = new List<string>();
        public AnsweringUserInterface(int[] answers) { this.answers = new Queue<int>(answers); }
        public void Expect(int[] next) { answers.Clear(); foreach (int a in next) { answers.Enqueue(a); } Prompts.Clear(); Lines.Clear(); }
        public override PSHostRawUserInterface RawUI { get { return null; } }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(caption + ": " + message);
            if (answers.Count == 0) { throw new InvalidOperationException("A prompt nobody expected: " + caption + ": " + message); }
            return answers.Dequeue();
        }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { throw new NotSupportedException("Prompt: " + message); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) { throw new NotSupportedException(); }
        public override string ReadLine() { throw new NotSupportedException(); }
        public override SecureString ReadLineAsSecureString() { throw new NotSupportedException(); }
        public override void Write(string value) { Lines.Add(value); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { Lines.Add(value); }
        public override void WriteLine(string value) { Lines.Add(value); }
        public override void WriteDebugLine(string message) { }
        public override void WriteErrorLine(string value) { Lines.Add("ERROR: " + value); }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { Lines.Add("WARNING: " + message); }
    }
}
'@

# Compiled once into DLLs in the temporary folder, named by a hash of the source and the
# PowerShell edition, and loaded from there: the child PowerShell processes of the tests load them
# instead of compiling them again.
function Import-E2EAssembly([string]$Source, [string]$TypeName) {
    if ($TypeName -as [type]) { return }
    $hash = [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::Create().ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Source + $PSVersionTable.PSEdition))).Replace('-', '').Substring(0, 16)
    $assembly = Join-Path ([System.IO.Path]::GetTempPath()) ('licenseaudit-e2e-shapes-{0}.dll' -f $hash)
    if (-not (Test-Path -LiteralPath $assembly)) {
        $built = Join-Path ([System.IO.Path]::GetTempPath()) ('licenseaudit-e2e-shapes-{0}.dll' -f [guid]::NewGuid().ToString('N'))
        try {
            Add-Type -TypeDefinition $Source -OutputAssembly $built -OutputType Library -ErrorAction Stop
            # Another process may have put it there first: theirs is the same.
            if (-not (Test-Path -LiteralPath $assembly)) { [System.IO.File]::Move($built, $assembly) }
        }
        finally {
            if (Test-Path -LiteralPath $built) { [System.IO.File]::Delete($built) }
        }
    }
    Add-Type -Path $assembly
}
Import-E2EAssembly -Source $e2eTypeSource -TypeName 'LicenseAuditE2E.Rtc.OCSADUser'
Import-E2EAssembly -Source $e2eHostSource -TypeName 'LicenseAuditE2E.Hosting.AnsweringHost'

function Read-E2EJson([string]$Path) {
    # One object per element (Windows PowerShell 5.1's ConvertFrom-Json writes an array as one object).
    Get-Content -Raw -LiteralPath $Path | ConvertFrom-Json | ForEach-Object { $_ }
}

function Get-E2EValue([object]$InputObject, [string]$Name) {
    $member = $InputObject.PSObject.Properties[$Name]
    if ($member) { return $member.Value }
    $null
}

function ConvertTo-E2EDate([object]$Value) {
    # Windows PowerShell 5.1 JSON writes "\/Date(ms)\/", which 7's ConvertFrom-Json leaves as text.
    if ($null -eq $Value -or '' -eq $Value) { return $null }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime() }
    if ([string]$Value -match '^/Date\((-?\d+)') { return [DateTimeOffset]::FromUnixTimeMilliseconds([long]$Matches[1]).UtcDateTime }
    [datetime]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal)
}

function New-E2EPolicyReference([object]$Value) {
    # The export's 'Tag:NAME', 'NAME' or null as the snap-in's reference (FriendlyName NAME).
    if ($null -eq $Value -or '' -eq [string]$Value) { return $null }
    [LicenseAuditE2E.Rtc.PolicyReference]::new(([string]$Value -replace '^(?i)tag:', ''))
}

function New-E2ECsUser {
    <# Get-CsUser objects (Lync Server snap-in) from examples/contoso/users.json or a file like it. #>
    param([Parameter(Mandatory)][string]$Path)
    foreach ($u in Read-E2EJson $Path) {
        $sam = [string](Get-E2EValue $u 'SamAccountName')
        $dn = [string](Get-E2EValue $u 'Identity')
        $display = [string](Get-E2EValue $u 'DisplayName')
        $names = $display -split ' ', 2
        $user = [LicenseAuditE2E.Rtc.OCSADUser]::new()
        $user.Identity = [LicenseAuditE2E.Rtc.UserIdParameter]::new($dn)
        $user.SamAccountName = $sam
        $user.UserPrincipalName = Get-E2EValue $u 'UserPrincipalName'
        $user.FirstName = $names[0]
        if ($names.Count -gt 1) { $user.LastName = $names[1] }
        $user.WindowsEmailAddress = Get-E2EValue $u 'UserPrincipalName'
        $user.Sid = 'S-1-5-21-1004336348-1177238915-682003330-{0}' -f (1100 + $sam.Length)
        $user.AudioVideoDisabled = [bool](Get-E2EValue $u 'AudioVideoDisabled')
        $user.RemoteCallControlTelephonyEnabled = [bool](Get-E2EValue $u 'RemoteCallControlTelephonyEnabled')
        $user.ExchangeArchivingPolicy = 'Uninitialized'
        $user.HostingProvider = Get-E2EValue $u 'HostingProvider'
        $user.Enabled = [bool](Get-E2EValue $u 'Enabled')
        $user.VoicePolicy = New-E2EPolicyReference (Get-E2EValue $u 'VoicePolicy')
        $user.ConferencingPolicy = New-E2EPolicyReference (Get-E2EValue $u 'ConferencingPolicy')
        # Per-user policies the audits do not read: assigned to some users, as in a real estate.
        if ($sam -in 'alice', 'zoe') { $user.DialPlan = New-E2EPolicyReference 'Tag:RedmondDialPlan' }
        $user.ExternalAccessPolicy = New-E2EPolicyReference 'Tag:FederationAndPICDefault'
        $user.ClientPolicy = $null
        $pool = Get-E2EValue $u 'RegistrarPool'
        if ($pool) { $user.RegistrarPool = [LicenseAuditE2E.Rtc.PoolFqdn]::new([string]$pool) }
        $user.EnterpriseVoiceEnabled = [bool](Get-E2EValue $u 'EnterpriseVoiceEnabled')
        $user.EnabledForRichPresence = $true
        $user.EnabledForFederation = $true
        $user.EnabledForInternetAccess = $true
        $user.SipAddress = Get-E2EValue $u 'SipAddress'
        $line = Get-E2EValue $u 'LineURI'
        if ($line) { $user.LineURI = $line }
        $user.DisplayName = $display
        $user.Name = $display
        $user.DistinguishedName = $dn
        $user.Guid = [guid]::NewGuid()
        $user.ObjectCategory = 'contoso.com/Configuration/Schema/Person'
        $user.ObjectClass = @('top', 'person', 'organizationalPerson', 'user')
        $user.ProxyAddresses = [System.Collections.ObjectModel.Collection[string]]::new()
        $user.ProxyAddresses.Add('SMTP:' + $user.UserPrincipalName)
        $user.ProxyAddresses.Add([string]$user.SipAddress)
        $user.WhenChanged = ConvertTo-E2EDate (Get-E2EValue $u 'WhenChanged')
        $user.WhenCreated = [datetime]::new(2012, 3, 1, 9, 0, 0, [System.DateTimeKind]::Utc)
        $user.OriginatingServer = 'dc01.contoso.com'
        $user.IsValid = $true
        $user.ObjectState = 'Unchanged'
        $user
    }
}

function New-E2EConferencingPolicy {
    <# Get-CsConferencingPolicy objects with every documented setting. A setting the example
    leaves out (to show the engine's "Lync default") is there with its Lync default, as on a
    real server, where every policy has every setting. #>
    param([Parameter(Mandatory)][string]$Path)
    $defaults = @{
        AllowIPAudio = $true; AllowIPVideo = $true; AllowMultiView = $true; EnableDialInConferencing = $true
        EnableAppDesktopSharing = 'Desktop'; AllowUserToScheduleMeetingsWithAppSharing = $true
        AllowAnonymousParticipantsInMeetings = $true; AllowPolls = $true; AllowAnnotations = $true; EnableDataCollaboration = $true
        AllowConferenceRecording = $false; AllowExternalUsersToRecordMeeting = $false; EnableP2PRecording = $false
        EnableP2PVideo = $true; EnableP2PFileTransfer = $true; EnableFileTransfer = $true; MaxMeetingSize = 250
    }
    foreach ($p in Read-E2EJson $Path) {
        $policy = [LicenseAuditE2E.Rtc.ConferencingPolicy]::new()
        $policy.Identity = [LicenseAuditE2E.Rtc.XdsIdentity]::new([string]$p.Identity)
        foreach ($name in $defaults.Keys) {
            $value = $defaults[$name]
            $member = $p.PSObject.Properties[$name]
            if ($member) { $value = $member.Value }
            $policy.$name = $value
        }
        $policy.Description = ''
        $policy.AllowParticipantControl = $true
        $policy.ApplicationSharingMode = 'VideoWithFallback'
        $policy.AllowNonEnterpriseVoiceUsersToDialOut = $true
        $policy.AllowAnonymousUsersToDialOut = $false
        $policy.AllowFederatedParticipantJoinAsSameEnterprise = $false
        $policy.AllowExternalUsersToSaveContent = $true
        $policy.AllowExternalUserControl = $false
        $policy.AllowSharedNotes = $true
        $policy.AllowQandA = $true
        $policy.AllowOfficeContent = $true
        $policy.AllowLargeMeetings = $false
        $policy.EnableOnlineMeetingPromptForLyncResources = $false
        $policy.MaxVideoConferenceResolution = 'VGA'
        $policy.AudioBitRateKb = 200
        $policy.VideoBitRateKb = 50000
        $policy.AppSharingBitRateKb = 50000
        $policy.FileTransferBitRateKb = 50000
        $policy.TotalReceiveVideoBitRateKb = 50000
        $policy.EnableMultiViewJoin = $true
        $policy.CloudRecordingServiceSupport = $false
        $policy.EnableReliableConferenceDeletion = $false
        $policy
    }
}

function New-E2EVoicePolicy {
    param([Parameter(Mandatory)][string]$Path)
    foreach ($p in Read-E2EJson $Path) {
        $policy = [LicenseAuditE2E.Rtc.VoicePolicy]::new()
        $policy.Identity = [LicenseAuditE2E.Rtc.XdsIdentity]::new([string]$p.Identity)
        $policy.PstnUsages = [System.Collections.ObjectModel.Collection[string]]::new()
        foreach ($usage in @($p.PstnUsages)) { $policy.PstnUsages.Add([string]$usage) }
        $policy.Description = ''
        $policy.Name = ([string]$p.Identity -replace '^(?i)tag:', '')
        foreach ($name in 'EnableDelegation', 'EnableTeamCall', 'EnableCallPark', 'AllowSimulRing', 'AllowCallForwarding') { $policy.$name = [bool]$p.$name }
        $policy.AllowPSTNReRouting = $true
        $policy.EnableCallTransfer = $true
        $policy.EnableMaliciousCallTracing = $false
        $policy.EnableBWPolicyOverride = $false
        $policy.PreventPSTNTollBypass = $false
        $policy.CallForwardingSimulRingUsageType = 'VoicePolicyUsage'
        $policy.VoiceDeploymentMode = 'OnPrem'
        $policy.PSTNVoicemailEscapeTimer = 1500
        $policy
    }
}

function New-E2ECsContact {
    <# Get-CsCommonAreaPhone / Get-CsAnalogDevice / Get-CsMeetingRoom objects. #>
    param([Parameter(Mandatory)][string]$Path)
    foreach ($d in Read-E2EJson $Path) {
        $contact = [LicenseAuditE2E.Rtc.OCSADContact]::new()
        $contact.Identity = [LicenseAuditE2E.Rtc.UserIdParameter]::new([string]$d.Identity)
        $contact.SipAddress = Get-E2EValue $d 'SipAddress'
        $contact.DisplayName = Get-E2EValue $d 'DisplayName'
        $contact.LineURI = Get-E2EValue $d 'LineURI'
        $contact.DisplayNumber = Get-E2EValue $d 'LineURI'
        $pool = Get-E2EValue $d 'RegistrarPool'
        if ($pool) { $contact.RegistrarPool = [LicenseAuditE2E.Rtc.PoolFqdn]::new([string]$pool) }
        $contact.Enabled = [bool](Get-E2EValue $d 'Enabled')
        $contact.EnterpriseVoiceEnabled = [bool](Get-E2EValue $d 'EnterpriseVoiceEnabled')
        $contact.Gateway = Get-E2EValue $d 'Gateway'
        $fax = Get-E2EValue $d 'AnalogFax'
        if ($null -ne $fax) { $contact.AnalogFax = [bool]$fax }
        $contact.Guid = [guid]::NewGuid()
        $contact.WhenCreated = [datetime]::new(2014, 5, 1, 9, 0, 0, [System.DateTimeKind]::Utc)
        $contact
    }
}

function New-E2ERgsAgentGroup {
    param([Parameter(Mandatory)][string]$Path)
    foreach ($g in Read-E2EJson $Path) {
        $group = [LicenseAuditE2E.Rtc.AgentGroup]::new()
        $group.Identity = [LicenseAuditE2E.Rtc.RgsIdentity]::new([string]$g.Identity)
        $group.Name = $g.Name
        $group.Description = ''
        $group.ParticipationPolicy = 'Informal'
        $group.AgentAlertTime = 20
        $group.RoutingMethod = Get-E2EValue $g 'RoutingMethod'
        $group.OwnerPool = 'ApplicationServer:pool01.redmond.contoso.com'
        $group.AgentsByUri = [System.Collections.ObjectModel.Collection[uri]]::new()
        foreach ($agent in @($g.AgentsByUri)) { $group.AgentsByUri.Add([uri][string]$agent) }
        $group
    }
}

function Get-E2ELyncEstate {
    <# The example Lync estate as a Lync Server snap-in session returns it: one hashtable of
    object lists, keyed by cmdlet. Pools stay as Get-CsPool's deserialised objects (the example's
    CLIXML), as a remote session gives them. #>
    param([Parameter(Mandatory)][string]$Folder, [string]$UsersPath)
    if (-not $UsersPath) { $UsersPath = Join-Path $Folder 'users.json' }
    @{
        'Get-CsUser'               = @(New-E2ECsUser -Path $UsersPath)
        'Get-CsConferencingPolicy' = @(New-E2EConferencingPolicy -Path (Join-Path $Folder 'conferencing-policies.json'))
        'Get-CsVoicePolicy'        = @(New-E2EVoicePolicy -Path (Join-Path $Folder 'voice-policies.json'))
        'Get-CsPool'               = @(Import-Clixml -LiteralPath (Join-Path $Folder 'pools.xml'))
        'Get-CsCommonAreaPhone'    = @(New-E2ECsContact -Path (Join-Path $Folder 'common-area-phones.json'))
        'Get-CsAnalogDevice'       = @(New-E2ECsContact -Path (Join-Path $Folder 'analog-devices.json'))
        'Get-CsMeetingRoom'        = @(New-E2ECsContact -Path (Join-Path $Folder 'meeting-rooms.json'))
        'Get-CsRgsAgentGroup'      = @(New-E2ERgsAgentGroup -Path (Join-Path $Folder 'rgs-agent-groups.json'))
    }
}

function New-E2EOnlineUser {
    <# Get-CsOnlineUser objects (MicrosoftTeams module) from examples/teams/teams.json or a file
    like it: every property the example has, typed, and the other documented ones. #>
    param([Parameter(Mandatory)][string]$Path)
    $tenant = [guid]'5a0c8f3e-2b1d-4c7a-9e6f-0d1c2b3a4f50'
    foreach ($u in Read-E2EJson $Path) {
        $user = [LicenseAuditE2E.Teams.OnlineUser]::new()
        $user.Identity = [string]$u.Identity
        $user.ObjectId = [guid]$u.Identity
        $user.UserPrincipalName = $u.UserPrincipalName
        $user.Alias = Get-E2EValue $u 'Alias'
        $user.DisplayName = Get-E2EValue $u 'DisplayName'
        $user.GivenName = ([string]$user.DisplayName -split ' ')[0]
        $user.Company = 'Contoso'
        $user.Department = 'Operations'
        $user.CountryAbbreviation = 'US'
        $user.UsageLocation = 'US'
        $user.SipAddress = Get-E2EValue $u 'SipAddress'
        $user.SipProxyAddress = @([string]$user.SipAddress)
        $user.ProxyAddresses = @('SMTP:' + $u.UserPrincipalName, [string]$user.SipAddress)
        $user.WindowsEmailAddress = $u.UserPrincipalName
        $user.AccountEnabled = [bool]$u.AccountEnabled
        $user.AccountType = $u.AccountType
        $user.InterpretedUserType = Get-E2EValue $u 'InterpretedUserType'
        $user.EnterpriseVoiceEnabled = [bool]$u.EnterpriseVoiceEnabled
        $user.IsSipEnabled = $true
        $user.FeatureTypes = [string[]]@($u.FeatureTypes)
        $plans = foreach ($p in @($u.AssignedPlan)) {
            $plan = [LicenseAuditE2E.Teams.AssignedPlan]::new()
            $plan.AssignedTimestamp = ConvertTo-E2EDate $p.AssignedTimestamp
            $plan.Capability = $p.Capability
            $plan.CapabilityStatus = $p.CapabilityStatus
            $plan.ServiceInstance = $p.ServiceInstance
            # Not every plan has a published service plan id (MCOPSTN_PAYG_1 in the example).
            if ($p.ServicePlanId) { $plan.ServicePlanId = [guid]$p.ServicePlanId }
            $plan
        }
        $user.AssignedPlan = [LicenseAuditE2E.Teams.AssignedPlan[]]@($plans)
        $user.ProvisionedPlan = [string[]]@($u.AssignedPlan | ForEach-Object { $_.Capability })
        $user.LineUri = Get-E2EValue $u 'LineUri'
        $user.HostingProvider = 'sipfed.online.lync.com'
        $user.SoftDeletionTimestamp = ConvertTo-E2EDate (Get-E2EValue $u 'SoftDeletionTimestamp')
        $user.WhenCreated = [datetime]::new(2024, 6, 3, 10, 0, 0, [System.DateTimeKind]::Utc)
        $user.WhenChanged = [datetime]::new(2026, 10, 1, 10, 0, 0, [System.DateTimeKind]::Utc)
        $user.TenantId = $tenant
        $user.TeamsUpgradeEffectiveMode = 'TeamsOnly'
        foreach ($name in 'TeamsCallingPolicy', 'TeamsMeetingPolicy', 'TeamsIPPhonePolicy', 'OnlineVoiceRoutingPolicy', 'TeamsSharedCallingRoutingPolicy') {
            $value = Get-E2EValue $u $name
            if ($null -eq $value) { continue }
            if ($value -is [string]) { $user.$name = [LicenseAuditE2E.Teams.PolicyAssignment]::new('Tenant', ($value -replace '^(?i)tag:', '')) }
            else { $user.$name = [LicenseAuditE2E.Teams.PolicyAssignment]::new([string]$value.Authority, [string]$value.Name) }
        }
        $user.TeamsMessagingPolicy = [LicenseAuditE2E.Teams.PolicyAssignment]::new('Tenant', 'RestrictedAnonymousAccess')
        $user
    }
}

function New-E2EPhoneNumberAssignment {
    param([Parameter(Mandatory)][string]$Path)
    foreach ($n in Read-E2EJson $Path) {
        $number = [LicenseAuditE2E.Teams.PhoneNumberAssignment]::new()
        foreach ($name in 'TelephoneNumber', 'OperatorId', 'NumberType', 'ActivationState', 'AssignedPstnTargetId', 'AssignmentCategory', 'PstnAssignmentStatus', 'IsoCountryCode') {
            $number.$name = Get-E2EValue $n $name
        }
        $number.Capability = [string[]]@($n.Capability)
        $number.NumberSource = 'OnPremises'
        $number.PortInOrderStatus = ''
        $number
    }
}

function New-E2EApplicationInstance {
    param([Parameter(Mandatory)][string]$Path)
    foreach ($a in Read-E2EJson $Path) {
        $instance = [LicenseAuditE2E.Teams.ApplicationInstance]::new()
        $instance.ObjectId = [guid]$a.ObjectId
        $instance.UserPrincipalName = $a.UserPrincipalName
        $instance.ApplicationId = [guid]$a.ApplicationId
        $instance.DisplayName = $a.DisplayName
        $instance.PhoneNumber = Get-E2EValue $a 'PhoneNumber'
        $instance
    }
}

function New-E2EIpPhonePolicy {
    param([Parameter(Mandatory)][string]$Path)
    foreach ($p in Read-E2EJson $Path) {
        $policy = [LicenseAuditE2E.Teams.IPPhonePolicy]::new()
        $policy.Identity = $p.Identity
        $policy.Description = ''
        $policy.SignInMode = $p.SignInMode
        $policy.SearchOnCommonAreaPhoneMode = 'Enabled'
        $policy.AllowHomeScreen = $true
        $policy.AllowBetterTogether = $true
        $policy.AllowHotDesking = [bool](Get-E2EValue $p 'AllowHotDesking')
        $policy.HotDeskingIdleTimeoutInMinutes = 120
        $policy
    }
}

function New-E2EUalRow {
    <# Get-UalUserAccess / Get-UalDeviceAccess / Get-UalSystemId rows as they come through
    -CimSession: the CIM class's properties typed as the class declares them (uint32 counts, local
    [datetime] first and last seen), PSComputerName, and the CimInstance members and type names. #>
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][ValidateSet('MsftUal_UserAccess', 'MsftUal_DeviceAccess', 'MsftUal_SystemId')][string]$Class)
    $uint = @('ActivityCount', 'OSMajor', 'OSMinor', 'OSBuildNumber', 'OSProductType', 'PhysicalProcessorCount', 'CoresPerPhysicalProcessor', 'LogicalProcessorsPerPhysicalProcessor')
    $skip = @('CimClass', 'CimInstanceProperties', 'CimSystemProperties', 'PSComputerName')
    foreach ($r in Read-E2EJson $Path) {
        $row = [ordered]@{}
        foreach ($p in $r.PSObject.Properties) {
            if ($skip -contains $p.Name) { continue }
            $value = $p.Value
            if ($uint -contains $p.Name -and $null -ne $value) { $value = [uint32]$value }
            elseif ($p.Name -in 'FirstSeen', 'LastSeen' -and $null -ne $value) { $value = (ConvertTo-E2EDate $value).ToLocalTime() }
            elseif ($p.Name -eq 'MaximumMemory' -and $null -ne $value) { $value = [uint64]$value }
            $row[$p.Name] = $value
        }
        $server = [string](Get-E2EValue $r 'PSComputerName')
        $row['PSComputerName'] = $server
        $names = @($row.Keys | Where-Object { $_ -ne 'PSComputerName' })
        $object = [pscustomobject]$row
        $object | Add-Member -NotePropertyName CimClass -NotePropertyValue ('root/AccessLogging:' + $Class)
        $object | Add-Member -NotePropertyName CimInstanceProperties -NotePropertyValue $names
        $object | Add-Member -NotePropertyName CimSystemProperties -NotePropertyValue ([pscustomobject]@{ Namespace = 'root/AccessLogging'; ServerName = ($server -split '\.')[0]; ClassName = $Class; Path = $null })
        $object.PSObject.TypeNames.Clear()
        $object.PSObject.TypeNames.Add('Microsoft.Management.Infrastructure.CimInstance#root/AccessLogging/' + $Class)
        $object.PSObject.TypeNames.Add('Microsoft.Management.Infrastructure.CimInstance#' + $Class)
        $object.PSObject.TypeNames.Add('Microsoft.Management.Infrastructure.CimInstance')
        $object.PSObject.TypeNames.Add('System.Object')
        $object
    }
}
