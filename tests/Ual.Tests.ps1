# Pester 5 tests of the server CAL cmdlets. The UserAccessLogging and CimCmdlets modules are
# not on a test host (nor on Linux), so Get-Ual*, New-CimSession and Remove-CimSession are
# stubbed and mocked with the bundled examples/ual evidence.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Example = Join-Path $RepoRoot 'examples/ual'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:UserRows = Get-Content -Raw (Join-Path $Example 'ual-user-access.json') | ConvertFrom-Json
    $script:DeviceRows = Get-Content -Raw (Join-Path $Example 'ual-device-access.json') | ConvertFrom-Json
    $script:SystemRows = Get-Content -Raw (Join-Path $Example 'ual-system-id.json') | ConvertFrom-Json
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-UalCalEvidence' {
    BeforeEach {
        Mock -ModuleName LicenseAudit New-CimSession {
            foreach ($c in $ComputerName) {
                if ($c -eq 'OFFLINE01') {
                    Write-Error -Message 'The WinRM client cannot complete the operation.' -TargetObject $c
                }
                else {
                    [pscustomobject]@{ ComputerName = $c; PSTypeName = 'Microsoft.Management.Infrastructure.CimSession' }
                }
            }
        }
        Mock -ModuleName LicenseAudit Remove-CimSession { return }
        Mock -ModuleName LicenseAudit Get-UalUserAccess { $script:UserRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalDeviceAccess { $script:DeviceRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalSystemId { $script:SystemRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalOverview { return }
    }

    It 'collects from every reachable server in one fan-out and reports the unreachable one' {
        $rows = @(Get-UalCalEvidence -ComputerName FS01, FS02, OFFLINE01 -ThrottleLimit 8 -ErrorVariable problems -ErrorAction SilentlyContinue)
        ($rows | Where-Object UserName).Count | Should -Be 8
        @($rows | Where-Object SystemDNSHostName).Count | Should -Be 2
        $problems.Count | Should -Be 1
        $problems[0].Exception.Message | Should -BeLike '*OFFLINE01*'
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.UalSessionFailed*'
        Should -Invoke -ModuleName LicenseAudit Get-UalUserAccess -Times 1 -Exactly -ParameterFilter { $ThrottleLimit -eq 8 -and @($CimSession).Count -eq 2 }
        Should -Invoke -ModuleName LicenseAudit Remove-CimSession -Times 1 -Exactly
    }

    It 'passes -Credential to New-CimSession' {
        $credential = New-Object System.Management.Automation.PSCredential ('contoso\auditor', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        Get-UalCalEvidence -ComputerName FS01 -Credential $credential -Kind SystemId | Out-Null
        Should -Invoke -ModuleName LicenseAudit New-CimSession -Times 1 -Exactly -ParameterFilter { $Credential.UserName -eq 'contoso\auditor' }
    }

    It 'takes server names from the pipeline by property name' {
        $rows = @([pscustomobject]@{ DNSHostName = 'SQL01' } | Get-UalCalEvidence -Kind UserAccess)
        $rows.Count | Should -Be 3
    }
}

Describe 'Get-ServerCalCompliance' {
    It 'computes the compliance position from piped evidence and system ids' {
        $evidence = @($script:UserRows) + @($script:DeviceRows) + @($script:SystemRows)
        $result = $evidence | Get-ServerCalCompliance -EvidencePath (Join-Path $Example 'flexnet-evidence.csv') `
            -LicensePath (Join-Path $Example 'licenses.csv') -InternalDomain contoso.com -AsOf ([datetime]'2026-11-01T00:00:00Z')
        $positions = $result | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.CalCompliance' }
        $ws2019 = $positions | Where-Object { $_.Product -eq 'Windows Server' -and $_.CalType -eq 'User' -and $_.Version -eq 2019 }
        $ws2019.Shortfall | Should -Be 1
        ($result | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.UnrecognizedEvidence' }).RoleName | Should -Be 'Contoso Claims Service'
    }

    It 'makes a shortfall terminating with -FailOnShortfall' {
        { Get-ServerCalCompliance -EvidencePath (Join-Path $Example 'ual-user-access.json') -LicensePath (Join-Path $Example 'licenses.csv') -AsOf ([datetime]'2026-11-01T00:00:00Z') -FailOnShortfall -ErrorAction Stop } |
            Should -Throw '*shortfall*'
    }

    It 'refuses to run without evidence' {
        { Get-ServerCalCompliance -LicensePath (Join-Path $Example 'licenses.csv') } | Should -Throw '*No evidence*'
    }
}

Describe 'Export-CalEvidenceTemplate' {
    It 'writes the ConsolidatedAccessEvidence columns that ual compliance reads' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("template-{0}.csv" -f [guid]::NewGuid())
        try {
            Export-CalEvidenceTemplate -Path $path -IncludeExample | Should -BeOfType System.IO.FileInfo
            $rows = @(Import-Csv $path)
            $rows[0].PSObject.Properties.Name | Should -Contain 'AccessingUser'
            $rows[0].AccessingUser | Should -Be 'CONTOSO/peter'
            Export-CalEvidenceTemplate -Path $path -ErrorAction SilentlyContinue -ErrorVariable exists
            $exists.Count | Should -Be 1
            Export-CalEvidenceTemplate -Path $path -WhatIf
            (Import-Csv $path).Count | Should -Be 1
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }
}
