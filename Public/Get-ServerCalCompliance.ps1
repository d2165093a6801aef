function Get-ServerCalCompliance {
    <#
    .SYNOPSIS
    Works out Windows Server, SQL Server, RDS and other server CAL consumption and compliance
    from User Access Logging evidence.

    .DESCRIPTION
    Takes evidence from the pipeline (Get-UalCalEvidence output, or Import-Csv of a FlexNet
    ConsolidatedAccessEvidence spreadsheet) and/or files (-EvidencePath), plus Get-UalSystemId
    records (from the pipeline or -SystemIdPath) and the licences owned (-LicensePath CSV, see
    -LicensePath).

    The pipeline carries the compliance position: one LicenseAudit.CalCompliance per product,
    CAL type and version (required, owned, covered, shortfall, with a device-CAL suggestion;
    Servers and DrawnFrom also as ServersText and DrawnFromText), so Export-Csv gets one kind of
    row. The detail - CalConsumption (one CAL per user or device per product family),
    CalLicenseUse, UnrecognizedEvidence, UalEvidenceSummary and, with -IncludeEvidence,
    UalEvidence - goes to -DetailVariable, a hashtable keyed by record type. Unrecognized
    evidence is also a warning.

    What a position rests on is in it: Basis (why this CAL type), AssumedCovered and Assumption
    (what is taken as given where the evidence cannot tell - devices covered by their users'
    CALs, Software Assurance active, a plan's CAL equivalency, the exempt administrators, who
    is an external user, an IP address standing for a device - with the figure the other
    answer gives). The 80-column table cannot hold them: `| Format-List` shows the whole
    position, with AssumedCovered, Basis and Assumption.

    Piped evidence streams to the engine on standard input (user names are never written to a
    temporary file), so memory does not grow with the number of rows. Get-UalSystemId objects
    must come before the evidence they describe (Get-UalCalEvidence emits them first); one that
    arrives after evidence has started is reported (LicenseAudit.SystemIdAfterEvidence) unless
    the engine takes system ids in the evidence stream (engine 0.2.0). Wraps
    `license-audit ual compliance`.

    Partial evidence is said, never read as the whole estate: Get-UalCalEvidence follows its
    evidence with a LicenseAudit.UalEvidenceGap for each server whose session or query failed,
    piped here or saved with the evidence (JSON, CLIXML) and read with -EvidencePath. Every
    CalCompliance record (and the UalEvidenceSummary, with EvidenceGaps: the query and reason)
    then carries EvidenceComplete (False) and ServersWithoutEvidence (with
    ServersWithoutEvidenceText), beside Servers, the servers the position drew evidence from; a
    warning names them; and -FailOnShortfall ends with LicenseAudit.EvidenceIncomplete unless
    -AllowIncompleteEvidence accepts it. With every server's evidence, EvidenceComplete is True
    and ServersWithoutEvidence empty.

    .PARAMETER InputObject
    Evidence objects: Get-UalUserAccess / DeviceAccess / Daily*Access / Overview / SystemId output
    with PSComputerName, or FlexNet spreadsheet rows.

    .PARAMETER EvidencePath
    Evidence files (JSON, CLIXML or CSV exports). Wildcards are expanded.

    .PARAMETER SystemIdPath
    A Get-UalSystemId export.

    .PARAMETER LicensePath
    The licences CSV, one row per licence held (docs/rules/ual-server-cal.md, section 9):
    Product    Windows Server, SQL Server, Remote Desktop Services, Active Directory Rights
               Management Services, Exchange Server, SharePoint Server, Skype for Business
               Server; a suite: Core CAL Suite, Enterprise CAL Suite; or a CAL-equivalent plan:
               Microsoft 365 E3/E5, Office 365 E1/E3/E5 (also M365 E3, O365 E5).
    Version    e.g. 2019: covers servers of that version or older (ignored for plans).
    CalType    User or Device (both may be held for one product: owned Device CALs are drawn
               too), ExternalConnector, or PerCore. Empty for a plan (a user subscription).
               SQL Server has no External Connector; SQL Server Enterprise is per core only.
    Quantity   How many (not needed for PerCore).
    Priority   Lower numbers are drawn first (default 100).
    Servers    Servers the row is restricted to, separated by ';' (PerCore: the servers
               licensed per core; an ExternalConnector with Host: the VMs on that host).
    SoftwareAssurance  True or SA: active Software Assurance, so the row covers servers of any
               version (default False).
    Host       ExternalConnector rows: the physical server the connector is assigned to.

    .PARAMETER Mode
    Usage (principals with evidence in the last -WindowDays consume) or Access (every -PrincipalPath entry consumes).

    .PARAMETER WindowDays
    The usage window (default 90 days).

    .PARAMETER PrincipalPath
    Users and devices in scope for -Mode Access.

    .PARAMETER InternalDomain
    Domains whose users are internal; others need External Connectors.

    .PARAMETER PerCoreServer
    Servers licensed per core (SERVER, or PRODUCT=SERVER).

    .PARAMETER AdminAccount
    Administrator accounts exempt from CALs (domain\user): at most two, as
    the licence terms exempt up to two users or devices that access the
    server only to administer it. Names are compared ignoring case
    (CONTOSO\admin and contoso\Admin are one account). Each position's
    Assumption names them; a name the evidence does not hold is said there
    and as a warning (nothing is exempted for it). An empty name is refused.

    .PARAMETER AzureServer
    Servers that are Windows Server VMs in Azure: the VM's price includes the Windows Server
    licence and its CALs, so access to them needs no Windows Server CAL (evidence excluded as
    AzureWindowsServer). Other products on them (SQL Server, RDS) still need their CALs.

    .PARAMETER IncludeEvidence
    Also return every evidence row, normalised (UalEvidence), in -DetailVariable.

    .PARAMETER AsOf
    The audit's "now" (default: the current time).

    .PARAMETER FailOnShortfall
    Make a shortfall a terminating error (LicenseAudit.ComplianceShortfall), thrown after every
    record has been written: a runbook job then ends Failed, not Completed. Evidence known to be
    incomplete (servers without evidence) is one too: LicenseAudit.EvidenceIncomplete, unless
    -AllowIncompleteEvidence.

    .PARAMETER AllowIncompleteEvidence
    With -FailOnShortfall, accept a position computed without the evidence of some servers: no
    LicenseAudit.EvidenceIncomplete; every record still says EvidenceComplete False and names them.

    .PARAMETER DetailVariable
    Store the other record types in this variable (name without $): a hashtable with keys
    CalConsumption, CalLicenseUse, UnrecognizedEvidence, UalEvidenceSummary, UalEvidence.

    .EXAMPLE
    Get-UalCalEvidence -ComputerName $servers | Get-ServerCalCompliance -LicensePath licences.csv -InternalDomain contoso.com | Export-Csv position.csv -NoTypeInformation -Encoding UTF8

    The compliance position for the servers, one row per product, CAL type and version.

    .EXAMPLE
    Get-ServerCalCompliance -EvidencePath .\ual-*.json, .\flexnet.csv -SystemIdPath .\systems.json -LicensePath .\licences.csv -PerCoreServer SQL01 -FailOnShortfall

    A runbook step that fails when any CAL is short.

    .EXAMPLE
    Get-ServerCalCompliance -EvidencePath .\ual.json -LicensePath .\licences.csv -DetailVariable detail | Out-Null; $detail.CalConsumption | Export-Csv consumption.csv -NoTypeInformation -Encoding UTF8

    Saves who consumes which CAL, from which servers (ServersText).

    .INPUTS
    UAL evidence objects (Get-UalCalEvidence output), Get-UalSystemId objects, FlexNet spreadsheet rows (Import-Csv).

    .OUTPUTS
    LicenseAudit.CalCompliance

    .LINK
    Get-UalCalEvidence

    .LINK
    Export-CalEvidenceTemplate
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/server-cals.md#licences-and-compliance-get-servercalcompliance')]
    [OutputType('LicenseAudit.CalCompliance')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [string[]]$EvidencePath,
        [string]$SystemIdPath,
        [string]$LicensePath,
        [ValidateSet('Usage', 'Access')]
        [string]$Mode = 'Usage',
        [ValidateRange(1, 36500)]
        [int]$WindowDays = 90,
        [string]$PrincipalPath,
        [string[]]$InternalDomain,
        [string[]]$PerCoreServer,
        [ValidateNotNullOrEmpty()]
        [string[]]$AdminAccount,
        [string[]]$AzureServer,
        [switch]$IncludeEvidence,
        [datetime]$AsOf,
        [switch]$FailOnShortfall,
        [switch]$AllowIncompleteEvidence,
        [ValidateNotNullOrEmpty()]
        [string]$DetailVariable
    )
    begin {
        # The properties the engine reads (Private/LicenseAuditRun.ps1; Invoke-LicenseAudit uses them too).
        $evidenceProperties = $script:UalEvidenceProperties
        $systemProperties = $script:UalSystemProperties
        $detailTypes = @('CalConsumption', 'CalLicenseUse', 'UnrecognizedEvidence', 'UalEvidenceSummary', 'UalEvidence')
        # The summary says whether the evidence was complete (-FailOnShortfall, the warning).
        $collect = @('UnrecognizedEvidence', 'UalEvidenceSummary')
        if ($DetailVariable) { $collect = $detailTypes }

        $evidenceFiles = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -Path $EvidencePath -ParameterName 'EvidencePath')
        $arguments = @('--mode', $Mode.ToLowerInvariant(), '--window-days', [string]$WindowDays)
        foreach ($option in @(@('--systems', 'SystemIdPath', $SystemIdPath), @('--licenses', 'LicensePath', $LicensePath), @('--principals', 'PrincipalPath', $PrincipalPath))) {
            if (-not $option[2]) { continue }
            $arguments += @($option[0], (Resolve-LicenseAuditSingleFile -Cmdlet $PSCmdlet -ParameterName $option[1] -Path $option[2]))
        }
        foreach ($d in $InternalDomain) { $arguments += @('--internal-domain', $d) }
        foreach ($s in $PerCoreServer) { $arguments += @('--per-core-server', $s) }
        foreach ($a in $AdminAccount) { $arguments += @('--admin-account', $a) }
        foreach ($s in $AzureServer) { $arguments += @('--azure-server', $s) }
        if ($IncludeEvidence) { $arguments += '--emit-evidence' }
        if ($PSBoundParameters.ContainsKey('AsOf')) {
            $arguments += @('--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture))
        }
        # Incomplete evidence is this cmdlet's own error (LicenseAudit.EvidenceIncomplete, or none
        # with -AllowIncompleteEvidence), decided from the summary below: the engine's exit 5 is
        # then a shortfall only.
        if ($FailOnShortfall) { $arguments += @('--fail-on-shortfall', '--allow-incomplete-evidence') }

        $session = New-LicenseAuditNativeSession -Command 'ual', 'compliance' -Cmdlet $PSCmdlet -Activity 'Server CAL compliance' `
            -OutputType 'CalCompliance' -CollectType $collect -InputName 'pipeline evidence' `
            -InputKind Ual -InputProperty $evidenceProperties -SystemProperty $systemProperties
        $channel = $session.Channel
        $systems = [System.Collections.Generic.List[object]]::new()
        # Get-UalCalEvidence's notes of servers that gave no evidence (LicenseAudit.UalEvidenceGap)
        # go to the engine with the evidence; these are the ones an engine before 0.2.0, which
        # cannot read them, did not get.
        $heldGaps = [System.Collections.Generic.List[object]]::new()
        $gapsInStream = $true
        $lateSystems = New-Object System.Collections.Generic.List[string]
        $systemsInStream = $false
    }
    process {
        $completed = $false
        try {
            # One .NET call per row once the engine runs (Private/EngineChannel.cs); system rows
            # before the start (or that this engine cannot take in the stream), the first row,
            # diagnostics and faults take the script path below.
            $channel.TrySend($InputObject)
            $status = $channel.Status
            if ($status -band 5) { Resolve-LicenseAuditNativeStatus -Session $session -Status $status }
            $byScript = ($status -band 2) -and -not $session.Finished
            foreach ($item in $(if ($byScript) { $InputObject })) {
                if ($null -eq $item) { continue }
                $isGap = @($item.PSObject.TypeNames)[0] -eq 'LicenseAudit.UalEvidenceGap'
                # Get-UalSystemId objects describe servers; everything else is access evidence (or a
                # note of a server without any, which the engine reads in the same stream).
                $isSystem = (-not $isGap) -and [bool]($item.PSObject.Properties['SystemDNSHostName'] -or $item.PSObject.Properties['OSMajor'])
                if ($isSystem -and $null -eq $session.Process) {
                    $systems.Add((ConvertTo-LicenseAuditRecord -InputObject $item -Property $systemProperties))
                    continue
                }
                if ($isSystem -and -not $systemsInStream) {
                    $lateSystems.Add([string]$item.SystemDNSHostName)
                    continue
                }
                if ($null -eq $session.Process) {
                    $features = Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet)
                    $systemsInStream = $features.SystemsOnEvidence
                    $channel.SystemsInStream = [bool]$systemsInStream
                    $gapsInStream = [bool]$features.EvidenceGaps
                    $start = @('--evidence', '-') + $evidenceFiles + $arguments
                    if (-not $SystemIdPath -and $systems.Count -gt 0) {
                        # Server names and OS versions only: no user data in this file.
                        $start += @('--systems', (New-LicenseAuditSpoolFile -Session $session -Record $systems.ToArray() -Confirm:$false -WhatIf:$false))
                    }
                    Start-LicenseAuditNative -Session $session -Arguments $start -StdinRecords
                }
                if ($isGap -and -not $gapsInStream) {
                    $heldGaps.Add($item)
                    continue
                }
                # Converted by the channel (Kind Ual: system rows with $systemProperties).
                Send-LicenseAuditNativeInput -Session $session -InputObject $item -Record $item
            }
            $completed = $true
        }
        finally {
            if (-not $completed) { $session.Stop() }
        }
    }
    end {
        try {
            if ($null -eq $session.Process) {
                if ($evidenceFiles.Count -eq 0) {
                    $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoEvidence' -Category InvalidArgument `
                                -ExceptionType 'System.ArgumentException' -Message 'No evidence: pipe Get-UalCalEvidence output in, or give -EvidencePath.'))
                }
                $start = @('--evidence') + $evidenceFiles + $arguments
                if (-not $SystemIdPath -and $systems.Count -gt 0) {
                    $start += @('--systems', (New-LicenseAuditSpoolFile -Session $session -Record $systems.ToArray() -Confirm:$false -WhatIf:$false))
                }
                Start-LicenseAuditNative -Session $session -Arguments $start
            }
            Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow
        }
        finally {
            $session.Stop()
        }
        if ($lateSystems.Count -gt 0) {
            $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'SystemIdAfterEvidence' -Category InvalidData -TargetObject @($lateSystems) `
                        -Message ("{0} Get-UalSystemId object(s) ({1}) came after evidence had started streaming, and this engine reads system ids before evidence: their servers' Windows versions were not used. Pipe system ids first (Get-UalCalEvidence does), or give -SystemIdPath." -f $lateSystems.Count, ($lateSystems -join ', '))))
        }
        # Which servers gave no evidence: the engine read the gap records (piped, or in
        # -EvidencePath files) and said so on every record and in the summary; the warning is its.
        $missing = [string[]]@()
        $reasons = @()
        # Indexed, not Select-Object -Last 1: on PowerShell 7.6 that puts a 'Selected.' type name in
        # front of the very record -DetailVariable hands out, and its view is lost.
        $summaries = @($session.Collected['UalEvidenceSummary'])
        $summary = $null
        if ($summaries.Count -gt 0) { $summary = $summaries[$summaries.Count - 1] }
        if ($summary -and $summary.PSObject.Properties['EvidenceComplete']) {
            $missing = [string[]]@($summary.ServersWithoutEvidence)
            $reasons = @($summary.EvidenceGaps | ForEach-Object { '{0}: {1}' -f $_.Query, $_.Reason })
        }
        elseif ($heldGaps.Count -gt 0) {
            # An engine before 0.2.0: its records cannot say it, this cmdlet does.
            $missing = [string[]]@($heldGaps | ForEach-Object { [string]$_.ComputerName } | Select-Object -Unique)
            $reasons = @($heldGaps | ForEach-Object { '{0}: {1}' -f $_.Query, $_.Reason })
            Write-Warning ('The UAL evidence is incomplete: no evidence from {0} ({1}). The position covers only the servers that answered (this engine cannot mark its records).' -f
                ($missing -join ', '), ($reasons -join '; '))
        }
        $unrecognized = @($session.Collected['UnrecognizedEvidence'])
        if ($unrecognized.Count -gt 0) {
            Write-Warning ("{0} kind(s) of evidence matched no known product (e.g. role '{1}' on {2}); see UnrecognizedEvidence in -DetailVariable." -f $unrecognized.Count, $unrecognized[0].RoleName, $unrecognized[0].Server)
        }
        if ($DetailVariable) {
            $detail = @{}
            foreach ($type in $detailTypes) { $detail[$type] = @($session.Collected[$type]) }
            $PSCmdlet.SessionState.PSVariable.Set($DetailVariable, $detail)
        }
        if ($session.Failure) { $PSCmdlet.ThrowTerminatingError($session.Failure) }
        if ($FailOnShortfall -and $missing.Count -gt 0 -and -not $AllowIncompleteEvidence) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EvidenceIncomplete' -Category InvalidResult -TargetObject $missing `
                        -Message ('The compliance position rests on partial evidence: no UAL evidence from {0} ({1}). A shortfall there cannot be ruled out; every record was written (EvidenceComplete False). Collect from those servers again, or accept the partial position with -AllowIncompleteEvidence.' -f
                            ($missing -join ', '), ($reasons -join '; '))))
        }
    }
}
