# Pester 5 tests of the module where the Lync / Teams cmdlets are not (an admin's workstation, a
# plain PowerShell on a server without the management tools), and of what reaches the caller's
# -ErrorVariable when a command the module calls fails or is looked for: one LicenseAudit error per
# cause, never a CommandNotFoundException naming a private function, never Get-Command's or the
# inner cmdlet's own errors beside it. Every cmdlet runs the real engine.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    . (Join-Path $PSScriptRoot 'ContosoEstate.ps1')

    # The stand-ins other test files leave in the global scope (tests/TestStubs.ps1), put aside
    # so that this session has no Lync or Teams cmdlet, and put back after.
    $script:StubNames = @('Get-CsUser', 'Get-CsConferencingPolicy', 'Get-CsVoicePolicy', 'Get-CsPool', 'Get-CsSite',
        'Get-CsCommonAreaPhone', 'Get-CsAnalogDevice', 'Get-CsMeetingRoom', 'Get-CsRgsAgentGroup', 'Get-CsService',
        'Grant-CsConferencingPolicy', 'New-CsConferencingPolicy', 'Get-CsOnlineUser', 'Get-CsTeamsIPPhonePolicy',
        'Get-CsOnlineApplicationInstance', 'Get-CsPhoneNumberAssignment', 'Get-CsOnlineVoiceRoutingPolicy',
        'Get-CsOnlineVoiceRoute', 'Get-CsTeamsSharedCallingRoutingPolicy', 'Get-CsCallQueue')
    $script:SetAside = @{}
    foreach ($name in $StubNames) {
        # (Get-Item and Remove-Item take no scope in a function: path; the stand-ins are global.)
        $existing = Get-Item -Path "function:$name" -ErrorAction Ignore
        if ($existing) {
            $SetAside[$name] = $existing.ScriptBlock
            Remove-Item -Path "function:$name"
        }
    }
    foreach ($name in $StubNames) {
        $command = Get-Command -Name $name -ErrorAction Ignore
        if ($command) { throw ('{0} is a {1} of this host ({2} {3} {4}); these tests need a host without it.' -f $name, $command.CommandType, $command.Source, $command.ScriptBlock.File, $command.ScriptBlock.StartPosition.StartLine) }
    }

    # What a call (whose command has -ErrorVariable problems) leaves there, terminating error
    # included: dot-sourced, so that $problems is set in here.
    function script:Get-CallError([scriptblock]$Call) {
        $problems = $null
        try { . $Call | Out-Null } catch { }
        # A terminating error is there as the exception that carries it (CmdletInvocationException).
        , @($problems | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ } elseif ($_.ErrorRecord) { $_.ErrorRecord } else { $_ } })
    }
    function script:Get-ErrorId($Problem) { ([string]$Problem.FullyQualifiedErrorId -split ',')[0] }
}

AfterAll {
    foreach ($name in $SetAside.Keys) { New-Item -Path "function:global:$name" -Value $SetAside[$name] | Out-Null }
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Outside the Lync Server Management Shell: one LyncCmdletsNotFound naming what is missing' {
    It '<Name>' -ForEach @(
        @{ Name = 'Get-LyncCalRequirement'; Missing = @('Get-CsUser', 'Get-CsConferencingPolicy', 'Get-CsVoicePolicy', 'Get-CsPool')
            Call = { Get-LyncCalRequirement -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Get-LyncCalRequirement -IncludeDevices, policies given'; Missing = @('Get-CsUser', 'Get-CsCommonAreaPhone', 'Get-CsAnalogDevice', 'Get-CsRgsAgentGroup')
            Call = { Get-LyncCalRequirement -IncludeDevices -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Get-LyncCalPolicyPlan'; Missing = @('Get-CsUser', 'Get-CsConferencingPolicy', 'Get-CsVoicePolicy', 'Get-CsPool')
            Call = { Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD' } -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Test-LyncConferencingPolicy'; Missing = @('Get-CsConferencingPolicy')
            Call = { Test-LyncConferencingPolicy -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Test-LyncConferencingPolicy -IncludeUserCount, policies piped'; Missing = @('Get-CsConferencingPolicy', 'Get-CsUser', 'Get-CsPool')
            Call = { $ConferencingPolicies | Test-LyncConferencingPolicy -IncludeUserCount -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Get-LyncCalUsage'; Missing = @('Get-CsService')
            Call = { Get-LyncCalUsage -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'New-LyncCalPolicyTemplate'; Missing = @('New-CsConferencingPolicy', 'Get-CsConferencingPolicy')
            Call = { New-LyncCalPolicyTemplate -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Set-LyncCalPolicyAssignment'; Missing = @('Grant-CsConferencingPolicy')
            Call = { [pscustomobject]@{ SipAddress = 'sip:ann@contoso.com'; Action = 'Grant'; GrantPolicyName = 'Tag:STD' } | Set-LyncCalPolicyAssignment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue } }
    ) {
        $problems = Get-CallError $Call
        $problems.Count | Should -Be 1 -Because (@($problems | ForEach-Object { $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message }) -join ' | ')
        Get-ErrorId $problems[0] | Should -Be 'LicenseAudit.LyncCmdletsNotFound'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].Exception.Message | Should -BeLike ('{0} * not available: *Management Shell*' -f ($Missing -join ', '))
        # The cmdlet the admin called, not a function inside the module.
        $problems[0].FullyQualifiedErrorId | Should -Be ('LicenseAudit.LyncCmdletsNotFound,{0}' -f ($Name -split ' ')[0])
    }

    It 'Set-LyncCalPolicyAssignment -WhatIf previews without the Lync cmdlets' {
        $record = [pscustomobject]@{ SipAddress = 'sip:ann@contoso.com'; Action = 'Grant'; GrantPolicyName = 'Tag:STD' }
        $problems = Get-CallError { $record | Set-LyncCalPolicyAssignment -WhatIf -ErrorVariable problems -ErrorAction SilentlyContinue }
        $problems.Count | Should -Be 0
    }

    It 'Get-LyncCalRequirement with users and policies given needs no Lync cmdlet and leaves -ErrorVariable empty' {
        $result = $null
        $problems = $null
        $result = @($Users | Get-LyncCalRequirement -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools -ErrorVariable problems)
        $result.Count | Should -Be $Users.Count
        @($problems).Count | Should -Be 0
    }

    It 'New-LyncCalPolicyTemplate -TemplateOnly needs none' {
        $problems = $null
        $templates = @(New-LyncCalPolicyTemplate -TemplateOnly -ErrorVariable problems)
        $templates.Count | Should -BeGreaterThan 0
        @($problems).Count | Should -Be 0
    }
}

Describe 'Invoke-LicenseAudit outside the Lync Server Management Shell' {
    It 'is one LyncCmdletsNotFound of its own, before any run folder is made' {
        $out = Join-Path $TestDrive 'invoke-no-lync'
        $problems = Get-CallError { Invoke-LicenseAudit -Audit Entitlement -OutputPath $out -ErrorVariable problems -ErrorAction SilentlyContinue }
        $problems.Count | Should -Be 1 -Because (@($problems | ForEach-Object { $_.FullyQualifiedErrorId }) -join ' | ')
        $problems[0].FullyQualifiedErrorId | Should -Be 'LicenseAudit.LyncCmdletsNotFound,Invoke-LicenseAudit'
        $problems[0].Exception.Message | Should -BeLike '*Entitlement: not run*-SnapshotPath*'
        @(Get-ChildItem -LiteralPath $out -Directory -ErrorAction Ignore | Where-Object Name -NE 'history').Count | Should -Be 0
    }
}

Describe 'Without MicrosoftTeams: one TeamsCmdletsNotFound, no Get-Command error beside it' {
    It '<Name>' -ForEach @(
        @{ Name = 'Get-TeamsLicenseCount'; Call = { Get-TeamsLicenseCount -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Test-TeamsLicenseAssignment'; Call = { Test-TeamsLicenseAssignment -ErrorVariable problems -ErrorAction SilentlyContinue } }
    ) {
        $problems = Get-CallError $Call
        $problems.Count | Should -Be 1 -Because (@($problems | ForEach-Object { $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message }) -join ' | ')
        Get-ErrorId $problems[0] | Should -Be 'LicenseAudit.TeamsCmdletsNotFound'
        $problems[0].Exception.Message | Should -BeLike 'Get-CsOnlineUser*not available*'
    }
}

Describe 'A failing Lync cmdlet leaves one LicenseAudit error, not its own besides' {
    BeforeAll {
        # Shaped like the real cmdlets' failures: Get-CsUser's "Management object not found for
        # identity" and a Grant refused, both non-terminating errors.
        function global:Get-CsUser {
            [CmdletBinding()]
            param([string]$Identity, [string]$Filter, [string]$LdapFilter, [string]$OU, [object]$ResultSize, [string]$DomainController)
            $match = @($script:KnownUsers | Where-Object { -not $Identity -or $_.SipAddress -eq $Identity -or $_.SipAddress -eq ('sip:' + $Identity) })
            if ($Identity -and $match.Count -eq 0) {
                $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
                            (New-Object System.Management.Automation.ItemNotFoundException "Management object not found for identity `"$Identity`"."),
                            'Identity,Microsoft.Rtc.Management.AD.Cmdlets.GetOcsUserCmdlet', 'ObjectNotFound', $Identity)))
                return
            }
            $match
        }
        function global:Grant-CsConferencingPolicy {
            [CmdletBinding(SupportsShouldProcess)]
            param([string]$Identity, [AllowNull()][string]$PolicyName)
            $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
                        (New-Object System.InvalidOperationException "Policy `"$PolicyName`" is not a user policy."),
                        'GrantPolicyFailed,Microsoft.Rtc.Management.Internal.GrantPolicyCmdlet', 'InvalidOperation', $Identity)))
        }
        function global:Get-CsConferencingPolicy {
            [CmdletBinding()]
            param([string]$Identity)
            if ($Identity) {
                $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
                            (New-Object System.Management.Automation.ItemNotFoundException "Cannot get `"$Identity`" because it does not exist."),
                            'ItemNotFound,Microsoft.Rtc.Management.Internal.GetPolicyCmdlet', 'ObjectNotFound', $Identity)))
                return
            }
            $script:ConferencingPolicies
        }
        function global:New-CsConferencingPolicy {
            # Every setting the templates carry, typed loosely (the real parameters are [bool],
            # [uint32] and enums, which PowerShell converts the template's values to).
            [CmdletBinding(SupportsShouldProcess)]
            param([string]$Identity, [string]$Description, [Parameter(ValueFromRemainingArguments)][object[]]$Setting)
        }
        $script:KnownUsers = $Users
    }
    AfterAll {
        foreach ($name in 'Get-CsUser', 'Grant-CsConferencingPolicy', 'Get-CsConferencingPolicy', 'New-CsConferencingPolicy') {
            Remove-Item -Path "function:$name" -ErrorAction Ignore
        }
    }

    It 'Get-LyncCalRequirement -Identity of nobody: one UserNotFound' {
        $problems = Get-CallError { Get-LyncCalRequirement -Identity 'sip:nobody@contoso.com' -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools -ErrorVariable problems -ErrorAction SilentlyContinue }
        $problems.Count | Should -Be 1 -Because (@($problems | ForEach-Object { $_.FullyQualifiedErrorId }) -join ' | ')
        Get-ErrorId $problems[0] | Should -Be 'LicenseAudit.UserNotFound'
        $problems[0].Exception.Message | Should -BeLike "*sip:nobody@contoso.com*Management object not found*"
    }

    It 'Get-LyncCalRequirement -Identity of somebody: that user, no error' {
        $problems = $null
        $known = [string]$Users[0].SipAddress
        $result = @(Get-LyncCalRequirement -Identity $known -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools -ErrorVariable problems)
        $result.Count | Should -Be 1
        $result[0].SipAddress | Should -Be $known
        @($problems).Count | Should -Be 0
    }

    It 'Set-LyncCalPolicyAssignment: a refused grant is one GrantFailed' {
        $record = [pscustomobject]@{ SipAddress = 'sip:ann@contoso.com'; Action = 'Grant'; GrantPolicyName = 'Tag:STD' }
        $problems = Get-CallError { $record | Set-LyncCalPolicyAssignment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue }
        $problems.Count | Should -Be 1 -Because (@($problems | ForEach-Object { $_.FullyQualifiedErrorId }) -join ' | ')
        Get-ErrorId $problems[0] | Should -Be 'LicenseAudit.GrantFailed'
        $problems[0].Exception.Message | Should -BeLike '*not a user policy*'
    }

    It 'New-LyncCalPolicyTemplate: policies that do not exist yet are created, with nothing in -ErrorVariable' {
        $problems = $null
        $created = @(New-LyncCalPolicyTemplate -Confirm:$false -ErrorVariable problems -WarningAction SilentlyContinue)
        $created.Count | Should -BeGreaterThan 0
        @($problems).Count | Should -Be 0
    }
}
