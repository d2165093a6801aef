function Get-LyncCalUsage {
    <#
    .SYNOPSIS
    What each Lync / Skype for Business user and device actually used (Standard, Enterprise,
    Plus: Yes / No / InsufficientData), from the monitoring databases, as the MAP Toolkit reports it.

    .DESCRIPTION
    Reads the LcsCDR and QoEMetrics databases over TDS with read-only queries that aggregate on
    the server (review them with `license-audit lync usage-queries`). Finds the monitoring SQL
    instance with Get-CsService -MonitoringDatabase unless -SqlServer is given. With -Credential
    it logs in as that SQL login (the password goes to the engine on stdin, never on a command
    line); without it, Windows integrated authentication is used. TLS is required unless
    -DisableEncryption; -TrustServerCertificate accepts a certificate this machine does not trust.

    Emits LicenseAudit.LyncUserUsage per user (with evidence counts and reasons),
    LicenseAudit.LyncDeviceUsage per device (common area phones, IP phones, computers) and one
    LicenseAudit.LyncUsageCoverage per server saying whether the data reaches back to the start
    of the window (if not, users without usage are InsufficientData, not No).
    Wraps `license-audit lync usage`.

    .PARAMETER SqlServer
    The monitoring SQL Server: HOST, HOST\INSTANCE or HOST,PORT. Default: every monitoring store
    Get-CsService -MonitoringDatabase lists.

    .PARAMETER Credential
    A SQL login with read access to LcsCDR and QoEMetrics. Without it, integrated authentication.

    .PARAMETER Days
    The window, in days (default 90).

    .PARAMETER AsOf
    The end of the window (default: now).

    .PARAMETER CdrDatabase
    The call detail recording database (default LcsCDR).

    .PARAMETER QoeDatabase
    The QoE database (default QoEMetrics).

    .PARAMETER TrustServerCertificate
    Accept the server certificate without validating it.

    .PARAMETER DisableEncryption
    Connect without TLS (only for servers that have none).

    .PARAMETER IncludeAllUsers
    Read Get-CsUser so every Lync user gets an answer, including those with no usage (No).

    .PARAMETER IncludeCommonAreaPhones
    Read Get-CsCommonAreaPhone so those devices are reported as common area phones (Standard + Plus).

    .EXAMPLE
    Get-LyncCalUsage -IncludeAllUsers -IncludeCommonAreaPhones | Export-Csv lync-usage.csv -NoTypeInformation

    Usage over the last 90 days from the monitoring store the topology names, integrated auth.

    .EXAMPLE
    Get-LyncCalUsage -SqlServer 'sqlmon01\LYNCMON' -Credential (Get-Credential licenseaudit) -Days 60 | Where-Object Enterprise -eq 'Yes'

    The users who organised Enterprise-tier meetings in the last 60 days.

    .OUTPUTS
    LicenseAudit.LyncUserUsage, LicenseAudit.LyncDeviceUsage, LicenseAudit.LyncUsageCoverage
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.LyncUserUsage', 'LicenseAudit.LyncDeviceUsage', 'LicenseAudit.LyncUsageCoverage')]
    param(
        [string[]]$SqlServer,
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,
        [ValidateRange(1, 3650)]
        [int]$Days = 90,
        [datetime]$AsOf,
        [string]$CdrDatabase = 'LcsCDR',
        [string]$QoeDatabase = 'QoEMetrics',
        [switch]$TrustServerCertificate,
        [switch]$DisableEncryption,
        [switch]$IncludeAllUsers,
        [switch]$IncludeCommonAreaPhones
    )
    if (-not $SqlServer) {
        $SqlServer = @(Get-CsService -MonitoringDatabase | ForEach-Object {
                if ($_.SqlInstanceName) { '{0}\{1}' -f $_.PoolFqdn, $_.SqlInstanceName } else { [string]$_.PoolFqdn }
            })
        if ($SqlServer.Count -eq 0) {
            throw 'Get-CsService -MonitoringDatabase lists no monitoring store; give -SqlServer.'
        }
    }
    $files = @{}
    try {
        if ($IncludeAllUsers) {
            $files.Users = Write-LicenseAuditInputFile -InputObject @(Get-CsUser) -Property @('SipAddress')
        }
        if ($IncludeCommonAreaPhones) {
            $files.CommonAreaPhones = Write-LicenseAuditInputFile -InputObject @(Get-CsCommonAreaPhone) -Property @('SipAddress', 'DisplayName')
        }
        foreach ($server in $SqlServer) {
            $arguments = @('--server', $server, '--cdr-database', $CdrDatabase, '--qoe-database', $QoeDatabase, '--days', [string]$Days)
            $secret = $null
            if ($Credential -ne [System.Management.Automation.PSCredential]::Empty) {
                $arguments += @('--auth', 'sql', '--user', $Credential.UserName, '--password-stdin')
                $secret = $Credential.Password
            }
            else {
                $arguments += @('--auth', 'integrated')
            }
            if ($TrustServerCertificate) { $arguments += '--trust-server-certificate' }
            if ($DisableEncryption) { $arguments += @('--encrypt', 'off') }
            if ($files.Users) { $arguments += @('--users', $files.Users) }
            if ($files.CommonAreaPhones) { $arguments += @('--common-area-phones', $files.CommonAreaPhones) }
            if ($PSBoundParameters.ContainsKey('AsOf')) { $arguments += @('--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')) }
            Invoke-LicenseAuditNative -Command 'lync', 'usage' -Arguments $arguments -Cmdlet $PSCmdlet -Activity "Lync usage on $server" -Secret $secret
        }
    }
    finally {
        Remove-LicenseAuditInputFile -Files $files
    }
}
