# Pester 5 tests of Invoke-LicenseAudit, the one command of a scheduled runbook: the audits of a
# snapshot folder (the fixtures of native/tests/snapshot.rs) or of the live (mocked) Lync
# configuration, the workbook, the history and its alerts, the summary, -FailOnShortfall; the
# Teams audits of exported files (examples/teams, examples/uc) or of the (mocked) tenant.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Snapshot = Join-Path $RepoRoot 'native/tests/fixtures/snapshot/ps51-json'
    $script:Clixml = Join-Path $RepoRoot 'native/tests/fixtures/snapshot/ps2-clixml'
    $script:Ual = Join-Path $RepoRoot 'examples/ual'
    $script:Teams = Join-Path $RepoRoot 'examples/teams'
    $script:Uc = Join-Path $RepoRoot 'examples/uc'
    # Objects one by one, as the MicrosoftTeams cmdlets return them (on Windows PowerShell 5.1
    # ConvertFrom-Json writes a whole JSON array as one object).
    function script:Read-Example([string]$Path) { Get-Content -Raw -LiteralPath $Path | ConvertFrom-Json | ForEach-Object { $_ } }
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    . (Join-Path $PSScriptRoot 'Workbook.ps1')
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
        $summary.Enterprise | Should -Be 6
        $summary.Plus | Should -Be 6
        $summary.PolicyErrors | Should -BeGreaterThan 0
        $summary.ShortfallFound | Should -BeFalse
        $summary.SnapshotCreated.ToUniversalTime() | Should -Be ([datetime]::new(2026, 11, 1, 6, 0, 0, [System.DateTimeKind]::Utc))
        $summary.OutputPath | Should -Be (Join-Path $out '20261101T060000Z')
        $summary.ReportPath | Should -Be (Join-Path $summary.OutputPath 'LicenseAudit-20261101T060000Z.xlsx')
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
        Join-Path $summary.OutputPath 'lync-entitlement.ndjson' | Should -Exist
        Join-Path $summary.OutputPath 'lync-policies.ndjson' | Should -Exist
        Join-Path $out 'history/lync-entitlement-20261101T060000Z.json' | Should -Exist
        Join-Path $out 'history/lync-policies-20261101T060000Z.json' | Should -Exist
        ($summary | Format-List | Out-String) | Should -BeLike '*Standard 14, Enterprise 6, Plus 6 of 15*'
        # What depends on the rule set, from the entitlement summary: users and devices
        # Enterprise under the strict rule set (the snapshot's entitlement summary says the same).
        $calSummary = Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-entitlement.ndjson') |
            Where-Object { $_.StartsWith('{"RecordType":"LyncCalSummary"') } | ConvertFrom-Json
        $summary.OtherRules | Should -Be 'strict'
        $summary.EnterpriseUnderOtherRules | Should -Be $calSummary.EnterpriseUnderOtherRules
        $summary.EnterpriseUnderOtherRules | Should -BeOfType [long]
        $summary.EnterpriseUnderOtherRules | Should -BeGreaterOrEqual $summary.Enterprise
        $delta = ($summary.EnterpriseUnderOtherRules - $summary.Enterprise).ToString('+0;-0;0')
        ($summary | Format-List | Out-String) | Should -BeLike ('*{0} under the strict rule set ({1} against 6)*' -f $summary.EnterpriseUnderOtherRules, $delta)
        # Counts are integers (the history keeps 15.0): never shown or exported as 15.00.
        foreach ($count in 'Total', 'Standard', 'Enterprise', 'Plus', 'Undetermined', 'EnterpriseUnderOtherRules') { $summary.$count | Should -BeOfType [long] }
        ($summary | ConvertTo-Json -Depth 1) | Should -BeLike '*"Total": 15,*'
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
        $summary.AlertsText | Should -BeLike '*Enterprise 6 -> 9*'
        @($warned | Where-Object { "$_" -like '*Enterprise*beyond 10%*' }).Count | Should -BeGreaterThan 0
        @(Get-ChildItem -LiteralPath (Join-Path $out 'history') -Filter 'lync-entitlement-*.json').Count | Should -Be 2
    }

    It 'says a total that moved from 0 has no percentage, instead of an empty one' {
        $out = Join-Path $TestDrive 'from-zero'
        Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Entitlement -AsOf '2026-10-01T00:00:00Z' | Out-Null
        # The previous run had no Plus user.
        $october = Join-Path $out 'history/lync-entitlement-20261001T000000Z.json'
        $text = [System.IO.File]::ReadAllText($october) -replace '"LyncCalSummary\.Plus": 6(\.0)?', '"LyncCalSummary.Plus": 0.0'
        $text | Should -BeLike '*"LyncCalSummary.Plus": 0.0*'
        [System.IO.File]::WriteAllText($october, $text)
        $summary = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Entitlement -AsOf '2026-11-01T00:00:00Z' -WarningVariable warned -WarningAction SilentlyContinue
        $summary.AlertsText | Should -BeLike '*LyncCalSummary.Plus 0 -> 6*'
        $plus = @($warned | Where-Object { "$_" -like '*LyncCalSummary.Plus moved 0 -> 6*' })
        $plus.Count | Should -Be 1
        "$($plus[0])" | Should -BeLike '*a change from 0 has no percentage*'
        "$($plus[0])" | Should -Not -BeLike '*(%)*'
        # The trend table says so too, under a header that does not wrap (one table per run: the
        # header line once for each).
        $table = Get-LicenseAuditHistory -Path (Join-Path $out 'history') -WarningAction SilentlyContinue | Format-Table | Out-String -Width 200
        $lines = $table -split "`r?`n"
        $runs = @($lines | Where-Object { $_ -match '^\s*Run: ' }).Count
        $runs | Should -BeGreaterThan 0
        @($lines | Where-Object { $_ -match '^Metric +Previous +Value +Change% +Alert\s*$' }).Count | Should -Be $runs
        @($lines | Where-Object { $_ -like '*LyncCalSummary.Plus *from 0*' }).Count | Should -Be 1
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
        # docs/server-cals.md: one Windows Server 2019 CAL (five users need the Core CAL Suite's
        # four seats for what only it covers; issue #24: the external user takes a spare RDS CAL
        # instead of an RDS External Connector).
        $summary.ServerCalShortfall | Should -Be 1
        $summary.ServerCalShortfall | Should -BeOfType [long]
        $summary.ShortfallFound | Should -BeTrue
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
        $summary.Source | Should -Be 'Live'
        $summary.EstatePath | Should -BeNullOrEmpty
    }

    It 'passes -AdminAccount and -AzureServer to ServerCal: the same position as Get-ServerCalCompliance' {
        $evidence = (Join-Path $Ual 'ual-user-access.json'), (Join-Path $Ual 'ual-device-access.json'), (Join-Path $Ual 'flexnet-evidence.csv')
        $common = @{ EvidencePath = $evidence; LicensePath = (Join-Path $Ual 'licenses.csv'); InternalDomain = 'contoso.com'; AsOf = '2026-11-01T00:00:00Z' }
        $flags = @{ AdminAccount = 'CONTOSO\bob'; AzureServer = 'FS01.contoso.com' }
        $position = { process { '{0}|{1}|{2}|{3}|{4}|{5}' -f $_.Product, $_.CalType, $_.Version, $_.Required, $_.Shortfall, $_.Assumption } }
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'ual-flags') -Audit ServerCal -SystemIdPath (Join-Path $Ual 'ual-system-id.json') @common @flags 3>$null
        $runbook = @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'ual-compliance.ndjson') | Where-Object { $_.StartsWith('{"RecordType":"CalCompliance"') } |
                ConvertFrom-Json | & $position)
        $cmdlet = @(Get-ServerCalCompliance -SystemIdPath (Join-Path $Ual 'ual-system-id.json') @common @flags 3>$null)
        $runbook | Should -Be @($cmdlet | & $position)
        $summary.ServerCalShortfall | Should -Be (($cmdlet | Measure-Object -Property Shortfall -Sum).Sum)
        # Not vacuous: the flags moved the position (bob exempt; FS01's users need no Windows Server CAL).
        $without = @(Get-ServerCalCompliance -SystemIdPath (Join-Path $Ual 'ual-system-id.json') @common 3>$null | & $position)
        ($runbook -join ';') | Should -Not -Be ($without -join ';')
        ($runbook -join ';') | Should -BeLike '*contoso\bob is exempt*'
    }

    It 'warns of evidence no product rule knows, as Get-ServerCalCompliance does' {
        $evidence = (Join-Path $Ual 'ual-user-access.json'), (Join-Path $Ual 'ual-device-access.json'), (Join-Path $Ual 'flexnet-evidence.csv')
        $common = @{ EvidencePath = $evidence; LicensePath = (Join-Path $Ual 'licenses.csv'); InternalDomain = 'contoso.com'; AsOf = '2026-11-01T00:00:00Z' }
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'ual-unrecognized') -Audit ServerCal @common -WarningVariable warned -WarningAction SilentlyContinue
        $said = @($warned | Where-Object { "$_" -like "ServerCal: 1 kind(s) of evidence matched no known product (e.g. role 'Contoso Claims Service' on FS01.contoso.com)*" })
        $said.Count | Should -Be 1
        "$($said[0])" | Should -BeLike "*$(Join-Path $summary.OutputPath 'ual-compliance.ndjson')*"
        # The same evidence the cmdlet warns of.
        $null = Get-ServerCalCompliance @common -WarningVariable cmdletWarned -WarningAction SilentlyContinue
        @($cmdletWarned | Where-Object { "$_" -like "1 kind(s) of evidence matched no known product*" }).Count | Should -Be 1
    }

    It 'refuses an empty -AdminAccount' {
        $failure = $null
        try { Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'ual-empty') -Audit ServerCal -EvidencePath (Join-Path $Ual 'ual-user-access.json') -AdminAccount '' } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
    }

    It 'gives the Lync position against -OwnedCal: the summary''s shortfall per tier, the workbook, -FailOnShortfall' {
        $owned = @{ Standard = 10; Enterprise = 6; Plus = 100 }
        $failure = $null
        try {
            Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'owned') -SnapshotPath $Snapshot -Audit Entitlement -AsOf '2026-11-01T00:00:00Z' `
                -OwnedCal $owned -FailOnShortfall | Out-Null
        }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ComplianceShortfall*'
        $summary = $failure.TargetObject
        $expected = @{}
        foreach ($tier in 'Standard', 'Enterprise', 'Plus') { $expected[$tier] = [math]::Max(0, $summary.$tier - $owned[$tier]) }
        $summary.LyncStandardShortfall | Should -Be $expected.Standard
        $summary.LyncEnterpriseShortfall | Should -Be $expected.Enterprise
        $summary.LyncPlusShortfall | Should -Be $expected.Plus
        $summary.LyncCalShortfall | Should -Be ($expected.Standard + $expected.Enterprise + $expected.Plus)
        $summary.LyncCalShortfall | Should -BeGreaterThan 0
        $summary.LyncCalShortfall | Should -BeOfType [long]
        $summary.ShortfallFound | Should -BeTrue
        $failure.Exception.Message | Should -BeLike ('*{0} Lync CAL(s) short of those owned*' -f $summary.LyncCalShortfall)
        ($summary | Format-List | Out-String) | Should -BeLike ('*LyncCalShortfall*{0} (Standard {1}*' -f $summary.LyncCalShortfall, $expected.Standard)
        Assert-TestWorkbookValid $summary.ReportPath
        $sheet = @(Get-TestWorkbookSheet -Path $summary.ReportPath | Where-Object Sheet -eq 'Lync CALs')
        $sheet.Count | Should -Be 1
        $sheet[0].Rows | Should -Be 4
        $positions = @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-entitlement.ndjson') | ConvertFrom-Json | Where-Object RecordType -eq 'LyncCalPosition')
        @($positions | ForEach-Object Tier) | Should -Be @('Standard', 'Enterprise', 'Plus')
    }

    It 'stops a typo''d -OwnedCal tier under -FailOnShortfall before any audit runs, as one terminating error' {
        $failure = $null
        $out = Join-Path $TestDrive 'owned-typo'
        try { Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -OwnedCal @{ Standard = 10; Entreprise = 7 } -FailOnShortfall -ErrorAction Continue | Out-Null } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidOwnedCal*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -BeLike "*'Entreprise' is not Standard, Enterprise or Plus*"
        $out | Should -Not -Exist
        { Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -OwnedCal @{ Standard = -1 } } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage '*is negative.'
        { Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -OwnedCal @{} } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage '*no tier is given*'
        $out | Should -Not -Exist
    }

    It 'takes -OwnedCal as an object, as ConvertFrom-Json gives it on Windows PowerShell 5.1' {
        $owned = '{ "Standard": 1, "Enterprise": 0, "Plus": 0 }' | ConvertFrom-Json
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'owned-object') -SnapshotPath $Snapshot -Audit Entitlement -AsOf '2026-11-01T00:00:00Z' -OwnedCal $owned
        $summary.LyncStandardShortfall | Should -Be ([math]::Max(0, $summary.Standard - 1))
        $summary.LyncEnterpriseShortfall | Should -Be $summary.Enterprise
        $positions = @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-entitlement.ndjson') | ConvertFrom-Json | Where-Object RecordType -eq 'LyncCalPosition')
        @($positions | ForEach-Object Owned) | Should -Be @(1, 0, 0)
    }

    It 'refuses owned counts without the Entitlement audit they are compared with' {
        { Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'owned-alone') -SnapshotPath $Snapshot -Audit Policies -OwnedCal @{ Standard = 1 } } |
            Should -Throw -ErrorId 'LicenseAudit.OwnedCalNeedsEntitlement*'
        Join-Path $TestDrive 'owned-alone' | Should -Not -Exist
    }

    It 'leaves the Lync shortfall empty without owned counts' {
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'not-owned') -SnapshotPath $Snapshot -Audit Entitlement -AsOf '2026-11-01T00:00:00Z'
        foreach ($name in 'LyncCalShortfall', 'LyncStandardShortfall', 'LyncEnterpriseShortfall', 'LyncPlusShortfall') {
            $summary.PSObject.Properties[$name] | Should -Not -BeNullOrEmpty
            $summary.$name | Should -BeNullOrEmpty
        }
        $summary.Standard | Should -BeGreaterThan 0
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
        $summary.Enterprise | Should -Be 6
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
    }

    It 'says which inputs were read only in part: the summary, the totals records and the workbook name the file' {
        $partly = Join-Path $TestDrive 'partly-read'
        Copy-Item -LiteralPath $Snapshot -Destination $partly -Recurse
        $users = Join-Path $partly 'users.json'
        # One user whose Enabled is neither True nor False: refused, the others counted.
        Add-Content -LiteralPath $users -Value '{"SipAddress":"sip:bad@contoso.com","Enabled":"sometimes"}'
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'partly') -SnapshotPath $partly -Audit Entitlement `
            -ErrorVariable problems -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.InvalidInput*' }).Count | Should -BeGreaterThan 0
        @($warnings | Where-Object { [string]$_ -like 'INCOMPLETE:*users.json (1 record(s) not used)*' }).Count | Should -BeGreaterThan 0
        @($summary.IncompleteInputs).Count | Should -Be 1
        $summary.IncompleteInputs[0].File | Should -Be $users
        $summary.IncompleteInputs[0].Refused | Should -Be 1
        $summary.Total | Should -Be 15
        ($summary | Format-List | Out-String) | Should -BeLike '*INCOMPLETE: *users.json (1 record(s) not used)*'
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
        # The totals record, typed as the module types it: the list and its one-line text.
        $line = Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-entitlement.ndjson') | Where-Object { $_ -like '{"RecordType":"LyncCalSummary"*' }
        $record = InModuleScope LicenseAudit -Parameters @{ Line = $line } { param($Line) ConvertFrom-LicenseAuditRecord -Line $Line }
        $record.IncompleteInputs[0].File | Should -Be $users
        $record.IncompleteInputsText | Should -Be ('{0} (1 record(s) not used)' -f $users)
    }

    It 'has an empty IncompleteInputs when every record was read' {
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'complete') -SnapshotPath $Snapshot -Audit Entitlement
        $summary.Succeeded | Should -BeTrue
        @($summary.IncompleteInputs).Count | Should -Be 0
        ($summary | Format-List | Out-String) | Should -Not -BeLikeExactly '*INCOMPLETE:*'
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

Describe 'Invoke-LicenseAudit: Teams' {
    It 'audits the teams exports of a snapshot folder: records, workbook, history, and the Teams numbers in the summary' {
        $snapshot = Join-Path $TestDrive 'teams-snapshot'
        $null = New-Item -ItemType Directory -Path $snapshot
        foreach ($name in 'teams.json', 'teams-phone-numbers.json', 'teams-resource-accounts.json', 'teams-voice-routing-policies.json', 'teams-voice-routes.json',
            'teams-shared-calling-policies.json', 'teams-call-queues.json') { Copy-Item -LiteralPath (Join-Path $Teams $name) -Destination $snapshot }
        Copy-Item -LiteralPath (Join-Path $Uc 'teams-ip-phone-policies.json') -Destination $snapshot
        $out = Join-Path $TestDrive 'teams-runs'
        $summary = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $snapshot -Audit TeamsAssignments, TeamsCount -TeamsPricePath (Join-Path $Teams 'teams-prices.csv') `
            -AsOf '2026-11-01T06:00:00Z' -ErrorVariable problems -WarningAction SilentlyContinue
        $problems.Count | Should -Be 0
        $summary.Succeeded | Should -BeTrue
        $summary.Audits | Should -Be @('TeamsAssignments', 'TeamsCount')
        $summary.EstatePath | Should -Be $snapshot
        # The snapshot's voice routing, Shared Calling and call queue exports (found by name, like
        # the others) decide what would otherwise be undecided: 9 findings, one of them Info.
        $summary.TeamsFindings | Should -Be 9
        $summary.TeamsWaste | Should -Be 6
        $summary.TeamsBroken | Should -Be 1
        $summary.TeamsRisk | Should -Be 1
        $summary.TeamsMonthlyWaste | Should -Be 68
        # The estate's total, not the sum of its scopes (above customers + estate).
        $summary.TeamsUserLicenses | Should -Be 8
        $summary.TeamsMeetingRooms | Should -Be 1
        $summary.TeamsDevices | Should -Be 0
        $summary.Total | Should -BeNullOrEmpty
        $summary.Files | Should -Be @((Join-Path $summary.OutputPath 'teams-assignments.ndjson'), (Join-Path $summary.OutputPath 'teams-count.ndjson'))
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
        Join-Path $out 'history/teams-assignments-20261101T060000Z.json' | Should -Exist
        Join-Path $out 'history/uc-count-20261101T060000Z.json' | Should -Exist
        $types = @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'teams-count.ndjson') | ForEach-Object { (ConvertFrom-Json -InputObject $_).RecordType } | Select-Object -Unique)
        $types | Should -Contain 'UcUserLicense'
        $types | Should -Contain 'UcLicenseTotal'
        ($summary | Format-List | Out-String) | Should -BeLike '*9: Waste 6, Broken 1, Risk 1, Info 1; monthly waste 68*'
        ($summary | Format-List | Out-String) | Should -BeLike '*voice users 8, meeting rooms 1, common area phones 0*'
    }

    It 'says which file a snapshot lacks for a Teams audit, and still runs the Lync audits' {
        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'no-teams') -SnapshotPath $Snapshot -Audit Entitlement, TeamsCount `
            -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $missing = @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.TeamsExportNotFound*' })
        $missing.Count | Should -Be 1
        $missing[0].Exception.Message | Should -BeLike '*teams.json*'
        $missing[0].TargetObject | Should -Be (Join-Path $Snapshot 'teams.json')
        $summary.Failed | Should -Be @('TeamsCount')
        $summary.Succeeded | Should -BeFalse
        $summary.Enterprise | Should -Be 6
        $summary.TeamsUserLicenses | Should -BeNullOrEmpty
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
    }

    Context 'live, from the connected tenant' {
        BeforeEach {
            Mock -ModuleName LicenseAudit Get-CsOnlineUser { Read-Example (Join-Path $Uc 'teams.json') }
            Mock -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy { Read-Example (Join-Path $Uc 'teams-ip-phone-policies.json') }
            Mock -ModuleName LicenseAudit Get-CsOnlineApplicationInstance { Read-Example (Join-Path $Uc 'teams-resource-accounts.json') }
            Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment { return }
        }

        It 'streams the accounts, resource accounts, phone numbers and IP phone policies into the run folder and audits them' {
            $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'teams-live') -Audit TeamsAssignments, TeamsCount -ErrorVariable problems -WarningAction SilentlyContinue
            $problems.Count | Should -Be 0
            $summary.Source | Should -Be 'Live'
            $summary.Succeeded | Should -BeTrue
            $summary.EstatePath | Should -Be (Join-Path $summary.OutputPath 'estate')
            # Only what the two audits read, asked for once; every call stops on a failed request.
            Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 1 -Exactly -ParameterFilter {
                $Properties -like '*AssignedPlan*' -and $Properties -like '*OnlineVoiceRoutingPolicy*' -and $Properties -like '*TeamsIPPhonePolicy*' -and
                $Properties -notlike '*ObjectId*' -and $PesterBoundParameters.ErrorAction -eq 'Stop'
            }
            Should -Invoke -ModuleName LicenseAudit Get-CsOnlineApplicationInstance -Times 1 -Exactly -ParameterFilter { $PesterBoundParameters.ErrorAction -eq 'Stop' }
            Should -Invoke -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy -Times 1 -Exactly -ParameterFilter { $PesterBoundParameters.ErrorAction -eq 'Stop' }
            Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 1 -Exactly -ParameterFilter { $Top -eq 1000 -and $Skip -eq 0 -and $PesterBoundParameters.ErrorAction -eq 'Stop' }
            # One JSON line per account, UTF-8 without BOM; nothing but the final files.
            $users = Join-Path $summary.EstatePath 'teams.ndjson'
            $bytes = [System.IO.File]::ReadAllBytes($users)
            $bytes[0] | Should -Be ([byte][char]'{')
            $lines = @([System.IO.File]::ReadAllLines($users))
            $lines.Count | Should -Be @(Read-Example (Join-Path $Uc 'teams.json')).Count
            $first = ConvertFrom-Json -InputObject $lines[0]
            $first.PSObject.Properties.Name | Should -Contain 'AssignedPlan'
            # What no audit reads stays out of the file.
            $first.PSObject.Properties.Name | Should -Not -Contain 'TeamsCallingPolicy'
            [System.IO.File]::ReadAllText((Join-Path $summary.EstatePath 'teams-phone-numbers.ndjson')).Trim() | Should -Be '[]'
            @(Get-ChildItem -LiteralPath $summary.EstatePath -Filter '*.partial').Count | Should -Be 0
            # Both sides sorted alike: Sort-Object compares in the culture, and Windows (NLS) ignores
            # the hyphen there, so teams.ndjson sorts first on 5.1 and last under ICU.
            @(Get-ChildItem -LiteralPath $summary.EstatePath -Name | Sort-Object) |
                Should -Be @(@('teams-ip-phone-policies.ndjson', 'teams-phone-numbers.ndjson', 'teams-resource-accounts.ndjson', 'teams.ndjson') | Sort-Object)
            $summary.TeamsFindings | Should -Be 2
            $summary.TeamsBroken | Should -Be 2
            $summary.TeamsMonthlyWaste | Should -BeNullOrEmpty
            $summary.TeamsUserLicenses | Should -Be 4
            $summary.TeamsMeetingRooms | Should -Be 1
            $summary.TeamsDevices | Should -Be 1
            $summary.ReportPath | Should -Exist
            Assert-TestWorkbookValid $summary.ReportPath
        }

        It 'reads only what the audits asked for need: TeamsCount reads no phone numbers' {
            $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'teams-count-only') -Audit TeamsCount -WarningAction SilentlyContinue
            $summary.Succeeded | Should -BeTrue
            Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 0 -Exactly
            Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 1 -Exactly -ParameterFilter { $Properties -notlike '*OnlineVoiceRoutingPolicy*' }
            Join-Path $summary.EstatePath 'teams-phone-numbers.ndjson' | Should -Not -Exist
        }

        It 'fails only the audit whose read failed (a throttled Get-CsPhoneNumberAssignment), leaving no partial file' {
            Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment {
                $action = if ($PesterBoundParameters.ContainsKey('ErrorAction')) { $PesterBoundParameters.ErrorAction } else { 'Continue' }
                Microsoft.PowerShell.Utility\Write-Error -Message 'Too Many Requests (429)' -ErrorAction $action
            }
            $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'teams-throttled') -Audit TeamsAssignments, TeamsCount `
                -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $failed = @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.TeamsSourceFailed*' })
            $failed.Count | Should -Be 1
            $failed[0].Exception.Message | Should -BeLike '*TeamsAssignments*Get-CsPhoneNumberAssignment*429*'
            $summary.Failed | Should -Be @('TeamsAssignments')
            $summary.TeamsFindings | Should -BeNullOrEmpty
            $summary.TeamsUserLicenses | Should -Be 4
            Join-Path $summary.EstatePath 'teams-phone-numbers.ndjson' | Should -Not -Exist
            Join-Path $summary.EstatePath 'teams-phone-numbers.ndjson.partial' | Should -Not -Exist
            Join-Path $summary.OutputPath 'teams-assignments.ndjson' | Should -Not -Exist
        }

        It 'fails both Teams audits when Get-CsOnlineUser fails part-way, instead of auditing the accounts read before' {
            Mock -ModuleName LicenseAudit Get-CsOnlineUser {
                Read-Example (Join-Path $Uc 'teams.json') | Select-Object -First 3
                $action = if ($PesterBoundParameters.ContainsKey('ErrorAction')) { $PesterBoundParameters.ErrorAction } else { 'Continue' }
                Microsoft.PowerShell.Utility\Write-Error -Message 'Too Many Requests (429)' -ErrorAction $action
            }
            $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'teams-users-throttled') -Audit TeamsAssignments, TeamsCount `
                -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.TeamsSourceFailed*' }).Count | Should -Be 1
            $summary.Failed | Should -Be @('TeamsAssignments', 'TeamsCount')
            $summary.ReportPath | Should -BeNullOrEmpty
            Join-Path $summary.EstatePath 'teams.ndjson' | Should -Not -Exist
            Join-Path $summary.EstatePath 'teams.ndjson.partial' | Should -Not -Exist
            Should -Invoke -ModuleName LicenseAudit Get-CsOnlineApplicationInstance -Times 0 -Exactly
        }

        It 'says LicenseAudit.TeamsCmdletsNotFound, and skips the Teams audits, without the MicrosoftTeams module' {
            Mock -ModuleName LicenseAudit Get-Command { $null } -ParameterFilter { $Name -eq 'Get-CsOnlineUser' }
            $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'teams-none') -Audit TeamsAssignments, TeamsCount `
                -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $missing = @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.TeamsCmdletsNotFound*' })
            $missing.Count | Should -Be 1
            $missing[0].Exception.Message | Should -BeLike '*Connect-MicrosoftTeams*'
            $summary.Failed | Should -Be @('TeamsAssignments', 'TeamsCount')
            $summary.Succeeded | Should -BeFalse
            Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        }

        It 'reads nothing from the tenant with -WhatIf' {
            $out = Join-Path $TestDrive 'teams-whatif'
            Invoke-LicenseAudit -OutputPath $out -Audit TeamsAssignments -WhatIf | Should -BeNullOrEmpty
            $out | Should -Not -Exist
            Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        }
    }
}
