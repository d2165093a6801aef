function Get-LyncCalUsage {
    <#
    .SYNOPSIS
    What each Lync / Skype for Business user and device actually used (Standard, Enterprise,
    Plus: Yes / No / InsufficientData), from the monitoring databases, as the MAP Toolkit reports it.

    .DESCRIPTION
    Reads the LcsCDR and QoEMetrics databases over TDS with read-only queries that aggregate on
    the server (review them with `license-audit lync usage-queries`). Finds the monitoring SQL
    instances with Get-CsService -MonitoringDatabase unless -SqlServer is given. With -Credential
    it logs in as that SQL login (the password goes to the engine on stdin, never on a command
    line); without it, Windows integrated authentication is used. TLS is required unless
    -DisableEncryption; -TrustServerCertificate accepts a certificate this machine does not trust.

    The pipeline carries one LicenseAudit.LyncUserUsage per user (evidence counts in Evidence
    and EvidenceText, reasons in Reasons and ReasonsText), so Export-Csv gets one kind of row.
    Devices (common area phones, IP phones, computers: LicenseAudit.LyncDeviceUsage) go to
    -DeviceVariable, and the coverage of each store (LicenseAudit.LyncUsageCoverage: does the
    data reach back to the start of the window?) to -CoverageVariable; a store whose data does
    not cover the window is also a warning (users without usage there are InsufficientData, not
    No).

    Several monitoring stores (one per pool pair or site) are merged into ONE answer per user
    and device: Yes in any store is Yes; otherwise InsufficientData in any store (or a store
    that could not be read) is InsufficientData; otherwise No. Evidence counts add up, the
    latest activity wins, and reasons name their store. A store that cannot be reached is a
    non-terminating error naming it (LicenseAudit.StoreUnreachable) and the others are still
    read; only when none can be read is it a terminating error.

    Wraps `license-audit lync usage`.

    .PARAMETER SqlServer
    The monitoring SQL Server(s): HOST, HOST\INSTANCE or HOST,PORT. Default: every monitoring
    store Get-CsService -MonitoringDatabase lists.

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

    .PARAMETER DeviceVariable
    Store the LicenseAudit.LyncDeviceUsage records in this variable (name without $).

    .PARAMETER CoverageVariable
    Store the LicenseAudit.LyncUsageCoverage records (one per store) in this variable.

    .EXAMPLE
    Get-LyncCalUsage -IncludeAllUsers -IncludeCommonAreaPhones -DeviceVariable devices | Export-Csv lync-usage.csv -NoTypeInformation -Encoding UTF8

    Usage over the last 90 days from every monitoring store the topology names, integrated
    auth; one row per user in the CSV, the devices in $devices.

    .EXAMPLE
    Get-LyncCalUsage -SqlServer 'sqlmon01\LYNCMON' -Credential (Get-Credential licenseaudit) -Days 60 | Where-Object Enterprise -eq 'Yes'

    The users who organised Enterprise-tier meetings in the last 60 days.

    .EXAMPLE
    Get-LyncCalUsage -SqlServer sqlmon01, sqlmon02 -CoverageVariable coverage | Where-Object LastActivity -lt (Get-Date).AddDays(-30)

    Two stores merged; users whose last activity is over 30 days old (LastActivity is a
    [datetime] on Windows PowerShell 5.1 and PowerShell 7 alike).

    .INPUTS
    None.

    .OUTPUTS
    LicenseAudit.LyncUserUsage

    .LINK
    Get-LyncCalRequirement

    .LINK
    https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-usage.md
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-usage.md')]
    [OutputType('LicenseAudit.LyncUserUsage')]
    param(
        [string[]]$SqlServer,
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,
        [ValidateRange(1, 36500)]
        [int]$Days = 90,
        [datetime]$AsOf,
        [string]$CdrDatabase = 'LcsCDR',
        [string]$QoeDatabase = 'QoEMetrics',
        [switch]$TrustServerCertificate,
        [switch]$DisableEncryption,
        [switch]$IncludeAllUsers,
        [switch]$IncludeCommonAreaPhones,
        [ValidateNotNullOrEmpty()]
        [string]$DeviceVariable,
        [ValidateNotNullOrEmpty()]
        [string]$CoverageVariable
    )
    $needed = @()
    if (-not $SqlServer) { $needed += 'Get-CsService' }
    if ($IncludeAllUsers) { $needed += 'Get-CsUser' }
    if ($IncludeCommonAreaPhones) { $needed += 'Get-CsCommonAreaPhone' }
    Assert-LicenseAuditCommand -Cmdlet $PSCmdlet -Name $needed -ErrorId 'LyncCmdletsNotFound' `
        -Remedy ('{0} (-SqlServer names the monitoring store without Get-CsService.)' -f $script:LyncCmdletRemedy)
    if (-not $SqlServer) {
        $SqlServer = @(Get-CsService -MonitoringDatabase | ForEach-Object {
                if ($_.SqlInstanceName) { '{0}\{1}' -f $_.PoolFqdn, $_.SqlInstanceName } else { [string]$_.PoolFqdn }
            } | Select-Object -Unique)
        if ($SqlServer.Count -eq 0) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoMonitoringStore' -Category ObjectNotFound `
                        -Message 'Get-CsService -MonitoringDatabase lists no monitoring store; give -SqlServer.'))
        }
    }
    $sqlLogin = $Credential -ne [System.Management.Automation.PSCredential]::Empty
    $features = Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet)

    # Users are SIP addresses only: read once, streamed on stdin to each run. stdin is free for
    # them with integrated auth; a SQL login's password needs it too, which engines from 0.2.0
    # allow (password first); an older engine gets them in a temporary file, deleted after.
    $users = $null
    if ($IncludeAllUsers) {
        $users = [System.Collections.Generic.List[object]]::new()
        Get-CsUser | ForEach-Object { if ($_.SipAddress) { $users.Add([pscustomobject]@{ SipAddress = [string]$_.SipAddress }) } }
    }
    $usersOnStdin = (-not $sqlLogin) -or $features.PasswordWithRecords
    $phones = @()
    if ($IncludeCommonAreaPhones) {
        $phones = @(Get-CsCommonAreaPhone | ConvertTo-LicenseAuditRecord -Property @('SipAddress', 'DisplayName'))
    }

    $common = @('--cdr-database', $CdrDatabase, '--qoe-database', $QoeDatabase, '--days', [string]$Days)
    $secret = $null
    if ($sqlLogin) {
        $common += @('--auth', 'sql', '--user', $Credential.UserName, '--password-stdin')
        $secret = $Credential.Password
    }
    else {
        $common += @('--auth', 'integrated')
    }
    if ($TrustServerCertificate) { $common += '--trust-server-certificate' }
    if ($DisableEncryption) { $common += @('--encrypt', 'off') }
    if ($PSBoundParameters.ContainsKey('AsOf')) {
        $common += @('--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture))
    }

    # One run per store, unless the engine merges stores itself (0.2.0: --server repeated).
    $runs = @()
    if ($features.MultiServer -and $SqlServer.Count -gt 1) { $runs = @(, $SqlServer) }
    else { $runs = @($SqlServer | ForEach-Object { , @($_) }) }
    $merge = $runs.Count -gt 1
    $results = [System.Collections.Generic.List[object]]::new()
    $failed = New-Object System.Collections.Generic.List[string]
    $devices = [System.Collections.Generic.List[object]]::new()
    $coverage = [System.Collections.Generic.List[object]]::new()

    foreach ($servers in $runs) {
        $target = $servers -join ', '
        $outputType = @('LyncUserUsage')
        if ($merge) { $outputType = @('None') }
        $collect = @('LyncDeviceUsage', 'LyncUsageCoverage')
        if ($merge) { $collect += 'LyncUserUsage' }
        $session = New-LicenseAuditNativeSession -Command 'lync', 'usage' -Cmdlet $PSCmdlet -Activity "Lync usage on $target" `
            -OutputType $outputType -CollectType $collect -Target $target -InputName 'Get-CsUser'
        try {
            $arguments = @()
            foreach ($server in $servers) { $arguments += @('--server', $server) }
            $arguments += $common
            $phoneFile = New-LicenseAuditSpoolFile -Session $session -Record $phones -Confirm:$false -WhatIf:$false
            if ($phoneFile) { $arguments += @('--common-area-phones', $phoneFile) }
            if ($null -ne $users -and -not $usersOnStdin) {
                Write-Verbose 'This engine cannot take users on stdin after the password (engine 0.2.0 can): the SIP addresses go in a temporary file, deleted when the run ends.'
                $userFile = New-LicenseAuditSpoolFile -Session $session -Record $users.ToArray() -Confirm:$false -WhatIf:$false
                if ($userFile) { $arguments += @('--users', $userFile) }
            }
            $stdinUsers = ($null -ne $users) -and $usersOnStdin
            if ($stdinUsers) { $arguments += @('--users', '-') }
            Start-LicenseAuditNative -Session $session -Arguments $arguments -Secret $secret -StdinRecords:$stdinUsers
            if ($stdinUsers) {
                foreach ($user in $users) { Send-LicenseAuditNativeInput -Session $session -Record $user }
            }
            # One run for several stores (the engine merges them): its failure is handled below.
            Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow:($merge -or @($servers).Count -gt 1)
        }
        finally {
            $session.Stop()
        }
        if ($session.Failure -and -not $merge) {
            # The engine exits 4 for several stores only when none of them could be read: the
            # same stable id as the per-store runs of older engines give for that case.
            if (@($servers).Count -gt 1 -and $session.Failure.FullyQualifiedErrorId -like 'LicenseAudit.SourceUnreachable*') {
                $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoStoreReadable' -Category ConnectionError -TargetObject $target `
                            -InnerException $session.Failure.Exception `
                            -Message ("None of the monitoring stores could be read ({0}): {1}" -f $target, $session.Failure.Exception.Message)))
            }
            $PSCmdlet.ThrowTerminatingError($session.Failure)
        }
        if ($session.Failure) {
            $failed.Add($target)
            $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'StoreUnreachable' -Category ConnectionError -TargetObject $target `
                        -Message ("Monitoring store {0} could not be read; the other stores are still used, and answers that are not Yes become InsufficientData: {1}" -f $target, $session.Failure.Exception.Message)))
            continue
        }
        if ($merge) { $results.Add(@{ Store = $target; Users = $session.Collected['LyncUserUsage'] }) }
        foreach ($d in $session.Collected['LyncDeviceUsage']) { $devices.Add($d) }
        foreach ($c in $session.Collected['LyncUsageCoverage']) { $coverage.Add($c) }
    }

    if ($merge) {
        if ($results.Count -eq 0) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoStoreReadable' -Category ConnectionError -TargetObject ($SqlServer -join ', ') `
                        -Message ("None of the monitoring stores could be read: {0}." -f ($failed -join ', '))))
        }
        Merge-LicenseAuditLyncUsage -Result $results.ToArray() -Key 'SipAddress' -FailedStore $failed.ToArray()
        $devices = Merge-LicenseAuditLyncUsage -Result @(@{ Store = ''; Users = $devices }) -Key 'Device' -FailedStore $failed.ToArray()
    }
    foreach ($c in $coverage) {
        if (-not $c.WindowCovered) {
            Write-Warning ("{0}: the call detail records start at {1}, after the window start {2}; users without usage there are InsufficientData." -f $c.Server, $c.FirstRecord, $c.WindowStart)
        }
    }
    if ($DeviceVariable) { $PSCmdlet.SessionState.PSVariable.Set($DeviceVariable, @($devices)) }
    if ($CoverageVariable) { $PSCmdlet.SessionState.PSVariable.Set($CoverageVariable, @($coverage)) }
}
