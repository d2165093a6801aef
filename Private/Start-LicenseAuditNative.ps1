function Start-LicenseAuditNative {
    <#
    .SYNOPSIS
    Starts license-audit for one command and returns a session that Send-LicenseAuditNativeInput
    and Receive-LicenseAuditNativeOutput use.
    .DESCRIPTION
    The binary always runs with --format ndjson --progress json --error-format json, so records,
    progress and errors come back machine-readable. Secrets never go in -Arguments: a password is
    written to stdin (--password-stdin) with -Secret.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The subcommand words, e.g. 'lync', 'entitlement'.
        [Parameter(Mandatory)]
        [string[]]$Command,
        [string[]]$Arguments = @(),
        # The calling cmdlet's $PSCmdlet: errors and progress are written through it.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [string]$Activity = 'LicenseAudit',
        # Written to stdin as the first line (with --password-stdin); never logged.
        [System.Security.SecureString]$Secret
    )

    $binary = Get-LicenseAuditBinaryPath
    $all = @($Command) + @($Arguments) + @('--format', 'ndjson', '--progress', 'json', '--error-format', 'json')
    Write-Verbose ("{0} {1}" -f $binary, ($all -join ' '))
    try {
        $process = New-Object -TypeName LicenseAudit.NativeProcess -ArgumentList $binary, ([string[]]$all)
    }
    catch {
        $hint = ''
        if ((Test-Path variable:PSPrivateMetadata) -and $PSPrivateMetadata.JobId) {
            $hint = ' Azure Automation cloud sandboxes cannot start native programs: run this runbook on a Hybrid Runbook Worker.'
        }
        throw "Cannot start '$binary': $($_.Exception.Message).$hint"
    }
    if ($Secret) {
        # Decrypted only for the moment it is written to the engine's stdin; the unmanaged copy
        # is zeroed.
        $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($Secret)
        try {
            [void]$process.WriteSecret([System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr))
        }
        finally {
            [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
        }
    }
    [pscustomobject]@{
        PSTypeName = 'LicenseAudit.NativeSession'
        Process    = $process
        Cmdlet     = $Cmdlet
        Activity   = $Activity
        Command    = ($Command -join ' ')
        Errors     = 0
        LastError  = $null
    }
}

function Send-LicenseAuditNativeInput {
    <#
    .SYNOPSIS
    Writes one object to the binary's stdin as a JSON line and returns any records already back.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [Parameter(Mandatory)]
        [AllowNull()]
        [object]$InputObject
    )
    if ($null -eq $InputObject) { return }
    $line = ConvertTo-LicenseAuditInputLine -InputObject $InputObject
    if (-not $Session.Process.WriteLine($line)) {
        # The binary stopped reading: its stderr says why; Receive -Wait reports it.
        return
    }
    Receive-LicenseAuditNativeOutput -Session $Session
}

function Receive-LicenseAuditNativeOutput {
    <#
    .SYNOPSIS
    Emits the records the binary has written so far (with -Wait: closes its input, emits the rest,
    and checks the exit code). Progress lines become Write-Progress, error lines WriteError.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [switch]$Wait
    )
    $process = $Session.Process
    if ($Wait) { $process.CloseInput() }
    $line = $null
    while ($true) {
        Receive-LicenseAuditNativeDiagnostic -Session $Session
        if ($process.TryTakeOutput([ref]$line, 0)) {
            ConvertFrom-LicenseAuditRecord -Line $line
            continue
        }
        if (-not $Wait -or $process.OutputCompleted) { break }
        if ($process.TryTakeOutput([ref]$line, 100)) { ConvertFrom-LicenseAuditRecord -Line $line }
    }
    if (-not $Wait) { return }

    $exitCode = $process.WaitForExit()
    Receive-LicenseAuditNativeDiagnostic -Session $Session
    $process.Dispose()
    $Session.Cmdlet.WriteProgress((New-Object System.Management.Automation.ProgressRecord 0, $Session.Activity, 'Done' -Property @{ RecordType = 'Completed' }))
    # Exit codes (CONTRACT.md): 0 ok, 2 arguments, 3 input data (errors already written one by
    # one), 4 source unreachable / login failed, 5 compliance shortfall.
    switch ($exitCode) {
        0 { }
        3 {
            if ($Session.Errors -eq 0) {
                Write-LicenseAuditNativeError -Session $Session -Message "license-audit $($Session.Command) reported invalid input (exit code 3)." -Code 'InvalidInput'
            }
        }
        5 { Write-Warning "license-audit $($Session.Command): compliance shortfall found (exit code 5)." }
        default {
            $message = $Session.LastError
            if (-not $message) { $message = "license-audit $($Session.Command) failed with exit code $exitCode." }
            $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
            if ($exitCode -eq 4) { $category = [System.Management.Automation.ErrorCategory]::ConnectionError }
            $record = New-Object System.Management.Automation.ErrorRecord (
                (New-Object System.InvalidOperationException $message), "LicenseAudit.Exit$exitCode", $category, $null)
            $Session.Cmdlet.ThrowTerminatingError($record)
        }
    }
}

function Receive-LicenseAuditNativeDiagnostic {
    <#
    .SYNOPSIS
    Drains the binary's stderr: progress JSON → Write-Progress, error JSON → WriteError,
    warnings → WriteWarning, anything else → Write-Verbose.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session
    )
    $line = $null
    while ($Session.Process.TryTakeError([ref]$line)) {
        $item = $null
        try { $item = ConvertFrom-Json -InputObject $line } catch { $item = $null }
        if ($null -eq $item) {
            Write-Verbose $line
        }
        elseif ($item.PSObject.Properties['activity']) {
            $progress = New-Object System.Management.Automation.ProgressRecord 0, ([string]$item.activity), ([string]$item.status)
            if ($item.total -and [double]$item.total -gt 0) {
                $progress.PercentComplete = [int][math]::Min(100, 100 * [double]$item.completed / [double]$item.total)
            }
            $Session.Cmdlet.WriteProgress($progress)
        }
        elseif ($item.level -eq 'warning') {
            $Session.Cmdlet.WriteWarning([string]$item.message)
        }
        elseif (@('InvalidArguments', 'SourceUnreachable', 'Failure') -contains [string]$item.code) {
            # The run failed as a whole: Receive -Wait throws this as a terminating error.
            $Session.LastError = [string]$item.message
        }
        else {
            Write-LicenseAuditNativeError -Session $Session -Message ([string]$item.message) -Code ([string]$item.code) -File $item.file -Record $item.record
        }
    }
}

function Write-LicenseAuditNativeError {
    <#
    .SYNOPSIS
    One non-terminating error, attributed to the calling cmdlet, carrying file and record.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [Parameter(Mandatory)]
        [string]$Message,
        [string]$Code = 'Error',
        [object]$File,
        [object]$Record
    )
    $Session.Errors++
    $Session.LastError = $Message
    $target = $null
    if ($File) { $target = "$File" + $(if ($Record) { "#$Record" } else { '' }) }
    $errorRecord = New-Object System.Management.Automation.ErrorRecord (
        (New-Object System.IO.InvalidDataException $Message), "LicenseAudit.$Code",
        [System.Management.Automation.ErrorCategory]::InvalidData, $target)
    $Session.Cmdlet.WriteError($errorRecord)
}
