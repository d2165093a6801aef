# The pieces of Invoke-LicenseAudit, the one command of a scheduled runbook: one engine run per
# audit with its records in a file (--output) and its totals in the history folder (--history),
# the estate folder (an offline snapshot) and its manifest, and UAL evidence collected to a file.

# What the engine reads of UAL evidence and of Get-UalSystemId (Get-ServerCalCompliance too).
$script:UalEvidenceProperties = @(
    'PSComputerName', 'ComputerName', 'ProductName', 'RoleName', 'RoleGuid', 'GUID', 'UserName', 'IPAddress',
    'FirstSeen', 'LastSeen', 'AccessDate', 'ActivityCount', 'AccessCount', 'ComputerID', 'Version', 'Edition',
    'AccessingDeviceIPAddress', 'AccessingDeviceComputerName', 'AccessingUser', 'InventoryDate'
)
$script:UalSystemProperties = @(
    'SystemDNSHostName', 'PSComputerName', 'OSMajor', 'OSMinor', 'OSBuildNumber', 'PhysicalProcessorCount',
    'CoresPerPhysicalProcessor', 'OSProductType'
)
# The extensions `--estate` looks for, in its order (native/src/app/estate.rs).
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
    (records of -CollectType) and Error (the ErrorRecord of a failure). Warnings and errors go
    through this function, so its caller can silence them with -WarningAction.
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
        [string[]]$CollectType = @()
    )
    $all = @($Arguments)
    if ($OutputFile) { $all += @('--output', $OutputFile) }
    if ($HistoryPath) { $all += @('--history', $HistoryPath) }
    if ($AsOf) { $all += @('--as-of', $AsOf) }
    $before = @(Get-LicenseAuditRunFileName -HistoryPath $HistoryPath)
    $session = New-LicenseAuditNativeSession -Command $Command -Cmdlet $PSCmdlet -Activity "LicenseAudit: $Name" `
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
        $PSCmdlet.WriteError($failure)
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
    #>
    [CmdletBinding()]
    [OutputType([double])]
    param(
        [AllowNull()]
        [object]$Run,
        [string]$Name,
        [string]$Like
    )
    if ($null -eq $Run -or -not $Run.PSObject.Properties['Totals'] -or $null -eq $Run.Totals) { return $null }
    if ($Name) {
        $total = $Run.Totals.PSObject.Properties[$Name]
        if ($total) { return [double]$total.Value }
        return $null
    }
    $sum = 0.0
    foreach ($total in $Run.Totals.PSObject.Properties) {
        if ($total.Name -like $Like) { $sum += [double]$total.Value }
    }
    $sum
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
    Collects UAL evidence with Get-UalCalEvidence (system ids first) into -Path, one JSON line per
    object with the properties the engine reads, UTF-8 without BOM; returns how many lines.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([int])]
    param(
        [Parameter(Mandatory)]
        [string[]]$ComputerName,
        [System.Management.Automation.PSCredential]$Credential,
        [Parameter(Mandatory)]
        [string]$Path
    )
    if (-not $PSCmdlet.ShouldProcess($Path, 'Write UAL evidence')) { return 0 }
    $collect = @{ ComputerName = $ComputerName }
    if ($Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) { $collect.Credential = $Credential }
    $count = 0
    $writer = New-Object System.IO.StreamWriter -ArgumentList $Path, $false, (New-Object System.Text.UTF8Encoding -ArgumentList $false)
    try {
        $writer.NewLine = "`n"
        Get-UalCalEvidence @collect | ForEach-Object {
            $properties = $script:UalEvidenceProperties
            if ($_.PSObject.Properties['SystemDNSHostName'] -or $_.PSObject.Properties['OSMajor']) { $properties = $script:UalSystemProperties }
            $writer.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditRecord -InputObject $_ -Property $properties)))
            $count++
        }
    }
    finally {
        $writer.Dispose()
    }
    $count
}
