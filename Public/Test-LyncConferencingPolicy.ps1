function Test-LyncConferencingPolicy {
    <#
    .SYNOPSIS
    Audits Lync / Skype for Business conferencing policies: the CAL tier each implies, the
    Enterprise features it enables, how many users it applies to, and known misconfigurations.

    .DESCRIPTION
    For each conferencing policy: its scope (Global, Site, Tag), the tier it implies under the
    chosen -Rules, the settings that make it Enterprise, and findings with stable codes:
    MaxMeetingSizeBlocksMultipartyIm (MaxMeetingSize 2 or less blocks the multi-party IM the
    Standard CAL includes), StandardNameEnablesEnterprise, InheritedPolicyEnterprise (a Global or
    Site policy that makes every inheriting user Enterprise), RecordingTierDisputed, PolicyUnused,
    and AssignedPolicyMissing (users assigned a policy that does not exist).

    Policies come from the pipeline (Get-CsConferencingPolicy objects) or Get-CsConferencingPolicy.
    With -IncludeUserCount, Get-CsUser and Get-CsPool are read to count the users each policy
    applies to. Wraps `license-audit lync policies`.

    .PARAMETER InputObject
    Get-CsConferencingPolicy objects. When none are piped, Get-CsConferencingPolicy is called.

    .PARAMETER IncludeUserCount
    Count the enabled users each policy applies to (reads Get-CsUser and Get-CsPool).

    .PARAMETER Rules
    Which settings count as Enterprise: lenient, default or strict.

    .EXAMPLE
    Test-LyncConferencingPolicy -IncludeUserCount | Where-Object { $_.Findings.Severity -contains 'Error' }

    Lists the policies with errors, such as a "Standard" policy that enables Enterprise features.

    .EXAMPLE
    Get-CsConferencingPolicy -Identity Tag:STD_CAL_NoConferencing | Test-LyncConferencingPolicy | Select-Object -ExpandProperty Findings

    Checks one policy.

    .OUTPUTS
    LicenseAudit.LyncPolicyAudit
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.LyncPolicyAudit')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [switch]$IncludeUserCount,
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default'
    )
    begin {
        $policies = New-Object System.Collections.Generic.List[object]
        $gather = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
    }
    process {
        foreach ($policy in $InputObject) { $policies.Add($policy) }
    }
    end {
        if ($gather) { foreach ($policy in @(Get-CsConferencingPolicy)) { $policies.Add($policy) } }
        $files = @{}
        try {
            $files.ConferencingPolicies = Write-LicenseAuditInputFile -InputObject $policies.ToArray() -Property $script:LyncConferencingPolicyProperties
            if (-not $files.ConferencingPolicies) {
                Write-Warning 'No conferencing policies to audit.'
                return
            }
            $arguments = @('--conferencing-policies', $files.ConferencingPolicies, '--rules', $Rules)
            if ($IncludeUserCount) {
                $files.Users = Write-LicenseAuditInputFile -InputObject @(Get-CsUser) -Property $script:LyncUserProperties
                $files.Pools = Write-LicenseAuditInputFile -InputObject @(Get-CsPool) -Property $script:LyncPoolProperties
                if ($files.Users) { $arguments += @('--users', $files.Users) }
                if ($files.Pools) { $arguments += @('--pools', $files.Pools) }
            }
            Invoke-LicenseAuditNative -Command 'lync', 'policies' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Auditing conferencing policies'
        }
        finally {
            Remove-LicenseAuditInputFile -Files $files
        }
    }
}
