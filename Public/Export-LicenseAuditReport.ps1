function Export-LicenseAuditReport {
    <#
    .SYNOPSIS
    Writes the audit workbook (Excel, MAP Toolkit-style) from LicenseAudit records: Overview,
    Report Details, User, Device and Server Details, Policies, Server CALs, UC Totals, Right-sizing.

    .DESCRIPTION
    Takes records from any LicenseAudit cmdlet on the pipeline (Get-LyncCalRequirement,
    Get-LyncCalUsage, Get-LyncCalRightSizing, Test-LyncConferencingPolicy,
    Get-ServerCalCompliance, Get-LicenseAuditHistory, ...) and/or record files written by the
    binary (-InputPath: NDJSON, JSON, CSV or CLIXML, plus Get-CsPool and Get-UalSystemId exports
    for the Server Details sheet), and writes one .xlsx workbook. Only the sheets whose records
    were given are written; every sheet is an Excel table with filters, a frozen header row and
    fitted columns. Records of an unknown type or from another version of the tool are kept out,
    each with a warning naming the file and type.

    Piped records stream to the engine on standard input, one JSON line at a time (never through
    a temporary file); the engine starts with the first record, and a pipeline that stops
    (Select-Object, Ctrl+C, -ErrorAction Stop) ends it without writing a workbook. An existing
    workbook is overwritten, as Export-Csv does, unless -NoClobber; -WhatIf and -Confirm are
    honoured before anything is read. Wraps `license-audit report`.

    Returns the workbook file (FileInfo); with -PassThru, one LicenseAudit.ReportSheet per
    worksheet instead.

    .PARAMETER Path
    The workbook to write; its name must end in .xlsx. A wildcard pattern that names one existing
    file writes to that file; otherwise the path is taken as written.

    .PARAMETER LiteralPath
    The workbook to write, taken exactly as typed (no wildcard characters interpreted).

    .PARAMETER InputObject
    LicenseAudit records from the pipeline (any mix of record types).

    .PARAMETER InputPath
    Record files the binary wrote (any mix), and Get-CsPool / Get-UalSystemId exports. Wildcards
    are expanded; a pattern that matches nothing is a non-terminating error
    (LicenseAudit.PathNotFound) and the workbook is written from the rest.

    .PARAMETER AsOf
    The "as of" date the workbook states (default: now).

    .PARAMETER PassThru
    Emit one LicenseAudit.ReportSheet per worksheet instead of the file.

    .PARAMETER NoClobber
    Do not overwrite an existing workbook: stop with LicenseAudit.FileExists instead.

    .PARAMETER Force
    Overwrite a read-only workbook.

    .EXAMPLE
    Get-LyncCalRequirement -IncludeDevices | Export-LicenseAuditReport -Path .\audit.xlsx

    The configured-tier workbook, straight from the Lync Management Shell.

    .EXAMPLE
    Export-LicenseAuditReport -Path .\audit.xlsx -InputPath .\cal.ndjson, .\usage.ndjson, .\rightsizing.ndjson, .\ual.ndjson, .\pools.xml

    One workbook from the record files of several runs, for the auditor.

    .EXAMPLE
    Export-LicenseAuditReport -LiteralPath '.\audit [final].xlsx' -InputPath .\records\*.ndjson -NoClobber -PassThru

    Writes a workbook whose name has brackets, refuses to replace an existing one, and lists the
    sheets with their row counts.

    .EXAMPLE
    Export-LicenseAuditReport -Path .\audit.xlsx -InputPath .\cal.ndjson -WhatIf

    Shows which file would be written, and writes nothing.

    .INPUTS
    LicenseAudit records (any LicenseAudit.* object, or rows read back with Import-Csv or
    Import-Clixml).

    .OUTPUTS
    System.IO.FileInfo, or LicenseAudit.ReportSheet with -PassThru.

    .LINK
    Get-LyncCalRightSizing

    .LINK
    Get-LicenseAuditHistory

    .LINK
    Get-LyncCalRequirement

    .LINK
    Get-ServerCalCompliance
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low', DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/workbook.md#sheets-export-licenseauditreport')]
    [OutputType('System.IO.FileInfo', 'LicenseAudit.ReportSheet')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [string]$Path,
        [Parameter(Mandatory, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath')]
        [string]$LiteralPath,
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [string[]]$InputPath,
        [datetime]$AsOf,
        [switch]$PassThru,
        [switch]$NoClobber,
        [switch]$Force
    )
    begin {
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            $target = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LiteralPath)
        }
        else {
            # A pattern that names an existing file writes to it; otherwise the path is taken as is.
            $target = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
            if ([System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Path)) {
                $matched = @(Resolve-Path -Path $Path -ErrorAction SilentlyContinue)
                if ($matched.Count -gt 1) {
                    $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathAmbiguous' -Category InvalidArgument -TargetObject $Path `
                                -ExceptionType 'System.ArgumentException' -Message ("'{0}' matches {1} files; name one (or use -LiteralPath)." -f $Path, $matched.Count)))
                }
                if ($matched.Count -eq 1) { $target = $matched[0].ProviderPath }
            }
        }
        if (-not $target.EndsWith('.xlsx', [System.StringComparison]::OrdinalIgnoreCase)) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NotXlsx' -Category InvalidArgument -TargetObject $target `
                        -ExceptionType 'System.ArgumentException' -Message ("'{0}': the workbook's name must end in .xlsx." -f $target)))
        }
        if ($NoClobber -and (Test-Path -LiteralPath $target)) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'FileExists' -Category ResourceExists -TargetObject $target `
                        -ExceptionType 'System.IO.IOException' -Message "$target exists and -NoClobber was given."))
        }
        $files = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -Path $InputPath -ParameterName 'InputPath')
        # Asked once, before any record is read (as Export-Csv does). Declined or -WhatIf: the
        # piped records are consumed and nothing is started or written.
        $write = $PSCmdlet.ShouldProcess($target, 'Write LicenseAudit workbook')
        if ($write -and $Force -and (Test-Path -LiteralPath $target -PathType Leaf)) {
            $existing = Get-Item -LiteralPath $target -Force
            if ($existing.IsReadOnly) { $existing.IsReadOnly = $false }
        }
        $arguments = @('--output', $target)
        if ($PSBoundParameters.ContainsKey('AsOf')) {
            $arguments += @('--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture))
        }
        # The sheet records go down the pipeline only with -PassThru; otherwise they are dropped
        # unparsed ('None' is no record type).
        $outputType = @('None')
        if ($PassThru) { $outputType = @('ReportSheet') }
        $session = New-LicenseAuditNativeSession -Command 'report' -Cmdlet $PSCmdlet -Activity 'LicenseAudit workbook' `
            -OutputType $outputType -Target $target -InputName 'pipeline records'
        $channel = $session.Channel
    }
    process {
        if (-not $write) { return }
        $completed = $false
        try {
            foreach ($item in $InputObject) {
                if ($null -eq $item) { continue }
                if ($item -is [System.IO.FileSystemInfo]) {
                    # Get-ChildItem output is a file to read, not a record to serialise.
                    $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'FileOnPipeline' -Category InvalidArgument -TargetObject $item `
                                -ExceptionType 'System.ArgumentException' `
                                -Message ("'{0}' is a file, not a record: give record files with -InputPath, e.g. -InputPath (Get-ChildItem .\records\*.ndjson).FullName." -f $item.FullName)))
                    continue
                }
                if ($null -eq $session.Process) {
                    # The files first, then the piped records on stdin.
                    Start-LicenseAuditNative -Session $session -Arguments ($arguments + $files + @('-')) -StdinRecords
                }
                # Rows read back with Import-Csv: their dates are text in this session's culture.
                if ($item.PSObject.TypeNames[0] -notlike 'LicenseAudit.*') { $item = ConvertFrom-LicenseAuditCsvDate -InputObject $item }
                # One .NET call per record (Private/EngineChannel.cs); diagnostics and faults take
                # the script path.
                $channel.Send($item, $item)
                if ($channel.Status) { Resolve-LicenseAuditNativeStatus -Session $session -Status $channel.Status }
            }
            $completed = $true
        }
        finally {
            # A stop (Select-Object -First, Ctrl+C, -ErrorAction Stop) skips end{}: end the engine
            # now, before it writes a workbook of part of the records.
            if (-not $completed) { $session.Stop() }
        }
    }
    end {
        if (-not $write) {
            $session.Stop()
            return
        }
        try {
            if ($null -eq $session.Process) {
                if ($files.Count -eq 0) {
                    $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoRecords' -Category InvalidArgument -TargetObject $target `
                                -ExceptionType 'System.ArgumentException' -Message 'No records: pipe LicenseAudit records in, or give -InputPath.'))
                }
                Start-LicenseAuditNative -Session $session -Arguments ($arguments + $files)
            }
            Receive-LicenseAuditNativeOutput -Session $session -Wait
        }
        finally {
            $session.Stop()
        }
        if (-not $PassThru -and (Test-Path -LiteralPath $target -PathType Leaf)) { Get-Item -LiteralPath $target }
    }
}
