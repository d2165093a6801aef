# Pester 5 tests of the module under faults (issue #29): an engine that stops reading, closes its
# stdin, dies by a signal, never reads, floods its output or writes what is not JSON (stand-in
# engines: bash scripts the module runs through LICENSEAUDIT_BINARY); property getters that
# throw, lone surrogates, hashtables, a temporary folder that is not there; Remove-Module in the
# middle of a pipeline (a runspace of its own); Ctrl+C / Stop() while a write waits, and SIGTERM
# to pwsh (a pwsh of its own). Every fault must end as a terminating error or an error record
# with a LicenseAudit.* id that says what was lost, never as a quiet success with data missing.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Stubs = Join-Path $PSScriptRoot 'TestStubs.ps1'
    . $Stubs
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Version = InModuleScope LicenseAudit { $script:LicenseAuditExpectedEngineVersion }
    $script:RealEngine = InModuleScope LicenseAudit { Get-LicenseAuditBinaryPath }
    $script:SavedBinary = $env:LICENSEAUDIT_BINARY
    $script:ConferencingPolicies = Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/conferencing-policies.json') | ConvertFrom-Json
    $script:VoicePolicies = Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/voice-policies.json') | ConvertFrom-Json
    $script:Pools = Import-Clixml (Join-Path $RepoRoot 'examples/contoso/pools.xml')

    # A stand-in engine: answers the version handshake as the module's engine, runs -Body otherwise.
    function script:New-StandIn {
        param([string]$Body)
        $path = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '/license-audit')
        New-Item -ItemType Directory -Path (Split-Path -Parent $path) -Force | Out-Null
        [System.IO.File]::WriteAllText($path, "#!/bin/bash`nif [ `"`$1`" = --version ]; then echo 'license-audit $Version'; exit 0; fi`n$Body`n")
        & chmod +x $path
        $path
    }
    function script:New-TestUser([int]$Number) {
        [pscustomobject]@{ SipAddress = "sip:user$Number@contoso.com"; Enabled = $true; RegistrarPool = 'pool01.redmond.contoso.com' }
    }
    # The error id of an -ErrorVariable entry: a terminating error thrown through nested
    # functions is there as the exception that carries it (CmdletInvocationException).
    function script:Get-ErrorId($Entry) {
        if ($Entry -is [System.Management.Automation.ErrorRecord]) { return $Entry.FullyQualifiedErrorId }
        if ($Entry.PSObject.Properties['ErrorRecord'] -and $Entry.ErrorRecord) { return $Entry.ErrorRecord.FullyQualifiedErrorId }
        "$Entry"
    }
    function script:Get-SessionCount { InModuleScope LicenseAudit { @($script:LicenseAuditSessions).Count } }
    function script:Test-Gone([int]$ProcessId, [int]$Seconds = 10) {
        $deadline = (Get-Date).AddSeconds($Seconds)
        while ((Get-Date) -lt $deadline) {
            $process = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue
            if (-not $process -or $process.HasExited) { return $true }
            $stat = "/proc/$ProcessId/stat"
            if ((Test-Path -LiteralPath $stat) -and ((Get-Content -Raw -LiteralPath $stat -ErrorAction SilentlyContinue) -match '\) Z ')) { return $true }
            Start-Sleep -Milliseconds 100
        }
        $false
    }
    function script:Wait-File([string]$Path, [int]$Seconds = 30) {
        $deadline = (Get-Date).AddSeconds($Seconds)
        while (-not (Test-Path -LiteralPath $Path) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Test-Path -LiteralPath $Path
    }
    # Get-LyncCalRequirement over -Count piped users, counting what upstream produced; returns the
    # records, the terminating error (or $null), the non-terminating errors and the count.
    function script:Invoke-Lync {
        param([int]$Count = 20000, [scriptblock]$User = { param($n) New-TestUser $n })
        $script:Produced = 0
        $records = [System.Collections.Generic.List[object]]::new()
        $failure = $null
        $problems = $null
        try {
            1..$Count | ForEach-Object { $script:Produced++; & $User $_ } |
                Get-LyncCalRequirement -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools -ErrorVariable problems -ErrorAction SilentlyContinue |
                ForEach-Object { $records.Add($_) }
        }
        catch { $failure = $_ }
        [pscustomobject]@{ Records = $records; Failure = $failure; Problems = @($problems); Produced = $script:Produced }
    }
    # Runs -Script in a runspace of its own (the module imported, the stubs loaded), bounded by
    # -Seconds; -Stop asks it to stop after -StopAfter seconds, as Ctrl+C or a host's Stop() does.
    function script:Invoke-Isolated {
        param([scriptblock]$Script, [int]$Seconds = 120, [switch]$Stop, [int]$StopAfter = 3, [hashtable]$Environment = @{})
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript('param($Module, $Stubs, $Environment) foreach ($k in $Environment.Keys) { [System.Environment]::SetEnvironmentVariable($k, $Environment[$k]) }; . $Stubs; Import-Module $Module').
                AddArgument((Join-Path $RepoRoot 'LicenseAudit.psd1')).AddArgument($Stubs).AddArgument($Environment)
            [void]$ps.AddStatement().AddScript($Script.ToString())
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $async = $ps.BeginInvoke()
            $stopped = $null
            if ($Stop) {
                [void]$async.AsyncWaitHandle.WaitOne($StopAfter * 1000)
                $stopClock = [System.Diagnostics.Stopwatch]::StartNew()
                $stopping = $ps.BeginStop($null, $null)
                $stopped = $stopping.AsyncWaitHandle.WaitOne($Seconds * 1000)
                $stopSeconds = $stopClock.Elapsed.TotalSeconds
            }
            $completed = $async.AsyncWaitHandle.WaitOne($Seconds * 1000)
            $output = $null
            $failure = $null
            if ($completed) {
                try { $output = $ps.EndInvoke($async) } catch { $failure = $_.Exception }
            }
            else {
                [void]$ps.BeginStop($null, $null)
            }
            [pscustomobject]@{
                Completed   = $completed
                Stopped     = $stopped
                StopSeconds = $(if ($Stop) { $stopSeconds } else { $null })
                Output      = @($output)
                Failure     = $failure
                Errors      = @($ps.Streams.Error)
                HadErrors   = $ps.HadErrors
                Seconds     = $clock.Elapsed.TotalSeconds
            }
        }
        finally {
            if ($ps.InvocationStateInfo.State -eq 'Completed' -or $ps.InvocationStateInfo.State -eq 'Stopped' -or $ps.InvocationStateInfo.State -eq 'Failed') { $ps.Dispose() }
        }
    }
}

AfterAll {
    $env:LICENSEAUDIT_BINARY = $SavedBinary
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'An engine that does not read all of its input' {
    AfterEach { $env:LICENSEAUDIT_BINARY = $SavedBinary }

    It 'stops reading after 100 records and exits 0: LicenseAudit.InputNotRead with the counts, and upstream stopped' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'n=0; while [ $n -lt 100 ] && IFS= read -r line; do n=$((n+1)); echo "{\"RecordType\":\"LyncUserCal\",\"SipAddress\":\"sip:u$n@contoso.com\"}"; done; exit 0'
        $run = Invoke-Lync -Count 20000
        $run.Failure | Should -Not -BeNullOrEmpty
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InputNotRead*'
        $run.Failure.Exception.Message | Should -Match 'given at most \d+ of the \d+ pipeline input object\(s\) sent, so at least \d+ were not read'
        $run.Records.Count | Should -Be 100
        $run.Produced | Should -BeLessThan 20000
        Get-SessionCount | Should -Be 0
    }

    It 'closes its stdin at once and exits 0: LicenseAudit.InputNotRead, not a success with no records' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'exec 0<&-; sleep 0.5; exit 0'
        $run = Invoke-Lync -Count 20000
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InputNotRead*'
        $run.Records.Count | Should -Be 0
        $run.Produced | Should -BeLessThan 20000
    }

    It 'is killed by a signal mid-stream: LicenseAudit.EngineCrashed with the signal and the counts, upstream stopped' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'n=0; while IFS= read -r line; do n=$((n+1)); if [ $n -eq 500 ]; then kill -9 $$; fi; done'
        $run = Invoke-Lync -Count 20000
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineCrashed*'
        $run.Failure.Exception.Message | Should -BeLike '*signal 9*'
        $run.Failure.Exception.Message | Should -BeLike '*were not read*'
        $run.Produced | Should -BeLessThan 20000
    }

    It 'reads everything, writes a record and exits 255 (what exit(-1) gives here; -1 is 0xFFFFFFFF on Windows): a failure, never a success' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'while IFS= read -r line; do :; done; echo "{\"RecordType\":\"LyncUserCal\",\"SipAddress\":\"sip:u1@contoso.com\"}"; exit 255'
        $run = Invoke-Lync -Count 200
        $run.Failure | Should -Not -BeNullOrEmpty
        $run.Failure.FullyQualifiedErrorId | Should -Match '^LicenseAudit\.Engine'
        $run.Failure.Exception.Message | Should -BeLike '*255*'
    }

    It 'exits 3 without a word: a terminating LicenseAudit.InputNotRead, not one generic InvalidInput' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'head -n 10 >/dev/null; exit 3'
        $run = Invoke-Lync -Count 20000
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InputNotRead*'
        $run.Failure.Exception.Message | Should -BeLike '*exit code 3*'
    }
}

Describe 'Input the module cannot send as it is' {
    BeforeAll { $env:LICENSEAUDIT_BINARY = $RealEngine }
    AfterAll { $env:LICENSEAUDIT_BINARY = $SavedBinary }

    It 'refuses a user whose property getter throws, naming the user and the property, and audits the others' {
        $run = Invoke-Lync -Count 3 -User {
            param($n)
            $user = New-TestUser $n
            if ($n -eq 2) { $user | Add-Member -MemberType ScriptProperty -Name EnterpriseVoiceEnabled -Value { throw 'the domain controller did not answer' } }
            $user
        }
        $run.Failure | Should -BeNullOrEmpty
        @($run.Records.SipAddress) | Should -Be @('sip:user1@contoso.com', 'sip:user3@contoso.com')
        $problems = @($run.Problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.PropertyUnreadable*' })
        $problems.Count | Should -Be 1
        $problems[0].TargetObject.SipAddress | Should -Be 'sip:user2@contoso.com'
        $problems[0].Exception.Message | Should -BeLike '*EnterpriseVoiceEnabled*the domain controller did not answer*'
    }

    It 'refuses users whose SIP addresses hold lone surrogates, instead of merging them as U+FFFD' {
        $run = Invoke-Lync -Count 3 -User {
            param($n)
            switch ($n) {
                1 { [pscustomobject]@{ SipAddress = "sip:a$([char]0xD800)@contoso.com"; Enabled = $true } }
                2 { [pscustomobject]@{ SipAddress = "sip:a$([char]0xDC00)@contoso.com"; Enabled = $true } }
                default { New-TestUser $n }
            }
        }
        $run.Failure | Should -BeNullOrEmpty
        @($run.Records.SipAddress) | Should -Be @('sip:user3@contoso.com')
        @($run.Records | Where-Object { $_.SipAddress -like "*$([char]0xFFFD)*" }).Count | Should -Be 0
        $problems = @($run.Problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.InvalidText*' })
        $problems.Count | Should -Be 2
        $problems[0].TargetObject.SipAddress | Should -Be "sip:a$([char]0xD800)@contoso.com"
    }

    It 'reads hashtables and [ordered] dictionaries piped in as users' {
        $users = @(
            @{ SipAddress = 'sip:hash@contoso.com'; Enabled = $true; RegistrarPool = 'pool01.redmond.contoso.com'; ConferencingPolicy = 'Tag:ENT_CAL_REC_Audio' },
            [ordered]@{ SipAddress = 'sip:ordered@contoso.com'; Enabled = $true; RegistrarPool = 'pool01.dublin.contoso.com' }
        )
        $result = @($users | Get-LyncCalRequirement -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools -ErrorVariable problems)
        $problems.Count | Should -Be 0
        $result.SipAddress | Should -Be @('sip:hash@contoso.com', 'sip:ordered@contoso.com')
        $result[0].Enterprise | Should -BeTrue
        $result[1].Site | Should -Be 'Dublin'
    }

    It 'says a temporary folder that is not there as LicenseAudit.TempFileFailed, naming the folder' {
        $saved = $env:TMPDIR
        $missing = Join-Path $TestDrive 'no-such-temp'
        try {
            $env:TMPDIR = $missing
            $failure = $null
            try { New-TestUser 1 | Get-LyncCalRequirement -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools } catch { $failure = $_ }
        }
        finally { $env:TMPDIR = $saved }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.TempFileFailed,Get-LyncCalRequirement'
        $failure.Exception.Message | Should -BeLike "*$missing*"
        Get-SessionCount | Should -Be 0
    }
}

Describe 'Engine output the module cannot read' {
    AfterEach {
        $env:LICENSEAUDIT_BINARY = $SavedBinary
        [LicenseAudit.NativeProcess]::MaxLineCharacters = 256MB
    }

    It 'reports lines that are not JSON, and a half line, with module ids, and ends the run as failed' {
        $env:LICENSEAUDIT_BINARY = New-StandIn @'
cat >/dev/null
echo '{"RecordType":"LyncUserCal","SipAddress":"sip:one@contoso.com"}'
echo 'this is not json'
echo '{"RecordType":"LyncUserCal","SipAddress":"sip:two@contoso.com"}'
printf '{"RecordType":"LyncUserCal","Sip'
exit 0
'@
        $run = Invoke-Lync -Count 5
        @($run.Records.SipAddress) | Should -Be @('sip:one@contoso.com', 'sip:two@contoso.com')
        $invalid = @($run.Problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.EngineOutputInvalid*' })
        $invalid.Count | Should -Be 2
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineOutputInvalid*'
        $run.Failure.Exception.Message | Should -BeLike '*2 output line(s)*'
        @($run.Problems + @($run.Failure) | Where-Object { $_ -and (Get-ErrorId $_) -notlike 'LicenseAudit.*' }).Count | Should -Be 0
    }

    It 'takes stderr lines not shaped like the engine''s without aborting, and keeps every record' {
        $env:LICENSEAUDIT_BINARY = New-StandIn @'
cat >/dev/null
echo '42' >&2
echo '{"foo":1}' >&2
echo '{"activity":""}' >&2
echo '{"activity":"x","status":"","completed":"a","total":[]}' >&2
echo '{"level":"warning"}' >&2
echo '{"level":"error","message":""}' >&2
echo '{"RecordType":"LyncUserCal","SipAddress":"sip:one@contoso.com"}'
exit 0
'@
        $run = Invoke-Lync -Count 5
        $run.Failure | Should -BeNullOrEmpty
        @($run.Records.SipAddress) | Should -Be @('sip:one@contoso.com')
        @($run.Problems | Where-Object { (Get-ErrorId $_) -notlike 'LicenseAudit.*' }).Count | Should -Be 0
        @($run.Problems | Where-Object { $_.Exception.Message -like '*without a message*' }).Count | Should -Be 1
    }

    It 'does not take a failure of the whole run on stderr followed by exit 0 as a success' {
        $env:LICENSEAUDIT_BINARY = New-StandIn @'
cat >/dev/null
echo '{"level":"error","code":"Failure","message":"the monitoring store went away"}' >&2
exit 0
'@
        $run = Invoke-Lync -Count 5
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineFailed*'
        $run.Failure.Exception.Message | Should -BeLike '*the monitoring store went away*'
    }

    It 'says exit 5 as a shortfall of the command that gave it, not as a compliance shortfall' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'cat >/dev/null; exit 5'
        $run = Invoke-Lync -Count 5
        $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ComplianceShortfall*'
        $run.Failure.Exception.Message | Should -BeLike '*lync entitlement*shortfall*'
        $run.Failure.Exception.Message | Should -Not -BeLike '*compliance shortfall*'
    }

    It 'ends, as LicenseAudit.EngineOutputUnreadable, when the output reader fails: with 50 users and with 3,000 (no hang)' {
        [LicenseAudit.NativeProcess]::MaxLineCharacters = 1000000
        $env:LICENSEAUDIT_BINARY = New-StandIn @'
head -c 2000000 /dev/zero | tr '\0' a; echo
while IFS= read -r line; do echo '{"RecordType":"LyncUserCal","SipAddress":"sip:x@contoso.com"}'; done
'@
        foreach ($count in 50, 3000) {
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $run = Invoke-Lync -Count $count
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 120
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineOutputUnreadable*'
            $run.Failure.Exception.Message | Should -BeLike '*longer than 1000000 characters*'
            Get-SessionCount | Should -Be 0
        }
    }

    It 'keeps at most the queue''s capacity between a flooding engine and a slow consumer (back-pressure)' {
        $env:LICENSEAUDIT_BINARY = New-StandIn 'yes "{\"RecordType\":\"LyncCalRightSizing\",\"SipAddress\":\"sip:s@contoso.com\"}" | head -n 60000; exit 0'
        $capacity = [LicenseAudit.NativeProcess]::OutputCapacity
        $pending = [System.Collections.Generic.List[int]]::new()
        $count = 0
        Get-LyncCalRightSizing -ConfiguredPath (Join-Path $RepoRoot 'examples/records/lync-entitlement.ndjson') -UsagePath (Join-Path $RepoRoot 'examples/rightsizing/usage.ndjson') | ForEach-Object {
            $count++
            if ($count % 5000 -eq 1) {
                Start-Sleep -Milliseconds 300
                $pending.Add((InModuleScope LicenseAudit { @($script:LicenseAuditSessions)[0].Process.PendingOutput }))
            }
        }
        $count | Should -Be 60000
        ($pending | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual $capacity
        ($pending | Measure-Object -Maximum).Maximum | Should -BeGreaterThan 0
    }
}

Describe 'Stopping: Remove-Module, Ctrl+C while a write waits, SIGTERM to pwsh' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
    AfterEach { $env:LICENSEAUDIT_BINARY = $SavedBinary }

    It 'ends a run whose module is removed mid-pipeline as LicenseAudit.EngineStopped, never as a success' {
        $run = Invoke-Isolated -Environment @{ LICENSEAUDIT_BINARY = $RealEngine; LICENSEAUDIT_TEST_ROOT = $RepoRoot } -Script {
            $estate = Join-Path $env:LICENSEAUDIT_TEST_ROOT 'examples/contoso'
            $policies = @{
                ConferencingPolicy = Get-Content -Raw (Join-Path $estate 'conferencing-policies.json') | ConvertFrom-Json
                VoicePolicy        = Get-Content -Raw (Join-Path $estate 'voice-policies.json') | ConvertFrom-Json
                Pool               = Import-Clixml (Join-Path $estate 'pools.xml')
            }
            $i = 0
            1..20000 | ForEach-Object {
                $i++
                if ($i -eq 3000) { Remove-Module LicenseAudit }
                [pscustomobject]@{ SipAddress = "sip:user$i@contoso.com"; Enabled = $true; RegistrarPool = 'pool01.redmond.contoso.com' }
            } | Get-LyncCalRequirement @policies | Measure-Object | ForEach-Object { "records: $($_.Count)" }
        }
        $run.Completed | Should -BeTrue
        $all = @($run.Errors | ForEach-Object { $_.FullyQualifiedErrorId }) + @(if ($run.Failure) { $run.Failure.ErrorRecord.FullyQualifiedErrorId })
        ($all -join ' ') | Should -BeLike '*LicenseAudit.EngineStopped*'
        $messages = @($run.Errors | ForEach-Object { $_.Exception.Message }) + @(if ($run.Failure) { $run.Failure.Message })
        ($messages -join ' ') | Should -BeLike '*Remove-Module LicenseAudit*'
    }

    It 'stops at once on Stop() (Ctrl+C) while a write waits on an engine that never reads, and ends the engine' {
        $pidFile = Join-Path $TestDrive 'never-reads.pid'
        $engine = New-StandIn "echo `$`$ > '$pidFile'; exec sleep 600"
        $run = Invoke-Isolated -Environment @{ LICENSEAUDIT_BINARY = $engine } -Stop -StopAfter 5 -Seconds 60 -Script {
            1..1000000 | ForEach-Object { [pscustomobject]@{ SipAddress = "sip:user$_@contoso.com"; Enabled = $true; DisplayName = ('x' * 200) } } | Get-LyncCalRequirement
        }
        Test-Path -LiteralPath $pidFile | Should -BeTrue
        $run.Stopped | Should -BeTrue
        $run.StopSeconds | Should -BeLessThan 30
        Test-Gone ([int](Get-Content -LiteralPath $pidFile)) | Should -BeTrue
    }

    It 'ends the engine when pwsh itself is stopped by SIGTERM (a scheduler stopping its job)' {
        $pidFile = Join-Path $TestDrive 'sigterm.pid'
        $engine = New-StandIn "echo `$`$ > '$pidFile'; exec sleep 600"
        $pwsh = Join-Path $PSHOME 'pwsh'
        $command = ". '$Stubs'; Import-Module '$(Join-Path $RepoRoot 'LicenseAudit.psd1')'; " +
            "& { [pscustomobject]@{ SipAddress = 'sip:a@contoso.com'; Enabled = `$true }; Start-Sleep -Seconds 600 } | Get-LyncCalRequirement"
        $info = New-Object System.Diagnostics.ProcessStartInfo $pwsh
        foreach ($argument in @('-NoProfile', '-NonInteractive', '-Command', $command)) { $info.ArgumentList.Add($argument) }
        $info.UseShellExecute = $false
        $info.Environment['LICENSEAUDIT_BINARY'] = $engine
        $shell = [System.Diagnostics.Process]::Start($info)
        try {
            Wait-File $pidFile 60 | Should -BeTrue
            Start-Sleep -Milliseconds 500
            $enginePid = [int](Get-Content -LiteralPath $pidFile)
            & kill -TERM $shell.Id
            $shell.WaitForExit(30000) | Should -BeTrue
            Test-Gone $enginePid 10 | Should -BeTrue
        }
        finally {
            if (-not $shell.HasExited) { $shell.Kill() }
            $shell.Dispose()
        }
    }
}

Describe 'UAL evidence that is incomplete' {
    BeforeAll {
        $env:LICENSEAUDIT_BINARY = $RealEngine
        $script:Example = Join-Path $RepoRoot 'examples/ual'
        $script:UserRows = Get-Content -Raw (Join-Path $Example 'ual-user-access.json') | ConvertFrom-Json
        $script:DeviceRows = Get-Content -Raw (Join-Path $Example 'ual-device-access.json') | ConvertFrom-Json
        $script:SystemRows = Get-Content -Raw (Join-Path $Example 'ual-system-id.json') | ConvertFrom-Json
        $script:Licenses = Join-Path $Example 'licenses.csv'
        $script:AsOf = [datetime]'2026-11-01T00:00:00Z'
        $script:Servers = 'FS01', 'FS02', 'RDS01', 'SQL01', 'SQL02'
    }
    AfterAll { $env:LICENSEAUDIT_BINARY = $SavedBinary }
    BeforeEach {
        # RDS01 refuses the CIM session, or (with $script:QueryFails) opens one whose query fails.
        $script:QueryFails = $false
        Mock -ModuleName LicenseAudit New-CimSession {
            foreach ($c in $ComputerName) {
                if ($c -eq 'RDS01' -and -not $script:QueryFails) { Write-Error -Message 'The WinRM client cannot complete the operation.' -TargetObject $c }
                else { [pscustomobject]@{ ComputerName = $c; PSTypeName = 'Microsoft.Management.Infrastructure.CimSession' } }
            }
        }
        Mock -ModuleName LicenseAudit Remove-CimSession { $null = $CimSession }
        Mock -ModuleName LicenseAudit Get-UalUserAccess {
            if ($script:QueryFails -and 'RDS01' -in $CimSession.ComputerName) { Write-Error -Message 'Access denied' -TargetObject 'RDS01' }
            $script:UserRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName -and -not ($script:QueryFails -and $_.PSComputerName -like 'RDS01*') }
        }
        Mock -ModuleName LicenseAudit Get-UalDeviceAccess { $script:DeviceRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalSystemId { $script:SystemRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalOverview { $null = $CimSession }
    }

    It 'says on every position which servers gave no evidence, and warns' {
        $result = @(Get-UalCalEvidence -ComputerName $Servers -ErrorAction SilentlyContinue |
                Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -DetailVariable detail -WarningVariable warnings 3>$null)
        $result.Count | Should -BeGreaterThan 0
        foreach ($record in $result) {
            $record.EvidenceComplete | Should -BeFalse
            $record.ServersWithoutEvidence | Should -Be @('RDS01')
            $record.ServersWithoutEvidenceText | Should -Be 'RDS01'
        }
        @($warnings | Where-Object { "$_" -like '*evidence is incomplete*RDS01*New-CimSession*' }).Count | Should -Be 1
        $complete = @($UserRows + $SystemRows | Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf 3>$null)
        @($complete | Where-Object { -not $_.EvidenceComplete }).Count | Should -Be 0
    }

    It 'names a server whose query failed in the summary too, where it would read as seen' {
        $script:QueryFails = $true
        $null = @(Get-UalCalEvidence -ComputerName $Servers -ErrorAction SilentlyContinue |
                Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -DetailVariable detail 3>$null)
        $summary = @($detail.UalEvidenceSummary)[0]
        $summary.EvidenceComplete | Should -BeFalse
        $summary.ServersWithoutEvidence | Should -Be @('RDS01')
    }

    It 'fails -FailOnShortfall on incomplete evidence with LicenseAudit.EvidenceIncomplete, after every record, unless accepted' {
        $failure = $null
        $records = $null
        try {
            Get-UalCalEvidence -ComputerName $Servers -ErrorAction SilentlyContinue |
                Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall -OutVariable records 3>$null | Out-Null
        }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EvidenceIncomplete*'
        $failure.Exception.Message | Should -BeLike '*RDS01*'
        @($records).Count | Should -BeGreaterThan 0
        $accepted = @(Get-UalCalEvidence -ComputerName $Servers -ErrorAction SilentlyContinue |
                Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall -AllowIncompleteEvidence 3>$null)
        $accepted.Count | Should -BeGreaterThan 0
        @($accepted | Where-Object { $_.EvidenceComplete -or @($_.ServersWithoutEvidence) -notcontains 'RDS01' }).Count | Should -Be 0
    }

    It 'Invoke-LicenseAudit -FailOnShortfall fails on incomplete evidence, and the summary and the record file say which servers' {
        $out = Join-Path $TestDrive 'invoke-ual'
        $failure = $null
        try {
            Invoke-LicenseAudit -OutputPath $out -Audit ServerCal -UalComputerName $Servers -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall -ErrorAction SilentlyContinue 3>$null | Out-Null
        }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EvidenceIncomplete*'
        $failure.TargetObject.ServerCalEvidenceComplete | Should -BeFalse
        $failure.TargetObject.ServerCalServersWithoutEvidence | Should -Be @('RDS01')
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'invoke-ual-accepted') -Audit ServerCal -UalComputerName $Servers -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall -AllowIncompleteEvidence -ErrorAction SilentlyContinue 3>$null
        $summary.ServerCalEvidenceComplete | Should -BeFalse
        # Accepted for -FailOnShortfall, yet never a success: the summary and its view say so.
        $summary.Succeeded | Should -BeFalse
        $summary.Failed | Should -Contain 'ServerCalEvidence'
        ($summary | Format-List | Out-String -Width 120) | Should -BeLike '*ServerCalEvidence*INCOMPLETE: no evidence from RDS01*'
        $lines = @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'ual-compliance.ndjson') | Where-Object { $_ -like '{"RecordType":"CalCompliance"*' })
        $lines.Count | Should -BeGreaterThan 0
        foreach ($line in $lines) { ($line | ConvertFrom-Json).ServersWithoutEvidence | Should -Be @('RDS01') }
        # The collected evidence file holds the gap, as `ual compliance` read it.
        @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'ual-evidence.ndjson') | Where-Object { $_ -like '*"RecordType":"UalEvidenceGap"*' }).Count | Should -Be 1
    }

    It 'carries the gap into saved evidence (<Format>): Get-ServerCalCompliance -EvidencePath marks every position, and -FailOnShortfall fails' -ForEach @(
        @{ Format = 'Export-Clixml' }
        @{ Format = 'ConvertTo-Json' }
        @{ Format = 'JSON lines' }
        @{ Format = 'Export-Csv, the gaps in a file of their own' }
    ) {
        $evidence = @(Get-UalCalEvidence -ComputerName $Servers -ErrorAction SilentlyContinue)
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $folder | Out-Null
        $files = @()
        switch -Wildcard ($Format) {
            'Export-Clixml' { $files += Join-Path $folder 'ual.xml'; $evidence | Export-Clixml -LiteralPath $files[0] }
            'ConvertTo-Json' { $files += Join-Path $folder 'ual.json'; $evidence | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $files[0] -Encoding utf8 }
            'JSON lines' { $files += Join-Path $folder 'ual.ndjson'; $evidence | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 3 } | Set-Content -LiteralPath $files[0] -Encoding utf8 }
            'Export-Csv*' {
                $files += Join-Path $folder 'ual-user-access.csv'
                $files += Join-Path $folder 'ual-gaps.csv'
                $evidence | Where-Object { $_.PSObject.Properties['UserName'] } | Export-Csv -LiteralPath $files[0] -NoTypeInformation
                $evidence | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.UalEvidenceGap' } | Export-Csv -LiteralPath $files[1] -NoTypeInformation
            }
        }
        $records = @(Get-ServerCalCompliance -EvidencePath $files -LicensePath $Licenses -AsOf $AsOf -DetailVariable detail -WarningVariable warnings 3>$null)
        $records.Count | Should -BeGreaterThan 0
        foreach ($record in $records) {
            $record.EvidenceComplete | Should -BeFalse
            $record.ServersWithoutEvidence | Should -Be @('RDS01')
            $record.ServersWithoutEvidenceText | Should -Be 'RDS01'
        }
        $summary = @($detail.UalEvidenceSummary)[0]
        ($summary.EvidenceComplete, $summary.ServersWithoutEvidenceText) | Should -Be @($false, 'RDS01')
        $summary.EvidenceGaps[0].Query | Should -Be 'New-CimSession'
        @($warnings | Where-Object { "$_" -like '*evidence is incomplete*RDS01*New-CimSession*' }).Count | Should -Be 1
        $failure = $null
        try { Get-ServerCalCompliance -EvidencePath $files -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall 3>$null | Out-Null }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'LicenseAudit.EvidenceIncomplete,Get-ServerCalCompliance'
        $failure.Exception.Message | Should -BeLike '*RDS01 (New-CimSession: The WinRM client*'
        $accepted = @(Get-ServerCalCompliance -EvidencePath $files -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall -AllowIncompleteEvidence 3>$null)
        @($accepted | Where-Object { $_.EvidenceComplete }).Count | Should -Be 0
    }

    It 'Invoke-LicenseAudit -EvidencePath: a saved gap fails -FailOnShortfall too, and the summary says which server' {
        $saved = Join-Path $TestDrive 'saved-ual.xml'
        Get-UalCalEvidence -ComputerName $Servers -ErrorAction SilentlyContinue | Export-Clixml -LiteralPath $saved
        $failure = $null
        try {
            Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'invoke-saved') -Audit ServerCal -EvidencePath $saved -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall 3>$null | Out-Null
        }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'LicenseAudit.EvidenceIncomplete,Invoke-LicenseAudit'
        $failure.TargetObject.ServerCalEvidenceComplete | Should -BeFalse
        $failure.TargetObject.ServerCalServersWithoutEvidence | Should -Be @('RDS01')
        # Complete evidence from a file says so.
        $whole = Join-Path $TestDrive 'whole-ual.json'
        @($script:SystemRows) + @($script:UserRows) | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $whole -Encoding utf8
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'invoke-whole') -Audit ServerCal -EvidencePath $whole -LicensePath $Licenses -AsOf $AsOf 3>$null
        $summary.ServerCalEvidenceComplete | Should -BeTrue
        @($summary.ServerCalServersWithoutEvidence).Count | Should -Be 0
    }

    It 'Invoke-LicenseAudit -UalComputerName: an unreachable server is one error of Invoke-LicenseAudit, in its -ErrorVariable, at the caller''s line' {
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'invoke-errors') -Audit ServerCal -UalComputerName $Servers -LicensePath $Licenses -AsOf $AsOf -ErrorVariable ev -ErrorAction SilentlyContinue 3>$null
        $summary.ServerCalServersWithoutEvidence | Should -Be @('RDS01')
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'LicenseAudit.UalSessionFailed,Invoke-LicenseAudit'
        $ev[0].TargetObject | Should -Be 'RDS01'
        $ev[0].InvocationInfo.MyCommand.Name | Should -Be 'Invoke-LicenseAudit'
        $ev[0].InvocationInfo.ScriptName | Should -Be $PSCommandPath
        $ev[0].InvocationInfo.Line | Should -BeLike '*Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive ''invoke-errors'')*'
        $ev[0].InvocationInfo.PositionMessage | Should -Not -BeLike '*LicenseAuditRun.ps1*'
        # A query that fails: the same, with its id.
        $script:QueryFails = $true
        $null = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'invoke-query-errors') -Audit ServerCal -UalComputerName $Servers -LicensePath $Licenses -AsOf $AsOf -ErrorVariable ev -ErrorAction SilentlyContinue 3>$null
        @($ev | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be @('LicenseAudit.UalQueryFailed,Invoke-LicenseAudit')
        # With -ErrorAction Stop the first is Invoke-LicenseAudit's terminating error.
        $script:QueryFails = $false
        $failure = $null
        try { Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'invoke-stop') -Audit ServerCal -UalComputerName $Servers -LicensePath $Licenses -AsOf $AsOf -ErrorAction Stop 3>$null | Out-Null }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'LicenseAudit.UalSessionFailed,Invoke-LicenseAudit'
        $failure.InvocationInfo.ScriptName | Should -Be $PSCommandPath
    }
}
