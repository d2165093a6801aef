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
        [object]$Target,
        # How an input object becomes its line (LicenseAudit.EngineChannel.Kind): Record (the
        # -InputProperty of each, as ConvertTo-LicenseAuditRecord selects them), TeamsUser
        # (ConvertTo-LicenseAuditTeamsUser), Ual (Record; -SystemProperty for Get-UalSystemId
        # rows), Whole (the object as it is: records piped from another cmdlet).
        [ValidateSet('Record', 'TeamsUser', 'Ual', 'Whole')]
        [string]$InputKind = 'Whole',
        [string[]]$InputProperty = @(),
        [string[]]$SystemProperty = @(),
        # Strings piped in are identities to look up (Send-LicenseAuditLyncUser), not records.
        [switch]$IdentityLookup,
        # One level of arrays in the input is unrolled (Expand-LicenseAuditTeamsInput).
        [switch]$UnrollArrays
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
            RunError     = $null
            Finished     = $false
            Gathering    = $false
        })
    # The pipeline side of the run (Private/EngineChannel.cs): objects in, records out, with the
    # script path ($script:LicenseAuditCodecFallback) for what it does not model.
    $channel = New-Object -TypeName LicenseAudit.EngineChannel -ArgumentList $session, $Cmdlet, ([string[]]@($OutputType)), ([string[]]@($CollectType)),
        $collected, $script:LicenseAuditRecordShapes, $script:LicenseAuditCodecFallback
    $channel.Kind = $InputKind
    $channel.Properties = [string[]]@($InputProperty)
    $channel.SystemProperties = [string[]]@($SystemProperty)
    $channel.IdentityLookup = [bool]$IdentityLookup
    $channel.UnrollArrays = [bool]$UnrollArrays
    $session.Channel = $channel
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
        # Ignore, not SilentlyContinue: a silenced error still lands in the calling cmdlet's -ErrorVariable.
        if (Get-Process -Id $owner -ErrorAction Ignore) { continue }
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
    $writer = $null
    try {
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
        $writer.NewLine = "`n"
        if ($items.Count -eq 0) { $writer.WriteLine('[]') }
        foreach ($item in $items) {
            $line = ConvertTo-LicenseAuditInputLine -InputObject $item
            if ($null -ne $line) { $writer.WriteLine($line) }
        }
        $writer.Dispose()
    }
    catch [System.Management.Automation.PipelineStoppedException] {
        throw
    }
    catch [System.Management.Automation.ActionPreferenceStopException] {
        throw
    }
    catch {
        # A missing, read-only or full temporary folder: said as the module's own error, with the
        # folder, not as a bare IOException of this function.
        $reason = $_.Exception.Message
        if ($_.Exception.InnerException) { $reason = $_.Exception.InnerException.Message }
        $Session.Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'TempFileFailed' -Category WriteError -TargetObject $path `
                    -InnerException $_.Exception -ExceptionType 'System.IO.IOException' `
                    -Message ("Cannot write the temporary file the engine reads its configuration from ({0}): {1} Check that the temporary folder '{2}' (TMPDIR or TEMP) exists, is writable and has free space; nothing was audited." -f
                        $path, $reason, [System.IO.Path]::GetTempPath())))
    }
    finally {
        if ($null -ne $writer) { $writer.Dispose() }
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
    Sends one object to the engine's stdin (converted as the session's InputKind says) and emits
    any records already back. -InputObject is what the caller piped in: an engine error about this
    record names it as its TargetObject.
    .DESCRIPTION
    The conversion, the bounded wait for room on stdin and the reading of records are
    LicenseAudit.EngineChannel's (Private/EngineChannel.cs). When the engine has stopped reading,
    the run ends here with a terminating error that says how many inputs it did not read, which
    also stops the commands upstream: nothing more is read from AD or Teams for a run that failed.
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
    $channel = $Session.Channel
    $channel.Send($Record, $InputObject)
    if ($channel.Status) { Resolve-LicenseAuditNativeStatus -Session $Session -Status $channel.Status }
}

function Resolve-LicenseAuditNativeStatus {
    <#
    .SYNOPSIS
    Acts on LicenseAudit.EngineChannel.Status (-Status) after a send: drains stderr (progress,
    warnings, errors) when lines wait there, and ends the run at once when the engine can take no
    more input.
    .DESCRIPTION
    Ending: Receive-LicenseAuditNativeOutput -Wait emits what the engine wrote and works out the
    outcome. A failure is thrown as the terminating error it is (which stops the whole pipeline,
    upstream included). An outcome the engine already explained with errors of its own (exit 3:
    invalid input, written one by one) stops only the commands upstream
    (EngineChannel.StopUpstream, as Select-Object -First does): nothing more is read from AD or
    Teams for a run that cannot use it. (Not while the cmdlet gathers its own input in end{},
    $Session.Gathering: there the rest of that read is dropped unsent.) Either way the session is
    Finished, and later calls do nothing.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [int]$Status = $Session.Channel.Status
    )
    if ($Status -band 1) { Receive-LicenseAuditNativeDiagnostic -Session $Session }
    if (($Status -band 4) -and -not $Session.Finished) {
        Receive-LicenseAuditNativeOutput -Session $Session -Wait -NoThrow
        if ($Session.Failure) { $Session.Cmdlet.ThrowTerminatingError($Session.Failure) }
        if (-not $Session.Gathering) { [LicenseAudit.EngineChannel]::StopUpstream($Session.Cmdlet) }
    }
}

function Receive-LicenseAuditNativeOutput {
    <#
    .SYNOPSIS
    Emits the records the engine has written so far (with -Wait: closes its input, emits the
    rest, checks the outcome and stops the session). Progress lines become Write-Progress, error
    lines WriteError.
    .DESCRIPTION
    Exit codes (docs/contract.md): 0 ok, 2 arguments, 3 input data (errors already written one by
    one), 4 source unreachable / login failed, 5 shortfall (--fail-on-shortfall). 2, 4 and 5 are
    terminating errors (LicenseAudit.InvalidArguments, .SourceUnreachable, .ComplianceShortfall),
    thrown after every record has been written; with -NoThrow the ErrorRecord is left in
    $Session.Failure instead. Any other code is not the engine's: it crashed or never started
    (LicenseAudit.EngineCrashed, .EngineLoaderFailed, .EngineNeedsGlibc), said with the code in
    hex when negative, its first lines of error output and the OS version.

    The exit code is not the whole outcome (issue #29): a run is a failure, never a quiet
    success, when the session was stopped before the engine finished (LicenseAudit.EngineStopped:
    Remove-Module, exit -1), when the engine stopped reading its input before the end
    (LicenseAudit.InputNotRead, with how many objects it did not read), when its output could not
    be read (LicenseAudit.EngineOutputUnreadable) or was not JSON (LicenseAudit.EngineOutputInvalid),
    and when it reported a failure of the whole run on stderr yet exited 0 (LicenseAudit.EngineFailed).

    Every wait is bounded (100-200 ms) and returns to PowerShell, so Ctrl+C and a host's Stop()
    end the run at once, the engine included, even when it never reads or never exits.
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
    if ($Session.Finished) {
        # Already ended early (Resolve-LicenseAuditNativeStatus): its outcome stands.
        if ($Wait -and $Session.Failure -and -not $NoThrow) { $Session.Cmdlet.ThrowTerminatingError($Session.Failure) }
        return
    }
    $channel = $Session.Channel
    if (-not $Wait) {
        $channel.Poll()
        if ($channel.Status -band 1) { Receive-LicenseAuditNativeDiagnostic -Session $Session }
        return
    }
    if ($Session.StdinRecords -and $channel.Sent -eq 0 -and -not $process.InputBroken) {
        # No objects: an empty JSON array is "no records" to the engine; an empty stdin is an error.
        [void]$process.TryWriteLine('[]', 1000)
    }
    $process.CloseInput()
    while ($true) {
        $channel.Drain(200)
        $status = $channel.Status
        if ($status -band 1) { Receive-LicenseAuditNativeDiagnostic -Session $Session }
        if ($status -band 8) { break }
    }
    $exitCode = -1
    while (-not $process.TryWaitForExit(200, [ref]$exitCode)) { }
    Receive-LicenseAuditNativeDiagnostic -Session $Session
    if ($process.PumpFault) { Write-Verbose ("license-audit {0}: {1}" -f $Session.Command, $process.PumpFault) }
    $Session.ExitCode = $exitCode
    # Read before Stop(), which disposes the process: what the run's pipes did.
    $stoppedBy = $Session.StopReason
    $externallyStopped = $Session.Stopped -or $process.IsDisposed
    $inputBroken = $process.InputBroken -or $channel.NotAccepted -gt 0
    $delivered = $process.LinesDelivered
    $sent = $channel.Sent
    $outputFaulted = $process.OutputFaulted
    $pumpFault = $process.PumpFault
    $Session.Finished = $true
    $Session.Stop()
    $Session.Cmdlet.WriteProgress((New-Object System.Management.Automation.ProgressRecord 0, $Session.Activity, 'Done' -Property @{ RecordType = 'Completed' }))
    $failure = $null
    $diagnosis = $null
    $inputNote = ''
    if ($inputBroken) {
        $inputNote = (' The engine stopped reading its input: it was given at most {0} of the {1} {2} object(s) sent, so at least {3} were not read, and the commands upstream were stopped.' -f
            $delivered, $sent, $Session.InputName, ($sent - $delivered))
    }
    if ($externallyStopped -or $exitCode -eq -1) {
        $who = 'it was stopped from outside'
        if ($stoppedBy) { $who = "it was stopped by $stoppedBy" }
        $failure = New-LicenseAuditErrorRecord -ErrorId 'EngineStopped' -Category OperationStopped -TargetObject $Session.Target `
            -Message ("license-audit {0} did not finish: {1} (exit code {2}), so its records are incomplete.{3}" -f $Session.Command, $who, $exitCode, $inputNote)
    }
    elseif ($exitCode -ne 0) {
        # Not one of the engine's own codes (0-5), or a loader message on stderr: say what happened.
        $diagnosis = [LicenseAudit.EngineDiagnosis]::ExitFailure($exitCode, (Test-LicenseAuditOnWindows), ($Session.StderrHead -join "`n"),
            [LicenseAudit.EngineCheck]::OsDescription(), [string]$Session.Binary)
    }
    if ($failure) { }
    elseif ($outputFaulted) {
        # Before the exit code: the module killed the engine itself, nobody could read it any more.
        $failure = New-LicenseAuditErrorRecord -ErrorId 'EngineOutputUnreadable' -Category ReadError -TargetObject $Session.Target `
            -Message ("The output of license-audit {0} could not be read ({1}): records are missing, and the engine was stopped (exit code {2}).{3}" -f
                $Session.Command, $pumpFault, $exitCode, $inputNote)
    }
    elseif ($diagnosis) {
        $failure = New-LicenseAuditEngineErrorRecord -Diagnosis $diagnosis -TargetObject $Session.Target -Suffix $inputNote
    }
    elseif ($inputBroken -and $exitCode -eq 3 -and $Session.Errors -gt 0) {
        # The engine stopped on invalid input and said why, one error each (above): what it did
        # not read is said too, and the run's outcome stays the engine's (exit 3).
        Write-LicenseAuditNativeError -Session $Session -Code 'InputNotRead' -Message ("license-audit {0} stopped on invalid input (exit code 3).{1}" -f $Session.Command, $inputNote)
    }
    elseif ($inputBroken -and ($exitCode -eq 0 -or $exitCode -eq 3)) {
        $message = "license-audit $($Session.Command) ended (exit code $exitCode) before it had read all of its input.$inputNote"
        if ($Session.RunError) { $message += " It said: $($Session.RunError)" }
        $failure = New-LicenseAuditErrorRecord -ErrorId 'InputNotRead' -Category InvalidResult -TargetObject $Session.Target -Message $message
    }
    elseif ($channel.InvalidLines -gt 0 -and ($exitCode -eq 0 -or $exitCode -eq 3)) {
        $failure = New-LicenseAuditErrorRecord -ErrorId 'EngineOutputInvalid' -Category InvalidData -TargetObject $Session.Target `
            -Message ("license-audit {0} wrote {1} output line(s) that are not JSON records (the first: {2}): the results are incomplete." -f
                $Session.Command, $channel.InvalidLines, $channel.FirstInvalidLine)
    }
    else {
        switch ($exitCode) {
            0 {
                if ($Session.RunError) {
                    # A failure of the whole run on stderr, and exit 0: one of the two is wrong, and
                    # the records cannot be trusted.
                    $failure = New-LicenseAuditErrorRecord -ErrorId 'EngineFailed' -Category InvalidResult -TargetObject $Session.Target `
                        -Message ("license-audit {0} reported a failure of the whole run but exited 0: {1}" -f $Session.Command, $Session.RunError)
                }
            }
            3 {
                if ($Session.Errors -eq 0) {
                    Write-LicenseAuditNativeError -Session $Session -Message "license-audit $($Session.Command) reported invalid input (exit code 3)." -Code 'InvalidInput'
                }
            }
            5 {
                $message = "license-audit $($Session.Command) reported a shortfall (exit code 5 with -FailOnShortfall); every record was written before this error."
                if ($Session.LastError) { $message = "$($Session.LastError). Every record was written before this error." }
                $failure = New-LicenseAuditErrorRecord -ErrorId 'ComplianceShortfall' -Category LimitsExceeded -TargetObject $Session.Target -Message $message
            }
            default {
                $message = $Session.LastError
                if (-not $message) { $message = "license-audit $($Session.Command) failed with exit code $exitCode." }
                $message += $inputNote
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

function Receive-LicenseAuditNativeDiagnostic {
    <#
    .SYNOPSIS
    Drains the binary's stderr: progress JSON → Write-Progress, error JSON → WriteError,
    warnings → WriteWarning, anything else → Write-Verbose.
    .DESCRIPTION
    Only a JSON object shaped like the engine's lines is read as one; any other line (a loader
    message, a panic, `42`, `{"foo":1}`) is kept for the exit-code diagnosis and written with
    Write-Verbose, never an error of its own: what the run gave is decided by its outcome.
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
        if ($line -match '^\s*\{') {
            try { $item = ConvertFrom-Json -InputObject $line } catch { $item = $null }
        }
        $properties = $null
        if ($null -ne $item -and $item.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
            # The cmdlet's parameters, not the engine's flags and temporary files.
            ConvertTo-LicenseAuditCmdletMessage -Session $Session -Item $item
            $properties = $item.PSObject.Properties
        }
        $activity = $null; $level = $null; $code = $null; $message = $null
        if ($null -ne $properties) {
            if ($properties['activity']) { $activity = [string]$properties['activity'].Value }
            if ($properties['level']) { $level = [string]$properties['level'].Value }
            if ($properties['code']) { $code = [string]$properties['code'].Value }
            if ($properties['message']) { $message = [string]$properties['message'].Value }
        }
        if ($null -eq $properties -or ($null -eq $activity -and $null -eq $level -and $null -eq $code -and $null -eq $message)) {
            # Not the engine's JSON: a loader failure or a panic. Kept for the exit-code diagnosis.
            if ($Session.StderrHead.Count -lt 10) { $Session.StderrHead.Add($line) }
            Write-Verbose $line
        }
        elseif ($null -ne $activity) {
            if (-not $activity) { $activity = $Session.Activity }
            $status = ''
            if ($properties['status']) { $status = [string]$properties['status'].Value }
            if (-not $status) { $status = 'Working' }
            $progress = New-Object System.Management.Automation.ProgressRecord 0, $activity, $status
            $total = 0.0; $completed = 0.0
            if ($properties['total'] -and [double]::TryParse([string]$properties['total'].Value, [System.Globalization.NumberStyles]::Float, [System.Globalization.CultureInfo]::InvariantCulture, [ref]$total) -and
                $total -gt 0 -and $properties['completed'] -and
                [double]::TryParse([string]$properties['completed'].Value, [System.Globalization.NumberStyles]::Float, [System.Globalization.CultureInfo]::InvariantCulture, [ref]$completed)) {
                $progress.PercentComplete = [int][math]::Max(0, [math]::Min(100, 100 * $completed / $total))
            }
            $Session.Cmdlet.WriteProgress($progress)
        }
        elseif ($level -eq 'warning') {
            if (-not $message) { $message = "license-audit $($Session.Command) wrote a warning without text: $line" }
            $Session.Cmdlet.WriteWarning($message)
        }
        elseif ($code -and @('InvalidArguments', 'SourceUnreachable', 'Failure', 'Shortfall') -contains $code -and
            -not ($properties['file'] -and $properties['file'].Value)) {
            # The run failed as a whole: Receive -Wait throws this as a terminating error.
            if (-not $message) { $message = "license-audit $($Session.Command) reported $code without a message." }
            $Session.LastError = $message
            $Session.RunError = $message
        }
        else {
            $file = $null; $record = $null
            if ($properties['file']) { $file = $properties['file'].Value }
            if ($properties['record']) { $record = $properties['record'].Value }
            if (-not $code) { $code = 'Error' }
            if (-not $message) { $message = "license-audit $($Session.Command) reported an error without a message: $line" }
            Write-LicenseAuditNativeError -Session $Session -Message $message -Code $code -File $file -Record $record
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
        if ($null -ne $Record -and [int]::TryParse([string]$Record, [ref]$number)) { $target = $Session.Channel.RecentInput($number) }
        if ($null -eq $target) {
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
