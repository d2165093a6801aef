# Pester 5 tests of the workbook, right-sizing and history cmdlets, against the real binary on
# the bundled examples (examples/contoso, examples/rightsizing, examples/history). The Lync
# cmdlets the plan hand-off calls are mocked. Every workbook written here must pass xlsx-validate
# (tests/Workbook.ps1), as Excel would open it without a repair.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Workbook.ps1')
    $script:NoValidator = -not (Get-TestXlsxValidator)
}

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    . (Join-Path $PSScriptRoot 'Workbook.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Binary = & (Get-Module LicenseAudit) { Get-LicenseAuditBinaryPath }
    $script:Contoso = Join-Path $RepoRoot 'examples/contoso'
    $script:RightSizing = Join-Path $RepoRoot 'examples/rightsizing'
    $script:Usage = Join-Path $RightSizing 'usage.ndjson'
    $script:Licensed = Join-Path $RightSizing 'licensed.csv'
    $script:Prices = Join-Path $RightSizing 'prices.csv'
    $script:Configured = Join-Path $TestDrive 'cal.ndjson'
    & $Binary lync entitlement --estate $Contoso --summary --format ndjson --output $Configured
    if ($LASTEXITCODE -ne 0) { throw "lync entitlement failed ($LASTEXITCODE)" }

    # Records as the cmdlets emit them: typed, dates as local [datetime], lists with PText.
    function script:Read-Records([string]$Path) {
        & (Get-Module LicenseAudit) { param($File) Get-Content -LiteralPath $File | ConvertFrom-LicenseAuditRecord } $Path
    }
    function script:Get-SessionCount {
        InModuleScope LicenseAudit { $script:LicenseAuditSessions.Count }
    }
    function script:Get-SpoolCount {
        @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-LyncCalRightSizing' {
    BeforeEach {
        $script:SpoolBefore = Get-SpoolCount
    }

    It 'right-sizes the example estate from files: one typed record per user, the summary in -SummaryVariable' {
        $r = @(Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -LicensedPath $Licensed -PricesPath $Prices -SummaryVariable summary -WarningAction SilentlyContinue)
        $r.Count | Should -Be 12
        @($r | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be @('LicenseAudit.LyncCalRightSizing')
        ($r | Where-Object SipAddress -eq 'sip:carol@contoso.com').Recommendation | Should -Be 'Downgrade'
        ($r | Where-Object SipAddress -eq 'sip:erin@contoso.com').Recommendation | Should -Be 'Exposure'
        ($r | Where-Object SipAddress -eq 'sip:grace@contoso.com').Recommendation | Should -Be 'InsufficientData'
        ($r | Where-Object SipAddress -eq 'sip:bob@contoso.com').Recommendation | Should -Be 'Upgrade'
        ($r | Where-Object SipAddress -eq 'sip:alice@contoso.com').Recommendation | Should -Be 'Unchanged'
        $alice = $r | Where-Object SipAddress -eq 'sip:alice@contoso.com'
        $alice.LastActivity | Should -BeOfType [datetime]
        $alice.EvidenceText | Should -Not -BeNullOrEmpty
        $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalRightSizingSummary'
        $summary.YearlySaving | Should -Be 330
        $summary.YearlyExposure | Should -Be 145
        $summary.WindowStart | Should -BeOfType [datetime]
    }

    It '-Summary emits the counts instead of the users' {
        $r = @(Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -LicensedPath $Licensed -Summary -WarningAction SilentlyContinue)
        $r.Count | Should -Be 1
        $r[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalRightSizingSummary'
        $r[0].Users | Should -Be 12
        $r[0].Downgrade | Should -Be 4
        $r[0].Exposure | Should -Be 2
    }

    It 'takes LyncUserCal and LyncUserUsage records both from the pipeline, in any order, and leaves no file' {
        $records = @(Read-Records $Configured) + @(Read-Records $Usage)
        $r = @($records | Get-LyncCalRightSizing -WarningAction SilentlyContinue)
        $r.Count | Should -Be 12
        ($r | Where-Object SipAddress -eq 'sip:zoe@contoso.com').Tier | Should -Be 'Standard'
        ($r | Where-Object SipAddress -eq 'sip:carol@contoso.com').Recommendation | Should -Be 'Downgrade'
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'streams piped users on stdin with -UsagePath, and skips what is not a right-sizing input with a warning' {
        $odd = [pscustomobject]@{ RecordType = 'SomethingElse'; Name = 'x' }
        $records = @($odd) + @(Read-Records $Configured)
        $r = @($records | Get-LyncCalRightSizing -UsagePath $Usage -LicensedPath $Licensed -WarningVariable warnings -WarningAction SilentlyContinue)
        $r.Count | Should -Be 12
        ($r | Where-Object SipAddress -eq 'sip:dave@contoso.com').Recommendation | Should -Be 'Exposure'
        # cal.ndjson also holds a LyncCalSummary: skipped too, without a warning.
        ($warnings -join "`n") | Should -BeLike '*1 piped object(s) skipped*the first skipped was SomethingElse*'
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'streams piped usage on stdin with -ConfiguredPath' {
        $r = @(Read-Records $Usage | Get-LyncCalRightSizing -ConfiguredPath $Configured -LicensedPath $Licensed -WarningAction SilentlyContinue)
        $r.Count | Should -Be 12
        ($r | Where-Object SipAddress -eq 'sip:heidi@contoso.com').Recommendation | Should -Be 'Downgrade'
    }

    It 'ends the engine when Select-Object -First stops the pipeline' {
        $first = @(Read-Records $Configured | Get-LyncCalRightSizing -UsagePath $Usage -WarningAction SilentlyContinue | Select-Object -First 1)
        $first.Count | Should -Be 1
        Get-SessionCount | Should -Be 0
    }

    It 'says which input is missing, with stable error ids' {
        $failure = $null
        try { Get-LyncCalRightSizing -UsagePath $Usage } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoConfiguredRecords*'
        $failure.Exception.Message | Should -BeLike '*Get-LyncCalRequirement*'
        $failure = $null
        try { Get-LyncCalRightSizing -ConfiguredPath $Configured } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoUsageRecords*'
        $failure = $null
        try { Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -AsPolicyPlan } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.TierPolicyRequired*'
        $failure.Exception.Message | Should -BeLike '*-TierPolicy*'
        Get-SessionCount | Should -Be 0
    }

    It 'hands the recommendations to Get-LyncCalPolicyPlan as its licence list, in a file deleted afterwards' {
        $script:PlanFiles = New-Object System.Collections.Generic.List[string]
        Mock -ModuleName LicenseAudit Get-LyncCalPolicyPlan {
            $script:PlanFiles.Add($LicensedPath)
            $rows = @(Get-Content -LiteralPath $LicensedPath | ForEach-Object { $_ | ConvertFrom-Json })
            [pscustomobject]@{ PSTypeName = 'LicenseAudit.LyncPolicyChange'; Rows = $rows.Count; Carol = ($rows | Where-Object SipAddress -eq 'sip:carol@contoso.com').Tier; Policies = $TierPolicy }
        }
        $tiers = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
        $plan = @(Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -AsPolicyPlan -TierPolicy $tiers -WarningAction SilentlyContinue)
        $plan.Count | Should -Be 1
        $plan[0].Rows | Should -Be 12
        $plan[0].Carol | Should -Be 'Standard'
        $plan[0].Policies.Standard | Should -Be 'Tag:STD_CAL_NoConferencing'
        Should -Invoke -ModuleName LicenseAudit Get-LyncCalPolicyPlan -Times 1 -Exactly
        $PlanFiles.Count | Should -Be 1
        Test-Path -LiteralPath $PlanFiles[0] | Should -BeFalse
        Get-SessionCount | Should -Be 0
    }
}

Describe 'Export-LicenseAuditReport' {
    BeforeAll {
        $script:RightSized = Join-Path $TestDrive 'rightsizing.ndjson'
        & $Binary lync rightsize --configured $Configured --usage $Usage --licensed $Licensed --prices $Prices --summary --format ndjson --output $RightSized 2>$null
    }

    It 'writes the workbook from record files and returns the file' {
        $path = Join-Path $TestDrive 'audit.xlsx'
        $file = Export-LicenseAuditReport -Path $path -InputPath $Configured, $Usage, $RightSized, (Join-Path $Contoso 'pools.xml')
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be (Get-Item -LiteralPath $path).FullName
        $file.Length | Should -BeGreaterThan 5000
        Assert-TestWorkbookValid $path
    }

    It 'writes no workbook, and returns nothing, from a records file cut short' {
        $broken = Join-Path $TestDrive 'broken.ndjson'
        Set-Content -LiteralPath $broken -Value '{"RecordType":"LyncUserCal","SipAddress":' -Encoding UTF8
        $path = Join-Path $TestDrive 'partial.xlsx'
        $file = @(Export-LicenseAuditReport -Path $path -InputPath $Configured, $broken -ErrorVariable problems -ErrorAction SilentlyContinue)
        $file.Count | Should -Be 0
        Test-Path -LiteralPath $path | Should -BeFalse
        @($problems | Where-Object { $_.Exception.Message -like '*no workbook is written*' }).Count | Should -BeGreaterThan 0
    }

    It 'has xlsx-validate to check every workbook these tests write (CI always does)' -Skip:$NoValidator {
        Get-TestXlsxValidator | Should -Exist
    }

    It 'lists the sheets with -PassThru' {
        $sheets = @(Export-LicenseAuditReport -Path (Join-Path $TestDrive 'sheets.xlsx') -InputPath $Configured, $Usage, $RightSized -PassThru)
        Assert-TestWorkbookValid (Join-Path $TestDrive 'sheets.xlsx')
        $sheets[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.ReportSheet'
        $sheets.Sheet | Should -Be @('Overview', 'Report Details', 'How to read this', 'User Details', 'Device Details', 'Server Details', 'Right-sizing')
        ($sheets | Where-Object Sheet -eq 'Right-sizing').Rows | Should -Be 12
        ($sheets | Where-Object Sheet -eq 'Right-sizing').RecordTypesText | Should -Be 'LyncCalRightSizing'
    }

    It 'counts in -PassThru the rows and columns each sheet has, the Overview and Report Details too (<Source>)' -ForEach @(
        @{ Source = 'record files' }
        @{ Source = 'piped records' }
    ) {
        # Read back from the workbook: a sheet's Rows are its rows with content below the header
        # row (the Overview has none: a title), its Columns the columns with content.
        $path = Join-Path $TestDrive ('counted-{0}.xlsx' -f ($Source -replace ' ', '-'))
        $files = @(Get-ChildItem -Path (Join-Path $RepoRoot 'examples/records/*.ndjson')).FullName + @($Configured, $Usage, (Join-Path $Contoso 'pools.xml'))
        if ($Source -eq 'record files') {
            $sheets = @(Export-LicenseAuditReport -Path $path -InputPath $files -PassThru -WarningAction SilentlyContinue)
        }
        else {
            $records = @(foreach ($file in $files | Where-Object { $_ -like '*.ndjson' }) { Read-Records $file })
            $sheets = @($records | Export-LicenseAuditReport -Path $path -InputPath (Join-Path $Contoso 'pools.xml') -PassThru -WarningAction SilentlyContinue)
        }
        Assert-TestWorkbookValid $path
        $inBook = @(Get-TestWorkbookSheet -Path $path)
        @($sheets.Sheet) | Should -Be @($inBook.Sheet)
        @($sheets.Sheet) | Should -Contain 'Server Details'
        foreach ($sheet in $sheets) {
            $book = $inBook | Where-Object Sheet -eq $sheet.Sheet
            $header = if ($sheet.Sheet -eq 'Overview') { 0 } else { 1 }
            $sheet.Rows | Should -Be ($book.Rows - $header) -Because "$($sheet.Sheet) has $($book.Rows) rows with content"
            $sheet.Columns | Should -Be $book.Columns -Because "$($sheet.Sheet) has $($book.Columns) columns with content"
            $sheet.Rows | Should -BeOfType [long]
        }
        ($sheets | Where-Object Sheet -eq 'Overview').Rows | Should -BeGreaterThan 10
        ($sheets | Where-Object Sheet -eq 'Report Details').Columns | Should -Be 5
        # A detail sheet: one row per record (configured users and their usage on User Details).
        $users = @($files | Where-Object { $_ -like '*.ndjson' } | ForEach-Object { Read-Records $_ } |
                Where-Object { ($_.RecordType -eq 'LyncUserCal' -and $_.Kind -eq 'User') -or $_.RecordType -eq 'LyncUserUsage' })
        ($sheets | Where-Object Sheet -eq 'User Details').Rows | Should -Be $users.Count
    }

    It 'takes records from any audit cmdlet on the pipeline' {
        $sheets = @(Read-Records $Configured | Export-LicenseAuditReport -Path (Join-Path $TestDrive 'piped.xlsx') -PassThru)
        Assert-TestWorkbookValid (Join-Path $TestDrive 'piped.xlsx')
        ($sheets | Where-Object Sheet -eq 'User Details').Rows | Should -Be 12
        ($sheets | Where-Object Sheet -eq 'Device Details').Rows | Should -Be 3
    }

    It 'keeps unknown records out with a warning naming the type' {
        $odd = [pscustomobject]@{ RecordType = 'SomethingElse'; Name = 'x' }
        $sheets = @(@($odd) + @(Read-Records $Usage) | Export-LicenseAuditReport -Path (Join-Path $TestDrive 'odd.xlsx') -PassThru -WarningVariable warnings -WarningAction SilentlyContinue)
        $sheets.Count | Should -BeGreaterThan 2
        ($warnings -join "`n") | Should -BeLike '*SomethingElse*kept out*'
        Assert-TestWorkbookValid (Join-Path $TestDrive 'odd.xlsx')
    }

    It 'refuses a name that is not .xlsx, with a stable error id' {
        $failure = $null
        try { Export-LicenseAuditReport -Path (Join-Path $TestDrive 'a.csv') -InputPath $Usage } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NotXlsx*'
        $failure.Exception.Message | Should -BeLike '*.xlsx*'
    }

    It 'refuses to run without records' {
        $failure = $null
        try { Export-LicenseAuditReport -Path (Join-Path $TestDrive 'empty.xlsx') } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoRecords*'
        Test-Path -LiteralPath (Join-Path $TestDrive 'empty.xlsx') | Should -BeFalse
        Get-SessionCount | Should -Be 0
    }

    It '-WhatIf writes nothing, from files or from the pipeline' {
        $path = Join-Path $TestDrive 'whatif.xlsx'
        Export-LicenseAuditReport -Path $path -InputPath $Usage -WhatIf
        Read-Records $Usage | Export-LicenseAuditReport -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
        Get-SessionCount | Should -Be 0
    }

    It 'overwrites an existing workbook, unless -NoClobber' {
        $path = Join-Path $TestDrive 'existing.xlsx'
        Set-Content -LiteralPath $path -Value 'old'
        $failure = $null
        try { Export-LicenseAuditReport -Path $path -InputPath $Usage -NoClobber } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.FileExists*'
        (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'old'
        $file = Export-LicenseAuditReport -Path $path -InputPath $Usage
        $file.Length | Should -BeGreaterThan 5000
        Assert-TestWorkbookValid $path
    }

    It 'takes -LiteralPath as written (brackets are not a wildcard)' {
        $path = Join-Path $TestDrive 'audit [final].xlsx'
        $file = Export-LicenseAuditReport -LiteralPath $path -InputPath $Usage
        $file.Name | Should -Be 'audit [final].xlsx'
        Test-Path -LiteralPath $path | Should -BeTrue
        Assert-TestWorkbookValid $path
    }

    It 'writes no workbook when an upstream error stops the pipeline, and the engine is reaped' {
        $path = Join-Path $TestDrive 'stopped.xlsx'
        $failure = $null
        try {
            & { Read-Records $Usage | Select-Object -First 3; throw 'upstream failed' } | Export-LicenseAuditReport -Path $path | Out-Null
        }
        catch {
            $failure = $_
        }
        $failure.Exception.Message | Should -Be 'upstream failed'
        # The next engine-backed call reaps the orphaned session.
        Get-LicenseAuditInputInfo -Path $Usage | Out-Null
        Get-SessionCount | Should -Be 0
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'refuses a file piped in, pointing to -InputPath' {
        $sheets = @(Get-Item -LiteralPath $Usage | Export-LicenseAuditReport -Path (Join-Path $TestDrive 'fileinfo.xlsx') -InputPath $Configured -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue)
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.FileOnPipeline*'
        ($sheets | Where-Object Sheet -eq 'User Details').Rows | Should -Be 12
        Assert-TestWorkbookValid (Join-Path $TestDrive 'fileinfo.xlsx')
    }
}

Describe 'Get-LicenseAuditHistory' {
    It 'flags the drift between two example runs' {
        $history = Join-Path $TestDrive 'history'
        & $Binary lync entitlement --estate $Contoso --summary --as-of 2026-10-01T00:00:00Z --history $history --output (Join-Path $TestDrive 'oct.ndjson')
        & $Binary lync entitlement --estate $Contoso --users (Join-Path $RepoRoot 'examples/history/users-november.json') --summary --as-of 2026-11-01T00:00:00Z --history $history --output (Join-Path $TestDrive 'nov.ndjson')
        $trend = @(Get-LicenseAuditHistory -Path $history -AlertThreshold 10 -WarningVariable warnings -WarningAction SilentlyContinue)
        $trend[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LicenseAuditTrend'
        $enterprise = $trend | Where-Object { $_.Metric -eq 'LyncUserCal.Enterprise' -and $null -ne $_.Previous }
        $enterprise.Previous | Should -Be 6
        $enterprise.Value | Should -Be 9
        $enterprise.Alert | Should -BeTrue
        $enterprise.AsOf | Should -BeOfType [datetime]
        $enterprise.AsOf.ToUniversalTime() | Should -Be ([datetime]::new(2026, 11, 1, 0, 0, 0, [System.DateTimeKind]::Utc))
        ($warnings -join "`n") | Should -BeLike '*LyncUserCal.Enterprise moved 6*'
        @(Get-ChildItem -LiteralPath $history -Filter *.json).Count | Should -Be 2
        # The folder from the pipeline, by PSPath.
        @(Get-Item -LiteralPath $history | Get-LicenseAuditHistory -WarningAction SilentlyContinue).Count | Should -Be $trend.Count
    }

    It 'keeps a run of its own cmdlet with -HistoryPath' {
        $history = Join-Path $TestDrive 'rs-history'
        Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -HistoryPath $history -WarningAction SilentlyContinue | Out-Null
        $trend = @(Get-LicenseAuditHistory -Path $history -All)
        ($trend | Where-Object Metric -eq 'LyncCalRightSizing.Downgrade').Value | Should -Be 4
    }

    It 'reports a folder that does not exist as a non-terminating error' {
        $trend = @(Get-LicenseAuditHistory -LiteralPath (Join-Path $TestDrive 'no-such-folder') -ErrorVariable problems -ErrorAction SilentlyContinue)
        $trend.Count | Should -Be 0
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PathNotFound*'
    }
}
