# Pester 5 tests of Invoke-LicenseAudit, the one command of a scheduled runbook: the audits of a
# snapshot folder (the fixtures of native/tests/snapshot.rs) or of the live (mocked) Lync
# configuration, the workbook, the history and its alerts, the summary, -FailOnShortfall.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Snapshot = Join-Path $RepoRoot 'native/tests/fixtures/snapshot/ps51-json'
    $script:Clixml = Join-Path $RepoRoot 'native/tests/fixtures/snapshot/ps2-clixml'
    $script:Ual = Join-Path $RepoRoot 'examples/ual'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Invoke-LicenseAudit' {
    It 'audits a Windows PowerShell 5.1 snapshot: records, workbook, history and a typed summary' {
        $out = Join-Path $TestDrive 'runs'
        $summary = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -AsOf '2026-11-01T06:00:00Z' -ErrorVariable problems
        $problems.Count | Should -Be 0
        $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.RunSummary'
        $summary.Source | Should -Be 'Snapshot'
        $summary.Succeeded | Should -BeTrue
        $summary.Audits | Should -Be @('Entitlement', 'Policies')
        $summary.Total | Should -Be 15
        $summary.Standard | Should -Be 14
        $summary.Enterprise | Should -Be 7
        $summary.Plus | Should -Be 6
        $summary.PolicyErrors | Should -BeGreaterThan 0
        $summary.ShortfallFound | Should -BeFalse
        $summary.SnapshotCreated.ToUniversalTime() | Should -Be ([datetime]::new(2026, 11, 1, 6, 0, 0, [System.DateTimeKind]::Utc))
        $summary.OutputPath | Should -Be (Join-Path $out '20261101T060000Z')
        $summary.ReportPath | Should -Be (Join-Path $summary.OutputPath 'LicenseAudit-20261101T060000Z.xlsx')
        $summary.ReportPath | Should -Exist
        Join-Path $summary.OutputPath 'lync-entitlement.ndjson' | Should -Exist
        Join-Path $summary.OutputPath 'lync-policies.ndjson' | Should -Exist
        Join-Path $out 'history/lync-entitlement-20261101T060000Z.json' | Should -Exist
        Join-Path $out 'history/lync-policies-20261101T060000Z.json' | Should -Exist
        ($summary | Format-List | Out-String) | Should -BeLike '*Standard 14, Enterprise 7, Plus 6 of 15*'
    }

    It 'reads a PowerShell 2.0 (CLIXML) snapshot the same way, without the meeting room Lync 2010 has no cmdlet for' {
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'clixml') -SnapshotPath $Clixml -Audit Entitlement
        $summary.Succeeded | Should -BeTrue
        $summary.Total | Should -Be 14
        $summary.Enterprise | Should -Be 6
    }

    It 'warns about a total of this run that moved beyond the threshold since the previous run' {
        $out = Join-Path $TestDrive 'drift'
        Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Entitlement -AsOf '2026-10-01T00:00:00Z' | Out-Null
        $november = Join-Path $TestDrive 'november'
        Copy-Item -LiteralPath $Snapshot -Destination $november -Recurse
        Remove-Item -LiteralPath (Join-Path $november 'users.json')
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'examples/history/users-november.json') -Destination (Join-Path $november 'users.json')
        $summary = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $november -Audit Entitlement -AsOf '2026-11-01T00:00:00Z' -WarningVariable warned -WarningAction SilentlyContinue
        $summary.Alerts | Should -BeGreaterThan 0
        $summary.AlertsText | Should -BeLike '*Enterprise 7 -> 10*'
        @($warned | Where-Object { "$_" -like '*Enterprise*beyond 10%*' }).Count | Should -BeGreaterThan 0
        @(Get-ChildItem -LiteralPath (Join-Path $out 'history') -Filter 'lync-entitlement-*.json').Count | Should -Be 2
    }

    It 'ends with LicenseAudit.ComplianceShortfall under -FailOnShortfall, after the workbook, with the summary as TargetObject' {
        $failure = $null
        try {
            Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'ual') -Audit ServerCal -AsOf '2026-11-01T00:00:00Z' `
                -EvidencePath (Join-Path $Ual 'ual-user-access.json'), (Join-Path $Ual 'ual-device-access.json'), (Join-Path $Ual 'flexnet-evidence.csv') `
                -SystemIdPath (Join-Path $Ual 'ual-system-id.json') -LicensePath (Join-Path $Ual 'licenses.csv') -InternalDomain contoso.com -FailOnShortfall | Out-Null
        }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ComplianceShortfall*'
        $summary = $failure.TargetObject
        $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.RunSummary'
        $summary.ServerCalShortfall | Should -Be 4
        $summary.ShortfallFound | Should -BeTrue
        $summary.ReportPath | Should -Exist
        $summary.Source | Should -Be 'Live'
        $summary.EstatePath | Should -BeNullOrEmpty
    }

    It 'goes on when an audit fails: Usage without a monitoring store is an error, Entitlement still runs' {
        $partial = Join-Path $TestDrive 'no-monitoring'
        Copy-Item -LiteralPath $Snapshot -Destination $partial -Recurse
        Remove-Item -LiteralPath (Join-Path $partial 'monitoring-databases.json')
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'partial') -SnapshotPath $partial -Audit Entitlement, Usage `
            -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.NoMonitoringStore*' }).Count | Should -Be 1
        $summary.Succeeded | Should -BeFalse
        $summary.Failed | Should -Be @('Usage')
        $summary.Enterprise | Should -Be 7
        $summary.ReportPath | Should -Exist
    }

    It 'collects the live configuration into the run folder and audits it' {
        Mock -ModuleName LicenseAudit Get-CsUser { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/users.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/conferencing-policies.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/voice-policies.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsPool { Import-Clixml (Join-Path $RepoRoot 'examples/contoso/pools.xml') }
        Mock -ModuleName LicenseAudit Get-CsSite { return }
        Mock -ModuleName LicenseAudit Get-CsCommonAreaPhone { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/common-area-phones.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/analog-devices.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsMeetingRoom { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/meeting-rooms.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { Get-Content -Raw (Join-Path $RepoRoot 'examples/contoso/rgs-agent-groups.json') | ConvertFrom-Json }
        Mock -ModuleName LicenseAudit Get-CsService { return }
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'live') -Audit Entitlement
        $summary.Source | Should -Be 'Live'
        $summary.EstatePath | Should -Be (Join-Path $summary.OutputPath 'estate')
        Join-Path $summary.EstatePath 'snapshot-manifest.json' | Should -Exist
        $summary.Total | Should -Be 15
        $summary.Succeeded | Should -BeTrue
    }

    It 'refuses ServerCal without evidence, and writes nothing with -WhatIf' {
        $failure = $null
        try { Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'none') -Audit ServerCal } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoEvidence*'
        $out = Join-Path $TestDrive 'whatif'
        Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -WhatIf | Should -BeNullOrEmpty
        $out | Should -Not -Exist
    }
}
