# Engine sessions: one license-audit process per cmdlet run, its temporary files, and the
# registry that reaps them when a pipeline stopped without running end{} (Select-Object -First,
# Ctrl+C, a terminating error elsewhere in the pipeline). clean{} would do this, but needs
# PowerShell 7.3 and does not parse on 5.1.
#
# Cleanup runs in finally blocks. In a pipeline that is stopping (Ctrl+C, a host's Stop(), a
# stopped job) PowerShell refuses there to start anything written in PowerShell: a command, a
# script block, a script method, even the next turn of a loop (PipelineStoppedException). So a
# session is a LicenseAudit.NativeSession (Private/NativeProcess.cs) whose Stop() is a .NET
# method: it kills the engine, deletes the session's files and unregisters it. The PowerShell
# side of the session (the cmdlet, counters, collected records) is note properties on it.

function New-LicenseAuditNativeSession {
    <#
    .SYNOPSIS
    Registers a session for one engine run; the process starts later (Start-LicenseAuditNative),
    when the first record is there to send. Reaps orphaned sessions first.
    .DESCRIPTION
    -OutputType names the record types written to the pipeline (all when empty); -CollectType
    the ones kept in $session.Collected[type] for a -*Variable parameter; anything else is
    dropped without being parsed.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string[]]$Command,
        # The calling cmdlet's $PSCmdlet: errors and progress are written through it.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [string]$Activity = 'LicenseAudit',
        [string[]]$OutputType = @(),
        [string[]]$CollectType = @(),
        # What the records on stdin are, for messages ("pipeline input").
        [string]$InputName = 'pipeline input',
        # The TargetObject of a failure of the whole run (e.g. the SQL server).
        [object]$Target
    )
    # Housekeeping, not the caller's change: never subject to its -WhatIf / -Confirm.
    Remove-LicenseAuditOrphanedSession -WhatIf:$false -Confirm:$false
    $collected = @{}
    foreach ($type in $CollectType) { $collected[$type] = [System.Collections.Generic.List[object]]::new() }
    # Registers itself in $script:LicenseAuditSessions; Id, Files, Process, Stopped and Stop()
    # are .NET members (see the top of this file).
    $session = New-Object -TypeName LicenseAudit.NativeSession -ArgumentList (, $script:LicenseAuditSessions)
    Add-Member -InputObject $session -NotePropertyMembers ([ordered]@{
            Command      = ($Command -join ' ')
            CommandWords = $Command
            Cmdlet       = $Cmdlet
            Activity     = $Activity
            Sent         = 0
            Recent       = New-Object 'System.Collections.Generic.Dictionary[int,object]'
            StdinRecords = $false
            Errors       = 0
            LastError    = $null
            ExitCode     = $null
            Failure      = $null
            OutputType   = $OutputType
            CollectType  = $CollectType
            Collected    = $collected
            InputName    = $InputName
            Target       = $Target
            Pending      = $null
            Binary       = $null
            StderrHead   = New-Object System.Collections.Generic.List[string]
        })
    $session
}

function Test-LicenseAuditSessionOrphaned {
    <#
    .SYNOPSIS
    True when the command that owns a session can no longer finish it: its pipeline is stopping
    or stopped (Cmdlet.Stopping), or the command has been disposed (PowerShell clears
    CommandRuntime when a pipeline ends, however it ends).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)][psobject]$Session)
    $owner = $Session.Cmdlet
    if ($null -eq $owner) { return $true }
    try {
        if ($null -eq $owner.CommandRuntime) { return $true }
        if ($owner.Stopping) { return $true }
    }
    catch {
        return $true
    }
    $false
}

function Remove-LicenseAuditOrphanedSession {
    <#
    .SYNOPSIS
    Ends sessions whose pipeline stopped without running end{}: kills the engine (it would wait
    on stdin forever) and deletes the session's temporary files. With -All (module removal),
    every session. Also deletes temporary files left by PowerShell processes that no longer run.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([void])]
    param([switch]$All)
    foreach ($session in [LicenseAudit.NativeSession]::Snapshot($script:LicenseAuditSessions)) {
        if ($All -or (Test-LicenseAuditSessionOrphaned -Session $session)) {
            if ($PSCmdlet.ShouldProcess($session.Command, 'Stop the orphaned engine session')) {
                Write-Verbose ("Reaping an orphaned license-audit {0} session (its pipeline stopped)." -f $session.Command)
                $session.Stop()
            }
        }
    }
    if ($All -or -not $script:LicenseAuditStaleFilesSwept) {
        $script:LicenseAuditStaleFilesSwept = $true
        Remove-LicenseAuditStaleFile -WhatIf:$false -Confirm:$false
    }
}

function Remove-LicenseAuditStaleFile {
    <#
    .SYNOPSIS
    Deletes licenseaudit-<pid>-*.ndjson temporary files whose PowerShell process has gone
    (killed, crashed) without cleaning up.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([void])]
    param()
    $temp = [System.IO.Path]::GetTempPath()
    $files = @()
    try { $files = [System.IO.Directory]::GetFiles($temp, 'licenseaudit-*.ndjson') } catch { return }
    foreach ($file in $files) {
        $name = [System.IO.Path]::GetFileName($file)
        if ($name -notmatch '^licenseaudit-(\d+)-[0-9a-f]{32}\.ndjson$') { continue }
        $owner = [int]$Matches[1]
        if ($owner -eq $PID) { continue }
        if (Get-Process -Id $owner -ErrorAction SilentlyContinue) { continue }
        if ($PSCmdlet.ShouldProcess($file, 'Delete a stale LicenseAudit temporary file')) {
            try { [System.IO.File]::Delete($file) } catch { Write-Verbose "Cannot delete ${file}: $($_.Exception.Message)" }
        }
    }
}

function New-LicenseAuditSpoolFile {
    <#
    .SYNOPSIS
    Writes records as NDJSON (UTF-8, no BOM) to a temporary file owned by the session (deleted
    when it stops, or reaped) and returns its path; $null when there were no records (the engine
    treats an empty file as an error), unless -AllowEmpty. For configuration the engine must
    have before stdin starts (policies, pools): user data streams on stdin instead.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]]$Record,
        # With no records, write an empty JSON array (an input given, and known to hold none)
        # instead of returning $null.
        [switch]$AllowEmpty
    )
    $items = @($Record | Where-Object { $null -ne $_ })
    if ($items.Count -eq 0 -and -not $AllowEmpty) { return $null }
    $path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('licenseaudit-{0}-{1}.ndjson' -f $PID, [guid]::NewGuid().ToString('N')))
    if (-not $PSCmdlet.ShouldProcess($path, 'Write engine input')) { return $null }
    # Registered before it exists, so a stop in the middle of writing still deletes it.
    $Session.Files.Add($path)
    [System.IO.File]::WriteAllText($path, '')
    if (-not (Test-LicenseAuditOnWindows)) {
        # /tmp is shared on Unix: owner-only (like %TEMP% on Windows), before any data is in it.
        $modeType = 'System.IO.UnixFileMode' -as [type]
        if ($modeType -and [System.IO.File].GetMethod('SetUnixFileMode', [type[]]@([string], $modeType))) {
            [System.IO.File]::SetUnixFileMode($path, ('UserRead, UserWrite' -as $modeType))
        }
        else {
            & '/bin/chmod' '600' $path
        }
    }
    $writer = New-Object System.IO.StreamWriter -ArgumentList $path, $false, (New-Object System.Text.UTF8Encoding -ArgumentList $false)
    try {
        $writer.NewLine = "`n"
        if ($items.Count -eq 0) { $writer.WriteLine('[]') }
        foreach ($item in $items) {
            $writer.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject $item))
        }
    }
    finally {
        $writer.Dispose()
    }
    $path
}

function Start-LicenseAuditNative {
    <#
    .SYNOPSIS
    Starts the engine for a session registered with New-LicenseAuditNativeSession.
    .DESCRIPTION
    The binary always runs with --format ndjson --progress json --error-format json, so records,
    progress and errors come back machine-readable. Secrets never go in -Arguments: a password is
    written to stdin (--password-stdin) with -Secret, as the first line.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [string[]]$Arguments = @(),
        # Written to stdin as the first line (with --password-stdin); never logged.
        [System.Security.SecureString]$Secret,
        # Records will follow on stdin ('-'): an empty run sends '[]' (no records) rather than nothing.
        [switch]$StdinRecords
    )
    $cmdlet = $Session.Cmdlet
    $binary = Get-LicenseAuditBinaryPath -Cmdlet $cmdlet
    $Session.Binary = $binary
    $all = @($Session.CommandWords) + @($Arguments) + @('--format', 'ndjson', '--progress', 'json', '--error-format', 'json')
    # What ConvertTo-LicenseAuditCmdletMessage reads to say the engine's messages in the cmdlet's terms.
    Add-Member -InputObject $Session -NotePropertyName EngineArguments -NotePropertyValue ([string[]]$all) -Force
    Write-Verbose ("{0} {1}" -f $binary, ($all -join ' '))
    $Session.StdinRecords = [bool]$StdinRecords
    try {
        $Session.Process = New-Object -TypeName LicenseAudit.NativeProcess -ArgumentList $binary, ([string[]]$all)
    }
    catch {
        $Session.Stop()
        # The handshake started this binary a moment ago; what fails now (antivirus acting on
        # a later start, a file removed since) is explained from the Win32Exception's code.
        $win32 = $null
        for ($inner = $_.Exception; $null -ne $inner; $inner = $inner.InnerException) {
            if ($inner -is [System.ComponentModel.Win32Exception]) { $win32 = $inner; break }
        }
        if ($win32) {
            $diagnosis = [LicenseAudit.EngineDiagnosis]::StartFailure($win32.NativeErrorCode, $win32.Message, (Test-LicenseAuditOnWindows),
                (Test-Path -LiteralPath $binary -PathType Leaf), $binary)
            $cmdlet.ThrowTerminatingError((New-LicenseAuditEngineErrorRecord -Diagnosis $diagnosis -TargetObject $binary -InnerException $win32 `
                        -Suffix (Get-LicenseAuditSandboxHint)))
        }
        $cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineStartFailed' -Category ResourceUnavailable `
                    -TargetObject $binary -InnerException $_.Exception `
                    -Message "Cannot start '$binary': $($_.Exception.Message).$(Get-LicenseAuditSandboxHint)"))
    }
    if ($Secret) {
        # Decrypted only for the moment it is written to the engine's stdin; the unmanaged copy
        # is zeroed.
        $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($Secret)
        try {
            [void]$Session.Process.WriteSecret([System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr))
        }
        finally {
            [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
        }
    }
}

function Send-LicenseAuditNativeInput {
    <#
    .SYNOPSIS
    Writes one record to the engine's stdin as a JSON line and emits any records already back.
    -InputObject is what the caller piped in: an engine error about this record names it as
    its TargetObject.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [Parameter(Mandatory)]
        [AllowNull()]
        [object]$Record,
        [AllowNull()]
        [object]$InputObject
    )
    if ($null -eq $Record) { return }
    if ($null -eq $InputObject) { $InputObject = $Record }
    $line = ConvertTo-LicenseAuditInputLine -InputObject $Record
    $Session.Sent++
    # The engine's errors lag the input by what the pipes buffer (a few thousand records at
    # most): remember that many piped objects by record number.
    $Session.Recent[$Session.Sent] = $InputObject
    [void]$Session.Recent.Remove($Session.Sent - 8192)
    if (-not $Session.Process.WriteLine($line)) {
        # The binary stopped reading: its stderr says why; Receive -Wait reports it.
        return
    }
    Receive-LicenseAuditNativeOutput -Session $Session
}

function Receive-LicenseAuditNativeOutput {
    <#
    .SYNOPSIS
    Emits the records the engine has written so far (with -Wait: closes its input, emits the
    rest, checks the exit code and stops the session). Progress lines become Write-Progress,
    error lines WriteError.
    .DESCRIPTION
    Exit codes (docs/contract.md): 0 ok, 2 arguments, 3 input data (errors already written one by
    one), 4 source unreachable / login failed, 5 compliance shortfall (--fail-on-shortfall).
    2, 4 and 5 are terminating errors (LicenseAudit.InvalidArguments, .SourceUnreachable,
    .ComplianceShortfall), thrown after every record has been written; with -NoThrow the
    ErrorRecord is left in $Session.Failure instead. Any other code is not the engine's: it
    crashed or never started (LicenseAudit.EngineCrashed, .EngineLoaderFailed,
    .EngineNeedsGlibc), said with the code in hex when negative, its first lines of error output
    and the OS version.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [switch]$Wait,
        [switch]$NoThrow
    )
    $process = $Session.Process
    if ($null -eq $process) { return }
    if ($Wait) {
        if ($Session.StdinRecords -and $Session.Sent -eq 0) {
            # No objects: an empty JSON array is "no records" to the engine; an empty stdin is an error.
            [void]$process.WriteLine('[]')
        }
        $process.CloseInput()
    }
    $line = $null
    while ($true) {
        Receive-LicenseAuditNativeDiagnostic -Session $Session
        if ($process.TryTakeOutput([ref]$line, 0)) {
            Write-LicenseAuditNativeRecord -Session $Session -Line $line
            continue
        }
        if (-not $Wait -or $process.OutputCompleted) { break }
        if ($process.TryTakeOutput([ref]$line, 100)) { Write-LicenseAuditNativeRecord -Session $Session -Line $line }
    }
    if (-not $Wait) { return }

    $exitCode = $process.WaitForExit()
    Receive-LicenseAuditNativeDiagnostic -Session $Session
    if ($process.PumpFault) { Write-Verbose ("license-audit {0}: {1}" -f $Session.Command, $process.PumpFault) }
    $Session.ExitCode = $exitCode
    $Session.Stop()
    $Session.Cmdlet.WriteProgress((New-Object System.Management.Automation.ProgressRecord 0, $Session.Activity, 'Done' -Property @{ RecordType = 'Completed' }))
    $failure = $null
    $diagnosis = $null
    if ($exitCode -ne 0 -and $exitCode -ne -1) {
        # Not one of the engine's own codes (0-5), or a loader message on stderr: say what happened.
        $diagnosis = [LicenseAudit.EngineDiagnosis]::ExitFailure($exitCode, (Test-LicenseAuditOnWindows), ($Session.StderrHead -join "`n"),
            [LicenseAudit.EngineCheck]::OsDescription(), [string]$Session.Binary)
    }
    if ($diagnosis) {
        $failure = New-LicenseAuditEngineErrorRecord -Diagnosis $diagnosis -TargetObject $Session.Target
    }
    else {
        switch ($exitCode) {
            0 { }
            -1 { }
            3 {
                if ($Session.Errors -eq 0) {
                    Write-LicenseAuditNativeError -Session $Session -Message "license-audit $($Session.Command) reported invalid input (exit code 3)." -Code 'InvalidInput'
                }
            }
            5 {
                $message = "license-audit $($Session.Command): compliance shortfall (exit code 5 with -FailOnShortfall); every record was written before this error."
                if ($Session.LastError) { $message = "$($Session.LastError). Every record was written before this error." }
                $failure = New-LicenseAuditErrorRecord -ErrorId 'ComplianceShortfall' -Category LimitsExceeded -TargetObject $Session.Target -Message $message
            }
            default {
                $message = $Session.LastError
                if (-not $message) { $message = "license-audit $($Session.Command) failed with exit code $exitCode." }
                $id = 'EngineFailed'
                $category = [System.Management.Automation.ErrorCategory]::NotSpecified
                if ($exitCode -eq 2) { $id = 'InvalidArguments'; $category = [System.Management.Automation.ErrorCategory]::InvalidArgument }
                if ($exitCode -eq 4) { $id = 'SourceUnreachable'; $category = [System.Management.Automation.ErrorCategory]::ConnectionError }
                $failure = New-LicenseAuditErrorRecord -ErrorId $id -Category $category -TargetObject $Session.Target -Message $message
            }
        }
    }
    $Session.Failure = $failure
    if ($failure -and -not $NoThrow) { $Session.Cmdlet.ThrowTerminatingError($failure) }
}

function Write-LicenseAuditNativeRecord {
    <#
    .SYNOPSIS
    Routes one NDJSON line: to the pipeline when its RecordType is one the cmdlet outputs, to
    $Session.Collected when collected, otherwise dropped without parsing.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [Parameter(Mandatory)]
        [AllowEmptyString()]
        [string]$Line
    )
    if ([string]::IsNullOrWhiteSpace($Line)) { return }
    $type = $null
    if ($Line -match '^\{"RecordType":"([A-Za-z0-9]+)"') { $type = $Matches[1] }
    $outputAll = @($Session.OutputType).Count -eq 0
    $toOutput = $outputAll -or ($null -eq $type) -or ($Session.OutputType -contains $type)
    # Both is possible (Get-LyncCalRequirement -Summary -SummaryVariable).
    $toCollect = ($null -ne $type) -and ($Session.CollectType -contains $type)
    if (-not ($toOutput -or $toCollect)) { return }
    $record = ConvertFrom-LicenseAuditRecord -Line $Line
    if ($toCollect) { $Session.Collected[$type].Add($record) }
    if ($toOutput) { $record }
}

function Receive-LicenseAuditNativeDiagnostic {
    <#
    .SYNOPSIS
    Drains the binary's stderr: progress JSON → Write-Progress, error JSON → WriteError,
    warnings → WriteWarning, anything else → Write-Verbose.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session
    )
    $line = $null
    while ($Session.Process.TryTakeError([ref]$line)) {
        $item = $null
        try { $item = ConvertFrom-Json -InputObject $line } catch { $item = $null }
        # The cmdlet's parameters, not the engine's flags and temporary files.
        if ($item -is [System.Management.Automation.PSCustomObject]) { ConvertTo-LicenseAuditCmdletMessage -Session $Session -Item $item }
        if ($null -eq $item -or $item -isnot [psobject]) {
            # Not the engine's JSON: a loader failure or a panic. Kept for the exit-code diagnosis.
            if ($Session.StderrHead.Count -lt 10) { $Session.StderrHead.Add($line) }
            Write-Verbose $line
        }
        elseif ($item.PSObject.Properties['activity']) {
            $progress = New-Object System.Management.Automation.ProgressRecord 0, ([string]$item.activity), ([string]$item.status)
            if ($item.PSObject.Properties['total'] -and $item.total -and [double]$item.total -gt 0) {
                $progress.PercentComplete = [int][math]::Min(100, 100 * [double]$item.completed / [double]$item.total)
            }
            $Session.Cmdlet.WriteProgress($progress)
        }
        elseif ($item.PSObject.Properties['level'] -and $item.level -eq 'warning') {
            $Session.Cmdlet.WriteWarning([string]$item.message)
        }
        elseif ($item.PSObject.Properties['code'] -and @('InvalidArguments', 'SourceUnreachable', 'Failure', 'Shortfall') -contains [string]$item.code -and
            -not ($item.PSObject.Properties['file'] -and $item.file)) {
            # The run failed as a whole: Receive -Wait throws this as a terminating error.
            $Session.LastError = [string]$item.message
        }
        else {
            $file = $null; $record = $null; $code = 'Error'
            if ($item.PSObject.Properties['file']) { $file = $item.file }
            if ($item.PSObject.Properties['record']) { $record = $item.record }
            if ($item.PSObject.Properties['code'] -and $item.code) { $code = [string]$item.code }
            Write-LicenseAuditNativeError -Session $Session -Message ([string]$item.message) -Code $code -File $file -Record $record
        }
    }
}

function Write-LicenseAuditNativeError {
    <#
    .SYNOPSIS
    One non-terminating error, attributed to the calling cmdlet. For a record that came from the
    pipeline (the engine's <stdin>), TargetObject is the object that was piped in; for a file,
    "file#record".
    #>
    [CmdletBinding()]
    [OutputType([void])]
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
    if ("$File" -eq '<stdin>') {
        $number = 0
        if ($null -ne $Record -and [int]::TryParse([string]$Record, [ref]$number) -and $Session.Recent.ContainsKey($number)) {
            $target = $Session.Recent[$number]
        }
        else {
            $target = '{0} record {1}' -f $Session.InputName, $Record
        }
        $Message = $Message.Replace('<stdin>', $Session.InputName)
    }
    elseif ($File) {
        $target = "$File" + $(if ($Record) { "#$Record" } else { '' })
    }
    $Session.Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId $Code -Category InvalidData -TargetObject $target `
                -ExceptionType 'System.IO.InvalidDataException' -Message $Message))
}

function Invoke-LicenseAuditNative {
    <#
    .SYNOPSIS
    Runs one engine command to completion and emits its records: for commands whose input is
    all in files or in -InputObject (streamed to stdin, one JSON line each).
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
        [System.Security.SecureString]$Secret,
        [string[]]$OutputType = @(),
        [object]$Target
    )
    $session = New-LicenseAuditNativeSession -Command $Command -Cmdlet $Cmdlet -Activity $Activity -OutputType $OutputType -Target $Target
    try {
        Start-LicenseAuditNative -Session $session -Arguments $Arguments -Secret $Secret -StdinRecords:($PSBoundParameters.ContainsKey('InputObject'))
        foreach ($item in $InputObject) {
            Send-LicenseAuditNativeInput -Session $session -Record $item
        }
        Receive-LicenseAuditNativeOutput -Session $session -Wait
    }
    finally {
        $session.Stop()
    }
}

function Start-LicenseAuditStdinSession {
    <#
    .SYNOPSIS
    Starts the engine of a records-on-stdin run prepared with New-LicenseAuditNativeSession and
    $Session.Pending = @{ StdinOption; Configuration; Arguments; AllowEmpty }: each configuration
    input to a session-owned file (deleted when the session stops), the records on stdin
    (`StdinOption -`). With AllowEmpty an input given but empty is still passed, as an empty file
    (a tenant without phone numbers is not a tenant whose numbers were not read).
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param([Parameter(Mandatory)][psobject]$Session)
    if ($null -ne $Session.Process) { return }
    $pending = $Session.Pending
    $allowEmpty = [bool]$pending['AllowEmpty']
    $arguments = @($pending.StdinOption, '-') + @($pending.Arguments)
    foreach ($option in $pending.Configuration.Keys) {
        $path = New-LicenseAuditSpoolFile -Session $Session -Record $pending.Configuration[$option] -AllowEmpty:$allowEmpty -Confirm:$false -WhatIf:$false
        if ($path) { $arguments += @($option, $path) }
    }
    Start-LicenseAuditNative -Session $Session -Arguments $arguments -StdinRecords
}
