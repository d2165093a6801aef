# The pieces of Invoke-LicenseAudit, the one command of a scheduled runbook: one engine run per
# audit with its records in a file (--output) and its totals in the history folder (--history),
# the estate folder (an offline snapshot) and its manifest, and UAL evidence collected to a file.

# What the engine reads of UAL evidence and of Get-UalSystemId (Get-ServerCalCompliance too).
# RecordType, Query and Reason: a LicenseAudit.UalEvidenceGap (a server that gave no evidence),
# which the engine reads among the evidence.
$script:UalEvidenceProperties = @(
    'PSComputerName', 'ComputerName', 'ProductName', 'RoleName', 'RoleGuid', 'GUID', 'UserName', 'IPAddress',
    'FirstSeen', 'LastSeen', 'AccessDate', 'ActivityCount', 'AccessCount', 'ComputerID', 'Version', 'Edition',
    'AccessingDeviceIPAddress', 'AccessingDeviceComputerName', 'AccessingUser', 'InventoryDate',
    'RecordType', 'Query', 'Reason'
)
$script:UalSystemProperties = @(
    'SystemDNSHostName', 'PSComputerName', 'OSMajor', 'OSMinor', 'OSBuildNumber', 'PhysicalProcessorCount',
    'CoresPerPhysicalProcessor', 'OSProductType'
)
# The extensions `--estate` looks for, in its order (native/src/app/estate_dir.rs).
$script:LicenseAuditEstateExtensions = @('json', 'ndjson', 'xml', 'clixml', 'csv')

function Invoke-LicenseAuditRunStep {
    <#
    .SYNOPSIS
    Runs one engine command of a run to completion: its records to -OutputFile (--output), its
    totals to -HistoryPath (--history), at -AsOf. Never throws for the engine's failure: the
    step's result says what happened, and the failure is written as a non-terminating error.
    .DESCRIPTION
    Returns Name, Status (Completed; CompletedWithErrors when records were bad; Failed), ExitCode,
    OutputFile, Run (the LicenseAuditRun the engine kept in -HistoryPath, or $null), Collected
    (records of -CollectType) and Error (the ErrorRecord of a failure).

    With -Cmdlet (Invoke-LicenseAudit's $PSCmdlet) the engine's errors, warnings and the failure
    are written by that cmdlet: an admin's error points at the line that called it, not at this
    function, and its messages name that cmdlet's parameters. Without it they go through this
    function, so its caller can silence the warnings with -WarningAction (the History step).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string]$Name,
        [Parameter(Mandatory)]
        [string[]]$Command,
        [string[]]$Arguments = @(),
        [string]$OutputFile,
        [string]$HistoryPath,
        [string]$AsOf,
        # Written to stdin as the first line (with --password-stdin in -Arguments).
        [System.Security.SecureString]$Secret,
        [string[]]$CollectType = @(),
        # The public cmdlet the step runs for (see .DESCRIPTION).
        [System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $owner = $PSCmdlet
    if ($Cmdlet) { $owner = $Cmdlet }
    $all = @($Arguments)
    if ($OutputFile) { $all += @('--output', $OutputFile) }
    if ($HistoryPath) { $all += @('--history', $HistoryPath) }
    if ($AsOf) { $all += @('--as-of', $AsOf) }
    $before = @(Get-LicenseAuditRunFileName -HistoryPath $HistoryPath)
    $session = New-LicenseAuditNativeSession -Command $Command -Cmdlet $owner -Activity "LicenseAudit: $Name" `
        -OutputType @('None') -CollectType $CollectType -Target $Name
    $failure = $null
    try {
        Start-LicenseAuditNative -Session $session -Arguments $all -Secret $Secret
        Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow
        $failure = $session.Failure
    }
    catch [System.Management.Automation.PipelineStoppedException] {
        # Ctrl+C or a stopped job ends the whole run, not just this step.
        throw
    }
    catch {
        # A start failure (LicenseAudit.EngineBlocked, ...) ends this step; the run goes on.
        $failure = $_
    }
    finally {
        $session.Stop()
    }
    $status = 'Completed'
    if ($session.Errors -gt 0) { $status = 'CompletedWithErrors' }
    if ($failure) {
        $status = 'Failed'
        $owner.WriteError($failure)
    }
    $run = $null
    if ($HistoryPath -and $AsOf) {
        $stem = Get-LicenseAuditRunFileStem -Command $Command -AsOf $AsOf
        $new = @(Get-LicenseAuditRunFileName -HistoryPath $HistoryPath | Where-Object {
                ($before -notcontains $_) -and ($_ -match ('^' + [regex]::Escape($stem) + '(-\d+)?\.json$'))
            })
        if ($new.Count -eq 1) {
            $run = [System.IO.File]::ReadAllText((Join-Path $HistoryPath $new[0])) | ConvertFrom-Json
        }
    }
    $collected = @{}
    foreach ($type in $CollectType) { $collected[$type] = @($session.Collected[$type]) }
    $file = $null
    if ($OutputFile -and (Test-Path -LiteralPath $OutputFile -PathType Leaf)) { $file = $OutputFile }
    [pscustomobject]@{
        Name       = $Name
        Status     = $status
        ExitCode   = $session.ExitCode
        OutputFile = $file
        Run        = $run
        Collected  = $collected
        Error      = $failure
    }
}

function Get-LicenseAuditRunFileStem {
    <#
    .SYNOPSIS
    The name the engine gives a run file in --history, without -N and .json: the command with
    every other character than a letter or digit as '-', then the as-of as yyyyMMddTHHmmssZ
    (LicenseAuditRun::file_stem).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string[]]$Command,
        # The as-of as passed to --as-of (yyyy-MM-ddTHH:mm:ssZ).
        [Parameter(Mandatory)]
        [string]$AsOf
    )
    $words = (($Command -join ' ').ToLowerInvariant() -replace '[^a-z0-9]', '-')
    $styles = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal
    $instant = [datetime]::ParseExact($AsOf, 'yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture, $styles)
    '{0}-{1}' -f $words, $instant.ToString('yyyyMMddTHHmmssZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

function Get-LicenseAuditRunFileName {
    <#
    .SYNOPSIS
    The names of the run files in a history folder (none when it does not exist yet).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([string]$HistoryPath)
    if (-not $HistoryPath -or -not (Test-Path -LiteralPath $HistoryPath -PathType Container)) { return }
    foreach ($file in [System.IO.Directory]::GetFiles($HistoryPath, '*.json')) { [System.IO.Path]::GetFileName($file) }
}

function Get-LicenseAuditRunTotal {
    <#
    .SYNOPSIS
    One total of a LicenseAuditRun (e.g. LyncCalSummary.Enterprise), or the sum of those whose
    name is -Like a pattern (CalCompliance[*].Shortfall); $null without the run or the total.
    With -Count an integer ([long]): the history keeps every total as a number with a fraction,
    and a count of users must not read 15.0.
    #>
    [CmdletBinding()]
    [OutputType([double], [long])]
    param(
        [AllowNull()]
        [object]$Run,
        [string]$Name,
        [string]$Like,
        [switch]$Count
    )
    if ($null -eq $Run -or -not $Run.PSObject.Properties['Totals'] -or $null -eq $Run.Totals) { return $null }
    $sum = $null
    if ($Name) {
        $total = $Run.Totals.PSObject.Properties[$Name]
        if ($total) { $sum = [double]$total.Value }
    }
    else {
        $sum = 0.0
        foreach ($total in $Run.Totals.PSObject.Properties) {
            if ($total.Name -like $Like) { $sum += [double]$total.Value }
        }
    }
    if ($Count -and $null -ne $sum) { return [long][math]::Round($sum) }
    $sum
}

function Get-LicenseAuditIncompleteInput {
    <#
    .SYNOPSIS
    The input files the run's totals were built on that the engine read only in part: the
    IncompleteInputs of the summary records in the record files -Path names, one object
    (File, Refused: records not used) per file, the larger count where several records name it.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([string[]]$Path = @())
    $files = [ordered]@{}
    foreach ($file in $Path) {
        if (-not $file -or -not (Test-Path -LiteralPath $file -PathType Leaf)) { continue }
        foreach ($line in [System.IO.File]::ReadLines($file)) {
            # Only summary records carry it, and only a non-empty list needs reading.
            if (-not $line.Contains('"IncompleteInputs":[{')) { continue }
            foreach ($partial in @((ConvertFrom-Json -InputObject $line).IncompleteInputs)) {
                $refused = [long]$partial.Refused
                if (-not $files.Contains($partial.File) -or $files[$partial.File] -lt $refused) { $files[$partial.File] = $refused }
            }
        }
    }
    foreach ($name in $files.Keys) {
        [pscustomobject]@{ File = [string]$name; Refused = $files[$name] }
    }
}

function Get-LicenseAuditEstateFile {
    <#
    .SYNOPSIS
    The file of one export in an estate folder as `--estate` picks it: <name>.json, .ndjson,
    .xml, .clixml, .csv, the first there; $null when none is.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string]$Estate,
        [Parameter(Mandatory)]
        [string]$Name
    )
    foreach ($extension in $script:LicenseAuditEstateExtensions) {
        $candidate = Join-Path $Estate "$Name.$extension"
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $null
}

function Read-LicenseAuditEstateExport {
    <#
    .SYNOPSIS
    The objects of one small export in an estate folder (monitoring-databases, the manifest's
    kin): one JSON object per line or a JSON array as the snapshot writes it, or CLIXML.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string]$Path
    )
    if ($Path -match '\.(xml|clixml)$') { return Import-Clixml -LiteralPath $Path }
    $whole = $null
    try { $whole = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($Path)) } catch { $whole = $null }
    if ($null -ne $whole) { return $whole }
    # One object per line (the snapshot's JSON): not one JSON document.
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        $text = $line.Trim()
        if (-not $text -or $text -eq '[]') { continue }
        foreach ($item in @(ConvertFrom-Json -InputObject $text)) { $item }
    }
}

function Read-LicenseAuditSnapshotManifest {
    <#
    .SYNOPSIS
    The snapshot-manifest.json of an estate folder, or $null when there is none (a folder of
    exports made by hand).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string]$Estate
    )
    $path = Join-Path $Estate 'snapshot-manifest.json'
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return $null }
    [System.IO.File]::ReadAllText($path) | ConvertFrom-Json
}

function Export-LicenseAuditUalEvidence {
    <#
    .SYNOPSIS
    Collects UAL evidence from -ComputerName (system ids first) into -Path, one JSON line per
    object with the properties the engine reads, UTF-8 without BOM, and a LicenseAudit.UalEvidenceGap
    line for each server that gave none (which `ual compliance` reads: the position says it is
    incomplete); returns how many evidence objects (gaps not counted) were written. The gaps are
    also added to -Gap; with -GapsInFile:$false (an engine before 0.2.0, which would read them as
    evidence) they go only there.
    .DESCRIPTION
    The collection's errors (LicenseAudit.UalSessionFailed, UalQueryFailed) are -Cmdlet's, the
    public cmdlet that runs it (Invoke-LicenseAudit): they point at the admin's line and are in
    its -ErrorVariable.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([int])]
    param(
        [Parameter(Mandatory)]
        [string[]]$ComputerName,
        [System.Management.Automation.PSCredential]$Credential,
        [Parameter(Mandatory)]
        [string]$Path,
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        # Filled with the LicenseAudit.UalEvidenceGap objects (servers without evidence).
        [System.Collections.IList]$Gap,
        [switch]$GapsInFile
    )
    if (-not $PSCmdlet.ShouldProcess($Path, 'Write UAL evidence')) { return 0 }
    $collect = @{
        ComputerName = $ComputerName
        Query        = @('Get-UalSystemId', 'Get-UalUserAccess', 'Get-UalDeviceAccess', 'Get-UalOverview')
        Cmdlet       = $Cmdlet
    }
    if ($Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) { $collect.Credential = $Credential }
    $gaps = [System.Collections.Generic.List[object]]::new()
    $lines = Export-LicenseAuditRecordFile -Path $Path -Confirm:$false -WhatIf:$false -Source {
        Get-LicenseAuditUalEvidence @collect | ForEach-Object {
            $properties = $script:UalEvidenceProperties
            if (@($_.PSObject.TypeNames)[0] -eq 'LicenseAudit.UalEvidenceGap') {
                $gaps.Add($_)
                if ($null -ne $Gap) { $Gap.Add($_) }
                if (-not $GapsInFile) { return }
            }
            elseif ($_.PSObject.Properties['SystemDNSHostName'] -or $_.PSObject.Properties['OSMajor']) { $properties = $script:UalSystemProperties }
            ConvertTo-LicenseAuditRecord -InputObject $_ -Property $properties
        }
    }
    if (-not $GapsInFile) { return $lines }
    $lines - $gaps.Count
}

function Export-LicenseAuditRecordFile {
    <#
    .SYNOPSIS
    Streams the records -Source emits to -Path as NDJSON: one compact JSON line each, UTF-8
    without BOM, LF, written as they come (never held as a whole); returns how many lines.
    .DESCRIPTION
    The lines go to <Path>.partial, renamed to -Path when -Source has ended. When -Source throws
    (a cmdlet called with -ErrorAction Stop whose request failed) the partial file is deleted and
    the error goes on: no file that looks whole ever holds part of a read. No records at all are
    written as [] (the engine reads that as "none"; an empty file is an error to it).

    -Source runs in a child scope of this function, so it sees its caller's variables except
    those named like this function's own: $Path, $Source, $partial, $writer, $lines, $written.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([int])]
    param(
        [Parameter(Mandatory)]
        [string]$Path,
        [Parameter(Mandatory)]
        [scriptblock]$Source
    )
    if (-not $PSCmdlet.ShouldProcess($Path, 'Write records')) { return 0 }
    $partial = $Path + '.partial'
    $lines = 0
    $written = $false
    $writer = New-Object System.IO.StreamWriter -ArgumentList $partial, $false, (New-Object System.Text.UTF8Encoding -ArgumentList $false)
    try {
        $writer.NewLine = "`n"
        & $Source | ForEach-Object {
            if ($null -ne $_) {
                # $null for an object refused (LicenseAudit.InvalidText, written as an error).
                $line = ConvertTo-LicenseAuditInputLine -InputObject $_
                if ($null -ne $line) {
                    $writer.WriteLine($line)
                    $lines++
                }
            }
        }
        if ($lines -eq 0) { $writer.WriteLine('[]') }
        $writer.Dispose()
        [System.IO.File]::Delete($Path)
        [System.IO.File]::Move($partial, $Path)
        $written = $true
    }
    finally {
        # .NET calls only: a stopping pipeline (Ctrl+C, a stopped job) refuses anything else here.
        $writer.Dispose()
        if (-not $written) { [System.IO.File]::Delete($partial) }
    }
    $lines
}

function Export-LicenseAuditTeamsEstate {
    <#
    .SYNOPSIS
    Reads the connected Microsoft Teams tenant into an estate folder, with the names `teams
    assignments --estate` and `uc count` read: teams.ndjson (Get-CsOnlineUser: only -UserProperty
    of each account), teams-resource-accounts.ndjson (Get-CsOnlineApplicationInstance) and, for
    the audits that read them, teams-phone-numbers.ndjson (Get-CsPhoneNumberAssignment, paged)
    and teams-ip-phone-policies.ndjson (Get-CsTeamsIPPhonePolicy).
    .DESCRIPTION
    Every cmdlet is called with -ErrorAction Stop: the MicrosoftTeams cmdlets report a failed
    request (throttling, an expired session) as a non-terminating error and return what they had,
    which would be audited as the whole tenant. Accounts stream to the file one JSON line at a
    time (Export-LicenseAuditRecordFile), so 200,000 of them are never in memory together.

    Returns one result per export: Name, Command, Audits (the -Audit values that read it), Path
    (null when not written), Records, and Error (the ErrorRecord, LicenseAudit.TeamsSourceFailed,
    of a failed read; a failed Get-CsOnlineUser ends the collection, since both audits need it).
    A cmdlet this MicrosoftTeams module lacks is a warning, and its export is left out.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([psobject])]
    param(
        # The estate folder (created when missing).
        [Parameter(Mandatory)]
        [string]$Path,
        # TeamsAssignments and/or TeamsCount.
        [Parameter(Mandatory)]
        [string[]]$Audit,
        # The calling cmdlet's $PSCmdlet: the paging warning of the phone numbers goes through it.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet
    )
    if (-not $PSCmdlet.ShouldProcess($Path, 'Write the Microsoft Teams exports')) { return }
    $null = [System.IO.Directory]::CreateDirectory($Path)
    # What each audit reads of an account, both lists when both audits run.
    $userProperty = @()
    if ($Audit -contains 'TeamsAssignments') { $userProperty += $script:TeamsAssignmentUserProperties }
    if ($Audit -contains 'TeamsCount') { $userProperty += $script:UcTeamsUserProperties }
    $userProperty = @($userProperty | Select-Object -Unique)
    $teamsCmdlet = $Cmdlet
    $exports = @(
        @{ Name = 'teams'; Command = 'Get-CsOnlineUser'; Audits = @('TeamsAssignments', 'TeamsCount'); Read = {
                $userQuery = Get-LicenseAuditTeamsUserQuery -Property $userProperty
                Get-CsOnlineUser @userQuery -ErrorAction Stop | ConvertTo-LicenseAuditTeamsUser -Property $userProperty
            }
        },
        @{ Name = 'teams-resource-accounts'; Command = 'Get-CsOnlineApplicationInstance'; Audits = @('TeamsAssignments', 'TeamsCount'); Read = {
                Get-CsOnlineApplicationInstance -ErrorAction Stop | ConvertTo-LicenseAuditRecord -Property $script:UcApplicationInstanceProperties
            }
        },
        @{ Name = 'teams-phone-numbers'; Command = 'Get-CsPhoneNumberAssignment'; Audits = @('TeamsAssignments'); Read = {
                Get-LicenseAuditTeamsPhoneNumber -Cmdlet $teamsCmdlet
            }
        },
        @{ Name = 'teams-ip-phone-policies'; Command = 'Get-CsTeamsIPPhonePolicy'; Audits = @('TeamsCount'); Read = {
                Get-CsTeamsIPPhonePolicy -ErrorAction Stop | ConvertTo-LicenseAuditRecord -Property $script:UcIpPhonePolicyProperties
            }
        }
    )
    foreach ($export in $exports) {
        $readers = @($export.Audits | Where-Object { $Audit -contains $_ })
        if ($readers.Count -eq 0) { continue }
        $result = [pscustomobject]@{ Name = $export.Name; Command = $export.Command; Audits = [string[]]$readers; Path = $null; Records = 0; Error = $null }
        if (-not (Get-LicenseAuditCommand -Name $export.Command)) {
            Write-Warning ('{0} is not available in this MicrosoftTeams module: the Teams audits run without {1}.' -f $export.Command, $export.Name)
            $result
            continue
        }
        $file = Join-Path $Path ($export.Name + '.ndjson')
        try {
            $result.Records = Export-LicenseAuditRecordFile -Path $file -Source $export.Read -Confirm:$false -WhatIf:$false
            $result.Path = $file
        }
        catch [System.Management.Automation.PipelineStoppedException] {
            # Ctrl+C or a stopped job ends the whole run, not just this read.
            throw
        }
        catch {
            $result.Error = New-LicenseAuditErrorRecord -ErrorId 'TeamsSourceFailed' -Category ReadError -TargetObject $export.Command -InnerException $_.Exception `
                -Message ('{0}: not run: {1} failed ({2}). A partial read would look like the whole tenant, so nothing of it is audited.' -f ($readers -join ', '), $export.Command, $_.Exception.Message)
        }
        Write-Verbose ('{0}: {1} record(s) to {2}' -f $export.Command, $result.Records, $file)
        $result
        if ($result.Error -and $export.Name -eq 'teams') { return }
    }
}
