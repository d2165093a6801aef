# Every comment-help .EXAMPLE of every exported cmdlet, and the PowerShell blocks of the guide's
# "PowerShell quick start", run as an admin would run them: the code is taken from Get-Help (so a
# new example is run the day it is written), in a folder of its own holding the files it names
# (from examples/), with the Lync, MicrosoftTeams, UserAccessLogging, CIM, Exchange and Active
# Directory cmdlets answering with objects shaped as Microsoft documents them
# (tests/MicrosoftShapes.ps1). Each run has $ErrorActionPreference = 'Stop' and an
# -ErrorVariable: it must end without an error record (only errors a command of the code was told
# to keep quiet, -ErrorAction SilentlyContinue or Ignore, may be in that variable); an example with
# -WhatIf must write nothing and grant or create nothing; and where the example's own description
# says what comes out, that is checked ($ExampleChecks below).
#
# An example that cannot run on this host is declared in $NotRunnable with the reason, and a test
# that its code still matches the reason (so the list cannot name examples that are gone or no
# longer need it).
#
# $env:LICENSEAUDIT_EXAMPLE_FILTER (a wildcard on the test name, e.g. 'Invoke-LicenseAudit*')
# runs some examples only, while writing one.

BeforeDiscovery {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $repoRoot 'LicenseAudit.psd1') -Force

    # Example name -> why it cannot run here, and a test on its code that holds while the reason
    # does.
    $NotRunnable = [ordered]@{
        'Get-LyncCalUsage example 1'    = @{
            Reason  = 'Windows integrated authentication to SQL Server (no -Credential): SSPI exists only on Windows, and the engine refuses --auth integrated elsewhere'
            Applies = { param($Code) $Code -notmatch '-Credential\b' }
        }
        'Get-LyncCalUsage example 2'    = @{
            Reason  = 'a monitoring store reached by name and instance (sqlmon01\LYNCMON: DNS, SQL Browser, TLS); the TDS test server answers only by address and without TLS (Get-LyncCalUsage against it: LyncUsage.Tests.ps1)'
            Applies = { param($Code) $Code -match "-SqlServer\s+'sqlmon01\\LYNCMON'" -and $Code -notmatch '-DisableEncryption' }
        }
        'Get-LyncCalUsage example 3'    = @{
            Reason  = 'Windows integrated authentication to SQL Server (no -Credential): SSPI exists only on Windows'
            Applies = { param($Code) $Code -notmatch '-Credential\b' }
        }
        'Invoke-LicenseAudit example 3' = @{
            Reason  = 'usage (for right-sizing) from the monitoring store the topology names (sqlmon01\LYNCMON: DNS, SQL Browser, TLS); the TDS test server answers only by address and without TLS'
            Applies = { param($Code) $Code -match 'RightSizing' -and $Code -notmatch '-SqlServer\b' -and $Code -notmatch '-DisableEncryption' }
        }
    }

    # What each example's description says comes out, checked after it ran, in its folder. A
    # Check gets $Run: Output (what the code wrote to the pipeline), Folder, Code, Variables (those
    # named in Variables, after the run), Warnings, WhatIf (the "What if:" lines) and Failure (the
    # terminating error, where Throws expects one). Files: file or folder to create -> its source
    # in the repository. Setup runs in the folder before the example. Given: variables the example
    # expects its reader to have set. Environment: environment variables it expects.
    $ExampleChecks = @{
        'Export-CalEvidenceTemplate example 1'  = @{
            Check = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'exchange-evidence.csv')
                $rows.Count | Should -Be 1
                $rows[0].PSObject.Properties.Name | Should -Contain 'AccessingUser'
                $rows[0].ComputerID | Should -Not -BeNullOrEmpty
            }
        }
        'Export-CalEvidenceTemplate example 2'  = @{
            Check = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'exchange-evidence.csv')
                $rows.Count | Should -Be @(Get-ShapeMailbox).Count
                # "The same columns" as the template.
                Export-CalEvidenceTemplate -Path 'template.csv'
                $template = @((Get-Content -LiteralPath 'template.csv' -TotalCount 1) -split ',' | ForEach-Object { $_.Trim('"') })
                foreach ($column in $rows[0].PSObject.Properties.Name) { $template | Should -Contain $column }
                $rows[0].AccessingUser | Should -BeLike 'CONTOSO/*'
                $rows[0].AccessDate | Should -Match '^\d{8}$'
                $rows[0].AccessDate.Substring(0, 4) | Should -Be ([datetime]::Now.Year.ToString([cultureinfo]::InvariantCulture))
            }
        }
        'Export-LicenseAuditReport example 1'   = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 1
                $Run.Output[0].FullName | Should -Be (Join-Path $Run.Folder 'audit.xlsx')
                $sheets = Get-WorkbookSheetName 'audit.xlsx'
                $sheets | Should -Contain 'User Details'
                $sheets | Should -Contain 'Device Details'
            }
        }
        'Export-LicenseAuditReport example 2'   = @{
            Files = [ordered]@{
                'cal.ndjson' = 'examples/records/lync-entitlement.ndjson'; 'usage.ndjson' = 'examples/rightsizing/usage.ndjson'
                'rightsizing.ndjson' = 'examples/records/lync-rightsize.ndjson'; 'ual.ndjson' = 'examples/records/ual-compliance.ndjson'
                'pools.xml' = 'examples/contoso/pools.xml'
            }
            Check = {
                param($Run)
                $sheets = Get-WorkbookSheetName 'audit.xlsx'
                foreach ($sheet in 'User Details', 'Right-sizing', 'Server CALs', 'Server Details') { $sheets | Should -Contain $sheet }
            }
        }
        'Export-LicenseAuditReport example 3'   = @{
            Files = [ordered]@{ 'records' = 'examples/records' }
            Check = {
                param($Run)
                Test-Path -LiteralPath 'audit [final].xlsx' | Should -BeTrue
                $sheets = @(Get-WorkbookSheetName 'audit [final].xlsx')
                $Run.Output.Count | Should -Be $sheets.Count
                foreach ($sheet in $Run.Output) { $sheets | Should -Contain $sheet.Sheet }
                ($Run.Output | Where-Object Sheet -eq 'Policies').Rows | Should -BeGreaterThan 0
                # -NoClobber: the same command again refuses to replace the workbook.
                { Invoke-Command -NoNewScope -ScriptBlock ([scriptblock]::Create($Run.Code)) -ErrorAction Stop } | Should -Throw -ErrorId 'LicenseAudit.FileExists*'
            }
        }
        'Export-LicenseAuditReport example 4'   = @{ Files = [ordered]@{ 'cal.ndjson' = 'examples/records/lync-entitlement.ndjson' } }
        'Export-LicenseAuditSnapshot example 1' = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 1
                $Run.Output[0].Complete | Should -BeTrue
                foreach ($file in 'users.json', 'conferencing-policies.json', 'pools.json', 'snapshot-manifest.json') {
                    Join-Path $Run.Output[0].Path $file | Should -Exist
                }
                # One user per line, the policies by name (the snap-in's FriendlyName).
                $users = @(Get-Content -LiteralPath (Join-Path $Run.Output[0].Path 'users.json') | Where-Object { $_.Trim() } | ForEach-Object { ConvertFrom-Json -InputObject $_ })
                $users.Count | Should -Be 12
                ($users | Where-Object SipAddress -eq 'sip:alice@contoso.com').ConferencingPolicy | Should -Be 'ENT_CAL_REC_Audio'
            }
        }
        'Export-LicenseAuditSnapshot example 2' = @{
            Files = [ordered]@{ 'snapshot/users.json' = 'examples/contoso/users.json'; 'snapshot/conferencing-policies.json' = 'examples/contoso/conferencing-policies.json' }
            Check = {
                param($Run)
                $Run.Output[0].Format | Should -Be 'Clixml'
                'snapshot/users.xml' | Should -Exist
                'snapshot/users.json' | Should -Not -Exist
                $users = @(Import-Clixml -LiteralPath 'snapshot/users.xml')
                $users.Count | Should -Be 12
                ($users | Where-Object SipAddress -eq 'sip:alice@contoso.com').ConferencingPolicy | Should -Be 'ENT_CAL_REC_Audio'
            }
        }
        'Get-LicenseAuditHistory example 1'     = @{
            Setup = { New-ExampleHistory -Path 'LicenseAudit/history' -Entitlement }
            Check = {
                param($Run)
                $Run.Output.Count | Should -BeGreaterThan 0
                @($Run.Output | Where-Object { -not $_.Alert }).Count | Should -Be 0
                ($Run.Output | Where-Object Metric -eq 'LyncUserCal.Enterprise').Value | Should -Be 9
            }
        }
        'Get-LicenseAuditHistory example 2'     = @{
            Setup = { New-ExampleHistory -Path 'history' -Entitlement -RightSizing }
            Check = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'trend.csv')
                $rows.Count | Should -BeGreaterThan 0
                @($rows | Where-Object Command -ne 'lync rightsize').Count | Should -Be 0
                # -All: the totals that did not move are there too.
                @($rows | Where-Object Alert -eq 'False').Count | Should -BeGreaterThan 0
            }
        }
        'Get-LicenseAuditHistory example 3'     = @{
            Setup = { New-ExampleHistory -Path 'history' -Entitlement }
            Check = {
                param($Run)
                Get-WorkbookSheetName 'trend.xlsx' | Should -Contain 'History'
            }
        }
        'Get-LicenseAuditInputInfo example 1'   = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 1
                $Run.Output[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.InputInspection'
                $Run.Output[0].Records | Should -Be 12
                $Run.Output[0].BadRecords | Should -Be 0
                @($Run.Output[0].Properties.Name) | Should -Contain 'ConferencingPolicy'
            }
        }
        'Get-LicenseAuditInputInfo example 2'   = @{
            Files = [ordered]@{ 'exports/users-october.json' = 'examples/contoso/users.json'; 'exports/users-november.json' = 'examples/history/users-november.json' }
            Setup = { New-BrokenExport -Path 'exports/users-broken.json' }
            Check = {
                param($Run)
                @($Run.Output).Count | Should -Be 1
                $Run.Output[0].File | Should -BeLike '*users-broken.json'
                $Run.Output[0].Problems[0].Record | Should -Be 2
            }
        }
        'Get-LicenseAuditInputInfo example 3'   = @{
            Files = [ordered]@{ 'exports/users-october.json' = 'examples/contoso/users.json'; 'exports/users-november.json' = 'examples/history/users-november.json'; 'exports/pools.xml' = 'examples/contoso/pools.xml' }
            Check = {
                param($Run)
                @($Run.Output | ForEach-Object { [System.IO.Path]::GetFileName($_.File) } | Sort-Object) | Should -Be @('users-november.json', 'users-october.json')
            }
        }
        'Get-LicenseAuditInputInfo example 4'   = @{
            Files = [ordered]@{ 'policies.json' = 'examples/contoso/conferencing-policies.json' }
            Check = {
                param($Run)
                @($Run.Output).Count | Should -Be 1
                $Run.Output[0].ReadAs | Should -Be 'lync-conferencing-policies'
                $Run.Output[0].Refused | Should -Be 0
                $Run.Output[0].Verdict | Should -BeLike '*all 9 records will read in lync entitlement --conferencing-policies'
            }
        }
        'Get-LicenseAuditSchema example 1'      = @{
            Check = {
                param($Run)
                $names = @($Run.Output | ForEach-Object { $_.Name })
                foreach ($name in 'LyncUserCal', 'InputInspection', 'CalCompliance', 'TeamsAssignmentFinding') { $names | Should -Contain $name }
            }
        }
        'Get-LicenseAuditSchema example 2'      = @{
            Check = {
                param($Run)
                $schema = Get-Content -Raw -LiteralPath 'InputInspection.schema.json' | ConvertFrom-Json
                $schema.properties.PSObject.Properties.Name | Should -Contain 'BadRecords'
            }
        }
        'Get-LyncCalPolicyPlan example 1'       = @{
            Files = [ordered]@{ 'licensed.csv' = 'examples/contoso/licensed.csv' }
            Check = {
                param($Run)
                $plan = @(Get-LyncCalPolicyPlan -LicensedPath 'licensed.csv' -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' })
                $grants = @($plan | Where-Object Action -eq 'Grant')
                $grants.Count | Should -BeGreaterThan 0
                @($Run.WhatIf | Where-Object { $_ -like '*Grant-CsConferencingPolicy*' }).Count | Should -Be $grants.Count
            }
        }
        'Get-LyncCalPolicyPlan example 2'       = @{
            Check = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'plan.csv')
                $rows.Count | Should -BeGreaterThan 0
                @($rows | Where-Object { $_.Action -eq 'Grant' -and $_.GrantPolicyName -ne 'STD_CAL_NoConferencing' }).Count | Should -Be 0
                # The CSV reads back into Set-LyncCalPolicyAssignment.
                Import-Csv -LiteralPath 'plan.csv' | Set-LyncCalPolicyAssignment -WhatIf -ErrorAction Stop
                Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly -Scope It
            }
        }
        'Get-LyncCalRequirement example 5'      = @{
            Check = {
                param($Run)
                @($Run.Output | ForEach-Object Tier) | Should -Be @('Standard', 'Enterprise', 'Plus')
                $Run.Output[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalPosition'
                @($Run.Output | Where-Object { $_.Owned -ne @{ Standard = 1200; Enterprise = 400; Plus = 150 }[$_.Tier] }).Count | Should -Be 0
                @($Run.Output | Where-Object { $_.Shortfall -ne [math]::Max(0, $_.Required - $_.Owned) }).Count | Should -Be 0
            }
        }
        'Get-LyncCalRequirement example 6'      = @{
            Files = [ordered]@{ 'owned-cals.csv' = 'examples/contoso/owned-cals.csv' }
            Check = {
                param($Run)
                ($Run.Output | Out-String) | Should -BeLike '*Tier*Standard*Owned*'
                ($Run.Output | Out-String) | Should -BeLike '*Enterprise*Plus*'
            }
        }
        'Get-LyncCalRequirement example 1'      = @{
            Variables = 'summary'
            Check     = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'cal-requirement.csv')
                @($rows | Where-Object Kind -eq 'User').Count | Should -Be 12
                @($rows | Where-Object Kind -ne 'User').Count | Should -BeGreaterThan 0
                @($rows | Where-Object { -not $_.ReasonsText }).Count | Should -Be 0
                $Run.Variables.summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalSummary'
                $Run.Variables.summary.Total | Should -Be $rows.Count
            }
        }
        'Get-LyncCalRequirement example 2'      = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -BeGreaterThan 0
                @($Run.Output | Where-Object { -not $_.Enterprise }).Count | Should -Be 0
                Should -Invoke -ModuleName LicenseAudit Get-CsUser -Scope It -ParameterFilter { $OU -eq 'OU=Lync Users,DC=contoso,DC=com' }
            }
        }
        'Get-LyncCalRequirement example 3'      = @{
            Check = {
                param($Run)
                @($Run.Output.SipAddress) | Should -Be @('sip:alice@contoso.com', 'sip:bob@contoso.com')
                ($Run.Output | Where-Object SipAddress -eq 'sip:alice@contoso.com').Enterprise | Should -BeTrue
                $Run.Output[0].ReasonsText | Should -Not -BeNullOrEmpty
            }
        }
        'Get-LyncCalRequirement example 4'      = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 1
                $Run.Output[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalSummary'
                $Run.Output[0].Rules | Should -Be 'strict'
            }
        }
        'Get-LyncCalRightSizing example 1'      = @{
            Files     = [ordered]@{
                'cal.ndjson' = 'examples/records/lync-entitlement.ndjson'; 'usage.ndjson' = 'examples/rightsizing/usage.ndjson'
                'licensed.csv' = 'examples/rightsizing/licensed.csv'; 'prices.csv' = 'examples/rightsizing/prices.csv'
            }
            Variables = 'summary'
            Check     = {
                param($Run)
                @(Import-Csv -LiteralPath 'rightsizing.csv').Count | Should -Be 12
                $Run.Variables.summary.YearlySaving | Should -Be 330
                $Run.Variables.summary.YearlyExposure | Should -Be 145
            }
        }
        'Get-LyncCalRightSizing example 2'      = @{
            Files = [ordered]@{ 'usage.ndjson' = 'examples/rightsizing/usage.ndjson'; 'licensed.csv' = 'examples/rightsizing/licensed.csv' }
            Check = {
                param($Run)
                # README, "Right-sizing": carol, heidi, ivan (inactive) and zoe downgrade.
                @($Run.Output.SipAddress | Sort-Object) | Should -Be @('sip:carol@contoso.com', 'sip:heidi@contoso.com', 'sip:ivan@contoso.com', 'sip:zoe@contoso.com')
            }
        }
        'Get-LyncCalRightSizing example 3'      = @{
            Files = [ordered]@{ 'cal.ndjson' = 'examples/records/lync-entitlement.ndjson'; 'usage.ndjson' = 'examples/rightsizing/usage.ndjson' }
            Check = {
                param($Run)
                @($Run.WhatIf | Where-Object { $_ -like '*Grant-CsConferencingPolicy*' }).Count | Should -BeGreaterThan 0
            }
        }
        'Get-LyncCalRightSizing example 4'      = @{
            Files = [ordered]@{ 'cal.ndjson' = 'examples/records/lync-entitlement.ndjson'; 'usage.ndjson' = 'examples/rightsizing/usage.ndjson' }
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 1
                $Run.Output[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalRightSizingSummary'
                @(Get-ChildItem -LiteralPath 'LicenseAudit/history' -Filter 'lync-rightsize-*.json').Count | Should -Be 1
            }
        }
        'Get-ServerCalCompliance example 1'     = @{
            Files = [ordered]@{ 'licences.csv' = 'examples/ual/licenses.csv' }
            Given = @{ servers = @('FS01.contoso.com', 'FS02.contoso.com', 'SQL01.contoso.com', 'SQL02.contoso.com', 'EXCH01.contoso.com') }
            Check = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'position.csv')
                $rows.Count | Should -BeGreaterThan 0
                foreach ($column in 'Product', 'CalType', 'Version') { $rows[0].PSObject.Properties.Name | Should -Contain $column }
            }
        }
        'Get-ServerCalCompliance example 2'     = @{
            Files  = [ordered]@{
                'ual-user-access.json' = 'examples/ual/ual-user-access.json'; 'ual-device-access.json' = 'examples/ual/ual-device-access.json'
                'flexnet.csv' = 'examples/ual/flexnet-evidence.csv'; 'systems.json' = 'examples/ual/ual-system-id.json'; 'licences.csv' = 'examples/ual/licenses.csv'
            }
            # The example estate is short of CALs: the step fails, as its description says it does.
            Throws = 'LicenseAudit.ComplianceShortfall*'
            Check  = {
                param($Run)
                $Run.Failure.Exception.Message | Should -BeLike '*CAL(s) short*'
            }
        }
        'Get-ServerCalCompliance example 3'     = @{
            Files     = [ordered]@{ 'ual.json' = 'examples/ual/ual-user-access.json'; 'licences.csv' = 'examples/ual/licenses.csv' }
            Variables = 'detail'
            Check     = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'consumption.csv')
                $rows.Count | Should -BeGreaterThan 0
                $rows.Count | Should -Be @($Run.Variables.detail.CalConsumption).Count
                $rows[0].ServersText | Should -Not -BeNullOrEmpty
            }
        }
        'Get-TeamsLicenseCount example 1'       = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -BeGreaterThan 0
                # The totals, in their Teams-only view (no customer or Cisco columns).
                @($Run.Output | ForEach-Object { Get-TypeName $_ } | Sort-Object -Unique) | Should -Be @('LicenseAudit.UcLicenseTotal#TeamsOnly')
            }
        }
        'Get-TeamsLicenseCount example 2'       = @{
            Variables = 'totals'
            Check     = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'teams-licences.csv')
                $rows.Count | Should -Be @(Get-ShapeCsOnlineUser | Where-Object EnterpriseVoiceEnabled).Count
                @($rows | Where-Object { -not $_.ReasonsText }).Count | Should -Be 0
                @($Run.Variables.totals).Count | Should -BeGreaterThan 0
            }
        }
        'Get-TeamsLicenseCount example 3'       = @{
            Variables = 'detail'
            Check     = {
                param($Run)
                @($Run.Output | Where-Object { $_ -is [Microsoft.PowerShell.Commands.GenericMeasureInfo] }).Count | Should -Be 1
                @($Run.Variables.detail.UcMeetingRoom).Count | Should -BeGreaterThan 0
            }
        }
        'Get-TeamsLicenseCount example 4'       = @{
            Environment = @{ UC_AUDIT_KEY = 'example-estate-key-0123456789abcdef' }
            Check       = {
                param($Run)
                $first = Get-Content -Raw -LiteralPath 'anonymous.csv'
                $first | Should -Not -BeNullOrEmpty
                $first | Should -Not -Match '@contoso\.com'
                # Next month's run under the same key matches this one: the same pseudonyms.
                Invoke-Command -NoNewScope -ScriptBlock ([scriptblock]::Create($Run.Code)) -ErrorAction Stop
                Get-Content -Raw -LiteralPath 'anonymous.csv' | Should -Be $first
            }
        }
        'Get-UalCalEvidence example 1'          = @{
            Files = [ordered]@{ 'licences.csv' = 'examples/ual/licenses.csv' }
            Check = {
                param($Run)
                $Run.Output.Count | Should -BeGreaterThan 0
                @($Run.Output | ForEach-Object { Get-TypeName $_ } | Sort-Object -Unique) | Should -Be @('LicenseAudit.CalCompliance')
                Should -Invoke -ModuleName LicenseAudit New-CimSession -Scope It -ParameterFilter { @($ComputerName).Count -eq @(Get-ShapeADComputer).Count }
            }
        }
        'Get-UalCalEvidence example 2'          = @{
            Check = {
                param($Run)
                $evidence = @(Import-Clixml -LiteralPath 'ual-evidence.xml')
                @($evidence.PSComputerName | Sort-Object -Unique) | Should -Be @('FS01', 'SQL01')
                @($evidence | Where-Object { $_.PSObject.Properties['SystemDNSHostName'] }).Count | Should -Be 2
                @($evidence | Where-Object { $_.PSObject.Properties['UserName'] }).Count | Should -BeGreaterThan 0
                Should -Invoke -ModuleName LicenseAudit New-CimSession -Scope It -ParameterFilter { $null -ne $Credential }
            }
        }
        'Get-UcLicenseCount example 1'          = @{
            Files = [ordered]@{ 'exports' = 'examples/uc' }
            Check = {
                param($Run)
                $totals = @(Get-UcLicenseCount -EstatePath 'exports' -Summary)
                @($totals.Scope) | Should -Contain 'Customer'
                @($totals.Scope) | Should -Contain 'Estate'
                @($Run.Output | Where-Object { $_.GetType().Name -eq 'FormatEntryData' }).Count | Should -Be $totals.Count
            }
        }
        'Get-UcLicenseCount example 2'          = @{
            Files = [ordered]@{ 'users.csv' = 'examples/uc/users.csv'; 'teams.json' = 'examples/uc/teams.json' }
            Setup = { New-TwoCucmClusters }
            Check = {
                param($Run)
                # bob has twelve phones on cluster A alone; alice one there and ten on B.
                @($Run.Output.Username | Sort-Object) | Should -Be @('alice', 'bob')
            }
        }
        'Get-UcLicenseCount example 3'          = @{
            Files = [ordered]@{ 'exports' = 'examples/uc' }
            Check = {
                param($Run)
                $text = Get-Content -Raw -LiteralPath 'anonymous-audit.csv'
                $text | Should -Not -BeNullOrEmpty
                foreach ($name in 'Northwind Voice', 'Blue Yonder Partners', 'Contoso', 'Redmond') { $text | Should -Not -Match ([regex]::Escape($name)) }
            }
        }
        'Get-UcLicenseCount example 4'          = @{
            Files     = [ordered]@{ 'exports' = 'examples/uc' }
            Variables = 'totals', 'detail'
            Check     = {
                param($Run)
                @(Import-Csv -LiteralPath 'users.csv').Count | Should -Be @(Import-Csv -LiteralPath 'exports/users.csv').Count
                @($Run.Variables.totals).Count | Should -BeGreaterThan 0
                @($Run.Variables.detail.UcOrphanService).Count | Should -BeGreaterThan 0
            }
        }
        'Invoke-LicenseAudit example 1'         = @{
            Check = {
                param($Run)
                $summary = $Run.Output[-1]
                $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.RunSummary'
                $summary.Succeeded | Should -BeTrue
                $summary.Total | Should -BeGreaterThan 0
                $summary.ReportPath | Should -Exist
                Assert-TestWorkbookValid $summary.ReportPath
                $summary.ReportPath | Should -BeLike ((Join-Path $Run.Folder 'LicenseAudit') + '*')
                @(Get-ChildItem -LiteralPath 'LicenseAudit/history').Count | Should -Be 2
            }
        }
        'Invoke-LicenseAudit example 2'         = @{
            Setup = { $null = Export-LicenseAuditSnapshot -Path 'licenseaudit/inbox/snapshot-2026-11' }
            Check = {
                param($Run)
                $summary = $Run.Output[-1]
                $summary.Source | Should -Be 'Snapshot'
                $summary.Succeeded | Should -BeTrue
                $summary.SnapshotCreated | Should -BeOfType [datetime]
                $summary.ReportPath | Should -Exist
                Assert-TestWorkbookValid $summary.ReportPath
            }
        }
        'Invoke-LicenseAudit example 4'         = @{
            Files = [ordered]@{ 'LicenseAudit/teams-prices.csv' = 'examples/teams/teams-prices.csv' }
            Given = @{ thumbprint = '3F2A9C0B7D1E4F5A6B7C8D9E0F1A2B3C4D5E6F70'; appId = 'b8f2c1d4-0000-4000-8000-00000000a11d'; tenantId = 'contoso.onmicrosoft.com' }
            Check = {
                param($Run)
                $summary = $Run.Output[-1]
                $summary.Succeeded | Should -BeTrue
                # Read live from the tenant's stand-ins, the answer the engine gives on the example
                # tenant's exports of the same kinds.
                $kinds = @(Get-ChildItem -LiteralPath (Join-Path $summary.OutputPath 'estate') -Filter 'teams*' | ForEach-Object { [System.IO.Path]::GetFileNameWithoutExtension($_.Name) })
                $expected = Get-TeamsExpected -Name $kinds -PricePath 'LicenseAudit/teams-prices.csv'
                $summary.TeamsFindings | Should -Be $expected.Summary.Findings
                $summary.TeamsMonthlyWaste | Should -Be $expected.Summary.MonthlyWaste
                $summary.TeamsMonthlyWaste | Should -BeGreaterThan 0
                $summary.TeamsUserLicenses | Should -BeGreaterThan 0
                Should -Invoke Connect-MicrosoftTeams -Times 1 -Exactly -Scope It -ParameterFilter { $TenantId -eq 'contoso.onmicrosoft.com' }
            }
        }
        'Invoke-LicenseAudit example 5'         = @{
            Files = [ordered]@{ 'ual' = 'examples/ual' }
            Check = {
                param($Run)
                $summary = $Run.Output[-1]
                $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.RunSummary'
                $records = Get-Content -LiteralPath (Join-Path $summary.OutputPath 'ual-compliance.ndjson')
                $position = @($records | Where-Object { $_.StartsWith('{"RecordType":"CalCompliance"') } | ConvertFrom-Json)
                # The same position as Get-ServerCalCompliance with the same evidence and options.
                $same = @(Get-ServerCalCompliance -EvidencePath 'ual/*-access.json' -LicensePath 'ual/licenses.csv' -AdminAccount 'CONTOSO\bob' -AzureServer FS01.contoso.com 3>$null)
                $summary.ServerCalShortfall | Should -Be (($same | Measure-Object -Property Shortfall -Sum).Sum)
                @($position | Where-Object { $_.Assumption -like '*contoso\bob is exempt*' }).Count | Should -BeGreaterThan 0
            }
        }
        'Invoke-LicenseAudit example 6'         = @{
            Setup = { $null = Export-LicenseAuditSnapshot -Path 'snapshot' }
            Check = {
                param($Run)
                $summary = $Run.Output[-1]
                $summary.Succeeded | Should -BeTrue
                # The agreement's counts against the configured requirement, per tier.
                foreach ($tier in 'Standard', 'Enterprise', 'Plus') {
                    $owned = @{ Standard = 1200; Enterprise = 400; Plus = 150 }[$tier]
                    $summary.('Lync{0}Shortfall' -f $tier) | Should -Be ([math]::Max(0, $summary.$tier - $owned))
                }
                $summary.LyncCalShortfall | Should -Be 0
                Assert-TestWorkbookValid $summary.ReportPath
            }
        }
        'New-LyncCalPolicyTemplate example 1'   = @{
            Check = {
                param($Run)
                # The five: each shown, or (the example estate has them all) reported as existing.
                $shown = @($Run.WhatIf | Where-Object { $_ -like '*New-CsConferencingPolicy*' }).Count
                $existing = @($Run.Warnings | Where-Object { $_ -like '*already exists*' }).Count
                $shown + $existing | Should -Be 5
            }
        }
        'New-LyncCalPolicyTemplate example 2'   = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 5
                @($Run.Output | Where-Object { $_.Name -notlike 'Contoso_*' -or -not $_.Command -or -not $_.ImpliedCal }).Count | Should -Be 0
            }
        }
        'Set-LyncCalPolicyAssignment example 1' = @{
            Check = {
                param($Run)
                $grants = @(Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing' } | Where-Object Action -eq 'Grant')
                $grants.Count | Should -BeGreaterThan 0
                @($Run.WhatIf | Where-Object { $_ -like '*Grant-CsConferencingPolicy*' }).Count | Should -Be $grants.Count
            }
        }
        'Set-LyncCalPolicyAssignment example 2' = @{
            Setup = { Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'STD_CAL_NoConferencing' } | Export-Csv approved-plan.csv -NoTypeInformation }
            Check = {
                param($Run)
                $plan = @(Import-Csv -LiteralPath 'approved-plan.csv')
                $applied = @(Import-Csv -LiteralPath 'applied.csv')
                $applied.Count | Should -Be $plan.Count
                # Every plan column but RecordType (-PassThru's records are what was done, not a plan).
                foreach ($column in @($plan[0].PSObject.Properties.Name | Where-Object { $_ -ne 'RecordType' })) { $applied[0].PSObject.Properties.Name | Should -Contain $column }
                @($applied | Where-Object { $_.Action -eq 'Grant' -and $_.Applied -ne 'True' }).Count | Should -Be 0
                $grants = @($plan | Where-Object Action -eq 'Grant').Count
                $grants | Should -BeGreaterThan 0
                Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times $grants -Exactly -Scope It
            }
        }
        'Set-LyncCalPolicyAssignment example 3' = @{
            Check = {
                param($Run)
                Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -Scope It -ParameterFilter { $Identity -eq 'sip:carol@contoso.com' -and $PolicyName -eq 'STD_CAL_NoConferencing' }
            }
        }
        'Test-LyncConferencingPolicy example 1' = @{
            Check = {
                param($Run)
                $Run.Output.Count | Should -BeGreaterThan 0
                @($Run.Output | Where-Object { @($_.Findings.Severity) -notcontains 'Error' }).Count | Should -Be 0
                @($Run.Output | Where-Object { $null -eq $_.AssignedUsers }).Count | Should -Be 0
            }
        }
        'Test-LyncConferencingPolicy example 2' = @{
            Check = {
                param($Run)
                # One policy checked: its audit, whose findings the example lists.
                $audit = @(Get-CsConferencingPolicy -Identity Tag:STD_CAL_NoConferencing | Test-LyncConferencingPolicy)
                @($audit.Identity) | Should -Be @('Tag:STD_CAL_NoConferencing')
                $Run.Output.Count | Should -Be @($audit[0].Findings).Count
                @($Run.Output | Where-Object { -not $_.Severity -or -not $_.Message }).Count | Should -Be 0
            }
        }
        'Test-TeamsLicenseAssignment example 1' = @{
            Files     = [ordered]@{ 'teams-prices.csv' = 'examples/teams/teams-prices.csv' }
            Variables = 'summary'
            Check     = {
                param($Run)
                # Every input read live: the engine's answer on the example tenant's exports.
                $expected = Get-TeamsExpected -Name $TeamsExports -PricePath 'teams-prices.csv'
                @($Run.Output | ForEach-Object { '{0} {1}' -f $_.UserPrincipalName, $_.Code }) | Should -Be @($expected.Findings | ForEach-Object { '{0} {1}' -f $_.UserPrincipalName, $_.Code })
                $Run.Variables.summary.MonthlyWaste | Should -Be $expected.Summary.MonthlyWaste
                $Run.Variables.summary.MonthlyWaste | Should -BeGreaterThan 0
            }
        }
        'Test-TeamsLicenseAssignment example 2' = @{
            Check = {
                param($Run)
                $rows = @(Import-Csv -LiteralPath 'teams-waste.csv')
                $expected = Get-TeamsExpected -Name 'teams', 'teams-phone-numbers', 'teams-resource-accounts'
                $rows.Count | Should -Be @($expected.Findings | Where-Object Severity -eq 'Waste').Count
                $rows.Count | Should -BeGreaterThan 0
                @($rows | Where-Object Severity -ne 'Waste').Count | Should -Be 0
                @($rows | Where-Object { -not $_.PlansText -or -not $_.EvidenceText }).Count | Should -Be 0
            }
        }
        'Test-TeamsLicenseAssignment example 3' = @{
            Files = [ordered]@{ 'teams.json' = 'examples/teams/teams.json'; 'teams-phone-numbers.json' = 'examples/teams/teams-phone-numbers.json'; 'teams-prices.csv' = 'examples/teams/teams-prices.csv' }
            Check = {
                param($Run)
                $Run.Output.Count | Should -Be 1
                $Run.Output[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.TeamsAssignmentSummary'
                $expected = Get-TeamsExpected -Name 'teams', 'teams-phone-numbers' -PricePath 'teams-prices.csv'
                $Run.Output[0].Findings | Should -Be $expected.Summary.Findings
                $Run.Output[0].MonthlyWaste | Should -Be $expected.Summary.MonthlyWaste
                $Run.Output[0].MonthlyWaste | Should -BeGreaterThan 0
            }
        }
        'Test-TeamsLicenseAssignment example 5' = @{
            Files     = [ordered]@{ 'teams-prices.csv' = 'examples/teams/teams-prices.csv' }
            Variables = 'summary'
            Check     = {
                param($Run)
                # Everything read live, with the licence data from Microsoft Graph: the engine's
                # answer on the example tenant's exports and examples/m365. Only the plans bought
                # separately are a saving; Teams Phone inside E5 is valued apart.
                $expected = Get-TeamsExpected -Name $TeamsExports -PricePath 'teams-prices.csv' -Licensed
                $summary = $Run.Variables.summary
                @($Run.Output).Count | Should -BeGreaterThan 0
                $summary.WasteBasis | Should -Be 'Saving'
                $summary.MonthlyWaste | Should -Be $expected.Summary.MonthlyWaste
                $summary.MonthlyValueInSuites | Should -Be $expected.Summary.MonthlyValueInSuites
                $summary.MonthlyValueUnknown | Should -Be $expected.Summary.MonthlyValueUnknown
                $summary.MonthlyValueInSuites | Should -BeGreaterThan 0
                $summary.WasteNote | Should -BeLike 'a saving*'
            }
        }
        'Test-TeamsLicenseAssignment example 4' = @{
            Setup = {
                Get-ShapeCsOnlineUser | Export-Clixml teams-users.xml
                Get-ShapeCsOnlineApplicationInstance | Export-Clixml teams-resource-accounts.xml
            }
            Check = {
                param($Run)
                $Run.Output.Count | Should -BeGreaterThan 0
                @($Run.Output | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique) | Should -Be @('GroupInfo')
                @($Run.Output.Count | Sort-Object -Descending) | Should -Be @($Run.Output.Count)
                $expected = Get-TeamsExpected -Name 'teams', 'teams-resource-accounts'
                ($Run.Output | Measure-Object -Property Count -Sum).Sum | Should -Be @($expected.Findings).Count
                ($Run.Output | Where-Object Name -eq 'ResourceAccountUserPhoneLicense').Count | Should -Be 1
            }
        }
    }

    $helpExamples = @(foreach ($command in @(Get-Command -Module LicenseAudit | Sort-Object Name)) {
            $number = 0
            foreach ($example in @((Get-Help -Name $command.Name -Full).examples.example)) {
                if ($null -eq $example) { continue }
                $number++
                $code = (@($example.code) -join "`n").Trim()
                $name = '{0} example {1}' -f $command.Name, $number
                $check = $ExampleChecks[$name]
                if (-not $check) { $check = @{} }
                @{ Name = $name; Code = $code; Spec = $check }
            }
        })
    $RunnableExamples = @($helpExamples | Where-Object { -not $NotRunnable.Contains($_.Name) })
    if ($env:LICENSEAUDIT_EXAMPLE_FILTER) { $RunnableExamples = @($RunnableExamples | Where-Object { $_.Name -like $env:LICENSEAUDIT_EXAMPLE_FILTER }) }
    $DeclaredExamples = @(foreach ($name in $NotRunnable.Keys) {
            $example = @($helpExamples | Where-Object { $_.Name -eq $name }) | Select-Object -First 1
            $code = $null
            if ($example) { $code = $example.Code }
            @{ Name = $name; Reason = $NotRunnable[$name].Reason; Applies = $NotRunnable[$name].Applies; Code = $code }
        })
    $UnknownChecks = @(@{ Names = @($ExampleChecks.Keys | Where-Object { $name = $_; @($helpExamples | Where-Object { $_.Name -eq $name }).Count -ne 1 } | Sort-Object) })

    # The guide's quick start (moved from README.md, issue #25): the ```powershell blocks of
    # docs/cmdlets.md "## PowerShell quick start" (block 1) and of docs/teams-assignments.md
    # "## The cmdlet: `Test-TeamsLicenseAssignment`" (block 2), each up to the next "## " heading.
    # Block 1 starts with Import-Module ./LicenseAudit.psd1 "from a checkout": it runs in a folder
    # holding one (the manifest's FileList), and the module is imported from there first, so that
    # line finds it loaded.
    $checkout = [ordered]@{}
    foreach ($file in (Import-PowerShellDataFile -LiteralPath (Join-Path $repoRoot 'LicenseAudit.psd1')).FileList) { $checkout[$file] = $file }
    $quickStart = [ordered]@{ 'licensed.csv' = 'examples/contoso/licensed.csv' }
    foreach ($file in $checkout.Keys) { $quickStart[$file] = $checkout[$file] }
    $ReadmeChecks = @{
        'quick start block 1 (docs/cmdlets.md)' = @{
            Files     = $quickStart
            Setup     = { Import-ExampleCheckout }
            # Everything else in the block is -WhatIf or reads.
            Writes    = 'cal.csv', 'users.xml'
            Variables = 'summary'
            Check     = {
                param($Run)
                (Get-Module LicenseAudit).ModuleBase | Should -Be $Run.Folder
                @(Import-Csv -LiteralPath 'cal.csv').Count | Should -Be $Run.Variables.summary.Total
                $types = @($Run.Output | ForEach-Object { Get-TypeName $_ } | Sort-Object -Unique)
                foreach ($type in 'LicenseAudit.LyncCalSummary', 'LicenseAudit.LyncPolicyAudit', 'LicenseAudit.InputInspection') { $types | Should -Contain $type }
                ($Run.Output | Where-Object { (Get-TypeName $_) -eq 'LicenseAudit.InputInspection' }).Records | Should -Be 12
                @($Run.WhatIf | Where-Object { $_ -like '*Grant-CsConferencingPolicy*' }).Count | Should -BeGreaterThan 0
                @($Run.WhatIf | Where-Object { $_ -like '*New-CsConferencingPolicy*' }).Count + @($Run.Warnings | Where-Object { $_ -like '*already exists*' }).Count | Should -Be 5
            }
        }
        'quick start block 2 (docs/teams-assignments.md)' = @{
            Files     = [ordered]@{ 'teams-prices.csv' = 'examples/teams/teams-prices.csv'; 'examples/teams' = 'examples/teams' }
            Variables = 'summary'
            Check     = {
                param($Run)
                # What docs/teams-assignments.md says below the block: the example tenant as `license-audit teams
                # assignments --estate examples/teams` sees it, live and offline alike.
                $expected = Get-TeamsExpected -Name $TeamsExports -PricePath 'teams-prices.csv'
                @(Import-Csv -LiteralPath 'teams-waste.csv').Count | Should -Be @($expected.Findings | Where-Object Severity -eq 'Waste').Count
                $Run.Variables.summary.Findings | Should -Be $expected.Summary.Findings
                $Run.Variables.summary.MonthlyWaste | Should -Be $expected.Summary.MonthlyWaste
                @($Run.Output | Where-Object { (Get-TypeName $_) -eq 'LicenseAudit.TeamsAssignmentFinding' }).Count | Should -Be (2 * @($expected.Findings).Count)
            }
        }
    }
    $blocks = [System.Collections.Generic.List[string]]::new()
    $quickStartSections = @(
        @{ File = 'docs/cmdlets.md'; Heading = '## PowerShell quick start' },
        @{ File = 'docs/teams-assignments.md'; Heading = '## The cmdlet: `Test-TeamsLicenseAssignment`' }
    )
    foreach ($section in $quickStartSections) {
        $inSection = $false
        $inBlock = $false
        $lines = [System.Collections.Generic.List[string]]::new()
        foreach ($line in [System.IO.File]::ReadAllLines((Join-Path $repoRoot $section.File))) {
            if (-not $inBlock -and $line -match '^## ') { $inSection = $line.TrimEnd() -eq $section.Heading; continue }
            if (-not $inSection) { continue }
            if (-not $inBlock -and $line -match '^```powershell\s*$') { $inBlock = $true; $lines.Clear(); continue }
            if ($inBlock -and $line -match '^```\s*$') { $inBlock = $false; $blocks.Add(($lines -join "`n")); continue }
            if ($inBlock) { $lines.Add($line) }
        }
    }
    $blockFiles = @('docs/cmdlets.md', 'docs/teams-assignments.md')
    $ReadmeBlocks = @(for ($i = 0; $i -lt $blocks.Count; $i++) {
            $name = 'quick start block {0} ({1})' -f ($i + 1), $blockFiles[[Math]::Min($i, 1)]
            $check = $ReadmeChecks[$name]
            if (-not $check) { $check = @{} }
            @{ Name = $name; Code = $blocks[$i]; Spec = $check }
        })
    # The blocks that import the module from a checkout last: the module mocks of the Describe
    # belong to the module under test, which is imported again only after them.
    $ReadmeBlocks = @($ReadmeBlocks | Where-Object { -not $_.Spec.Setup }) + @($ReadmeBlocks | Where-Object { $_.Spec.Setup })
    $ReadmeFound = @(@{ Count = $ReadmeBlocks.Count; Checked = @($ReadmeChecks.Keys | Where-Object { $name = $_; -not @($ReadmeBlocks | Where-Object { $_.Name -eq $name }).Count }) })
}

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    . (Join-Path $PSScriptRoot 'MicrosoftShapes.ps1')
    . (Join-Path $PSScriptRoot 'Workbook.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Binary = & (Get-Module LicenseAudit) { Get-LicenseAuditBinaryPath }

    function script:Get-WorkbookSheetName([string]$Path) {
        # The sheets of a workbook an example wrote, which must also pass xlsx-validate.
        Assert-TestWorkbookValid (Resolve-Path -LiteralPath $Path).ProviderPath
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead((Resolve-Path -LiteralPath $Path).ProviderPath)
        try {
            $reader = New-Object System.IO.StreamReader ($zip.GetEntry('xl/workbook.xml').Open())
            try { [xml]$workbook = $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
        @($workbook.workbook.sheets.sheet | ForEach-Object { $_.name })
    }

    # The example tenant's exports, and what the engine finds in those named (the base names of
    # files in examples/teams), with -PricePath's prices: Findings and Summary.
    $script:TeamsExports = @('teams', 'teams-phone-numbers', 'teams-resource-accounts', 'teams-voice-routing-policies', 'teams-voice-routes', 'teams-shared-calling-policies', 'teams-call-queues')
    function script:Get-TeamsExpected([string[]]$Name, [string]$PricePath, [switch]$Licensed) {
        $estate = Join-Path $TestDrive ('teams-estate-{0}' -f [guid]::NewGuid())
        $null = New-Item -ItemType Directory -Path $estate
        foreach ($kind in $Name) {
            $source = Join-Path $RepoRoot ('examples/teams/{0}.json' -f $kind)
            if (Test-Path -LiteralPath $source) { Copy-Item -LiteralPath $source -Destination $estate }
        }
        $arguments = @('teams', 'assignments', '--estate', $estate, '--format', 'ndjson')
        if ($PricePath) { $arguments += @('--prices', (Resolve-Path -LiteralPath $PricePath).ProviderPath) }
        # The example tenant's Microsoft Graph licence exports (examples/m365).
        if ($Licensed) {
            $arguments += @('--m365-licenses', (Join-Path $RepoRoot 'examples/m365/m365-licenses.json'), '--subscribed-skus', (Join-Path $RepoRoot 'examples/m365/m365-subscribed-skus.json'))
        }
        $records = @(& $Binary @arguments 2>$null | ForEach-Object { ConvertFrom-Json -InputObject $_ })
        [pscustomobject]@{
            Findings = @($records | Where-Object RecordType -eq 'TeamsAssignmentFinding')
            Summary  = @($records | Where-Object RecordType -eq 'TeamsAssignmentSummary')[0]
        }
    }

    # An output's first type name. Not .PSObject on a boolean or number: that marks the boxed
    # value process-wide (see Test-MicrosoftShapeFilter).
    function script:Get-TypeName($Value) {
        if ($null -eq $Value) { return $null }
        if ($Value -is [System.ValueType] -or $Value -is [string]) { return $Value.GetType().FullName }
        $Value.PSObject.TypeNames[0]
    }

    # Every file and folder under a folder, with sizes and times: what -WhatIf must leave as it was.
    function script:Get-FolderState([string]$Path) {
        @(Get-ChildItem -LiteralPath $Path -Recurse -Force | ForEach-Object {
                if ($_.PSIsContainer) { 'D ' + $_.FullName } else { 'F {0} {1} {2}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc.Ticks }
            } | Sort-Object)
    }

    # The README's two example runs kept in a history (lync entitlement, October then November),
    # and with -RightSizing two of lync rightsize, into -Path under the current folder.
    function script:New-ExampleHistory([string]$Path, [switch]$Entitlement, [switch]$RightSizing) {
        $history = Join-Path (Get-Location).ProviderPath $Path
        $estate = Join-Path $RepoRoot 'examples/contoso'
        $scratch = Join-Path (Get-Location).ProviderPath 'history-runs'
        $null = New-Item -ItemType Directory -Path $scratch -Force
        if ($Entitlement) {
            & $Binary lync entitlement --estate $estate --summary --as-of 2026-10-01T00:00:00Z --history $history --output (Join-Path $scratch 'oct.ndjson')
            & $Binary lync entitlement --estate $estate --users (Join-Path $RepoRoot 'examples/history/users-november.json') --summary --as-of 2026-11-01T00:00:00Z --history $history --output (Join-Path $scratch 'nov.ndjson')
        }
        if ($RightSizing) {
            foreach ($asOf in '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z') {
                & $Binary lync rightsize --configured (Join-Path $RepoRoot 'examples/records/lync-entitlement.ndjson') --usage (Join-Path $RepoRoot 'examples/rightsizing/usage.ndjson') `
                    --licensed (Join-Path $RepoRoot 'examples/rightsizing/licensed.csv') --summary --as-of $asOf --history $history --output (Join-Path $scratch 'rightsize.ndjson') 2>$null
            }
        }
        Remove-Item -LiteralPath $scratch -Recurse -Force
    }

    # A Get-CsUser export whose record 2 is not a user but an error message that went into the
    # export with the users (Get-CsUser ... 2>&1 | ConvertTo-Json).
    function script:New-BrokenExport([string]$Path) {
        $users = @(Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'examples/contoso/users.json') | ConvertFrom-Json | Select-Object -First 2)
        $users = @($users[0], 'Get-CsUser : Management object not found for identity "sip:gone@contoso.com".', $users[1])
        $target = Join-Path (Get-Location).ProviderPath $Path
        $null = New-Item -ItemType Directory -Path (Split-Path -Parent $target) -Force
        [System.IO.File]::WriteAllText($target, (ConvertTo-Json -InputObject $users -Depth 5))
    }

    # Two CUCM clusters: A is the example cluster; B has ten more phones of alice's (eleven in
    # all: more than ten only across the two).
    function script:New-TwoCucmClusters {
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'examples/uc/cucm-users.json') -Destination 'cucm-a-users.json'
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'examples/uc/cucm-phones.csv') -Destination 'cucm-a-phones.csv'
        $alice = Get-Content -Raw -LiteralPath 'cucm-a-users.json' | ConvertFrom-Json | Where-Object userid -eq 'alice'
        $phones = @(1..10 | ForEach-Object { [pscustomobject]@{ name = 'SEP0B11CE0000{0:00}' -f $_; product = 'Cisco 8851'; model = 'Cisco 8851'; class = 'Phone'; ownerUserName = 'alice'; CustomerPkid = ''; Site = '' } })
        $alice.associatedDevices = @($phones | ForEach-Object { $_.name })
        ConvertTo-Json -InputObject @($alice) -Depth 5 | Set-Content -LiteralPath 'cucm-b-users.json' -Encoding UTF8
        $phones | Export-Csv -LiteralPath 'cucm-b-phones.csv' -NoTypeInformation
    }

    # An error record the code asked for quietly: the command that wrote it was given
    # -ErrorAction SilentlyContinue or Ignore.
    function script:Test-QuietError($ErrorRecord) {
        if ($ErrorRecord -isnot [System.Management.Automation.ErrorRecord]) { return $false }
        $invocation = $ErrorRecord.InvocationInfo
        if ($null -eq $invocation -or -not $invocation.BoundParameters.ContainsKey('ErrorAction')) { return $false }
        @('SilentlyContinue', 'Ignore') -contains [string]$invocation.BoundParameters['ErrorAction']
    }

    # Runs one example (or README block) as written, in its own folder under $TestDrive, and
    # returns what the checks need. The caller pops the location and restores the environment
    # (Restore-Example) after its checks.
    function script:Invoke-Example {
        param([hashtable]$Example)
        $spec = $Example.Spec
        $folder = Join-Path $TestDrive ($Example.Name -replace '[^A-Za-z0-9]+', '-')
        $null = New-Item -ItemType Directory -Path $folder -Force
        if ($spec.Files) {
            foreach ($target in $spec.Files.Keys) {
                $destination = Join-Path $folder $target
                $null = New-Item -ItemType Directory -Path (Split-Path -Parent $destination) -Force
                Copy-Item -LiteralPath (Join-Path $RepoRoot $spec.Files[$target]) -Destination $destination -Recurse
            }
        }
        $saved = @{}
        if ($spec.Environment) {
            foreach ($name in $spec.Environment.Keys) {
                $saved[$name] = [Environment]::GetEnvironmentVariable($name)
                [Environment]::SetEnvironmentVariable($name, $spec.Environment[$name])
            }
        }
        Push-Location -LiteralPath $folder
        if ($spec.Setup) {
            try { . $spec.Setup } catch { Restore-Example ([pscustomobject]@{ Saved = $saved }); throw }
        }
        $before = Get-FolderState $folder
        $transcript = Join-Path $TestDrive ('transcript-{0}.txt' -f [guid]::NewGuid())
        $run = & {
            # The example's own scope: what it sets stays here.
            if ($spec.Given) { foreach ($name in $spec.Given.Keys) { Set-Variable -Name $name -Value $spec.Given[$name] } }
            $exampleErrors = $null
            $exampleWarnings = $null
            $failure = $null
            $output = @()
            # As an admin's $ErrorActionPreference = 'Stop' at the prompt: global, where the
            # module's functions see it too (a preference set in this scope stays out of modules).
            $savedPreference = $global:ErrorActionPreference
            $null = Start-Transcript -LiteralPath $transcript
            try {
                $global:ErrorActionPreference = 'Stop'
                $ErrorActionPreference = 'Stop'
                $output = @(Invoke-Command -NoNewScope -ScriptBlock ([scriptblock]::Create($Example.Code)) -ErrorVariable exampleErrors -WarningVariable exampleWarnings)
            }
            catch {
                $failure = $_
            }
            finally {
                $global:ErrorActionPreference = $savedPreference
                $ErrorActionPreference = $savedPreference
                $null = Stop-Transcript
            }
            $variables = @{}
            foreach ($name in @($spec.Variables)) {
                if ($name) { $variables[$name] = Get-Variable -Name $name -ValueOnly -ErrorAction SilentlyContinue }
            }
            [pscustomobject]@{
                Output = $output; Failure = $failure; Variables = $variables
                Warnings = @($exampleWarnings | ForEach-Object { [string]$_ })
                # Error records of the run, but those a command of the code was told to keep quiet.
                Errors = @($exampleErrors | Where-Object { -not (Test-QuietError $_) })
            }
        }
        $run | Add-Member -NotePropertyName WhatIf -NotePropertyValue @(Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if:*' })
        $run | Add-Member -NotePropertyName Folder -NotePropertyValue $folder
        $run | Add-Member -NotePropertyName Code -NotePropertyValue $Example.Code
        $run | Add-Member -NotePropertyName Before -NotePropertyValue $before
        $run | Add-Member -NotePropertyName Saved -NotePropertyValue $saved
        $run
    }

    # README block 1: the module imported from the checkout in the current folder (as the
    # block's Import-Module ./LicenseAudit.psd1 would), with the shapes mocked in it.
    function script:Import-ExampleCheckout {
        Remove-Module LicenseAudit
        Import-Module (Join-Path (Get-Location).ProviderPath 'LicenseAudit.psd1') -Global
        $mocks = Get-MicrosoftShapeMock
        foreach ($name in @($mocks.Keys)) { Mock -ModuleName LicenseAudit $name $mocks[$name] }
    }

    function script:Restore-Example([psobject]$Run) {
        Pop-Location
        foreach ($name in $Run.Saved.Keys) { [Environment]::SetEnvironmentVariable($name, $Run.Saved[$name]) }
    }

    # An error as text: the message and the error id. -ErrorVariable also holds the exceptions
    # a terminating error was wrapped in on its way out.
    function script:Format-ErrorRecord {
        process {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { '{0} ({1})' -f $_.Exception.Message, $_.FullyQualifiedErrorId }
            elseif ($_ -is [System.Exception]) { '{0} ({1})' -f $_.Message, $_.GetType().FullName }
            else { [string]$_ }
        }
    }

    function script:Get-ErrorMessage($ErrorOrException) {
        if ($ErrorOrException -is [System.Management.Automation.ErrorRecord]) { return $ErrorOrException.Exception.Message }
        if ($ErrorOrException -is [System.Exception]) { return $ErrorOrException.Message }
        [string]$ErrorOrException
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
    Remove-MicrosoftShapeStub
}

Describe 'Examples' {
    BeforeAll {
        $mocks = Get-MicrosoftShapeMock
        foreach ($name in @($mocks.Keys)) {
            Mock $name $mocks[$name]
            Mock -ModuleName LicenseAudit $name $mocks[$name]
        }
    }
    AfterEach {
        # Back to the module under test, after a block that imported it from a checkout.
        if ((Get-Module LicenseAudit).ModuleBase -ne $RepoRoot) {
            Remove-Module LicenseAudit
            Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1')
        }
    }

    It 'docs/cmdlets.md and docs/teams-assignments.md have the quick start''s PowerShell blocks, and a check names only blocks that exist' -ForEach $ReadmeFound {
        $Count | Should -BeGreaterThan 0
        $Checked | Should -BeNullOrEmpty
    }

    It '<Name>' -ForEach ($RunnableExamples + $ReadmeBlocks) {
        $run = Invoke-Example -Example $_
        try {
            if ($Spec.Throws) {
                $run.Failure | Should -Not -BeNullOrEmpty -Because 'its description says it fails on the example estate'
                $run.Failure.FullyQualifiedErrorId | Should -BeLike $Spec.Throws
                # Nothing else: only that error, as each command it went through recorded it.
                @($run.Errors | Where-Object { (Get-ErrorMessage $_) -ne $run.Failure.Exception.Message } | Format-ErrorRecord) | Should -BeNullOrEmpty
            }
            else {
                @($run.Failure | Where-Object { $_ } | Format-ErrorRecord) | Should -BeNullOrEmpty -Because 'the example must run without a terminating error'
                @($run.Errors | Format-ErrorRecord) | Should -BeNullOrEmpty -Because 'the example must run without an error record'
            }
            if ($Code -match '-WhatIf\b') {
                # What the code writes besides its -WhatIf commands (README blocks) is named in Writes.
                $written = @($Spec.Writes | Where-Object { $_ } | ForEach-Object { Join-Path $run.Folder $_ })
                @(Get-FolderState $run.Folder | Where-Object { $line = $_; -not @($written | Where-Object { $line -like ('F {0} *' -f $_) }).Count }) | Should -Be $run.Before -Because '-WhatIf writes nothing'
                Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly -Scope It
                Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 0 -Exactly -Scope It
            }
            if ($Spec.Check) { & $Spec.Check $run }
        }
        finally {
            Restore-Example $run
        }
    }
}

Describe 'Help examples declared not runnable here' {
    It '<Name> exists and still needs what it cannot have here: <Reason>' -ForEach $DeclaredExamples {
        $Code | Should -Not -BeNullOrEmpty -Because "$Name is declared not runnable, so it must exist"
        & $Applies $Code | Should -BeTrue -Because "the reason given for $Name must still apply to its code"
    }

    It 'every entry of $ExampleChecks names an example Get-Help shows' -ForEach $UnknownChecks {
        $Names | Should -BeNullOrEmpty
    }
}
