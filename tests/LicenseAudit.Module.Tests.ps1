# Pester 5 tests of the module plumbing: manifest, help, binary discovery, and the process
# wrapper driving the real binary (LICENSEAUDIT_BINARY or target/release). Run by
# scripts/test-all when pwsh is installed.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Fixtures = Join-Path $RepoRoot 'native/tests/fixtures/ingest'
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Module manifest' {
    It 'is a valid manifest for Desktop and Core' {
        $manifest = Test-ModuleManifest -Path (Join-Path $RepoRoot 'LicenseAudit.psd1')
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
    }

    It 'exports exactly the functions it lists' {
        $manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'LicenseAudit.psd1')
        $exported = (Get-Command -Module LicenseAudit).Name | Sort-Object
        $exported | Should -Be ($manifest.FunctionsToExport | Sort-Object)
    }

    It '<_> has a synopsis, an example, inputs and links' -ForEach (Import-PowerShellDataFile (Join-Path (Split-Path -Parent $PSScriptRoot) 'LicenseAudit.psd1')).FunctionsToExport {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $help.inputTypes | Should -Not -BeNullOrEmpty
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterThan 0
    }

    It 'lists every file it ships, and the LICENSE it links to exists' {
        $manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'LicenseAudit.psd1')
        foreach ($file in $manifest.FileList) {
            Join-Path $RepoRoot $file | Should -Exist
        }
        $manifest.FileList | Should -Contain 'LICENSE'
        $manifest.PrivateData.PSData.LicenseUri | Should -BeLike '*/LICENSE'
        $shipped = @(Get-ChildItem (Join-Path $RepoRoot 'Public'), (Join-Path $RepoRoot 'Private') -File | ForEach-Object { '{0}/{1}' -f $_.Directory.Name, $_.Name })
        foreach ($file in $shipped) { $manifest.FileList | Should -Contain $file }
    }

    It 'says clearly on import that Constrained Language Mode blocks it' -Skip:(-not (Get-Command pwsh -ErrorAction SilentlyContinue)) {
        $module = Join-Path $RepoRoot 'LicenseAudit.psd1'
        $output = & pwsh -NoProfile -NonInteractive -Command "`$ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'; try { Import-Module '$module' -ErrorAction Stop; 'imported' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }" 2>&1
        $text = $output -join "`n"
        $text | Should -BeLike '*LicenseAudit.ConstrainedLanguage*'
        $text | Should -BeLike '*Sign*'
        $text | Should -Not -BeLike '*imported*'
    }
}

Describe 'Compiled helper' {
    It 'is optimized on PowerShell 7, whose Add-Type compiles for debugging unless told (issue #28)' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        # DisableOptimizations in DebuggableAttribute keeps the JIT from optimizing any of it: the
        # codec every input object and record goes through ran at about half speed.
        $debuggable = @([LicenseAudit.EngineChannel].Assembly.GetCustomAttributes([System.Diagnostics.DebuggableAttribute], $false))
        @($debuggable | Where-Object { $_.IsJITOptimizerDisabled }).Count | Should -Be 0
    }
}

Describe 'Engine records' {
    It 'turns date fields into local [datetime] and lists into text, in th-TH and de-DE too' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            foreach ($name in 'th-TH', 'de-DE', 'en-US') {
                $culture = [System.Globalization.CultureInfo]::GetCultureInfo($name)
                [System.Threading.Thread]::CurrentThread.CurrentCulture = $culture
                [System.Globalization.CultureInfo]::CurrentCulture = $culture
                $record = InModuleScope LicenseAudit {
                    ConvertFrom-LicenseAuditRecord -Line '{"RecordType":"LyncUserUsage","SipAddress":"sip:a@contoso.com","Standard":"Yes","Enterprise":"No","Plus":"No","LastActivity":"2026-10-01T12:30:00Z","Evidence":{"Registrations":3},"Reasons":["Standard: 3 registrations","x"]}'
                }
                $record.LastActivity | Should -BeOfType [datetime]
                $record.LastActivity.Kind | Should -Be 'Local'
                $record.LastActivity.ToUniversalTime() | Should -Be ([datetime]::new(2026, 10, 1, 12, 30, 0, [System.DateTimeKind]::Utc))
                @($record | Where-Object LastActivity -lt (Get-Date)).Count | Should -Be 1
                $record.ReasonsText | Should -Be 'Standard: 3 registrations; x'
                $record.EvidenceText | Should -Be 'Registrations=3'
            }
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
            [System.Globalization.CultureInfo]::CurrentCulture = $saved
        }
    }
}

Describe 'Finding the binary' {
    It 'restores a lost execute bit (a .nupkg install drops it)' -Skip:($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("la-bin-{0}" -f [guid]::NewGuid())
        New-Item -ItemType Directory -Path $dir | Out-Null
        $saved = $env:LICENSEAUDIT_BINARY
        try {
            $copy = Join-Path $dir 'license-audit'
            Copy-Item -LiteralPath (InModuleScope LicenseAudit { Get-LicenseAuditBinaryPath }) -Destination $copy
            & chmod a-x $copy
            $env:LICENSEAUDIT_BINARY = $copy
            (Get-LicenseAuditSchema).Name | Should -Contain 'InputInspection'
            & sh -c 'test -x "$1"' sh $copy
            $LASTEXITCODE | Should -Be 0
        }
        finally {
            $env:LICENSEAUDIT_BINARY = $saved
            Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'honours LICENSEAUDIT_BINARY' {
        InModuleScope LicenseAudit {
            $saved = $env:LICENSEAUDIT_BINARY
            try {
                # Find only locates; Get-LicenseAuditBinaryPath would also run the handshake
                # (tests/Engine.Tests.ps1).
                $fake = New-TemporaryFile
                $env:LICENSEAUDIT_BINARY = $fake.FullName
                $found = Find-LicenseAuditBinary
                $found.Path | Should -Be $fake.FullName
                $found.Source | Should -Be 'Environment'
                $env:LICENSEAUDIT_BINARY = Join-Path $fake.DirectoryName 'no-such-binary'
                { Find-LicenseAuditBinary } | Should -Throw '*no file is there*'
                { Get-LicenseAuditBinaryPath } | Should -Throw '*no file is there*'
            }
            finally {
                $env:LICENSEAUDIT_BINARY = $saved
                Remove-Item $fake -ErrorAction SilentlyContinue
            }
        }
    }

    It 'names a runtime identifier such as win-x64 or linux-arm64' {
        InModuleScope LicenseAudit { Get-LicenseAuditRuntimeId } | Should -Match '^(win|linux|osx)-(x64|x86|arm64|arm)$'
    }
}

Describe 'Argument quoting' {
    It 'quotes spaces, quotes and trailing backslashes the way CommandLineToArgvW splits them' {
        [LicenseAudit.NativeProcess]::JoinArguments(@('a', 'b c', 'say "hi"', 'C:\dir\', '')) |
            Should -Be 'a "b c" "say \"hi\"" C:\dir\ ""'
        [LicenseAudit.NativeProcess]::JoinArguments(@('C:\my dir\')) | Should -Be '"C:\my dir\\"'
    }
}

Describe 'Get-LicenseAuditInputInfo' {
    It 'returns a typed inspection of a Windows PowerShell 5.1 UTF-16 export' {
        $info = Get-LicenseAuditInputInfo -Path (Join-Path $Fixtures 'getcsuser.ps51.utf16le.json')
        $info.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.InputInspection'
        $info.Records | Should -Be 3
        $info.Encoding | Should -Be 'UTF-16 LE with BOM'
        $info.Dialect | Should -Be 'JSON array'
    }

    It 'expands wildcards in -Path and takes -LiteralPath as written' {
        $infos = @(Get-LicenseAuditInputInfo -Path (Join-Path $Fixtures 'getcsuser.ps7*.json'))
        $infos.Count | Should -Be 1
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("la-[x]-{0}" -f [guid]::NewGuid())
        New-Item -ItemType Directory -Path $dir | Out-Null
        try {
            $literal = Join-Path $dir 'users[1].json'
            Copy-Item -LiteralPath (Join-Path $Fixtures 'getcsuser.ps7.json') -Destination $literal
            (Get-LicenseAuditInputInfo -LiteralPath $literal).Records | Should -Be 3
            Get-LicenseAuditInputInfo -Path (Join-Path $Fixtures 'no-such-*.json') -ErrorVariable missing -ErrorAction SilentlyContinue
            $missing[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PathNotFound*'
        }
        finally {
            Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'takes files from Get-ChildItem on the pipeline' {
        $infos = Get-ChildItem (Join-Path $Fixtures 'getcsuser.ps7.json'), (Join-Path $Fixtures 'getcsuser.clixml') | Get-LicenseAuditInputInfo
        @($infos).Count | Should -Be 2
        ($infos | Where-Object Dialect -eq 'CLIXML').Records | Should -Be 3
    }

    It 'writes a non-terminating error naming the file and record for a bad export' {
        $bad = Join-Path $Fixtures 'flattened.ps51.csv'
        $info = Get-LicenseAuditInputInfo -Path $bad -ErrorVariable problems -ErrorAction SilentlyContinue
        $info.Records | Should -Be 1
        $problems.Count | Should -Be 1
        $problems[0].Exception.Message | Should -BeLike '*flattened.ps51.csv, record 1, property ''AgentsByUri''*'
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidInput*'
    }

    It '-For runs the audit''s decoding: each record it will refuse, in its words' {
        # Issue #25 item 6: a 5.1 ConvertTo-Json export writes EnableAppDesktopSharing as a
        # number; the reader reads it, lync entitlement refuses every policy.
        $file = Join-Path $Fixtures 'getcsconferencingpolicy.ps51.json'
        $info = Get-LicenseAuditInputInfo -Path $file -For lync-conferencing-policies -ErrorVariable problems -ErrorAction SilentlyContinue
        $info.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.InputInspection'
        $info.BadRecords | Should -Be 0
        $info.ReadAs | Should -Be 'lync-conferencing-policies'
        $info.Refused | Should -Be 9
        $refusals = @($info.Refusals)
        $refusals.Count | Should -Be 9
        $refusals[0].Record | Should -Be 1
        $refusals[0].Property | Should -Be 'EnableAppDesktopSharing'
        $refusals[0].Message | Should -BeLike '*ConvertTo-Json writes enums as numbers*'
        $info.Verdict | Should -BeLike '*9 of 9 records will be refused by lync entitlement --conferencing-policies*'
        $problems.Count | Should -Be 9
        $problems[0].Exception.Message | Should -BeLike '*record 1, property ''EnableAppDesktopSharing''*'
    }

    It 'recognises the input without -For, and -For takes only the inputs it knows' {
        $users = Join-Path $RepoRoot 'examples/contoso/users.json'
        $info = Get-LicenseAuditInputInfo -Path $users
        $info.ReadAs | Should -Be 'lync-users'
        $info.Recognition | Should -BeLike 'recognised by its properties*'
        $info.Refused | Should -Be 0
        @($info.Refusals).Count | Should -Be 0
        $info.Verdict | Should -BeLike '*all 12 records will read in lync entitlement --users'
        { Get-LicenseAuditInputInfo -Path $users -For lync-user } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Get-LicenseAuditInputInfo'
    }
}

Describe 'Streaming pipeline objects to the binary' {
    It 'sends one JSON line per object and reads the records back' {
        InModuleScope LicenseAudit {
            $users = 1..500 | ForEach-Object {
                [pscustomobject]@{ SipAddress = "sip:user$_@contoso.com"; Enabled = $true; DisplayName = "Zoë $_" }
            }
            function Test-Streaming {
                [CmdletBinding()]
                param($Objects)
                Invoke-LicenseAuditNative -Command 'inspect' -Arguments @('-') -Cmdlet $PSCmdlet -InputObject $Objects
            }
            $result = Test-Streaming -Objects $users
            $result.Records | Should -Be 500
            $result.Dialect | Should -Be 'NDJSON'
            $result.Encoding | Should -Be 'UTF-8'
        }
    }
}

Describe 'Engine sessions' {
    It 'stop through a .NET method, which a stopping pipeline still runs (a script method it refuses)' {
        InModuleScope LicenseAudit {
            function Test-Session {
                [CmdletBinding()]
                param()
                New-LicenseAuditNativeSession -Command 'inspect' -Cmdlet $PSCmdlet
            }
            $session = Test-Session
            $session | Should -BeOfType LicenseAudit.NativeSession
            ($session | Get-Member -Name Stop).MemberType | Should -Be 'Method'
            $session.Cmdlet | Should -Not -BeNullOrEmpty
            $script:LicenseAuditSessions.Count | Should -Be 1
            # The note properties survive the trip through the registry (a List[object]).
            [LicenseAudit.NativeSession]::Snapshot($script:LicenseAuditSessions)[0].Command | Should -Be 'inspect'
            $file = Join-Path ([System.IO.Path]::GetTempPath()) ('licenseaudit-{0}-{1}.ndjson' -f $PID, [guid]::NewGuid().ToString('N'))
            $session.Files.Add($file)
            [System.IO.File]::WriteAllText($file, '')
            $session.Stop()
            $session.Stopped | Should -BeTrue
            Test-Path -LiteralPath $file | Should -BeFalse
            $script:LicenseAuditSessions.Count | Should -Be 0
        }
    }

    It 'disposes CIM sessions (or anything disposable) without a PowerShell loop, wrappers and all' {
        $streams = @(New-Object System.IO.MemoryStream; New-Object System.IO.MemoryStream)
        [LicenseAudit.NativeSession]::DisposeAll($streams)
        @($streams | Where-Object { $_.CanRead }).Count | Should -Be 0
        { [LicenseAudit.NativeSession]::DisposeAll(@('x', $null, [pscustomobject]@{ A = 1 })) } | Should -Not -Throw
    }
}

Describe 'Removing the module' {
    It 'ends every engine still running for the session' {
        InModuleScope LicenseAudit {
            function Test-Orphan {
                [CmdletBinding()]
                param()
                $session = New-LicenseAuditNativeSession -Command 'inspect' -Cmdlet $PSCmdlet
                Start-LicenseAuditNative -Session $session -Arguments @('-') -StdinRecords
                $session
            }
            $script:Orphan = Test-Orphan
            $script:Orphan.Process.HasExited | Should -BeFalse
        }
        $enginePid = InModuleScope LicenseAudit { $script:Orphan.Process.ProcessId }
        Get-Process -Id $enginePid -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
        Remove-Module LicenseAudit
        try {
            $deadline = (Get-Date).AddSeconds(10)
            while ((Get-Process -Id $enginePid -ErrorAction SilentlyContinue) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Get-Process -Id $enginePid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
        }
    }
}

Describe 'Get-LicenseAuditSchema' {
    It 'lists record types' {
        (Get-LicenseAuditSchema).Name | Should -Contain 'InputInspection'
    }
    It 'reports an unknown record type with its own error id, also under -ErrorAction Stop' {
        # Windows PowerShell 5.1 made the merged stderr line a terminating NativeCommandError.
        $failure = $null
        try { Get-LicenseAuditSchema -Name NoSuchRecordType -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.UnknownRecordType*'
        $failure.TargetObject | Should -Be 'NoSuchRecordType'
        # PowerShell 7.3+ can also throw on the exit code (2) before the module sees it.
        $saved = Get-Variable -Name PSNativeCommandUseErrorActionPreference -Scope Global -ErrorAction SilentlyContinue
        try {
            $global:PSNativeCommandUseErrorActionPreference = $true
            $failure = $null
            try { Get-LicenseAuditSchema -Name NoSuchRecordType -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.UnknownRecordType*'
        }
        finally {
            if ($saved) { $global:PSNativeCommandUseErrorActionPreference = $saved.Value }
            else { Remove-Variable -Name PSNativeCommandUseErrorActionPreference -Scope Global -ErrorAction SilentlyContinue }
        }
    }
    It 'returns a draft 2020-12 schema' {
        $schema = Get-LicenseAuditSchema -Name InputInspection | ConvertFrom-Json
        $schema.'$schema' | Should -Be 'https://json-schema.org/draft/2020-12/schema'
    }
}
