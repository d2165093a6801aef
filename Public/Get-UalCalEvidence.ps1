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
    Every object carries PSComputerName (the server it came from). Without -ComputerName, the
    local server is read.

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

    .OUTPUTS
    UAL evidence objects (MsftUal_UserAccess, MsftUal_DeviceAccess, MsftUal_SystemId, MsftUal_Overview) with PSComputerName.
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
        [string[]]$Kind = @('UserAccess', 'DeviceAccess', 'SystemId', 'Overview'),
        [ValidateRange(1, 3600)]
        [int]$OperationTimeoutSec = 120
    )
    begin {
        $computers = New-Object System.Collections.Generic.List[string]
        $queries = [ordered]@{
            UserAccess   = 'Get-UalUserAccess'
            DeviceAccess = 'Get-UalDeviceAccess'
            SystemId     = 'Get-UalSystemId'
            Overview     = 'Get-UalOverview'
        }
    }
    process {
        foreach ($name in $ComputerName) {
            if ($name -and -not $computers.Contains($name)) { $computers.Add($name) }
        }
    }
    end {
        if ($computers.Count -eq 0) {
            # Local server: the cmdlets add no PSComputerName, so add it.
            foreach ($k in $Kind) {
                foreach ($item in @(& $queries[$k])) {
                    $item | Add-Member -NotePropertyName PSComputerName -NotePropertyValue $env:COMPUTERNAME -Force -PassThru
                }
            }
            return
        }
        $sessionParameters = @{ ComputerName = $computers.ToArray(); OperationTimeoutSec = $OperationTimeoutSec; ErrorAction = 'SilentlyContinue'; ErrorVariable = 'sessionErrors' }
        if ($Credential -ne [System.Management.Automation.PSCredential]::Empty) { $sessionParameters.Credential = $Credential }
        $sessionErrors = $null
        $sessions = @(New-CimSession @sessionParameters)
        foreach ($failure in @($sessionErrors)) {
            if ($null -eq $failure) { continue }
            $server = $failure.TargetObject
            if ($failure.OriginInfo -and $failure.OriginInfo.PSComputerName) { $server = $failure.OriginInfo.PSComputerName }
            $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
                (New-Object System.InvalidOperationException ("Cannot open a CIM session to {0}: {1}" -f $server, $failure.Exception.Message)),
                'LicenseAudit.UalSessionFailed', [System.Management.Automation.ErrorCategory]::ConnectionError, $server)))
        }
        try {
            if ($sessions.Count -eq 0) { return }
            $i = 0
            foreach ($k in $Kind) {
                $i++
                Write-Progress -Activity 'Collecting UAL evidence' -Status "$($queries[$k]) on $($sessions.Count) server(s)" -PercentComplete (100 * ($i - 1) / $Kind.Count)
                $queryErrors = $null
                & $queries[$k] -CimSession $sessions -ThrottleLimit $ThrottleLimit -ErrorAction SilentlyContinue -ErrorVariable queryErrors
                foreach ($failure in @($queryErrors)) {
                    if ($null -eq $failure) { continue }
                    $server = $null
                    if ($failure.OriginInfo) { $server = $failure.OriginInfo.PSComputerName }
                    $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
                        (New-Object System.InvalidOperationException ("{0} failed on {1}: {2}" -f $queries[$k], $server, $failure.Exception.Message)),
                        'LicenseAudit.UalQueryFailed', [System.Management.Automation.ErrorCategory]::ReadError, $server)))
                }
            }
            Write-Progress -Activity 'Collecting UAL evidence' -Completed
        }
        finally {
            if ($sessions.Count -gt 0) { $sessions | Remove-CimSession -ErrorAction SilentlyContinue }
        }
    }
}
