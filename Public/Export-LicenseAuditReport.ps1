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
    each with a warning naming the file and type. Pipeline records are streamed to the binary one
    JSON line at a time. Wraps `license-audit report`.

    Returns the workbook file (FileInfo); with -PassThru, one LicenseAudit.ReportSheet per
    worksheet instead.

    .PARAMETER Path
    The workbook to write (.xlsx). An existing file is replaced.

    .PARAMETER InputObject
    LicenseAudit records from the pipeline.

    .PARAMETER InputPath
    Record files the binary wrote (any mix), and Get-CsPool / Get-UalSystemId exports.

    .PARAMETER AsOf
    The "as of" date the workbook states (default: now).

    .PARAMETER PassThru
    Emit one LicenseAudit.ReportSheet per worksheet instead of the file.

    .EXAMPLE
    Get-LyncCalRequirement -IncludeDevices -Summary | Export-LicenseAuditReport -Path .\audit.xlsx

    The configured-tier workbook, straight from the Lync Management Shell.

    .EXAMPLE
    Export-LicenseAuditReport -Path .\audit.xlsx -InputPath .\cal.ndjson, .\usage.ndjson, .\rightsizing.ndjson, .\ual.ndjson, .\pools.xml

    One workbook from the record files of several runs, for the auditor.

    .OUTPUTS
    System.IO.FileInfo, LicenseAudit.ReportSheet
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo], 'LicenseAudit.ReportSheet')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string]$Path,
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [Alias('FullName')]
        [string[]]$InputPath,
        [datetime]$AsOf,
        [switch]$PassThru
    )
    begin {
        $target = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        if (-not $target.EndsWith('.xlsx', [System.StringComparison]::OrdinalIgnoreCase)) {
            throw "-Path '$Path': the workbook's name must end in .xlsx."
        }
        $piped = $PSCmdlet.MyInvocation.ExpectingInput -or $PSBoundParameters.ContainsKey('InputObject')
        $files = @()
        foreach ($p in $InputPath) { $files += $PSCmdlet.GetUnresolvedProviderPathFromPSPath($p) }
        if ($piped) { $files += '-' }
        if ($files.Count -eq 0) {
            throw 'No records: pipe LicenseAudit records in, or give -InputPath.'
        }
        $arguments = @('--output', $target)
        if ($PSBoundParameters.ContainsKey('AsOf')) { $arguments += @('--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')) }
        $arguments += $files
        $session = Start-LicenseAuditNative -Command 'report' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'LicenseAudit workbook'
        $sheets = New-Object System.Collections.Generic.List[object]
    }
    process {
        foreach ($item in $InputObject) {
            if ($null -eq $item) { continue }
            foreach ($record in @(Send-LicenseAuditNativeInput -Session $session -InputObject $item)) { $sheets.Add($record) }
        }
    }
    end {
        try {
            foreach ($record in @(Receive-LicenseAuditNativeOutput -Session $session -Wait)) { $sheets.Add($record) }
        }
        finally {
            $session.Process.Dispose()
        }
        if ($PassThru) { $sheets }
        elseif (Test-Path -LiteralPath $target -PathType Leaf) { Get-Item -LiteralPath $target }
    }
}
