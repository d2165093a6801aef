# Pester 5 tests of the Lync cmdlets. The Lync management shell is not installed on a test
# host, so Get-Cs*/Grant-Cs*/New-Cs* are stubbed and mocked with the bundled example estate.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    . (Join-Path $PSScriptRoot 'ContosoEstate.ps1')

    function script:New-TestUser([int]$Number) {
        [pscustomobject]@{ SipAddress = "sip:user$Number@contoso.com"; Enabled = $true; RegistrarPool = 'pool01.redmond.contoso.com' }
    }
    function script:Get-EngineCount {
        # This PowerShell's engines only: a machine-wide count is no baseline while other
        # PowerShell sessions (a parallel test run) start and end theirs (one ending mid-test
        # made 'Expected 1, but got 0').
        $engines = @(Get-Process -Name 'license-audit' -ErrorAction SilentlyContinue)
        if ($engines.Count -eq 0) { return 0 }
        if ($engines[0].PSObject.Properties['Parent']) {
            return @($engines | Where-Object { $parent = $_.Parent; $parent -and $parent.Id -eq $PID }).Count
        }
        # Windows PowerShell 5.1: no Process.Parent there.
        @(Get-CimInstance -ClassName Win32_Process -Filter "Name = 'license-audit.exe' AND ParentProcessId = $PID").Count
    }
    function script:Wait-EngineCount([int]$Expected) {
        $deadline = (Get-Date).AddSeconds(10)
        while ((Get-EngineCount) -gt $Expected -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-EngineCount
    }
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
        $result = @(Get-LyncCalRequirement -ErrorVariable problems)
        $problems.Count | Should -Be 0
        $result.Count | Should -Be 12
        $result[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncUserCal'
        $alice = $result | Where-Object SipAddress -eq 'sip:alice@contoso.com'
        $alice.Enterprise | Should -BeTrue
        $alice.Plus | Should -BeTrue
        ($alice.Reasons | Where-Object Cal -eq 'Enterprise').Detail | Should -Contain 'AllowIPAudio=True'
        $alice.ReasonsText | Should -BeLike '*Enterprise: AllowIPAudio=True (ConferencingPolicy Tag:ENT_CAL_REC_Audio)*'
        ($result | Where-Object SipAddress -eq 'sip:carol@contoso.com').ConferencingPolicy | Should -Be 'Site:Dublin'
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly
    }

    It 'takes Get-CsUser objects from the pipeline and does not call Get-CsUser' {
        $result = @($script:Users | Select-Object -First 3 | Get-LyncCalRequirement)
        $result.SipAddress | Should -Be @('sip:alice@contoso.com', 'sip:bob@contoso.com', 'sip:carol@contoso.com')
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'treats an empty pipeline as no users, without an error' {
        $result = @(@() | Get-LyncCalRequirement -ErrorVariable problems)
        $problems.Count | Should -Be 0
        $result.Count | Should -Be 0
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'still reports devices and the summary for an empty pipeline (-IncludeDevices -Summary)' {
        $summary = @(@() | Get-LyncCalRequirement -IncludeDevices -Summary -ErrorVariable problems)
        $problems.Count | Should -Be 0
        $summary.Count | Should -Be 1
        $summary[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalSummary'
        $summary[0].Total | Should -Be 3
    }

    It 'looks up a piped SIP address with Get-CsUser -Identity' {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users | Where-Object SipAddress -eq $Identity } -ParameterFilter { $Identity }
        $result = @('sip:alice@contoso.com' | Get-LyncCalRequirement)
        $result.Count | Should -Be 1
        $result[0].SipAddress | Should -Be 'sip:alice@contoso.com'
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter { $Identity -eq 'sip:alice@contoso.com' }
    }

    It 'reports an identity Get-CsUser cannot find, and carries on' {
        Mock -ModuleName LicenseAudit Get-CsUser { throw "Management object not found for identity '$Identity'." } -ParameterFilter { $Identity -eq 'sip:nobody@contoso.com' }
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users | Where-Object SipAddress -eq $Identity } -ParameterFilter { $Identity -eq 'sip:bob@contoso.com' }
        $result = @('sip:nobody@contoso.com', 'sip:bob@contoso.com' | Get-LyncCalRequirement -ErrorVariable problems -ErrorAction SilentlyContinue)
        $result.SipAddress | Should -Be 'sip:bob@contoso.com'
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.UserNotFound*'
        $problems[0].TargetObject | Should -Be 'sip:nobody@contoso.com'
    }

    It 'passes -Filter, -OU and -DomainController to Get-CsUser' {
        @(Get-LyncCalRequirement -Filter 'EnterpriseVoiceEnabled -eq $true' -OU 'OU=Sales,DC=contoso,DC=com' -DomainController dc01.contoso.com).Count | Should -Be 12
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly -ParameterFilter {
            $Filter -eq 'EnterpriseVoiceEnabled -eq $true' -and $OU -eq 'OU=Sales,DC=contoso,DC=com' -and $DomainController -eq 'dc01.contoso.com'
        }
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

    It 'writes only user records to the pipeline; the summary goes to -SummaryVariable' {
        $result = @(Get-LyncCalRequirement -IncludeDevices -SummaryVariable summary)
        @($result | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be @('LicenseAudit.LyncUserCal')
        $result.Count | Should -Be 15
        $summary.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncCalSummary'
        $summary.Total | Should -Be 15
        $summary.Enterprise | Should -Be 6
        ($result | Where-Object Kind -eq 'CommonAreaPhone').Plus | Should -BeTrue
    }

    It 'emits only the summary with -Summary' {
        $result = @(Get-LyncCalRequirement -IncludeDevices -Summary)
        $result.Count | Should -Be 1
        $result[0].Total | Should -Be 15
    }

    It 'fills -SummaryVariable with -Summary too' {
        $result = @(Get-LyncCalRequirement -IncludeDevices -Summary -SummaryVariable summary)
        $result.Count | Should -Be 1
        $summary.Total | Should -Be 15
    }

    It 'gives the position per tier with -OwnedCal: Required from the summary, Owned from the hashtable' {
        $owned = @{ Plus = 5; Standard = 1200; Enterprise = 3 }
        $result = @(Get-LyncCalRequirement -IncludeDevices -OwnedCal $owned -SummaryVariable summary)
        @($result | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be @('LicenseAudit.LyncCalPosition')
        @($result | ForEach-Object { [string]$_.Tier }) | Should -Be @('Standard', 'Enterprise', 'Plus')
        foreach ($position in $result) {
            $position.Required | Should -Be $summary.($position.Tier)
            $position.Owned | Should -Be $owned[[string]$position.Tier]
            $position.Shortfall | Should -Be ([math]::Max(0, $position.Required - $position.Owned))
            $position.Surplus | Should -Be ([math]::Max(0, $position.Owned - $position.Required))
            $position.Basis | Should -BeLike '*added to a Standard CAL*'
        }
        $table = $result | Format-Table | Out-String
        $table | Should -BeLike '*Tier*Rules*Required*Owned*Shortfall*Surplus*'
        $table | Should -BeLike '*Enterprise*default*'
    }

    It 'adds -OwnedCalPath to -OwnedCal, naming each row counted' {
        $file = Join-Path $RepoRoot 'examples/contoso/owned-cals.csv'
        $rows = @(Import-Csv -LiteralPath $file)
        $result = @(Get-LyncCalRequirement -IncludeDevices -OwnedCal @{ Standard = 1 } -OwnedCalPath $file)
        foreach ($position in $result) {
            $fromFile = 0
            foreach ($row in @($rows | Where-Object Tier -eq $position.Tier)) { $fromFile += [int]$row.Quantity }
            $expected = $fromFile
            if ($position.Tier -eq 'Standard') { $expected++ }
            $position.Owned | Should -Be $expected
            @($position.OwnedFrom | Where-Object { $_ -like '*owned-cals.csv record*' }).Count | Should -Be @($rows | Where-Object Tier -eq $position.Tier).Count
        }
    }

    It 'stops on a bad -OwnedCalPath row with the engine''s message naming the file, record and column' {
        $bad = Join-Path $TestDrive 'bad-owned.csv'
        Set-Content -LiteralPath $bad -Value 'Tier,Quantity', 'Standard,10', 'Gold,5'
        { Get-LyncCalRequirement -OwnedCalPath $bad -ErrorAction Stop } | Should -Throw -ExpectedMessage "*bad-owned.csv, record 2, property 'Tier'*Gold*"
    }

    It 'refuses a typo''d -OwnedCal tier before reading any user or policy, as one terminating error' {
        $failure = $null
        try { Get-LyncCalRequirement -OwnedCal @{ Standard = 10; Entreprise = 7 } -ErrorAction SilentlyContinue } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidOwnedCal*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -BeLike "-OwnedCal: 'Entreprise' is not Standard, Enterprise or Plus*"
        $failure.Exception.Message | Should -Not -BeLike '*pipeline*'
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'refuses a negative, a fractional or a non-number -OwnedCal count, saying which' {
        { Get-LyncCalRequirement -OwnedCal @{ Standard = -5 } } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage "*'Standard', -5, is negative."
        { Get-LyncCalRequirement -OwnedCal @{ Standard = '-5' } } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage '*is negative.'
        { Get-LyncCalRequirement -OwnedCal @{ Standard = 12.5 } } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage '*12.5, is not a whole number of CALs.'
        { Get-LyncCalRequirement -OwnedCal @{ Standard = $null } } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage "*count of 'Standard' is not a number*"
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'refuses an empty -OwnedCal and a tier name holding '','' or ''='' clearly' {
        { Get-LyncCalRequirement -OwnedCal @{} } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage '-OwnedCal: no tier is given.*'
        { Get-LyncCalRequirement -OwnedCal @{ 'Standard=1,Plus' = 3 } } | Should -Throw -ErrorId 'LicenseAudit.InvalidOwnedCal*' -ExpectedMessage "*'Standard=1,Plus' is one tier's name*"
    }

    It 'takes -OwnedCal as an object (ConvertFrom-Json on 5.1), suites and plans by name, any case' {
        $fromJson = '{ "standard": 1200, "Enterprise": "3", "Microsoft 365 E5": 2 }' | ConvertFrom-Json
        $result = @(Get-LyncCalRequirement -IncludeDevices -OwnedCal $fromJson)
        @($result | ForEach-Object { [string]$_.Tier }) | Should -Be @('Standard', 'Enterprise', 'Plus')
        @($result | ForEach-Object { $_.Owned }) | Should -Be @(1202, 5, 2)
    }

    It 'refuses -OwnedCal with -Summary, with a stable error id' {
        { Get-LyncCalRequirement -Summary -OwnedCal @{ Standard = 1 } } | Should -Throw -ErrorId 'LicenseAudit.OwnedCalWithSummary*'
    }

    It 'applies -Rules' {
        (Get-LyncCalRequirement -Rules strict | Where-Object SipAddress -eq 'sip:bob@contoso.com').Rules | Should -Be 'strict'
    }

    It 'exports to CSV with one kind of row and list properties as text' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("cal-{0}.csv" -f [guid]::NewGuid())
        try {
            Get-LyncCalRequirement -IncludeDevices -SummaryVariable summary | Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -Be 15
            @($rows | Where-Object { -not $_.SipAddress -and -not $_.Identity }).Count | Should -Be 0
            ($rows | Where-Object SipAddress -eq 'sip:alice@contoso.com').ReasonsText | Should -BeLike '*AllowIPAudio=True*'
            @($rows | Where-Object { $_.ReasonsText -eq 'System.Object[]' -or $_.FindingsText -eq 'System.Object[]' }).Count | Should -Be 0
            ($rows | Where-Object SipAddress -eq 'sip:mallory@contoso.com').FindingsText | Should -Not -BeNullOrEmpty
        }
        finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Stopping a pipeline never leaks the engine or its files' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
        $script:Baseline = Get-EngineCount
        $script:TempBefore = @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count
    }

    It 'ends the engine when Select-Object -First stops the pipeline after the first record' {
        $first = @(1..5000 | ForEach-Object { New-TestUser $_ } | Get-LyncCalRequirement | Select-Object -First 1)
        $first.Count | Should -Be 1
        InModuleScope LicenseAudit { $script:LicenseAuditSessions.Count } | Should -Be 0
        Wait-EngineCount $Baseline | Should -Be $Baseline
        @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count | Should -Be $TempBefore
    }

    It 'ends the engine on -ErrorAction Stop at a bad record mid-stream, naming the piped object' {
        $users = @(1..3000 | ForEach-Object { New-TestUser $_ })
        $users[1500].Enabled = 'maybe'
        $failure = $null
        try { $users | Get-LyncCalRequirement -ErrorAction Stop | Out-Null } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidInput*'
        $failure.TargetObject.SipAddress | Should -Be 'sip:user1501@contoso.com'
        $failure.Exception.Message | Should -Not -BeLike '*<stdin>*'
        InModuleScope LicenseAudit { $script:LicenseAuditSessions.Count } | Should -Be 0
        Wait-EngineCount $Baseline | Should -Be $Baseline
    }

    It 'reaps the engine of a pipeline an upstream error stopped, on the next call' {
        try {
            & { New-TestUser 1; New-TestUser 2; throw 'upstream failed' } | Get-LyncCalRequirement | Out-Null
        }
        catch {
            $_.Exception.Message | Should -Be 'upstream failed'
        }
        # The next call of any engine-backed cmdlet reaps the orphan.
        Get-LicenseAuditInputInfo -Path (Join-Path $RepoRoot 'native/tests/fixtures/ingest/getcsuser.ps7.json') | Out-Null
        InModuleScope LicenseAudit { $script:LicenseAuditSessions.Count } | Should -Be 0
        Wait-EngineCount $Baseline | Should -Be $Baseline
        @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count | Should -Be $TempBefore
    }

    It 'ends the engine and deletes its files when the host stops the pipeline (Ctrl+C)' {
        # PowerShell.Stop() is what Ctrl+C does. The cmdlet's finally blocks then run in a
        # stopping pipeline, where PowerShell refuses commands, script blocks, script methods
        # and loops: only .NET calls ($session.Stop() on LicenseAudit.NativeSession) still run.
        $flag = Join-Path ([System.IO.Path]::GetTempPath()) ('la-first-record-{0}' -f [guid]::NewGuid())
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript({
                    param($Module, $Policies, $Pools, $Flag)
                    Import-Module $Module
                    $users = foreach ($i in 1..20000) {
                        [pscustomobject]@{ SipAddress = "sip:user$i@contoso.com"; Enabled = $true; RegistrarPool = 'pool01.redmond.contoso.com' }
                    }
                    # A slow consumer keeps the cmdlet's process block on the stack when the stop comes.
                    Get-LyncCalRequirement -InputObject $users -ConferencingPolicy $Policies -VoicePolicy @([pscustomobject]@{ Identity = 'Global' }) -Pool $Pools |
                        ForEach-Object { [System.IO.File]::WriteAllText($Flag, 'first'); Start-Sleep -Milliseconds 50 }
                }).AddArgument((Join-Path $RepoRoot 'LicenseAudit.psd1')).AddArgument($script:ConferencingPolicies).AddArgument($script:Pools).AddArgument($flag)
            $async = $shell.BeginInvoke()
            $deadline = (Get-Date).AddSeconds(60)
            while (-not (Test-Path -LiteralPath $flag) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Test-Path -LiteralPath $flag | Should -BeTrue
            Get-EngineCount | Should -BeGreaterThan $Baseline
            @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson").Count | Should -BeGreaterThan $TempBefore

            $shell.Stop()
            try { $null = $shell.EndInvoke($async) } catch { $null = $_ }

            Wait-EngineCount $Baseline | Should -Be $Baseline
            @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count | Should -Be $TempBefore
            $probe = [powershell]::Create()
            $probe.Runspace = $runspace
            $left = $probe.AddScript('& (Get-Module LicenseAudit) { $script:LicenseAuditSessions.Count }').Invoke()
            $probe.Dispose()
            $left | Should -Be 0
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
            Remove-Item -LiteralPath $flag -ErrorAction SilentlyContinue
        }
    }

    It 'survives disposing the engine mid-output (a host process, not just this runspace)' -Skip:(-not (Get-Command pwsh -ErrorAction SilentlyContinue)) {
        $module = Join-Path $RepoRoot 'LicenseAudit.psd1'
        $policies = Join-Path $Estate 'conferencing-policies.json'
        $pools = Join-Path $Estate 'pools.xml'
        $script = @"
Import-Module '$module'
`$policies = Get-Content -Raw '$policies' | ConvertFrom-Json
`$pools = Import-Clixml '$pools'
`$users = 1..20000 | ForEach-Object { [pscustomobject]@{ SipAddress = "sip:u`$_@contoso.com"; Enabled = `$true } }
foreach (`$i in 1..5) {
    `$users | Get-LyncCalRequirement -ConferencingPolicy `$policies -VoicePolicy @([pscustomobject]@{ Identity = 'Global' }) -Pool `$pools | Select-Object -First 10 | Out-Null
}
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); Start-Sleep -Seconds 2
'host alive'
"@
        $output = & pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0
        ($output -join "`n") | Should -BeLike '*host alive*'
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
        $std.FindingsText | Should -BeLike '*MaxMeetingSizeBlocksMultipartyIm*'
        $std.AssignedUsers | Should -Be 2
        ($audit | Where-Object Identity -eq 'Tag:Standard_Users_Legacy').Findings.Code | Should -Contain 'StandardNameEnablesEnterprise'
    }

    It 'audits piped policies only' {
        $audit = @($script:ConferencingPolicies | Where-Object Identity -eq 'Global' | Test-LyncConferencingPolicy)
        $audit.Count | Should -Be 1
        $audit[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncPolicyAudit'
        Should -Invoke -ModuleName LicenseAudit Get-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'exports to CSV and reads back' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("policies-{0}.csv" -f [guid]::NewGuid())
        try {
            Test-LyncConferencingPolicy -IncludeUserCount | Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -Be @($script:ConferencingPolicies).Count
            ($rows | Where-Object Identity -eq 'Tag:STD_CAL_NoConferencing').FindingsText | Should -BeLike '*MaxMeetingSizeBlocksMultipartyIm*'
        }
        finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
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
        $script:Licensed = Join-Path $Estate 'licensed.csv'
    }

    It 'plans a Grant for each user whose policy exceeds the licence' {
        $plan = @(Get-LyncCalPolicyPlan -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy)
        $plan.SipAddress | Should -Be @('sip:carol@contoso.com', 'sip:grace@contoso.com', 'sip:mallory@contoso.com')
        $plan.Action | Sort-Object -Unique | Should -Be 'Grant'
        $plan[0].GrantPolicyName | Should -Be 'STD_CAL_NoConferencing'
    }

    It 'refuses to run without a licence source, with a stable error id' {
        $failure = $null
        try { Get-LyncCalPolicyPlan -TierPolicy $TierPolicy } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoLicenceSource*'
    }

    It '-WhatIf shows the changes and makes none' {
        $plan = Get-LyncCalPolicyPlan -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy
        $plan | Set-LyncCalPolicyAssignment -WhatIf
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'grants the planned policy to each user, with -Confirm:$false on the inner cmdlet (one prompt per user)' {
        $plan = Get-LyncCalPolicyPlan -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy
        $applied = @($plan | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru)
        $applied.Applied | Should -Be @($true, $true, $true)
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 3 -Exactly
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'sip:carol@contoso.com' -and $PolicyName -eq 'STD_CAL_NoConferencing'
        }
        # The inner cmdlet would otherwise see the lowered $ConfirmPreference and ask again.
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 3 -Exactly -ParameterFilter {
            $PesterBoundParameters.ContainsKey('Confirm') -and -not $PesterBoundParameters['Confirm']
        }
    }

    It '-PassThru keeps every plan property and types the record' {
        $plan = Get-LyncCalPolicyPlan -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy
        $applied = @($plan | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru)
        $applied[0].PSObject.TypeNames[0] | Should -Be 'LicenseAudit.LyncPolicyChange'
        $applied[0].CurrentPolicy | Should -Be 'Site:Dublin'
        $applied[0].Reason | Should -Not -BeNullOrEmpty
        $applied[0].TargetPolicy | Should -Be 'Tag:STD_CAL_NoConferencing'
        # RecordType too (README: every plan column), so the result still routes to its report sheet.
        $applied[0].RecordType | Should -Be 'LyncPolicyChange'
        @($applied[0].PSObject.Properties.Name) | Should -Be @(@($plan[0].PSObject.Properties.Name) + 'Applied')
    }

    It 'reads an approved plan back from CSV' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("plan-{0}.csv" -f [guid]::NewGuid())
        try {
            Get-LyncCalPolicyPlan -LicensedPath $Licensed -DefaultTier Standard -TierPolicy $TierPolicy | Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -Be 3
            $rows | Set-LyncCalPolicyAssignment -Confirm:$false
            Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 3 -Exactly -ParameterFilter { $PolicyName -eq 'STD_CAL_NoConferencing' }
        }
        finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
    }

    It 'never binds a record without GrantPolicyName or TargetPolicy, so no policy is removed' {
        [pscustomobject]@{ SipAddress = 'sip:alice@contoso.com'; Action = 'Grant' } |
            Set-LyncCalPolicyAssignment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoTargetPolicy*'
        $problems[0].TargetObject | Should -Be 'sip:alice@contoso.com'
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'refuses a Grant whose target is empty' {
        [pscustomobject]@{ SipAddress = 'sip:alice@contoso.com'; Action = 'Grant'; GrantPolicyName = '' } |
            Set-LyncCalPolicyAssignment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoTargetPolicy*'
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'refuses a target that names no policy (''Tag:'', blanks): Grant-CsConferencingPolicy would remove the user''s policy' {
        [pscustomobject]@{ SipAddress = 'sip:alice@contoso.com'; Action = 'Grant'; GrantPolicyName = 'Tag:' },
        [pscustomobject]@{ SipAddress = 'sip:bob@contoso.com'; Action = 'Grant'; GrantPolicyName = '  ' },
        [pscustomobject]@{ SipAddress = 'sip:carol@contoso.com'; Action = 'Grant'; GrantPolicyName = ''; TargetPolicy = 'tag: ' } |
            Set-LyncCalPolicyAssignment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 3
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.NoTargetPolicy*' }).Count | Should -Be 3
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
    }

    It 'refuses a plan record whose edited TargetPolicy disagrees with its GrantPolicyName: LicenseAudit.PlanConflict, nothing granted' {
        [pscustomobject]@{ SipAddress = 'sip:alice@contoso.com'; Action = 'Grant'; GrantPolicyName = 'STD_CAL_NoConferencing'; TargetPolicy = 'Tag:ENT_CAL_REC_AudioVideo' },
        [pscustomobject]@{ SipAddress = 'sip:bob@contoso.com'; Action = 'Grant'; GrantPolicyName = 'std_cal_noconferencing'; TargetPolicy = 'Tag:STD_CAL_NoConferencing' } |
            Set-LyncCalPolicyAssignment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PlanConflict*'
        $problems[0].Exception.Message | Should -BeLike '*sip:alice@contoso.com*Tag:ENT_CAL_REC_AudioVideo*STD_CAL_NoConferencing*'
        # The record that agrees (names compare without case) is granted.
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter { $Identity -eq 'sip:bob@contoso.com' }
    }

    It 'accepts TargetPolicy for GrantPolicyName' {
        [pscustomobject]@{ SipAddress = 'sip:alice@contoso.com'; Action = 'Grant'; TargetPolicy = 'Tag:STD_CAL_NoConferencing' } |
            Set-LyncCalPolicyAssignment -Confirm:$false
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'sip:alice@contoso.com' -and $PolicyName -eq 'STD_CAL_NoConferencing'
        }
    }

    It 'removes the per-user policy only when the plan targets an inherited policy' {
        [pscustomobject]@{ SipAddress = 'sip:carol@contoso.com'; Action = 'Grant'; GrantPolicyName = $null; TargetPolicy = 'Site:Dublin' } |
            Set-LyncCalPolicyAssignment -Confirm:$false
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'sip:carol@contoso.com' -and [string]::IsNullOrEmpty($PolicyName)
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

    It 'creates the five policies with their parameters, one prompt each' {
        $created = @(New-LyncCalPolicyTemplate -Prefix 'Contoso_' -Confirm:$false)
        $created.Count | Should -Be 5
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'Contoso_STD_CAL_NoConferencing' -and $MaxMeetingSize -eq 250 -and $AllowIPAudio -eq $false
        }
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 5 -Exactly -ParameterFilter {
            $PesterBoundParameters.ContainsKey('Confirm') -and -not $PesterBoundParameters['Confirm']
        }
    }

    It 'on Lync 2010 passes only the parameters New-CsConferencingPolicy has, and warns about the rest' {
        $lync2010 = @{}
        foreach ($name in 'Identity', 'Description', 'AllowIPAudio', 'AllowIPVideo', 'EnableDialInConferencing', 'EnableAppDesktopSharing',
            'AllowUserToScheduleMeetingsWithAppSharing', 'AllowAnonymousParticipantsInMeetings', 'AllowPolls', 'AllowAnnotations', 'EnableDataCollaboration',
            'AllowConferenceRecording', 'AllowExternalUsersToRecordMeeting', 'EnableP2PRecording', 'EnableP2PVideo', 'EnableP2PFileTransfer',
            'EnableFileTransfer', 'MaxMeetingSize', 'Confirm', 'WhatIf') {
            $lync2010[$name] = $true
        }
        Mock -ModuleName LicenseAudit Get-Command { [pscustomobject]@{ Name = 'New-CsConferencingPolicy'; Parameters = $lync2010 } } -ParameterFilter { $Name -eq 'New-CsConferencingPolicy' }
        $created = @(New-LyncCalPolicyTemplate -Confirm:$false -WarningVariable warnings 3>$null)
        $created.Count | Should -Be 5
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 5 -Exactly -ParameterFilter { -not $PesterBoundParameters.ContainsKey('AllowMultiView') }
        @($warnings | Where-Object { "$_" -like '*AllowMultiView*' }).Count | Should -Be 5
    }

    It 'leaves existing policies alone' {
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { [pscustomobject]@{ Identity = 'exists' } }
        New-LyncCalPolicyTemplate -Confirm:$false -WarningVariable warnings 3>$null
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 0 -Exactly
        $warnings.Count | Should -Be 5
    }

    It 'exports the templates to CSV with their parameters as text' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("templates-{0}.csv" -f [guid]::NewGuid())
        try {
            New-LyncCalPolicyTemplate -TemplateOnly | Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -Be 5
            $rows[0].ParametersText | Should -BeLike '*MaxMeetingSize=250*'
        }
        finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
    }
}
