# Pester 5 tests of what Lync admins pipe and type into the Lync cmdlets, run on the real engine
# (the Lync cmdlets are stubbed, tests/TestStubs.ps1, and mocked with the bundled example
# estate): a subset of conferencing policies piped into Test-LyncConferencingPolicy, users piped
# by property name (Import-Csv, objects with only Identity or SipAddress), and -ResultSize
# Unlimited.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    . (Join-Path $PSScriptRoot 'ContosoEstate.ps1')
    $script:Licensed = Join-Path $Estate 'licensed.csv'
    $script:TierPolicy = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
    # What temporary files the module writes are named like (Private/Start-LicenseAuditNative.ps1).
    $script:TempFilePattern = 'licenseaudit-\d+-[0-9a-f]{32}'
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Test-LyncConferencingPolicy audits a piped subset against the rest of the configuration' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
    }

    It 'reports the one piped tag policy (help example 2), reading Global and the others itself' {
        $piped = $script:ConferencingPolicies | Where-Object Identity -eq 'Tag:STD_CAL_NoConferencing'
        $audit = @($piped | Test-LyncConferencingPolicy -ErrorVariable problems)
        # Named, not counted: a failure says which errors came (once seen in a whole-suite run only).
        @($problems | ForEach-Object { '{0}: {1}' -f $_.FullyQualifiedErrorId, $_.Exception.Message }) | Should -BeNullOrEmpty
        $audit.Count | Should -Be 1
        $audit[0].Identity | Should -Be 'Tag:STD_CAL_NoConferencing'
        $audit[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncPolicyAudit'
        $audit[0].Findings.Code | Should -Contain 'MaxMeetingSizeBlocksMultipartyIm'
        Should -Invoke -ModuleName LicenseAudit Get-CsConferencingPolicy -Times 1 -Exactly
    }

    It 'counts users against every policy with -IncludeUserCount, and reports only the piped ones' {
        $all = @(Test-LyncConferencingPolicy -IncludeUserCount)
        $piped = @($script:ConferencingPolicies | Where-Object { $_.Identity -eq 'Site:Dublin' -or $_.Identity -eq 'Tag:ENT_CAL_REC_AudioVideo' })
        $audit = @($piped | Test-LyncConferencingPolicy -IncludeUserCount -ErrorVariable problems)
        $problems.Count | Should -Be 0
        @($audit.Identity | Sort-Object) | Should -Be @('Site:Dublin', 'Tag:ENT_CAL_REC_AudioVideo')
        foreach ($one in $audit) {
            $one.AssignedUsers | Should -Be ($all | Where-Object Identity -eq $one.Identity).AssignedUsers
        }
        # No AssignedPolicyMissing for policies that exist but were not piped.
        @($audit.Findings.Code) | Should -Not -Contain 'AssignedPolicyMissing'
    }

    It 'matches a piped policy named without its Tag: prefix' {
        $bare = ($script:ConferencingPolicies | Where-Object Identity -eq 'Tag:Standard_Users_Legacy' | Select-Object -Property *)
        $bare.Identity = 'Standard_Users_Legacy'
        $audit = @($bare | Test-LyncConferencingPolicy)
        $audit.Identity | Should -Be 'Tag:Standard_Users_Legacy'
        $audit.Findings.Code | Should -Contain 'StandardNameEnablesEnterprise'
    }

    It 'names the policies, never a temporary file, when the configuration has no Global policy' {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies | Where-Object Identity -ne 'Global' }
        $piped = $script:ConferencingPolicies | Where-Object Identity -eq 'Tag:STD_CAL_NoConferencing'
        $audit = @($piped | Test-LyncConferencingPolicy -ErrorVariable problems -ErrorAction SilentlyContinue)
        $audit.Count | Should -Be 0
        $problems.Count | Should -BeGreaterThan 0
        foreach ($problem in $problems) {
            $problem.Exception.Message | Should -Not -Match $TempFilePattern
            [string]$problem.TargetObject | Should -Not -Match $TempFilePattern
        }
        ($problems | Where-Object { $_.Exception.Message -like '*Global*' }).Exception.Message | Should -BeLike '*Get-CsConferencingPolicy*'
    }
}

Describe 'Users piped by property name are looked up with Get-CsUser' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users | Where-Object { $_.SipAddress -eq $Identity -or $_.Identity -eq $Identity } } -ParameterFilter { $Identity }
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
    }

    It 'Import-Csv licensed.csv | Get-LyncCalRequirement audits each row''s user' {
        $rows = @(Import-Csv -Path $Licensed)
        $result = @($rows | Get-LyncCalRequirement -ErrorVariable problems -ErrorAction SilentlyContinue)
        # zoe is in the licence list but not a Lync user: Get-CsUser finds nothing.
        $expected = @($rows.SipAddress | Where-Object { $Users.SipAddress -contains $_ })
        @($result.SipAddress) | Should -Be $expected
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like '*MissingProperty*' -or $_.Exception.Message -like "*'Enabled'*" }).Count | Should -Be 0
        foreach ($row in $rows) {
            Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $Identity -eq $row.SipAddress }
        }
    }

    It 'looks up an object with only Identity, and one with only SipAddress' {
        $alice = $script:Users | Where-Object SipAddress -eq 'sip:alice@contoso.com'
        $byIdentity = [pscustomobject]@{ Identity = [string]$alice.Identity }
        $bySip = [pscustomobject]@{ SipAddress = 'sip:bob@contoso.com' }
        $result = @($byIdentity, $bySip | Get-LyncCalRequirement -ErrorVariable problems)
        $problems.Count | Should -Be 0
        @($result.SipAddress) | Should -Be @('sip:alice@contoso.com', 'sip:bob@contoso.com')
        $result[0].Enterprise | Should -BeTrue
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $Identity -eq [string]$alice.Identity }
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $Identity -eq 'sip:bob@contoso.com' }
    }

    It 'passes -DomainController on to the lookup' {
        @([pscustomobject]@{ SipAddress = 'sip:bob@contoso.com' } | Get-LyncCalRequirement -DomainController dc01.contoso.com).Count | Should -Be 1
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $Identity -eq 'sip:bob@contoso.com' -and $DomainController -eq 'dc01.contoso.com' }
    }

    It 'sends full Get-CsUser objects straight through, without a lookup' {
        $result = @($script:Users | Get-LyncCalRequirement)
        $result.Count | Should -Be $script:Users.Count
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'Import-Csv licensed.csv | Get-LyncCalPolicyPlan plans for each row''s user' {
        $fromRows = @(Import-Csv -Path $Licensed | Get-LyncCalPolicyPlan -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy -All -ErrorAction SilentlyContinue)
        $expected = @((Import-Csv -Path $Licensed).SipAddress | Where-Object { $Users.SipAddress -contains $_ })
        @($fromRows.SipAddress) | Should -Be $expected
        $objects = @([pscustomobject]@{ SipAddress = 'sip:mallory@contoso.com' } | Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy $TierPolicy)
        $objects.Count | Should -Be 1
        $objects[0].SipAddress | Should -Be 'sip:mallory@contoso.com'
        $objects[0].Action | Should -Be 'Grant'
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $Identity -eq 'sip:mallory@contoso.com' }
    }
}

Describe '-ResultSize takes Unlimited and numbers, as Get-CsUser does' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
    }

    It 'Get-LyncCalRequirement -ResultSize Unlimited passes Unlimited to Get-CsUser' {
        @(Get-LyncCalRequirement -ResultSize Unlimited).Count | Should -Be $script:Users.Count
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { [string]$ResultSize -eq 'Unlimited' }
    }

    It 'Get-LyncCalRequirement -ResultSize 500 passes the number' {
        @(Get-LyncCalRequirement -ResultSize 500 -Filter 'Enabled -eq $true').Count | Should -Be $script:Users.Count
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $ResultSize -is [uint32] -and $ResultSize -eq 500 }
    }

    It 'Get-LyncCalPolicyPlan -ResultSize unlimited (any case) passes Unlimited to Get-CsUser' {
        @(Get-LyncCalPolicyPlan -ResultSize unlimited -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy).Count | Should -Be 3
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { [string]$ResultSize -eq 'Unlimited' }
    }

    It 'refuses a -ResultSize that is neither, with LicenseAudit.InvalidResultSize, before reading anything' {
        foreach ($command in 'Get-LyncCalRequirement', 'Get-LyncCalPolicyPlan') {
            $arguments = @{ ResultSize = 'all' }
            if ($command -eq 'Get-LyncCalPolicyPlan') { $arguments.DefaultTier = 'Standard'; $arguments.TierPolicy = $TierPolicy }
            $failure = $null
            try { & $command @arguments | Out-Null } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike "LicenseAudit.InvalidResultSize,$command"
            $failure.Exception.Message | Should -BeLike '*-ResultSize*Unlimited*'
        }
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }
}
