function Get-LyncCalRequirement {
    <#
    .SYNOPSIS
    Which Lync / Skype for Business Server CALs (Standard, Enterprise, Plus) each user and device
    is configured to need, and why.

    .DESCRIPTION
    Resolves each user's effective conferencing and voice policy (per-user tag, else the policy
    of the site of the user's registrar pool, else Global), and reports the CALs that
    configuration calls for: Standard for every enabled user; Enterprise when the effective
    conferencing policy lets the user organise Enterprise features (under the chosen -Rules);
    Plus for Enterprise Voice, remote call control and Response Group agents. Devices: a common
    area phone needs Standard, and Plus only when enabled for Enterprise Voice; an analog
    device Standard and Plus; a meeting room Standard, Enterprise only when its conferencing
    policy lets it start Enterprise meetings, and Plus when enabled for Enterprise Voice.

    Every record lists its Reasons (which policy setting or user flag triggered each tier) and
    Findings (a missing policy, a pool not in Get-CsPool), and the same as one line of text in
    ReasonsText and FindingsText for Export-Csv.

    Users come from the pipeline (Get-CsUser objects, or identities such as SIP addresses, which
    are looked up with Get-CsUser -Identity), or, when nothing is piped, from Get-CsUser with the
    -Identity, -Filter, -LdapFilter, -OU, -ResultSize and -DomainController given here. An empty
    pipeline means no users (devices and the summary are still reported). Policies and pools
    are read with Get-CsConferencingPolicy, Get-CsVoicePolicy and Get-CsPool unless given.

    The pipeline carries LyncUserCal records only, so Export-Csv gets one kind of row. The
    summary (counts per tier, kind and combination) is what -Summary emits instead, or what
    -SummaryVariable stores alongside the records.

    Wraps `license-audit lync entitlement`; users are streamed to it one JSON line at a time on
    standard input (never through a temporary file).

    .PARAMETER InputObject
    Get-CsUser objects, or identities (SIP address, user principal name, ...). When none are
    piped, Get-CsUser is called.

    .PARAMETER Identity
    Passed to Get-CsUser -Identity when nothing is piped.

    .PARAMETER Filter
    Passed to Get-CsUser -Filter, e.g. 'EnterpriseVoiceEnabled -eq $true'.

    .PARAMETER LdapFilter
    Passed to Get-CsUser -LdapFilter.

    .PARAMETER OU
    Passed to Get-CsUser -OU.

    .PARAMETER ResultSize
    Passed to Get-CsUser -ResultSize: a number, or Unlimited (as Get-CsUser takes it).

    .PARAMETER DomainController
    Passed to Get-CsUser -DomainController (also for identities piped in).

    .PARAMETER Rules
    Which conferencing settings count as Enterprise: lenient, default or
    strict (default if not given).
    default: Microsoft's Enterprise CAL feature list. A policy that lets the
    user organise multiparty IP audio or video, dial-in conferencing,
    desktop/application sharing or web-conferencing content (data
    collaboration, whiteboard/annotations, polls) makes the user Enterprise:
    the same uses Get-LyncCalUsage counts from the monitoring database.
    lenient: the conferencing modalities only (audio, video, dial-in,
    sharing); data collaboration, polls and annotations get the benefit of
    the doubt, because the same switch carries multi-party file transfer, a
    Standard right. A lower bound.
    strict: the worst case: default plus meeting and P2P recording, whose
    tier no source confirms. Anonymous participants and MultiView count
    under no rule set. Each record names its rule set (Rules) and its
    Enterprise answer under the other one (OtherRules: strict, or default
    for a strict run; EnterpriseUnderOtherRules).
    docs/rules/lync-configured.md, "The rule sets", gives the sources.

    .PARAMETER IncludeDevices
    Also classify common area phones, analog devices, meeting rooms, and read Response Group
    agent groups (agents need Plus).

    .PARAMETER Summary
    Emit one LicenseAudit.LyncCalSummary (counts per tier, kind and combination) instead of the
    per-user records.

    .PARAMETER SummaryVariable
    Store the LicenseAudit.LyncCalSummary in this variable (name without $), while the per-user
    records go down the pipeline.

    .PARAMETER OwnedCal
    The Lync CALs owned, as counts: a hashtable of tier and quantity, e.g.
    @{ Standard = 1200; Enterprise = 400; Plus = 150 } (an agreement's
    quantities). The output is then one LicenseAudit.LyncCalPosition per
    tier (Standard, Enterprise, Plus): Required, Owned, Shortfall, Surplus
    and the Basis, instead of the per-user records. Enterprise and Plus are
    added to Standard, so every Enterprise or Plus user is in Standard's
    Required too. A CAL suite or a Microsoft 365 / Office 365 plan name
    counts toward the CALs it includes. Adds to -OwnedCalPath. An object
    works too (its properties are the tiers: ConvertFrom-Json of a config
    file on Windows PowerShell 5.1). Names and counts (whole numbers, 0 or
    more) are checked before anything is read: a typo is a terminating
    error, LicenseAudit.InvalidOwnedCal.

    .PARAMETER OwnedCalPath
    A CSV of the Lync CALs owned: Tier, Quantity, and optionally Version and
    Agreement (rows of a tier add up). Output as with -OwnedCal. A bad row
    stops the run with an error naming the file, row and column.

    .PARAMETER ConferencingPolicy
    Get-CsConferencingPolicy objects to use instead of reading them.

    .PARAMETER VoicePolicy
    Get-CsVoicePolicy objects to use instead of reading them.

    .PARAMETER Pool
    Get-CsPool objects to use instead of reading them.

    .EXAMPLE
    Get-LyncCalRequirement -IncludeDevices -SummaryVariable summary | Export-Csv cal-requirement.csv -NoTypeInformation -Encoding UTF8

    Audits every user and device and saves one row each, reasons as text in ReasonsText; the
    counts are in $summary.

    .EXAMPLE
    Get-LyncCalRequirement -OU 'OU=Lync Users,DC=contoso,DC=com' | Where-Object Enterprise

    Lists the users of the Lync Users OU whose configuration needs an Enterprise CAL.

    .EXAMPLE
    'sip:alice@contoso.com', 'sip:bob@contoso.com' | Get-LyncCalRequirement | Select-Object SipAddress, Enterprise, ReasonsText

    Checks two users by SIP address.

    .EXAMPLE
    Get-LyncCalRequirement -Rules strict -Summary

    The counts under the strict rule set, without the per-user records.

    .EXAMPLE
    Get-LyncCalRequirement -IncludeDevices -OwnedCal @{ Standard = 1200; Enterprise = 400; Plus = 150 }

    The true-up position: per tier, the CALs the configuration requires
    against those the agreement owns, and the shortfall or surplus.

    .EXAMPLE
    Get-LyncCalRequirement -IncludeDevices -OwnedCalPath .\owned-cals.csv | Format-List

    The same from a file of Tier,Quantity rows, with each position's Basis
    and the rows it counted (OwnedFrom).

    .INPUTS
    Get-CsUser objects (any object with SipAddress, ConferencingPolicy, RegistrarPool, ...), or
    System.String identities.

    .OUTPUTS
    LicenseAudit.LyncUserCal, or LicenseAudit.LyncCalSummary with -Summary, or
    LicenseAudit.LyncCalPosition with -OwnedCal or -OwnedCalPath.

    .LINK
    Get-LyncCalPolicyPlan

    .LINK
    Test-LyncConferencingPolicy

    .LINK
    Get-LyncCalUsage
    #>
    [CmdletBinding(DefaultParameterSetName = 'Pipeline', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-configuration.md#effective-policy-and-tiers-get-lynccalrequirement')]
    [OutputType('LicenseAudit.LyncUserCal', 'LicenseAudit.LyncCalSummary', 'LicenseAudit.LyncCalPosition')]
    param(
        [Parameter(ValueFromPipeline, ParameterSetName = 'Pipeline')]
        [object[]]$InputObject,
        [Parameter(ParameterSetName = 'Query', Position = 0)]
        [string]$Identity,
        [Parameter(ParameterSetName = 'Query')]
        [string]$Filter,
        [Parameter(ParameterSetName = 'Query')]
        [string]$LdapFilter,
        [Parameter(ParameterSetName = 'Query')]
        [string]$OU,
        [Parameter(ParameterSetName = 'Query')]
        [object]$ResultSize,
        [string]$DomainController,
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default',
        [switch]$IncludeDevices,
        [switch]$Summary,
        [ValidateNotNullOrEmpty()]
        [string]$SummaryVariable,
        [ValidateNotNull()]
        [object]$OwnedCal,
        [ValidateNotNullOrEmpty()]
        [string]$OwnedCalPath,
        [object[]]$ConferencingPolicy,
        [object[]]$VoicePolicy,
        [object[]]$Pool
    )
    begin {
        # The owned counts, checked before any user or policy is read: the position per tier is
        # the output, the summary's counts are all the engine needs (--summary-only), and
        # -Summary would ask for a second kind of output.
        $owned = @(Get-LicenseAuditOwnedCalArgument -Cmdlet $PSCmdlet -OwnedCal $OwnedCal -OwnedCalPath $OwnedCalPath)
        $query = Get-LicenseAuditLyncUserQuery -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $outputType = @('LyncUserCal')
        $collectType = @()
        if ($owned.Count -gt 0 -and $Summary) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'OwnedCalWithSummary' -Category InvalidArgument -TargetObject 'Summary' `
                        -ExceptionType 'System.ArgumentException' -Message '-OwnedCal and -OwnedCalPath output the position per tier, -Summary the counts: give one, and -SummaryVariable to keep the counts beside the position.'))
        }
        if ($Summary) { $outputType = @('LyncCalSummary') }
        if ($owned.Count -gt 0) { $outputType = @('LyncCalPosition') }
        if ($SummaryVariable) { $collectType = @('LyncCalSummary') }
        $arguments = @('--rules', $Rules) + $owned
        if ($owned.Count -gt 0) { $arguments += '--summary-only' }
        elseif ($Summary -and -not $SummaryVariable -and (Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet)).SummaryOnly) {
            # Only the counts are wanted: the engine need not write 200,000 records to discard.
            $arguments += '--summary-only'
        }
        elseif ($Summary -or $SummaryVariable) { $arguments += '--summary' }
        # Read Get-CsUser only when no users come from the pipeline or -InputObject (an empty
        # pipeline means "no users", not "all users").
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
        # Policies and pools are read now, in memory; the engine starts with the first user.
        $configuration = Get-LicenseAuditLyncConfiguration -Cmdlet $PSCmdlet -ConferencingPolicy $ConferencingPolicy -VoicePolicy $VoicePolicy -Pool $Pool -IncludeDevices:$IncludeDevices -GatherUsers:$gatherUsers
        $session = New-LicenseAuditNativeSession -Command 'lync', 'entitlement' -Cmdlet $PSCmdlet -Activity 'Lync CAL requirement' `
            -OutputType $outputType -CollectType $collectType -InputKind Record -InputProperty $script:LyncUserProperties -IdentityLookup
        $channel = $session.Channel
        $session.Pending = @{ StdinOption = '--users'; Configuration = $configuration; Arguments = $arguments }
    }
    process {
        $completed = $false
        try {
            # One .NET call per user once the engine runs (Private/EngineChannel.cs); identities
            # to look up, the first user (which starts the engine), diagnostics and faults take
            # the script path.
            $channel.TrySend($InputObject)
            if ($channel.Status) { Send-LicenseAuditLyncUser -Session $session -InputObject $InputObject -Query $query }
            $completed = $true
        }
        finally {
            # A stop (Select-Object -First, Ctrl+C, -ErrorAction Stop) skips end{}: end the engine now.
            if (-not $completed) { $session.Stop() }
        }
    }
    end {
        try {
            Complete-LicenseAuditLyncUserRun -Session $session -GatherUsers:$gatherUsers -Query $query
            if ($SummaryVariable) {
                # Indexed, not Select-Object -First 1: on PowerShell 7.6 that adds a 'Selected.' type
                # name in front of LicenseAudit.LyncCalSummary, and the summary's view is lost.
                $summaries = $session.Collected['LyncCalSummary']
                $first = $null
                if ($summaries.Count -gt 0) { $first = $summaries[0] }
                $PSCmdlet.SessionState.PSVariable.Set($SummaryVariable, $first)
            }
        }
        finally {
            $session.Stop()
        }
    }
}
