function ConvertFrom-LicenseAuditRecord {
    <#
    .SYNOPSIS
    Turns one NDJSON line from the binary into an object typed LicenseAudit.<RecordType>, so the
    table views in LicenseAudit.Format.ps1xml apply and Where-Object/Export-Csv see real properties.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [string]$Line
    )
    process {
        if ([string]::IsNullOrWhiteSpace($Line)) { return }
        $record = ConvertFrom-Json -InputObject $Line
        if ($record.PSObject.Properties['RecordType']) {
            $record.PSObject.TypeNames.Insert(0, 'LicenseAudit.' + $record.RecordType)
        }
        $record
    }
}
