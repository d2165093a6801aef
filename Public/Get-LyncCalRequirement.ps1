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
    Plus for Enterprise Voice, remote call control and Response Group agents. Common area phones
    and analog devices need Standard and Plus; meeting rooms Standard and Enterprise.

    Every record lists its Reasons (which policy setting or user flag triggered each tier) and
    Findings (a missing policy, a pool not in Get-CsPool). Users come from the pipeline
    (Get-CsUser objects) or, when none are piped, from Get-CsUser. Policies and pools are read
    with Get-CsConferencingPolicy, Get-CsVoicePolicy and Get-CsPool unless given.

    Wraps `license-audit lync entitlement`; users are streamed to it one JSON line at a time.

    .PARAMETER InputObject
    Get-CsUser objects. When none are piped, Get-CsUser is called.

    .PARAMETER Rules
    Which conferencing settings count as Enterprise: lenient, default or strict (see README).

    .PARAMETER IncludeDevices
    Also classify common area phones, analog devices, meeting rooms, and read Response Group
    agent groups (agents need Plus).

    .PARAMETER Summary
    Also emit one LicenseAudit.LyncCalSummary object with the counts per tier, kind and combination.

    .PARAMETER ConferencingPolicy
    Get-CsConferencingPolicy objects to use instead of reading them.

    .PARAMETER VoicePolicy
    Get-CsVoicePolicy objects to use instead of reading them.

    .PARAMETER Pool
    Get-CsPool objects to use instead of reading them.

    .EXAMPLE
    Get-LyncCalRequirement -IncludeDevices -Summary | Export-Csv cal-requirement.csv -NoTypeInformation

    Audits every user and device and saves the result, reasons included.

    .EXAMPLE
    Get-CsUser -OU 'OU=Sales,DC=contoso,DC=com' | Get-LyncCalRequirement | Where-Object Enterprise

    Lists the Sales users whose configuration needs an Enterprise CAL.

    .EXAMPLE
    Get-LyncCalRequirement -Rules strict | Where-Object { $_.Enterprise -and $_.ConferencingPolicySource -ne 'User' }

    Finds users who are Enterprise only because of a site or Global policy they inherit.

    .OUTPUTS
    LicenseAudit.LyncUserCal, LicenseAudit.LyncCalSummary
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.LyncUserCal', 'LicenseAudit.LyncCalSummary')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default',
        [switch]$IncludeDevices,
        [switch]$Summary,
        [object[]]$ConferencingPolicy,
        [object[]]$VoicePolicy,
        [object[]]$Pool
    )
    begin {
        $files = Get-LicenseAuditLyncConfiguration -ConferencingPolicy $ConferencingPolicy -VoicePolicy $VoicePolicy -Pool $Pool -IncludeDevices:$IncludeDevices
        $arguments = @('--users', '-', '--rules', $Rules) + @(Get-LicenseAuditLyncArgument -Files $files)
        if ($Summary) { $arguments += '--summary' }
        try {
            $session = Start-LicenseAuditNative -Command 'lync', 'entitlement' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Lync CAL requirement'
        }
        catch {
            Remove-LicenseAuditInputFile -Files $files
            throw
        }
        # Read Get-CsUser only when no users come from the pipeline or -InputObject (an empty
        # pipeline means "no users", not "all users").
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
    }
    process {
        Send-LicenseAuditLyncUser -Session $session -InputObject $InputObject
    }
    end {
        Complete-LicenseAuditLyncUserRun -Session $session -Files $files -GatherUsers:$gatherUsers
    }
}
