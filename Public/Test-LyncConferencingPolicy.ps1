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
    Piped policies are audited against the rest of the configuration: when they do not include
    the Global policy (which the audit needs, as every user without a per-user or site policy
    inherits it), or with -IncludeUserCount (a user counts towards the policy that applies to
    them, whichever it is), the other policies are read with Get-CsConferencingPolicy, and
    results are emitted for the piped policies only. With -IncludeUserCount, Get-CsUser and
    Get-CsPool are read to count the users each policy applies to (users stream to the engine
    on standard input). Findings are also in FindingsText, and EnterpriseFeatures in
    EnterpriseFeaturesText, for Export-Csv. Wraps `license-audit lync policies`.

    .PARAMETER InputObject
    Get-CsConferencingPolicy objects: only these are reported. When none are piped,
    Get-CsConferencingPolicy is called and every policy is reported.

    .PARAMETER IncludeUserCount
    Count the enabled users each policy applies to (reads Get-CsUser and Get-CsPool).

    .PARAMETER Rules
    Which settings count as Enterprise: lenient, default or
    strict (default if not given). default is Microsoft's Enterprise CAL
    feature list (what Get-LyncCalUsage counts as used); lenient the
    conferencing modalities only, a lower bound; strict default plus
    recording, the worst case. Get-Help about_LicenseAudit_RuleSets gives
    each rule set's settings and sources.
    Each policy record names the rule set it was audited under (Rules).

    .EXAMPLE
    Test-LyncConferencingPolicy -IncludeUserCount | Where-Object { $_.Findings.Severity -contains 'Error' }

    Lists the policies with errors, such as a "Standard" policy that enables Enterprise features.

    .EXAMPLE
    Get-CsConferencingPolicy -Identity Tag:STD_CAL_NoConferencing | Test-LyncConferencingPolicy | Select-Object -ExpandProperty Findings

    Checks one policy (the Global policy and the others are read with Get-CsConferencingPolicy
    for the audit; only the piped one is reported).

    .INPUTS
    Get-CsConferencingPolicy objects.

    .OUTPUTS
    LicenseAudit.LyncPolicyAudit

    .LINK
    Get-LyncCalRequirement

    .LINK
    New-LyncCalPolicyTemplate
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-configuration.md#policy-audit-test-lyncconferencingpolicy')]
    [OutputType('LicenseAudit.LyncPolicyAudit')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [switch]$IncludeUserCount,
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default'
    )
    begin {
        $policies = [System.Collections.Generic.List[object]]::new()
        $gather = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
    }
    process {
        foreach ($policy in $InputObject) {
            if ($null -ne $policy) { $policies.Add((ConvertTo-LicenseAuditRecord -InputObject $policy -Property $script:LyncConferencingPolicyProperties)) }
        }
    }
    end {
        # The piped policies' identities as the engine writes them (Global, Site:X, Tag:X): the
        # records emitted. $null: every policy (none piped; Get-CsConferencingPolicy read).
        $reported = $null
        $needed = @()
        if ($gather -or ($policies.Count -gt 0 -and ($IncludeUserCount -or -not ($policies | Where-Object { (ConvertTo-LicenseAuditPolicyIdentity -Identity $_) -eq 'Global' })))) {
            $needed += 'Get-CsConferencingPolicy'
        }
        if ($IncludeUserCount) { $needed += @('Get-CsUser', 'Get-CsPool') }
        Assert-LicenseAuditCommand -Cmdlet $PSCmdlet -Name $needed -ErrorId 'LyncCmdletsNotFound' -Remedy $script:LyncCmdletRemedy
        if ($gather) {
            foreach ($policy in @(Get-CsConferencingPolicy)) { $policies.Add((ConvertTo-LicenseAuditRecord -InputObject $policy -Property $script:LyncConferencingPolicyProperties)) }
        }
        elseif ($policies.Count -gt 0) {
            $reported = New-Object 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
            foreach ($policy in $policies) { [void]$reported.Add((ConvertTo-LicenseAuditPolicyIdentity -Identity $policy)) }
            # The engine needs Global (every user without a per-user or site policy inherits
            # it), and a user count needs every policy a user may have: the rest of the
            # configuration is read, the piped objects winning over what is read.
            if (-not $reported.Contains('Global') -or $IncludeUserCount) {
                $read = 0
                foreach ($policy in @(Get-CsConferencingPolicy)) {
                    $record = ConvertTo-LicenseAuditRecord -InputObject $policy -Property $script:LyncConferencingPolicyProperties
                    if ($null -eq $record -or $reported.Contains((ConvertTo-LicenseAuditPolicyIdentity -Identity $record))) { continue }
                    $policies.Add($record)
                    $read++
                }
                Write-Verbose ("{0} other conferencing policies read with Get-CsConferencingPolicy for the audit; only the {1} piped are reported." -f $read, $reported.Count)
            }
        }
        if ($policies.Count -eq 0) {
            Write-Warning 'No conferencing policies to audit.'
            return
        }
        $session = New-LicenseAuditNativeSession -Command 'lync', 'policies' -Cmdlet $PSCmdlet -Activity 'Auditing conferencing policies' -OutputType 'LyncPolicyAudit' `
            -InputKind Record -InputProperty $script:LyncUserProperties
        try {
            $arguments = @('--conferencing-policies', (New-LicenseAuditSpoolFile -Session $session -Record $policies.ToArray() -Confirm:$false -WhatIf:$false), '--rules', $Rules)
            if (-not $IncludeUserCount) {
                Start-LicenseAuditNative -Session $session -Arguments $arguments
            }
            else {
                $pools = @(Get-CsPool | ConvertTo-LicenseAuditRecord -Property $script:LyncPoolProperties)
                $poolFile = New-LicenseAuditSpoolFile -Session $session -Record $pools -Confirm:$false -WhatIf:$false
                if ($poolFile) { $arguments += @('--pools', $poolFile) }
                # Users stream on stdin: no file of SIP addresses is left behind.
                Start-LicenseAuditNative -Session $session -Arguments ($arguments + @('--users', '-')) -StdinRecords
                $channel = $session.Channel
                $session.Gathering = $true
                Get-CsUser | ForEach-Object {
                    $channel.TrySendOne($_)
                    $status = $channel.Status
                    if ($status -band 5) { Resolve-LicenseAuditNativeStatus -Session $session -Status $status }
                    if (($status -band 2) -and -not $session.Finished) { Send-LicenseAuditNativeInput -Session $session -InputObject $_ -Record $_ }
                }
            }
            if ($null -eq $reported) {
                Receive-LicenseAuditNativeOutput -Session $session -Wait
            }
            else {
                Receive-LicenseAuditNativeOutput -Session $session -Wait | Where-Object { $reported.Contains([string]$_.Identity) }
            }
        }
        finally {
            $session.Stop()
        }
    }
}
