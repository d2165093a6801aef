# Pester 5 tests of Get-LyncCalUsage: argument building and store merging with the engine
# mocked, and end to end against the SQLite-backed TDS test server (cargo build --example
# tds-test-server; scripts/test-all sets LICENSEAUDIT_TDS_TEST_SERVER to it).

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Password = ConvertTo-SecureString 'S3cret!pass' -AsPlainText -Force
    $script:Credential = New-Object System.Management.Automation.PSCredential ('audit', $Password)

    function script:New-UsageRecord([string]$Sip, [string]$Standard, [string]$Enterprise, [string]$Plus, [int]$Registrations, [string]$Last) {
        $record = [pscustomobject]@{
            RecordType   = 'LyncUserUsage'
            SipAddress   = $Sip
            Standard     = $Standard
            Enterprise   = $Enterprise
            Plus         = $Plus
            LastActivity = $(if ($Last) { [datetime]$Last } else { $null })
            Evidence     = [pscustomobject]@{ Registrations = $Registrations; MaxConferenceParticipants = $Registrations }
            Reasons      = @("Standard: $Registrations registrations")
            ReasonsText  = ''
            EvidenceText = ''
        }
        $record.PSObject.TypeNames.Insert(0, 'LicenseAudit.LyncUserUsage')
        $record
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-LyncCalUsage arguments' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsService {
            [pscustomobject]@{ Identity = 'MonitoringDatabase:sqlmon01.contoso.com'; PoolFqdn = 'sqlmon01.contoso.com'; SqlInstanceName = 'LYNCMON' }
        }
        Mock -ModuleName LicenseAudit Get-CsUser {
            1..3 | ForEach-Object { [pscustomobject]@{ SipAddress = "sip:user$_@contoso.com"; DisplayName = "User $_" } }
        }
        $script:Calls = New-Object System.Collections.Generic.List[object]
        Mock -ModuleName LicenseAudit Start-LicenseAuditNative {
            $files = @($Session.Files | ForEach-Object { [pscustomobject]@{ Path = $_; Text = (Get-Content -Raw -LiteralPath $_) } })
            $script:Calls.Add([pscustomobject]@{ Arguments = $Arguments; Secret = $Secret; StdinRecords = [bool]$StdinRecords; Files = $files })
        }
        Mock -ModuleName LicenseAudit Send-LicenseAuditNativeInput { return }
        Mock -ModuleName LicenseAudit Receive-LicenseAuditNativeOutput { return }
    }

    It 'finds the monitoring instance with Get-CsService and sends the password on stdin, never in argv' {
        Get-LyncCalUsage -Credential $Credential -Days 30
        $Calls.Count | Should -Be 1
        $Calls[0].Arguments | Should -Contain 'sqlmon01.contoso.com\LYNCMON'
        $Calls[0].Arguments | Should -Contain '--password-stdin'
        $Calls[0].Arguments | Should -Not -Contain 'S3cret!pass'
        $Calls[0].Secret | Should -BeOfType System.Security.SecureString
        Should -Invoke -ModuleName LicenseAudit Get-CsService -Times 1 -Exactly -ParameterFilter { $MonitoringDatabase }
    }

    It 'uses integrated authentication without a credential, and the given server' {
        Get-LyncCalUsage -SqlServer 'sql02,1533' -TrustServerCertificate
        $Calls[0].Arguments | Should -Contain 'integrated'
        $Calls[0].Arguments | Should -Contain 'sql02,1533'
        $Calls[0].Arguments | Should -Contain '--trust-server-certificate'
        Should -Invoke -ModuleName LicenseAudit Get-CsService -Times 0 -Exactly
    }

    It 'streams users on stdin with integrated authentication (no file of SIP addresses)' {
        Get-LyncCalUsage -SqlServer sql02 -IncludeAllUsers
        $arguments = @($Calls[0].Arguments)
        $arguments[[array]::IndexOf($arguments, '--users') + 1] | Should -Be '-'
        $Calls[0].StdinRecords | Should -BeTrue
        @($Calls[0].Files | Where-Object { $_.Text -like '*sip:user1@*' }).Count | Should -Be 0
        Should -Invoke -ModuleName LicenseAudit Send-LicenseAuditNativeInput -Times 3 -Exactly
    }

    It 'with a SQL login on an engine before 0.2.0, puts users in a file that is gone afterwards' {
        Get-LyncCalUsage -SqlServer sql02 -Credential $Credential -IncludeAllUsers
        $arguments = @($Calls[0].Arguments)
        $features = InModuleScope LicenseAudit { Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath) }
        $users = $arguments[[array]::IndexOf($arguments, '--users') + 1]
        if ($features.PasswordWithRecords) {
            $users | Should -Be '-'
        }
        else {
            $users | Should -Not -Be '-'
            Test-Path -LiteralPath $users | Should -BeFalse
        }
    }

    It 'formats -AsOf in the invariant culture, whatever the session culture' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo('th-TH')
            [System.Globalization.CultureInfo]::CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo('th-TH')
            Get-LyncCalUsage -SqlServer sql02 -AsOf ([datetime]::new(2026, 11, 1, 0, 0, 0, [System.DateTimeKind]::Utc))
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
            [System.Globalization.CultureInfo]::CurrentCulture = $saved
        }
        $Calls[0].Arguments | Should -Contain '2026-11-01T00:00:00Z'
    }
}

Describe 'Get-LyncCalUsage with several monitoring stores' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsService {
            'sqlmon01', 'sqlmon02', 'sqlmon03' | ForEach-Object { [pscustomobject]@{ PoolFqdn = "$_.contoso.com"; SqlInstanceName = $null } }
        }
        Mock -ModuleName LicenseAudit Start-LicenseAuditNative { return }
        # Store 1 and 2 answer; store 3 is unreachable.
        Mock -ModuleName LicenseAudit Receive-LicenseAuditNativeOutput {
            switch -Wildcard ($Session.Target) {
                'sqlmon01*' {
                    $Session.Collected['LyncUserUsage'].Add((New-UsageRecord 'sip:alice@contoso.com' 'Yes' 'No' 'No' 3 '2026-10-01T10:00:00Z'))
                    $Session.Collected['LyncUserUsage'].Add((New-UsageRecord 'sip:bob@contoso.com' 'No' 'No' 'No' 0 $null))
                }
                'sqlmon02*' {
                    $Session.Collected['LyncUserUsage'].Add((New-UsageRecord 'sip:alice@contoso.com' 'Yes' 'Yes' 'No' 5 '2026-10-20T10:00:00Z'))
                    $Session.Collected['LyncUserUsage'].Add((New-UsageRecord 'sip:bob@contoso.com' 'InsufficientData' 'No' 'No' 0 $null))
                }
                default {
                    $Session.Failure = New-Object System.Management.Automation.ErrorRecord (
                        (New-Object System.InvalidOperationException 'cannot connect to sqlmon03.contoso.com: timed out'), 'LicenseAudit.SourceUnreachable',
                        [System.Management.Automation.ErrorCategory]::ConnectionError, $Session.Target)
                }
            }
        }
    }

    It 'gives one answer per user, merged across stores, and reports the unreachable store without losing the others' {
        # The cmdlet's own merge, for engines before 0.2.0 (one run per store; README, "Engine
        # features the cmdlets use"). The engine under test merges the stores itself (covered
        # end to end below), so an 0.1.0 feature set is forced rather than the test skipped.
        Mock -ModuleName LicenseAudit Get-LicenseAuditEngineFeature {
            @{ Version = [version]'0.1.0'; MultiServer = $false; PasswordWithRecords = $false; SystemsOnEvidence = $false; SummaryOnly = $false }
        }
        $result = @(Get-LyncCalUsage -ErrorVariable problems -ErrorAction SilentlyContinue)
        Should -Invoke -ModuleName LicenseAudit Start-LicenseAuditNative -Times 3 -Exactly
        Should -Invoke -ModuleName LicenseAudit Start-LicenseAuditNative -Times 1 -Exactly -ParameterFilter { ($Arguments -join ' ') -like '--server sqlmon02.contoso.com --cdr-database *' }
        $result.Count | Should -Be 2
        $alice = $result | Where-Object SipAddress -eq 'sip:alice@contoso.com'
        $alice.Standard | Should -Be 'Yes'
        $alice.Enterprise | Should -Be 'Yes'
        # No in every store that answered, but one store could not be read: not proven No.
        $alice.Plus | Should -Be 'InsufficientData'
        $alice.Evidence.Registrations | Should -Be 8
        $alice.Evidence.MaxConferenceParticipants | Should -Be 5
        $alice.LastActivity | Should -Be ([datetime]'2026-10-20T10:00:00Z')
        $alice.ReasonsText | Should -BeLike '*`[sqlmon01.contoso.com`]*'
        ($result | Where-Object SipAddress -eq 'sip:bob@contoso.com').Standard | Should -Be 'InsufficientData'
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.StoreUnreachable*'
        $problems[0].TargetObject | Should -Be 'sqlmon03.contoso.com'
    }

    It 'is a terminating error only when no store can be read' {
        Mock -ModuleName LicenseAudit Receive-LicenseAuditNativeOutput {
            $Session.Failure = New-Object System.Management.Automation.ErrorRecord (
                (New-Object System.InvalidOperationException 'timed out'), 'LicenseAudit.SourceUnreachable',
                [System.Management.Automation.ErrorCategory]::ConnectionError, $Session.Target)
        }
        $failure = $null
        try { Get-LyncCalUsage -ErrorAction SilentlyContinue | Out-Null } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoStoreReadable*'
    }
}

Describe 'Get-LyncCalUsage against the TDS test server' -Skip:(-not $env:LICENSEAUDIT_TDS_TEST_SERVER) {
    BeforeAll {
        $script:Port = Get-Random -Minimum 20000 -Maximum 40000
        $fixture = Join-Path $RepoRoot 'native/tests/fixtures/lcscdr/lync2013'
        $script:ServerProcess = Start-Process -FilePath $env:LICENSEAUDIT_TDS_TEST_SERVER -ArgumentList '--load', $fixture, '--port', $Port -PassThru -NoNewWindow
        Start-Sleep -Seconds 2
        # Nothing listens here: an unreachable store.
        $script:DeadPort = $Port + 1
    }
    AfterAll {
        if ($ServerProcess) { Stop-Process -Id $ServerProcess.Id -ErrorAction SilentlyContinue }
    }

    It 'returns typed usage records, with dates as [datetime] on 5.1 and 7 alike' {
        Mock -ModuleName LicenseAudit Get-CsUser { [pscustomobject]@{ SipAddress = 'sip:idle@contoso.com' } }
        $users = @(Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $Credential -DisableEncryption -IncludeAllUsers -AsOf ([datetime]'2026-11-01T00:00:00Z') -CoverageVariable coverage -DeviceVariable devices)
        @($users | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be @('LicenseAudit.LyncUserUsage')
        $organizer = $users | Where-Object SipAddress -eq 'sip:organizer@contoso.com'
        $organizer.Enterprise | Should -Be 'Yes'
        $organizer.LastActivity | Should -BeOfType [datetime]
        @($users | Where-Object LastActivity -lt (Get-Date)).Count | Should -BeGreaterThan 0
        ($users | Where-Object SipAddress -eq 'sip:idle@contoso.com').Standard | Should -Be 'No'
        $coverage[0].WindowCovered | Should -BeTrue
        @($devices).Count | Should -BeGreaterThan 0
    }

    It 'merges the same store named twice into one record per user, and survives an unreachable third' {
        $one = @(Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $Credential -DisableEncryption -AsOf ([datetime]'2026-11-01T00:00:00Z'))
        $all = @(Get-LyncCalUsage -SqlServer "127.0.0.1,$Port", "127.0.0.1,$Port", "127.0.0.1,$DeadPort" -Credential $Credential -DisableEncryption -AsOf ([datetime]'2026-11-01T00:00:00Z') -ErrorVariable problems -ErrorAction SilentlyContinue)
        $all.Count | Should -Be $one.Count
        @($all.SipAddress | Sort-Object -Unique).Count | Should -Be $all.Count
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.StoreUnreachable*' }).Count | Should -Be 1
        @($all | Where-Object { $_.Standard -eq 'No' -or $_.Enterprise -eq 'No' -or $_.Plus -eq 'No' }).Count | Should -Be 0
    }

    It 'exports to CSV with evidence and reasons as text' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("usage-{0}.csv" -f [guid]::NewGuid())
        try {
            Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $Credential -DisableEncryption -AsOf ([datetime]'2026-11-01T00:00:00Z') |
                Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -BeGreaterThan 0
            ($rows | Where-Object SipAddress -eq 'sip:organizer@contoso.com').EvidenceText | Should -BeLike '*Registrations=*'
            @($rows | Where-Object { $_.ReasonsText -eq 'System.Object[]' }).Count | Should -Be 0
        }
        finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
    }

    It 'turns a failed login into a terminating error naming the server' {
        $bad = New-Object System.Management.Automation.PSCredential ('audit', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $failure = $null
        try { Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $bad -DisableEncryption } catch { $failure = $_ }
        $failure.Exception.Message | Should -BeLike '*18456*'
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.SourceUnreachable*'
        $failure.TargetObject | Should -Be "127.0.0.1,$Port"
    }
}
