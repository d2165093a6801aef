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

    Users come from the pipeline (Get-CsUser objects or identities) or from Get-CsUser with the
    -Identity, -Filter, -LdapFilter, -OU, -ResultSize and -DomainController given here, and are
    streamed to the engine on standard input. Pipe the result into Set-LyncCalPolicyAssignment
    -WhatIf to review, then run it for real. Wraps `license-audit lync plan`.

    .PARAMETER InputObject
    Get-CsUser objects, or identities (SIP address, ...). When none are piped, Get-CsUser is called.

    .PARAMETER Identity
    Passed to Get-CsUser -Identity when nothing is piped.

    .PARAMETER Filter
    Passed to Get-CsUser -Filter.

    .PARAMETER LdapFilter
    Passed to Get-CsUser -LdapFilter.

    .PARAMETER OU
    Passed to Get-CsUser -OU.

    .PARAMETER ResultSize
    Passed to Get-CsUser -ResultSize: a number, or Unlimited (as Get-CsUser takes it).

    .PARAMETER DomainController
    Passed to Get-CsUser -DomainController.

    .PARAMETER LicensedPath
    A CSV (or any supported export) with SipAddress or Identity, and Tier (Standard/Enterprise,
    or a CAL suite or plan: Microsoft 365 / Office 365 E3 and E5 and the Enterprise CAL Suite
    read as Enterprise; Office 365 E1 and the Core CAL Suite as Standard).
    Wildcards are expanded; they must match one file.

    .PARAMETER DefaultTier
    The tier of users not in -LicensedPath.

    .PARAMETER TierPolicy
    The policy to grant per tier, e.g. @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }.

    .PARAMETER All
    Also emit users whose policy already matches their licence.

    .PARAMETER Rules
    Which settings count as Enterprise: lenient, default or
    strict (default if not given). default is Microsoft's Enterprise CAL
    feature list (what Get-LyncCalUsage counts as used); lenient the
    conferencing modalities only, a lower bound; strict default plus
    recording, the worst case. Get-Help about_LicenseAudit_RuleSets gives
    each rule set's settings and sources.
    The plan is made under this rule set: a user moves to the policy of the
    tier the rule set gives them.

    .EXAMPLE
    Get-LyncCalPolicyPlan -LicensedPath .\licensed.csv -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' } | Set-LyncCalPolicyAssignment -WhatIf

    Shows every Grant-CsConferencingPolicy the plan would run.

    .EXAMPLE
    Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'STD_CAL_NoConferencing' } | Export-Csv plan.csv -NoTypeInformation -Encoding UTF8

    Saves the plan for a change-advisory board when every user is licensed Standard; the CSV
    reads back into Set-LyncCalPolicyAssignment.

    .INPUTS
    Get-CsUser objects, or System.String identities.

    .OUTPUTS
    LicenseAudit.LyncPolicyChange

    .LINK
    Set-LyncCalPolicyAssignment

    .LINK
    Get-LyncCalRequirement
    #>
    [CmdletBinding(DefaultParameterSetName = 'Pipeline', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-configuration.md#remediation-plan-get-lynccalpolicyplan-set-lynccalpolicyassignment')]
    [OutputType('LicenseAudit.LyncPolicyChange')]
    param(
        [Parameter(ValueFromPipeline, ParameterSetName = 'Pipeline')]
        [object[]]$InputObject,
        [Parameter(ParameterSetName = 'Query')]
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
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoLicenceSource' -Category InvalidArgument `
                        -ExceptionType 'System.ArgumentException' `
                        -Message 'Give -LicensedPath, -DefaultTier, or both: the plan needs to know what each user is licensed for.'))
        }
        $query = Get-LicenseAuditLyncUserQuery -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $arguments = @('--rules', $Rules)
        if ($LicensedPath) {
            # One error, LicenseAudit.PathNotFound or .PathNotOneFile, as every cmdlet gives.
            $arguments += @('--licensed', (Resolve-LicenseAuditSingleFile -Cmdlet $PSCmdlet -ParameterName 'LicensedPath' -Path $LicensedPath))
        }
        if ($DefaultTier) { $arguments += @('--default-tier', $DefaultTier.ToLowerInvariant()) }
        foreach ($tier in $TierPolicy.Keys) { $arguments += @('--tier-policy', ('{0}={1}' -f $tier, $TierPolicy[$tier])) }
        if ($All) { $arguments += '--all' }
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
        $configuration = Get-LicenseAuditLyncConfiguration -Cmdlet $PSCmdlet -GatherUsers:$gatherUsers
        $session = New-LicenseAuditNativeSession -Command 'lync', 'plan' -Cmdlet $PSCmdlet -Activity 'Lync CAL policy plan' -OutputType 'LyncPolicyChange' `
            -InputKind Record -InputProperty $script:LyncUserProperties -IdentityLookup
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
            if (-not $completed) { $session.Stop() }
        }
    }
    end {
        try {
            Complete-LicenseAuditLyncUserRun -Session $session -GatherUsers:$gatherUsers -Query $query
        }
        finally {
            $session.Stop()
        }
    }
}
