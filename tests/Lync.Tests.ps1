# Pester 5 tests of the Lync cmdlets. The Lync management shell is not installed on a test
# host, so Get-Cs*/Grant-Cs*/New-Cs* are stubbed and mocked with the bundled example estate.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Estate = Join-Path $RepoRoot 'examples/contoso'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    function script:Read-Example([string]$Name) {
        Get-Content -Raw -Path (Join-Path $Estate $Name) | ConvertFrom-Json
    }
    $script:Users = Read-Example 'users.json'
    $script:ConferencingPolicies = Read-Example 'conferencing-policies.json'
    $script:VoicePolicies = Read-Example 'voice-policies.json'
    $script:Pools = Import-Clixml (Join-Path $Estate 'pools.xml')
    $script:Phones = Read-Example 'common-area-phones.json'
    $script:Analog = Read-Example 'analog-devices.json'
    $script:Rooms = Read-Example 'meeting-rooms.json'
    $script:Rgs = Read-Example 'rgs-agent-groups.json'
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-LyncCalRequirement' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
        Mock -ModuleName LicenseAudit Get-CsCommonAreaPhone { $script:Phones }
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { $script:Analog }
        Mock -ModuleName LicenseAudit Get-CsMeetingRoom { $script:Rooms }
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { $script:Rgs }
    }

    It 'gathers users, policies and pools itself and types the records' {
        $result = @(Get-LyncCalRequirement)
        $result.Count | Should -Be 12
        $result[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncUserCal'
        $alice = $result | Where-Object SipAddress -eq 'sip:alice@contoso.com'
        $alice.Enterprise | Should -BeTrue
        $alice.Plus | Should -BeTrue
        ($alice.Reasons | Where-Object Cal -eq 'Enterprise').Detail | Should -Contain 'AllowIPAudio=True'
        ($result | Where-Object SipAddress -eq 'sip:carol@contoso.com').ConferencingPolicy | Should -Be 'Site:Dublin'
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly
    }

    It 'takes Get-CsUser objects from the pipeline and does not call Get-CsUser' {
        $result = @($script:Users | Select-Object -First 3 | Get-LyncCalRequirement)
        $result.SipAddress | Should -Be @('sip:alice@contoso.com', 'sip:bob@contoso.com', 'sip:carol@contoso.com')
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'treats an empty pipeline as no users' {
        @(@() | Get-LyncCalRequirement).Count | Should -Be 0
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'turns snap-in policy objects into names before sending them' {
        $snapIn = [pscustomobject]@{
            SipAddress         = 'sip:snapin@contoso.com'
            Enabled            = $true
            RegistrarPool      = [pscustomobject]@{ Value = 'x' } | Add-Member -MemberType ScriptMethod -Name ToString -Value { 'pool01.redmond.contoso.com' } -Force -PassThru
            ConferencingPolicy = [pscustomobject]@{ FriendlyName = 'ENT_CAL_REC_AudioVideo'; Name = 'ENT_CAL_REC_AudioVideo' }
        }
        $result = $snapIn | Get-LyncCalRequirement
        $result.ConferencingPolicy | Should -Be 'Tag:ENT_CAL_REC_AudioVideo'
        $result.Site | Should -Be 'Redmond'
        $result.Enterprise | Should -BeTrue
    }

    It 'classifies devices and emits a summary with -IncludeDevices -Summary' {
        $result = @(Get-LyncCalRequirement -IncludeDevices -Summary)
        $summary = $result | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.LyncCalSummary' }
        $summary.Total | Should -Be 15
        $summary.Enterprise | Should -Be 7
        ($result | Where-Object Kind -eq 'CommonAreaPhone').Plus | Should -BeTrue
    }

    It 'applies -Rules' {
        (Get-LyncCalRequirement -Rules strict | Where-Object SipAddress -eq 'sip:bob@contoso.com').Rules | Should -Be 'strict'
    }
}

Describe 'Test-LyncConferencingPolicy' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
    }

    It 'reports the seed-001 MaxMeetingSize 2 pitfall and counts users' {
        $audit = Test-LyncConferencingPolicy -IncludeUserCount
        $std = $audit | Where-Object Identity -eq 'Tag:STD_CAL_NoConferencing'
        $std.Findings.Code | Should -Contain 'MaxMeetingSizeBlocksMultipartyIm'
        $std.AssignedUsers | Should -Be 2
        ($audit | Where-Object Identity -eq 'Tag:Standard_Users_Legacy').Findings.Code | Should -Contain 'StandardNameEnablesEnterprise'
    }

    It 'audits piped policies only' {
        $audit = @($script:ConferencingPolicies | Where-Object Identity -eq 'Global' | Test-LyncConferencingPolicy)
        $audit.Count | Should -Be 1
        $audit[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncPolicyAudit'
        Should -Invoke -ModuleName LicenseAudit Get-CsConferencingPolicy -Times 0 -Exactly
    }
}

Describe 'Get-LyncCalPolicyPlan and Set-LyncCalPolicyAssignment' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
        Mock -ModuleName LicenseAudit Grant-CsConferencingPolicy { return }
        $script:TierPolicy = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
    }

    It 'plans a Grant for each user whose policy exceeds the licence' {
        $plan = @(Get-LyncCalPolicyPlan -LicensedPath (Join-Path $Estate 'licensed.csv') -DefaultTier Standard -TierPolicy $TierPolicy)
        $plan.SipAddress | Should -Be @('sip:carol@contoso.com', 'sip:grace@contoso.com', 'sip:mallory@contoso.com')
        $plan.Action | Sort-Object -Unique | Should -Be 'Grant'
        $plan[0].GrantPolicyName | Should -Be 'STD_CAL_NoConferencing'
    }

    It '-WhatIf shows the changes and makes none' {
        $plan = Get-LyncCalPolicyPlan -LicensedPath (Join-Path $Estate 'licensed.csv') -DefaultTier Standard -TierPolicy $TierPolicy
        $plan | Set-LyncCalPolicyAssignment -WhatIf
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'grants the planned policy to each user' {
        $plan = Get-LyncCalPolicyPlan -LicensedPath (Join-Path $Estate 'licensed.csv') -DefaultTier Standard -TierPolicy $TierPolicy
        $applied = @($plan | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru)
        $applied.Applied | Should -Be @($true, $true, $true)
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 3 -Exactly
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'sip:carol@contoso.com' -and $PolicyName -eq 'STD_CAL_NoConferencing'
        }
    }

    It 'skips Action None records' {
        [pscustomobject]@{ SipAddress = 'sip:alice@contoso.com'; Action = 'None'; GrantPolicyName = $null } | Set-LyncCalPolicyAssignment -Confirm:$false
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'refuses a Standard tier policy that grants Enterprise' {
        { Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:Standard_Users_Legacy' } -ErrorAction Stop } |
            Should -Throw '*grants Enterprise*'
    }
}

Describe 'New-LyncCalPolicyTemplate' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $null }
        Mock -ModuleName LicenseAudit New-CsConferencingPolicy { [pscustomobject]@{ Identity = "Tag:$Identity" } }
    }

    It '-WhatIf creates nothing' {
        New-LyncCalPolicyTemplate -WhatIf
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'creates the five policies with their parameters' {
        $created = @(New-LyncCalPolicyTemplate -Prefix 'Contoso_' -Confirm:$false)
        $created.Count | Should -Be 5
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'Contoso_STD_CAL_NoConferencing' -and $MaxMeetingSize -eq 250 -and $AllowIPAudio -eq $false
        }
    }

    It 'leaves existing policies alone' {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { [pscustomobject]@{ Identity = 'exists' } }
        New-LyncCalPolicyTemplate -Confirm:$false -WarningVariable warnings 3>$null
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 0 -Exactly
        $warnings.Count | Should -Be 5
    }
}
