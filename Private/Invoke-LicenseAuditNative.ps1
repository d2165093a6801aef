function Invoke-LicenseAuditNative {
    <#
    .SYNOPSIS
    Runs one license-audit command to completion and emits its records: the helper behind every
    cmdlet. Objects given in -InputObject are streamed to stdin one JSON line each.
    .EXAMPLE
    Invoke-LicenseAuditNative -Command 'inspect' -Arguments @($Path) -Cmdlet $PSCmdlet
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string[]]$Command,
        [string[]]$Arguments = @(),
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [object[]]$InputObject,
        [string]$Activity = 'LicenseAudit',
        [System.Security.SecureString]$Secret
    )
    $session = Start-LicenseAuditNative -Command $Command -Arguments $Arguments -Cmdlet $Cmdlet -Activity $Activity -Secret $Secret
    try {
        foreach ($item in $InputObject) {
            Send-LicenseAuditNativeInput -Session $session -InputObject $item
        }
        Receive-LicenseAuditNativeOutput -Session $session -Wait
    }
    finally {
        $session.Process.Dispose()
    }
}
