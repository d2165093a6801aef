# Collecting User Access Logging evidence over CIM, for Get-UalCalEvidence and for
# Invoke-LicenseAudit -UalComputerName (Export-LicenseAuditUalEvidence, Private/LicenseAuditRun.ps1).

function Get-LicenseAuditUalEvidence {
    <#
    .SYNOPSIS
    Opens CIM sessions to -ComputerName, runs the Get-Ual* queries of -Kind against all of them,
    and emits the evidence (Get-UalSystemId objects first), then one LicenseAudit.UalEvidenceGap
    for each server whose session or query failed. The sessions are removed however it ends.
    .DESCRIPTION
    Each failure is one error of -Cmdlet, the public cmdlet the admin called (Get-UalCalEvidence,
    or Invoke-LicenseAudit): LicenseAudit.UalSessionFailed per server that refused a session,
    LicenseAudit.UalQueryFailed per query and server. It is written with -Cmdlet's WriteError,
    so it points at the admin's line and lands in that cmdlet's -ErrorVariable; the error of
    New-CimSession or Get-Ual* behind it is its InnerException, not a second error. Those are
    kept out of every -ErrorVariable (a command's errors reach the -ErrorVariable lists of the
    pipeline it writes to: New-CimSession runs in a pipeline of its own, ScriptBlock.Invoke, and
    each query writes into ForEach-Object, which streams its output on without holding a whole
    query's rows) and removed from $Error.

    A LicenseAudit.UalEvidenceGap has RecordType (UalEvidenceGap), ComputerName, Query and
    Reason, so it survives ConvertTo-Json and Export-Clixml, and `ual compliance` reads it among
    the evidence (docs/contract.md, UalEvidenceGap).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string[]]$ComputerName,
        [System.Management.Automation.PSCredential]$Credential,
        [int]$ThrottleLimit = 32,
        # Get-UalSystemId, Get-UalUserAccess, ... in the order to run them.
        [Parameter(Mandatory)]
        [string[]]$Query,
        [int]$OperationTimeoutSec = 120,
        # The public cmdlet whose errors these are.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $sessionParameters = @{ ComputerName = $ComputerName; OperationTimeoutSec = $OperationTimeoutSec }
    if ($Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) { $sessionParameters.Credential = $Credential }
    $sessions = @()
    # Servers whose evidence is missing, in order: name -> the query and why.
    $gaps = [ordered]@{}
    try {
        $opened = { param($parameters)
            $failures = $null
            $made = @()
            $thrown = $null
            try { $made = @(New-CimSession @parameters -ErrorAction SilentlyContinue -ErrorVariable failures) }
            catch { $thrown = $_ }
            @{ Sessions = $made; Failures = @($failures); Thrown = $thrown }
        }.Invoke($sessionParameters)
        # (@() unrolls them: ScriptBlock.Invoke returned the hashtable wrapped in a PSObject.)
        $sessions = @($opened[0]['Sessions'])
        $failure = @{ ErrorId = 'UalSessionFailed'; Category = 'ConnectionError'; Cmdlet = $Cmdlet; Gap = $gaps; Query = 'New-CimSession'; AllServers = $ComputerName
            Message = 'Cannot open a CIM session to {0}: {1}'
        }
        # Inside try: with -ErrorAction Stop the first WriteError throws, and the finally still
        # removes the sessions that did open. New-CimSession failed as a whole (its module, WinRM
        # on this machine: it threw, and -ErrorVariable holds that too): one error for every server.
        if ($null -ne $opened[0]['Thrown']) { Write-LicenseAuditUalFailure -Failure (@($opened[0]['Thrown']) + @($opened[0]['Failures'])) -Whole @failure }
        else { Write-LicenseAuditUalFailure -Failure @($opened[0]['Failures']) @failure }
        if ($sessions.Count -gt 0) {
            $sessionNames = @($sessions | ForEach-Object { [string]$_.ComputerName })
            $i = 0
            foreach ($command in $Query) {
                $i++
                Write-Progress -Activity 'Collecting UAL evidence' -Status "$command on $($sessions.Count) server(s)" -PercentComplete (100 * ($i - 1) / $Query.Count)
                $failures = $null
                # Its errors go to this pipeline's ForEach-Object, not to the caller's -ErrorVariable.
                & $command -CimSession $sessions -ThrottleLimit $ThrottleLimit -ErrorAction SilentlyContinue -ErrorVariable failures | ForEach-Object { $_ }
                Write-LicenseAuditUalFailure -Failure @($failures) -ErrorId 'UalQueryFailed' -Category ReadError -Cmdlet $Cmdlet -Gap $gaps `
                    -Query $command -AllServers $sessionNames -Message ($command + ' failed on {0}: {1}')
            }
            Write-Progress -Activity 'Collecting UAL evidence' -Completed
        }
        foreach ($server in @($gaps.Keys)) {
            [pscustomobject]@{
                PSTypeName   = 'LicenseAudit.UalEvidenceGap'
                RecordType   = 'UalEvidenceGap'
                ComputerName = $server
                Query        = $gaps[$server][0]
                Reason       = $gaps[$server][1]
            }
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

function Write-LicenseAuditUalFailure {
    <#
    .SYNOPSIS
    Writes one LicenseAudit error through -Cmdlet for each server the errors of one command
    (New-CimSession, a Get-Ual* query) name, with the first of them as its InnerException;
    notes the server in -Gap (name -> query, reason) unless it is there already; removes those
    errors from $Error, where the admin should find only the LicenseAudit one. An error that
    names no server, or any with -Whole (the command failed as a whole), is about every one of
    -AllServers: one error naming them all, and a note for each.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]]$Failure,
        [Parameter(Mandatory)]
        [string]$ErrorId,
        [Parameter(Mandatory)]
        [System.Management.Automation.ErrorCategory]$Category,
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)]
        [System.Collections.Specialized.OrderedDictionary]$Gap,
        [Parameter(Mandatory)]
        [string]$Query,
        [string[]]$AllServers = @(),
        [switch]$Whole,
        # '{0}' the server(s), '{1}' the error's message.
        [Parameter(Mandatory)]
        [string]$Message
    )
    # Server -> its first error (a proxy or a retry can report one server twice); '' for an
    # error that names none.
    # (Not $failure: that is -Failure, typed [object[]].)
    $byServer = [ordered]@{}
    foreach ($problem in @($Failure)) {
        if ($null -eq $problem) { continue }
        if ($problem -is [System.Management.Automation.ErrorRecord]) { [void]$global:Error.Remove($problem) }
        $server = ''
        if (-not $Whole) { $server = [string](Get-LicenseAuditErrorServer -ErrorRecord $problem) }
        if (-not $byServer.Contains($server)) { $byServer[$server] = $problem }
    }
    foreach ($server in @($byServer.Keys)) {
        $problem = $byServer[$server]
        $exception = $problem
        if ($problem -is [System.Management.Automation.ErrorRecord]) { $exception = $problem.Exception }
        $servers = @($server)
        $target = $server
        if (-not $server) {
            $servers = @($AllServers | Where-Object { $_ })
            $target = $servers
        }
        foreach ($name in $servers) {
            if (-not $Gap.Contains($name)) { $Gap[$name] = @($Query, $exception.Message) }
        }
        $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId $ErrorId -Category $Category -TargetObject $target -InnerException $exception `
                    -Message ($Message -f ($servers -join ', '), $exception.Message)))
    }
}
