# Pester 5 tests of the workbook, right-sizing and history cmdlets, against the real binary on
# the bundled examples (examples/contoso, examples/rightsizing, examples/history). The Lync
# cmdlets the plan hand-off calls are mocked.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
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

    function script:Read-Records([string]$Path) {
        Get-Content -LiteralPath $Path | Where-Object { $_.Trim() } | ForEach-Object {
            $r = $_ | ConvertFrom-Json
            $r.PSObject.TypeNames.Insert(0, 'LicenseAudit.' + $r.RecordType)
            $r
        }
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-LyncCalRightSizing' {
    It 'right-sizes the example estate from files, one typed record per user' {
        $r = @(Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -LicensedPath $Licensed -PricesPath $Prices -Summary -WarningAction SilentlyContinue)
        $users = @($r | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.LyncCalRightSizing' })
        $users.Count | Should -Be 12
        ($users | Where-Object SipAddress -eq 'sip:carol@contoso.com').Recommendation | Should -Be 'Downgrade'
        ($users | Where-Object SipAddress -eq 'sip:erin@contoso.com').Recommendation | Should -Be 'Exposure'
        ($users | Where-Object SipAddress -eq 'sip:grace@contoso.com').Recommendation | Should -Be 'InsufficientData'
        ($users | Where-Object SipAddress -eq 'sip:bob@contoso.com').Recommendation | Should -Be 'Upgrade'
        ($users | Where-Object SipAddress -eq 'sip:alice@contoso.com').Recommendation | Should -Be 'Unchanged'
        $summary = $r | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.LyncCalRightSizingSummary' }
        $summary.YearlySaving | Should -Be 330
        $summary.YearlyExposure | Should -Be 145
    }

    It 'takes LyncUserCal and LyncUserUsage records from the pipeline' {
        $records = @(Read-Records $Configured) + @(Read-Records $Usage)
        $r = @($records | Get-LyncCalRightSizing -WarningAction SilentlyContinue)
        $r.Count | Should -Be 12
        ($r | Where-Object SipAddress -eq 'sip:zoe@contoso.com').Tier | Should -Be 'Standard'
    }

    It 'says which input is missing' {
        { Get-LyncCalRightSizing -UsagePath $Usage } | Should -Throw '*Get-LyncCalRequirement*'
        { Get-LyncCalRightSizing -ConfiguredPath $Configured -AsPolicyPlan } | Should -Throw '*-TierPolicy*'
    }

    It 'hands the recommendations to Get-LyncCalPolicyPlan as its licence list' {
        Mock -ModuleName LicenseAudit Get-LyncCalPolicyPlan {
            $rows = @(Get-Content -LiteralPath $LicensedPath | ForEach-Object { $_ | ConvertFrom-Json })
            [pscustomobject]@{ PSTypeName = 'LicenseAudit.LyncPolicyChange'; Rows = $rows.Count; Carol = ($rows | Where-Object SipAddress -eq 'sip:carol@contoso.com').Tier; Policies = $TierPolicy }
        }
        $tiers = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
        $plan = Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -AsPolicyPlan -TierPolicy $tiers -WarningAction SilentlyContinue
        $plan.Rows | Should -Be 12
        $plan.Carol | Should -Be 'Standard'
        $plan.Policies.Standard | Should -Be 'Tag:STD_CAL_NoConferencing'
        Should -Invoke -ModuleName LicenseAudit Get-LyncCalPolicyPlan -Times 1 -Exactly
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
        $file.Length | Should -BeGreaterThan 5000
    }

    It 'lists the sheets with -PassThru' {
        $sheets = @(Export-LicenseAuditReport -Path (Join-Path $TestDrive 'sheets.xlsx') -InputPath $Configured, $Usage, $RightSized -PassThru)
        $sheets[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.ReportSheet'
        $sheets.Sheet | Should -Be @('Overview', 'Report Details', 'User Details', 'Device Details', 'Server Details', 'Right-sizing')
        ($sheets | Where-Object Sheet -eq 'Right-sizing').Rows | Should -Be 12
    }

    It 'takes records from any audit cmdlet on the pipeline' {
        $sheets = @(Read-Records $Configured | Export-LicenseAuditReport -Path (Join-Path $TestDrive 'piped.xlsx') -PassThru)
        ($sheets | Where-Object Sheet -eq 'User Details').Rows | Should -Be 12
        ($sheets | Where-Object Sheet -eq 'Device Details').Rows | Should -Be 3
    }

    It 'keeps unknown records out with a warning naming the type' {
        $odd = [pscustomobject]@{ RecordType = 'SomethingElse'; Name = 'x' }
        $sheets = @($odd, (Read-Records $Usage) | ForEach-Object { $_ } | Export-LicenseAuditReport -Path (Join-Path $TestDrive 'odd.xlsx') -PassThru -WarningVariable warnings -WarningAction SilentlyContinue)
        $sheets.Count | Should -BeGreaterThan 2
        ($warnings -join "`n") | Should -BeLike '*SomethingElse*kept out*'
    }

    It 'refuses a name that is not .xlsx' {
        { Export-LicenseAuditReport -Path (Join-Path $TestDrive 'a.csv') -InputPath $Usage } | Should -Throw '*.xlsx*'
    }
}

Describe 'Get-LicenseAuditHistory' {
    It 'flags the drift between two example runs' {
        $history = Join-Path $TestDrive 'history'
        & $Binary lync entitlement --estate $Contoso --summary --as-of 2026-10-01T00:00:00Z --history $history --output (Join-Path $TestDrive 'oct.ndjson')
        & $Binary lync entitlement --estate $Contoso --users (Join-Path $RepoRoot 'examples/history/users-november.json') --summary --as-of 2026-11-01T00:00:00Z --history $history --output (Join-Path $TestDrive 'nov.ndjson')
        $trend = @(Get-LicenseAuditHistory -Path $history -AlertThreshold 10 -WarningVariable warnings -WarningAction SilentlyContinue)
        $trend[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LicenseAuditTrend'
        $enterprise = $trend | Where-Object { $_.Metric -eq 'LyncUserCal.Enterprise' -and $_.Previous -ne $null }
        $enterprise.Previous | Should -Be 7
        $enterprise.Value | Should -Be 10
        $enterprise.Alert | Should -BeTrue
        ($warnings -join "`n") | Should -BeLike '*LyncUserCal.Enterprise moved 7*'
        @(Get-ChildItem -LiteralPath $history -Filter *.json).Count | Should -Be 2
    }

    It 'keeps a run of its own cmdlet with -HistoryPath' {
        $history = Join-Path $TestDrive 'rs-history'
        Get-LyncCalRightSizing -ConfiguredPath $Configured -UsagePath $Usage -HistoryPath $history -WarningAction SilentlyContinue | Out-Null
        $trend = @(Get-LicenseAuditHistory -Path $history -All)
        ($trend | Where-Object Metric -eq 'LyncCalRightSizing.Downgrade').Value | Should -Be 4
    }
}
