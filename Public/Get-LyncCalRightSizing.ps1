function Get-LyncCalRightSizing {
    <#
    .SYNOPSIS
    Right-sizes Lync / Skype for Business CALs: what each user is configured for, what they used
    and what they are licensed for, with a recommendation (Downgrade, Upgrade, Unchanged, Exposure,
    InsufficientData) and its evidence.

    .DESCRIPTION
    Joins LyncUserCal records (Get-LyncCalRequirement, or -ConfiguredPath), LyncUserUsage and
    LyncUsageCoverage records (Get-LyncCalUsage, or -UsagePath) and optionally the licence list
    (-LicensedPath: SipAddress, UserPrincipalName or Identity, and Tier such as Standard,
    Enterprise, Enterprise+Plus) into one LicenseAudit.LyncCalRightSizing per user. Usage that
    could not be determined never leads to a downgrade; a usage window shorter than 30 days marks
    every recommendation Weak. With -PricesPath (CSV: Cal, Price per year) each record and the
    summary carry the yearly saving and exposure. Records piped in are sorted by RecordType into
    temporary files. Wraps `license-audit lync rightsize`.

    With -AsPolicyPlan the recommendations go straight into Get-LyncCalPolicyPlan (as its licence
    list), so the output is LicenseAudit.LyncPolicyChange records ready for
    Set-LyncCalPolicyAssignment -WhatIf. That needs the Lync Management Shell, as the plan does.

    .PARAMETER InputObject
    LyncUserCal, LyncUserUsage and LyncUsageCoverage records from the pipeline.

    .PARAMETER ConfiguredPath
    `lync entitlement` output (LyncUserCal records).

    .PARAMETER UsagePath
    `lync usage` output (LyncUserUsage and LyncUsageCoverage records).

    .PARAMETER LicensedPath
    The licence list.

    .PARAMETER PricesPath
    Yearly prices per CAL: CSV with Cal and Price.

    .PARAMETER TierPolicy
    The conferencing policy per tier, e.g. @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }.

    .PARAMETER Summary
    Also emit a LicenseAudit.LyncCalRightSizingSummary.

    .PARAMETER AsPolicyPlan
    Emit the Get-LyncCalPolicyPlan changes that carry the recommendations out (needs -TierPolicy).

    .PARAMETER HistoryPath
    Keep this run's totals as a dated JSON file in this folder (see Get-LicenseAuditHistory).

    .EXAMPLE
    Get-LyncCalRightSizing -ConfiguredPath .\cal.ndjson -UsagePath .\usage.ndjson -LicensedPath .\licensed.csv -PricesPath .\prices.csv -Summary

    Who can drop a CAL, who is exposed, and what that is worth per year.

    .EXAMPLE
    Get-LyncCalRightSizing -ConfiguredPath .\cal.ndjson -UsagePath .\usage.ndjson -AsPolicyPlan -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' } | Set-LyncCalPolicyAssignment -WhatIf

    A right-sizing becomes the Grant-CsConferencingPolicy calls that carry it out, reviewed with -WhatIf.

    .OUTPUTS
    LicenseAudit.LyncCalRightSizing, LicenseAudit.LyncCalRightSizingSummary, LicenseAudit.LyncPolicyChange
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.LyncCalRightSizing', 'LicenseAudit.LyncCalRightSizingSummary', 'LicenseAudit.LyncPolicyChange')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [string]$ConfiguredPath,
        [string]$UsagePath,
        [string]$LicensedPath,
        [string]$PricesPath,
        [hashtable]$TierPolicy,
        [switch]$Summary,
        [switch]$AsPolicyPlan,
        [string]$HistoryPath
    )
    begin {
        if ($AsPolicyPlan -and -not $TierPolicy) {
            throw '-AsPolicyPlan needs -TierPolicy: the conferencing policy to grant per tier.'
        }
        $temp = [System.IO.Path]::GetTempPath()
        $files = @{
            Configured = [System.IO.Path]::Combine($temp, 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
            Usage      = [System.IO.Path]::Combine($temp, 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
            Plan       = [System.IO.Path]::Combine($temp, 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
        }
        $utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
        $configuredWriter = New-Object System.IO.StreamWriter -ArgumentList $files.Configured, $false, $utf8
        $usageWriter = New-Object System.IO.StreamWriter -ArgumentList $files.Usage, $false, $utf8
        $configuredWriter.NewLine = "`n"
        $usageWriter.NewLine = "`n"
        $configuredRows = 0
        $usageRows = 0
    }
    process {
        foreach ($item in $InputObject) {
            if ($null -eq $item -or -not $item.PSObject.Properties['RecordType']) { continue }
            switch ([string]$item.RecordType) {
                'LyncUserCal' { $configuredWriter.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject $item)); $configuredRows++ }
                'LyncUserUsage' { $usageWriter.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject $item)); $usageRows++ }
                'LyncUsageCoverage' { $usageWriter.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject $item)); $usageRows++ }
                default { Write-Verbose "Skipped a $($item.RecordType) record: right-sizing reads LyncUserCal, LyncUserUsage and LyncUsageCoverage." }
            }
        }
    }
    end {
        $configuredWriter.Dispose()
        $usageWriter.Dispose()
        try {
            $configured = $files.Configured
            if ($ConfiguredPath) { $configured = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ConfiguredPath) }
            elseif ($configuredRows -eq 0) { throw 'No configured tiers: pipe Get-LyncCalRequirement output in, or give -ConfiguredPath.' }
            $usage = $files.Usage
            if ($UsagePath) { $usage = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($UsagePath) }
            elseif ($usageRows -eq 0) { throw 'No usage: pipe Get-LyncCalUsage output in, or give -UsagePath.' }
            $arguments = @('--configured', $configured, '--usage', $usage)
            if ($LicensedPath) { $arguments += @('--licensed', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LicensedPath)) }
            if ($PricesPath) { $arguments += @('--prices', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($PricesPath)) }
            if ($TierPolicy) {
                foreach ($tier in $TierPolicy.Keys) { $arguments += @('--tier-policy', ('{0}={1}' -f $tier, $TierPolicy[$tier])) }
            }
            if ($HistoryPath) { $arguments += @('--history', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($HistoryPath)) }
            if ($Summary -and -not $AsPolicyPlan) { $arguments += '--summary' }
            if (-not $AsPolicyPlan) {
                Invoke-LicenseAuditNative -Command 'lync', 'rightsize' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Lync CAL right-sizing'
                return
            }
            # The recommendations are the plan's licence list: SipAddress, Identity, Tier.
            $records = @(Invoke-LicenseAuditNative -Command 'lync', 'rightsize' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Lync CAL right-sizing')
            $writer = New-Object System.IO.StreamWriter -ArgumentList $files.Plan, $false, $utf8
            try {
                $writer.NewLine = "`n"
                foreach ($r in $records) {
                    $writer.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject ([pscustomobject]@{ SipAddress = $r.SipAddress; Identity = $r.Identity; Tier = $r.Tier })))
                }
            }
            finally {
                $writer.Dispose()
            }
            if ($records.Count -gt 0) {
                Get-LyncCalPolicyPlan -LicensedPath $files.Plan -TierPolicy $TierPolicy
            }
        }
        finally {
            Remove-LicenseAuditInputFile -Files $files
        }
    }
}
