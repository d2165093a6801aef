function Get-LicenseAuditErrorServer {
    <#
    .SYNOPSIS
    The server an error is about: OriginInfo.PSComputerName of a remoting error, else
    TargetObject. Safe under Set-StrictMode -Version 2 (most ErrorRecords have no OriginInfo).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][object]$ErrorRecord)
    $server = $null
    $origin = $ErrorRecord.PSObject.Properties['OriginInfo']
    if ($origin -and $null -ne $origin.Value) {
        $name = $origin.Value.PSObject.Properties['PSComputerName']
        if ($name -and $name.Value) { $server = [string]$name.Value }
    }
    if (-not $server) {
        $target = $ErrorRecord.PSObject.Properties['TargetObject']
        if ($target -and $null -ne $target.Value) { $server = [string]$target.Value }
    }
    $server
}
