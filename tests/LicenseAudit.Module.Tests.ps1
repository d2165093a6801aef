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

    It '<_> has a synopsis and an example' -ForEach (Import-PowerShellDataFile (Join-Path (Split-Path -Parent $PSScriptRoot) 'LicenseAudit.psd1')).FunctionsToExport {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }
}

Describe 'Finding the binary' {
    It 'honours LICENSEAUDIT_BINARY' {
        InModuleScope LicenseAudit {
            $saved = $env:LICENSEAUDIT_BINARY
            try {
                $fake = New-TemporaryFile
                $env:LICENSEAUDIT_BINARY = $fake.FullName
                Get-LicenseAuditBinaryPath | Should -Be $fake.FullName
                $env:LICENSEAUDIT_BINARY = Join-Path $fake.DirectoryName 'no-such-binary'
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

Describe 'Get-LicenseAuditSchema' {
    It 'lists record types' {
        (Get-LicenseAuditSchema).Name | Should -Contain 'InputInspection'
    }
    It 'returns a draft 2020-12 schema' {
        $schema = Get-LicenseAuditSchema -Name InputInspection | ConvertFrom-Json
        $schema.'$schema' | Should -Be 'https://json-schema.org/draft/2020-12/schema'
    }
}
