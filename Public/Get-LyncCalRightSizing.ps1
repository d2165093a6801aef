function Get-LyncCalRightSizing {
    <#
    .SYNOPSIS
    Right-sizes Lync / Skype for Business CALs: what each user is configured for, what they used
    and what they are licensed for, with a recommendation (Downgrade, Upgrade, Unchanged, Exposure,
    InsufficientData) and its evidence.

    .DESCRIPTION
    Joins LyncUserCal records (Get-LyncCalRequirement, or -ConfiguredPath), LyncUserUsage and
    LyncUsageCoverage records (Get-LyncCalUsage and its -CoverageVariable, or -UsagePath) and
    optionally the licence list (-LicensedPath: SipAddress, UserPrincipalName or Identity, and
    Tier such as Standard, Enterprise, Enterprise+Plus) into one LicenseAudit.LyncCalRightSizing
    per user. Usage that could not be determined never leads to a downgrade; a usage window
    shorter than 30 days, or unknown because no LyncUsageCoverage record was given, marks every
    recommendation Weak (and is a warning). With -PricesPath (CSV: Cal, Price per year) each
    record and the summary carry the yearly saving and exposure.

    The pipeline carries LyncCalRightSizing records only, so Export-Csv gets one kind of row. The
    summary (counts per recommendation, CALs freed and exposed, yearly saving and exposure) is
    what -Summary emits instead, or what -SummaryVariable stores alongside the records.

    Piped records are sorted by RecordType. When one input is a file, the other streams to the
    engine on standard input as it arrives (never through a temporary file): piped users with
    -UsagePath, piped usage with -ConfiguredPath. When both come down the pipeline, in any order,
    they are held until the pipeline ends, because the engine needs every usage record before the
    first user: then the usage records (only the fields right-sizing reads) go to a temporary file
    owned by the run, deleted when it ends however it ends, and the users stream on standard
    input. For large estates give one of the two as a file. Piped records of a kind that is also
    given as a file, and objects that are none of the three record types, are skipped with a
    warning (LyncCalSummary and LyncDeviceUsage records, which the same audits write, are skipped
    quietly). Wraps `license-audit lync rightsize`.

    With -AsPolicyPlan the recommendations go straight into Get-LyncCalPolicyPlan (as its licence
    list: SipAddress, Identity and Tier, in a temporary file deleted afterwards), so the output is
    LicenseAudit.LyncPolicyChange records ready for Set-LyncCalPolicyAssignment -WhatIf. That
    needs the Lync Management Shell, as the plan does.

    .PARAMETER InputObject
    LyncUserCal, LyncUserUsage and LyncUsageCoverage records from the pipeline (or rows of them
    read back with Import-Csv / Import-Clixml; dates Export-Csv wrote in this session's culture,
    such as a th-TH Buddhist year, are read in it).

    .PARAMETER ConfiguredPath
    `lync entitlement` output (LyncUserCal records). Wildcards must match one file.

    .PARAMETER UsagePath
    `lync usage` output (LyncUserUsage and LyncUsageCoverage records). Wildcards must match one file.

    .PARAMETER LicensedPath
    The licence list: SipAddress, UserPrincipalName or Identity, and Tier - Standard,
    Enterprise, Standard+Plus, Enterprise+Plus, or a CAL suite or plan the user holds, read as
    the Skype for Business Server CALs it is equivalent to (Product Terms, CAL and ML
    Equivalency Licenses): Core CAL Suite and Office 365 E1 Standard; Enterprise CAL Suite,
    Office 365 E3 and Microsoft 365 E3 Standard and Enterprise (Plus still needed); Office 365 /
    Microsoft 365 E5 all three. The record's Evidence says what it rests on ("Basis: ...").
    Wildcards must match one file.

    .PARAMETER PricesPath
    Yearly prices per CAL: CSV with Cal and Price. Wildcards must match one file.

    .PARAMETER TierPolicy
    The conferencing policy per tier, e.g. @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }.
    Named as TargetPolicy in the records; required with -AsPolicyPlan.

    .PARAMETER Summary
    Emit one LicenseAudit.LyncCalRightSizingSummary instead of the per-user records.

    .PARAMETER SummaryVariable
    Store the LicenseAudit.LyncCalRightSizingSummary in this variable (name without $), while the
    per-user records (or, with -AsPolicyPlan, the plan) go down the pipeline.

    .PARAMETER AsPolicyPlan
    Emit the Get-LyncCalPolicyPlan changes that carry the recommendations out (needs -TierPolicy).

    .PARAMETER HistoryPath
    Keep this run's totals as a dated JSON file in this folder (see Get-LicenseAuditHistory).

    .EXAMPLE
    Get-LyncCalRightSizing -ConfiguredPath .\cal.ndjson -UsagePath .\usage.ndjson -LicensedPath .\licensed.csv -PricesPath .\prices.csv -SummaryVariable summary | Export-Csv rightsizing.csv -NoTypeInformation -Encoding UTF8

    Who can drop a CAL and who is exposed, one row per user; what that is worth per year is in
    $summary.YearlySaving and $summary.YearlyExposure.

    .EXAMPLE
    Get-LyncCalRequirement | Get-LyncCalRightSizing -UsagePath .\usage.ndjson -LicensedPath .\licensed.csv | Where-Object Recommendation -eq 'Downgrade'

    Streams the configured tiers straight from the Lync Management Shell into the right-sizing.

    .EXAMPLE
    Get-LyncCalRightSizing -ConfiguredPath .\cal.ndjson -UsagePath .\usage.ndjson -AsPolicyPlan -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' } | Set-LyncCalPolicyAssignment -WhatIf

    A right-sizing becomes the Grant-CsConferencingPolicy calls that carry it out, reviewed with -WhatIf.

    .EXAMPLE
    Get-LyncCalRightSizing -ConfiguredPath .\cal.ndjson -UsagePath .\usage.ndjson -Summary -HistoryPath .\LicenseAudit\history

    The counts only, kept in the history folder for Get-LicenseAuditHistory.

    .INPUTS
    LicenseAudit.LyncUserCal, LicenseAudit.LyncUserUsage and LicenseAudit.LyncUsageCoverage
    records (or Import-Csv / Import-Clixml rows of them).

    .OUTPUTS
    LicenseAudit.LyncCalRightSizing; LicenseAudit.LyncCalRightSizingSummary with -Summary;
    LicenseAudit.LyncPolicyChange with -AsPolicyPlan.

    .LINK
    Get-LyncCalRequirement

    .LINK
    Get-LyncCalUsage

    .LINK
    Get-LyncCalPolicyPlan

    .LINK
    Get-LicenseAuditHistory

    .LINK
    Export-LicenseAuditReport
    #>
    [CmdletBinding(DefaultParameterSetName = 'Records', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/workbook.md#right-sizing-configured-vs-used-vs-owned')]
    [OutputType('LicenseAudit.LyncCalRightSizing', 'LicenseAudit.LyncCalRightSizingSummary', 'LicenseAudit.LyncPolicyChange')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [string]$ConfiguredPath,
        [string]$UsagePath,
        [string]$LicensedPath,
        [string]$PricesPath,
        [hashtable]$TierPolicy,
        [Parameter(ParameterSetName = 'Records')]
        [switch]$Summary,
        [ValidateNotNullOrEmpty()]
        [string]$SummaryVariable,
        [Parameter(ParameterSetName = 'Plan')]
        [switch]$AsPolicyPlan,
        [string]$HistoryPath
    )
    begin {
        if ($AsPolicyPlan -and -not $TierPolicy) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'TierPolicyRequired' -Category InvalidArgument `
                        -ExceptionType 'System.ArgumentException' `
                        -Message '-AsPolicyPlan needs -TierPolicy: the conferencing policy to grant per tier.'))
        }
        # The inputs given as files, each exactly one file.
        $given = @{}
        foreach ($option in @(@('Configured', $ConfiguredPath), @('Usage', $UsagePath), @('Licensed', $LicensedPath), @('Prices', $PricesPath))) {
            if (-not $option[1]) { continue }
            $given[$option[0]] = Resolve-LicenseAuditSingleFile -Cmdlet $PSCmdlet -ParameterName ($option[0] + 'Path') -Path $option[1]
        }
        $arguments = @()
        if ($given.ContainsKey('Licensed')) { $arguments += @('--licensed', $given['Licensed']) }
        if ($given.ContainsKey('Prices')) { $arguments += @('--prices', $given['Prices']) }
        if ($TierPolicy) {
            foreach ($tier in @($TierPolicy.Keys)) { $arguments += @('--tier-policy', ('{0}={1}' -f $tier, $TierPolicy[$tier])) }
        }
        if ($HistoryPath) { $arguments += @('--history', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($HistoryPath)) }
        if ($Summary -or $SummaryVariable) { $arguments += '--summary' }

        # Which piped records stream on stdin as they come: the kind not given as a file. With
        # both files nothing does; with neither, both are held until end{} (see .DESCRIPTION).
        $stdinKind = $null
        $streamArguments = @()
        if ($given.ContainsKey('Usage') -and -not $given.ContainsKey('Configured')) {
            $stdinKind = 'Configured'
            $streamArguments = @('--configured', '-', '--usage', $given['Usage']) + $arguments
        }
        elseif ($given.ContainsKey('Configured') -and -not $given.ContainsKey('Usage')) {
            $stdinKind = 'Usage'
            $streamArguments = @('--usage', '-', '--configured', $given['Configured']) + $arguments
        }
        $held = @{
            Configured = [System.Collections.Generic.List[object]]::new()
            Usage      = [System.Collections.Generic.List[object]]::new()
        }
        $ignored = @{ Configured = 0; Usage = 0 }
        $skipped = 0
        $skippedExample = $null
        # What the entitlement and usage outputs also hold, and right-sizing does not use (the
        # engine skips them in its input files too): skipped without a warning.
        $companionTypes = @('LyncCalSummary', 'LyncDeviceUsage')
        $companions = 0
        # What `lync rightsize` reads of a usage record (native/src/rightsize/inputs.rs): all that
        # goes into the temporary file when usage has to be spooled.
        $usageFields = @('RecordType', 'SipAddress', 'Standard', 'Enterprise', 'Plus', 'LastActivity', 'Evidence', 'WindowStart', 'WindowEnd', 'WindowCovered')

        # One record type down the pipeline: the users; the summary instead with -Summary; the
        # plan with -AsPolicyPlan ('None' is no record type: everything else is collected or dropped).
        $outputType = @('LyncCalRightSizing')
        if ($Summary -or $AsPolicyPlan) { $outputType = @('None') }
        $collectType = @('LyncCalRightSizingSummary')
        if ($AsPolicyPlan) { $collectType += 'LyncCalRightSizing' }
        $session = New-LicenseAuditNativeSession -Command 'lync', 'rightsize' -Cmdlet $PSCmdlet -Activity 'Lync CAL right-sizing' `
            -OutputType $outputType -CollectType $collectType -InputName 'pipeline records'
        $channel = $session.Channel
    }
    process {
        $completed = $false
        try {
            foreach ($item in $InputObject) {
                if ($null -eq $item) { continue }
                $type = ''
                if ($item.PSObject.Properties['RecordType']) { $type = [string]$item.RecordType }
                $kind = $null
                if ($type -eq 'LyncUserCal') { $kind = 'Configured' }
                elseif ($type -eq 'LyncUserUsage' -or $type -eq 'LyncUsageCoverage') { $kind = 'Usage' }
                if ($null -eq $kind) {
                    if ($companionTypes -contains $type) {
                        $companions++
                        continue
                    }
                    $skipped++
                    if ($null -eq $skippedExample) {
                        $skippedExample = $type
                        if (-not $type) { $skippedExample = $item.GetType().FullName }
                    }
                    continue
                }
                if ($given.ContainsKey($kind)) {
                    $ignored[$kind] = $ignored[$kind] + 1
                    continue
                }
                # Rows read back with Import-Csv: their dates are text in this session's culture.
                if ($item.PSObject.TypeNames[0] -notlike 'LicenseAudit.*') { $item = ConvertFrom-LicenseAuditCsvDate -InputObject $item }
                if ($kind -eq $stdinKind) {
                    if ($null -eq $session.Process) { Start-LicenseAuditNative -Session $session -Arguments $streamArguments -StdinRecords }
                    $channel.Send($item, $item)
                    if ($channel.Status) { Resolve-LicenseAuditNativeStatus -Session $session -Status $channel.Status }
                }
                else {
                    $held[$kind].Add($item)
                }
            }
            $completed = $true
        }
        finally {
            # A stop (Select-Object -First, Ctrl+C, -ErrorAction Stop) skips end{}: end the engine now.
            if (-not $completed) { $session.Stop() }
        }
    }
    end {
        try {
            if ($null -eq $session.Process) {
                if (-not $given.ContainsKey('Configured') -and $held['Configured'].Count -eq 0) {
                    $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoConfiguredRecords' -Category InvalidArgument `
                                -ExceptionType 'System.ArgumentException' `
                                -Message 'No configured tiers: pipe Get-LyncCalRequirement output (LyncUserCal records) in, or give -ConfiguredPath.'))
                }
                if (-not $given.ContainsKey('Usage') -and $held['Usage'].Count -eq 0) {
                    $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoUsageRecords' -Category InvalidArgument `
                                -ExceptionType 'System.ArgumentException' `
                                -Message 'No usage: pipe Get-LyncCalUsage output (LyncUserUsage records, and LyncUsageCoverage from -CoverageVariable) in, or give -UsagePath.'))
                }
                if ($given.ContainsKey('Configured') -and $given.ContainsKey('Usage')) {
                    Start-LicenseAuditNative -Session $session -Arguments (@('--configured', $given['Configured'], '--usage', $given['Usage']) + $arguments)
                }
                else {
                    # Both came down the pipeline: usage to a file the session owns, users on stdin.
                    $usage = [System.Collections.Generic.List[object]]::new()
                    foreach ($record in $held['Usage']) {
                        $present = @($usageFields | Where-Object { $record.PSObject.Properties[$_] })
                        $usage.Add((Select-Object -InputObject $record -Property $present))
                    }
                    $held['Usage'].Clear()
                    $usageFile = New-LicenseAuditSpoolFile -Session $session -Record $usage.ToArray() -Confirm:$false -WhatIf:$false
                    Start-LicenseAuditNative -Session $session -Arguments (@('--usage', $usageFile, '--configured', '-') + $arguments) -StdinRecords
                    foreach ($record in $held['Configured']) {
                        $channel.Send($record, $record)
                        if ($channel.Status) { Resolve-LicenseAuditNativeStatus -Session $session -Status $channel.Status }
                    }
                    $held['Configured'].Clear()
                }
            }
            Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow
        }
        finally {
            $session.Stop()
        }
        if ($companions -gt 0) {
            Write-Verbose ("{0} piped LyncCalSummary / LyncDeviceUsage record(s) skipped: right-sizing does not use them." -f $companions)
        }
        if ($skipped -gt 0) {
            Write-Warning ("{0} piped object(s) skipped: right-sizing reads LyncUserCal, LyncUserUsage and LyncUsageCoverage records (the first skipped was {1})." -f $skipped, $skippedExample)
        }
        if ($ignored['Configured'] -gt 0) {
            Write-Warning ("{0} piped LyncUserCal record(s) not used: -ConfiguredPath gives the configured tiers." -f $ignored['Configured'])
        }
        if ($ignored['Usage'] -gt 0) {
            Write-Warning ("{0} piped usage record(s) not used: -UsagePath gives the usage." -f $ignored['Usage'])
        }
        $summaryRecord = $null
        $summaries = $session.Collected['LyncCalRightSizingSummary']
        if ($summaries.Count -gt 0) { $summaryRecord = $summaries[0] }
        if ($SummaryVariable) { $PSCmdlet.SessionState.PSVariable.Set($SummaryVariable, $summaryRecord) }
        if ($Summary -and $null -ne $summaryRecord) { $summaryRecord }
        if ($session.Failure) { $PSCmdlet.ThrowTerminatingError($session.Failure) }
        if (-not $AsPolicyPlan) { return }

        $recommendations = $session.Collected['LyncCalRightSizing']
        if ($recommendations.Count -eq 0) { return }
        # `lync plan` takes users on stdin, so its licence list has to be a file: SipAddress,
        # Identity and Tier of each recommendation, owned by a session of its own (this run's
        # session has ended) and deleted when the plan is done, or stopped.
        $handOff = New-LicenseAuditNativeSession -Command 'lync', 'plan' -Cmdlet $PSCmdlet -Activity 'Lync CAL policy plan'
        try {
            $licence = [System.Collections.Generic.List[object]]::new()
            foreach ($r in $recommendations) {
                $licence.Add([pscustomobject]@{ SipAddress = $r.SipAddress; Identity = $r.Identity; Tier = $r.Tier })
            }
            $licensedFile = New-LicenseAuditSpoolFile -Session $handOff -Record $licence.ToArray() -Confirm:$false -WhatIf:$false
            # -LicensedPath expands wildcards: the temporary folder's name is taken literally.
            Get-LyncCalPolicyPlan -LicensedPath ([System.Management.Automation.WildcardPattern]::Escape($licensedFile)) -TierPolicy $TierPolicy
        }
        finally {
            $handOff.Stop()
        }
    }
}
