function Export-CalEvidenceTemplate {
    <#
    .SYNOPSIS
    Writes the CSV template for access evidence that User Access Logging cannot provide
    (Exchange, SharePoint 2010, Lync/Skype for Business, servers older than Windows Server 2012).

    .DESCRIPTION
    The columns are FlexNet Manager Suite's ConsolidatedAccessEvidence spreadsheet: ComputerID,
    ProductName, Version, Edition, AccessingDeviceIPAddress, AccessingDeviceComputerName,
    AccessingDeviceSerialNo, AccessingDeviceDomain, AccessingUser (DOMAIN/SAMAccountName),
    AccessDate (yyyyMMdd), AccessCount, InventoryDate. Each row needs a server (ComputerID), a
    product, and a user or a device. Fill it in, then pass it to Get-ServerCalCompliance
    -EvidencePath. With -IncludeExample an example row shows the formats.

    .PARAMETER Path
    The CSV file to write.

    .PARAMETER IncludeExample
    Add one example row.

    .PARAMETER Force
    Overwrite an existing file.

    .EXAMPLE
    Export-CalEvidenceTemplate -Path .\exchange-evidence.csv -IncludeExample

    Writes the template with an example row.

    .EXAMPLE
    Get-Mailbox -ResultSize Unlimited | ForEach-Object { [pscustomobject]@{ ComputerID = 'EXCH01'; ProductName = 'Exchange Server'; Version = '2016'; AccessingUser = 'CONTOSO/' + $_.SamAccountName; AccessDate = (Get-Date -Format yyyyMMdd) } } | Export-Csv exchange-evidence.csv -NoTypeInformation

    Builds the same columns from Exchange mailboxes.

    .OUTPUTS
    System.IO.FileInfo
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string]$Path,
        [switch]$IncludeExample,
        [switch]$Force
    )
    $columns = @('ComputerID', 'ProductName', 'Version', 'Edition', 'AccessingDeviceIPAddress', 'AccessingDeviceComputerName',
        'AccessingDeviceSerialNo', 'AccessingDeviceDomain', 'AccessingUser', 'AccessDate', 'AccessCount', 'InventoryDate')
    $target = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    if ((Test-Path -LiteralPath $target) -and -not $Force) {
        $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
            (New-Object System.IO.IOException "$target exists; use -Force to overwrite it."), 'LicenseAudit.FileExists',
            [System.Management.Automation.ErrorCategory]::ResourceExists, $target)))
        return
    }
    if (-not $PSCmdlet.ShouldProcess($target, 'Write CAL evidence template')) { return }
    $lines = New-Object System.Collections.Generic.List[string]
    $lines.Add((($columns | ForEach-Object { '"' + $_ + '"' }) -join ','))
    if ($IncludeExample) {
        $today = (Get-Date).ToString('yyyyMMdd')
        $example = @('EXCH01', 'Microsoft Exchange Server', '2016', 'Standard', '10.0.0.21', 'LAP001', '', 'CONTOSO', 'CONTOSO/peter', $today, '12', $today)
        $lines.Add((($example | ForEach-Object { '"' + $_ + '"' }) -join ','))
    }
    # UTF-8 without BOM, CRLF: what Excel and Import-Csv both read.
    [System.IO.File]::WriteAllText($target, (($lines -join "`r`n") + "`r`n"), (New-Object System.Text.UTF8Encoding -ArgumentList $false))
    Get-Item -LiteralPath $target
}
