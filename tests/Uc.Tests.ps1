# Pester 5 tests of the UC licence counting cmdlets. The MicrosoftTeams module is not on a test
# host, so Get-CsOnlineUser, Get-CsTeamsIPPhonePolicy and Get-CsOnlineApplicationInstance are
# stubbed and mocked with the PowerShell-shaped fixtures of native/tests/fixtures/uc; the
# file-based cmdlet runs on the bundled, hand-counted examples/uc estate.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Fixtures = Join-Path $RepoRoot 'native/tests/fixtures/uc'
    $script:Example = Join-Path $RepoRoot 'examples/uc'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    # Stand-ins for the MicrosoftTeams cmdlets (a real module's command is left alone).
    Register-LicenseAuditTestStub Get-CsOnlineUser { [CmdletBinding()] param([string]$Identity, [string]$Filter, [string]$Properties, [object]$ResultSize) }
    Register-LicenseAuditTestStub Get-CsTeamsIPPhonePolicy { [CmdletBinding()] param([string]$Identity) }
    Register-LicenseAuditTestStub Get-CsOnlineApplicationInstance { [CmdletBinding()] param([string]$Identity) }
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    function script:Read-Fixture([string]$Name) {
        Get-Content -Raw -Path (Join-Path $Fixtures $Name) | ConvertFrom-Json
    }
    $script:TeamsUsers = @(Read-Fixture 'teams.ps7.json')
    $script:Policies = @(Read-Fixture 'teams-ip-phone-policies.json')
    $script:OlderModuleUsers = @(Read-Fixture 'teams-older-module.json')
    $script:LicenseRows = @(Read-Fixture 'm365-licenses.json')

    function script:Get-RecordOfType([object[]]$Records, [string]$Type) {
        @($Records | Where-Object { $_.PSObject.TypeNames[0] -eq "LicenseAudit.$Type" })
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
    }

    It 'calls Get-CsOnlineUser with the properties it needs and types the records' {
        $result = @(Get-TeamsLicenseCount)
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 1 -Exactly -ParameterFilter {
            $Properties -like '*FeatureTypes*' -and $Properties -like '*TeamsIPPhonePolicy*' -and $Properties -like '*AssignedPlan*'
        }
        $users = Get-RecordOfType $result 'UcUserLicense'
        $users.Count | Should -Be 11
        ($users | Where-Object Username -eq 'voice@contoso.com').Licensed | Should -BeTrue
        $total = Get-RecordOfType $result 'UcLicenseTotal' | Where-Object Scope -eq 'Estate'
        # voice@ and kitchen@ (its Shared Devices licence is only known with -LicenseData).
        $total.UserLicenses | Should -Be 2
        $total.MeetingRooms | Should -Be 1
    }

    It 'reads the IP phone policies itself and counts a common area phone as a device' {
        $result = @(Get-TeamsLicenseCount)
        Should -Invoke -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy -Times 1 -Exactly
        $cap = Get-RecordOfType $result 'UcDevice' | Where-Object Name -eq 'cap@contoso.com'
        $cap.Kind | Should -Be 'TeamsCommonAreaPhone'
        $cap.Counted | Should -BeTrue
        ($result | Where-Object Username -eq 'cap@contoso.com').Licensed | Should -BeFalse
    }

    It 'takes Get-CsOnlineUser objects from the pipeline and does not call Get-CsOnlineUser' {
        $result = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies)
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-CsTeamsIPPhonePolicy -Times 0 -Exactly
        (Get-RecordOfType $result 'UcUserLicense').Count | Should -Be 11
        (Get-RecordOfType $result 'UcMeetingRoom' | Where-Object Name -eq 'room@contoso.com').Features | Should -Be 'TeamsRoomBasic'
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
        $result = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -LicenseData $script:LicenseRows)
        $kitchen = Get-RecordOfType $result 'UcDevice' | Where-Object Name -eq 'kitchen@contoso.com'
        $kitchen.Counted | Should -BeTrue
        $kitchen.Model | Should -Be 'Teams Shared Devices'
    }

    It 'drops identities with -Anonymous' {
        $result = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -Anonymous)
        ($result | ConvertTo-Json -Depth 6) | Should -Not -Match 'contoso\.com'
        (Get-RecordOfType $result 'UcLicenseTotal' | Where-Object Scope -eq 'Estate').UserLicenses | Should -Be 2
    }

    It 'pseudonymises identities with a key from the environment, the same under the same key' {
        $saved = $env:LICENSEAUDIT_TEST_UC_KEY
        try {
            $env:LICENSEAUDIT_TEST_UC_KEY = 'pester-key-0123456789abcdef'
            $a = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY)
            $b = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY)
            $env:LICENSEAUDIT_TEST_UC_KEY = 'pester-key-other-0123456789'
            $c = @($script:TeamsUsers | Get-TeamsLicenseCount -IpPhonePolicy $script:Policies -PseudonymKeyVariable LICENSEAUDIT_TEST_UC_KEY)
            $first = (Get-RecordOfType $a 'UcUserLicense')[0].Username
            $first | Should -Match '^[0-9a-f]{32}$'
            (Get-RecordOfType $b 'UcUserLicense')[0].Username | Should -Be $first
            (Get-RecordOfType $c 'UcUserLicense')[0].Username | Should -Not -Be $first
        }
        finally {
            $env:LICENSEAUDIT_TEST_UC_KEY = $saved
        }
    }

    It 'refuses a pseudonym key variable that is not set' {
        { Get-TeamsLicenseCount -PseudonymKeyVariable LICENSEAUDIT_TEST_NO_SUCH_KEY } | Should -Throw '*is not set*'
    }
}

Describe 'Get-UcLicenseCount' {
    It 'counts the bundled estate as the README hand count says' {
        $result = @(Get-UcLicenseCount -EstatePath $script:Example)
        $totals = Get-RecordOfType $result 'UcLicenseTotal'
        $contoso = $totals | Where-Object Customer -eq 'Contoso'
        $contoso.UserLicenses | Should -Be 8
        $contoso.CiscoMsIntegratedServices | Should -Be 1
        $contoso.StandaloneDevices | Should -Be 3
        $contoso.MeetingRooms | Should -Be 1
        $contoso.Sites | Should -Be 2
        $estate = $totals | Where-Object Scope -eq 'Estate'
        $estate.UserLicenses | Should -Be 12
        $estate.StandaloneDevices | Should -Be 6
        (Get-RecordOfType $result 'UcOrphanService').Count | Should -Be 6
        ($result | Where-Object Username -eq 'bob').MoreThanTenPhones | Should -BeTrue
    }

    It 'takes the exports one by one, several files per service' {
        $e = $script:Example
        $result = @(Get-UcLicenseCount -UserPath (Join-Path $e 'users.csv') -CucmUserPath (Join-Path $e 'cucm-users.json') `
                -CucmPhonePath (Join-Path $e 'cucm-phones.csv') -UccxAgentPath (Join-Path $e 'uccx-agents.json'), (Join-Path $e 'uccx-agents.json'))
        ($result | Where-Object Username -eq 'dave').Licensed | Should -BeTrue
        ($result | Where-Object Username -eq 'bob').Licenses | Should -Be 2
    }

    It 'writes the anonymous audit file without names' {
        $result = @(Get-UcLicenseCount -EstatePath $script:Example -Anonymous)
        $text = $result | ConvertTo-Json -Depth 6
        $text | Should -Not -Match 'Contoso|Fabrikam|alice|Northwind'
        ((Get-RecordOfType $result 'UcLicenseTotal') | Where-Object Scope -eq 'Estate').UserLicenses | Should -Be 12
    }

    It 'says which option is missing when there is no directory' {
        { Get-UcLicenseCount -UccxAgentPath (Join-Path $script:Example 'uccx-agents.json') -ErrorAction Stop } | Should -Throw '*--users*'
    }

    It 'reports an Export-Csv Get-CsOnlineUser export as an error naming the property' {
        $null = Get-UcLicenseCount -TeamsPath (Join-Path $script:Fixtures 'teams.ps51.csv') -ErrorVariable problems -ErrorAction SilentlyContinue
        $text = ($problems | ForEach-Object { $_.Exception.Message }) -join "`n"
        $text | Should -BeLike '*FeatureTypes*'
        $text | Should -BeLike '*System.Object`[`]*'
        $text | Should -BeLike '*JSON*'
    }
}
