function Get-ServerCalCompliance {
    <#
    .SYNOPSIS
    Works out Windows Server, SQL Server, RDS and other server CAL consumption and compliance
    from User Access Logging evidence.

    .DESCRIPTION
    Takes evidence from the pipeline (Get-UalCalEvidence output, or Import-Csv of a FlexNet
    ConsolidatedAccessEvidence spreadsheet) and/or files (-EvidencePath), plus Get-UalSystemId
    records (from the pipeline or -SystemIdPath) and the licences owned (-LicensePath CSV:
    Product, Version, CalType, Quantity, Priority, Servers). Emits UnrecognizedEvidence,
    CalConsumption (one CAL per user or device per product family, with the servers and the
    licence it drew from), CalCompliance (required, owned, covered, shortfall per product, CAL type
    and version, with a device-CAL suggestion), CalLicenseUse and a UalEvidenceSummary of what was
    excluded and why. Pipeline evidence is spooled to a temporary file, so memory does not grow
    with the number of rows. Wraps `license-audit ual compliance`.

    .PARAMETER InputObject
    Evidence objects: Get-UalUserAccess / DeviceAccess / Daily*Access / Overview / SystemId output
    with PSComputerName, or FlexNet spreadsheet rows.

    .PARAMETER EvidencePath
    Evidence files (JSON, CLIXML or CSV exports).

    .PARAMETER SystemIdPath
    A Get-UalSystemId export.

    .PARAMETER LicensePath
    The licences CSV.

    .PARAMETER Mode
    Usage (principals with evidence in the last -WindowDays consume) or Access (every -PrincipalPath entry consumes).

    .PARAMETER WindowDays
    The usage window (default 90 days).

    .PARAMETER PrincipalPath
    Users and devices in scope for -Mode Access.

    .PARAMETER InternalDomain
    Domains whose users are internal; others need External Connectors.

    .PARAMETER PerCoreServer
    Servers licensed per core (SERVER, or PRODUCT=SERVER).

    .PARAMETER AdminAccount
    Administrator accounts exempt from CALs (domain\user).

    .PARAMETER IncludeEvidence
    Also emit every evidence row, normalised (UalEvidence).

    .PARAMETER AsOf
    The audit's "now" (default: the current time).

    .PARAMETER FailOnShortfall
    Make a shortfall a terminating error (for runbooks).

    .EXAMPLE
    Get-UalCalEvidence -ComputerName $servers | Get-ServerCalCompliance -LicensePath licences.csv -InternalDomain contoso.com | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.CalCompliance' }

    The compliance position for the servers.

    .EXAMPLE
    Get-ServerCalCompliance -EvidencePath .\ual.json, .\flexnet.csv -SystemIdPath .\systems.json -LicensePath .\licences.csv -PerCoreServer SQL01 -FailOnShortfall

    A runbook step that fails when any CAL is short.

    .OUTPUTS
    LicenseAudit.CalCompliance, LicenseAudit.CalConsumption, LicenseAudit.UnrecognizedEvidence, LicenseAudit.CalLicenseUse, LicenseAudit.UalEvidenceSummary
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.CalCompliance', 'LicenseAudit.CalConsumption', 'LicenseAudit.UnrecognizedEvidence', 'LicenseAudit.CalLicenseUse', 'LicenseAudit.UalEvidenceSummary')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [string[]]$EvidencePath,
        [string]$SystemIdPath,
        [string]$LicensePath,
        [ValidateSet('Usage', 'Access')]
        [string]$Mode = 'Usage',
        [ValidateRange(1, 3650)]
        [int]$WindowDays = 90,
        [string]$PrincipalPath,
        [string[]]$InternalDomain,
        [string[]]$PerCoreServer,
        [string[]]$AdminAccount,
        [switch]$IncludeEvidence,
        [datetime]$AsOf,
        [switch]$FailOnShortfall
    )
    begin {
        $evidenceProperties = @(
            'PSComputerName', 'ComputerName', 'ProductName', 'RoleName', 'RoleGuid', 'GUID', 'UserName', 'IPAddress',
            'FirstSeen', 'LastSeen', 'AccessDate', 'ActivityCount', 'AccessCount', 'ComputerID', 'Version', 'Edition',
            'AccessingDeviceIPAddress', 'AccessingDeviceComputerName', 'AccessingUser', 'InventoryDate'
        )
        $systemProperties = @(
            'SystemDNSHostName', 'PSComputerName', 'OSMajor', 'OSMinor', 'OSBuildNumber', 'PhysicalProcessorCount',
            'CoresPerPhysicalProcessor', 'OSProductType'
        )
        $temp = [System.IO.Path]::GetTempPath()
        $files = @{
            Evidence = [System.IO.Path]::Combine($temp, 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
            Systems  = [System.IO.Path]::Combine($temp, 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
        }
        $utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
        $evidenceWriter = New-Object System.IO.StreamWriter -ArgumentList $files.Evidence, $false, $utf8
        $systemWriter = New-Object System.IO.StreamWriter -ArgumentList $files.Systems, $false, $utf8
        $evidenceWriter.NewLine = "`n"
        $systemWriter.NewLine = "`n"
        $evidenceRows = 0
        $systemRows = 0
    }
    process {
        foreach ($item in $InputObject) {
            if ($null -eq $item) { continue }
            # Get-UalSystemId objects describe servers; everything else is access evidence.
            if ($item.PSObject.Properties['SystemDNSHostName'] -or $item.PSObject.Properties['OSMajor']) {
                $systemWriter.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditRecord -InputObject $item -Property $systemProperties)))
                $systemRows++
            }
            else {
                $evidenceWriter.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditRecord -InputObject $item -Property $evidenceProperties)))
                $evidenceRows++
            }
        }
    }
    end {
        $evidenceWriter.Dispose()
        $systemWriter.Dispose()
        try {
            $evidence = @()
            if ($evidenceRows -gt 0) { $evidence += $files.Evidence }
            foreach ($path in $EvidencePath) { $evidence += $PSCmdlet.GetUnresolvedProviderPathFromPSPath($path) }
            if ($evidence.Count -eq 0) {
                throw 'No evidence: pipe Get-UalCalEvidence output in, or give -EvidencePath.'
            }
            $arguments = @('--evidence') + $evidence + @('--mode', $Mode.ToLowerInvariant(), '--window-days', [string]$WindowDays)
            if ($SystemIdPath) { $arguments += @('--systems', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($SystemIdPath)) }
            elseif ($systemRows -gt 0) { $arguments += @('--systems', $files.Systems) }
            if ($LicensePath) { $arguments += @('--licenses', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LicensePath)) }
            if ($PrincipalPath) { $arguments += @('--principals', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($PrincipalPath)) }
            foreach ($d in $InternalDomain) { $arguments += @('--internal-domain', $d) }
            foreach ($s in $PerCoreServer) { $arguments += @('--per-core-server', $s) }
            foreach ($a in $AdminAccount) { $arguments += @('--admin-account', $a) }
            if ($IncludeEvidence) { $arguments += '--emit-evidence' }
            if ($PSBoundParameters.ContainsKey('AsOf')) { $arguments += @('--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')) }
            if ($FailOnShortfall) { $arguments += '--fail-on-shortfall' }
            Invoke-LicenseAuditNative -Command 'ual', 'compliance' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Server CAL compliance'
        }
        finally {
            Remove-LicenseAuditInputFile -Files $files
        }
    }
}
