# Pester 5 tests of the checks before the engine's first use (Private/Get-LicenseAuditBinaryPath.ps1):
# bin/SHA256SUMS of a packaged binary, the Windows version, the version handshake, and what a
# start failure or a foreign exit code becomes. Fake engines are shell scripts, so those cases
# run on Linux and macOS; the decisions that start no process run everywhere. The C# underneath
# (EngineProbe, EngineCheck, EngineDiagnosis) is also run under Mono by
# native/tests/native_process_mono.rs.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Version = InModuleScope LicenseAudit { $script:LicenseAuditExpectedEngineVersion }
    $script:Rid = InModuleScope LicenseAudit { Get-LicenseAuditRuntimeId }
    $script:Fixture = Join-Path $RepoRoot 'native/tests/fixtures/ingest/getcsuser.ps7.json'

    function New-FakeEngine {
        param([string]$Path, [string]$Body)
        New-Item -ItemType Directory -Path (Split-Path -Parent $Path) -Force | Out-Null
        [System.IO.File]::WriteAllText($Path, "#!/bin/sh`n$Body`n")
        & chmod +x $Path
        $Path
    }

    # A module folder holding only bin/<rid>/license-audit (a script) and, unless -NoSums, a
    # SHA256SUMS that lists it (or -SumsText).
    function New-FakeModule {
        param([string]$Body, [switch]$NoSums, [string]$SumsText)
        $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $bin = Join-Path $root 'bin'
        $engine = New-FakeEngine -Path (Join-Path (Join-Path $bin $Rid) 'license-audit') -Body $Body
        if (-not $NoSums) {
            if (-not $SumsText) {
                $SumsText = '{0}  {1}/license-audit' -f (Get-FileHash -LiteralPath $engine -Algorithm SHA256).Hash.ToLowerInvariant(), $Rid
            }
            [System.IO.File]::WriteAllText((Join-Path $bin 'SHA256SUMS'), "$SumsText`n")
        }
        [pscustomobject]@{ Root = $root; Engine = $engine; Marker = (Join-Path $root 'started') }
    }

    function Get-Failure {
        param([scriptblock]$Script)
        try { & $Script; $null } catch { $_ }
    }
}

Describe 'Checks before the first use of a packaged engine' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
    BeforeEach {
        InModuleScope LicenseAudit {
            $script:SavedRoot = $script:LicenseAuditModuleRoot
            $script:SavedBinary = $env:LICENSEAUDIT_BINARY
            $env:LICENSEAUDIT_BINARY = $null
            $script:LicenseAuditVerifiedBinaries = @{}
            $script:LicenseAuditEngineVersions = @{}
            $script:LicenseAuditEngineFeatures = @{}
        }
    }
    AfterEach {
        InModuleScope LicenseAudit {
            $script:LicenseAuditModuleRoot = $script:SavedRoot
            $env:LICENSEAUDIT_BINARY = $script:SavedBinary
            $script:LicenseAuditVerifiedBinaries = @{}
            $script:LicenseAuditEngineVersions = @{}
            $script:LicenseAuditEngineFeatures = @{}
        }
    }

    It 'uses an engine whose SHA256SUMS line matches, checking it once per session and again when the file changes' {
        $counter = Join-Path $TestDrive 'handshakes'
        $fake = New-FakeModule -Body "echo x >> '$counter'; echo 'license-audit $Version'"
        $found = InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } {
            param($Root)
            $script:LicenseAuditModuleRoot = $Root
            Get-LicenseAuditBinaryPath
            Get-LicenseAuditBinaryPath
        }
        @($found) | Should -Be @($fake.Engine, $fake.Engine)
        @(Get-Content -LiteralPath $counter).Count | Should -Be 1
        # Changed in place (another length): checked again, and now it no longer matches.
        Add-Content -LiteralPath $fake.Engine -Value '# changed'
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ChecksumMismatch*'
    }

    It 'refuses, without starting it, an engine that does not match SHA256SUMS' {
        $wrong = '0' * 64
        $fake = New-FakeModule -Body "touch '$(Join-Path $TestDrive 'started-mismatch')'; echo 'license-audit $Version'" -SumsText ("$wrong  $Rid/license-audit")
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ChecksumMismatch*'
        $failure.Exception.Message | Should -BeLike "*$($fake.Engine)*"
        $failure.Exception.Message | Should -BeLike "*expected SHA-256 $wrong*"
        $failure.Exception.Message | Should -BeLike "*actual $((Get-FileHash -LiteralPath $fake.Engine -Algorithm SHA256).Hash)*"
        $failure.Exception.Message | Should -BeLike '*Reinstall*'
        Join-Path $TestDrive 'started-mismatch' | Should -Not -Exist
    }

    It 'says a module without bin/SHA256SUMS is broken, and does not start its engine' {
        $fake = New-FakeModule -Body "touch '$(Join-Path $TestDrive 'started-nosums')'; echo 'license-audit $Version'" -NoSums
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ChecksumFileMissing*'
        $failure.Exception.Message | Should -BeLike '*Reinstall*'
        Join-Path $TestDrive 'started-nosums' | Should -Not -Exist
    }

    It 'needs exactly one SHA256SUMS line for the binary' {
        $fake = New-FakeModule -Body "echo 'license-audit $Version'" -SumsText (('a' * 64) + '  osx-arm64/license-audit')
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ChecksumEntryMissing*'
        $failure.Exception.Message | Should -BeLike "*no line for $Rid/license-audit*"
    }

    It 'does not look for SHA256SUMS beside LICENSEAUDIT_BINARY' {
        $engine = New-FakeEngine -Path (Join-Path $TestDrive 'own/license-audit') -Body "echo 'license-audit $Version'"
        $found = InModuleScope LicenseAudit -Parameters @{ Engine = $engine } { param($Engine) $env:LICENSEAUDIT_BINARY = $Engine; Get-LicenseAuditBinaryPath }
        $found | Should -Be $engine
    }

    It 'stops on another engine version in bin/, and only warns for LICENSEAUDIT_BINARY' {
        $fake = New-FakeModule -Body "echo 'license-audit 0.0.1'"
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineVersionMismatch*'
        $failure.Exception.Message | Should -BeLike "*license-audit 0.0.1, this module is $Version*"
        $found = InModuleScope LicenseAudit -Parameters @{ Engine = $fake.Engine } {
            param($Engine)
            $env:LICENSEAUDIT_BINARY = $Engine
            Get-LicenseAuditBinaryPath -WarningVariable warned -WarningAction SilentlyContinue
            $warned.Count | Should -Be 1
            "$($warned[0])" | Should -BeLike '*Version mismatch*'
            (Get-LicenseAuditEngineFeature -Binary $Engine).MultiServer | Should -BeFalse
        }
        $found | Should -Be $fake.Engine
    }

    It 'says a program that answers --version otherwise is not the engine' {
        $fake = New-FakeModule -Body "echo 'hello'"
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineNotRecognized*'
    }

    It 'stops an engine that does not answer --version in time' {
        $engine = New-FakeEngine -Path (Join-Path $TestDrive 'slow/license-audit') -Body 'exec sleep 30'
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Engine = $engine } { param($Engine) Invoke-LicenseAuditEngineHandshake -Path $Engine -TimeoutSeconds 1 } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineNotResponding*'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
    }

    It 'explains an old glibc from the loader message' {
        $fake = New-FakeModule -Body 'echo "$0: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.34'' not found (required by $0)" >&2; exit 127'
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Root = $fake.Root } { param($Root) $script:LicenseAuditModuleRoot = $Root; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineNeedsGlibc*'
        $failure.Exception.Message | Should -BeLike '*glibc 2.34 or later*'
        $failure.Exception.Message | Should -BeLike '*Exit code 127*'
    }

    It 'explains an existing file whose program loader is missing (a glibc binary on Alpine)' {
        # execve gives ENOENT for a file that is there when its interpreter is not: the same
        # error a glibc binary gets on musl.
        $engine = Join-Path $TestDrive 'alpine/license-audit'
        New-Item -ItemType Directory -Path (Split-Path -Parent $engine) -Force | Out-Null
        [System.IO.File]::WriteAllText($engine, "#!/no/such/ld-linux-x86-64.so.2`n")
        & chmod +x $engine
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Engine = $engine } { param($Engine) $env:LICENSEAUDIT_BINARY = $Engine; Get-LicenseAuditBinaryPath } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineNeedsGlibc*'
        $failure.Exception.Message | Should -BeLike '*Alpine*'
    }

    It 'explains a crash during a run with the exit code and the first lines of error output' {
        $engine = New-FakeEngine -Path (Join-Path $TestDrive 'crash/license-audit') -Body @"
if [ "`$1" = --version ]; then echo 'license-audit $Version'; exit 0; fi
echo "thread 'main' panicked at src/main.rs:1:1:" >&2
echo 'boom' >&2
exit 101
"@
        $failure = Get-Failure { InModuleScope LicenseAudit -Parameters @{ Engine = $engine } { param($Engine) $env:LICENSEAUDIT_BINARY = $Engine } ; Get-LicenseAuditInputInfo -Path $Fixture }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.EngineCrashed*'
        $failure.Exception.Message | Should -BeLike '*panicked*'
        $failure.Exception.Message | Should -BeLike '*Exit code 101*'
        $failure.Exception.Message | Should -BeLike '*boom*'
    }
}

Describe 'Decisions that start nothing' {
    It 'refuses Windows older than 10 / Server 2016 and says what to do instead' {
        $failure = Get-Failure { InModuleScope LicenseAudit { Assert-LicenseAuditWindowsVersion -ReportedVersion 6.3.9600 -ActualVersion 6.3.9600 } }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.WindowsTooOld*'
        $failure.Exception.Message | Should -BeLike '*6.3.9600 (Windows Server 2012 R2*'
        $failure.Exception.Message | Should -BeLike '*Windows 10 or Windows Server 2016*'
        $failure.Exception.Message | Should -BeLike '*Export-LicenseAuditSnapshot*'
        $failure.Exception.Message | Should -BeLike '*Invoke-LicenseAudit -SnapshotPath*'
    }

    It 'trusts RtlGetVersion over a host that GetVersionEx tells 6.2' {
        { InModuleScope LicenseAudit { Assert-LicenseAuditWindowsVersion -ReportedVersion 6.2.9200 -ActualVersion 10.0.17763 } } | Should -Not -Throw
        { InModuleScope LicenseAudit { Assert-LicenseAuditWindowsVersion -ReportedVersion 10.0.14393 } } | Should -Not -Throw
    }

    It 'reads the machine architecture from PROCESSOR_ARCHITEW6432 before PROCESSOR_ARCHITECTURE' {
        InModuleScope LicenseAudit {
            ConvertTo-LicenseAuditWindowsArchitecture -Architecture 'x86' -Architew6432 'AMD64' | Should -Be 'x64'
            ConvertTo-LicenseAuditWindowsArchitecture -Architecture 'AMD64' -Architew6432 'ARM64' | Should -Be 'arm64'
            ConvertTo-LicenseAuditWindowsArchitecture -Architecture 'ARM64' -Architew6432 $null | Should -Be 'arm64'
            ConvertTo-LicenseAuditWindowsArchitecture -Architecture 'AMD64' -Architew6432 '' | Should -Be 'x64'
            ConvertTo-LicenseAuditWindowsArchitecture -Architecture 'x86' -Architew6432 $null | Should -Be 'x86'
        }
    }

    It 'falls back from win-arm64 to the win-x64 engine' {
        $root = Join-Path $TestDrive 'arm'
        New-Item -ItemType Directory -Path (Join-Path $root 'bin/win-x64') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $root 'bin/win-x64/license-audit.exe') -Value 'x'
        $found = InModuleScope LicenseAudit -Parameters @{ Root = $root } {
            param($Root)
            Mock Get-LicenseAuditRuntimeId { 'win-arm64' }
            $savedRoot = $script:LicenseAuditModuleRoot
            $savedBinary = $env:LICENSEAUDIT_BINARY
            try {
                $script:LicenseAuditModuleRoot = $Root
                $env:LICENSEAUDIT_BINARY = $null
                Find-LicenseAuditBinary
            }
            finally {
                $script:LicenseAuditModuleRoot = $savedRoot
                $env:LICENSEAUDIT_BINARY = $savedBinary
            }
        }
        $found.Entry | Should -Be 'win-x64/license-audit.exe'
        $found.Source | Should -Be 'Package'
    }

    It "expects the manifest's version from the engine" {
        $manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'LicenseAudit.psd1')
        $Version | Should -BeLike "$($manifest.ModuleVersion)*"
        $binary = InModuleScope LicenseAudit { Get-LicenseAuditBinaryPath }
        (& $binary --version) | Should -Be "license-audit $Version"
    }
}
