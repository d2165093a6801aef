# Pester 5 tests of Test-TeamsLicenseAssignment. The MicrosoftTeams module is not on a test host,
# so Get-CsOnlineUser, Get-CsPhoneNumberAssignment, Get-CsOnlineApplicationInstance,
# Get-CsOnlineVoiceRoutingPolicy, Get-CsOnlineVoiceRoute, Get-CsTeamsSharedCallingRoutingPolicy
# and Get-CsCallQueue are stubbed (tests/TestStubs.ps1) and mocked with the bundled example
# tenant, examples/teams (PowerShell 7 JSON, read back with ConvertFrom-Json as an admin's export
# would be), driving the real binary.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Example = Join-Path $RepoRoot 'examples/teams'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    function script:Read-Example([string]$Name) {
        # One object per element, on 5.1 (whose ConvertFrom-Json emits a JSON array as one object) too.
        Get-Content -Raw -Path (Join-Path $Example $Name) | ConvertFrom-Json | ForEach-Object { $_ }
    }
    $script:Users = @(Read-Example 'teams.json')
    $script:Numbers = @(Read-Example 'teams-phone-numbers.json')
    $script:ResourceAccounts = @(Read-Example 'teams-resource-accounts.json')
    $script:RoutingPolicies = @(Read-Example 'teams-voice-routing-policies.json')
    $script:Routes = @(Read-Example 'teams-voice-routes.json')
    $script:SharedCalling = @(Read-Example 'teams-shared-calling-policies.json')
    $script:Queues = @(Read-Example 'teams-call-queues.json')
    $script:Prices = Join-Path $Example 'teams-prices.csv'
    # The example tenant's Microsoft Graph licence data (examples/m365): the users' SKUs
    # (Get-MgUser -Property UserPrincipalName,AssignedLicenses; soft-deleted henry is not there)
    # and the tenant's SKUs with their plans (Get-MgSubscribedSku).
    $script:M365 = Join-Path $RepoRoot 'examples/m365'
    $script:UserLicenses = @(Get-Content -Raw -Path (Join-Path $M365 'm365-licenses.json') | ConvertFrom-Json | ForEach-Object { $_ })
    $script:Skus = @(Get-Content -Raw -Path (Join-Path $M365 'm365-subscribed-skus.json') | ConvertFrom-Json | ForEach-Object { $_ })
    # What the README and the engine's tests say the example tenant holds, in output order, with
    # every input: carol's Calling Plan beside a local-only routing policy is a review item, mia's
    # behind a catch-all route is waste; kim (Shared Calling), leo (a queue agent) and the
    # disabled Shared Calling resource account have none.
    $script:Expected = @(
        'bob@contoso.com PhoneLicenseVoiceDisabled Waste',
        'carol@contoso.com CallingPlanBesideDirectRouting Info',
        'dave@contoso.com VoiceWithoutPhoneLicense Broken',
        'erin@contoso.com PhoneLicenseNoNumberNoRouting Waste',
        'frank@contoso.com LicenseNotActiveVoiceEnabled Risk',
        'grace@contoso.com DisabledAccountPaidPlans Waste',
        'henry@contoso.com DeletedAccountPaidPlans Waste',
        'aa-main@contoso.com ResourceAccountUserPhoneLicense Waste',
        'mia@contoso.com CallingPlanOnDirectRouting Waste'
    )
    # With the phone numbers only: nothing says erin has no other way to the PSTN (undecided, not
    # waste) nor that mia's policy routes every number (a review item, not waste).
    $script:ExpectedNumbersOnly = @(
        'bob@contoso.com PhoneLicenseVoiceDisabled Waste',
        'carol@contoso.com CallingPlanBesideDirectRouting Info',
        'dave@contoso.com VoiceWithoutPhoneLicense Broken',
        'frank@contoso.com LicenseNotActiveVoiceEnabled Risk',
        'grace@contoso.com DisabledAccountPaidPlans Waste',
        'henry@contoso.com DeletedAccountPaidPlans Waste',
        'aa-main@contoso.com ResourceAccountUserPhoneLicense Waste',
        'mia@contoso.com CallingPlanBesideDirectRouting Info'
    )

    function script:Get-FindingLine([object[]]$Records) {
        @($Records | ForEach-Object { '{0} {1} {2}' -f $_.UserPrincipalName, $_.Code, $_.Severity })
    }
    function script:Get-TypeName([object[]]$Records) {
        @($Records | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique)
    }
    function script:Get-SessionCount {
        InModuleScope LicenseAudit { $script:LicenseAuditSessions.Count }
    }
    function script:Get-SpoolCount {
        @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count
    }
    # Get-CsPhoneNumberAssignment as the service pages it: sorted by TelephoneNumber, -Skip then
    # -Top, 500 when -Top is not given.
    function script:Select-NumberPage([object[]]$All, [int]$Top, [int]$Skip) {
        if ($Top -le 0) { $Top = 500 }
        @($All | Sort-Object TelephoneNumber | Select-Object -Skip $Skip -First $Top)
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Test-TeamsLicenseAssignment' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsOnlineUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment { Select-NumberPage -All $script:Numbers -Top $Top -Skip $Skip }
        Mock -ModuleName LicenseAudit Get-CsOnlineApplicationInstance { $script:ResourceAccounts }
        Mock -ModuleName LicenseAudit Get-CsOnlineVoiceRoutingPolicy { $script:RoutingPolicies }
        Mock -ModuleName LicenseAudit Get-CsOnlineVoiceRoute { $script:Routes }
        Mock -ModuleName LicenseAudit Get-CsTeamsSharedCallingRoutingPolicy { $script:SharedCalling }
        # Get-CsCallQueue as the service pages it: -Skip then -First, 100 when -First is not given.
        Mock -ModuleName LicenseAudit Get-CsCallQueue {
            $size = 100
            if ($First -gt 0) { $size = $First }
            @($script:Queues | Select-Object -Skip $Skip -First $size)
        }
        $script:SpoolBefore = Get-SpoolCount
    }

    It 'audits the connected tenant: one finding per problem in input order, the summary with the monthly waste in -SummaryVariable' {
        $result = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute `
                -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath $script:Prices -SummaryVariable summary -WarningAction SilentlyContinue)
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 1 -Exactly -ParameterFilter {
            $Properties -like '*AssignedPlan*' -and $Properties -like '*OnlineVoiceRoutingPolicy*' -and $Properties -like '*SoftDeletionTimestamp*' -and
            $Properties -like '*EnterpriseVoiceEnabled*' -and $Properties -like '*TeamsSharedCallingRoutingPolicy*' -and $Properties -notlike '*ObjectId*'
        }
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineApplicationInstance -Times 1 -Exactly
        foreach ($cmdlet in 'Get-CsOnlineVoiceRoutingPolicy', 'Get-CsOnlineVoiceRoute', 'Get-CsTeamsSharedCallingRoutingPolicy') {
            Should -Invoke -ModuleName LicenseAudit $cmdlet -Times 1 -Exactly -ParameterFilter { $PesterBoundParameters.ErrorAction -eq 'Stop' }
        }
        Should -Invoke -ModuleName LicenseAudit Get-CsCallQueue -Times 1 -Exactly -ParameterFilter { $First -eq 100 -and $Skip -eq 0 -and $PesterBoundParameters.ErrorAction -eq 'Stop' }
        Get-TypeName $result | Should -Be @('LicenseAudit.TeamsAssignmentFinding')
        Get-FindingLine $result | Should -Be $script:Expected
        ($result | Where-Object UserPrincipalName -eq 'bob@contoso.com').ReclaimablePlans | Should -Be 'MCOEV'
        ($result | Where-Object UserPrincipalName -eq 'aa-main@contoso.com').AccountType | Should -Be 'ResourceAccount'
        $carol = $result | Where-Object UserPrincipalName -eq 'carol@contoso.com'
        @($carol.ReclaimablePlans).Count | Should -Be 0
        $carol.Message | Should -BeLike "*'US-DirectRouting'*go out on the Calling Plan*"

        $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.TeamsAssignmentSummary'
        $summary.MonthlyWaste | Should -Be 68
        # Without the licence data the 68 includes plans inside suites: plan value, said so.
        $summary.WasteBasis | Should -Be 'PlanValue'
        $summary.WasteNote | Should -BeLike 'plan value, not a saving*Get-MgUser*Get-MgSubscribedSku*'
        $summary.MonthlyValueInSuites | Should -BeNullOrEmpty
        ($result | Where-Object UserPrincipalName -eq 'bob@contoso.com').ReclaimableViaText | Should -BeLike 'MCOEV: *plan value, not a saving'
        $summary.Findings | Should -Be 9
        $summary.Waste | Should -Be 6
        $summary.Broken | Should -Be 1
        $summary.Risk | Should -Be 1
        $summary.Info | Should -Be 1
        $summary.AccountsEvaluated | Should -Be 16
        ($summary.Rules | Where-Object Rule -eq 'PhoneLicenseNoNumberNoRouting').Undecided | Should -Be 0
        ($summary.Rules | Where-Object Rule -eq 'CallingPlanOnDirectRouting').Undecided | Should -Be 0
        @($summary.UnpricedPlans) | Should -Be @('TEAMS1')
        ($summary.Plans | Where-Object Plan -eq 'MCOEV').Reclaimable | Should -Be 5
        ($summary.Rules | Where-Object Rule -eq 'CallingPlanOnDirectRouting').Evaluated | Should -BeTrue
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'pages through Get-CsPhoneNumberAssignment with -Top and -Skip until a short page' {
        # 2,500 unassigned numbers sort before the tenant's own: carol's Direct Routing number is
        # on the third page, so her Calling Plan is seen beside it only if every page was read.
        $filler = @(for ($i = 0; $i -lt 2500; $i++) {
                [pscustomobject]@{ TelephoneNumber = '+1300{0:D7}' -f $i; NumberType = 'DirectRouting'; AssignedPstnTargetId = $null; PstnAssignmentStatus = 'Unassigned'; City = 'Omaha' }
            })
        $script:AllNumbers = @($filler) + @($script:Numbers)
        Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment { Select-NumberPage -All $script:AllNumbers -Top $Top -Skip $Skip }
        $result = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -WarningAction SilentlyContinue)
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 3 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 1 -Exactly -ParameterFilter { $Top -eq 1000 -and $Skip -eq 0 }
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 1 -Exactly -ParameterFilter { $Top -eq 1000 -and $Skip -eq 1000 }
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 1 -Exactly -ParameterFilter { $Top -eq 1000 -and $Skip -eq 2000 }
        ($result | Where-Object UserPrincipalName -eq 'carol@contoso.com').Code | Should -Be 'CallingPlanBesideDirectRouting'
        # ivan's Operator Connect number is only in the assignments (not in his LineUri).
        $result.UserPrincipalName | Should -Not -Contain 'ivan@contoso.com'
    }

    It 'reads a module without paging parameters once, and warns when it returns exactly its default limit' {
        # An older MicrosoftTeams: Get-CsCallQueue / Get-CsPhoneNumberAssignment without -First /
        # -Top. One call, and a warning that names what may be missing (Get-LicenseAuditTeamsPage).
        $result = InModuleScope LicenseAudit {
            function Get-OldTeamsQueue {
                [CmdletBinding()]
                param()
                foreach ($i in 1..100) { [pscustomobject]@{ Identity = "q$i" } }
            }
            function Invoke-PagerProbe {
                [CmdletBinding()]
                param()
                Get-LicenseAuditTeamsPage -Cmdlet $PSCmdlet -CommandName Get-OldTeamsQueue -SizeParameter First -PageSize 100 -DefaultLimit 100 `
                    -Noun 'call queues' -Key Identity -Convert { param($Item) $Item } -Remedy 'agents of queues beyond the first 100 are not known.'
            }
            $records = @(Invoke-PagerProbe -WarningVariable warned -WarningAction SilentlyContinue)
            [pscustomobject]@{ Count = $records.Count; Warnings = @($warned | ForEach-Object { [string]$_ }) }
        }
        $result.Count | Should -Be 100
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0] | Should -BeLike 'Get-OldTeamsQueue returned exactly 100 call queues, its default limit, and this MicrosoftTeams module has no -First / -Skip to page: agents*'
    }

    It 'stops paging when a page brings no new number (a module that ignores -Skip)' {
        $filler = @(for ($i = 0; $i -lt 1000; $i++) {
                [pscustomobject]@{ TelephoneNumber = '+1300{0:D7}' -f $i; NumberType = 'DirectRouting'; PstnAssignmentStatus = 'Unassigned' }
            })
        $script:SamePage = $filler
        Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment { $script:SamePage }
        $null = @($script:Users | Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -WarningAction SilentlyContinue)
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 2 -Exactly
    }

    It 'stops, instead of auditing part of the numbers, when a Get-CsPhoneNumberAssignment page fails' {
        $filler = @(for ($i = 0; $i -lt 1000; $i++) {
                [pscustomobject]@{ TelephoneNumber = '+1300{0:D7}' -f $i; NumberType = 'DirectRouting'; PstnAssignmentStatus = 'Unassigned' }
            })
        $script:FirstPage = $filler
        # Like the MicrosoftTeams cmdlets: a failed request is a non-terminating error and no output
        # (the -ErrorAction the module passes is honoured across the module boundary).
        Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment {
            if ($Skip -eq 0) { return $script:FirstPage }
            $action = if ($PesterBoundParameters.ContainsKey('ErrorAction')) { $PesterBoundParameters.ErrorAction } else { 'Continue' }
            Microsoft.PowerShell.Utility\Write-Error -Message 'Too Many Requests (429)' -ErrorAction $action
        }
        $failure = $null
        $result = @()
        try { $result = @($script:Users | Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -ErrorAction SilentlyContinue -WarningAction SilentlyContinue) } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.Exception.Message | Should -BeLike '*429*'
        $result.Count | Should -Be 0
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 2 -Exactly
        Get-SessionCount | Should -Be 0
    }

    It 'warns when a module without -Top/-Skip returns exactly its default 500 numbers' {
        $filler = @(for ($i = 0; $i -lt 500; $i++) {
                [pscustomobject]@{ TelephoneNumber = '+1300{0:D7}' -f $i; NumberType = 'DirectRouting'; PstnAssignmentStatus = 'Unassigned' }
            })
        $script:FiveHundred = $filler
        Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment { $script:FiveHundred }
        Mock -ModuleName LicenseAudit Get-Command { [pscustomobject]@{ Name = 'Get-CsPhoneNumberAssignment'; Parameters = @{ TelephoneNumber = $null } } } -ParameterFilter { $Name -eq 'Get-CsPhoneNumberAssignment' }
        $null = @($script:Users | Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -WarningVariable warnings -WarningAction SilentlyContinue)
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 1 -Exactly
        ($warnings -join "`n") | Should -BeLike '*500*-Top*'
    }

    It 'hands the engine only the four properties it reads of a phone number' {
        $number = [pscustomobject]@{
            TelephoneNumber = '+14255550101'; OperatorId = $null; NumberType = 'DirectRouting'; ActivationState = 'Activated'
            AssignedPstnTargetId = '6f1c1e2a-0000-4000-8000-000000000001'; PstnAssignmentStatus = 'UserAssigned'; City = 'Redmond'; CivicAddressId = 'x'
        }
        $record = & (Get-Module LicenseAudit) { param($Number) ConvertTo-LicenseAuditTeamsPhoneNumber -InputObject $Number } $number
        @($record.PSObject.Properties.Name) | Should -Be @('TelephoneNumber', 'NumberType', 'AssignedPstnTargetId', 'PstnAssignmentStatus')
    }

    It 'sends the voice routing policy as {Authority, Name}, a Global (null) policy as null, and leaves out what the object lacks' {
        InModuleScope LicenseAudit {
            $user = [pscustomobject]@{
                UserPrincipalName        = 'a@contoso.com'
                AccountEnabled           = $true
                EnterpriseVoiceEnabled   = $true
                AssignedPlan             = @([pscustomobject]@{ Capability = 'MCOEV'; CapabilityStatus = 'Enabled'; ServicePlanId = '4828c8ec-dc2e-4779-b502-87ac9ce28ab7' })
                OnlineVoiceRoutingPolicy = [pscustomobject]@{ Authority = 'Tenant'; Name = 'US-DirectRouting' }
                TeamsCallingPolicy       = [pscustomobject]@{ Authority = 'Tenant'; Name = 'AllowCalling' }
            }
            $back = ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditTeamsUser -InputObject $user -Property $script:TeamsAssignmentUserProperties) | ConvertFrom-Json
            $back.OnlineVoiceRoutingPolicy.Name | Should -Be 'US-DirectRouting'
            $back.AssignedPlan[0].CapabilityStatus | Should -Be 'Enabled'
            $back.PSObject.Properties.Name | Should -Not -Contain 'TeamsCallingPolicy'
            $back.PSObject.Properties.Name | Should -Not -Contain 'LineUri'

            $global = [pscustomobject]@{ UserPrincipalName = 'b@contoso.com'; AssignedPlan = @(); OnlineVoiceRoutingPolicy = $null }
            $line = ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditTeamsUser -InputObject $global -Property $script:TeamsAssignmentUserProperties)
            $line | Should -BeLike '*"OnlineVoiceRoutingPolicy":null*'
        }
    }

    It 'audits exported JSON from the pipeline without calling the Teams cmdlets; -Summary emits the summary only' {
        $result = @(Get-Content -Raw -Path (Join-Path $script:Example 'teams.json') | ConvertFrom-Json |
                Test-TeamsLicenseAssignment -PhoneNumberAssignment (Get-Content -Raw -Path (Join-Path $script:Example 'teams-phone-numbers.json') | ConvertFrom-Json) `
                    -ResourceAccount $script:ResourceAccounts -VoiceRoutingPolicy $script:RoutingPolicies -VoiceRoute $script:Routes `
                    -SharedCallingPolicy $script:SharedCalling -CallQueue $script:Queues -PricePath $script:Prices -Summary -WarningAction SilentlyContinue)
        foreach ($cmdlet in 'Get-CsOnlineUser', 'Get-CsPhoneNumberAssignment', 'Get-CsOnlineApplicationInstance', 'Get-CsOnlineVoiceRoutingPolicy',
            'Get-CsOnlineVoiceRoute', 'Get-CsTeamsSharedCallingRoutingPolicy', 'Get-CsCallQueue') {
            Should -Invoke -ModuleName LicenseAudit $cmdlet -Times 0 -Exactly
        }
        Get-TypeName $result | Should -Be @('LicenseAudit.TeamsAssignmentSummary')
        $result.Count | Should -Be 1
        $result[0].MonthlyWaste | Should -Be 68
        $result[0].UnpricedPlansText | Should -Be 'TEAMS1'
        ($result[0].ByCode | Where-Object Code -eq 'CallingPlanOnDirectRouting').Findings | Should -Be 1
        ($result[0].ByCode | Where-Object Code -eq 'CallingPlanBesideDirectRouting').Findings | Should -Be 1
    }

    It 'reads the voice routing, Shared Calling and call queue cmdlets: in-use licences are not waste, erin (every path closed) is' {
        $result = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeVoiceRoutingPolicy -IncludeVoiceRoute -IncludeSharedCallingPolicy -IncludeCallQueue `
                -SummaryVariable summary -WarningAction SilentlyContinue)
        # kim (a Shared Calling policy), leo (an agent of the Support queue) and aa-shared (a
        # disabled resource account with a pay-as-you-go Calling Plan and a Calling Plan number).
        foreach ($upn in 'kim@contoso.com', 'leo@contoso.com', 'aa-shared@contoso.com') {
            @($result | Where-Object UserPrincipalName -eq $upn).Count | Should -Be 0 -Because "$upn uses its licences"
        }
        ($result | Where-Object UserPrincipalName -eq 'erin@contoso.com').Code | Should -Be 'PhoneLicenseNoNumberNoRouting'
        ($result | Where-Object UserPrincipalName -eq 'mia@contoso.com').Code | Should -Be 'CallingPlanOnDirectRouting'
        $erin = $result | Where-Object UserPrincipalName -eq 'erin@contoso.com'
        $erin.EvidenceText | Should -BeLike '*OnlinePstnUsages Global=(none) (Get-CsOnlineVoiceRoutingPolicy)*'
        $erin.EvidenceText | Should -BeLike '*ResourceAccount Global=(not set) (Get-CsTeamsSharedCallingRoutingPolicy)*'
        $erin.EvidenceText | Should -BeLike '*(Get-CsCallQueue)*'
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'without the routing, Shared Calling and queue inputs decides nothing it cannot prove, and the summary names each missing cmdlet' {
        $result = @($script:Users | Test-TeamsLicenseAssignment -PhoneNumberAssignment $script:Numbers -SummaryVariable summary -WarningAction SilentlyContinue)
        Get-FindingLine $result | Should -Be $script:ExpectedNumbersOnly
        $rule = $summary.Rules | Where-Object Rule -eq 'PhoneLicenseNoNumberNoRouting'
        $rule.Undecided | Should -Be 2
        $rule.Note | Should -BeLike '*Get-CsOnlineVoiceRoutingPolicy export was not given*Get-CsTeamsSharedCallingRoutingPolicy export was not given*Get-CsCallQueue export was not given*'
        $calling = $summary.Rules | Where-Object Rule -eq 'CallingPlanOnDirectRouting'
        $calling.Undecided | Should -Be 2
        $calling.Note | Should -BeLike '*CallingPlanBesideDirectRouting (Info) instead*'
        $summary.Info | Should -Be 2
    }

    It 'pages through Get-CsCallQueue with -First and -Skip until a short page' {
        # 150 queues sort before Support: leo is its agent only on the second page.
        $filler = @(for ($i = 0; $i -lt 150; $i++) {
                [pscustomobject]@{ Identity = ('00000000-0000-4000-8000-{0:D12}' -f $i); Name = "Queue $i"; Agents = @(); Users = @(); DistributionLists = @() }
            })
        $script:AllQueues = @($filler) + @($script:Queues)
        Mock -ModuleName LicenseAudit Get-CsCallQueue { @($script:AllQueues | Select-Object -Skip $Skip -First $First) }
        $result = @($script:Users | Test-TeamsLicenseAssignment -PhoneNumberAssignment $script:Numbers -VoiceRoutingPolicy $script:RoutingPolicies `
                -SharedCallingPolicy $script:SharedCalling -IncludeCallQueue -WarningAction SilentlyContinue)
        Should -Invoke -ModuleName LicenseAudit Get-CsCallQueue -Times 2 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-CsCallQueue -Times 1 -Exactly -ParameterFilter { $First -eq 100 -and $Skip -eq 100 }
        $result.UserPrincipalName | Should -Not -Contain 'leo@contoso.com'
        ($result | Where-Object UserPrincipalName -eq 'erin@contoso.com').Code | Should -Be 'PhoneLicenseNoNumberNoRouting'
    }

    It 'sends TeamsSharedCallingRoutingPolicy as {Authority, Name} and a Global (null) one as null' {
        # Both ways an account becomes its input line: the compiled channel (EngineChannel.LineOf)
        # and the script path it falls back to (ConvertTo-LicenseAuditTeamsUser).
        $kim = $script:Users | Where-Object UserPrincipalName -eq 'kim@contoso.com'
        $erin = $script:Users | Where-Object UserPrincipalName -eq 'erin@contoso.com'
        $lines = InModuleScope LicenseAudit -Parameters @{ Accounts = @($kim, $erin) } {
            param($Accounts)
            function Invoke-TeamsLineProbe {
                [CmdletBinding()]
                param($Accounts)
                $session = New-LicenseAuditNativeSession -Command 'codec' -Cmdlet $PSCmdlet -InputKind TeamsUser -InputProperty $script:TeamsAssignmentUserProperties
                try {
                    foreach ($account in $Accounts) {
                        [pscustomobject]@{
                            Channel = $session.Channel.LineOf($account, $account)
                            Script  = & $script:LicenseAuditCodecFallback 'TeamsUser' $account $script:TeamsAssignmentUserProperties
                        }
                    }
                }
                finally {
                    $session.Stop()
                }
            }
            Invoke-TeamsLineProbe -Accounts $Accounts
        }
        $lines.Count | Should -Be 2
        foreach ($line in $lines) { $line.Channel | Should -BeExactly $line.Script }
        ($lines[0].Channel | ConvertFrom-Json).TeamsSharedCallingRoutingPolicy.Name | Should -Be 'SharedCalling-Main'
        ($lines[0].Channel | ConvertFrom-Json).TeamsSharedCallingRoutingPolicy.Authority | Should -Be 'Tenant'
        $lines[1].Channel | Should -BeLike '*"TeamsSharedCallingRoutingPolicy":null*'
    }

    It 'hands the engine only what it reads of a call queue: the agents as their object ids' {
        $queue = [pscustomobject]@{
            Identity = 'q1'; Name = 'Support'; RoutingMethod = 'Attendant'; Statistics = 'x'
            Agents = @([pscustomobject]@{ ObjectId = [guid]'6f1c1e2a-0000-4000-8000-000000000015'; OptIn = $true })
            Users = @([guid]'6f1c1e2a-0000-4000-8000-000000000001'); DistributionLists = @(); AgentsCapped = $false
        }
        $record = & (Get-Module LicenseAudit) { param($Queue) ConvertTo-LicenseAuditTeamsCallQueue -InputObject $Queue } $queue
        @($record.PSObject.Properties.Name) | Should -Be @('Identity', 'Name', 'Agents', 'Users', 'DistributionLists', 'AgentsCapped')
        @($record.Agents) | Should -Be @('6f1c1e2a-0000-4000-8000-000000000015')
        @($record.Users) | Should -Be @('6f1c1e2a-0000-4000-8000-000000000001')
    }

    It 'takes several exports for one parameter (5.1 arrays inside arrays) as one list' {
        $half = [int]($script:Numbers.Count / 2)
        $first = @($script:Numbers[0..($half - 1)])
        $second = @($script:Numbers[$half..($script:Numbers.Count - 1)])
        $result = @($script:Users | Test-TeamsLicenseAssignment -PhoneNumberAssignment $first, $second -WarningAction SilentlyContinue)
        Get-FindingLine $result | Should -Be $script:ExpectedNumbersOnly
    }

    It 'leaves out, with a warning, -PhoneNumberAssignment objects that are not phone numbers' {
        $wrong = @($script:Numbers) + @($script:Users[0])
        $result = @($script:Users | Test-TeamsLicenseAssignment -PhoneNumberAssignment $wrong -WarningVariable warnings -WarningAction SilentlyContinue)
        Get-FindingLine $result | Should -Be $script:ExpectedNumbersOnly
        ($warnings -join "`n") | Should -BeLike '*1 -PhoneNumberAssignment object(s) have no TelephoneNumber*'
    }

    It 'without phone numbers the Calling Plan rule does not run, and the summary says so' {
        $result = @($script:Users | Test-TeamsLicenseAssignment -SummaryVariable summary -WarningAction SilentlyContinue)
        $result.Code | Should -Not -Contain 'CallingPlanOnDirectRouting'
        ($summary.Rules | Where-Object Rule -eq 'CallingPlanOnDirectRouting').Evaluated | Should -BeFalse
        $summary.MonthlyWaste | Should -BeNullOrEmpty
    }

    It 'exports the waste to CSV with one kind of row, evidence as text' {
        $path = Join-Path $TestDrive 'teams-waste.csv'
        Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute -IncludeSharedCallingPolicy `
            -IncludeCallQueue -WarningAction SilentlyContinue | Where-Object Severity -eq 'Waste' | Export-Csv -Path $path -NoTypeInformation
        $rows = @(Import-Csv -Path $path)
        $rows.Count | Should -Be 6
        @($rows.UserPrincipalName) | Should -Not -Contain 'carol@contoso.com'
        @($rows | ForEach-Object { $_.Severity } | Sort-Object -Unique) | Should -Be @('Waste')
        $bob = $rows | Where-Object UserPrincipalName -eq 'bob@contoso.com'
        $bob.EvidenceText | Should -Be 'EnterpriseVoiceEnabled=False (Get-CsOnlineUser); AssignedPlan MCOEV=Enabled (Get-CsOnlineUser)'
        $bob.ReclaimablePlansText | Should -Be 'MCOEV'
        ($rows | Where-Object UserPrincipalName -eq 'grace@contoso.com').PlansText | Should -Be 'MCOEV; MCOMEETADV; TEAMS1'
        # The engine's text, not the [datetime] PowerShell 7's ConvertFrom-Json makes of it in the
        # session's culture and time zone.
        ($rows | Where-Object UserPrincipalName -eq 'henry@contoso.com').EvidenceText |
            Should -Be 'SoftDeletionTimestamp=2026-11-20T08:15:00+00:00 (Get-CsOnlineUser); AssignedPlan TEAMS1=Enabled (Get-CsOnlineUser); AssignedPlan MCOEV=Enabled (Get-CsOnlineUser)'
    }

    It 'reports a repeated account as an error whose target is the object piped in, and audits the rest' {
        $again = $script:Users | Where-Object UserPrincipalName -eq 'bob@contoso.com'
        $result = @(@($script:Users) + @($again) | Test-TeamsLicenseAssignment -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @($result | Where-Object UserPrincipalName -eq 'bob@contoso.com').Count | Should -Be 1
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidInput*'
        # The object piped in (it has TeamsCallingPolicy), not the record sent to the engine.
        $problems[0].TargetObject.UserPrincipalName | Should -Be 'bob@contoso.com'
        $problems[0].TargetObject.PSObject.Properties.Name | Should -Contain 'TeamsCallingPolicy'
        $problems[0].Exception.Message | Should -BeLike '*pipeline accounts*appears more than once*'
    }

    It 'ends the engine when Select-Object -First stops the pipeline' {
        $first = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -WarningAction SilentlyContinue | Select-Object -First 1)
        $first.Count | Should -Be 1
        $first[0].UserPrincipalName | Should -Be 'bob@contoso.com'
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'says the MicrosoftTeams cmdlets are missing, with a stable id, before anything runs' {
        Mock -ModuleName LicenseAudit Get-Command { $null } -ParameterFilter { $Name -eq 'Get-CsOnlineUser' }
        $failure = $null
        try { Test-TeamsLicenseAssignment } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.TeamsCmdletsNotFound*'
        $failure.Exception.Message | Should -BeLike '*Get-CsOnlineUser*Connect-MicrosoftTeams*'
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        Get-SessionCount | Should -Be 0
    }

    It 'says which cmdlet -IncludeCallQueue needs when it is missing, before anything is read' {
        Mock -ModuleName LicenseAudit Get-Command { $null } -ParameterFilter { $Name -eq 'Get-CsCallQueue' }
        $failure = $null
        try { $script:Users | Test-TeamsLicenseAssignment -IncludeVoiceRoutingPolicy -IncludeCallQueue } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.TeamsCmdletsNotFound*'
        $failure.TargetObject | Should -Be 'Get-CsCallQueue'
        $failure.Exception.Message | Should -BeLike '*-CallQueue*'
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineVoiceRoutingPolicy -Times 0 -Exactly
        Get-SessionCount | Should -Be 0
    }

    It 'says which cmdlet an -Include switch needs when it is missing, even with accounts piped in' {
        Mock -ModuleName LicenseAudit Get-Command { $null } -ParameterFilter { $Name -eq 'Get-CsPhoneNumberAssignment' }
        $failure = $null
        try { $script:Users | Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.TeamsCmdletsNotFound*'
        $failure.TargetObject | Should -Be 'Get-CsPhoneNumberAssignment'
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 0 -Exactly
        Get-SessionCount | Should -Be 0
    }

    It 'stops before reading the tenant when -PricePath names no file' {
        $failure = $null
        try { Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -PricePath (Join-Path $TestDrive 'no-such-prices.csv') } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PathNotFound*'
        $failure.Exception.Message | Should -BeLike '*-PricePath*'
        Should -Invoke -ModuleName LicenseAudit Get-CsOnlineUser -Times 0 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-CsPhoneNumberAssignment -Times 0 -Exactly
        Get-SessionCount | Should -Be 0
    }

    It 'with -UserLicense and -SubscribedSku objects prices only the plans bought separately, and says how each is held' {
        # Get-MgUser / Get-MgSubscribedSku output as Microsoft Graph PowerShell types it
        # (MicrosoftGraphUser, AssignedLicenses of MicrosoftGraphAssignedLicense; MicrosoftGraphSubscribedSku,
        # ServicePlans of MicrosoftGraphServicePlanInfo), one user as the hashtable
        # Invoke-MgGraphRequest returns (camelCase), and the rest read back from JSON.
        $typed = @($script:UserLicenses | Where-Object UserPrincipalName -ne 'erin@contoso.com' | ForEach-Object {
                $licences = @($_.AssignedLicenses | ForEach-Object {
                        $licence = [pscustomobject][ordered]@{ DisabledPlans = [string[]]@(); SkuId = [string]$_.SkuId }
                        $licence.PSObject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense')
                        $licence
                    })
                $user = [pscustomobject][ordered]@{ Id = [guid]::NewGuid().ToString(); DisplayName = $null; UserPrincipalName = $_.UserPrincipalName; AssignedLicenses = $licences }
                $user.PSObject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser')
                $user
            })
        $erin = $script:UserLicenses | Where-Object UserPrincipalName -eq 'erin@contoso.com'
        $hashtable = @{ userPrincipalName = 'erin@contoso.com'; assignedLicenses = @($erin.AssignedLicenses | ForEach-Object { @{ skuId = [string]$_.SkuId; disabledPlans = @() } }) }
        $skus = @($script:Skus | ForEach-Object {
                $plans = @($_.ServicePlans | ForEach-Object {
                        $plan = [pscustomobject][ordered]@{ AppliesTo = $_.AppliesTo; ProvisioningStatus = $_.ProvisioningStatus; ServicePlanId = [string]$_.ServicePlanId; ServicePlanName = $_.ServicePlanName }
                        $plan.PSObject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphServicePlanInfo')
                        $plan
                    })
                $sku = [pscustomobject][ordered]@{ AccountName = 'Contoso'; AppliesTo = 'User'; CapabilityStatus = 'Enabled'; ConsumedUnits = $_.ConsumedUnits; Id = $_.Id
                    ServicePlans = $plans; SkuId = [string]$_.SkuId; SkuPartNumber = $_.SkuPartNumber
                }
                $sku.PSObject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphSubscribedSku')
                $sku
            })
        $result = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute `
                -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath $script:Prices -UserLicense ($typed + $hashtable) -SubscribedSku $skus `
                -SummaryVariable summary -WarningVariable warnings -WarningAction SilentlyContinue)
        # The licence data changes the money, not the findings.
        Get-FindingLine $result | Should -Be $script:Expected
        $via = @{}
        foreach ($finding in $result) { $via[$finding.UserPrincipalName] = @($finding.ReclaimableVia) }
        $via['bob@contoso.com'] | Should -BeLike 'MCOEV: in SPE_E5, a suite*changing or removing the suite*'
        $via['erin@contoso.com'] | Should -Be 'MCOEV: SKU MCOEV, bought separately (it holds MCOEV only): return it'
        $via['mia@contoso.com'] | Should -Be 'MCOPSTN2: SKU MCOPSTN2, bought separately (it holds MCOPSTN2 only): return it'
        @($via['grace@contoso.com']).Count | Should -Be 3
        $via['henry@contoso.com'][0] | Should -BeLike 'MCOEV: no licence data for this account*'
        ($result | Where-Object UserPrincipalName -eq 'grace@contoso.com').ReclaimableViaText | Should -BeLike 'MCOEV: in SPE_E5*; MCOMEETADV: in SPE_E5*; TEAMS1: in SPE_E5*'
        @($warnings | Where-Object { [string]$_ -like '*not in the licence data*henry@contoso.com*' }).Count | Should -Be 1

        $summary.WasteBasis | Should -Be 'Saving'
        $summary.WasteNote | Should -BeLike 'a saving*'
        # erin's and the auto attendant's Teams Phone Standard (2 x 8.00), mia's Calling Plan (24.00).
        $summary.MonthlyWaste | Should -Be 40
        # bob's and grace's Teams Phone (2 x 8.00) and grace's Audio Conferencing (4.00), in E5.
        $summary.MonthlyValueInSuites | Should -Be 20
        # henry (soft-deleted, not returned by Get-MgUser): his Teams Phone.
        $summary.MonthlyValueUnknown | Should -Be 8
        $mcoev = $summary.Plans | Where-Object Plan -eq 'MCOEV'
        @($mcoev.Reclaimable, $mcoev.ReclaimableSeparate, $mcoev.ReclaimableInSuite, $mcoev.ReclaimableUnknown) | Should -Be @(5, 2, 2, 1)
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'hands the engine only the UPN and SKUs of a user, and the ids and names of a SKU''s plans' {
        $user = [pscustomobject]@{ UserPrincipalName = ' bob@contoso.com '; Id = 'x'; Mail = 'bob@contoso.com'; DisplayName = 'Bob'
            AssignedLicenses = @([pscustomobject]@{ SkuId = [guid]'06ebc4ee-1bb5-47dd-8120-11324bc54e06'; DisabledPlans = @([guid]'4828c8ec-dc2e-4779-b502-87ac9ce28ab7') })
        }
        $record = InModuleScope LicenseAudit -Parameters @{ User = $user } { param($User) ConvertTo-LicenseAuditTeamsUserLicense -InputObject $User }
        @($record.PSObject.Properties.Name) | Should -Be @('UserPrincipalName', 'AssignedLicenses')
        $record.UserPrincipalName | Should -Be 'bob@contoso.com'
        $record.AssignedLicenses[0].SkuId | Should -Be '06ebc4ee-1bb5-47dd-8120-11324bc54e06'
        @($record.AssignedLicenses[0].DisabledPlans) | Should -Be @('4828c8ec-dc2e-4779-b502-87ac9ce28ab7')
        $sku = $script:Skus[0]
        $record = InModuleScope LicenseAudit -Parameters @{ Sku = $sku } { param($Sku) ConvertTo-LicenseAuditTeamsSubscribedSku -InputObject $Sku }
        @($record.PSObject.Properties.Name) | Should -Be @('SkuId', 'SkuPartNumber', 'ServicePlans')
        @($record.ServicePlans[0].PSObject.Properties.Name) | Should -Be @('ServicePlanId', 'ServicePlanName', 'AppliesTo', 'ProvisioningStatus')
        # ServicePlans asked away (-Property SkuId,SkuPartNumber leaves it null): sent as null, for
        # the engine to refuse, never as a SKU holding no plan.
        $bare = [pscustomobject]@{ SkuId = $sku.SkuId; SkuPartNumber = $sku.SkuPartNumber; ServicePlans = $null }
        $record = InModuleScope LicenseAudit -Parameters @{ Sku = $bare } { param($Sku) ConvertTo-LicenseAuditTeamsSubscribedSku -InputObject $Sku }
        $record.PSObject.Properties['ServicePlans'].Value | Should -BeNullOrEmpty
        $record.PSObject.Properties['ServicePlans'] | Should -Not -BeNullOrEmpty
    }

    It 'reports -SubscribedSku objects without their plans as input errors naming the property, with no findings' {
        $bare = @($script:Skus | Select-Object SkuId, SkuPartNumber, @{ n = 'ServicePlans'; e = { $null } })
        $result = @($script:Users | Test-TeamsLicenseAssignment -PricePath $script:Prices -UserLicense $script:UserLicenses -SubscribedSku $bare `
                -SummaryVariable summary -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $result.Count | Should -Be 0
        $summary | Should -BeNullOrEmpty
        $problems.Count | Should -BeGreaterThan 0
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidInput*'
        $problems[0].Exception.Message | Should -BeLike '*ServicePlans*'
        @($problems | Where-Object { $_.Exception.Message -like '*--subscribed-skus*' }).Count | Should -Be 0
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }

    It 'reports a bad price list as input errors naming the property, with no findings and no summary' {
        $path = Join-Path $TestDrive 'bad-prices.csv'
        [System.IO.File]::WriteAllText($path, "Plan,MonthlyPrice`nMCOEV,`"8,00`"`n")
        $result = @($script:Users | Test-TeamsLicenseAssignment -PricePath $path -SummaryVariable summary -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $result.Count | Should -Be 0
        $summary | Should -BeNullOrEmpty
        $problems.Count | Should -BeGreaterThan 0
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidInput*'
        $problems[0].Exception.Message | Should -BeLike "*MonthlyPrice*8,00*"
        Get-SessionCount | Should -Be 0
        Get-SpoolCount | Should -Be $SpoolBefore
    }
}
