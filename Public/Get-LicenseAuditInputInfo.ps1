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
    One or more exported files; wildcards are expanded. Accepts pipeline input (strings).

    .PARAMETER LiteralPath
    One or more exported files, taken exactly as typed. FileInfo objects from Get-ChildItem bind
    here (by PSPath).

    .EXAMPLE
    Get-CsUser | Export-Clixml users.xml; Get-LicenseAuditInputInfo users.xml

    Checks that a Get-CsUser export reads, and lists the properties it holds.

    .EXAMPLE
    Get-ChildItem .\exports\*.json | Get-LicenseAuditInputInfo -ErrorAction SilentlyContinue | Where-Object BadRecords -gt 0

    Finds the exports with records that will not load; each one's Problems say which and why
    (-ErrorAction SilentlyContinue keeps the same problems, one error each, off the screen).

    .EXAMPLE
    Get-LicenseAuditInputInfo -Path .\exports\users-*.json

    Inspects every matching export.

    .INPUTS
    System.String paths, System.IO.FileInfo.

    .OUTPUTS
    LicenseAudit.InputInspection

    .LINK
    Get-LicenseAuditSchema
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/input-formats.md#when-a-file-will-not-load-inspect-get-licenseauditinputinfo')]
    [OutputType('LicenseAudit.InputInspection')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'Path')]
        [string[]]$Path,
        [Parameter(Mandatory, ValueFromPipelineByPropertyName, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string[]]$LiteralPath
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            $files = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -LiteralPath $LiteralPath -ParameterName 'LiteralPath')
        }
        else {
            $files = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -Path $Path -ParameterName 'Path')
        }
        foreach ($file in $files) {
            Invoke-LicenseAuditNative -Command 'inspect' -Arguments @($file) -Cmdlet $PSCmdlet -Activity 'Inspecting input' -OutputType 'InputInspection' -Target $file
        }
    }
}
