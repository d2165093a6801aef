# Pester 5 tests of the UC licence counting cmdlets. The MicrosoftTeams module is not on a test
# host, so Get-CsOnlineUser, Get-CsTeamsIPPhonePolicy and Get-CsOnlineApplicationInstance are
# stubbed and mocked with the PowerShell-shaped fixtures of native/tests/fixtures/uc; the
# file-based cmdlet runs on the bundled, hand-counted examples/uc estate.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Fixtures = Join-Path $RepoRoot 'native/tests/fixtures/uc'
    $script:Example = Join-Path $RepoRoot 'examples/uc'
    # With stand-ins for the MicrosoftTeams cmdlets (a real module's command is left alone).
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    function script:Read-Fixture([string]$Name) {
        Get-Content -Raw -Path (Join-Path $Fixtures $Name) | ConvertFrom-Json
    }
    $script:TeamsUsers = @(Read-Fixture 'teams.ps7.json')
    $script:Policies = @(Read-Fixture 'teams-ip-phone-policies.json')
    $script:OlderModuleUsers = @(Read-Fixture 'teams-older-module.json')
    $script:LicenseRows = @(Read-Fixture 'm365-licenses.json')

    function script:Get-TypeName([object[]]$Records) {
        @($Records | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique)
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

Describe 'Get-TeamsLicenseCount' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsOnlineUser { $script:TeamsUsers }
        Mock -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy { $script:Policies }
        Mock -ModuleName LicenseAudit Get-CsOnlineApplicationInstance {
            [pscustomobject]@{ UserPrincipalName = 'nophone@contoso.com'; ApplicationId = '11cd3e2e-fccb-42ad-ad00-878b93575e07'; ObjectId = 'x'; DisplayName = 'Sales queue' }
        }
        $script:SpoolBefore = Get-SpoolCount
    }

    It 'calls Get-CsOnlineUser with the properties it needs; one typed record per account, the totals in -SummaryVariable' {
        $result = @(Get-TeamsLicenseCount -SummaryVariable totals)
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 1 -Exactly -ParameterFilter {
            $Properties -like '*FeatureTypes*' -and $Properties -like '*TeamsIPPhonePolicy*' -and $Properties -like '*AssignedPlan*'
        }
        # Teams-only records have a view of their own (no Cisco columns); still UcUserLicense next.
        Get-TypeName $result | Should -Be @('LicenseAudit.UcUserLicense#TeamsOnly')
        @($result | Where-Object { $_.PSObject.TypeNames[1] -ne 'LicenseAudit.UcUserLicense' }).Count | Should -Be 0
        $result.Count | Should -Be 11
        ($result | Where-Object Username -eq 'voice@contoso.com').Licensed | Should -BeTrue
        # The totals have a Teams-only view too (no customer or Cisco columns); UcLicenseTotal next.
        Get-TypeName $totals | Should -Be @('LicenseAudit.UcLicenseTotal#TeamsOnly')
        @($totals | Where-Object { $_.PSObject.TypeNames[1] -ne 'LicenseAudit.UcLicenseTotal' }).Count | Should -Be 0
        $estate = $totals | Where-Object Scope -eq 'Estate'
        # voice@ and kitchen@ (its Shared Devices licence is only known with -LicenseData).
        $estate.UserLicenses | Should -Be 2
        $estate.MeetingRooms | Should -Be 1
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'stops, instead of counting part of the tenant, when Get-CsOnlineUser fails' {
        # Like the MicrosoftTeams cmdlets: a failed request is a non-terminating error and no
        # output, unless the caller (here the module) asks for -ErrorAction Stop.
        Mock -ModuleName LicenseAudit Get-CsOnlineUser {
            $action = if ($PesterBoundParameters.ContainsKey('ErrorAction')) { $PesterBoundParameters.ErrorAction } else { 'Continue' }
            Microsoft.PowerShell.Utility\Write-Error -Message 'Too Many Requests (429)' -ErrorAction $action
        }
        $failure = $null
        $result = @()
        try { $result = @(Get-TeamsLicenseCount -ErrorAction SilentlyContinue) } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.Exception.Message | Should -BeLike '*429*'
        $result.Count | Should -Be 0
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'reads the IP phone policies itself; the common area phone is a device in -DetailVariable' {
        $result = @(Get-TeamsLicenseCount -DetailVariable detail)
        Should -Invoke -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy -Times 1 -Exactly
        @($detail.Keys | Sort-Object) | Should -Be @('UcDevice', 'UcMeetingRoom', 'UcOrphanService')
        $cap = $detail.UcDevice | Where-Object Name -eq 'cap@contoso.com'
        @($cap.PSObject.TypeNames)[0..1] | Should -Be @('LicenseAudit.UcDevice#TeamsOnly', 'LicenseAudit.UcDevice')
        $cap.Kind | Should -Be 'TeamsCommonAreaPhone'
        $cap.Counted | Should -BeTrue
        ($result | Where-Object Username -eq 'cap@contoso.com').Licensed | Should -BeFalse
    }

    It 'takes Get-CsOnlineUser objects from the pipeline and does not call Get-CsOnlineUser' {
        $result = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -DetailVariable detail)
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy -Times 0 -Exactly
        $result.Count | Should -Be 11
        ($detail.UcMeetingRoom | Where-Object Name -eq 'room@contoso.com').Features | Should -Be 'TeamsRoomBasic'
    }

    It 'shows a Teams-only table: no Cisco columns, and why each account counts or is left out' {
        $table = @(Get-TeamsLicenseCount) | Format-Table | Out-String -Width 300
        $header = ($table -split "`r?`n" | Where-Object { $_.Trim() } | Select-Object -First 1) -split '\s+' | Where-Object { $_ }
        # Licenses is Licensed as a number on a Teams-only estate: in the record, not the table.
        $header | Should -Be @('Username', 'Licensed', 'Excluded', 'Why')
        $guest = $table -split "`r?`n" | Where-Object { $_ -like 'guest_fabrikam.com*' }
        $guest | Should -BeLike '*Guest*guest: AccountType=Guest'
        $table | Should -BeLike '*voice@contoso.com*True*voice user: AccountEnabled=True, EnterpriseVoiceEnabled=True, FeatureTypes contains PhoneSystem*'
        $table | Should -Not -BeLike '*linked by being the directory row*'
    }

    It '-Summary emits the totals instead of the accounts, lists also as text' {
        $result = @(Get-TeamsLicenseCount -Summary)
        Get-TypeName $result | Should -Be @('LicenseAudit.UcLicenseTotal#TeamsOnly')
        $estate = $result | Where-Object Scope -eq 'Estate'
        $estate.UserLicenses | Should -Be 2
        $estate.ReasonsText | Should -BeLike 'UserLicense: 2 licensed user(s) (UcUserLicense)*'
        $estate.ExcludedText | Should -BeLike '*Reason=Guest, Count=1*'
    }

    It 'ends the engine when Select-Object -First stops the pipeline' {
        $first = @(Get-TeamsLicenseCount | Select-Object -First 1)
        $first.Count | Should -Be 1
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'keeps FeatureTypes and AssignedPlan as lists and policies as objects' {
        InModuleScope LicenseAudit {
            $user = [pscustomobject]@{
                UserPrincipalName      = 'a@contoso.com'
                AccountEnabled         = $true
                EnterpriseVoiceEnabled = $true
                FeatureTypes           = @('PhoneSystem')
                AssignedPlan           = @([pscustomobject]@{ Capability = 'MCOEV'; CapabilityStatus = 'Enabled'; ServicePlanId = '4828c8ec-dc2e-4779-b502-87ac9ce28ab7' })
                TeamsIPPhonePolicy     = [pscustomobject]@{ Authority = 'Tenant'; Name = 'CAP' }
                SoftDeletionTimestamp  = $null
            }
            $line = ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditTeamsUser -InputObject $user)
            $back = $line | ConvertFrom-Json
            @($back.FeatureTypes) | Should -Be @('PhoneSystem')
            $back.AssignedPlan[0].Capability | Should -Be 'MCOEV'
            $back.TeamsIPPhonePolicy.Name | Should -Be 'CAP'
            $back.PSObject.Properties.Name | Should -Not -Contain 'LineUri'
        }
    }

    It 'sends dates as invariant ISO 8601 UTC, whatever the culture' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            $thai = [System.Globalization.CultureInfo]::GetCultureInfo('th-TH')
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $thai
            [System.Globalization.CultureInfo]::CurrentCulture = $thai
            $when = New-Object DateTime 2026, 3, 4, 5, 6, 7, ([DateTimeKind]::Utc)
            $record = & (Get-Module LicenseAudit) { param($When) ConvertTo-LicenseAuditTeamsUser -InputObject ([pscustomobject]@{ UserPrincipalName = 'gone@contoso.com'; SoftDeletionTimestamp = $When }) } $when
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
            [System.Globalization.CultureInfo]::CurrentCulture = $saved
        }
        $record.SoftDeletionTimestamp | Should -Be '2026-03-04T05:06:07.0000000Z'
    }

    It 'leaves a Teams account without FeatureTypes undecided and says which rule cannot be applied' {
        $result = @($script:OlderModuleUsers | Get-TeamsLicenseCount -WarningVariable warnings -WarningAction SilentlyContinue)
        $voice = $result | Where-Object Username -eq 'voice@contoso.com'
        $voice.Licensed | Should -BeNullOrEmpty
        $voice.Reasons[0].Detail | Should -BeLike '*FeatureTypes is not in the Get-CsOnlineUser export*'
        ($warnings -join "`n") | Should -BeLike '*FeatureTypes*'
    }

    It 'finds resource accounts with -IncludeApplicationInstances' {
        $result = @(Get-TeamsLicenseCount -IncludeApplicationInstances)
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineApplicationInstance -Times 1 -Exactly
        ($result | Where-Object Username -eq 'nophone@contoso.com').Excluded | Should -Be 'ResourceAccount'
    }

    It 'counts Teams Shared Devices licence holders as devices with -LicenseData' {
        $result = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -LicenseData $script:LicenseRows -DetailVariable detail -SummaryVariable totals)
        $kitchen = $detail.UcDevice | Where-Object Name -eq 'kitchen@contoso.com'
        $kitchen.Counted | Should -BeTrue
        $kitchen.Model | Should -Be 'Teams Shared Devices'
        ($result | Where-Object Username -eq 'kitchen@contoso.com').Licensed | Should -BeFalse
        ($totals | Where-Object Scope -eq 'Estate').UserLicenses | Should -Be 1
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'hands the engine only the Shared Devices holders of the licence data, never the licences of people' {
        $rows = @($script:LicenseRows) + @(
            [pscustomobject]@{ UserPrincipalName = 'desk@contoso.com'; SkuId = '{295A8EB0-F78D-45C7-8B5B-1EED5ED02DFF}' },
            [pscustomobject]@{ UserPrincipalName = 'hall@contoso.com'; SkuPartNumber = 'MCOCAP' },
            [pscustomobject]@{ UserPrincipalName = 'person@contoso.com'; SkuPartNumber = 'ENTERPRISEPACK' }
        )
        $holders = @(& (Get-Module LicenseAudit) { param($Rows) $Rows | Select-LicenseAuditUcSharedDevice } $rows)
        @($holders | ForEach-Object { $_.UserPrincipalName }) | Should -Be @('kitchen@contoso.com', 'desk@contoso.com', 'hall@contoso.com')
        @($holders | ForEach-Object { $_.PSObject.Properties.Name -join ',' } | Sort-Object -Unique) | Should -Be @('UserPrincipalName,SkuId')
    }

    It 'drops identities with -Anonymous' {
        $result = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -Anonymous -SummaryVariable totals -DetailVariable detail)
        $result.Count | Should -Be 11
        ($result | ConvertTo-Json -Depth 6) | Should -Not -Match 'contoso\.com'
        ($detail.UcDevice | ConvertTo-Json -Depth 6) | Should -Not -Match 'contoso\.com'
        ($totals | Where-Object Scope -eq 'Estate').UserLicenses | Should -Be 2
    }

    It 'pseudonymises identities with a key from the environment, the same under the same key, and never shows the key' {
        $saved = $env:LICENSEAUDIT_TEST_UC_KEY
        try {
            $env:LICENSEAUDIT_TEST_UC_KEY = 'pester-key-0123456789abcdef'
            $a = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY)
            $verbose = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY -Verbose 4>&1)
            $b = @($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $commandLine = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n"
            $env:LICENSEAUDIT_TEST_UC_KEY = 'pester-key-other-0123456789'
            $c = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY)
            $first = $a[0].Username
            $first | Should -Match '^[0-9a-f]{32}$'
            $b[0].Username | Should -Be $first
            $c[0].Username | Should -Not -Be $first
            $commandLine | Should -BeLike '*--pseudonym-key-env LICENSEAUDIT_TEST_UC_KEY*'
            $commandLine | Should -Not -BeLike '*pester-key*'
            ($a | ConvertTo-Json -Depth 6) | Should -Not -BeLike '*pester-key*'
        }
        finally {
            $env:LICENSEAUDIT_TEST_UC_KEY = $saved
        }
    }

    It 'refuses a pseudonym key variable that is not set, with a stable error id, before reading anything' {
        $failure = $null
        try { Get-TeamsLicenseCount -PseudonymKeyVariable LICENSEAUDIT_TEST_NO_SUCH_KEY } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PseudonymKeyNotSet*'
        $failure.Exception.Message | Should -BeLike '*is not set*'
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        Get-SessionCount | Should -Be 0
    }

    It 'passes on the engine''s refusal of a short key as LicenseAudit.InvalidArguments' {
        $saved = $env:LICENSEAUDIT_TEST_UC_KEY
        try {
            $env:LICENSEAUDIT_TEST_UC_KEY = 'short'
            $failure = $null
            try { $script:TeamsUsers | Get-TeamsLicenseCount -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidArguments*'
            $failure.Exception.Message | Should -BeLike '*16*'
            $failure.Exception.Message | Should -Not -BeLike '*short*'
        }
        finally {
            $env:LICENSEAUDIT_TEST_UC_KEY = $saved
        }
    }
}

Describe 'Get-UcLicenseCount' {
    It 'counts the bundled estate as the README hand count says: users on the pipeline, totals and detail in variables' {
        $result = @(Get-UcLicenseCount -EstatePath $script:Example -SummaryVariable totals -DetailVariable detail -WarningAction SilentlyContinue)
        Get-TypeName $result | Should -Be @('LicenseAudit.UcUserLicense')
        $result.Count | Should -Be 16
        $bob = $result | Where-Object Username -eq 'bob'
        $bob.MoreThanTenPhones | Should -BeTrue
        $bob.Licenses | Should -Be 2
        $contoso = $totals | Where-Object Customer -eq 'Contoso'
        $contoso.UserLicenses | Should -Be 8
        $contoso.CiscoMsIntegratedServices | Should -Be 1
        $contoso.StandaloneDevices | Should -Be 3
        $contoso.MeetingRooms | Should -Be 1
        $contoso.Sites | Should -Be 2
        $estate = $totals | Where-Object Scope -eq 'Estate'
        $estate.UserLicenses | Should -Be 12
        $estate.StandaloneDevices | Should -Be 6
        @($detail.UcDevice | Where-Object Counted).Count | Should -Be 6
        @($detail.UcMeetingRoom).Count | Should -Be 1
        @($detail.UcOrphanService).Count | Should -Be 6
        Get-SessionCount | Should -Be 0
    }

    It '-Summary emits the totals only' {
        $result = @(Get-UcLicenseCount -EstatePath $script:Example -Summary -WarningAction SilentlyContinue)
        Get-TypeName $result | Should -Be @('LicenseAudit.UcLicenseTotal')
        @($result.Scope) | Should -Be @('Customer', 'Customer', 'AboveCustomer', 'Estate')
        $estate = $result | Where-Object Scope -eq 'Estate'
        $estate.UserLicenses | Should -Be 12
        $estate.MoreThanTenPhonesText | Should -Be 'bob'
    }

    It 'takes the exports one by one, several files per service, with wildcards' {
        $e = $script:Example
        $result = @(Get-UcLicenseCount -UserPath (Join-Path $e 'users.csv') -CucmUserPath (Join-Path $e 'cucm-users.json') `
                -CucmPhonePath (Join-Path $e 'cucm-phone*.csv') -UccxAgentPath (Join-Path $e 'uccx-agents.json'), (Join-Path $e 'uccx-agents.json'))
        ($result | Where-Object Username -eq 'dave').Licensed | Should -BeTrue
        ($result | Where-Object Username -eq 'bob').Licenses | Should -Be 2
    }

    It 'stops before counting when a path matches no file' {
        $e = $script:Example
        $failure = $null
        try { Get-UcLicenseCount -UserPath (Join-Path $e 'users.csv') -CucmUserPath (Join-Path $e 'cucm-users.json'), (Join-Path $e 'no-such-cluster-*.json') } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PathNotFound*'
        $failure.Exception.Message | Should -BeLike '*-CucmUserPath*no-such-cluster-*'
        Get-SessionCount | Should -Be 0
    }

    It 'refuses a wildcard that names several files for a one-file option' {
        $failure = $null
        try { Get-UcLicenseCount -UserPath (Join-Path $script:Example '*.csv') -CucmUserPath (Join-Path $script:Example 'cucm-users.json') } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PathNotOneFile*'
        $failure.Exception.Message | Should -BeLike '*-UserPath*'
    }

    It 'writes the anonymous audit file without names' {
        $result = @(Get-UcLicenseCount -EstatePath $script:Example -Anonymous -Summary -WarningAction SilentlyContinue)
        ($result | ConvertTo-Json -Depth 6) | Should -Not -Match 'Contoso|Fabrikam|alice|Northwind'
        ($result | Where-Object Scope -eq 'Estate').UserLicenses | Should -Be 12
        $users = @(Get-UcLicenseCount -EstatePath $script:Example -Anonymous -WarningAction SilentlyContinue)
        $users.Count | Should -Be 16
        ($users | ConvertTo-Json -Depth 6) | Should -Not -Match 'Contoso|Fabrikam|alice|Northwind'
    }

    It 'says in its own terms which input is missing' {
        $failure = $null
        try { Get-UcLicenseCount -UccxAgentPath (Join-Path $script:Example 'uccx-agents.json') } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoDirectory*'
        $failure.Exception.Message | Should -BeLike '*-UserPath*'
        $failure = $null
        try { Get-UcLicenseCount -UserPath (Join-Path $script:Example 'users.csv') } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoServices*'
    }

    It 'reports an Export-Csv Get-CsOnlineUser export as an error naming the property' {
        $null = Get-UcLicenseCount -TeamsPath (Join-Path $script:Fixtures 'teams.ps51.csv') -ErrorVariable problems -ErrorAction SilentlyContinue
        $text = ($problems | ForEach-Object { $_.Exception.Message }) -join "`n"
        $text | Should -BeLike '*FeatureTypes*'
        $text | Should -BeLike '*System.Object`[`]*'
        $text | Should -BeLike '*JSON*'
    }

    It 'exports to CSV with one kind of row and lists as text' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("uc-{0}.csv" -f [guid]::NewGuid())
        try {
            Get-UcLicenseCount -EstatePath $script:Example -WarningAction SilentlyContinue | Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -Be 16
            @($rows | Where-Object { -not $_.Username }).Count | Should -Be 0
            ($rows | Where-Object Username -eq 'alice').ReasonsText | Should -BeLike 'UserLicense: *(CUCM alice)*'
            ($rows | Where-Object Username -eq 'alice').LinkedServicesText | Should -BeLike '*Service=Teams*LinkRule=Email*'
            @($rows | Where-Object { $_.ReasonsText -eq 'System.Object[]' -or $_.LinkedServicesText -eq 'System.Object[]' }).Count | Should -Be 0
        }
        finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
    }
}
