function Invoke-LicenseAudit {
    <#
    .SYNOPSIS
    One command for a scheduled runbook: collects (live, or from an offline snapshot), runs the
    Lync, server CAL and Microsoft Teams audits asked for, writes the workbook and the run
    history, and returns one summary.

    .DESCRIPTION
    Each run gets its own folder under -OutputPath, named by its as-of time (yyyyMMddTHHmmssZ),
    holding what was audited and what came out:

      estate\                    the live collection (Export-LicenseAuditSnapshot; the teams*.ndjson
                                 exports of the Teams audits), when not -SnapshotPath
      lync-entitlement.ndjson    -Audit Entitlement   (license-audit lync entitlement --summary)
      lync-policies.ndjson       -Audit Policies      (lync policies)
      lync-usage.ndjson          -Audit Usage         (lync usage: the monitoring databases)
      lync-rightsize.ndjson      -Audit RightSizing   (lync rightsize; implies Entitlement and Usage)
      ual-evidence.ndjson        -UalComputerName     (Get-UalCalEvidence, collected live)
      ual-compliance.ndjson      -Audit ServerCal     (ual compliance)
      teams-assignments.ndjson   -Audit TeamsAssignments (teams assignments --estate)
      teams-count.ndjson         -Audit TeamsCount    (uc count --teams: a Teams-only estate)
      history-trend.ndjson       how the totals moved (license-audit history)
      LicenseAudit-<as-of>.xlsx  the audit workbook (license-audit report)

    Every audit keeps its totals in -HistoryPath (default <OutputPath>\history) with --history,
    and runs with the same --as-of, so runs compare. A total of this run that moved more than
    -AlertThreshold percent since the previous one is a warning.

    Collection: without -SnapshotPath the Lync configuration is read live with
    Export-LicenseAuditSnapshot into the run's estate folder (a Lync Management Shell, or the Lync
    module on this machine, is needed for the Lync audits). With -SnapshotPath a folder that
    scripts\Export-LicenseAuditSnapshot.ps1 wrote on a front end (or any folder of exports named
    as `--estate` reads them) is audited as it is; its manifest's date and failures are reported.
    Usage reads the monitoring stores -SqlServer names, else those in the estate's
    monitoring-databases file, with -SqlCredential (a SQL login) or integrated authentication.
    ServerCal reads -EvidencePath files and/or collects from -UalComputerName.

    Teams: TeamsAssignments (Teams Phone and Calling Plan licences wasted, voice without a
    licence, licences in grace; Test-TeamsLicenseAssignment) and TeamsCount (voice-user
    licences, meeting rooms, common area phones; Get-TeamsLicenseCount) read the estate's teams
    (Get-CsOnlineUser), teams-resource-accounts, teams-phone-numbers and teams-ip-phone-policies
    exports, named as `--estate` reads them (.json, .ndjson, .xml, .clixml or .csv). Without
    -SnapshotPath they are read from the connected tenant (run Connect-MicrosoftTeams first)
    into the run's estate folder: the accounts one JSON line at a time, only the properties the
    audits read; every MicrosoftTeams cmdlet with -ErrorAction Stop, so a throttled or expired
    request fails the Teams audits (LicenseAudit.TeamsSourceFailed) instead of auditing part of
    the tenant. Without Get-CsOnlineUser the Teams audits fail with
    LicenseAudit.TeamsCmdletsNotFound; a snapshot folder without a teams file with
    LicenseAudit.TeamsExportNotFound. The other audits still run.

    An audit that fails (a store that cannot be reached, a login refused) is a non-terminating
    error with its stable id; the others still run and the workbook holds what succeeded
    (Succeeded is then false). The summary (LicenseAudit.RunSummary) comes last; its
    IncompleteInputs lists each input file an audit read only in part (File, Refused: the
    records left out of every total), empty when every record was read. With
    -FailOnShortfall, a shortfall (server CALs short of what is required, Lync CALs used or
    configured beyond the licence list given with -LicensedPath, or a Lync tier short of the
    counts of -OwnedCal / -OwnedCalPath) is then a terminating error,
    LicenseAudit.ComplianceShortfall, whose TargetObject is the summary: a runbook job fails on
    it. The workbook and the history are written before.

    Azure Automation: run it on a Hybrid Runbook Worker (a Windows or Linux machine of yours with
    this module); the cloud sandbox cannot start native programs (README, "Scheduled runbooks").

    .PARAMETER OutputPath
    The folder for the runs (one subfolder per run) and, unless -HistoryPath, the history.

    .PARAMETER SnapshotPath
    Audit this estate folder (an offline snapshot) instead of reading the Lync configuration and
    the Teams tenant live.

    .PARAMETER Audit
    Entitlement, Policies, Usage, RightSizing, ServerCal, TeamsAssignments, TeamsCount (default:
    Entitlement, Policies). RightSizing also runs Entitlement and Usage.

    .PARAMETER Rules
    Which conferencing settings count as Enterprise: lenient, default or
    strict (default if not given). default is Microsoft's Enterprise CAL
    feature list (what Get-LyncCalUsage counts as used); lenient the
    conferencing modalities only, a lower bound; strict default plus
    recording, the worst case. Get-Help about_LicenseAudit_RuleSets gives
    each rule set's settings and sources.
    Each user and device record of the configured audit names its rule set
    (Rules) and its Enterprise answer under the other one (OtherRules,
    EnterpriseUnderOtherRules).

    .PARAMETER SqlServer
    Usage: the monitoring SQL Server(s), HOST, HOST\INSTANCE or HOST,PORT. Default: the stores in
    the estate's monitoring-databases file (Get-CsService -MonitoringDatabase).

    .PARAMETER SqlCredential
    Usage: a SQL login with read access to LcsCDR and QoEMetrics (the password goes to the engine
    on stdin). Without it, Windows integrated authentication.

    .PARAMETER Days
    Usage: the window in days (default 90).

    .PARAMETER TrustServerCertificate
    Usage: accept the SQL Server's certificate without validating it.

    .PARAMETER DisableEncryption
    Usage: connect without TLS (only for servers that have none).

    .PARAMETER LicensedPath
    RightSizing: who is licensed for which tier (CSV: SipAddress or Identity, and Tier). With it,
    Lync CALs used or configured beyond the licence count as a shortfall.

    .PARAMETER OwnedCal
    Entitlement: the Lync CALs owned, as counts, e.g.
    @{ Standard = 1200; Enterprise = 400; Plus = 150 }. The entitlement
    step then writes a LyncCalPosition per tier (required, owned,
    shortfall), the workbook shows it (Overview, Lync CALs), and the summary
    gives LyncStandardShortfall, LyncEnterpriseShortfall, LyncPlusShortfall
    and LyncCalShortfall; a shortfall counts for -FailOnShortfall. Counts
    are a pool compared with the configured requirement; -LicensedPath
    stays the per-user list right-sizing compares each user with. An
    object works too (its properties are the tiers, as ConvertFrom-Json
    gives on Windows PowerShell 5.1). Names and counts are checked before
    any audit runs: a typo is a terminating error,
    LicenseAudit.InvalidOwnedCal, never a failed step.

    .PARAMETER OwnedCalPath
    Entitlement: the Lync CALs owned, as a CSV (Tier, Quantity[, Version]
    [, Agreement]); as -OwnedCal, and adds to it.

    .PARAMETER PricesPath
    RightSizing: the yearly price per CAL (CSV: Cal, Price).

    .PARAMETER EvidencePath
    ServerCal: UAL evidence files (Get-UalCalEvidence exports, FlexNet spreadsheets); wildcards.

    .PARAMETER UalComputerName
    ServerCal: servers to collect UAL evidence from now, over CIM (Get-UalCalEvidence).

    .PARAMETER UalCredential
    ServerCal: the credential for -UalComputerName.

    .PARAMETER SystemIdPath
    ServerCal: a Get-UalSystemId export (each server's Windows version).

    .PARAMETER LicensePath
    ServerCal: the CAL licences owned (CSV: Product, Version, CalType, Quantity, ...).

    .PARAMETER InternalDomain
    ServerCal: your domains; users of others need an External Connector instead of a CAL.

    .PARAMETER PerCoreServer
    ServerCal: servers (or PRODUCT=SERVER) licensed per core, which consume no CALs.

    .PARAMETER AdminAccount
    ServerCal: administrator accounts exempt from CALs (domain\user), at
    most two: the licence terms exempt up to two users or devices that only
    administer the server. Names are compared ignoring case; one the
    evidence does not hold is said (a warning and each User and Device CAL
    line's Assumption). The same as Get-ServerCalCompliance -AdminAccount.

    .PARAMETER AzureServer
    ServerCal: servers that are Windows Server VMs in Azure, whose price
    includes the Windows Server licence and its CALs: access to them needs no
    Windows Server CAL (their other products still do). The same as
    Get-ServerCalCompliance -AzureServer.

    .PARAMETER TeamsPricePath
    TeamsAssignments: the monthly price per plan (CSV: Plan, MonthlyPrice, e.g. MCOEV,8.00), so
    the summary gives the monthly waste (`--prices`). Without it a teams-prices file in the
    snapshot folder is used.

    .PARAMETER HistoryPath
    Where the run history is kept (default: <OutputPath>\history).

    .PARAMETER AlertThreshold
    Percent change of a total since the previous run that is a warning (default 10).

    .PARAMETER AsOf
    The audits' "now" (default: the time the run starts).

    .PARAMETER FailOnShortfall
    End with the terminating error LicenseAudit.ComplianceShortfall when a shortfall is found, and
    with LicenseAudit.EvidenceIncomplete when the UAL evidence is incomplete: servers of
    -UalComputerName that gave none, or LicenseAudit.UalEvidenceGap records in -EvidencePath files
    (unless -AllowIncompleteEvidence).

    .PARAMETER AllowIncompleteEvidence
    ServerCal with -FailOnShortfall: accept a position computed without the evidence of some
    servers. The summary (ServerCalEvidenceComplete, ServerCalServersWithoutEvidence) and every
    CalCompliance record in ual-compliance.ndjson still say so.

    .EXAMPLE
    Invoke-LicenseAudit -OutputPath .\LicenseAudit -Audit Entitlement, Policies

    In a Lync Management Shell: reads the configuration, audits it, and writes
    .\LicenseAudit\<as-of>\LicenseAudit-<as-of>.xlsx and the history in .\LicenseAudit\history.

    .EXAMPLE
    Invoke-LicenseAudit -OutputPath ./licenseaudit -SnapshotPath ./licenseaudit/inbox/snapshot-2026-11

    On a Linux (or Windows Server 2016+) machine: audits a snapshot copied from a Server 2012 R2
    front end, where Export-LicenseAuditSnapshot wrote it.

    .EXAMPLE
    Invoke-LicenseAudit -OutputPath .\LicenseAudit -Audit RightSizing, ServerCal -SqlCredential (Get-AutomationPSCredential -Name LyncMonitoring) -LicensedPath .\LicenseAudit\licensed.csv -UalComputerName (Get-Content .\LicenseAudit\servers.txt) -LicensePath .\LicenseAudit\cal-licences.csv -InternalDomain contoso.com -FailOnShortfall

    The monthly runbook on a Hybrid Runbook Worker: usage and right-sizing, server CALs from UAL,
    and a failed job when anything is short (examples/runbook.ps1).

    .EXAMPLE
    Connect-MicrosoftTeams -CertificateThumbprint $thumbprint -ApplicationId $appId -TenantId $tenantId; Invoke-LicenseAudit -OutputPath .\LicenseAudit -Audit TeamsAssignments, TeamsCount -TeamsPricePath .\LicenseAudit\teams-prices.csv

    A Teams runbook (examples/runbook.ps1 -Audit TeamsAssignments, TeamsCount): the tenant read with an app registration's
    certificate, the Teams licence findings and counts in the workbook and the history, and the
    monthly waste (TeamsMonthlyWaste) in the summary.

    .EXAMPLE
    Invoke-LicenseAudit -OutputPath .\LicenseAudit -Audit ServerCal -EvidencePath .\ual\*-access.json -LicensePath .\ual\licenses.csv -AdminAccount 'CONTOSO\bob' -AzureServer FS01.contoso.com

    Server CALs with CONTOSO\bob exempt as an administrator and FS01 taken as a
    Windows Server VM in Azure (no Windows Server CALs for its users): the same
    position Get-ServerCalCompliance gives with the same evidence and options.

    .EXAMPLE
    Invoke-LicenseAudit -OutputPath ./licenseaudit -SnapshotPath ./snapshot -OwnedCal @{ Standard = 1200; Enterprise = 400; Plus = 150 }

    Before a true-up: the configured requirement against the agreement's
    counts, in the workbook and in the summary's Lync*Shortfall properties.

    .INPUTS
    None.

    .OUTPUTS
    LicenseAudit.RunSummary

    .LINK
    Export-LicenseAuditSnapshot

    .LINK
    Export-LicenseAuditReport

    .LINK
    Get-LicenseAuditHistory

    .LINK
    https://github.com/licenseaudit/LicenseAudit/blob/main/docs/runbooks.md
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Live', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/runbooks.md')]
    [OutputType('LicenseAudit.RunSummary')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string]$OutputPath,
        [Parameter(Mandatory, ParameterSetName = 'Snapshot')]
        [string]$SnapshotPath,
        [ValidateSet('Entitlement', 'Policies', 'Usage', 'RightSizing', 'ServerCal', 'TeamsAssignments', 'TeamsCount')]
        [string[]]$Audit = @('Entitlement', 'Policies'),
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default',
        [string[]]$SqlServer,
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $SqlCredential = [System.Management.Automation.PSCredential]::Empty,
        [ValidateRange(1, 36500)]
        [int]$Days = 90,
        [switch]$TrustServerCertificate,
        [switch]$DisableEncryption,
        [string]$LicensedPath,
        [ValidateNotNull()]
        [object]$OwnedCal,
        [ValidateNotNullOrEmpty()]
        [string]$OwnedCalPath,
        [string]$PricesPath,
        [string[]]$EvidencePath,
        [string[]]$UalComputerName,
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $UalCredential = [System.Management.Automation.PSCredential]::Empty,
        [string]$SystemIdPath,
        [string]$LicensePath,
        [string[]]$InternalDomain,
        [string[]]$PerCoreServer,
        [ValidateNotNullOrEmpty()]
        [string[]]$AdminAccount,
        [string[]]$AzureServer,
        [string]$TeamsPricePath,
        [string]$HistoryPath,
        [ValidateRange(0, 100000)]
        [double]$AlertThreshold = 10,
        [datetime]$AsOf,
        [switch]$FailOnShortfall,
        [switch]$AllowIncompleteEvidence
    )
    # The whole body is in this try (not indented, to keep the body's lines as they were): a
    # terminating error from anything it runs (-ErrorAction Stop on a helper's error, a folder
    # that cannot be created) is rethrown by this cmdlet at the end, so its InvocationInfo is the
    # caller's line, not a line in the module.
    try {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture

    # ---- What to run, checked before anything is read or written. ----
    $audits = New-Object System.Collections.Generic.List[string]
    foreach ($name in @('Entitlement', 'Policies', 'Usage', 'RightSizing', 'ServerCal', 'TeamsAssignments', 'TeamsCount')) {
        $wanted = $Audit -contains $name
        if ($Audit -contains 'RightSizing' -and ($name -eq 'Entitlement' -or $name -eq 'Usage')) { $wanted = $true }
        if ($wanted) { $audits.Add($name) }
    }
    $teamsAudits = @($audits | Where-Object { $_ -eq 'TeamsAssignments' -or $_ -eq 'TeamsCount' })
    $lyncAudits = @($audits | Where-Object { $_ -ne 'ServerCal' -and $teamsAudits -notcontains $_ })
    $single = @{}
    foreach ($option in @(@('LicensedPath', $LicensedPath), @('PricesPath', $PricesPath), @('SystemIdPath', $SystemIdPath), @('LicensePath', $LicensePath), @('TeamsPricePath', $TeamsPricePath))) {
        if (-not $option[1]) { continue }
        # One terminating error, LicenseAudit.PathNotFound or .PathNotOneFile, naming the parameter.
        $single[$option[0]] = Resolve-LicenseAuditSingleFile -Cmdlet $PSCmdlet -ParameterName $option[0] -Path $option[1]
    }
    # The owned counts: --owned / --owned-file of the entitlement step (the file resolved now).
    $ownedArguments = @(Get-LicenseAuditOwnedCalArgument -Cmdlet $PSCmdlet -OwnedCal $OwnedCal -OwnedCalPath $OwnedCalPath)
    if ($ownedArguments.Count -gt 0 -and -not $audits.Contains('Entitlement')) {
        $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'OwnedCalNeedsEntitlement' -Category InvalidArgument -TargetObject 'OwnedCal' `
                    -ExceptionType 'System.ArgumentException' -Message '-OwnedCal and -OwnedCalPath are compared with the configured requirement: add Entitlement to -Audit.'))
    }
    $evidenceFiles = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -Path $EvidencePath -ParameterName 'EvidencePath')
    if ($audits.Contains('ServerCal') -and $evidenceFiles.Count -eq 0 -and -not $UalComputerName) {
        $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoEvidence' -Category InvalidArgument -TargetObject 'ServerCal' `
                    -ExceptionType 'System.ArgumentException' -Message '-Audit ServerCal needs UAL evidence: -EvidencePath files and/or -UalComputerName servers to collect from.'))
    }
    $estate = $null
    $source = 'Live'
    if ($PSCmdlet.ParameterSetName -eq 'Snapshot') {
        $source = 'Snapshot'
        $estate = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($SnapshotPath)
        if (-not (Test-Path -LiteralPath $estate -PathType Container)) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $estate `
                        -ExceptionType 'System.IO.DirectoryNotFoundException' -Message "-SnapshotPath '$estate' is not a folder."))
        }
    }

    $utc = [System.DateTime]::UtcNow
    if ($PSBoundParameters.ContainsKey('AsOf')) { $utc = $AsOf.ToUniversalTime() }
    $utc = New-Object System.DateTime -ArgumentList $utc.Year, $utc.Month, $utc.Day, $utc.Hour, $utc.Minute, $utc.Second, ([System.DateTimeKind]::Utc)
    $asOfText = $utc.ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
    $runName = $utc.ToString('yyyyMMddTHHmmssZ', [System.Globalization.CultureInfo]::InvariantCulture)
    $root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
    $runFolder = Join-Path $root $runName
    for ($n = 2; Test-Path -LiteralPath $runFolder; $n++) { $runFolder = Join-Path $root ('{0}-{1}' -f $runName, $n) }
    $history = Join-Path $root 'history'
    if ($HistoryPath) { $history = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($HistoryPath) }

    if (-not $PSCmdlet.ShouldProcess($runFolder, ('Run the LicenseAudit audits {0} and write their records, the workbook and the history ({1})' -f ($audits -join ', '), $history))) {
        return
    }
    # Every check before the engine's first use (version, SHA256SUMS, Windows version) now,
    # before anything is collected.
    $null = Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet
    if ($lyncAudits.Count -gt 0 -and $source -eq 'Live' -and -not (Get-LicenseAuditCommand -Name Get-CsUser) -and
        -not (Get-Module -ListAvailable -Name SkypeForBusiness, Lync)) {
        # No Lync cmdlets and no module to import them from (what the snapshot would try): one
        # error, this cmdlet's, and no run folder left behind for a run that read nothing.
        Assert-LicenseAuditCommand -Cmdlet $PSCmdlet -Name 'Get-CsUser', 'Get-CsConferencingPolicy' -ErrorId 'LyncCmdletsNotFound' `
            -Remedy ('{0}: not run: run Invoke-LicenseAudit in the Lync Server / Skype for Business Server Management Shell, or take a snapshot there (Export-LicenseAuditSnapshot) and audit it here with -SnapshotPath.' -f ($lyncAudits -join ', '))
    }
    $null = [System.IO.Directory]::CreateDirectory($runFolder)

    $steps = [System.Collections.Generic.List[object]]::new()
    $failed = New-Object System.Collections.Generic.List[string]
    $snapshotCreated = $null
    $snapshotComplete = $true

    # ---- The estate: a snapshot folder as it is, or the live configuration into the run folder. ----
    if ($lyncAudits.Count -gt 0) {
        if ($source -eq 'Live') {
            $estate = Join-Path $runFolder 'estate'
            # In a pipeline of its own: its errors become this cmdlet's (once each, at the
            # caller's line), not copies pointing inside this file.
            $snapshot = Invoke-LicenseAuditNested -ScriptBlock {
                $problems = $null
                $result = Export-LicenseAuditSnapshot -Path $args[0] -Confirm:$false -WhatIf:$false -ErrorAction SilentlyContinue -ErrorVariable problems
                @{ Result = $result; Problems = @($problems) }
            } -ArgumentList $estate
            if ($snapshot.ContainsKey('Failure')) {
                if (@(Get-ChildItem -LiteralPath $runFolder -Recurse -File -ErrorAction Ignore).Count -eq 0) {
                    Remove-Item -LiteralPath $runFolder -Recurse -Force -ErrorAction Ignore
                }
                $PSCmdlet.ThrowTerminatingError((ConvertTo-LicenseAuditOwnError -ErrorRecord $snapshot.Failure))
            }
            $collected = $snapshot.Output[0].Result
            $seen = New-Object 'System.Collections.Generic.HashSet[string]'
            foreach ($problem in $snapshot.Output[0].Problems) {
                $record = $problem
                if ($record -isnot [System.Management.Automation.ErrorRecord] -and $record.PSObject.Properties['ErrorRecord']) { $record = $record.ErrorRecord }
                if ($record -isnot [System.Management.Automation.ErrorRecord]) { continue }
                if ($seen.Add(('{0}|{1}' -f $record.FullyQualifiedErrorId, $record.Exception.Message))) {
                    $PSCmdlet.WriteError((ConvertTo-LicenseAuditOwnError -ErrorRecord $record))
                }
            }
            $snapshotComplete = [bool]$collected.Complete
        }
        $manifest = Read-LicenseAuditSnapshotManifest -Estate $estate
        if ($null -eq $manifest) {
            Write-Warning ("'{0}' has no snapshot-manifest.json: exports made by hand, or a snapshot that did not finish. Audited as it is." -f $estate)
        }
        else {
            if ($manifest.PSObject.Properties['CreatedUtc']) { $snapshotCreated = ConvertTo-LicenseAuditDate -Value $manifest.CreatedUtc }
            if ($manifest.PSObject.Properties['Complete'] -and -not $manifest.Complete) { $snapshotComplete = $false }
            $listed = @()
            if ($manifest.PSObject.Properties['Files']) { $listed = @($manifest.Files) }
            foreach ($file in @($listed | Where-Object { $_.Status -eq 'Failed' })) {
                Write-Warning ("The snapshot has no {0}: {1} failed there ({2}). The audits run without it." -f $file.Name, $file.Command, $file.Message)
            }
        }
        if (-not $snapshotComplete) {
            $failed.Add('Snapshot')
        }
    }

    # ---- Teams: the estate's teams* exports; live, read from the connected tenant first. ----
    # An audit that cannot run gets its error here, once per cause.
    $teamsProblems = @{}
    $teamsUsers = $null
    if ($teamsAudits.Count -gt 0) {
        if ($source -eq 'Live') {
            if (-not (Get-LicenseAuditCommand -Name Get-CsOnlineUser)) {
                $problem = New-LicenseAuditErrorRecord -ErrorId 'TeamsCmdletsNotFound' -Category ObjectNotFound -TargetObject 'Get-CsOnlineUser' `
                    -Message ('{0}: not run: Get-CsOnlineUser is not available. Install the MicrosoftTeams module on this machine and run Connect-MicrosoftTeams before Invoke-LicenseAudit, or audit exported files with -SnapshotPath.' -f ($teamsAudits -join ', '))
                $PSCmdlet.WriteError($problem)
                foreach ($name in $teamsAudits) { $teamsProblems[$name] = $problem }
            }
            else {
                if (-not $estate) { $estate = Join-Path $runFolder 'estate' }
                foreach ($export in @(Export-LicenseAuditTeamsEstate -Path $estate -Audit $teamsAudits -Cmdlet $PSCmdlet -Confirm:$false -WhatIf:$false)) {
                    if (-not $export.Error) { continue }
                    $PSCmdlet.WriteError($export.Error)
                    foreach ($name in $export.Audits) { if (-not $teamsProblems.ContainsKey($name)) { $teamsProblems[$name] = $export.Error } }
                }
            }
        }
        if ($teamsProblems.Count -lt $teamsAudits.Count) {
            $teamsUsers = Get-LicenseAuditEstateFile -Estate $estate -Name 'teams'
            if (-not $teamsUsers) {
                $waiting = @($teamsAudits | Where-Object { -not $teamsProblems.ContainsKey($_) })
                $problem = New-LicenseAuditErrorRecord -ErrorId 'TeamsExportNotFound' -Category ObjectNotFound -TargetObject (Join-Path $estate 'teams.json') `
                    -ExceptionType 'System.IO.FileNotFoundException' `
                    -Message ("{0}: not run: '{1}' has no Get-CsOnlineUser export, teams.json (or teams.ndjson, .xml, .clixml, .csv). Export it there, e.g. Get-CsOnlineUser | ConvertTo-Json -Depth 5 | Set-Content teams.json -Encoding UTF8." -f ($waiting -join ', '), $estate)
                $PSCmdlet.WriteError($problem)
                foreach ($name in $waiting) { $teamsProblems[$name] = $problem }
            }
        }
    }

    $common = @('--rules', $Rules)
    $recordFiles = New-Object System.Collections.Generic.List[string]
    $results = @{}

    if ($audits.Contains('Entitlement')) {
        $results.Entitlement = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'Entitlement' -Command 'lync', 'entitlement' `
            -Arguments (@('--estate', $estate, '--summary') + $ownedArguments + $common) -OutputFile (Join-Path $runFolder 'lync-entitlement.ndjson') `
            -HistoryPath $history -AsOf $asOfText
    }
    if ($audits.Contains('Policies')) {
        $results.Policies = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'Policies' -Command 'lync', 'policies' `
            -Arguments (@('--estate', $estate) + $common) -OutputFile (Join-Path $runFolder 'lync-policies.ndjson') `
            -HistoryPath $history -AsOf $asOfText
    }
    if ($audits.Contains('Usage')) {
        $stores = @($SqlServer | Where-Object { $_ })
        if ($stores.Count -eq 0) {
            $monitoring = Get-LicenseAuditEstateFile -Estate $estate -Name 'monitoring-databases'
            if ($monitoring) {
                $stores = @(Read-LicenseAuditEstateExport -Path $monitoring | ForEach-Object {
                        if ($_.PSObject.Properties['SqlInstanceName'] -and $_.SqlInstanceName) { '{0}\{1}' -f $_.PoolFqdn, $_.SqlInstanceName } else { [string]$_.PoolFqdn }
                    } | Where-Object { $_ } | Select-Object -Unique)
            }
        }
        $features = Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet)
        $problem = $null
        if ($stores.Count -eq 0) { $problem = New-LicenseAuditErrorRecord -ErrorId 'NoMonitoringStore' -Category ObjectNotFound -TargetObject $estate -Message 'Usage: no monitoring store: give -SqlServer, or audit an estate whose monitoring-databases file lists one (Get-CsService -MonitoringDatabase).' }
        elseif ($stores.Count -gt 1 -and -not $features.MultiServer) { $problem = New-LicenseAuditErrorRecord -ErrorId 'EngineTooOld' -Category NotImplemented -TargetObject $stores -Message ('Usage: this engine ({0}) reads one monitoring store per run; Invoke-LicenseAudit needs 0.2.0 or later for {1} stores (or use Get-LyncCalUsage).' -f $features.Version, $stores.Count) }
        if ($problem) {
            $PSCmdlet.WriteError($problem)
            $results.Usage = [pscustomobject]@{ Name = 'Usage'; Status = 'Failed'; ExitCode = $null; OutputFile = $null; Run = $null; Collected = @{}; Error = $problem }
        }
        else {
            $usage = @()
            foreach ($store in $stores) { $usage += @('--server', $store) }
            $usage += @('--days', [string]$Days)
            $users = Get-LicenseAuditEstateFile -Estate $estate -Name 'users'
            if ($users) { $usage += @('--users', $users) }
            $phones = Get-LicenseAuditEstateFile -Estate $estate -Name 'common-area-phones'
            if ($phones) { $usage += @('--common-area-phones', $phones) }
            $secret = $null
            if ($SqlCredential -ne [System.Management.Automation.PSCredential]::Empty) {
                $usage += @('--auth', 'sql', '--user', $SqlCredential.UserName, '--password-stdin')
                $secret = $SqlCredential.Password
            }
            else {
                $usage += @('--auth', 'integrated')
            }
            if ($TrustServerCertificate) { $usage += '--trust-server-certificate' }
            if ($DisableEncryption) { $usage += @('--encrypt', 'off') }
            $results.Usage = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'Usage' -Command 'lync', 'usage' -Arguments $usage -Secret $secret `
                -OutputFile (Join-Path $runFolder 'lync-usage.ndjson') -HistoryPath $history -AsOf $asOfText
        }
    }
    if ($audits.Contains('RightSizing')) {
        $configured = $results.Entitlement.OutputFile
        $used = $results.Usage.OutputFile
        if (-not $configured -or -not $used) {
            $problem = New-LicenseAuditErrorRecord -ErrorId 'RightSizingInputsMissing' -Category ObjectNotFound -TargetObject 'RightSizing' `
                -Message 'RightSizing: not run, because the Entitlement or the Usage audit of this run failed (see the errors above).'
            $PSCmdlet.WriteError($problem)
            $results.RightSizing = [pscustomobject]@{ Name = 'RightSizing'; Status = 'Failed'; ExitCode = $null; OutputFile = $null; Run = $null; Collected = @{}; Error = $problem }
        }
        else {
            $rightsize = @('--configured', $configured, '--usage', $used, '--summary')
            if ($single.ContainsKey('LicensedPath')) { $rightsize += @('--licensed', $single.LicensedPath) }
            if ($single.ContainsKey('PricesPath')) { $rightsize += @('--prices', $single.PricesPath) }
            $results.RightSizing = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'RightSizing' -Command 'lync', 'rightsize' -Arguments $rightsize `
                -OutputFile (Join-Path $runFolder 'lync-rightsize.ndjson') -HistoryPath $history -AsOf $asOfText
        }
    }
    # What `ual compliance` said of its evidence (its UalEvidenceSummary): which servers gave none,
    # from the LicenseAudit.UalEvidenceGap records of the live collection and of -EvidencePath.
    $ualEvidence = $null
    # The collection's gaps, kept here only for an engine that cannot read them (0.1.0).
    $ualGaps = [System.Collections.Generic.List[object]]::new()
    if ($audits.Contains('ServerCal')) {
        $evidence = @($evidenceFiles)
        if ($UalComputerName) {
            $collectedFile = Join-Path $runFolder 'ual-evidence.ndjson'
            $gapsInFile = [bool](Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet)).EvidenceGaps
            # Its errors are this cmdlet's (LicenseAudit.UalSessionFailed, UalQueryFailed).
            $collectedEvidence = Export-LicenseAuditUalEvidence -ComputerName $UalComputerName -Credential $UalCredential -Path $collectedFile -Cmdlet $PSCmdlet `
                -Gap $ualGaps -GapsInFile:$gapsInFile -Confirm:$false -WhatIf:$false
            # Kept in the run folder as the evidence the audit rests on (not a workbook input:
            # the workbook takes the engine's records). Read with the other evidence even when it
            # holds only the servers that gave none: the position then says so.
            if ($collectedEvidence -gt 0 -or $evidence.Count -gt 0) { $evidence = @($collectedFile) + $evidence }
            if ($collectedEvidence -eq 0) {
                Write-Warning ('No UAL evidence came back from {0}.' -f ($UalComputerName -join ', '))
            }
        }
        if ($evidence.Count -eq 0) {
            $problem = New-LicenseAuditErrorRecord -ErrorId 'NoEvidence' -Category ObjectNotFound -TargetObject $UalComputerName -Message 'ServerCal: no UAL evidence to audit.'
            $PSCmdlet.WriteError($problem)
            $results.ServerCal = [pscustomobject]@{ Name = 'ServerCal'; Status = 'Failed'; ExitCode = $null; OutputFile = $null; Run = $null; Collected = @{}; Error = $problem }
        }
        else {
            $ual = @('--evidence') + $evidence
            if ($single.ContainsKey('SystemIdPath')) { $ual += @('--systems', $single.SystemIdPath) }
            if ($single.ContainsKey('LicensePath')) { $ual += @('--licenses', $single.LicensePath) }
            foreach ($domain in $InternalDomain) { $ual += @('--internal-domain', $domain) }
            foreach ($server in $PerCoreServer) { $ual += @('--per-core-server', $server) }
            foreach ($account in $AdminAccount) { $ual += @('--admin-account', $account) }
            foreach ($server in $AzureServer) { $ual += @('--azure-server', $server) }
            # The engine marks every position (EvidenceComplete, ServersWithoutEvidence) and warns.
            $results.ServerCal = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'ServerCal' -Command 'ual', 'compliance' -Arguments $ual `
                -OutputFile (Join-Path $runFolder 'ual-compliance.ndjson') -HistoryPath $history -AsOf $asOfText
            if ($results.ServerCal.OutputFile) {
                $unrecognized = @()
                foreach ($line in [System.IO.File]::ReadAllLines($results.ServerCal.OutputFile)) {
                    if ($line.StartsWith('{"RecordType":"UalEvidenceSummary"')) { $ualEvidence = ConvertFrom-Json -InputObject $line }
                    elseif ($line.StartsWith('{"RecordType":"UnrecognizedEvidence"')) { $unrecognized += ConvertFrom-Json -InputObject $line }
                }
                # As Get-ServerCalCompliance warns: evidence no product rule knows is not counted.
                if ($unrecognized.Count -gt 0) {
                    Write-Warning ("ServerCal: {0} kind(s) of evidence matched no known product (e.g. role '{1}' on {2}); see the UnrecognizedEvidence records in {3} and the workbook's Unrecognized Evidence sheet." -f
                        $unrecognized.Count, $unrecognized[0].RoleName, $unrecognized[0].Server, $results.ServerCal.OutputFile)
                }
            }
        }
    }
    $ualMissing = [string[]]@()
    $ualComplete = $null
    if ($ualEvidence -and $ualEvidence.PSObject.Properties['EvidenceComplete']) {
        $ualComplete = [bool]$ualEvidence.EvidenceComplete
        $ualMissing = [string[]]@($ualEvidence.ServersWithoutEvidence)
    }
    elseif ($ualGaps.Count -gt 0) {
        # An engine before 0.2.0 does not read gap records: its records cannot say it; this does.
        $ualComplete = $false
        $ualMissing = [string[]]@($ualGaps | ForEach-Object { [string]$_.ComputerName })
        Write-Warning ('ServerCal: the UAL evidence is incomplete: no evidence from {0}; the position covers only the servers that answered (this engine cannot mark its records).' -f
            (@($ualGaps | ForEach-Object { '{0} ({1}: {2})' -f $_.ComputerName, $_.Query, $_.Reason }) -join '; '))
    }
    if ($ualComplete -eq $false) {
        # A position that left servers out is never a success, accepted (-AllowIncompleteEvidence)
        # or not: that switch only keeps -FailOnShortfall from failing on it.
        $failed.Add('ServerCalEvidence')
    }
    foreach ($name in $teamsAudits) {
        if ($teamsProblems.ContainsKey($name)) {
            # Its error was written above, where the cause was found.
            $results[$name] = [pscustomobject]@{ Name = $name; Status = 'Failed'; ExitCode = $null; OutputFile = $null; Run = $null; Collected = @{}; Error = $teamsProblems[$name] }
        }
        elseif ($name -eq 'TeamsAssignments') {
            # --estate: the teams, teams-phone-numbers, teams-resource-accounts and teams-prices
            # exports there; -TeamsPricePath wins over the last.
            $assignments = @('--estate', $estate)
            if ($single.ContainsKey('TeamsPricePath')) { $assignments += @('--prices', $single.TeamsPricePath) }
            $results.TeamsAssignments = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'TeamsAssignments' -Command 'teams', 'assignments' -Arguments $assignments `
                -OutputFile (Join-Path $runFolder 'teams-assignments.ndjson') -HistoryPath $history -AsOf $asOfText
        }
        else {
            # A Teams-only estate: the accounts are the directory. Not `uc count --estate`, which
            # would take a Lync snapshot's users file for a VOSS user directory.
            $count = @('--teams', $teamsUsers)
            foreach ($pair in @(@('--teams-ip-phone-policies', 'teams-ip-phone-policies'), @('--teams-resource-accounts', 'teams-resource-accounts'))) {
                $file = Get-LicenseAuditEstateFile -Estate $estate -Name $pair[1]
                if ($file) { $count += @($pair[0], $file) }
            }
            $results.TeamsCount = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'TeamsCount' -Command 'uc', 'count' -Arguments $count `
                -OutputFile (Join-Path $runFolder 'teams-count.ndjson') -HistoryPath $history -AsOf $asOfText
        }
    }
    foreach ($name in $audits) {
        $step = $results[$name]
        $steps.Add($step)
        if ($step.Status -eq 'Failed') { $failed.Add($name) }
        if ($step.OutputFile) { $recordFiles.Add($step.OutputFile) }
    }

    # ---- How the totals moved; this run's alerts become warnings. ----
    $alerts = @()
    $trendFile = Join-Path $runFolder 'history-trend.ndjson'
    if (Test-Path -LiteralPath $history -PathType Container) {
        # The engine warns about every alert of every run kept; only this run's are warnings here.
        $trend = Invoke-LicenseAuditRunStep -Name 'History' -Command 'history' `
            -Arguments @($history, '--alert-threshold', $AlertThreshold.ToString($invariant)) -OutputFile $trendFile -WarningAction SilentlyContinue
        if ($trend.Status -eq 'Failed') { $failed.Add('History') }
        if ($trend.OutputFile) {
            foreach ($line in [System.IO.File]::ReadAllLines($trendFile)) {
                if (-not $line.Trim()) { continue }
                $record = ConvertFrom-LicenseAuditRecord -Line $line
                if ($record.Alert -and $record.AsOf -and $record.AsOf.ToUniversalTime() -eq $utc) { $alerts += $record }
            }
        }
    }
    foreach ($alert in $alerts) {
        if ($null -eq $alert.ChangePercent) {
            # A change from 0 has no percentage (the engine leaves ChangePercent null): any is an alert.
            Write-Warning ('{0}: {1} moved {2} -> {3} since the previous run (a change from 0 has no percentage; any change from 0 is an alert).' -f $alert.Command, $alert.Metric, $alert.Previous, $alert.Value)
        }
        else {
            Write-Warning ('{0}: {1} moved {2} -> {3} ({4:+0.0;-0.0}%), beyond {5}% since the previous run.' -f $alert.Command, $alert.Metric, $alert.Previous, $alert.Value, $alert.ChangePercent, $AlertThreshold)
        }
    }

    # ---- The workbook, from every record file of the run. ----
    $reportPath = $null
    $inputs = @($recordFiles)
    if (Test-Path -LiteralPath $trendFile -PathType Leaf) { $inputs += $trendFile }
    if ($estate) {
        $pools = Get-LicenseAuditEstateFile -Estate $estate -Name 'pools'
        if ($pools) { $inputs += $pools }
    }
    if ($single.ContainsKey('SystemIdPath')) { $inputs += $single.SystemIdPath }
    if (@($recordFiles).Count -gt 0) {
        $workbook = Join-Path $runFolder ('LicenseAudit-{0}.xlsx' -f $runName)
        $report = Invoke-LicenseAuditRunStep -Cmdlet $PSCmdlet -Name 'Report' -Command 'report' -Arguments $inputs -OutputFile $workbook -AsOf $asOfText
        if ($report.Status -eq 'Failed') { $failed.Add('Report') }
        if ($report.OutputFile) { $reportPath = $report.OutputFile }
    }

    # ---- The summary. ----
    $entitlementRun = $null; $usageRun = $null; $rightsizeRun = $null; $ualRun = $null
    if ($results.ContainsKey('Entitlement')) { $entitlementRun = $results.Entitlement.Run }
    if ($results.ContainsKey('Usage')) { $usageRun = $results.Usage.Run }
    if ($results.ContainsKey('RightSizing')) { $rightsizeRun = $results.RightSizing.Run }
    if ($results.ContainsKey('ServerCal')) { $ualRun = $results.ServerCal.Run }
    $policyErrors = $null
    if ($results.ContainsKey('Policies') -and $results.Policies.OutputFile) {
        $policyErrors = 0
        foreach ($line in [System.IO.File]::ReadAllLines($results.Policies.OutputFile)) {
            if (-not $line.Trim()) { continue }
            $policy = ConvertFrom-Json -InputObject $line
            $policyErrors += @($policy.Findings | Where-Object { $_.Severity -eq 'Error' }).Count
        }
    }
    $covered = $null
    if ($usageRun) {
        $coverage = @($usageRun.Summaries | Where-Object { $_.PSObject.Properties['WindowCovered'] })
        if ($coverage.Count -gt 0) { $covered = -not ($coverage | Where-Object { -not $_.WindowCovered }) }
    }
    $serverShortfall = $null
    if ($ualRun) { $serverShortfall = Get-LicenseAuditRunTotal -Run $ualRun -Like 'CalCompliance`[*`].Shortfall' -Count }
    $enterpriseExposed = Get-LicenseAuditRunTotal -Run $rightsizeRun -Name 'LyncCalRightSizingSummary.EnterpriseExposed' -Count
    $plusExposed = Get-LicenseAuditRunTotal -Run $rightsizeRun -Name 'LyncCalRightSizingSummary.PlusExposed' -Count
    # What depends on the rule set: Enterprise records (users and devices) under the rule set
    # the entitlement summary compares with (strict for a default run).
    $otherRules = $null; $enterpriseOther = $null
    if ($entitlementRun) {
        # The run file keeps the LyncCalSummary whole, without its RecordType.
        $calSummary = @($entitlementRun.Summaries | Where-Object { $_.PSObject.Properties['EnterpriseUnderOtherRules'] }) | Select-Object -Last 1
        if ($calSummary) {
            $otherRules = [string]$calSummary.OtherRules
            $enterpriseOther = [long]$calSummary.EnterpriseUnderOtherRules
        }
    }
    # The Lync position against owned counts (-OwnedCal, -OwnedCalPath): $null without them.
    $lyncShortfall = @{}
    foreach ($tier in 'Standard', 'Enterprise', 'Plus') {
        $lyncShortfall[$tier] = $null
        if ($ownedArguments.Count -gt 0) { $lyncShortfall[$tier] = Get-LicenseAuditRunTotal -Run $entitlementRun -Name ('LyncCalPosition[{0}].Shortfall' -f $tier) -Count }
    }
    $lyncCalShortfall = $null
    if ($ownedArguments.Count -gt 0) { $lyncCalShortfall = Get-LicenseAuditRunTotal -Run $entitlementRun -Like 'LyncCalPosition`[*`].Shortfall' -Count }
    $shortfall = ($serverShortfall -gt 0) -or ($enterpriseExposed -gt 0) -or ($plusExposed -gt 0) -or ($lyncCalShortfall -gt 0)
    $teamsRun = $null
    if ($results.ContainsKey('TeamsAssignments')) { $teamsRun = $results.TeamsAssignments.Run }
    # The estate's UcLicenseTotal: the run's totals add up every scope (above customers and estate).
    $teamsTotal = $null
    if ($results.ContainsKey('TeamsCount') -and $results.TeamsCount.Run) {
        $teamsTotal = @($results.TeamsCount.Run.Summaries | Where-Object { $_.PSObject.Properties['Scope'] -and $_.Scope -eq 'Estate' }) | Select-Object -Last 1
    }
    $teamsCounted = @{ UserLicenses = $null; MeetingRooms = $null; StandaloneDevices = $null }
    foreach ($key in @($teamsCounted.Keys)) {
        if ($teamsTotal -and $teamsTotal.PSObject.Properties[$key]) { $teamsCounted[$key] = [long]$teamsTotal.$key }
    }
    $summary = [pscustomobject]@{
        PSTypeName         = 'LicenseAudit.RunSummary'
        AsOf               = $utc.ToLocalTime()
        Source             = $source
        EstatePath         = $estate
        SnapshotCreated    = $snapshotCreated
        Audits             = [string[]]$audits.ToArray()
        Failed             = [string[]]$failed.ToArray()
        Succeeded          = ($failed.Count -eq 0)
        Total              = Get-LicenseAuditRunTotal -Run $entitlementRun -Name 'LyncCalSummary.Total' -Count
        Standard           = Get-LicenseAuditRunTotal -Run $entitlementRun -Name 'LyncCalSummary.Standard' -Count
        Enterprise         = Get-LicenseAuditRunTotal -Run $entitlementRun -Name 'LyncCalSummary.Enterprise' -Count
        Plus               = Get-LicenseAuditRunTotal -Run $entitlementRun -Name 'LyncCalSummary.Plus' -Count
        Undetermined       = Get-LicenseAuditRunTotal -Run $entitlementRun -Name 'LyncCalSummary.Undetermined' -Count
        OtherRules         = $otherRules
        EnterpriseUnderOtherRules = $enterpriseOther
        PolicyErrors       = $policyErrors
        EnterpriseUsed     = Get-LicenseAuditRunTotal -Run $usageRun -Name 'LyncUserUsage.Enterprise.Yes' -Count
        PlusUsed           = Get-LicenseAuditRunTotal -Run $usageRun -Name 'LyncUserUsage.Plus.Yes' -Count
        UsageWindowCovered = $covered
        EnterpriseExposed  = $enterpriseExposed
        PlusExposed        = $plusExposed
        YearlySaving       = Get-LicenseAuditRunTotal -Run $rightsizeRun -Name 'LyncCalRightSizingSummary.YearlySaving'
        LyncStandardShortfall   = $lyncShortfall.Standard
        LyncEnterpriseShortfall = $lyncShortfall.Enterprise
        LyncPlusShortfall  = $lyncShortfall.Plus
        LyncCalShortfall   = $lyncCalShortfall
        ServerCalShortfall = $serverShortfall
        ServerCalEvidenceComplete = $ualComplete
        ServerCalServersWithoutEvidence = $ualMissing
        TeamsFindings      = Get-LicenseAuditRunTotal -Run $teamsRun -Name 'TeamsAssignmentSummary.Findings' -Count
        TeamsWaste         = Get-LicenseAuditRunTotal -Run $teamsRun -Name 'TeamsAssignmentSummary.Waste' -Count
        TeamsBroken        = Get-LicenseAuditRunTotal -Run $teamsRun -Name 'TeamsAssignmentSummary.Broken' -Count
        TeamsRisk          = Get-LicenseAuditRunTotal -Run $teamsRun -Name 'TeamsAssignmentSummary.Risk' -Count
        TeamsMonthlyWaste  = Get-LicenseAuditRunTotal -Run $teamsRun -Name 'TeamsAssignmentSummary.MonthlyWaste'
        TeamsUserLicenses  = $teamsCounted.UserLicenses
        TeamsMeetingRooms  = $teamsCounted.MeetingRooms
        TeamsDevices       = $teamsCounted.StandaloneDevices
        ShortfallFound     = $shortfall
        IncompleteInputs   = @(Get-LicenseAuditIncompleteInput -Path $recordFiles.ToArray())
        Alerts             = $alerts.Count
        AlertsText         = (@($alerts | ForEach-Object { '{0} {1} {2} -> {3}' -f $_.Command, $_.Metric, $_.Previous, $_.Value }) -join '; ')
        ReportPath         = $reportPath
        OutputPath         = $runFolder
        HistoryPath        = $history
        Files              = [string[]]$recordFiles.ToArray()
        Duration           = $clock.Elapsed
    }
    $summary
    if ($FailOnShortfall -and $ualMissing.Count -gt 0 -and -not $AllowIncompleteEvidence -and -not $shortfall) {
        $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EvidenceIncomplete' -Category InvalidResult -TargetObject $summary `
                    -Message ('ServerCal rests on partial evidence: no UAL evidence from {0}, so a shortfall there cannot be ruled out. The workbook ({1}) and the history were written; the summary is the TargetObject of this error. Collect again, or accept it with -AllowIncompleteEvidence.' -f
                        ($summary.ServerCalServersWithoutEvidence -join ', '), $reportPath)))
    }
    if ($FailOnShortfall -and $shortfall) {
        $parts = @()
        if ($serverShortfall -gt 0) { $parts += ('{0} server CAL(s) short' -f $serverShortfall) }
        if ($enterpriseExposed -gt 0) { $parts += ('{0} Enterprise CAL(s) beyond the licence' -f $enterpriseExposed) }
        if ($plusExposed -gt 0) { $parts += ('{0} Plus CAL(s) beyond the licence' -f $plusExposed) }
        if ($lyncCalShortfall -gt 0) { $parts += ('{0} Lync CAL(s) short of those owned (Standard {1}, Enterprise {2}, Plus {3})' -f $lyncCalShortfall, $lyncShortfall.Standard, $lyncShortfall.Enterprise, $lyncShortfall.Plus) }
        $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'ComplianceShortfall' -Category LimitsExceeded -TargetObject $summary `
                    -Message ('Compliance shortfall: {0}. The workbook ({1}) and the history were written; the summary is the TargetObject of this error.' -f ($parts -join ', '), $reportPath)))
    }
    }
    catch [System.Management.Automation.PipelineStoppedException] {
        # Ctrl+C or a stopped job: not an error of this cmdlet.
        throw
    }
    catch {
        # (This cmdlet's own terminating errors, from $PSCmdlet.ThrowTerminatingError here or in
        # a helper given $PSCmdlet, do not come here: PowerShell already reports them as its.)
        $PSCmdlet.ThrowTerminatingError($_)
    }
}
