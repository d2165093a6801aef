function Get-LicenseAuditInputInfo {
    <#
    .SYNOPSIS
    Shows what LicenseAudit reads in an exported file: encoding, dialect, PowerShell edition,
    record count, properties, and every problem with its record number.

    .DESCRIPTION
    The first thing to run when an export will not load. Wraps `license-audit inspect`. Accepts
    ConvertTo-Json output from Windows PowerShell 5.1 or PowerShell 7 (array, object or one object
    per line), Export-Clixml and Export-Csv files, in UTF-8 or UTF-16 with a byte-order mark.
    Problems are written as non-terminating errors naming the file, record and property.

    .PARAMETER Path
    One or more exported files. Accepts pipeline input, including FileInfo objects from Get-ChildItem.

    .EXAMPLE
    Get-CsUser | Export-Clixml users.xml; Get-LicenseAuditInputInfo users.xml

    Checks that a Get-CsUser export reads, and lists the properties it holds.

    .EXAMPLE
    Get-ChildItem .\exports\*.json | Get-LicenseAuditInputInfo | Where-Object BadRecords -gt 0

    Finds the exports with records that will not load.

    .OUTPUTS
    LicenseAudit.InputInspection
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.InputInspection')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'PSPath')]
        [string[]]$Path
    )
    process {
        foreach ($item in $Path) {
            $resolved = $item
            try { $resolved = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($item) } catch { $resolved = $item }
            Invoke-LicenseAuditNative -Command 'inspect' -Arguments @($resolved) -Cmdlet $PSCmdlet -Activity 'Inspecting input'
        }
    }
}
