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
    The CSV file to write. An existing file is overwritten (as Export-Csv does) unless -NoClobber.

    .PARAMETER LiteralPath
    The CSV file to write, taken exactly as typed (no wildcard characters interpreted).

    .PARAMETER IncludeExample
    Add one example row.

    .PARAMETER NoClobber
    Do not overwrite an existing file: report LicenseAudit.FileExists instead.

    .PARAMETER Force
    Overwrite a read-only file.

    .EXAMPLE
    Export-CalEvidenceTemplate -Path .\exchange-evidence.csv -IncludeExample

    Writes the template with an example row.

    .EXAMPLE
    Get-Mailbox -ResultSize Unlimited | ForEach-Object { [pscustomobject]@{ ComputerID = 'EXCH01'; ProductName = 'Exchange Server'; Version = '2016'; AccessingUser = 'CONTOSO/' + $_.SamAccountName; AccessDate = (Get-Date).ToString('yyyyMMdd', [cultureinfo]::InvariantCulture) } } | Export-Csv exchange-evidence.csv -NoTypeInformation -Encoding UTF8

    Builds the same columns from Exchange mailboxes (AccessDate in the invariant culture, so a
    th-TH session still writes a Gregorian year).

    .INPUTS
    None.

    .OUTPUTS
    System.IO.FileInfo

    .LINK
    Get-ServerCalCompliance
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low', DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/server-cals.md#evidence-get-ualcalevidence-export-calevidencetemplate')]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [string]$Path,
        [Parameter(Mandatory, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath')]
        [string]$LiteralPath,
        [switch]$IncludeExample,
        [switch]$NoClobber,
        [switch]$Force
    )
    $columns = @('ComputerID', 'ProductName', 'Version', 'Edition', 'AccessingDeviceIPAddress', 'AccessingDeviceComputerName',
        'AccessingDeviceSerialNo', 'AccessingDeviceDomain', 'AccessingUser', 'AccessDate', 'AccessCount', 'InventoryDate')
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
    if ($NoClobber -and (Test-Path -LiteralPath $target)) {
        $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'FileExists' -Category ResourceExists -TargetObject $target `
                    -ExceptionType 'System.IO.IOException' -Message "$target exists and -NoClobber was given."))
        return
    }
    if (-not $PSCmdlet.ShouldProcess($target, 'Write CAL evidence template')) { return }
    $lines = New-Object System.Collections.Generic.List[string]
    $lines.Add((($columns | ForEach-Object { '"' + $_ + '"' }) -join ','))
    if ($IncludeExample) {
        $today = (Get-Date).ToString('yyyyMMdd', [System.Globalization.CultureInfo]::InvariantCulture)
        $example = @('EXCH01', 'Microsoft Exchange Server', '2016', 'Standard', '10.0.0.21', 'LAP001', '', 'CONTOSO', 'CONTOSO/peter', $today, '12', $today)
        $lines.Add((($example | ForEach-Object { '"' + $_ + '"' }) -join ','))
    }
    if ($Force -and (Test-Path -LiteralPath $target -PathType Leaf)) {
        $existing = Get-Item -LiteralPath $target -Force
        if ($existing.IsReadOnly) { $existing.IsReadOnly = $false }
    }
    try {
        # UTF-8 without BOM, CRLF: what Excel and Import-Csv both read.
        [System.IO.File]::WriteAllText($target, (($lines -join "`r`n") + "`r`n"), (New-Object System.Text.UTF8Encoding -ArgumentList $false))
    }
    catch {
        $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'WriteFailed' -Category WriteError -TargetObject $target `
                    -InnerException $_.Exception -Message ("Cannot write {0}: {1}" -f $target, $_.Exception.Message)))
        return
    }
    Get-Item -LiteralPath $target
}
