<#
.SYNOPSIS
The PowerShell side of the module against the JSON it sends: users/s, ratio, peak working set
and retained heap per input object, for the bare pipeline, per-object ConvertTo-Json -Compress
and the streaming cmdlets. Run by scripts/bench-ps (which picks pwsh and the engine).
.DESCRIPTION
One pwsh process, cases in this order: for Lync (-Users stub Get-CsUser objects of ~50
properties, shaped like a Lync 2013 user, policy references as objects with FriendlyName) the
bare pipeline `Get-CsUser | Out-Null`, `Get-CsUser | ForEach-Object { ConvertTo-Json -InputObject
$_ -Compress } | Out-Null` (the baseline) and `Get-CsUser | Get-LyncCalRequirement | Out-Null`;
the same three for Teams (Get-CsOnlineUser-shaped objects: lists, plans and policies as objects)
with Get-TeamsLicenseCount and Test-TeamsLicenseAssignment. Every case gets its own freshly made
objects (made in C#, not timed) and a warm-up of 2,000 first. Per case:

- objects/s over the wall time of the pipeline;
- ratio: the case's time over the ConvertTo-Json baseline of the same objects (goal <= 1.5);
- peak WS MB: pwsh's peak working set during the case (Linux: VmHWM, reset before each case
  through /proc/self/clear_refs; elsewhere the process's peak so far);
- heap B/obj: what the managed heap still holds after the case (full GC, the input objects
  still referenced, as the upstream command's own list would keep them), over the objects;
- pwsh CPU: pwsh's processor time per object, in microseconds (all its threads; not the
  engine's, a process of its own): less sensitive than the wall time to a busy machine.

With -RightSizeUsers N, also `Get-LyncCalRightSizing -ConfiguredPath -UsagePath` over N users
(engine output far faster than the pipeline consumes it): the peak working set then shows
whether the queue between the engine's stdout and the pipeline is bounded.
#>
param(
    [int]$Users = 100000,
    [int]$RightSizeUsers = 0,
    [string]$Work = '',
    # Only the right-sizing case.
    [switch]$RightSizeOnly
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
Import-Module (Join-Path $root 'LicenseAudit.psd1') -Force

Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Management.Automation;

public static class LicenseAuditBenchEstate
{
    private static PSObject Obj(params object[] pairs)
    {
        PSObject o = new PSObject();
        for (int i = 0; i < pairs.Length; i += 2) { o.Properties.Add(new PSNoteProperty((string)pairs[i], pairs[i + 1])); }
        return o;
    }

    private static PSObject Policy(string tag)
    {
        if (tag == null) { return null; }
        return Obj("FriendlyName", tag, "Name", tag, "ScopeClass", "Tag", "Anchor", "Tag:" + tag,
            "AuthorityName", "CsDefault", "IsPolicyReference", true);
    }

    // Get-CsUser of Lync Server 2013, as a remote session or Import-Clixml gives it: ~50
    // properties, policy references as objects (FriendlyName) or null (Global / site policy).
    public static PSObject[] LyncUsers(int count, int seed)
    {
        string[] conferencing = { null, null, "ENT_CAL_REC_Audio", "STD_CAL_NoConferencing", "ENT_CAL_REC_AudioVideo", null, "Standard_Users_Legacy" };
        string[] pools = { "pool01.redmond.contoso.com", "pool01.dublin.contoso.com" };
        PSObject[] users = new PSObject[count];
        DateTime created = new DateTime(2012, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        for (int i = 0; i < count; i++)
        {
            int n = i + seed;
            string sam = "user" + n.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
            string dn = "CN=User " + n + ",OU=Lync Users,OU=Sites,DC=contoso,DC=com";
            bool voice = n % 3 == 0;
            users[i] = Obj(
                "Identity", dn,
                "VoicePolicy", Policy(n % 5 == 0 ? "VP_Delegation" : null),
                "VoiceRoutingPolicy", null,
                "ConferencingPolicy", Policy(conferencing[n % conferencing.Length]),
                "PresencePolicy", null,
                "DialPlan", Policy(n % 4 == 0 ? "DP_Redmond" : null),
                "LocationPolicy", null,
                "ClientPolicy", Policy("CP_Standard"),
                "ClientVersionPolicy", null,
                "ArchivingPolicy", null,
                "ExchangeArchivingPolicy", "Uninitialized",
                "PinPolicy", null,
                "ExternalAccessPolicy", Policy("EA_Federation"),
                "MobilityPolicy", null,
                "PersistentChatPolicy", null,
                "UserServicesPolicy", null,
                "CallViaWorkPolicy", null,
                "ThirdPartyVideoSystemPolicy", null,
                "HostedVoiceMail", null,
                "HostedVoicemailPolicy", null,
                "HostingProvider", "SRV:",
                "RegistrarPool", pools[n % pools.Length],
                "Enabled", n % 17 != 0,
                "SipAddress", "sip:" + sam + "@contoso.com",
                "LineURI", voice ? "tel:+1425555" + (n % 10000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture) : "",
                "EnterpriseVoiceEnabled", voice,
                "ExUmEnabled", false,
                "HomeServer", "CN=Lc Services,CN=Microsoft,CN=1:1,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=contoso,DC=com",
                "DisplayName", "User " + n + " (Sales & Support)",
                "SamAccountName", sam,
                "UserPrincipalName", sam + "@contoso.com",
                "PrivateLine", null,
                "IPPBXSoftPhoneRoutingEnabled", false,
                "LineServerURI", "",
                "IPPhone", null,
                "AudioVideoDisabled", n % 23 == 0,
                "RemoteCallControlTelephonyEnabled", n % 29 == 0,
                "AcpInfo", new object[0],
                "OriginatorSid", null,
                "UserRoutingGroupId", Guid.Empty.ToString(),
                "TargetRegistrarPool", null,
                "TargetServerIfMoving", null,
                "ProxyAddresses", new object[] { "SMTP:" + sam + "@contoso.com", "sip:" + sam + "@contoso.com" },
                "Name", "User " + n,
                "DistinguishedName", dn,
                "Guid", new Guid(n, 0, 0, new byte[8]).ToString(),
                "ObjectCategory", "CN=Person,CN=Schema,CN=Configuration,DC=contoso,DC=com",
                "ObjectClass", new object[] { "top", "person", "organizationalPerson", "user" },
                "WhenChanged", created.AddDays(n % 1000),
                "WhenCreated", created,
                "OriginatingServer", "dc01.contoso.com",
                "IsByPassValidation", false,
                "IsValid", true,
                "ObjectState", "Unchanged");
        }
        return users;
    }

    // Get-CsOnlineUser of MicrosoftTeams 6.x: ~50 properties, AssignedPlan objects, FeatureTypes,
    // policies as {Authority, Name} objects or null.
    public static PSObject[] TeamsUsers(int count, int seed)
    {
        PSObject[] users = new PSObject[count];
        DateTime assigned = new DateTime(2025, 1, 10, 9, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < count; i++)
        {
            int n = i + seed;
            string upn = "user" + n.ToString("D7", System.Globalization.CultureInfo.InvariantCulture) + "@contoso.com";
            bool voice = n % 3 == 0;
            List<object> plans = new List<object>();
            plans.Add(Obj("AssignedTimestamp", assigned, "Capability", "TEAMS1", "CapabilityStatus", "Enabled",
                "ServiceInstance", "MicrosoftCommunicationsOnline/NOAM-0M-DMT", "ServicePlanId", "57ff2da0-773e-42df-b2af-ffb7a2317929"));
            if (n % 2 == 0)
            {
                plans.Add(Obj("AssignedTimestamp", assigned, "Capability", "MCOEV", "CapabilityStatus", "Enabled",
                    "ServiceInstance", "MicrosoftCommunicationsOnline/NOAM-0M-DMT", "ServicePlanId", "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"));
            }
            if (n % 7 == 0)
            {
                plans.Add(Obj("AssignedTimestamp", assigned, "Capability", "MCOMEETADV", "CapabilityStatus", "Enabled",
                    "ServiceInstance", "MicrosoftCommunicationsOnline/NOAM-0M-DMT", "ServicePlanId", "3e26ee1f-8a5f-4d52-aee2-b81ce45c8f40"));
            }
            string[] features = voice ? new string[] { "Teams", "AudioConferencing", "PhoneSystem" } : new string[] { "Teams", "AudioConferencing" };
            users[i] = Obj(
                "Identity", new Guid(n, 1, 2, new byte[8]).ToString(),
                "UserPrincipalName", upn,
                "Alias", upn.Substring(0, upn.IndexOf('@')),
                "DisplayName", "User " + n,
                "GivenName", "User",
                "Surname", n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "SipAddress", "sip:" + upn,
                "SipProxyAddress", "sip:" + upn,
                "TenantId", "8f1c1e2a-0000-4000-8000-00000000aaaa",
                "AccountEnabled", n % 31 != 0,
                "AccountType", n % 97 == 0 ? "ResourceAccount" : "User",
                "InterpretedUserType", "PureOnlineTeamsOnlyUser",
                "EnterpriseVoiceEnabled", voice,
                "FeatureTypes", features,
                "AssignedPlan", plans.ToArray(),
                "ProvisionedPlan", new object[0],
                "LineUri", voice ? "tel:+1425556" + (n % 10000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture) : null,
                "SoftDeletionTimestamp", null,
                "TeamsCallingPolicy", Obj("Authority", "Tenant", "Name", "AllowCalling"),
                "OnlineVoiceRoutingPolicy", voice ? Obj("Authority", "Tenant", "Name", "US-DirectRouting") : null,
                "TeamsMeetingPolicy", null,
                "TeamsIPPhonePolicy", n % 11 == 0 ? Obj("Authority", "Tenant", "Name", "CommonAreaPhone") : null,
                "TeamsMessagingPolicy", null,
                "TeamsAppSetupPolicy", null,
                "TeamsAppPermissionPolicy", null,
                "TeamsEmergencyCallingPolicy", null,
                "TeamsVoiceApplicationsPolicy", null,
                "TenantDialPlan", null,
                "CallingLineIdentity", null,
                "OnlineVoicemailPolicy", null,
                "ExternalAccessPolicy", null,
                "City", "Redmond",
                "CountryAbbreviation", "US",
                "Department", "Sales",
                "Company", "Contoso",
                "Title", "Engineer",
                "UsageLocation", "US",
                "PreferredDataLocation", null,
                "HostingProvider", "sipfed.online.lync.com",
                "LastProvisionTimeStamp", assigned,
                "LastSyncTimeStamp", assigned,
                "WhenChanged", assigned,
                "WhenCreated", assigned,
                "OnPremLineURI", null,
                "OnPremSipEnabled", false,
                "OnPremEnterpriseVoiceEnabled", false,
                "DirSyncEnabled", true,
                "HideFromAddressLists", false,
                "IsSipEnabled", true,
                "Dnis", null,
                "ObjectId", new Guid(n, 1, 2, new byte[8]).ToString());
        }
        return users;
    }
}
'@

$estate = Join-Path $root 'examples/contoso'
$conferencing = Get-Content -Raw -LiteralPath (Join-Path $estate 'conferencing-policies.json') | ConvertFrom-Json
$voice = Get-Content -Raw -LiteralPath (Join-Path $estate 'voice-policies.json') | ConvertFrom-Json
$pools = Import-Clixml -LiteralPath (Join-Path $estate 'pools.xml')

# The stand-ins the cmdlets read from: they emit the objects of the case.
$script:BenchObjects = @()
function global:Get-CsUser {
    [CmdletBinding()]
    param()
    $script:BenchObjects
}
function global:Get-CsOnlineUser {
    [CmdletBinding()]
    param()
    $script:BenchObjects
}

$script:Rows = [System.Collections.Generic.List[object]]::new()
$script:Baseline = @{}

function Reset-PeakWorkingSet {
    # Linux: "5" resets VmHWM (the peak RSS that PeakWorkingSet64 reads).
    if (Test-Path -LiteralPath '/proc/self/clear_refs') {
        try { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5') } catch { Write-Verbose "clear_refs: $($_.Exception.Message)" }
    }
}

function Measure-BenchCase {
    param([string]$Group, [string]$Name, [int]$Count, [scriptblock]$Make, [scriptblock]$Run, [switch]$Baseline)
    # Warm-up: JIT, module functions, the engine's first start.
    $script:BenchObjects = & $Make 2000 900000000
    & $Run
    $script:BenchObjects = & $Make $Count 0
    [System.GC]::Collect(); [System.GC]::WaitForPendingFinalizers(); [System.GC]::Collect()
    Reset-PeakWorkingSet
    $before = [System.GC]::GetTotalMemory($true)
    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    $cpuBefore = $self.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    & $Run
    $clock.Stop()
    $self.Refresh()
    $cpu = ($self.TotalProcessorTime - $cpuBefore).TotalSeconds
    $self.Dispose()
    $after = [System.GC]::GetTotalMemory($true)
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $peak = $process.PeakWorkingSet64
    $process.Dispose()
    $script:BenchObjects = @()
    $seconds = $clock.Elapsed.TotalSeconds
    if ($Baseline) { $script:Baseline[$Group] = $seconds }
    $ratio = ''
    if ($script:Baseline.ContainsKey($Group) -and -not $Baseline) { $ratio = '{0:N2}x' -f ($seconds / $script:Baseline[$Group]) }
    $row = [pscustomobject]@{
        Case        = $Name
        Objects     = $Count
        Seconds     = [math]::Round($seconds, 2)
        PerSecond   = [math]::Round($Count / $seconds)
        Ratio       = $ratio
        PeakWSMB    = [math]::Round($peak / 1048576, 1)
        HeapPerObjB = [math]::Round(($after - $before) / $Count)
        CpuUsPerObj = [math]::Round($cpu * 1000000 / $Count)
    }
    $script:Rows.Add($row)
    '{0,-58} {1,8} {2,7:N2} {3,9:N0} {4,6} {5,8:N1} {6,8:N0} {7,9:N0}' -f $row.Case, $row.Objects, $row.Seconds, $row.PerSecond, $row.Ratio, $row.PeakWSMB, $row.HeapPerObjB, $row.CpuUsPerObj
}

'{0,-58} {1,8} {2,7} {3,9} {4,6} {5,8} {6,8} {7,9}' -f 'case', 'objects', 'wall s', 'objects/s', 'ratio', 'peak MB', 'heap B/o', 'pwsh CPU'
$lync = { param($n, $seed) [LicenseAuditBenchEstate]::LyncUsers($n, $seed) }
$teams = { param($n, $seed) [LicenseAuditBenchEstate]::TeamsUsers($n, $seed) }
if ($RightSizeOnly) { $Users = 0 }
if ($Users -gt 0) {
Measure-BenchCase -Group Lync -Name 'Get-CsUser | Out-Null (bare pipeline)' -Count $Users -Make $lync -Run { Get-CsUser | Out-Null }
Measure-BenchCase -Group Lync -Name 'Get-CsUser | % { ConvertTo-Json -Compress } (baseline)' -Count $Users -Make $lync -Baseline -Run {
    Get-CsUser | ForEach-Object { ConvertTo-Json -InputObject $_ -Compress } | Out-Null
}
Measure-BenchCase -Group Lync -Name 'Get-CsUser | Get-LyncCalRequirement' -Count $Users -Make $lync -Run {
    Get-CsUser | Get-LyncCalRequirement -ConferencingPolicy $conferencing -VoicePolicy $voice -Pool $pools | Out-Null
}
Measure-BenchCase -Group Teams -Name 'Get-CsOnlineUser | Out-Null (bare pipeline)' -Count $Users -Make $teams -Run { Get-CsOnlineUser | Out-Null }
Measure-BenchCase -Group Teams -Name 'Get-CsOnlineUser | % { ConvertTo-Json -Compress } (baseline)' -Count $Users -Make $teams -Baseline -Run {
    Get-CsOnlineUser | ForEach-Object { ConvertTo-Json -InputObject $_ -Compress } | Out-Null
}
Measure-BenchCase -Group Teams -Name 'Get-CsOnlineUser | Get-TeamsLicenseCount' -Count $Users -Make $teams -Run {
    Get-CsOnlineUser | Get-TeamsLicenseCount -WarningAction SilentlyContinue | Out-Null
}
Measure-BenchCase -Group Teams -Name 'Get-CsOnlineUser | Test-TeamsLicenseAssignment' -Count $Users -Make $teams -Run {
    Get-CsOnlineUser | Test-TeamsLicenseAssignment -WarningAction SilentlyContinue | Out-Null
}
}

if ($RightSizeUsers -gt 0) {
    # Right-sizing over files: the engine writes as fast as it can while the pipeline takes each
    # record. What pwsh holds meanwhile is the queue between the two.
    if (-not $Work) {
        # scripts/bench-ps passes a folder of its own; run alone, target/ (kept out of git).
        $Work = Join-Path (Join-Path $root 'target') 'bench-ps'
        $null = New-Item -ItemType Directory -Path $Work -Force
    }
    $configuredLines = @(Get-Content -LiteralPath (Join-Path $root 'examples/records/lync-entitlement.ndjson') | Where-Object { $_ -like '{"RecordType":"LyncUserCal"*' })
    $usageLines = @(Get-Content -LiteralPath (Join-Path $root 'examples/rightsizing/usage.ndjson') | Where-Object { $_ -like '{"RecordType":"LyncUserUsage"*' })
    $coverage = @(Get-Content -LiteralPath (Join-Path $root 'examples/rightsizing/usage.ndjson') | Where-Object { $_ -like '{"RecordType":"LyncUsageCoverage"*' })
    function New-RightSizeFiles([int]$Count) {
        $configured = Join-Path $Work "configured-$Count.ndjson"
        $usage = Join-Path $Work "usage-$Count.ndjson"
        # Streamed line by line: a file held in memory would be most of pwsh's peak working set.
        $utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
        $c = New-Object System.IO.StreamWriter -ArgumentList $configured, $false, $utf8
        $u = New-Object System.IO.StreamWriter -ArgumentList $usage, $false, $utf8
        try {
            for ($i = 0; $i -lt $Count; $i++) {
                $c.WriteLine(($configuredLines[$i % $configuredLines.Count] -replace '"SipAddress":"sip:([^@"]+)@', ('"SipAddress":"sip:$1' + $i + '@')))
                $u.WriteLine(($usageLines[$i % $usageLines.Count] -replace '"SipAddress":"sip:([^@"]+)@', ('"SipAddress":"sip:$1' + $i + '@')))
            }
            foreach ($line in $coverage) { $u.WriteLine($line) }
        }
        finally {
            $c.Dispose()
            $u.Dispose()
        }
        @{ Configured = $configured; Usage = $usage }
    }
    $script:RightSizeFiles = @{}
    $small = New-RightSizeFiles 2000
    $large = New-RightSizeFiles $RightSizeUsers
    $make = { param($n, $seed) if ($n -eq $RightSizeUsers) { $script:RightSizeFiles = $large } else { $script:RightSizeFiles = $small }; @() }
    Measure-BenchCase -Group RightSize -Name "Get-LyncCalRightSizing -ConfiguredPath -UsagePath" -Count $RightSizeUsers -Make $make -Run {
        Get-LyncCalRightSizing -ConfiguredPath $script:RightSizeFiles.Configured -UsagePath $script:RightSizeFiles.Usage -WarningAction SilentlyContinue | Out-Null
    }
}
