function Get-UalCalEvidence {
    <#
    .SYNOPSIS
    Collects User Access Logging evidence (users, devices, system identity, roles) from many
    Windows servers for a server CAL compliance audit.

    .DESCRIPTION
    Opens CIM sessions to each server and runs Get-UalUserAccess, Get-UalDeviceAccess,
    Get-UalSystemId and Get-UalOverview against all of them at once (the UAL cmdlets fan out over
    CIM sessions in parallel, up to -ThrottleLimit at a time). A server that cannot be reached
    gets one non-terminating error naming it, LicenseAudit.UalSessionFailed; a UAL query that
    fails on a server, one LicenseAudit.UalQueryFailed per query and server (the error of
    New-CimSession or Get-Ual* behind it is its InnerException, not an error of its own in
    -ErrorVariable or $Error); the others carry on.
    Every object carries PSComputerName (the server it came from). Without -ComputerName and
    without pipeline input, the local server is read; an empty pipeline or an empty
    -ComputerName reads nothing (a warning says so). Get-UalSystemId objects come first, so
    Get-ServerCalCompliance knows each server's Windows version before its evidence streams
    past. The CIM sessions are removed however the command ends (-ErrorAction Stop, a stopped
    pipeline).

    Evidence that is missing is said in the stream too: after the evidence, one
    LicenseAudit.UalEvidenceGap object (RecordType UalEvidenceGap, ComputerName, Query, Reason)
    for each server whose session or query failed, so that Get-ServerCalCompliance says which
    servers gave no evidence (and -FailOnShortfall fails on it) instead of reading a partial
    estate as the whole. The gaps travel with the evidence when it is saved: ConvertTo-Json,
    Export-Clixml, or one JSON line per object, read later with Get-ServerCalCompliance
    -EvidencePath or Invoke-LicenseAudit -EvidencePath, mark that position incomplete too.
    (Export-Csv writes only the columns of the first object, so a CSV cannot hold this mix of
    evidence kinds and gaps: save the gaps in a CSV of their own, or use JSON or CLIXML.)

    Pipe the result into Get-ServerCalCompliance, or save it for later.

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

    Saves the evidence for an audit run elsewhere, with a LicenseAudit.UalEvidenceGap for a
    server that could not be read: Get-ServerCalCompliance -EvidencePath ual-evidence.xml then
    says the position is incomplete (EvidenceComplete False).

    .INPUTS
    System.String server names, or objects with a DNSHostName / ComputerName property (Get-ADComputer).

    .OUTPUTS
    UAL evidence objects (MsftUal_SystemId, MsftUal_UserAccess, MsftUal_DeviceAccess, MsftUal_Overview) with PSComputerName, then a LicenseAudit.UalEvidenceGap for each server that gave none.

    .LINK
    Get-ServerCalCompliance
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/server-cals.md#evidence-get-ualcalevidence-export-calevidencetemplate')]
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
        # The errors are this cmdlet's: one per server that refused a session, one per query and
        # server that failed (New-CimSession's and Get-Ual*'s own are their InnerException).
        Get-LicenseAuditUalEvidence -ComputerName $computers.ToArray() -Credential $Credential -ThrottleLimit $ThrottleLimit `
            -Query @($kinds | ForEach-Object { $queries[$_] }) -OperationTimeoutSec $OperationTimeoutSec -Cmdlet $PSCmdlet
    }
}
