# Pester 5 tests of what an admin sees: each cmdlet's default view (LicenseAudit.Format.ps1xml)
# rendered with Out-String -Width 80, an 80-column console, on the bundled examples, against the
# real engine (the Lync, Teams and UAL cmdlets answer with tests/MicrosoftShapes.ps1's objects).
# No line is wider than the console, no header wraps, every record is one row, and the columns
# that answer the question (Key below) are whole: never cut with "…". Also the Teams-only views of
# Get-TeamsLicenseCount (issue #27, item 1) and how a list reads as one line of text (item 3:
# items joined by "; ", in a table as in its Text column, as README says).

BeforeDiscovery {
    # Cmdlet (and how it was called) -> the view its records get, and the key columns: header
    # label -> what the cell must read (a property name, a script block on the record, or $true:
    # only that it is not cut).
    $script:Views = @(
        @{ Name = 'Get-LicenseAuditInputInfo'; Type = 'LicenseAudit.InputInspection'
            Key = [ordered]@{ File = { ([string]$_.File -split '[\\/]')[-1] }; Dialect = 'Dialect'; Encoding = 'Encoding'; Records = 'Records'; Bad = 'BadRecords'; Refused = 'Refused'; PowerShell = $true } }
        @{ Name = 'Get-LicenseAuditSchema'; Type = 'LicenseAudit.SchemaEntry'; Key = [ordered]@{ Name = 'Name'; Kind = 'Kind' } }
        @{ Name = 'Get-LyncCalRequirement -IncludeDevices'; Type = 'LicenseAudit.LyncUserCal'
            Key = [ordered]@{ SipAddress = 'SipAddress'; Std = { if ($_.Standard) { 'Yes' } else { 'No' } }; Ent = { if ($null -eq $_.Enterprise) { '?' } elseif ($_.Enterprise) { 'Yes' } else { 'No' } }; Plus = { if ($_.Plus) { 'Yes' } else { 'No' } } } }
        @{ Name = 'Get-LyncCalRequirement -Summary'; Type = 'LicenseAudit.LyncCalSummary'
            Key = [ordered]@{ Rules = 'Rules'; Total = 'Total'; Standard = 'Standard'; Enterprise = 'Enterprise'; Plus = 'Plus'; Undetermined = 'Undetermined'; NeedNothing = 'NeedNothing' } }
        @{ Name = 'Test-LyncConferencingPolicy -IncludeUserCount'; Type = 'LicenseAudit.LyncPolicyAudit'
            Key = [ordered]@{ Identity = 'Identity'; ImpliedCal = 'ImpliedCal'; Findings = { @($_.Findings | ForEach-Object { $_.Code }) -join '; ' } } }
        @{ Name = 'Get-LyncCalPolicyPlan'; Type = 'LicenseAudit.LyncPolicyChange'
            Key = [ordered]@{ SipAddress = 'SipAddress'; Action = 'Action'; Licensed = 'LicensedTier'; TargetPolicy = 'TargetPolicy' } }
        @{ Name = 'Set-LyncCalPolicyAssignment -PassThru'; Type = 'LicenseAudit.LyncPolicyChange'
            Key = [ordered]@{ SipAddress = 'SipAddress'; Action = 'Action'; Licensed = 'LicensedTier'; TargetPolicy = 'TargetPolicy' } }
        @{ Name = 'New-LyncCalPolicyTemplate -TemplateOnly'; Type = 'LicenseAudit.LyncPolicyTemplate'; Key = [ordered]@{ Name = 'Name'; ImpliedCal = 'ImpliedCal' } }
        @{ Name = 'Get-ServerCalCompliance'; Type = 'LicenseAudit.CalCompliance'
            Key = [ordered]@{ Product = { if ($_.Version) { '{0} {1}' -f $_.Product, $_.Version } else { $_.Product } }; CalType = 'CalType'; Required = 'Required'; Owned = 'Owned'; Covered = 'Covered'; Shortfall = 'Shortfall' } }
        @{ Name = 'Get-ServerCalCompliance -DetailVariable: CalConsumption'; Type = 'LicenseAudit.CalConsumption'
            Key = [ordered]@{ Product = { if ($_.Version) { '{0} {1}' -f $_.Product, $_.Version } else { $_.Product } }; CalType = 'CalType'; Principal = 'Principal' } }
        @{ Name = 'Get-ServerCalCompliance -DetailVariable: CalLicenseUse'; Type = 'LicenseAudit.CalLicenseUse'
            Key = [ordered]@{ License = 'License'; Quantity = 'Quantity'; Used = 'Used'; Remaining = 'Remaining' } }
        @{ Name = 'Get-ServerCalCompliance -DetailVariable: UnrecognizedEvidence'; Type = 'LicenseAudit.UnrecognizedEvidence'
            Key = [ordered]@{ Server = 'Server'; RoleName = 'RoleName'; ProductName = 'ProductName'; Rows = 'Rows' } }
        @{ Name = 'Get-ServerCalCompliance -DetailVariable: UalEvidenceSummary'; Type = 'LicenseAudit.UalEvidenceSummary'
            Key = [ordered]@{ Mode = 'Mode'; Rows = 'Rows'; Counted = 'Counted'; External = 'External'; Unrecognized = 'UnrecognizedRows' } }
        @{ Name = 'Get-ServerCalCompliance -IncludeEvidence -DetailVariable: UalEvidence'; Type = 'LicenseAudit.UalEvidence'
            Key = [ordered]@{ Server = 'Server'; Type = 'PrincipalType'; Principal = 'Principal'; Status = 'Status' } }
        @{ Name = 'Get-LyncCalUsage'; Type = 'LicenseAudit.LyncUserUsage'
            Key = [ordered]@{ SipAddress = 'SipAddress'; Std = { $_.Standard -replace '^InsufficientData$', '?' }; Ent = { $_.Enterprise -replace '^InsufficientData$', '?' }; Plus = { $_.Plus -replace '^InsufficientData$', '?' }; LastActivity = $true } }
        @{ Name = 'Get-LyncCalUsage -DeviceVariable'; Type = 'LicenseAudit.LyncDeviceUsage'
            Key = [ordered]@{ Device = 'Device'; Kind = 'DeviceKind'; Std = { $_.Standard -replace '^InsufficientData$', '?' }; Ent = { $_.Enterprise -replace '^InsufficientData$', '?' }; Plus = { $_.Plus -replace '^InsufficientData$', '?' } } }
        @{ Name = 'Get-LyncCalUsage -CoverageVariable'; Type = 'LicenseAudit.LyncUsageCoverage'
            Key = [ordered]@{ Server = 'Server'; WindowStart = $true; FirstRecord = $true; Covered = 'WindowCovered'; Users = 'Users'; Devices = 'Devices' } }
        @{ Name = 'Get-LyncCalRightSizing'; Type = 'LicenseAudit.LyncCalRightSizing'
            Key = [ordered]@{ SipAddress = 'SipAddress'; Recommendation = 'Recommendation'; Tier = 'Tier'; Confidence = 'Confidence' } }
        @{ Name = 'Export-LicenseAuditReport -PassThru'; Type = 'LicenseAudit.ReportSheet'; Key = [ordered]@{ Sheet = 'Sheet'; Rows = 'Rows'; Columns = 'Columns' } }
        @{ Name = 'Get-LicenseAuditHistory'; Type = 'LicenseAudit.LicenseAuditTrend'
            Key = [ordered]@{ Metric = 'Metric'; Previous = 'Previous'; Value = 'Value'; 'Change%' = $true; Alert = 'Alert' } }
        @{ Name = 'Get-LicenseAuditHistory -All (right-sizing runs)'; Type = 'LicenseAudit.LicenseAuditTrend'
            Key = [ordered]@{ Metric = 'Metric'; Previous = 'Previous'; Value = 'Value'; 'Change%' = $true; Alert = 'Alert' } }
        @{ Name = 'Get-UcLicenseCount'; Type = 'LicenseAudit.UcUserLicense'
            Key = [ordered]@{ Username = 'Username'; Customer = { if ($_.Customer) { $_.Customer } else { $_.CustomerPkid } }; Licensed = 'Licensed'; Licenses = 'Licenses'; Hybrid = 'Hybrid'; Phones = 'PhoneCount'
                CountedServices = { @($_.LinkedServices | Where-Object { $_.Counted } | ForEach-Object { $_.Service }) -join '; ' } } }
        @{ Name = 'Get-UcLicenseCount -Summary'; Type = 'LicenseAudit.UcLicenseTotal'
            Key = [ordered]@{ Scope = 'Scope'; Customer = { if ($_.Customer) { $_.Customer } else { $_.CustomerPkid } }; UserLicenses = 'UserLicenses'; Hybrid = 'CiscoMsIntegratedServices'; Standalone = 'StandaloneDevices'; Rooms = 'MeetingRooms'; Sites = 'Sites'; '>10 Phones' = 'UsersWithMoreThanTenPhones' } }
        @{ Name = 'Get-UcLicenseCount -DetailVariable: UcDevice'; Type = 'LicenseAudit.UcDevice'
            Key = [ordered]@{ Name = 'Name'; Kind = 'Kind'; Counted = 'Counted'; Excluded = 'Excluded'; Customer = { if ($_.Customer) { $_.Customer } else { $_.CustomerPkid } } } }
        @{ Name = 'Get-UcLicenseCount -DetailVariable: UcMeetingRoom'; Type = 'LicenseAudit.UcMeetingRoom'
            Key = [ordered]@{ Name = 'Name'; Customer = { if ($_.Customer) { $_.Customer } else { $_.CustomerPkid } }; Counted = 'Counted'; Features = { @($_.Features) -join '; ' } } }
        @{ Name = 'Get-UcLicenseCount -DetailVariable: UcOrphanService'; Type = 'LicenseAudit.UcOrphanService'
            Key = [ordered]@{ Service = 'Service'; Identity = 'Identity'; MeetsCondition = 'MeetsCondition' } }
        @{ Name = 'Get-TeamsLicenseCount'; Type = 'LicenseAudit.UcUserLicense#TeamsOnly'; Key = [ordered]@{ Username = 'Username'; Licensed = 'Licensed'; Excluded = 'Excluded' } }
        @{ Name = 'Get-TeamsLicenseCount -Summary'; Type = 'LicenseAudit.UcLicenseTotal#TeamsOnly'
            Key = [ordered]@{ Scope = 'Scope'; Licenses = 'UserLicenses'; Rooms = 'MeetingRooms'; Phones = 'StandaloneDevices'; Undecided = 'UndeterminedUsers'; Guest = $true; Resource = $true; Disabled = $true; Deleted = $true } }
        @{ Name = 'Get-TeamsLicenseCount -DetailVariable: UcDevice'; Type = 'LicenseAudit.UcDevice#TeamsOnly'; Key = [ordered]@{ Name = 'Name'; Counted = 'Counted'; Model = 'Model' } }
        @{ Name = 'Get-TeamsLicenseCount -DetailVariable: UcMeetingRoom'; Type = 'LicenseAudit.UcMeetingRoom#TeamsOnly'
            Key = [ordered]@{ Name = 'Name'; DisplayName = 'DisplayName'; Features = { @($_.Features) -join '; ' }; Counted = 'Counted' } }
        @{ Name = 'Test-TeamsLicenseAssignment'; Type = 'LicenseAudit.TeamsAssignmentFinding'; Key = [ordered]@{ UserPrincipalName = 'UserPrincipalName'; Severity = 'Severity'; Code = 'Code' } }
        @{ Name = 'Test-TeamsLicenseAssignment -Summary'; Type = 'LicenseAudit.TeamsAssignmentSummary'
            Key = [ordered]@{ Evaluated = 'AccountsEvaluated'; Findings = 'Findings'; Waste = 'Waste'; Broken = 'Broken'; Risk = 'Risk'; Info = 'Info'; MonthlyWaste = 'MonthlyWaste'; WasteBasis = 'WasteBasis'; UnpricedPlans = { @($_.UnpricedPlans) -join '; ' } } }
    )
}

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Examples = Join-Path $RepoRoot 'examples'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    . (Join-Path $PSScriptRoot 'MicrosoftShapes.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Binary = & (Get-Module LicenseAudit) { Get-LicenseAuditBinaryPath }

    function script:Read-ExampleJson([string]$Path) {
        # One object per element, as an admin's ConvertFrom-Json export reads back (on 5.1 too).
        Get-Content -Raw -LiteralPath (Join-Path $Examples $Path) | ConvertFrom-Json | ForEach-Object { $_ }
    }
    function script:Read-Records([string]$Path) {
        # Engine records as the cmdlets emit them (typed, dates local, lists with PText).
        & (Get-Module LicenseAudit) { param($File) Get-Content -LiteralPath $File | ConvertFrom-LicenseAuditRecord } $Path
    }

    function script:Get-RenderedView {
        <#
        .SYNOPSIS
        The records' default view as Out-String -Width renders it, taken apart: Lines, and Tables
        (each: Header, its Columns as label -> Start and End, Rows, and HeaderLines, the non-blank
        lines between the blank line before the header and the dashes: 1 unless the header
        wrapped).
        .DESCRIPTION
        The dashes under a label start where its column starts when the column is left-aligned or
        as wide as its label (the columns Get-Cell reads); a column ends a space before the next.
        #>
        param([object[]]$Records, [int]$Width)
        $text = $Records | Out-String -Width $Width
        $lines = @($text -split '\r?\n')
        $tables = New-Object System.Collections.Generic.List[object]
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^-+( +-+)*\s*$') { continue }
            $headerLines = 0
            for ($j = $i - 1; $j -ge 0 -and $lines[$j].Trim(); $j--) { $headerLines++ }
            $rows = New-Object System.Collections.Generic.List[string]
            for ($k = $i + 1; $k -lt $lines.Count -and $lines[$k].Trim(); $k++) { $rows.Add($lines[$k]) }
            $header = $lines[$i - 1]
            $dashes = @([regex]::Matches($lines[$i], '-+'))
            $columns = [ordered]@{}
            for ($c = 0; $c -lt $dashes.Count; $c++) {
                $from = $dashes[$c].Index
                $to = if ($c -eq $dashes.Count - 1) { [int]::MaxValue - 1 } else { $dashes[$c + 1].Index - 2 }
                $columns[$header.Substring($from, $dashes[$c].Length).Trim()] = @{ Start = $from; End = $to }
            }
            $tables.Add([pscustomobject]@{ Header = $header; HeaderLines = $headerLines; Columns = $columns; Rows = $rows.ToArray() })
        }
        [pscustomobject]@{ Text = $text; Lines = $lines; Tables = $tables.ToArray() }
    }

    function script:Get-Cell([object]$Table, [string]$Row, [string]$Label) {
        $column = $Table.Columns[$Label]
        if ($column.Start -ge $Row.Length) { return '' }
        $Row.Substring($column.Start, [Math]::Min($column.End + 1, $Row.Length) - $column.Start).Trim()
    }

    function script:Get-Expected([object]$Record, [object]$Spec) {
        if ($Spec -is [scriptblock]) { return [string](ForEach-Object -InputObject $Record -Process $Spec) }
        if ($Spec -is [string]) { return [string]$Record.$Spec }
        $null
    }

    function script:Get-LeadingPattern([object[]]$Cells) {
        # A line whose leading cells read $Cells, in order, each whole (followed by a space or the
        # end of the line): a string exactly (an empty one is skipped), $null any text or none,
        # not cut.
        $parts = foreach ($cell in $Cells) {
            if ($null -eq $cell) { '(?:\s*[^\s…][^…]*?(?=\s|$))?' }
            elseif (([string]$cell).Trim()) { '\s*' + [regex]::Escape(([string]$cell).Trim()) + '(?=\s|$)' }
        }
        '^' + (@($parts) -join '')
    }
}

AfterAll {
    Remove-MicrosoftShapeStub
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Default views in an 80-column console' {
    BeforeAll {
        $mocks = Get-MicrosoftShapeMock
        foreach ($name in $mocks.Keys) { Mock -ModuleName LicenseAudit $name $mocks[$name] }
        $ual = Join-Path $Examples 'ual'
        $rightSizing = Join-Path $Examples 'rightsizing'
        $uc = Join-Path $Examples 'uc'
        $tiers = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
        $usage = @(Read-Records (Join-Path $rightSizing 'usage.ndjson'))
        $records = @{}

        $records['Get-LicenseAuditInputInfo'] = @(Get-LicenseAuditInputInfo -Path (Join-Path $Examples 'contoso/users.json'), (Join-Path $rightSizing 'licensed.csv'), (Join-Path $ual 'ual-user-access.json'))
        $records['Get-LicenseAuditSchema'] = @(Get-LicenseAuditSchema)
        $records['Get-LyncCalRequirement -IncludeDevices'] = @(Get-LyncCalRequirement -IncludeDevices -SummaryVariable calSummary -WarningAction SilentlyContinue)
        $records['Get-LyncCalRequirement -Summary'] = @($calSummary)
        $records['Test-LyncConferencingPolicy -IncludeUserCount'] = @(Test-LyncConferencingPolicy -IncludeUserCount -WarningAction SilentlyContinue)
        $plan = @(Get-LyncCalPolicyPlan -LicensedPath (Join-Path $Examples 'contoso/licensed.csv') -DefaultTier Standard -TierPolicy $tiers -WarningAction SilentlyContinue)
        $records['Get-LyncCalPolicyPlan'] = $plan
        $records['Set-LyncCalPolicyAssignment -PassThru'] = @($plan | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru)
        $records['New-LyncCalPolicyTemplate -TemplateOnly'] = @(New-LyncCalPolicyTemplate -Prefix Contoso_ -TemplateOnly)
        $records['Get-ServerCalCompliance'] = @(Get-ServerCalCompliance -EvidencePath (Join-Path $ual 'ual-user-access.json'), (Join-Path $ual 'ual-device-access.json'), (Join-Path $ual 'flexnet-evidence.csv') `
                -SystemIdPath (Join-Path $ual 'ual-system-id.json') -LicensePath (Join-Path $ual 'licenses.csv') -InternalDomain contoso.com -IncludeEvidence -DetailVariable ualDetail -WarningAction SilentlyContinue)
        foreach ($type in 'CalConsumption', 'CalLicenseUse', 'UnrecognizedEvidence', 'UalEvidenceSummary') { $records["Get-ServerCalCompliance -DetailVariable: $type"] = @($ualDetail[$type]) }
        $records['Get-ServerCalCompliance -IncludeEvidence -DetailVariable: UalEvidence'] = @($ualDetail['UalEvidence'])
        # What Get-LyncCalUsage writes for the example store (its records, as the engine wrote them
        # into examples/rightsizing/usage.ndjson).
        $records['Get-LyncCalUsage'] = @($usage | Where-Object { $_.RecordType -eq 'LyncUserUsage' })
        $records['Get-LyncCalUsage -DeviceVariable'] = @($usage | Where-Object { $_.RecordType -eq 'LyncDeviceUsage' })
        $records['Get-LyncCalUsage -CoverageVariable'] = @($usage | Where-Object { $_.RecordType -eq 'LyncUsageCoverage' })
        $rightSizingHistory = Join-Path $TestDrive 'rightsizing-history'
        $records['Get-LyncCalRightSizing'] = @(Get-LyncCalRightSizing -ConfiguredPath (Join-Path $Examples 'records/lync-entitlement.ndjson') -UsagePath (Join-Path $rightSizing 'usage.ndjson') `
                -LicensedPath (Join-Path $rightSizing 'licensed.csv') -PricesPath (Join-Path $rightSizing 'prices.csv') -HistoryPath $rightSizingHistory -SummaryVariable rightSizingSummary -WarningAction SilentlyContinue)
        $script:RightSizingSummary = $rightSizingSummary
        $records['Export-LicenseAuditReport -PassThru'] = @(Export-LicenseAuditReport -Path (Join-Path $TestDrive 'views.xlsx') -InputPath (Get-ChildItem -Path (Join-Path $Examples 'records/*.ndjson')).FullName -PassThru -WarningAction SilentlyContinue)
        $history = Join-Path $TestDrive 'history'
        & $Binary lync entitlement --estate (Join-Path $Examples 'contoso') --summary --as-of 2026-10-01T00:00:00Z --history $history --output (Join-Path $TestDrive 'oct.ndjson')
        & $Binary lync entitlement --estate (Join-Path $Examples 'contoso') --users (Join-Path $Examples 'history/users-november.json') --summary --as-of 2026-11-01T00:00:00Z --history $history --output (Join-Path $TestDrive 'nov.ndjson')
        $records['Get-LicenseAuditHistory'] = @(Get-LicenseAuditHistory -Path $history -AlertThreshold 10 -WarningAction SilentlyContinue)
        $records['Get-LicenseAuditHistory -All (right-sizing runs)'] = @(Get-LicenseAuditHistory -Path $rightSizingHistory -All -WarningAction SilentlyContinue)
        $records['Get-UcLicenseCount'] = @(Get-UcLicenseCount -EstatePath $uc -SummaryVariable ucTotals -DetailVariable ucDetail -WarningAction SilentlyContinue)
        $records['Get-UcLicenseCount -Summary'] = @($ucTotals)
        foreach ($type in 'UcDevice', 'UcMeetingRoom', 'UcOrphanService') { $records["Get-UcLicenseCount -DetailVariable: $type"] = @($ucDetail[$type]) }
        # The Teams-only estate of examples/uc: a guest, a resource account, a disabled and a
        # soft-deleted account, a meeting room and a common area phone.
        $teamsUsers = @(Read-ExampleJson 'uc/teams.json')
        $script:TeamsAccounts = @($teamsUsers | Get-TeamsLicenseCount -IpPhonePolicy @(Read-ExampleJson 'uc/teams-ip-phone-policies.json') -SummaryVariable teamsTotals -DetailVariable teamsDetail -WarningAction SilentlyContinue)
        $records['Get-TeamsLicenseCount'] = $TeamsAccounts
        $records['Get-TeamsLicenseCount -Summary'] = @($teamsTotals)
        foreach ($type in 'UcDevice', 'UcMeetingRoom') { $records["Get-TeamsLicenseCount -DetailVariable: $type"] = @($teamsDetail[$type]) }
        $script:TeamsDetail = $teamsDetail
        $records['Test-TeamsLicenseAssignment'] = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute `
                -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath (Join-Path $Examples 'teams/teams-prices.csv') -SummaryVariable teamsSummary -WarningAction SilentlyContinue)
        $records['Test-TeamsLicenseAssignment -Summary'] = @($teamsSummary)
        $script:Records = $records
    }

    It '<Name>: <Type>, one line per record, no header wrapped, the key columns whole' -ForEach $Views {
        $rendered = @($Records[$Name])
        $rendered.Count | Should -BeGreaterThan 0 -Because "$Name gave no records to render"
        @($rendered | Where-Object { $_.PSObject.TypeNames[0] -ne $Type }).Count | Should -Be 0 -Because "every record of $Name is a $Type"
        $view = Get-RenderedView -Records $rendered -Width 80
        foreach ($line in $view.Lines) { $line.Length | Should -BeLessOrEqual 80 -Because "no line is wider than the console: '$line'" }
        $view.Tables.Count | Should -BeGreaterThan 0 -Because "$Type's default view is a table"
        foreach ($table in $view.Tables) {
            $table.HeaderLines | Should -Be 1 -Because "the header of $Type does not wrap: '$($table.Header)'"
            # The key columns lead, in this order.
            $table.Header | Should -Match (Get-LeadingPattern @($Key.Keys)) -Because 'the key columns are shown first'
        }
        # One row per record, in order (a GroupBy view makes one table per group).
        $rows = @(foreach ($table in $view.Tables) { $table.Rows })
        $rows.Count | Should -Be $rendered.Count -Because 'no record spills onto a second line'
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $cells = New-Object System.Collections.Generic.List[object]
            foreach ($label in $Key.Keys) { $cells.Add((Get-Expected -Record $rendered[$i] -Spec $Key[$label])) }
            $rows[$i] | Should -Match (Get-LeadingPattern $cells.ToArray()) -Because "row $i reads, whole: $(@($cells | ForEach-Object { "'$_'" }) -join ' ')"
        }
    }

    It 'Get-LyncCalRightSizing -Summary: a list, every value whole in 80 columns' {
        $RightSizingSummary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalRightSizingSummary'
        $text = $RightSizingSummary | Out-String -Width 80
        foreach ($line in @($text -split '\r?\n')) { $line.Length | Should -BeLessOrEqual 80 }
        foreach ($name in 'Users', 'Downgrade', 'Upgrade', 'Unchanged', 'Exposure', 'InsufficientData', 'NoCalNeeded', 'YearlySaving', 'YearlyExposure', 'Confidence') {
            $text | Should -Match ('(?m)^{0} +: {1}\s*$' -f $name, [regex]::Escape([string]$RightSizingSummary.$name))
        }
    }

    It 'Get-ServerCalCompliance | Format-List: the position with its AssumedCovered, Basis and Assumption (issue #24)' {
        $positions = @($Records['Get-ServerCalCompliance'])
        $assumed = @($positions | Where-Object { $_.Assumption })
        $assumed.Count | Should -BeGreaterThan 0 -Because 'the UAL example rests on assumptions (User and Device CALs mixed, Software Assurance)'
        $text = $assumed[0] | Format-List | Out-String -Width 200
        $text | Should -Match ('(?m)^AssumedCovered +: {0}\s*$' -f $assumed[0].AssumedCovered)
        $text | Should -Match ('(?m)^Basis +: {0}' -f [regex]::Escape(([string]$assumed[0].Basis).Substring(0, 20)))
        $text | Should -Match ('(?m)^Assumption +: {0}' -f [regex]::Escape(([string]$assumed[0].Assumption).Substring(0, 20)))
    }

    It 'Test-TeamsLicenseAssignment: ReclaimablePlans in the 80-column table, before Plans, and whole in 120 columns' {
        $findings = @($Records['Test-TeamsLicenseAssignment'])
        $narrow = Get-RenderedView -Records $findings -Width 80
        @($narrow.Tables[0].Columns.Keys) | Should -Be @('UserPrincipalName', 'Severity', 'Code', 'ReclaimablePlans')
        $wide = Get-RenderedView -Records $findings -Width 120
        @($wide.Tables[0].Columns.Keys) | Should -Be @('UserPrincipalName', 'Severity', 'Code', 'ReclaimablePlans', 'Plans')
        for ($i = 0; $i -lt $findings.Count; $i++) {
            Get-Cell -Table $wide.Tables[0] -Row $wide.Tables[0].Rows[$i] -Label 'ReclaimablePlans' | Should -BeExactly (@($findings[$i].ReclaimablePlans) -join '; ')
            Get-Cell -Table $wide.Tables[0] -Row $wide.Tables[0].Rows[$i] -Label 'Plans' | Should -BeExactly (@($findings[$i].Plans) -join '; ')
        }
    }

    It 'Get-LicenseAuditHistory: one table per run, headed by the command and its as-of date' {
        $trend = @($Records['Get-LicenseAuditHistory'])
        $view = Get-RenderedView -Records $trend -Width 80
        $runs = @($trend | ForEach-Object { '{0}, as of {1}' -f $_.Command, $_.AsOf } | Select-Object -Unique)
        $runs.Count | Should -Be 2
        $view.Tables.Count | Should -Be 2
        foreach ($run in $runs) { @($view.Lines | Where-Object { $_.Trim() -eq "Run: $run" }).Count | Should -Be 1 }
        # November's Enterprise CALs against October's, with the alert, on one line.
        $enterprise = @($trend | Where-Object { $_.Metric -eq 'LyncCalSummary.Enterprise' -and $null -ne $_.Previous })
        $enterprise.Count | Should -Be 1
        $enterprise[0].Alert | Should -BeTrue
        $line = '^LyncCalSummary\.Enterprise +{0} +{1} +{2} +True\s*$' -f $enterprise[0].Previous, $enterprise[0].Value, [regex]::Escape([string]$enterprise[0].ChangePercent)
        @($view.Lines | Where-Object { $_ -match $line }).Count | Should -Be 1
    }

    Context 'Get-TeamsLicenseCount: Teams-only views, no customer or Cisco columns (issue #27)' {
        It 'types the accounts, the totals, the common area phones and the meeting rooms for their Teams-only views, the record type next' {
            $cases = @(
                @{ Records = $TeamsAccounts; Type = 'UcUserLicense' },
                @{ Records = $Records['Get-TeamsLicenseCount -Summary']; Type = 'UcLicenseTotal' },
                @{ Records = $TeamsDetail.UcDevice; Type = 'UcDevice' },
                @{ Records = $TeamsDetail.UcMeetingRoom; Type = 'UcMeetingRoom' }
            )
            foreach ($case in $cases) {
                @($case.Records).Count | Should -BeGreaterThan 0
                $expected = @(('LicenseAudit.{0}#TeamsOnly' -f $case.Type), ('LicenseAudit.' + $case.Type))
                foreach ($record in $case.Records) { @($record.PSObject.TypeNames)[0..1] | Should -Be $expected }
            }
            # The orphan service records of a Teams-only count keep the shared view: nothing to hide.
            @($TeamsDetail.UcOrphanService | Where-Object { $_.PSObject.TypeNames[0] -ne 'LicenseAudit.UcOrphanService' }).Count | Should -Be 0
        }

        It '-Summary shows the licences, rooms, phones and the accounts left out per reason, and no customer, hybrid, site or Cisco phone column' {
            $totals = @($Records['Get-TeamsLicenseCount -Summary'])
            $table = (Get-RenderedView -Records $totals -Width 80).Tables[0]
            @($table.Columns.Keys) | Should -Be @('Scope', 'Licenses', 'Rooms', 'Phones', 'Undecided', 'Guest', 'Resource', 'Disabled', 'Deleted')
            $estate = $totals | Where-Object Scope -eq 'Estate'
            $row = $table.Rows[[array]::IndexOf($totals, $estate)]
            # examples/uc/teams.json: one guest, one resource account, one disabled, one soft-deleted.
            foreach ($pair in @(@('Guest', 'Guest'), @('Resource', 'ResourceAccount'), @('Disabled', 'Disabled'), @('Deleted', 'SoftDeleted'))) {
                $count = [int](@($estate.Excluded | Where-Object { $_.Reason -eq $pair[1] }) | Measure-Object -Property Count -Sum).Sum
                $count | Should -Be 1
                Get-Cell -Table $table -Row $row -Label $pair[0] | Should -Be ([string]$count)
            }
            Get-Cell -Table $table -Row $row -Label 'Licenses' | Should -Be ([string]$estate.UserLicenses)
            Get-Cell -Table $table -Row $row -Label 'Phones' | Should -Be '1'
            Get-Cell -Table $table -Row $row -Label 'Rooms' | Should -Be '1'
        }

        It 'the accounts show why each one is left out (Excluded) whole in 80 columns, and what decided each (Why) where there is room' {
            $narrow = (Get-RenderedView -Records $TeamsAccounts -Width 80).Tables[0]
            @($narrow.Columns.Keys) | Should -Be @('Username', 'Licensed', 'Excluded', 'Why')
            $wide = (Get-RenderedView -Records $TeamsAccounts -Width 120).Tables[0]
            $excluded = @($TeamsAccounts | Where-Object Excluded)
            $excluded.Count | Should -Be 4
            foreach ($account in $excluded) {
                $i = [array]::IndexOf($TeamsAccounts, $account)
                Get-Cell -Table $narrow -Row $narrow.Rows[$i] -Label 'Excluded' | Should -BeExactly ([string]$account.Excluded)
                # The engine's reason, without the link rule: 'guest: AccountType=Guest'.
                Get-Cell -Table $wide -Row $wide.Rows[$i] -Label 'Why' | Should -BeExactly (@($account.Reasons)[0].Detail -replace ' \(linked by [^)]*\)$', '')
            }
            (Get-Cell -Table $wide -Row $wide.Rows[[array]::IndexOf($TeamsAccounts, ($excluded | Where-Object Excluded -eq 'Guest'))] -Label 'Why') | Should -BeExactly 'guest: AccountType=Guest'
        }
    }
}

Describe 'Lists as one line of text: items joined by "; " (README, "Lists as text")' {
    BeforeAll {
        $mocks = Get-MicrosoftShapeMock
        foreach ($name in $mocks.Keys) { Mock -ModuleName LicenseAudit $name $mocks[$name] }
        $script:Findings = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute `
                -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath (Join-Path $Examples 'teams/teams-prices.csv') -SummaryVariable summary -WarningAction SilentlyContinue)
        $script:Summary = $summary
    }

    It 'every Text column of the example records: the items joined by "; ", from the engine channel and from the script path alike' {
        $checked = 0
        $files = @(Get-ChildItem -Path (Join-Path $Examples 'records/*.ndjson')) + @(Get-Item -LiteralPath (Join-Path $Examples 'rightsizing/usage.ndjson'))
        $byScript = @(foreach ($file in $files) { Read-Records $file.FullName })
        $byChannel = @($Findings) + @($Summary) + @(Get-UcLicenseCount -EstatePath (Join-Path $Examples 'uc') -SummaryVariable totals -WarningAction SilentlyContinue) + @($totals)
        $shapes = & (Get-Module LicenseAudit) { $script:LicenseAuditRecordShapes }
        foreach ($record in @($byScript) + @($byChannel)) {
            $shape = $shapes[[string]$record.RecordType]
            foreach ($name in @($shape.Lists)) {
                $property = $record.PSObject.Properties[$name]
                if (-not $property -or $property.Value -isnot [array]) { continue }
                $items = @($property.Value | Where-Object { $null -ne $_ })
                $text = [string]$record.PSObject.Properties[$name + 'Text'].Value
                if (@($items | Where-Object { $_ -isnot [string] -and $_ -isnot [ValueType] }).Count -eq 0) {
                    $text | Should -BeExactly (($items | ForEach-Object { [System.Convert]::ToString($_, [System.Globalization.CultureInfo]::InvariantCulture) }) -join '; ') -Because "$($record.RecordType).$name"
                }
                elseif ($items.Count -gt 0) {
                    # An object item reads "Name=Value, Name=Value" (or as README spells reasons,
                    # findings and evidence), the items joined by "; " (an item's own text may
                    # hold one too).
                    $text | Should -Not -BeNullOrEmpty -Because "$($record.RecordType).$name"
                    @($text -split '; ').Count | Should -BeGreaterOrEqual $items.Count -Because "$($record.RecordType).$name = '$text'"
                    $text | Should -Not -Match '\}; |; @\{|System\.Object' -Because "$($record.RecordType).$name is text, not PowerShell's rendering of objects"
                }
                $checked++
            }
        }
        $checked | Should -BeGreaterThan 30
    }

    It 'a list in a table reads as its Text column: <Type>.<Column>' -ForEach @(
        @{ Type = 'TeamsAssignmentFinding'; Column = 'ReclaimablePlans' }
        @{ Type = 'TeamsAssignmentFinding'; Column = 'Plans' }
        @{ Type = 'TeamsAssignmentSummary'; Column = 'UnpricedPlans' }
    ) {
        $records = @(@($Findings) + @($Summary) | Where-Object { $_.RecordType -eq $Type })
        $table = (Get-RenderedView -Records $records -Width 250).Tables[0]
        for ($i = 0; $i -lt $records.Count; $i++) {
            Get-Cell -Table $table -Row $table.Rows[$i] -Label $Column | Should -BeExactly ([string]$records[$i].PSObject.Properties[$Column + 'Text'].Value)
        }
    }

    It 'docs/teams-assignments.md''s table of the example findings is what the cmdlet shows: grace''s plans joined by "; "' {
        $readme = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'docs/teams-assignments.md')
        $readme | Should -Match 'grace@contoso\.com +Waste +DisabledAccountPaidPlans +MCOEV; MCOMEETADV; TEAMS1 +MCOEV; MCOMEETADV; TEAMS1'
        $grace = @($Findings | Where-Object UserPrincipalName -eq 'grace@contoso.com')
        $table = (Get-RenderedView -Records $grace -Width 120).Tables[0]
        $table.Rows[0] | Should -Match '^grace@contoso\.com +Waste +DisabledAccountPaidPlans +MCOEV; MCOMEETADV; TEAMS1 +MCOEV; MCOMEETADV; TEAMS1\s*$'
    }

    It 'no view joins a list with anything but "; "' {
        $format = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'LicenseAudit.Format.ps1xml')
        $joins = @([regex]::Matches($format, "-join\s+('[^']*'|""[^""]*"")") | ForEach-Object { $_.Groups[1].Value })
        $joins.Count | Should -BeGreaterThan 5
        @($joins | Where-Object { $_ -ne "'; '" }) | Should -BeNullOrEmpty
    }
}
