function Get-UalCalEvidence {
    <#
    .SYNOPSIS
    Collects User Access Logging evidence (users, devices, system identity, roles) from many
    Windows servers for a server CAL compliance audit.

    .DESCRIPTION
    Opens CIM sessions to each server and runs Get-UalUserAccess, Get-UalDeviceAccess,
    Get-UalSystemId and Get-UalOverview against all of them at once (the UAL cmdlets fan out over
    CIM sessions in parallel, up to -ThrottleLimit at a time). A server that cannot be reached, or
    whose UAL query fails, gets its own non-terminating error naming it; the others carry on.
    Every object carries PSComputerName (the server it came from). Without -ComputerName and
    without pipeline input, the local server is read; an empty pipeline or an empty
    -ComputerName reads nothing (a warning says so). Get-UalSystemId objects come first, so
    Get-ServerCalCompliance knows each server's Windows version before its evidence streams
    past. The CIM sessions are removed however the command ends (-ErrorAction Stop, a stopped
    pipeline).

    Evidence that is missing is said in the stream too: after the evidence, one
    LicenseAudit.UalEvidenceGap object (ComputerName, Query, Reason) for each server whose session
    or query failed, so that Get-ServerCalCompliance says which servers gave no evidence (and
    -FailOnShortfall fails on it) instead of reading a partial estate as the whole.

    Pipe the result into Get-ServerCalCompliance, or save it with ConvertTo-Json / Export-Clixml
    for later.

    .PARAMETER ComputerName
    The servers to collect from.

    .PARAMETER Credential
    Credentials for the CIM sessions.

    .PARAMETER ThrottleLimit
    How many servers are queried at once (default 32).

    .PARAMETER Kind
    Which evidence to collect: UserAccess, DeviceAccess, SystemId, Overview (default all).

    .PARAMETER OperationTimeoutSec
    How long to wait for a server before giving up on it (default 120).

    .EXAMPLE
    Get-UalCalEvidence -ComputerName (Get-ADComputer -Filter 'OperatingSystem -like "*Server*"').DNSHostName | Get-ServerCalCompliance -LicensePath licences.csv -InternalDomain contoso.com

    Collects from every server in the domain and computes the compliance position.

    .EXAMPLE
    Get-UalCalEvidence -ComputerName FS01, SQL01 -Credential (Get-Credential) | Export-Clixml ual-evidence.xml

    Saves the evidence for an audit run elsewhere.

    .INPUTS
    System.String server names, or objects with a DNSHostName / ComputerName property (Get-ADComputer).

    .OUTPUTS
    UAL evidence objects (MsftUal_SystemId, MsftUal_UserAccess, MsftUal_DeviceAccess, MsftUal_Overview) with PSComputerName, then a LicenseAudit.UalEvidenceGap for each server that gave none.

    .LINK
    Get-ServerCalCompliance
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('DNSHostName', 'CN', 'Server')]
        [string[]]$ComputerName,
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,
        [ValidateRange(1, 1024)]
        [int]$ThrottleLimit = 32,
        [ValidateSet('UserAccess', 'DeviceAccess', 'SystemId', 'Overview')]
        [string[]]$Kind = @('SystemId', 'UserAccess', 'DeviceAccess', 'Overview'),
        [ValidateRange(1, 3600)]
        [int]$OperationTimeoutSec = 120
    )
    begin {
        $computers = New-Object System.Collections.Generic.List[string]
        # System ids first, whatever order -Kind names them in.
        $queries = [ordered]@{
            SystemId     = 'Get-UalSystemId'
            UserAccess   = 'Get-UalUserAccess'
            DeviceAccess = 'Get-UalDeviceAccess'
            Overview     = 'Get-UalOverview'
        }
        $kinds = @($queries.Keys | Where-Object { $Kind -contains $_ })
        # The local server only when no server was named at all: an empty pipeline (say
        # Get-ADComputer matching nothing) or -ComputerName @() means no servers, not this one.
        $readLocal = -not $PSBoundParameters.ContainsKey('ComputerName') -and -not $PSCmdlet.MyInvocation.ExpectingInput
    }
    process {
        foreach ($name in $ComputerName) {
            if ($name -and -not $computers.Contains($name)) { $computers.Add($name) }
        }
    }
    end {
        if ($computers.Count -eq 0) {
            if (-not $readLocal) {
                Write-Warning 'No server names were given (the pipeline or -ComputerName was empty): no UAL evidence collected.'
                return
            }
            # Local server: the cmdlets add no PSComputerName, so add it.
            foreach ($k in $kinds) {
                foreach ($item in @(& $queries[$k])) {
                    $item | Add-Member -NotePropertyName PSComputerName -NotePropertyValue $env:COMPUTERNAME -Force -PassThru
                }
            }
            return
        }
        $sessionErrors = $null
        $sessionParameters = @{ ComputerName = $computers.ToArray(); OperationTimeoutSec = $OperationTimeoutSec; ErrorAction = 'SilentlyContinue'; ErrorVariable = 'sessionErrors' }
        if ($Credential -ne [System.Management.Automation.PSCredential]::Empty) { $sessionParameters.Credential = $Credential }
        $sessions = @()
        # Servers whose evidence is missing, in order: name -> the query and why.
        $gaps = [ordered]@{}
        try {
            $sessions = @(New-CimSession @sessionParameters)
            # Inside try: with -ErrorAction Stop the first WriteError throws, and the finally
            # still removes the sessions that did open.
            foreach ($failure in @($sessionErrors)) {
                if ($null -eq $failure) { continue }
                $server = Get-LicenseAuditErrorServer -ErrorRecord $failure
                if ($server -and -not $gaps.Contains([string]$server)) { $gaps[[string]$server] = @('New-CimSession', $failure.Exception.Message) }
                $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'UalSessionFailed' -Category ConnectionError -TargetObject $server `
                            -Message ("Cannot open a CIM session to {0}: {1}" -f $server, $failure.Exception.Message)))
            }
            if ($sessions.Count -eq 0) {
                foreach ($server in @($gaps.Keys)) {
                    [pscustomobject]@{ PSTypeName = 'LicenseAudit.UalEvidenceGap'; ComputerName = $server; Query = $gaps[$server][0]; Reason = $gaps[$server][1] }
                }
                return
            }
            $i = 0
            foreach ($k in $kinds) {
                $i++
                Write-Progress -Activity 'Collecting UAL evidence' -Status "$($queries[$k]) on $($sessions.Count) server(s)" -PercentComplete (100 * ($i - 1) / $kinds.Count)
                $queryErrors = $null
                & $queries[$k] -CimSession $sessions -ThrottleLimit $ThrottleLimit -ErrorAction SilentlyContinue -ErrorVariable queryErrors
                foreach ($failure in @($queryErrors)) {
                    if ($null -eq $failure) { continue }
                    $server = Get-LicenseAuditErrorServer -ErrorRecord $failure
                    if ($server -and -not $gaps.Contains([string]$server)) { $gaps[[string]$server] = @($queries[$k], $failure.Exception.Message) }
                    $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'UalQueryFailed' -Category ReadError -TargetObject $server `
                                -Message ("{0} failed on {1}: {2}" -f $queries[$k], $server, $failure.Exception.Message)))
                }
            }
            Write-Progress -Activity 'Collecting UAL evidence' -Completed
            foreach ($server in @($gaps.Keys)) {
                [pscustomobject]@{ PSTypeName = 'LicenseAudit.UalEvidenceGap'; ComputerName = $server; Query = $gaps[$server][0]; Reason = $gaps[$server][1] }
            }
        }
        finally {
            try {
                # One call for all, not one per piped session: each session is removed once.
                if ($sessions.Count -gt 0) { Remove-CimSession -CimSession $sessions -ErrorAction SilentlyContinue }
            }
            finally {
                # In a stopping pipeline (Ctrl+C) Remove-CimSession is refused, and so is a
                # PowerShell loop over the sessions: one .NET call disposes them all (a no-op
                # after Remove-CimSession).
                [LicenseAudit.NativeSession]::DisposeAll($sessions)
            }
        }
    }
}
