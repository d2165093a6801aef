function Get-LyncCalPolicyPlan {
    <#
    .SYNOPSIS
    Plans the conferencing-policy changes that bring each Lync user's capability in line with the
    CAL they are licensed for.

    .DESCRIPTION
    Compares what each enabled user's effective conferencing policy grants (Standard or
    Enterprise, under -Rules) with what they are licensed for (-LicensedPath CSV with SipAddress
    or Identity and Tier columns, and/or -DefaultTier), and emits one LicenseAudit.LyncPolicyChange
    per user who needs a different policy: the current policy, the policy to grant (from
    -TierPolicy), Action Grant, and the reason. Users already right appear (Action None) only
    with -All. The tier policies are checked first: a "Standard" policy that would itself grant
    Enterprise is refused.

    Pipe the result into Set-LyncCalPolicyAssignment -WhatIf to review, then run it for real.
    Wraps `license-audit lync plan`.

    .PARAMETER InputObject
    Get-CsUser objects. When none are piped, Get-CsUser is called.

    .PARAMETER LicensedPath
    A CSV (or any supported export) with SipAddress or Identity, and Tier (Standard/Enterprise).

    .PARAMETER DefaultTier
    The tier of users not in -LicensedPath.

    .PARAMETER TierPolicy
    The policy to grant per tier, e.g. @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }.

    .PARAMETER All
    Also emit users whose policy already matches their licence.

    .PARAMETER Rules
    Which settings count as Enterprise: lenient, default or strict.

    .EXAMPLE
    Get-LyncCalPolicyPlan -LicensedPath .\licensed.csv -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' } | Set-LyncCalPolicyAssignment -WhatIf

    Shows every Grant-CsConferencingPolicy the plan would run.

    .EXAMPLE
    Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'STD_CAL_NoConferencing' } | Export-Csv plan.csv -NoTypeInformation

    Saves the plan for a change-advisory board when every user is licensed Standard.

    .OUTPUTS
    LicenseAudit.LyncPolicyChange
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.LyncPolicyChange')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [string]$LicensedPath,
        [ValidateSet('Standard', 'Enterprise')]
        [string]$DefaultTier,
        [Parameter(Mandatory)]
        [hashtable]$TierPolicy,
        [switch]$All,
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default'
    )
    begin {
        if (-not $LicensedPath -and -not $DefaultTier) {
            throw 'Give -LicensedPath, -DefaultTier, or both: the plan needs to know what each user is licensed for.'
        }
        $files = Get-LicenseAuditLyncConfiguration
        $arguments = @('--users', '-', '--rules', $Rules) + @(Get-LicenseAuditLyncArgument -Files $files)
        if ($LicensedPath) { $arguments += @('--licensed', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LicensedPath)) }
        if ($DefaultTier) { $arguments += @('--default-tier', $DefaultTier.ToLowerInvariant()) }
        foreach ($tier in $TierPolicy.Keys) { $arguments += @('--tier-policy', ('{0}={1}' -f $tier, $TierPolicy[$tier])) }
        if ($All) { $arguments += '--all' }
        try {
            $session = Start-LicenseAuditNative -Command 'lync', 'plan' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Lync CAL policy plan'
        }
        catch {
            Remove-LicenseAuditInputFile -Files $files
            throw
        }
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
    }
    process {
        Send-LicenseAuditLyncUser -Session $session -InputObject $InputObject
    }
    end {
        Complete-LicenseAuditLyncUserRun -Session $session -Files $files -GatherUsers:$gatherUsers
    }
}
