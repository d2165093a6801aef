# Pester 5 end-to-end tests of the module as an admin uses it, against the real engine (never a
# mock of it): every exported cmdlet on the bundled example estates, with the Lync, MicrosoftTeams
# and UserAccessLogging cmdlets mocked to return objects shaped like Microsoft's documented output
# (tests/EndToEndShapes.ps1), called as a strict admin script calls them (Set-StrictMode -Version
# Latest, $ErrorActionPreference = 'Stop'); the same answers in de-DE and th-TH; Export-Csv /
# Import-Csv round trips; pipelines stopped early leave no engine and no temporary file; -WhatIf
# and -Confirm; the module imported from the laid-out package; the offline snapshot script run
# alone and audited; and the monthly runbook run for a month.
#
# Expected answers are the ones README states for the example estates, or the engine's own
# output for the same files (`license-audit ... --estate examples/contoso`), never values these
# tests produced through the module.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Contoso = Join-Path $RepoRoot 'examples/contoso'
    $script:TeamsExample = Join-Path $RepoRoot 'examples/teams'
    $script:UalExample = Join-Path $RepoRoot 'examples/ual'
    $script:UcExample = Join-Path $RepoRoot 'examples/uc'
    $script:RightSizing = Join-Path $RepoRoot 'examples/rightsizing'
    $script:ModuleManifest = Join-Path $RepoRoot 'LicenseAudit.psd1'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    . (Join-Path $PSScriptRoot 'EndToEndShapes.ps1')
    . (Join-Path $PSScriptRoot 'Workbook.ps1')
    Import-Module $ModuleManifest -Force
    $script:Binary = & (Get-Module LicenseAudit) { Get-LicenseAuditBinaryPath }
    $script:Pwsh = (Get-Process -Id $PID).Path
    $script:Invariant = [System.Globalization.CultureInfo]::InvariantCulture

    # What a strict admin script starts with. Dot-sourced at the top of each test, so it holds in
    # the test's own scope (where the cmdlets are called); $ErrorActionPreference is also set
    # globally around each test (BeforeEach below), as typing it at a console prompt does.
    $script:AdminCaller = {
        Set-StrictMode -Version Latest
        $ErrorActionPreference = 'Stop'
    }

    function script:Invoke-E2EEngine {
        # The engine itself on the same files: the expected answers.
        param([Parameter(ValueFromRemainingArguments)][string[]]$Arguments)
        $lines = & $script:Binary @Arguments --format ndjson --progress none 2>$null
        if ($LASTEXITCODE -notin 0, 5) {
            throw [System.InvalidOperationException]::new(('license-audit {0} exited {1}' -f ($Arguments -join ' '), $LASTEXITCODE))
        }
        foreach ($line in @($lines)) { if ($line) { ConvertFrom-Json -InputObject $line } }
    }

    function script:Get-E2ECalLine([object[]]$Records) {
        @($Records | ForEach-Object { '{0}|{1}|S={2}|E={3}|P={4}|{5}' -f $_.SipAddress, $_.Kind, $_.Standard, $_.Enterprise, $_.Plus, $_.ConferencingPolicy })
    }

    function script:Get-E2EEngineProcess {
        # The engines this PowerShell process started (other sessions on the machine run theirs).
        if ($PSVersionTable.PSVersion.Major -ge 6) {
            @(Get-Process -Name 'license-audit' -ErrorAction SilentlyContinue | Where-Object { $null -ne $_.Parent -and $_.Parent.Id -eq $PID })
        }
        else {
            @(Get-CimInstance -ClassName Win32_Process -Filter "ParentProcessId = $PID AND Name = 'license-audit.exe'" |
                    ForEach-Object { Get-Process -Id $_.ProcessId -ErrorAction SilentlyContinue })
        }
    }

    function script:Get-E2ESpoolFile {
        @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue)
    }

    function script:Wait-E2EProcessExit([int[]]$Id) {
        # The ids of those still running after up to 10 seconds.
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        do {
            $alive = @($Id | Where-Object { Get-Process -Id $_ -ErrorAction SilentlyContinue })
            if ($alive.Count -eq 0) { return @() }
            Start-Sleep -Milliseconds 100
        } while ([datetime]::UtcNow -lt $deadline)
        $alive
    }

    function script:Get-E2EWorkbookDate([string]$Path, [string]$Sheet) {
        # The dates of one sheet of a workbook, as 'yyyy-MM-dd HH:mm' (an .xlsx is a zip of XML;
        # dates are numeric cells with a style, counts and sizes have none).
        Add-Type -AssemblyName System.IO.Compression.FileSystem -ErrorAction SilentlyContinue
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $read = {
                param($Name)
                $reader = [System.IO.StreamReader]::new($zip.GetEntry($Name).Open())
                try { $reader.ReadToEnd() } finally { $reader.Dispose() }
            }
            $names = @(([xml](& $read 'xl/workbook.xml')).workbook.sheets.sheet | ForEach-Object { $_.name })
            $xml = & $read ('xl/worksheets/sheet{0}.xml' -f ([array]::IndexOf($names, $Sheet) + 1))
            @([regex]::Matches($xml, '<c r="[A-Z]+\d+" s="\d+"><v>([0-9.]+)</v></c>') |
                    ForEach-Object { [datetime]::FromOADate([double]::Parse($_.Groups[1].Value, $script:Invariant)).ToString('yyyy-MM-dd HH:mm', $script:Invariant) } | Sort-Object)
        }
        finally {
            $zip.Dispose()
        }
    }

    function script:Set-E2ECulture([string]$Name) {
        $culture = [System.Globalization.CultureInfo]::GetCultureInfo($Name)
        [System.Threading.Thread]::CurrentThread.CurrentCulture = $culture
        [System.Threading.Thread]::CurrentThread.CurrentUICulture = $culture
        [System.Globalization.CultureInfo]::CurrentCulture = $culture
        [System.Globalization.CultureInfo]::CurrentUICulture = $culture
    }

    # The example Lync estate as the Lync Server snap-in returns it, and the Teams tenant and UAL
    # evidence as their modules return them.
    $script:Lync = Get-E2ELyncEstate -Folder $Contoso
    $script:OnlineUsers = @(New-E2EOnlineUser -Path (Join-Path $TeamsExample 'teams.json'))
    $script:PhoneNumbers = @(New-E2EPhoneNumberAssignment -Path (Join-Path $TeamsExample 'teams-phone-numbers.json'))
    $script:ResourceAccounts = @(New-E2EApplicationInstance -Path (Join-Path $TeamsExample 'teams-resource-accounts.json'))
    $script:IpPhonePolicies = @(New-E2EIpPhonePolicy -Path (Join-Path $UcExample 'teams-ip-phone-policies.json'))
    # The routing, Shared Calling and call queue exports the Teams rules read (plain objects with
    # the documented properties: Get-CsOnlineVoiceRoutingPolicy, Get-CsOnlineVoiceRoute,
    # Get-CsTeamsSharedCallingRoutingPolicy, Get-CsCallQueue).
    $script:VoiceRoutingPolicies = @(Get-Content -Raw -LiteralPath (Join-Path $TeamsExample 'teams-voice-routing-policies.json') | ConvertFrom-Json)
    $script:VoiceRoutes = @(Get-Content -Raw -LiteralPath (Join-Path $TeamsExample 'teams-voice-routes.json') | ConvertFrom-Json)
    $script:SharedCallingPolicies = @(Get-Content -Raw -LiteralPath (Join-Path $TeamsExample 'teams-shared-calling-policies.json') | ConvertFrom-Json)
    $script:CallQueues = @(Get-Content -Raw -LiteralPath (Join-Path $TeamsExample 'teams-call-queues.json') | ConvertFrom-Json)
    $script:UalUsers = @(New-E2EUalRow -Path (Join-Path $UalExample 'ual-user-access.json') -Class MsftUal_UserAccess)
    $script:UalDevices = @(New-E2EUalRow -Path (Join-Path $UalExample 'ual-device-access.json') -Class MsftUal_DeviceAccess)
    $script:UalSystems = @(New-E2EUalRow -Path (Join-Path $UalExample 'ual-system-id.json') -Class MsftUal_SystemId)
    $script:UalServers = @($UalSystems | ForEach-Object { ($_.PSComputerName -split '\.')[0] })
    $script:TierPolicy = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
    $script:AsOf = [datetime]::new(2026, 11, 1, 0, 0, 0, [System.DateTimeKind]::Utc)

    # README, "Teams licence assignments": the example tenant's findings, in output order.
    $script:TeamsFindings = @(
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
    # Test-TeamsLicenseAssignment's configuration inputs, as README's example passes them.
    $script:TeamsConfiguration = @{
        PhoneNumberAssignment = $PhoneNumbers; ResourceAccount = $ResourceAccounts; VoiceRoutingPolicy = $VoiceRoutingPolicies
        VoiceRoute = $VoiceRoutes; SharedCallingPolicy = $SharedCallingPolicies; CallQueue = $CallQueues
    }
    # README, "Right-sizing": what the example usage makes of each contoso user.
    $script:RightSizingAnswers = [ordered]@{
        'sip:alice@contoso.com' = 'Unchanged'; 'sip:bob@contoso.com' = 'Upgrade'; 'sip:carol@contoso.com' = 'Downgrade'
        'sip:dave@contoso.com' = 'Exposure'; 'sip:erin@contoso.com' = 'Exposure'; 'sip:frank@contoso.com' = 'NoCalNeeded'
        'sip:grace@contoso.com' = 'InsufficientData'; 'sip:heidi@contoso.com' = 'Downgrade'; 'sip:ivan@contoso.com' = 'Downgrade'
        'sip:judy@contoso.com' = 'Unchanged'; 'sip:mallory@contoso.com' = 'Unchanged'; 'sip:zoe@contoso.com' = 'Downgrade'
    }

    # The engine's answers on the example files.
    $script:ExpectedCal = @(Invoke-E2EEngine lync entitlement --estate $Contoso --summary)
    $script:ExpectedUsers = @($ExpectedCal | Where-Object RecordType -eq 'LyncUserCal')
    $script:ExpectedSummary = $ExpectedCal | Where-Object RecordType -eq 'LyncCalSummary'
    $script:ExpectedUal = @(Invoke-E2EEngine ual compliance --as-of 2026-11-01T00:00:00Z --internal-domain contoso.com `
            --evidence (Join-Path $UalExample 'ual-user-access.json') (Join-Path $UalExample 'ual-device-access.json') (Join-Path $UalExample 'flexnet-evidence.csv') `
            --systems (Join-Path $UalExample 'ual-system-id.json') --licenses (Join-Path $UalExample 'licenses.csv') |
            Where-Object RecordType -eq 'CalCompliance' | ForEach-Object { '{0}|{1}|{2}|{3}|{4}' -f $_.Product, $_.CalType, $_.Version, $_.Required, $_.Shortfall })

    # A monitoring store for the contoso users: the engine's Lync 2013 LcsCDR/QoEMetrics fixture
    # with two of its users renamed to contoso users (the organiser of audio/video conferences is
    # dave, who is licensed Standard; the PSTN caller is erin, licensed Enterprise without Plus),
    # served by the TDS test server (scripts/test-all sets LICENSEAUDIT_TDS_TEST_SERVER).
    $script:SqlCredential = [pscredential]::new('audit', (ConvertTo-SecureString 'S3cret!pass' -AsPlainText -Force))
    $script:SqlServer = $null
    $script:TdsProcess = $null
    if ($env:LICENSEAUDIT_TDS_TEST_SERVER) {
        $store = Join-Path ([System.IO.Path]::GetTempPath()) ('licenseaudit-e2e-store-{0}' -f [guid]::NewGuid())
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'native/tests/fixtures/lcscdr/lync2013') -Destination $store -Recurse
        foreach ($file in (Join-Path $store 'LcsCDR/Users.csv'), (Join-Path $store 'QoEMetrics/User.csv')) {
            $text = [System.IO.File]::ReadAllText($file) -replace 'organizer@contoso\.com', 'dave@contoso.com' -replace 'pstnout@contoso\.com', 'erin@contoso.com'
            [System.IO.File]::WriteAllText($file, $text)
        }
        $script:StoreFolder = $store
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
        $listener.Stop()
        $script:TdsProcess = Start-Process -FilePath $env:LICENSEAUDIT_TDS_TEST_SERVER -ArgumentList '--load', $store, '--port', $port -PassThru `
            -RedirectStandardOutput (Join-Path $store 'stdout.txt') -RedirectStandardError (Join-Path $store 'stderr.txt')
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while ([datetime]::UtcNow -lt $deadline) {
            $client = [System.Net.Sockets.TcpClient]::new()
            try { $client.Connect('127.0.0.1', $port); $script:SqlServer = "127.0.0.1,$port"; break }
            catch { Start-Sleep -Milliseconds 100 }
            finally { $client.Dispose() }
        }
    }
}

AfterAll {
    if ($script:TdsProcess) { Stop-Process -Id $script:TdsProcess.Id -ErrorAction SilentlyContinue }
    if ($script:StoreFolder) { Remove-Item -LiteralPath $script:StoreFolder -Recurse -Force -ErrorAction SilentlyContinue }
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Every exported cmdlet, end to end, called by a strict admin script' {
    BeforeEach {
        $script:SavedErrorAction = $global:ErrorActionPreference
        $global:ErrorActionPreference = 'Stop'
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Lync['Get-CsUser'] }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:Lync['Get-CsConferencingPolicy'] }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:Lync['Get-CsVoicePolicy'] }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Lync['Get-CsPool'] }
        Mock -ModuleName LicenseAudit Get-CsCommonAreaPhone { $script:Lync['Get-CsCommonAreaPhone'] }
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { $script:Lync['Get-CsAnalogDevice'] }
        Mock -ModuleName LicenseAudit Get-CsMeetingRoom { $script:Lync['Get-CsMeetingRoom'] }
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { $script:Lync['Get-CsRgsAgentGroup'] }
        Mock -ModuleName LicenseAudit Get-CsSite { return }
        Mock -ModuleName LicenseAudit Get-CsService { return }
        Mock -ModuleName LicenseAudit Grant-CsConferencingPolicy { return }
        Mock -ModuleName LicenseAudit New-CsConferencingPolicy { [pscustomobject]@{ Identity = 'Tag:' + $Identity } }
    }
    AfterEach {
        $global:ErrorActionPreference = $script:SavedErrorAction
    }

    It 'Get-LyncCalRequirement: the snap-in''s Get-CsUser objects give the engine''s answers for examples/contoso' {
        . $AdminCaller
        $records = @(Get-LyncCalRequirement -IncludeDevices -SummaryVariable summary)
        Get-E2ECalLine $records | Should -Be (Get-E2ECalLine $ExpectedUsers)
        @($records | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be 'LicenseAudit.LyncUserCal'
        foreach ($name in 'Total', 'Standard', 'Enterprise', 'Plus', 'Undetermined', 'NeedNothing') {
            $summary.$name | Should -Be $ExpectedSummary.$name -Because "LyncCalSummary.$name"
        }
        # README ("Run history"): the example estate needs 7 Enterprise CALs.
        $summary.Enterprise | Should -Be 6
        # Policy references came as objects (FriendlyName), pools as PoolFqdn objects, RGS agents as System.Uri.
        ($records | Where-Object SipAddress -eq 'sip:alice@contoso.com').ConferencingPolicy | Should -Be 'Tag:ENT_CAL_REC_Audio'
        ($records | Where-Object SipAddress -eq 'sip:alice@contoso.com').VoicePolicy | Should -Be 'Tag:VP_Delegation'
        ($records | Where-Object SipAddress -eq 'sip:carol@contoso.com').Site | Should -Be 'Dublin'
        ($records | Where-Object SipAddress -eq 'sip:judy@contoso.com').ReasonsText | Should -BeLike '*RgsAgentGroup Helpdesk*'
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 1 -Exactly
    }

    It 'Get-LyncCalRequirement: users piped from Get-CsUser, and the counts alone with -Summary' {
        . $AdminCaller
        # -IncludeDevices also reads the Response Group agent groups (judy's Plus).
        $piped = @($Lync['Get-CsUser'] | Get-LyncCalRequirement -IncludeDevices)
        Get-E2ECalLine $piped | Should -Be (Get-E2ECalLine $ExpectedUsers)
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
        $only = @(Get-LyncCalRequirement -IncludeDevices -Summary)
        $only.Count | Should -Be 1
        $only[0].Total | Should -Be $ExpectedSummary.Total
        $only[0].Plus | Should -Be $ExpectedSummary.Plus
    }

    It 'Get-LyncCalRequirement and Test-LyncConferencingPolicy: the same answers from a remote session''s (deserialised) objects' {
        . $AdminCaller
        # Import-PSSession / Invoke-Command to a Lync server: every object comes back deserialised,
        # policy references as property bags, enums (EnableAppDesktopSharing) as Int32 with their name as text.
        $remote = @{}
        foreach ($name in @($Lync.Keys)) {
            $remote[$name] = @($Lync[$name] | ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_, 3)) })
        }
        @($remote['Get-CsConferencingPolicy'][0].PSObject.Properties['EnableAppDesktopSharing'].Value.PSObject.TypeNames) | Should -Contain 'Deserialized.System.Enum'
        $script:Remote = $remote
        foreach ($name in @($remote.Keys)) { Mock -ModuleName LicenseAudit $name ([scriptblock]::Create(('$script:Remote[''{0}'']' -f $name))) }
        Get-E2ECalLine @(Get-LyncCalRequirement -IncludeDevices) | Should -Be (Get-E2ECalLine $ExpectedUsers)
        $audit = @($remote['Get-CsConferencingPolicy'] | Test-LyncConferencingPolicy)
        @($audit | ForEach-Object { '{0}|{1}' -f $_.Identity, $_.ImpliedCal }) | Should -Be @(Invoke-E2EEngine lync policies --conferencing-policies (Join-Path $Contoso 'conferencing-policies.json') | ForEach-Object { '{0}|{1}' -f $_.Identity, $_.ImpliedCal })
    }

    It 'Test-LyncConferencingPolicy: the engine''s policy audit of examples/contoso, with user counts' {
        . $AdminCaller
        # The example export leaves AllowIPVideo out of Standard_Users_Legacy, so the engine adds
        # TierFromLyncDefaults there; a real server's policy has every setting (the same value).
        $line = { '{0}|{1}|{2}|{3}' -f $_.Identity, $_.ImpliedCal, $_.AssignedUsers, (@($_.Findings | ForEach-Object { $_.Code } | Where-Object { $_ -ne 'TierFromLyncDefaults' }) -join ',') }
        $expected = @(Invoke-E2EEngine lync policies --estate $Contoso | ForEach-Object $line)
        $audit = @(Test-LyncConferencingPolicy -IncludeUserCount)
        @($audit | ForEach-Object $line) | Should -Be $expected
        # README, "Example estate": STD with the MaxMeetingSize 2 pitfall (MaxMeetingSize is a UInt32 on a real policy).
        ($audit | Where-Object Identity -eq 'Tag:STD_CAL_NoConferencing').FindingsText | Should -BeLike '*MaxMeetingSizeBlocksMultipartyIm*'
    }

    It 'Get-LyncCalPolicyPlan and Set-LyncCalPolicyAssignment: the engine''s plan, applied user by user' {
        . $AdminCaller
        $licensed = Join-Path $Contoso 'licensed.csv'
        $expected = @(Invoke-E2EEngine lync plan --estate $Contoso --licensed $licensed --default-tier standard `
                --tier-policy 'Standard=Tag:STD_CAL_NoConferencing' --tier-policy 'Enterprise=Tag:ENT_CAL_REC_AudioVideo' |
                ForEach-Object { '{0}|{1}|{2}' -f $_.SipAddress, $_.GrantPolicyName, $_.Action })
        $plan = @(Get-LyncCalPolicyPlan -LicensedPath $licensed -DefaultTier Standard -TierPolicy $TierPolicy)
        @($plan | ForEach-Object { '{0}|{1}|{2}' -f $_.SipAddress, $_.GrantPolicyName, $_.Action }) | Should -Be $expected
        $applied = @($plan | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru)
        @($applied | Where-Object Applied).Count | Should -Be $expected.Count
        foreach ($change in $plan) {
            Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
                $Identity -eq $change.SipAddress -and $PolicyName -eq $change.GrantPolicyName
            }
        }
    }

    It 'New-LyncCalPolicyTemplate: the five policies of `lync template`, created with New-CsConferencingPolicy' {
        . $AdminCaller
        # Get-CsConferencingPolicy -Identity as the real one answers: the policy, or an error.
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy {
            if (-not $Identity) { return $script:Lync['Get-CsConferencingPolicy'] }
            $found = @($script:Lync['Get-CsConferencingPolicy'] | Where-Object { [string]$_.Identity -eq $Identity })
            $action = if ($PesterBoundParameters.ContainsKey('ErrorAction')) { $PesterBoundParameters.ErrorAction } else { 'Continue' }
            if ($found.Count -eq 0) { Write-Error -Message "Cannot get item because item `"$Identity`" does not exist." -Category ObjectNotFound -ErrorAction $action }
            $found
        }
        $expected = @(Invoke-E2EEngine lync template --prefix Contoso_ | ForEach-Object { $_.Name })
        $expected.Count | Should -Be 5
        $created = @(New-LyncCalPolicyTemplate -Prefix Contoso_ -Confirm:$false)
        @($created | ForEach-Object { $_.Name }) | Should -Be $expected
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 5 -Exactly
        # README, "Template": STD_CAL_NoConferencing keeps MaxMeetingSize 250.
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter {
            $Identity -eq 'Contoso_STD_CAL_NoConferencing' -and $MaxMeetingSize -eq 250 -and $AllowIPAudio -eq $false
        }
        # examples/contoso already has the five (README, "Example estate"): left alone, each with a warning.
        @(New-LyncCalPolicyTemplate -Confirm:$false -WarningVariable existing -WarningAction SilentlyContinue).Count | Should -Be 0
        @($existing).Count | Should -Be 5
        Should -Invoke -ModuleName LicenseAudit New-CsConferencingPolicy -Times 5 -Exactly
    }

    It 'Get-LyncCalUsage: the monitoring store read as the engine reads it, every contoso user answered' {
        . $AdminCaller
        if (-not $SqlServer) {
            throw [System.InvalidOperationException]::new('The TDS test server did not start: set LICENSEAUDIT_TDS_TEST_SERVER to target/release/examples/tds-test-server (cargo build --release --example tds-test-server).')
        }
        $users = Join-Path $Contoso 'users.json'
        $expected = @('S3cret!pass' | & $Binary lync usage --server $SqlServer --user audit --password-stdin --encrypt off --as-of 2026-11-01T00:00:00Z `
                --users $users --format ndjson --progress none 2>$null | ForEach-Object { ConvertFrom-Json -InputObject $_ } |
                Where-Object RecordType -eq 'LyncUserUsage' | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.SipAddress, $_.Standard, $_.Enterprise, $_.Plus })
        $usage = @(Get-LyncCalUsage -SqlServer $SqlServer -Credential $SqlCredential -DisableEncryption -IncludeAllUsers -AsOf $AsOf -CoverageVariable coverage)
        @($usage | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.SipAddress, $_.Standard, $_.Enterprise, $_.Plus }) | Should -Be $expected
        ($usage | Where-Object SipAddress -eq 'sip:dave@contoso.com').Enterprise | Should -Be 'Yes'
        ($usage | Where-Object SipAddress -eq 'sip:erin@contoso.com').Plus | Should -Be 'Yes'
        ($usage | Where-Object SipAddress -eq 'sip:dave@contoso.com').LastActivity | Should -BeOfType [datetime]
        $coverage[0].WindowCovered | Should -BeTrue
    }

    It 'Get-LyncCalRightSizing: the README''s recommendations for the example usage and licences' {
        . $AdminCaller
        $configured = @(Get-LyncCalRequirement -IncludeDevices)
        $result = @($configured | Get-LyncCalRightSizing -UsagePath (Join-Path $RightSizing 'usage.ndjson') -LicensedPath (Join-Path $RightSizing 'licensed.csv') `
                -PricesPath (Join-Path $RightSizing 'prices.csv') -SummaryVariable summary -WarningAction SilentlyContinue)
        $answers = [ordered]@{}
        foreach ($r in $result) { $answers[$r.SipAddress] = $r.Recommendation }
        ($answers.Keys -join ',') | Should -Be ($RightSizingAnswers.Keys -join ',')
        ($answers.Values -join ',') | Should -Be ($RightSizingAnswers.Values -join ',')
        $expected = Invoke-E2EEngine lync rightsize --configured (Join-Path $RepoRoot 'examples/records/lync-entitlement.ndjson') --usage (Join-Path $RightSizing 'usage.ndjson') `
            --licensed (Join-Path $RightSizing 'licensed.csv') --prices (Join-Path $RightSizing 'prices.csv') --summary |
            Where-Object RecordType -eq 'LyncCalRightSizingSummary'
        $summary.YearlySaving | Should -Be $expected.YearlySaving
        $summary.YearlyExposure | Should -Be $expected.YearlyExposure
    }

    It 'Get-UalCalEvidence and Get-ServerCalCompliance: CIM rows from five servers give the README''s position' {
        . $AdminCaller
        Mock -ModuleName LicenseAudit New-CimSession { foreach ($c in $ComputerName) { [pscustomobject]@{ ComputerName = $c; PSTypeName = 'Microsoft.Management.Infrastructure.CimSession' } } }
        $removed = [System.Collections.Generic.List[string]]::new()
        Mock -ModuleName LicenseAudit Remove-CimSession { foreach ($s in $CimSession) { $removed.Add($s.ComputerName) } }
        Mock -ModuleName LicenseAudit Get-UalUserAccess { $script:UalUsers | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalDeviceAccess { $script:UalDevices | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalSystemId { $script:UalSystems | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalOverview { return }
        $evidence = @(Get-UalCalEvidence -ComputerName $UalServers)
        $evidence.Count | Should -Be ($UalUsers.Count + $UalDevices.Count + $UalSystems.Count)
        $position = @($evidence | Get-ServerCalCompliance -EvidencePath (Join-Path $UalExample 'flexnet-evidence.csv') -LicensePath (Join-Path $UalExample 'licenses.csv') `
                -InternalDomain contoso.com -AsOf $AsOf -DetailVariable detail -WarningAction SilentlyContinue)
        @($position | ForEach-Object { '{0}|{1}|{2}|{3}|{4}' -f $_.Product, $_.CalType, $_.Version, $_.Required, $_.Shortfall }) | Should -Be $ExpectedUal
        # docs/server-cals.md / Invoke-LicenseAudit: the example is 1 CAL short (Windows Server
        # 2019: five users need the suite's four seats); the two devices with no counted user are
        # AssumedCovered, not short.
        ($position | Measure-Object -Property Shortfall -Sum).Sum | Should -Be 1
        ($position | Measure-Object -Property AssumedCovered -Sum).Sum | Should -Be 2
        $detail.UnrecognizedEvidence.RoleName | Should -Be 'Contoso Claims Service'
        # Every CIM session opened is removed.
        @($removed | Sort-Object) | Should -Be @($UalServers | Sort-Object)
    }

    It 'Export-CalEvidenceTemplate: a template the engine reads as FlexNet evidence' {
        . $AdminCaller
        $path = Join-Path $TestDrive 'flexnet-template.csv'
        $file = Export-CalEvidenceTemplate -Path $path -IncludeExample -Confirm:$false
        $file.FullName | Should -Be $path
        $rows = @(Import-Csv -LiteralPath $path)
        $rows[0].AccessingUser | Should -Be 'CONTOSO/peter'
        $inspection = Invoke-E2EEngine inspect $path
        $inspection.Records | Should -Be 1
        @($inspection.Properties | ForEach-Object { $_.Name }) | Should -Contain 'AccessingUser'
    }

    It 'Test-TeamsLicenseAssignment: Get-CsOnlineUser objects give the README''s findings and monthly waste' {
        . $AdminCaller
        Mock -ModuleName LicenseAudit Get-CsOnlineUser { $script:OnlineUsers }
        Mock -ModuleName LicenseAudit Get-CsPhoneNumberAssignment { $script:PhoneNumbers | Sort-Object TelephoneNumber | Select-Object -Skip $Skip -First $Top }
        Mock -ModuleName LicenseAudit Get-CsOnlineApplicationInstance { $script:ResourceAccounts }
        Mock -ModuleName LicenseAudit Get-CsOnlineVoiceRoutingPolicy { $script:VoiceRoutingPolicies }
        Mock -ModuleName LicenseAudit Get-CsOnlineVoiceRoute { $script:VoiceRoutes }
        Mock -ModuleName LicenseAudit Get-CsTeamsSharedCallingRoutingPolicy { $script:SharedCallingPolicies }
        Mock -ModuleName LicenseAudit Get-CsCallQueue { if ($PesterBoundParameters.ContainsKey('Skip') -and $Skip -gt 0) { return } $script:CallQueues }
        $findings = @(Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute `
                -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath (Join-Path $TeamsExample 'teams-prices.csv') `
                -SummaryVariable summary -WarningAction SilentlyContinue)
        @($findings | ForEach-Object { '{0} {1} {2}' -f $_.UserPrincipalName, $_.Code, $_.Severity }) | Should -Be $TeamsFindings
        # README, "Teams licence <-> configuration": 16 accounts, Waste 6, Info 1, 68.00 a month.
        $summary.AccountsEvaluated | Should -Be 16
        $summary.Waste | Should -Be 6
        $summary.Info | Should -Be 1
        $summary.MonthlyWaste | Should -Be 68
        @($summary.UnpricedPlans) | Should -Be 'TEAMS1'
        # The same objects piped in give the same findings.
        $piped = @($OnlineUsers | Test-TeamsLicenseAssignment @TeamsConfiguration -WarningAction SilentlyContinue)
        @($piped | ForEach-Object { '{0} {1} {2}' -f $_.UserPrincipalName, $_.Code, $_.Severity }) | Should -Be $TeamsFindings
    }

    It 'Get-TeamsLicenseCount: the engine''s count of the example tenant' {
        . $AdminCaller
        $expected = @(Invoke-E2EEngine uc count --teams (Join-Path $TeamsExample 'teams.json') --teams-ip-phone-policies (Join-Path $UcExample 'teams-ip-phone-policies.json') `
                --teams-resource-accounts (Join-Path $TeamsExample 'teams-resource-accounts.json'))
        $accounts = @($OnlineUsers | Get-TeamsLicenseCount -IpPhonePolicy $IpPhonePolicies -ApplicationInstance $ResourceAccounts -SummaryVariable totals -DetailVariable detail)
        @($accounts | ForEach-Object { '{0}|{1}|{2}' -f $_.Username, $_.Licensed, $_.Licenses }) |
            Should -Be @($expected | Where-Object RecordType -eq 'UcUserLicense' | ForEach-Object { '{0}|{1}|{2}' -f $_.Username, $_.Licensed, $_.Licenses })
        $estate = $totals | Where-Object Scope -eq 'Estate'
        $estate.UserLicenses | Should -Be ($expected | Where-Object { $_.RecordType -eq 'UcLicenseTotal' -and $_.Scope -eq 'Estate' }).UserLicenses
        # Invoke-LicenseAudit's README numbers for this tenant: 8 voice users, 1 meeting room.
        $estate.UserLicenses | Should -Be 8
        $estate.MeetingRooms | Should -Be 1
        @($detail.UcMeetingRoom).Count | Should -Be 1
    }

    It 'Get-UcLicenseCount: the README''s totals of examples/uc' {
        . $AdminCaller
        $totals = @(Get-UcLicenseCount -EstatePath $UcExample -Summary)
        $byScope = @{}
        foreach ($t in $totals) { $byScope[('{0}|{1}' -f $t.Scope, $t.Customer)] = $t }
        $estate = $totals | Where-Object Scope -eq 'Estate'
        # README, "The example estate, counted by hand".
        $estate.UserLicenses | Should -Be 12
        $estate.CiscoMsIntegratedServices | Should -Be 2
        $estate.StandaloneDevices | Should -Be 6
        $estate.MeetingRooms | Should -Be 1
        $estate.Sites | Should -Be 3
        @($totals | Where-Object { $_.Scope -eq 'Customer' } | ForEach-Object { '{0}={1}' -f $_.Customer, $_.UserLicenses } | Sort-Object) | Should -Be @('Contoso=8', 'Fabrikam=3')
        ($totals | Where-Object Scope -eq 'AboveCustomer').UserLicenses | Should -Be 1
    }

    It 'Export-LicenseAuditReport: the workbook of the records, sheet by sheet as the engine writes it' {
        . $AdminCaller
        $records = @(Get-LyncCalRequirement -IncludeDevices)
        $path = Join-Path $TestDrive 'audit.xlsx'
        $sheets = @($records | Export-LicenseAuditReport -Path $path -AsOf $AsOf -PassThru -Confirm:$false)
        $path | Should -Exist
        $expected = @(Invoke-E2EEngine report --output (Join-Path $TestDrive 'engine.xlsx') --as-of 2026-11-01T00:00:00Z (Join-Path $RepoRoot 'examples/records/lync-entitlement.ndjson') |
                Where-Object { $_.Sheet -in 'User Details', 'Device Details' } | ForEach-Object { '{0}|{1}' -f $_.Sheet, $_.Rows })
        @($sheets | Where-Object { $_.Sheet -in 'User Details', 'Device Details' } | ForEach-Object { '{0}|{1}' -f $_.Sheet, $_.Rows }) | Should -Be $expected
        ($sheets | Where-Object Sheet -eq 'User Details').Rows | Should -Be 12
        Assert-TestWorkbookValid $path, (Join-Path $TestDrive 'engine.xlsx')
    }

    It 'Get-LicenseAuditHistory: the README''s drift between the October and November runs' {
        . $AdminCaller
        $runs = Join-Path $TestDrive 'runs'
        & $Binary lync entitlement --estate $Contoso --summary --as-of 2026-10-01T00:00:00Z --history $runs --output (Join-Path $TestDrive 'oct.ndjson') --progress none 2>$null
        & $Binary lync entitlement --estate $Contoso --users (Join-Path $RepoRoot 'examples/history/users-november.json') --summary --as-of 2026-11-01T00:00:00Z `
            --history $runs --output (Join-Path $TestDrive 'nov.ndjson') --progress none 2>$null
        $trend = @(Get-LicenseAuditHistory -Path $runs -AlertThreshold 10 -WarningVariable warned -WarningAction SilentlyContinue)
        $enterprise = $trend | Where-Object { $_.Metric -eq 'LyncUserCal.Enterprise' -and $_.AsOf.ToUniversalTime() -eq $AsOf }
        # README, "Run history": LyncUserCal.Enterprise 6.0 -> 9.0, +50 %, an alert.
        $enterprise.Previous | Should -Be 6
        $enterprise.Value | Should -Be 9
        $enterprise.ChangePercent | Should -Be 50
        $enterprise.Alert | Should -BeTrue
        @($warned | Where-Object { "$_" -like '*LyncUserCal.Enterprise moved 6*9*beyond 10%*' }).Count | Should -Be 1
    }

    It 'Get-LicenseAuditInputInfo and Get-LicenseAuditSchema: what the engine says about a file and its record types' {
        . $AdminCaller
        $users = Join-Path $Contoso 'users.json'
        $info = Get-LicenseAuditInputInfo -Path $users
        $engine = Invoke-E2EEngine inspect $users
        $info.Records | Should -Be 12
        $info.Verdict | Should -Be $engine.Verdict
        @($info.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) | Should -Be @($engine.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count })
        $listed = @(& $Binary schema --list 2>$null | ForEach-Object { ($_ -split '\s+')[0] } | Where-Object { $_ })
        $schemas = @(Get-LicenseAuditSchema)
        $schemas.Count | Should -Be $listed.Count
        (Get-LicenseAuditSchema -Name LyncUserCal) | Should -BeLike '*"title": "LyncUserCal"*'
    }

    It 'Export-LicenseAuditSnapshot: the snap-in''s objects written as a folder that --estate reads as examples/contoso' {
        . $AdminCaller
        foreach ($name in @($Lync.Keys)) {
            # The module runs scripts/Export-LicenseAuditSnapshot.ps1, which calls the cmdlets itself.
            Mock $name ([scriptblock]::Create(('$script:Lync[''{0}'']' -f $name)))
        }
        Mock Get-CsSite { return }
        Mock Get-CsService { return }
        $folder = Join-Path $TestDrive 'snapshot'
        $result = Export-LicenseAuditSnapshot -Path $folder -Confirm:$false
        $result.Complete | Should -BeTrue
        $summary = Invoke-E2EEngine lync entitlement --estate $folder --summary-only
        $summary.Total | Should -Be $ExpectedSummary.Total
        $summary.Enterprise | Should -Be $ExpectedSummary.Enterprise
        $summary.Plus | Should -Be $ExpectedSummary.Plus
        Get-E2ECalLine @(Invoke-E2EEngine lync entitlement --estate $folder) | Should -Be (Get-E2ECalLine $ExpectedUsers)
    }

    It 'Invoke-LicenseAudit: a live run of the mocked Lync server writes the records, the workbook and the summary' {
        . $AdminCaller
        $out = Join-Path $TestDrive 'invoke'
        $summary = Invoke-LicenseAudit -OutputPath $out -Audit Entitlement, Policies -AsOf ([datetime]::new(2026, 11, 1, 6, 0, 0, [System.DateTimeKind]::Utc)) -Confirm:$false
        $summary.Succeeded | Should -BeTrue
        $summary.Source | Should -Be 'Live'
        $summary.Total | Should -Be $ExpectedSummary.Total
        $summary.Standard | Should -Be $ExpectedSummary.Standard
        $summary.Enterprise | Should -Be $ExpectedSummary.Enterprise
        $summary.Plus | Should -Be $ExpectedSummary.Plus
        $summary.OutputPath | Should -Be (Join-Path $out '20261101T060000Z')
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
        Get-E2ECalLine @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-entitlement.ndjson') | ForEach-Object { ConvertFrom-Json -InputObject $_ } | Where-Object RecordType -eq 'LyncUserCal') |
            Should -Be (Get-E2ECalLine $ExpectedUsers)
    }
}

Describe 'The same answers in <_>, with Gregorian dates' -ForEach @('de-DE', 'th-TH') {
    BeforeAll {
        $script:CultureName = $_
        function script:Get-E2EBuddhistDate([object[]]$Records) {
            # Date text with a Buddhist-era year (2550-2599) in any string property: a th-TH date
            # written where a Gregorian one belongs.
            $pattern = '(?<!\d)25[5-9]\d[-/.]\d{1,2}[-/.]\d{1,2}|(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.]25[5-9]\d(?!\d)|(?<!\d)25[5-9]\d(0[1-9]|1[0-2])[0-3]\d(?!\d)'
            foreach ($record in $Records) {
                foreach ($property in $record.PSObject.Properties) {
                    if ($property.Value -is [string] -and $property.Value -match $pattern) { '{0}={1}' -f $property.Name, $property.Value }
                }
            }
        }
    }
    BeforeEach {
        $script:SavedCulture = [System.Globalization.CultureInfo]::CurrentCulture
        $script:SavedUICulture = [System.Globalization.CultureInfo]::CurrentUICulture
        $script:SavedErrorAction = $global:ErrorActionPreference
        $global:ErrorActionPreference = 'Stop'
        Set-E2ECulture $CultureName
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Lync['Get-CsUser'] }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:Lync['Get-CsConferencingPolicy'] }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:Lync['Get-CsVoicePolicy'] }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Lync['Get-CsPool'] }
        Mock -ModuleName LicenseAudit Get-CsCommonAreaPhone { $script:Lync['Get-CsCommonAreaPhone'] }
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { $script:Lync['Get-CsAnalogDevice'] }
        Mock -ModuleName LicenseAudit Get-CsMeetingRoom { $script:Lync['Get-CsMeetingRoom'] }
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { $script:Lync['Get-CsRgsAgentGroup'] }
    }
    AfterEach {
        [System.Threading.Thread]::CurrentThread.CurrentCulture = $script:SavedCulture
        [System.Threading.Thread]::CurrentThread.CurrentUICulture = $script:SavedUICulture
        [System.Globalization.CultureInfo]::CurrentCulture = $script:SavedCulture
        [System.Globalization.CultureInfo]::CurrentUICulture = $script:SavedUICulture
        $global:ErrorActionPreference = $script:SavedErrorAction
    }

    It 'Lync: CAL requirement, usage and right-sizing as in the invariant culture' {
        . $AdminCaller
        [System.Globalization.CultureInfo]::CurrentCulture.Name | Should -Be $CultureName
        $records = @(Get-LyncCalRequirement -IncludeDevices -SummaryVariable summary)
        Get-E2ECalLine $records | Should -Be (Get-E2ECalLine $ExpectedUsers)
        $summary.Enterprise | Should -Be $ExpectedSummary.Enterprise
        $rightsized = @($records | Get-LyncCalRightSizing -UsagePath (Join-Path $RightSizing 'usage.ndjson') -LicensedPath (Join-Path $RightSizing 'licensed.csv') `
                -PricesPath (Join-Path $RightSizing 'prices.csv') -SummaryVariable sized -WarningAction SilentlyContinue)
        (@($rightsized | ForEach-Object { $_.Recommendation }) -join ',') | Should -Be (@($RightSizingAnswers.Values) -join ',')
        # Prices with decimals: parsed from the CSV the same way whatever the culture.
        $sized.YearlySaving | Should -Be 330
        $sized.YearlyExposure | Should -Be 145
        # The usage window of examples/rightsizing/usage.ndjson: 2026-08-03 to 2026-11-01, in the Gregorian calendar.
        $sized.WindowStart.ToUniversalTime() | Should -Be ([datetime]::new(2026, 8, 3, 0, 0, 0, [System.DateTimeKind]::Utc))
        ($rightsized | Where-Object SipAddress -eq 'sip:alice@contoso.com').LastActivity.ToUniversalTime() | Should -Be ([datetime]::new(2026, 10, 30, 16, 12, 0, [System.DateTimeKind]::Utc))
        @(Get-E2EBuddhistDate ($records + $rightsized + @($summary, $sized))) | Should -BeNullOrEmpty
        if ($SqlServer) {
            $usage = @(Get-LyncCalUsage -SqlServer $SqlServer -Credential $SqlCredential -DisableEncryption -IncludeAllUsers -AsOf $AsOf -CoverageVariable coverage)
            ($usage | Where-Object SipAddress -eq 'sip:dave@contoso.com').Enterprise | Should -Be 'Yes'
            $coverage[0].WindowEnd.ToUniversalTime() | Should -Be $AsOf
            @($usage | Where-Object { $null -ne $_.LastActivity -and $_.LastActivity.Year -ne 2026 }) | Should -BeNullOrEmpty
            @(Get-E2EBuddhistDate ($usage + @($coverage))) | Should -BeNullOrEmpty
        }
    }

    It 'server CALs, Teams and UC counts, and the evidence template as in the invariant culture' {
        . $AdminCaller
        $evidence = @($UalSystems) + @($UalUsers) + @($UalDevices)
        $position = @($evidence | Get-ServerCalCompliance -EvidencePath (Join-Path $UalExample 'flexnet-evidence.csv') -LicensePath (Join-Path $UalExample 'licenses.csv') `
                -InternalDomain contoso.com -AsOf $AsOf -DetailVariable detail -WarningAction SilentlyContinue)
        @($position | ForEach-Object { '{0}|{1}|{2}|{3}|{4}' -f $_.Product, $_.CalType, $_.Version, $_.Required, $_.Shortfall }) | Should -Be $ExpectedUal
        $detail.UalEvidenceSummary[0].AsOf.ToUniversalTime() | Should -Be $AsOf
        @($detail.CalConsumption | Where-Object { $null -ne $_.LastSeen -and $_.LastSeen.Year -ne 2026 }) | Should -BeNullOrEmpty
        $findings = @($OnlineUsers | Test-TeamsLicenseAssignment @TeamsConfiguration `
                -PricePath (Join-Path $TeamsExample 'teams-prices.csv') -SummaryVariable teams -WarningAction SilentlyContinue)
        @($findings | ForEach-Object { '{0} {1} {2}' -f $_.UserPrincipalName, $_.Code, $_.Severity }) | Should -Be $TeamsFindings
        $teams.MonthlyWaste | Should -Be 68
        # henry's soft deletion (2026-11-20) in the evidence text: Gregorian, as the engine wrote it.
        ($findings | Where-Object UserPrincipalName -eq 'henry@contoso.com').EvidenceText | Should -BeLike '*2026-11-20*'
        ((Get-UcLicenseCount -EstatePath $UcExample -Summary) | Where-Object Scope -eq 'Estate').UserLicenses | Should -Be 12
        $template = Join-Path $TestDrive ('template-{0}.csv' -f $CultureName)
        Export-CalEvidenceTemplate -Path $template -IncludeExample -Confirm:$false | Out-Null
        (Import-Csv -LiteralPath $template)[0].AccessDate | Should -Be ([datetime]::Now.ToString('yyyyMMdd', $Invariant))
        @(Get-E2EBuddhistDate ($position + $findings + @($detail.CalConsumption) + @(Import-Csv -LiteralPath $template))) | Should -BeNullOrEmpty
    }

    It 'Invoke-LicenseAudit and Get-LicenseAuditHistory: run folders, history and alerts named with Gregorian dates' {
        . $AdminCaller
        $out = Join-Path $TestDrive ('runs-{0}' -f $CultureName)
        $october = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Contoso -Audit Entitlement -AsOf ([datetime]::new(2026, 10, 1, 6, 0, 0, [System.DateTimeKind]::Utc)) `
            -Confirm:$false -WarningAction SilentlyContinue
        $november = Join-Path $TestDrive ('november-{0}' -f $CultureName)
        Copy-Item -LiteralPath $Contoso -Destination $november -Recurse
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'examples/history/users-november.json') -Destination (Join-Path $november 'users.json') -Force
        $summary = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $november -Audit Entitlement -AsOf ([datetime]::new(2026, 11, 1, 6, 0, 0, [System.DateTimeKind]::Utc)) `
            -Confirm:$false -WarningAction SilentlyContinue
        $october.Total | Should -Be $ExpectedSummary.Total
        $summary.OutputPath | Should -Be (Join-Path $out '20261101T060000Z')
        $summary.ReportPath | Should -Be (Join-Path $summary.OutputPath 'LicenseAudit-20261101T060000Z.xlsx')
        $summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid $summary.ReportPath
        Join-Path $out 'history/lync-entitlement-20261101T060000Z.json' | Should -Exist
        $summary.AsOf.ToUniversalTime() | Should -Be ([datetime]::new(2026, 11, 1, 6, 0, 0, [System.DateTimeKind]::Utc))
        # README, "Run history": Enterprise 6 -> 9 between the two example runs.
        $summary.AlertsText | Should -BeLike '*LyncUserCal.Enterprise 6 -> 9*'
        $trend = @(Get-LicenseAuditHistory -Path (Join-Path $out 'history') -WarningAction SilentlyContinue)
        @($trend | ForEach-Object { $_.AsOf.ToUniversalTime().ToString('yyyy-MM-dd', $Invariant) } | Sort-Object -Unique) | Should -Be @('2026-10-01', '2026-11-01')
        @(Get-E2EBuddhistDate (@($summary) + $trend)) | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $out -Recurse -Name | Where-Object { $_ -match '25[5-9]\d' }) | Should -BeNullOrEmpty
    }
}

Describe 'Export-Csv and Import-Csv round trips' {
    BeforeEach {
        $script:SavedErrorAction = $global:ErrorActionPreference
        $global:ErrorActionPreference = 'Stop'
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Lync['Get-CsUser'] }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:Lync['Get-CsConferencingPolicy'] }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:Lync['Get-CsVoicePolicy'] }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Lync['Get-CsPool'] }
        Mock -ModuleName LicenseAudit Get-CsCommonAreaPhone { $script:Lync['Get-CsCommonAreaPhone'] }
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { $script:Lync['Get-CsAnalogDevice'] }
        Mock -ModuleName LicenseAudit Get-CsMeetingRoom { $script:Lync['Get-CsMeetingRoom'] }
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { $script:Lync['Get-CsRgsAgentGroup'] }
        Mock -ModuleName LicenseAudit Grant-CsConferencingPolicy { return }
    }
    AfterEach {
        $global:ErrorActionPreference = $script:SavedErrorAction
    }

    It 'a plan saved as CSV (comma, and the culture''s ; in de-DE) reads back into Set-LyncCalPolicyAssignment: -WhatIf grants nothing, then each row is granted' {
        . $AdminCaller
        $plan = @(Get-LyncCalPolicyPlan -LicensedPath (Join-Path $Contoso 'licensed.csv') -DefaultTier Standard -TierPolicy $TierPolicy)
        $plan.Count | Should -BeGreaterThan 0
        $csv = Join-Path $TestDrive 'plan.csv'
        $plan | Export-Csv -LiteralPath $csv -NoTypeInformation
        $previewed = @(Import-Csv -LiteralPath $csv | Set-LyncCalPolicyAssignment -WhatIf -PassThru)
        Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 0 -Exactly
        $previewed.Count | Should -Be $plan.Count
        @($previewed | Where-Object Applied) | Should -BeNullOrEmpty
        $applied = @(Import-Csv -LiteralPath $csv | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru)
        @($applied | ForEach-Object { '{0}|{1}|{2}' -f $_.SipAddress, $_.GrantPolicyName, $_.Applied }) |
            Should -Be @($plan | ForEach-Object { '{0}|{1}|True' -f $_.SipAddress, $_.GrantPolicyName })
        # Every plan column survives into -PassThru, so applied.csv is the plan plus Applied.
        @($applied[0].PSObject.Properties.Name) | Should -Contain 'Reason'
        foreach ($change in $plan) {
            Should -Invoke -ModuleName LicenseAudit Grant-CsConferencingPolicy -Times 1 -Exactly -ParameterFilter { $Identity -eq $change.SipAddress -and $PolicyName -eq $change.GrantPolicyName }
        }
        $saved = [System.Globalization.CultureInfo]::CurrentCulture
        try {
            Set-E2ECulture 'de-DE'
            $semicolon = Join-Path $TestDrive 'plan-de.csv'
            $plan | Export-Csv -LiteralPath $semicolon -NoTypeInformation -UseCulture
            (Get-Content -LiteralPath $semicolon -TotalCount 1) | Should -BeLike '*;*'
            @(Import-Csv -LiteralPath $semicolon -UseCulture | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru | Where-Object Applied).Count | Should -Be $plan.Count
        }
        finally {
            Set-E2ECulture $saved.Name
        }
    }

    It 'right-sizing from CSVs of Get-LyncCalRequirement, Get-LyncCalUsage and its coverage gives the engine''s answers, in <_>' -ForEach @('en-US', 'de-DE', 'th-TH') {
        . $AdminCaller
        if (-not $SqlServer) {
            throw [System.InvalidOperationException]::new('The TDS test server did not start: set LICENSEAUDIT_TDS_TEST_SERVER to target/release/examples/tds-test-server (cargo build --release --example tds-test-server).')
        }
        # Expected: the engine on the same estate, store and licences.
        $cal = Join-Path $TestDrive 'engine-cal.ndjson'
        $used = Join-Path $TestDrive 'engine-usage.ndjson'
        & $Binary lync entitlement --estate $Contoso --summary --output $cal --progress none 2>$null
        'S3cret!pass' | & $Binary lync usage --server $SqlServer --user audit --password-stdin --encrypt off --as-of 2026-11-01T00:00:00Z --users (Join-Path $Contoso 'users.json') `
            --output $used --progress none 2>$null
        $line = { '{0}|{1}|{2}|{3}' -f $_.SipAddress, $_.Recommendation, $_.Confidence, $(if ($_.LastActivity) { ([datetime]$_.LastActivity).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss', [System.Globalization.CultureInfo]::InvariantCulture) }) }
        $expected = @(Invoke-E2EEngine lync rightsize --configured $cal --usage $used --licensed (Join-Path $RightSizing 'licensed.csv') | ForEach-Object $line)
        $expected.Count | Should -Be @($ExpectedUsers | Where-Object Kind -eq 'User').Count

        $saved = [System.Globalization.CultureInfo]::CurrentCulture
        try {
            Set-E2ECulture $_
            $calCsv = Join-Path $TestDrive "cal-$_.csv"
            $usageCsv = Join-Path $TestDrive "usage-$_.csv"
            $coverageCsv = Join-Path $TestDrive "coverage-$_.csv"
            Get-LyncCalRequirement -IncludeDevices | Export-Csv -LiteralPath $calCsv -NoTypeInformation
            Get-LyncCalUsage -SqlServer $SqlServer -Credential $SqlCredential -DisableEncryption -IncludeAllUsers -AsOf $AsOf -CoverageVariable coverage |
                Export-Csv -LiteralPath $usageCsv -NoTypeInformation
            $coverage | Export-Csv -LiteralPath $coverageCsv -NoTypeInformation
            $fromCsv = @(Import-Csv -LiteralPath $calCsv, $usageCsv, $coverageCsv |
                    Get-LyncCalRightSizing -LicensedPath (Join-Path $RightSizing 'licensed.csv') -WarningAction SilentlyContinue)
            $usageOnly = @(Import-Csv -LiteralPath $usageCsv, $coverageCsv |
                    Get-LyncCalRightSizing -ConfiguredPath $cal -LicensedPath (Join-Path $RightSizing 'licensed.csv') -WarningAction SilentlyContinue)
            $configuredOnly = @(Import-Csv -LiteralPath $calCsv |
                    Get-LyncCalRightSizing -UsagePath $used -LicensedPath (Join-Path $RightSizing 'licensed.csv') -WarningAction SilentlyContinue)
            # The usage CSV is also a workbook input (README: records "read back with Import-Csv").
            $workbook = Join-Path $TestDrive "usage-$_.xlsx"
            $sheets = @(Import-Csv -LiteralPath $usageCsv, $coverageCsv | Export-LicenseAuditReport -Path $workbook -PassThru -Confirm:$false)
        }
        finally {
            Set-E2ECulture $saved.Name
        }
        @($fromCsv | ForEach-Object $line) | Should -Be $expected
        @($usageOnly | ForEach-Object $line) | Should -Be $expected
        @($configuredOnly | ForEach-Object $line) | Should -Be $expected
        ($sheets | Where-Object Sheet -eq 'User Details').Rows | Should -Be @(Get-Content -LiteralPath $used | Where-Object { $_ -like '*"RecordType":"LyncUserUsage"*' }).Count
        # Each user's last activity in the workbook is the engine's, not a Buddhist year or a swapped day and month.
        $engineBook = Join-Path $TestDrive "engine-usage-$_.xlsx"
        & $Binary report --output $engineBook $used --progress none 2>$null | Out-Null
        $dates = @(Get-E2EWorkbookDate -Path $workbook -Sheet 'User Details')
        $dates.Count | Should -BeGreaterThan 0
        $dates | Should -Be @(Get-E2EWorkbookDate -Path $engineBook -Sheet 'User Details')
        Assert-TestWorkbookValid $workbook, $engineBook
    }
}

Describe 'A pipeline stopped early leaves no engine and no temporary file' {
    BeforeAll {
        $script:ManyUsers = [LicenseAuditE2E.Rtc.Estate]::NewUsers(30000, 'pool01.redmond.contoso.com')
        $script:Configuration = @{ ConferencingPolicy = $Lync['Get-CsConferencingPolicy']; VoicePolicy = $Lync['Get-CsVoicePolicy']; Pool = $Lync['Get-CsPool'] }
    }
    BeforeEach {
        $script:SavedErrorAction = $global:ErrorActionPreference
        $global:ErrorActionPreference = 'Stop'
        $script:FilesBefore = @(Get-E2ESpoolFile | ForEach-Object { $_.FullName })
    }
    AfterEach {
        $global:ErrorActionPreference = $script:SavedErrorAction
    }

    It 'Select-Object -First 1 on 30,000 users ends the engine and deletes its files' {
        . $AdminCaller
        $during = $null
        $first = @($ManyUsers | Get-LyncCalRequirement @Configuration |
                ForEach-Object { if ($null -eq $during) { $during = @{ Engines = @(Get-E2EEngineProcess); Files = @(Get-E2ESpoolFile) } }; $_ } |
                Select-Object -First 1)
        $first.Count | Should -Be 1
        $first[0].SipAddress | Should -Be 'sip:user1@contoso.com'
        $during.Engines.Count | Should -Be 1
        $during.Files.Count | Should -BeGreaterThan 0
        @(Wait-E2EProcessExit $during.Engines.Id) | Should -BeNullOrEmpty
        @($during.Files | Where-Object { Test-Path -LiteralPath $_.FullName }) | Should -BeNullOrEmpty
        @(Get-E2ESpoolFile | Where-Object { $FilesBefore -notcontains $_.FullName }) | Should -BeNullOrEmpty
    }

    It 'a throw downstream ends the engine and deletes its files' {
        . $AdminCaller
        $during = $null
        $failure = $null
        try {
            $ManyUsers | Get-LyncCalRequirement @Configuration | ForEach-Object {
                $during = @{ Engines = @(Get-E2EEngineProcess); Files = @(Get-E2ESpoolFile) }
                throw [System.InvalidOperationException]::new('downstream failed')
            }
        }
        catch { $failure = $_ }
        $failure.Exception.Message | Should -Be 'downstream failed'
        $during.Engines.Count | Should -Be 1
        @(Wait-E2EProcessExit $during.Engines.Id) | Should -BeNullOrEmpty
        @($during.Files | Where-Object { Test-Path -LiteralPath $_.FullName }) | Should -BeNullOrEmpty
        @(Get-E2ESpoolFile | Where-Object { $FilesBefore -notcontains $_.FullName }) | Should -BeNullOrEmpty
    }

    It 'Remove-Module ends an engine an upstream failure left waiting on stdin, and deletes its files' {
        . $AdminCaller
        $during = $null
        $failure = $null
        try {
            try {
                & {
                    $ManyUsers[0]
                    $ManyUsers[1]
                    $script:Orphaned = @{ Engines = @(Get-E2EEngineProcess); Files = @(Get-E2ESpoolFile) }
                    throw [System.InvalidOperationException]::new('upstream failed')
                } | Get-LyncCalRequirement @Configuration | Out-Null
            }
            catch { $failure = $_ }
            $during = $script:Orphaned
            $failure.Exception.Message | Should -Be 'upstream failed'
            $during.Engines.Count | Should -Be 1
            # README, "Stopping a pipeline": the cmdlet's code was not on the stack, so its engine waits.
            @(Get-E2EEngineProcess | Where-Object Id -eq $during.Engines[0].Id).Count | Should -Be 1
            Remove-Module LicenseAudit
            @(Wait-E2EProcessExit $during.Engines.Id) | Should -BeNullOrEmpty
            @($during.Files | Where-Object { Test-Path -LiteralPath $_.FullName }) | Should -BeNullOrEmpty
        }
        finally {
            Import-Module $ModuleManifest -Force
        }
        Get-Module LicenseAudit | Should -Not -BeNullOrEmpty
    }
}

Describe '-WhatIf and -Confirm, answered as an admin at a console would' {
    BeforeAll {
        # A runspace on a host that answers the prompts (tests/EndToEndShapes.ps1), with the module
        # and stand-ins for the state-changing Lync cmdlets that record every call. They support
        # -WhatIf / -Confirm as the real ones do, so a second prompt per item would show.
        $script:Calls = [System.Collections.Generic.List[string]]::new()
        $script:AnswerHost = [LicenseAuditE2E.Hosting.AnsweringHost]::new([int[]]@())
        $script:AnswerRunspace = [runspacefactory]::CreateRunspace($AnswerHost)
        $AnswerRunspace.Open()
        $setup = [powershell]::Create()
        $setup.Runspace = $AnswerRunspace
        $null = $setup.AddScript({
                param($Manifest, $Stubs, $Calls)
                $global:E2ECalls = $Calls
                Import-Module $Manifest
                . $Stubs
                function global:Grant-CsConferencingPolicy {
                    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
                    param([string]$Identity, [AllowNull()][string]$PolicyName)
                    $global:E2ECalls.Add(('Grant-CsConferencingPolicy {0} {1}' -f $Identity, $PolicyName))
                    if ($PSCmdlet.ShouldProcess($Identity, 'Grant-CsConferencingPolicy')) { }
                }
                function global:New-CsConferencingPolicy {
                    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
                    param(
                        [string]$Identity, [string]$Description, $AllowIPAudio, $AllowIPVideo, $AllowMultiView,
                        $EnableDialInConferencing, $EnableAppDesktopSharing, $AllowUserToScheduleMeetingsWithAppSharing,
                        $AllowAnonymousParticipantsInMeetings, $AllowPolls, $AllowAnnotations, $EnableDataCollaboration, $AllowConferenceRecording,
                        $AllowExternalUsersToRecordMeeting, $EnableP2PRecording, $EnableP2PVideo, $EnableP2PFileTransfer,
                        $EnableFileTransfer, $MaxMeetingSize
                    )
                    $global:E2ECalls.Add('New-CsConferencingPolicy ' + $Identity)
                    if ($PSCmdlet.ShouldProcess($Identity, 'New-CsConferencingPolicy')) { [pscustomobject]@{ Identity = 'Tag:' + $Identity } }
                }
                function global:Get-CsConferencingPolicy {
                    [CmdletBinding()]
                    param([string]$Identity)
                    if ($Identity) { Write-Error -Message ('Cannot get item because item "{0}" does not exist.' -f $Identity) -Category ObjectNotFound }
                }
                function global:Get-CsUser { [CmdletBinding()] param([string]$Identity)
                    $global:E2ECalls.Add('Get-CsUser')
                }
            }).AddArgument($ModuleManifest).AddArgument((Join-Path $PSScriptRoot 'TestStubs.ps1')).AddArgument($Calls)
        $null = $setup.Invoke()
        $setup.Dispose()

        function script:Invoke-E2EAnswered([int[]]$Answer, [string]$Script, [hashtable]$Variable = @{}) {
            # Runs $Script in the answering runspace, as a strict admin script; what it returned,
            # which prompts it showed, what it wrote to the host, which Lync cmdlets it called.
            $AnswerHost.Expect($Answer)
            $Calls.Clear()
            foreach ($name in $Variable.Keys) { $AnswerRunspace.SessionStateProxy.SetVariable($name, $Variable[$name]) }
            $shell = [powershell]::Create()
            $shell.Runspace = $AnswerRunspace
            try {
                # Each script starts from a console's defaults (the runspace keeps what the last one set).
                $output = $shell.AddScript("Set-StrictMode -Version Latest`n`$ErrorActionPreference = 'Stop'`n`$WhatIfPreference = `$false`n`$ConfirmPreference = 'High'`n" + $Script).Invoke()
                [pscustomobject]@{
                    Output  = @($output)
                    Prompts = @($AnswerHost.Prompts)
                    WhatIf  = @($AnswerHost.Lines | Where-Object { $_ -like 'What if:*' })
                    Calls   = @($Calls)
                    Errors  = @($shell.Streams.Error | ForEach-Object { $_.ToString() })
                }
            }
            finally {
                $shell.Dispose()
            }
        }

        Mock -ModuleName LicenseAudit Get-CsUser { $script:Lync['Get-CsUser'] }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:Lync['Get-CsConferencingPolicy'] }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:Lync['Get-CsVoicePolicy'] }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Lync['Get-CsPool'] }
        $script:Plan = @(Get-LyncCalPolicyPlan -LicensedPath (Join-Path $Contoso 'licensed.csv') -DefaultTier Standard -TierPolicy $TierPolicy)
        $script:PlanGrants = @($Plan | ForEach-Object { 'Grant-CsConferencingPolicy {0} {1}' -f $_.SipAddress, $_.GrantPolicyName })
        $script:Records = @(Get-LyncCalRequirement -ConferencingPolicy $Lync['Get-CsConferencingPolicy'] -VoicePolicy $Lync['Get-CsVoicePolicy'] -Pool $Lync['Get-CsPool'] -InputObject $Lync['Get-CsUser'])
    }
    AfterAll {
        if ($script:AnswerRunspace) { $script:AnswerRunspace.Dispose() }
    }

    It 'Set-LyncCalPolicyAssignment -Confirm asks once per user, and grants only what was answered Yes' {
        $Plan.Count | Should -Be 3
        $answered = Invoke-E2EAnswered -Answer 0, 2, 0 -Script '$Plan | Set-LyncCalPolicyAssignment -Confirm' -Variable @{ Plan = $Plan }
        $answered.Errors | Should -BeNullOrEmpty
        $answered.Prompts.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { $answered.Prompts[$i] | Should -BeLike ('*Grant-CsConferencingPolicy -PolicyName {1}*{0}*' -f $Plan[$i].SipAddress, $Plan[$i].GrantPolicyName) }
        $answered.Calls | Should -Be @($PlanGrants[0], $PlanGrants[2])
        $all = Invoke-E2EAnswered -Answer 1 -Script '$Plan | Set-LyncCalPolicyAssignment -Confirm' -Variable @{ Plan = $Plan }
        $all.Prompts.Count | Should -Be 1
        $all.Calls | Should -Be $PlanGrants
        $none = Invoke-E2EAnswered -Answer 3 -Script '$Plan | Set-LyncCalPolicyAssignment -Confirm -PassThru' -Variable @{ Plan = $Plan }
        $none.Prompts.Count | Should -Be 1
        $none.Calls | Should -BeNullOrEmpty
        @($none.Output | Where-Object Applied) | Should -BeNullOrEmpty
    }

    It 'with $ConfirmPreference Medium it asks per user too; at the default High, and with -Confirm:$false, it acts without asking' {
        $medium = Invoke-E2EAnswered -Answer 0, 0, 2 -Script '$ConfirmPreference = ''Medium''; $Plan | Set-LyncCalPolicyAssignment' -Variable @{ Plan = $Plan }
        $medium.Errors | Should -BeNullOrEmpty
        $medium.Prompts.Count | Should -Be 3
        $medium.Calls | Should -Be @($PlanGrants[0], $PlanGrants[1])
        $default = Invoke-E2EAnswered -Answer @() -Script '$ConfirmPreference = ''High''; $Plan | Set-LyncCalPolicyAssignment' -Variable @{ Plan = $Plan }
        $default.Prompts | Should -BeNullOrEmpty
        $default.Calls | Should -Be $PlanGrants
        $unasked = Invoke-E2EAnswered -Answer @() -Script '$ConfirmPreference = ''Low''; $Plan | Set-LyncCalPolicyAssignment -Confirm:$false' -Variable @{ Plan = $Plan }
        $unasked.Prompts | Should -BeNullOrEmpty
        $unasked.Errors | Should -BeNullOrEmpty
        $unasked.Calls | Should -Be $PlanGrants
    }

    It '-WhatIf (and $WhatIfPreference) says what each user would get and calls no state-changing cmdlet' {
        $whatIf = Invoke-E2EAnswered -Answer @() -Script '$Plan | Set-LyncCalPolicyAssignment -WhatIf' -Variable @{ Plan = $Plan }
        $whatIf.Calls | Should -BeNullOrEmpty
        $whatIf.Prompts | Should -BeNullOrEmpty
        $whatIf.WhatIf.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { $whatIf.WhatIf[$i] | Should -BeLike ('*{0}*' -f $Plan[$i].SipAddress) }
        $preference = Invoke-E2EAnswered -Answer @() -Script '$WhatIfPreference = $true; $Plan | Set-LyncCalPolicyAssignment; New-LyncCalPolicyTemplate' -Variable @{ Plan = $Plan }
        $preference.Calls | Should -BeNullOrEmpty
        $preference.WhatIf.Count | Should -Be 8
    }

    It 'New-LyncCalPolicyTemplate -Confirm asks once per policy' {
        $answered = Invoke-E2EAnswered -Answer 0, 2, 2, 2, 0 -Script 'New-LyncCalPolicyTemplate -Prefix Contoso_ -Confirm'
        $answered.Errors | Should -BeNullOrEmpty
        $answered.Prompts.Count | Should -Be 5
        $answered.Calls | Should -Be @('New-CsConferencingPolicy Contoso_STD_CAL_NoConferencing', 'New-CsConferencingPolicy Contoso_ENT_CAL_NOREC_AudioVideo')
        @($answered.Output | ForEach-Object { $_.Name }) | Should -Be @('Contoso_STD_CAL_NoConferencing', 'Contoso_ENT_CAL_NOREC_AudioVideo')
    }

    It 'the Export writers and Invoke-LicenseAudit ask once per file or run: No writes nothing, -WhatIf writes nothing, Yes writes' {
        $folder = Join-Path $TestDrive 'confirm'
        $null = New-Item -ItemType Directory -Path $folder
        $variables = @{ Records = $Records; Folder = $folder; Contoso = $Contoso }
        $no = Invoke-E2EAnswered -Answer 2, 2, 2, 2 -Variable $variables -Script @'
$Records | Export-LicenseAuditReport -Path (Join-Path $Folder 'no.xlsx') -Confirm
Export-CalEvidenceTemplate -Path (Join-Path $Folder 'no.csv') -Confirm
Export-LicenseAuditSnapshot -Path (Join-Path $Folder 'no-snapshot') -Confirm
Invoke-LicenseAudit -OutputPath (Join-Path $Folder 'no-runs') -SnapshotPath $Contoso -Confirm
'@
        $no.Errors | Should -BeNullOrEmpty
        $no.Prompts.Count | Should -Be 4
        $no.Output | Should -BeNullOrEmpty
        $no.Calls | Should -BeNullOrEmpty
        $whatIf = Invoke-E2EAnswered -Answer @() -Variable $variables -Script @'
$Records | Export-LicenseAuditReport -Path (Join-Path $Folder 'no.xlsx') -WhatIf
Export-CalEvidenceTemplate -Path (Join-Path $Folder 'no.csv') -WhatIf
Export-LicenseAuditSnapshot -Path (Join-Path $Folder 'no-snapshot') -WhatIf
Invoke-LicenseAudit -OutputPath (Join-Path $Folder 'no-runs') -SnapshotPath $Contoso -WhatIf
'@
        $whatIf.Errors | Should -BeNullOrEmpty
        $whatIf.WhatIf.Count | Should -Be 4
        $whatIf.Calls | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $folder) | Should -BeNullOrEmpty
        $yes = Invoke-E2EAnswered -Answer 0, 0 -Variable $variables -Script @'
$Records | Export-LicenseAuditReport -Path (Join-Path $Folder 'yes.xlsx') -Confirm
Export-CalEvidenceTemplate -Path (Join-Path $Folder 'yes.csv') -Confirm
'@
        $yes.Errors | Should -BeNullOrEmpty
        $yes.Prompts.Count | Should -Be 2
        @(Get-ChildItem -LiteralPath $folder -Name | Sort-Object) | Should -Be @('yes.csv', 'yes.xlsx')
        Assert-TestWorkbookValid (Join-Path $folder 'yes.xlsx')
    }

    It 'the cmdlets that only read never ask, even with $ConfirmPreference Low' {
        $variables = @{
            Records = $Records; Lync = $Lync; OnlineUsers = $OnlineUsers; PhoneNumbers = $PhoneNumbers; ResourceAccounts = $ResourceAccounts
            IpPhonePolicies = $IpPhonePolicies; UalExample = $UalExample; UcExample = $UcExample; RightSizing = $RightSizing; Contoso = $Contoso
            TeamsConfiguration = $TeamsConfiguration
        }
        $read = Invoke-E2EAnswered -Answer @() -Variable $variables -Script @'
$ConfirmPreference = 'Low'
@($Lync['Get-CsUser'] | Get-LyncCalRequirement -ConferencingPolicy $Lync['Get-CsConferencingPolicy'] -VoicePolicy $Lync['Get-CsVoicePolicy'] -Pool $Lync['Get-CsPool']).Count
@($Lync['Get-CsConferencingPolicy'] | Test-LyncConferencingPolicy).Count
@($Records | Get-LyncCalRightSizing -UsagePath (Join-Path $RightSizing 'usage.ndjson') -WarningAction SilentlyContinue).Count
@(Get-ServerCalCompliance -EvidencePath (Join-Path $UalExample 'ual-user-access.json') -SystemIdPath (Join-Path $UalExample 'ual-system-id.json') -WarningAction SilentlyContinue).Count -gt 0
@($OnlineUsers | Test-TeamsLicenseAssignment @TeamsConfiguration -WarningAction SilentlyContinue).Count
@($OnlineUsers | Get-TeamsLicenseCount -IpPhonePolicy $IpPhonePolicies -ApplicationInstance $ResourceAccounts).Count
@(Get-UcLicenseCount -EstatePath $UcExample -Summary).Count -gt 0
(Get-LicenseAuditInputInfo -Path (Join-Path $Contoso 'users.json')).Records
@(Get-LicenseAuditSchema).Count -gt 0
'@
        $read.Errors | Should -BeNullOrEmpty
        $read.Prompts | Should -BeNullOrEmpty
        $read.Output | Should -Be @(12, 9, 12, $true, 9, 17, $true, 12, $true)
    }
}

Describe 'The module imported from the laid-out package' {
    BeforeAll {
        # The package scripts/package lays out (scripts/test-all: --out target/package-test, then
        # LICENSEAUDIT_PACKAGE_DIR=target/package-test/LicenseAudit/<version>). No package is a
        # failing test that says how to make one, never a pass.
        $script:PackageDir = $null
        $script:PackageProblem = $null
        if ($env:LICENSEAUDIT_PACKAGE_DIR) {
            if (Test-Path -LiteralPath (Join-Path $env:LICENSEAUDIT_PACKAGE_DIR 'LicenseAudit.psd1')) { $script:PackageDir = $env:LICENSEAUDIT_PACKAGE_DIR }
            else { $script:PackageProblem = "LICENSEAUDIT_PACKAGE_DIR is '$env:LICENSEAUDIT_PACKAGE_DIR', which holds no LicenseAudit.psd1: run scripts/package --out target/package-test, and point it at target/package-test/LicenseAudit/<version>." }
        }
        elseif ($env:CI -eq 'true') {
            $script:PackageProblem = 'LICENSEAUDIT_PACKAGE_DIR is not set: under CI, scripts/test-all runs scripts/package --out target/package-test and sets it to target/package-test/LicenseAudit/<version>.'
        }
        else {
            $candidate = Get-ChildItem -Path (Join-Path $RepoRoot 'target/package-test/LicenseAudit') -Directory -ErrorAction SilentlyContinue |
                Where-Object { Test-Path -LiteralPath (Join-Path $_.FullName 'LicenseAudit.psd1') } | Sort-Object Name | Select-Object -Last 1
            if ($candidate) { $script:PackageDir = $candidate.FullName }
            else { $script:PackageProblem = "No laid-out package in $(Join-Path $RepoRoot 'target/package-test/LicenseAudit'): run scripts/package --out target/package-test (or set LICENSEAUDIT_PACKAGE_DIR to a laid-out LicenseAudit/<version> folder)." }
        }

        # A Lync and a Teams cmdlet in a PowerShell of its own, with LICENSEAUDIT_BINARY unset:
        # the module must find, check and run the package's bin/<rid> engine.
        $script:PackageChild = Join-Path $TestDrive 'package-child.ps1'
        Set-Content -LiteralPath $PackageChild -Encoding UTF8 -Value @'
param([string]$Module, [string]$Tampered, [string]$Shapes, [string]$Contoso, [string]$Teams, [string]$Out)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Remove-Item -Path Env:LICENSEAUDIT_BINARY -ErrorAction SilentlyContinue
$result = [ordered]@{ Error = $null; ErrorId = $null; ModuleBase = $null; Engine = $null; Lync = @(); Enterprise = $null; Teams = @(); MonthlyWaste = $null
    TamperedError = $null; TamperedErrorId = $null }
try {
    Import-Module $Module
    $result.ModuleBase = (Get-Module LicenseAudit).ModuleBase
    & {
        # The same Microsoft-shaped objects as the checkout's tests (tests/EndToEndShapes.ps1).
        . $Shapes
        $global:E2EEstate = Get-E2ELyncEstate -Folder $Contoso
        foreach ($name in @($E2EEstate.Keys)) {
            $null = New-Item -Path "function:global:$name" -Value ([scriptblock]::Create("[CmdletBinding()] param([string]`$Identity) `$global:E2EEstate['$name']"))
        }
        # The engine that runs: seen while it streams (Select-Object -First 1 then stops it).
        $engine = $null
        $null = @([LicenseAuditE2E.Rtc.Estate]::NewUsers(5000, 'pool01.redmond.contoso.com') | Get-LyncCalRequirement | ForEach-Object {
                if ($null -eq $engine) { $engine = @(Get-Process -Name 'license-audit' -ErrorAction SilentlyContinue | Where-Object { $null -ne $_.Parent -and $_.Parent.Id -eq $PID } | ForEach-Object { $_.Path }) }
                $_
            } | Select-Object -First 1)
        $result.Engine = $engine
        $records = @(Get-LyncCalRequirement -IncludeDevices -SummaryVariable summary)
        $result.Lync = @($records | ForEach-Object { '{0}|{1}|S={2}|E={3}|P={4}|{5}' -f $_.SipAddress, $_.Kind, $_.Standard, $_.Enterprise, $_.Plus, $_.ConferencingPolicy })
        $result.Enterprise = $summary.Enterprise
        $users = @(New-E2EOnlineUser -Path (Join-Path $Teams 'teams.json'))
        $findings = @($users | Test-TeamsLicenseAssignment -PhoneNumberAssignment @(New-E2EPhoneNumberAssignment -Path (Join-Path $Teams 'teams-phone-numbers.json')) `
                -ResourceAccount @(New-E2EApplicationInstance -Path (Join-Path $Teams 'teams-resource-accounts.json')) -PricePath (Join-Path $Teams 'teams-prices.csv') `
                -VoiceRoutingPolicy @(Get-Content -Raw -LiteralPath (Join-Path $Teams 'teams-voice-routing-policies.json') | ConvertFrom-Json) `
                -VoiceRoute @(Get-Content -Raw -LiteralPath (Join-Path $Teams 'teams-voice-routes.json') | ConvertFrom-Json) `
                -SharedCallingPolicy @(Get-Content -Raw -LiteralPath (Join-Path $Teams 'teams-shared-calling-policies.json') | ConvertFrom-Json) `
                -CallQueue @(Get-Content -Raw -LiteralPath (Join-Path $Teams 'teams-call-queues.json') | ConvertFrom-Json) `
                -SummaryVariable teamsSummary -WarningAction SilentlyContinue)
        $result.Teams = @($findings | ForEach-Object { '{0} {1} {2}' -f $_.UserPrincipalName, $_.Code, $_.Severity })
        $result.MonthlyWaste = $teamsSummary.MonthlyWaste
    }
}
catch {
    $result.Error = $_.Exception.Message
    $result.ErrorId = $_.FullyQualifiedErrorId
}
# The same package with a SHA256SUMS that matches no binary: the engine must not start.
Remove-Module LicenseAudit -ErrorAction SilentlyContinue
try {
    Import-Module $Tampered
    $null = Get-LicenseAuditSchema -Name LyncUserCal
}
catch {
    $result.TamperedError = $_.Exception.Message
    $result.TamperedErrorId = $_.FullyQualifiedErrorId
}
[System.IO.File]::WriteAllText($Out, ($result | ConvertTo-Json -Depth 4))
'@
        # One PowerShell for both: the package as laid out, then a copy whose bin/SHA256SUMS
        # expects another hash for every binary (whichever bin/<rid> this machine takes).
        $script:Package = $null
        if ($PackageDir) {
            $copy = Join-Path $TestDrive 'package-copy'
            Copy-Item -LiteralPath $PackageDir -Destination $copy -Recurse
            $sums = Join-Path $copy 'bin/SHA256SUMS'
            $script:SumLines = @(Get-Content -LiteralPath $sums)
            Set-Content -LiteralPath $sums -Value @($SumLines | ForEach-Object { ('0' * 64) + $_.Substring(64) })
            $out = Join-Path $TestDrive 'package.json'
            & $Pwsh -NoProfile -NonInteractive -File $PackageChild -Module (Join-Path $PackageDir 'LicenseAudit.psd1') -Tampered (Join-Path $copy 'LicenseAudit.psd1') `
                -Shapes (Join-Path $PSScriptRoot 'EndToEndShapes.ps1') -Contoso $Contoso -Teams $TeamsExample -Out $out 2>&1 | Out-Null
            $script:Package = Get-Content -Raw -LiteralPath $out | ConvertFrom-Json
        }
    }

    It 'runs its own bin/ engine with LICENSEAUDIT_BINARY unset, and answers as the checkout does (Get-LyncCalRequirement, Test-TeamsLicenseAssignment)' {
        if ($PackageProblem) { throw [System.IO.DirectoryNotFoundException]::new($PackageProblem) }
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Lync['Get-CsUser'] }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:Lync['Get-CsConferencingPolicy'] }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:Lync['Get-CsVoicePolicy'] }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Lync['Get-CsPool'] }
        Mock -ModuleName LicenseAudit Get-CsCommonAreaPhone { $script:Lync['Get-CsCommonAreaPhone'] }
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { $script:Lync['Get-CsAnalogDevice'] }
        Mock -ModuleName LicenseAudit Get-CsMeetingRoom { $script:Lync['Get-CsMeetingRoom'] }
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { $script:Lync['Get-CsRgsAgentGroup'] }
        $checkoutLync = Get-E2ECalLine @(Get-LyncCalRequirement -IncludeDevices)
        $checkoutTeams = @($OnlineUsers | Test-TeamsLicenseAssignment @TeamsConfiguration -WarningAction SilentlyContinue |
                ForEach-Object { '{0} {1} {2}' -f $_.UserPrincipalName, $_.Code, $_.Severity })

        $package = $Package
        $package.Error | Should -BeNullOrEmpty
        $package.ModuleBase | Should -Be (Resolve-Path -LiteralPath $PackageDir).ProviderPath
        @($package.Engine).Count | Should -Be 1
        @($package.Engine)[0] | Should -BeLike ((Join-Path (Resolve-Path -LiteralPath $PackageDir).ProviderPath 'bin') + '*')
        @($package.Lync) | Should -Be $checkoutLync
        @($package.Lync) | Should -Be (Get-E2ECalLine $ExpectedUsers)
        $package.Enterprise | Should -Be 6
        @($package.Teams) | Should -Be $checkoutTeams
        @($package.Teams) | Should -Be $TeamsFindings
        $package.MonthlyWaste | Should -Be 68
    }

    It 'checks its engine against bin/SHA256SUMS: a binary that does not match is refused, not run' {
        if ($PackageProblem) { throw [System.IO.DirectoryNotFoundException]::new($PackageProblem) }
        $SumLines.Count | Should -BeGreaterThan 0
        $Package.TamperedErrorId | Should -BeLike 'LicenseAudit.ChecksumMismatch*'
        $Package.TamperedError | Should -BeLike '*reinstall*'
    }
}

Describe 'The offline snapshot script, run alone on a (mocked) Lync server, then audited' {
    It 'writes a folder that Invoke-LicenseAudit -SnapshotPath audits to the engine''s answers for examples/contoso' {
        . $AdminCaller
        # As on a front end: a PowerShell of its own, the Lync cmdlets there (stand-ins defined
        # before the script runs, returning the snap-in's objects), no LicenseAudit module.
        $child = Join-Path $TestDrive 'snapshot-child.ps1'
        Set-Content -LiteralPath $child -Encoding UTF8 -Value @'
param([string]$Shapes, [string]$Contoso, [string]$Script, [string]$Folder, [string]$Out)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$result = [ordered]@{ Error = $null; ModulesBefore = @(); ModulesAfter = @(); Complete = $null; Format = $null; Files = @() }
try {
    . $Shapes
    $global:E2EEstate = Get-E2ELyncEstate -Folder $Contoso
    foreach ($name in @($E2EEstate.Keys)) {
        $null = New-Item -Path "function:global:$name" -Value ([scriptblock]::Create("[CmdletBinding()] param([string]`$Identity) `$global:E2EEstate['$name']"))
    }
    function global:Get-CsSite {
        [CmdletBinding()] param([string]$Identity)
        [pscustomobject]@{ Identity = 'Site:Redmond'; SiteId = 1; DisplayName = 'Redmond'; Description = ''; Kind = 'Central'; Pools = @('pool01.redmond.contoso.com') }
        [pscustomobject]@{ Identity = 'Site:Dublin'; SiteId = 2; DisplayName = 'Dublin'; Description = ''; Kind = 'Central'; Pools = @('pool01.dublin.contoso.com') }
    }
    function global:Get-CsService {
        [CmdletBinding()] param([switch]$MonitoringDatabase)
        [pscustomobject]@{ Identity = 'MonitoringDatabase:sqlmon01.contoso.com'; PoolFqdn = 'sqlmon01.contoso.com'; SqlInstanceName = 'LYNCMON'; SiteId = 'Site:Redmond'; Version = 6 }
    }
    $result.ModulesBefore = @(Get-Module | ForEach-Object { $_.Name } | Where-Object { $_ -like 'LicenseAudit*' })
    $snapshot = & $Script -Path $Folder
    $result.ModulesAfter = @(Get-Module | ForEach-Object { $_.Name } | Where-Object { $_ -like 'LicenseAudit*' })
    $result.Complete = $snapshot.Complete
    $result.Format = $snapshot.Format
    $result.Files = @($snapshot.Files | ForEach-Object { '{0}|{1}|{2}' -f $_.Name, $_.Status, $_.Count })
}
catch {
    $result.Error = $_.Exception.Message
}
[System.IO.File]::WriteAllText($Out, ($result | ConvertTo-Json -Depth 4))
'@
        $folder = Join-Path $TestDrive 'front-end-snapshot'
        $out = Join-Path $TestDrive 'snapshot-child.json'
        & $Pwsh -NoProfile -NonInteractive -File $child -Shapes (Join-Path $PSScriptRoot 'EndToEndShapes.ps1') -Contoso $Contoso `
            -Script (Join-Path $RepoRoot 'scripts/Export-LicenseAuditSnapshot.ps1') -Folder $folder -Out $out 2>&1 | Out-Null
        $snapshot = Get-Content -Raw -LiteralPath $out | ConvertFrom-Json
        $snapshot.Error | Should -BeNullOrEmpty
        @($snapshot.ModulesBefore) + @($snapshot.ModulesAfter) | Should -BeNullOrEmpty
        $snapshot.Complete | Should -BeTrue
        $snapshot.Format | Should -Be 'Json'
        @($snapshot.Files) | Should -Contain 'users|Written|12'
        @($snapshot.Files) | Should -Contain 'monitoring-databases|Written|1'

        $summary = Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'snapshot-runs') -SnapshotPath $folder -Audit Entitlement, Policies `
            -AsOf ([datetime]::new(2026, 11, 1, 6, 0, 0, [System.DateTimeKind]::Utc)) -Confirm:$false
        $summary.Succeeded | Should -BeTrue
        $summary.Source | Should -Be 'Snapshot'
        $summary.SnapshotCreated | Should -Not -BeNullOrEmpty
        foreach ($name in 'Total', 'Standard', 'Enterprise', 'Plus', 'Undetermined') { $summary.$name | Should -Be $ExpectedSummary.$name -Because $name }
        Get-E2ECalLine @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-entitlement.ndjson') | ForEach-Object { ConvertFrom-Json -InputObject $_ } | Where-Object RecordType -eq 'LyncUserCal') |
            Should -Be (Get-E2ECalLine $ExpectedUsers)
        @(Get-Content -LiteralPath (Join-Path $summary.OutputPath 'lync-policies.ndjson') | ForEach-Object { (ConvertFrom-Json -InputObject $_).Identity }) |
            Should -Be @(Invoke-E2EEngine lync policies --estate $Contoso | ForEach-Object { $_.Identity })
    }
}

Describe 'examples/runbook.ps1, run for a month' {
    BeforeAll {
        # The runbook imports LicenseAudit by name, as on a Hybrid Runbook Worker: the checkout's
        # module files (the manifest's FileList) in a LicenseAudit folder on PSModulePath.
        $script:Modules = Join-Path $TestDrive 'modules'
        $moduleCopy = Join-Path $Modules 'LicenseAudit'
        foreach ($file in (Import-PowerShellDataFile -LiteralPath $ModuleManifest).FileList) {
            $target = Join-Path $moduleCopy $file
            $null = New-Item -ItemType Directory -Path (Split-Path -Parent $target) -Force
            Copy-Item -LiteralPath (Join-Path $RepoRoot $file) -Destination $target
        }
        # The snapshots a front end drops in the share: examples/contoso (week 1), then the drifted
        # November users (README, "Run history"), both with the monitoring store of this test.
        $script:SnapshotA = Join-Path $TestDrive 'inbox-a'
        $script:SnapshotB = Join-Path $TestDrive 'inbox-b'
        foreach ($snapshot in $SnapshotA, $SnapshotB) {
            $null = New-Item -ItemType Directory -Path $snapshot
            Get-ChildItem -LiteralPath $Contoso -File | Where-Object Name -ne 'licensed.csv' | Copy-Item -Destination $snapshot
            Set-Content -LiteralPath (Join-Path $snapshot 'monitoring-databases.json') -Encoding UTF8 -Value (
                ConvertTo-Json -Compress -InputObject @([pscustomobject]@{ Identity = 'MonitoringDatabase:127.0.0.1'; PoolFqdn = $SqlServer; SqlInstanceName = $null }))
        }
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'examples/history/users-november.json') -Destination (Join-Path $SnapshotB 'users.json') -Force
        # Licence lists: the example's (dave Standard, erin without Plus), then one that covers everyone.
        $script:LicenceShort = Join-Path $RightSizing 'licensed.csv'
        $script:LicenceFull = Join-Path $TestDrive 'licensed-everyone.csv'
        @(Get-Content -Raw -LiteralPath (Join-Path $SnapshotA 'users.json'), (Join-Path $SnapshotB 'users.json') | ForEach-Object { ConvertFrom-Json -InputObject $_ } | ForEach-Object { $_ } |
                ForEach-Object { $_.SipAddress } | Sort-Object -Unique | ForEach-Object { [pscustomobject]@{ SipAddress = $_; Tier = 'Enterprise+Plus' } }) |
            Export-Csv -LiteralPath $LicenceFull -NoTypeInformation

        $script:Automation = Join-Path $TestDrive 'automation'
        $script:Weeks = @(
            @{ Name = 'week0'; AsOf = '2026-11-02T06:00:00Z'; Snapshot = $SnapshotA; Licence = ''; Audit = @('Entitlement', 'Policies') },
            @{ Name = 'week1'; AsOf = '2026-11-09T06:00:00Z'; Snapshot = $SnapshotA; Licence = $LicenceShort },
            @{ Name = 'week2'; AsOf = '2026-11-16T06:00:00Z'; Snapshot = $SnapshotA; Licence = $LicenceFull },
            @{ Name = 'week3'; AsOf = '2026-11-23T06:00:00Z'; Snapshot = $SnapshotB; Licence = $LicenceFull },
            @{ Name = 'week4'; AsOf = '2026-11-30T06:00:00Z'; Snapshot = $SnapshotB; Licence = 'delete' },
            @{ Name = 'week4-no-list'; AsOf = '2026-11-30T07:00:00Z'; Snapshot = $SnapshotB; Licence = 'delete'; NoLicenceList = $true }
        )

        # Expected for week 1: the engine's right-sizing of the same estate, store and licences,
        # with the arguments Invoke-LicenseAudit passes.
        $script:ExpectedWeek1 = $null
        if ($SqlServer) {
            $cal = Join-Path $TestDrive 'week1-cal.ndjson'
            $used = Join-Path $TestDrive 'week1-usage.ndjson'
            & $Binary lync entitlement --estate $SnapshotA --summary --as-of 2026-11-09T06:00:00Z --output $cal --progress none 2>$null
            'S3cret!pass' | & $Binary lync usage --server $SqlServer --days 90 --users (Join-Path $SnapshotA 'users.json') --common-area-phones (Join-Path $SnapshotA 'common-area-phones.json') `
                --auth sql --user audit --password-stdin --encrypt off --as-of 2026-11-09T06:00:00Z --output $used --progress none 2>$null
            $script:ExpectedWeek1 = Invoke-E2EEngine lync rightsize --configured $cal --usage $used --summary --licensed $LicenceShort --as-of 2026-11-09T06:00:00Z |
                Where-Object RecordType -eq 'LyncCalRightSizingSummary'
        }

        # The month, run by a PowerShell of its own as the worker would: Azure Automation's
        # Get-AutomationPSCredential gives the SQL login; before each run the licence list in the
        # output folder is what that week had.
        $child = Join-Path $TestDrive 'runbook-child.ps1'
        Set-Content -LiteralPath $child -Encoding UTF8 -Value @'
param([string]$Runbook, [string]$Modules, [string]$Weeks, [string]$Automation, [string]$SqlPassword, [string]$Out)
$env:PSModulePath = $Modules + [System.IO.Path]::PathSeparator + $env:PSModulePath
$global:E2ESqlCredential = [pscredential]::new('audit', (ConvertTo-SecureString $SqlPassword -AsPlainText -Force))
function global:Get-AutomationPSCredential { param([string]$Name) if ($Name -eq 'LyncMonitoring') { $global:E2ESqlCredential } }
$results = @()
foreach ($week in @(Get-Content -Raw -LiteralPath $Weeks | ConvertFrom-Json)) {
    $licence = Join-Path $Automation 'licensed.csv'
    $null = New-Item -ItemType Directory -Path $Automation -Force
    if ($week.Licence -eq 'delete') { Remove-Item -LiteralPath $licence -ErrorAction SilentlyContinue }
    elseif ($week.Licence) { Copy-Item -LiteralPath $week.Licence -Destination $licence -Force }
    $parameters = @{ OutputPath = $Automation; SnapshotPath = $week.Snapshot; AsOf = [datetime]::Parse($week.AsOf, [cultureinfo]::InvariantCulture).ToUniversalTime(); DisableEncryption = $true }
    if ($week.PSObject.Properties['Audit']) { $parameters.Audit = [string[]]@($week.Audit) }
    if ($week.PSObject.Properties['NoLicenceList']) { $parameters.NoLicenceList = $true }
    $result = [ordered]@{ Name = $week.Name; ErrorId = $null; Message = $null; Output = ''; Warnings = @(); Summary = $null }
    try {
        $all = @(& $Runbook @parameters 3>&1)
        $result.Warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object { $_.Message })
        $result.Output = (@($all | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] }) | Out-String)
    }
    catch {
        $result.ErrorId = $_.FullyQualifiedErrorId
        $result.Message = $_.Exception.Message
        if ($_.TargetObject -and $_.TargetObject.PSObject.Properties['Succeeded']) {
            $result.Summary = $_.TargetObject | Select-Object Succeeded, ShortfallFound, EnterpriseExposed, PlusExposed, Enterprise, ReportPath, OutputPath, Alerts
        }
    }
    $results += [pscustomobject]$result
}
[System.IO.File]::WriteAllText($Out, (ConvertTo-Json -InputObject $results -Depth 4))
'@
        $script:Month = @()
        if ($SqlServer) {
            $weeksFile = Join-Path $TestDrive 'weeks.json'
            [System.IO.File]::WriteAllText($weeksFile, (ConvertTo-Json -InputObject $Weeks -Depth 3))
            $out = Join-Path $TestDrive 'month.json'
            & $Pwsh -NoProfile -NonInteractive -File $child -Runbook (Join-Path $RepoRoot 'examples/runbook.ps1') -Modules $Modules -Weeks $weeksFile `
                -Automation $Automation -SqlPassword 'S3cret!pass' -Out $out 2>&1 | Out-Null
            $script:Month = @(Get-Content -Raw -LiteralPath $out | ConvertFrom-Json)
        }
        function script:Get-E2EWeek([string]$Name) {
            if (-not $SqlServer) {
                throw [System.InvalidOperationException]::new('The TDS test server did not start: set LICENSEAUDIT_TDS_TEST_SERVER to target/release/examples/tds-test-server (cargo build --release --example tds-test-server).')
            }
            $Month | Where-Object Name -eq $Name
        }
    }

    It 'week 0: the Lync audits without right-sizing need no licence list, and the job completes' {
        $week = Get-E2EWeek 'week0'
        $week.ErrorId | Should -BeNullOrEmpty
        $week.Output | Should -Match 'Succeeded\s+:\s+True'
        $week.Output | Should -BeLike ('*Standard {0}, Enterprise {1}, Plus {2} of {3}*' -f $ExpectedSummary.Standard, $ExpectedSummary.Enterprise, $ExpectedSummary.Plus, $ExpectedSummary.Total)
        Join-Path $Automation '20261102T060000Z/LicenseAudit-20261102T060000Z.xlsx' | Should -Exist
    }

    It 'week 1: dave used Enterprise and erin the PSTN beyond their licences: the job fails with LicenseAudit.ComplianceShortfall, after the workbook' {
        $week = Get-E2EWeek 'week1'
        $week.ErrorId | Should -BeLike 'LicenseAudit.ComplianceShortfall*'
        $ExpectedWeek1.EnterpriseExposed | Should -BeGreaterThan 0
        $ExpectedWeek1.PlusExposed | Should -BeGreaterThan 0
        $week.Summary.EnterpriseExposed | Should -Be $ExpectedWeek1.EnterpriseExposed
        $week.Summary.PlusExposed | Should -Be $ExpectedWeek1.PlusExposed
        $week.Summary.ShortfallFound | Should -BeTrue
        $week.Summary.ReportPath | Should -Be (Join-Path $Automation '20261109T060000Z/LicenseAudit-20261109T060000Z.xlsx')
        $week.Summary.ReportPath | Should -Exist
        Assert-TestWorkbookValid (Join-Path $Automation '20261102T060000Z/LicenseAudit-20261102T060000Z.xlsx'), $week.Summary.ReportPath
        Join-Path $Automation 'history/lync-rightsize-20261109T060000Z.json' | Should -Exist
    }

    It 'week 2: with licences for everyone nothing is exposed, and the job completes' {
        $week = Get-E2EWeek 'week2'
        $week.ErrorId | Should -BeNullOrEmpty
        $week.Output | Should -Match 'Succeeded\s+:\s+True'
        $week.Output | Should -Match 'Exposed\s+:\s+Enterprise 0, Plus 0'
    }

    It 'week 3: the estate drifted (README: Enterprise 6 -> 9): a warning against the previous run, and the job completes' {
        $week = Get-E2EWeek 'week3'
        $week.ErrorId | Should -BeNullOrEmpty
        $week.Output | Should -BeLike '*Enterprise 9,*'
        @($week.Warnings | Where-Object { $_ -like '*LyncUserCal.Enterprise moved 6*9*' }).Count | Should -Be 1
        foreach ($asOf in '20261102T060000Z', '20261109T060000Z', '20261116T060000Z', '20261123T060000Z') {
            Join-Path $Automation "history/lync-entitlement-$asOf.json" | Should -Exist
        }
    }

    It 'week 4: the licence list is gone: the job fails with LicenseAudit.LicensedPathNotFound before any audit; -NoLicenceList runs it knowingly' {
        $week = Get-E2EWeek 'week4'
        $week.ErrorId | Should -BeLike 'LicenseAudit.LicensedPathNotFound*'
        $week.Message | Should -BeLike ('*{0}*-NoLicenceList*' -f (Join-Path $Automation 'licensed.csv'))
        Join-Path $Automation '20261130T060000Z' | Should -Not -Exist
        Join-Path $Automation 'history/lync-entitlement-20261130T060000Z.json' | Should -Not -Exist
        $knowingly = Get-E2EWeek 'week4-no-list'
        $knowingly.ErrorId | Should -BeNullOrEmpty
        $knowingly.Output | Should -Match 'Succeeded\s+:\s+True'
        @($knowingly.Warnings | Where-Object { $_ -like '*without a licence list*not checked*' }).Count | Should -Be 1
        Join-Path $Automation '20261130T070000Z' | Should -Exist
    }
}
