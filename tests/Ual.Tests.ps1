# Pester 5 tests of the server CAL cmdlets. The UserAccessLogging and CimCmdlets modules are
# not on a test host (nor on Linux), so Get-Ual*, New-CimSession and Remove-CimSession are
# stubbed and mocked with the bundled examples/ual evidence.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Example = Join-Path $RepoRoot 'examples/ual'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:UserRows = Get-Content -Raw (Join-Path $Example 'ual-user-access.json') | ConvertFrom-Json
    $script:DeviceRows = Get-Content -Raw (Join-Path $Example 'ual-device-access.json') | ConvertFrom-Json
    $script:SystemRows = Get-Content -Raw (Join-Path $Example 'ual-system-id.json') | ConvertFrom-Json
    $script:AsOf = [datetime]'2026-11-01T00:00:00Z'

    function script:Set-TestCulture([string]$Name) {
        $culture = [System.Globalization.CultureInfo]::GetCultureInfo($Name)
        [System.Threading.Thread]::CurrentThread.CurrentCulture = $culture
        [System.Globalization.CultureInfo]::CurrentCulture = $culture
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-UalCalEvidence' {
    BeforeEach {
        Mock -ModuleName LicenseAudit New-CimSession {
            foreach ($c in $ComputerName) {
                if ($c -eq 'OFFLINE01') {
                    # A plain ErrorRecord, as New-CimSession writes: no OriginInfo property.
                    Write-Error -Message 'The WinRM client cannot complete the operation.' -TargetObject $c
                }
                else {
                    [pscustomobject]@{ ComputerName = $c; PSTypeName = 'Microsoft.Management.Infrastructure.CimSession' }
                }
            }
        }
        Mock -ModuleName LicenseAudit Remove-CimSession { return }
        Mock -ModuleName LicenseAudit Get-UalUserAccess { $script:UserRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalDeviceAccess { $script:DeviceRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalSystemId { $script:SystemRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalOverview { return }
    }

    It 'collects from every reachable server in one fan-out and reports the unreachable one' {
        $rows = @(Get-UalCalEvidence -ComputerName FS01, FS02, OFFLINE01 -ThrottleLimit 8 -ErrorVariable problems -ErrorAction SilentlyContinue)
        ($rows | Where-Object UserName).Count | Should -Be 8
        @($rows | Where-Object SystemDNSHostName).Count | Should -Be 2
        # One error, the cmdlet's own: New-CimSession's is its InnerException, not a second one.
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'LicenseAudit.UalSessionFailed,Get-UalCalEvidence'
        $problems[0].TargetObject | Should -Be 'OFFLINE01'
        $problems[0].Exception.Message | Should -BeLike '*OFFLINE01*'
        $problems[0].Exception.InnerException.Message | Should -Be 'The WinRM client cannot complete the operation.'
        $gap = @($rows | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.UalEvidenceGap' })
        $gap.Count | Should -Be 1
        ($gap[0].RecordType, $gap[0].ComputerName, $gap[0].Query) | Should -Be @('UalEvidenceGap', 'OFFLINE01', 'New-CimSession')
        $rows[-1] | Should -Be $gap[0] -Because 'the gaps follow the evidence'
        Should -Invoke -ModuleName LicenseAudit Get-UalUserAccess -Times 1 -Exactly -ParameterFilter { $ThrottleLimit -eq 8 -and @($CimSession).Count -eq 2 }
        Should -Invoke -ModuleName LicenseAudit Remove-CimSession -Times 1 -Exactly
        # ... with both open sessions: each removed once.
        Should -Invoke -ModuleName LicenseAudit Remove-CimSession -Times 1 -Exactly -ParameterFilter { (@($CimSession.ComputerName) -join ',') -eq 'FS01,FS02' }
    }

    It 'gives exactly one error per unreachable server and per failed query, in -ErrorVariable and $Error, at the caller''s line' {
        Mock -ModuleName LicenseAudit New-CimSession {
            foreach ($c in $ComputerName) {
                if ($c -like 'OFFLINE*') { Write-Error -Message 'The WinRM client cannot complete the operation.' -TargetObject $c }
                else { [pscustomobject]@{ ComputerName = $c; PSTypeName = 'Microsoft.Management.Infrastructure.CimSession' } }
            }
        }
        Mock -ModuleName LicenseAudit Get-UalDeviceAccess {
            # One server's query fails, reported twice (a proxy's retry): still one error.
            Write-Error -Message 'Access denied' -TargetObject 'FS02'
            Write-Error -Message 'Access denied again' -TargetObject 'FS02'
            $script:DeviceRows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName }
        }
        $Error.Clear()
        $rows = @(Get-UalCalEvidence -ComputerName FS01, OFFLINE01, FS02, OFFLINE02 -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ids = @($ev | ForEach-Object { '{0}|{1}' -f $_.FullyQualifiedErrorId, (@($_.TargetObject) -join ',') })
        $ids | Should -Be @(
            'LicenseAudit.UalSessionFailed,Get-UalCalEvidence|OFFLINE01',
            'LicenseAudit.UalSessionFailed,Get-UalCalEvidence|OFFLINE02',
            'LicenseAudit.UalQueryFailed,Get-UalCalEvidence|FS02')
        foreach ($problem in $ev) {
            $problem.InvocationInfo.MyCommand.Name | Should -Be 'Get-UalCalEvidence'
            $problem.InvocationInfo.ScriptName | Should -Be $PSCommandPath
            $problem.InvocationInfo.Line | Should -BeLike '*Get-UalCalEvidence -ComputerName FS01, OFFLINE01, FS02, OFFLINE02 -ErrorVariable ev*'
        }
        $ev[2].Exception.Message | Should -Be 'Get-UalDeviceAccess failed on FS02: Access denied'
        # $Error holds the same records, none of New-CimSession's or Get-UalDeviceAccess's own.
        @($Error | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'LicenseAudit.*' }).Count | Should -Be 0
        @($Error | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'LicenseAudit.Ual*' }).Count | Should -Be 3
        # A gap per server, in order: the two without a session, then the one whose query failed.
        @($rows | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.UalEvidenceGap' } | ForEach-Object { '{0}:{1}' -f $_.ComputerName, $_.Query }) |
            Should -Be @('OFFLINE01:New-CimSession', 'OFFLINE02:New-CimSession', 'FS02:Get-UalDeviceAccess')
        # The evidence of FS02's other queries still came.
        @($rows | Where-Object { $_.PSObject.Properties['UserName'] -and $_.PSComputerName -like 'FS02*' }).Count | Should -BeGreaterThan 0
    }

    It 'gives one error naming every server when New-CimSession fails as a whole' {
        Mock -ModuleName LicenseAudit New-CimSession { throw 'The WS-Management service is not available.' }
        $rows = @(Get-UalCalEvidence -ComputerName FS01, FS02 -ErrorVariable ev -ErrorAction SilentlyContinue)
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'LicenseAudit.UalSessionFailed,Get-UalCalEvidence'
        $ev[0].Exception.Message | Should -BeLike '*FS01, FS02*WS-Management*'
        @($rows | ForEach-Object { $_.ComputerName }) | Should -Be @('FS01', 'FS02')
        Should -Invoke -ModuleName LicenseAudit Get-UalUserAccess -Times 0 -Exactly
    }

    It 'emits system ids before the evidence they describe' {
        $rows = @(Get-UalCalEvidence -ComputerName FS01 -Kind UserAccess, SystemId)
        $rows[0].PSObject.Properties['SystemDNSHostName'] | Should -Not -BeNullOrEmpty
        $rows[-1].PSObject.Properties['UserName'] | Should -Not -BeNullOrEmpty
    }

    It 'works under Set-StrictMode -Version Latest with errors that have no OriginInfo' {
        Set-StrictMode -Version Latest
        try {
            $rows = @(Get-UalCalEvidence -ComputerName FS01, OFFLINE01 -ErrorVariable problems -ErrorAction SilentlyContinue)
        }
        finally {
            Set-StrictMode -Off
        }
        $rows.Count | Should -BeGreaterThan 0
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.UalSessionFailed*'
    }

    It 'removes the CIM sessions when -ErrorAction Stop ends it at the first failure' {
        { Get-UalCalEvidence -ComputerName FS01, OFFLINE01 -ErrorAction Stop } | Should -Throw '*OFFLINE01*'
        Should -Invoke -ModuleName LicenseAudit Remove-CimSession -Times 1 -Exactly
    }

    It 'passes -Credential to New-CimSession' {
        $credential = New-Object System.Management.Automation.PSCredential ('contoso\auditor', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        Get-UalCalEvidence -ComputerName FS01 -Credential $credential -Kind SystemId | Out-Null
        Should -Invoke -ModuleName LicenseAudit New-CimSession -Times 1 -Exactly -ParameterFilter { $Credential.UserName -eq 'contoso\auditor' }
    }

    It 'reads nothing, not the local server, when the pipeline of server names is empty' {
        $rows = @(@() | Get-UalCalEvidence -WarningVariable warnings 3>$null)
        $rows.Count | Should -Be 0
        @($warnings).Count | Should -Be 1
        Should -Invoke -ModuleName LicenseAudit Get-UalUserAccess -Times 0 -Exactly
        Should -Invoke -ModuleName LicenseAudit Get-UalSystemId -Times 0 -Exactly
        @(Get-UalCalEvidence -ComputerName @() 3>$null).Count | Should -Be 0
        Should -Invoke -ModuleName LicenseAudit Get-UalUserAccess -Times 0 -Exactly
    }

    It 'takes server names from the pipeline by property name' {
        $rows = @([pscustomobject]@{ DNSHostName = 'SQL01' } | Get-UalCalEvidence -Kind UserAccess)
        $rows.Count | Should -Be 3
    }
}

Describe 'Get-ServerCalCompliance' {
    BeforeAll {
        $script:Evidence = @($script:SystemRows) + @($script:UserRows) + @($script:DeviceRows)
        $script:Flexnet = Join-Path $Example 'flexnet-evidence.csv'
        $script:Licenses = Join-Path $Example 'licenses.csv'
    }

    It 'writes the compliance position to the pipeline and the detail to -DetailVariable' {
        $result = @($Evidence | Get-ServerCalCompliance -EvidencePath $Flexnet -LicensePath $Licenses -InternalDomain contoso.com -AsOf $AsOf -DetailVariable detail -WarningVariable warnings 3>$null)
        @($result | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be @('LicenseAudit.CalCompliance')
        $ws2019 = $result | Where-Object { $_.Product -eq 'Windows Server' -and $_.CalType -eq 'User' -and $_.Version -eq 2019 }
        $ws2019.Shortfall | Should -Be 1
        $detail.UnrecognizedEvidence.RoleName | Should -Be 'Contoso Claims Service'
        @($detail.CalConsumption).Count | Should -BeGreaterThan 0
        $detail.CalConsumption[0].FirstSeen | Should -BeOfType [datetime]
        @($warnings | Where-Object { "$_" -like '*matched no known product*' }).Count | Should -Be 1
    }

    It 'uses Get-UalSystemId objects that arrive after the evidence (engine 0.2.0), or reports them (older engines)' {
        $features = InModuleScope LicenseAudit { Get-LicenseAuditEngineFeature -Binary (Get-LicenseAuditBinaryPath) }
        $answer = { process { '{0}|{1}|{2}|{3}' -f $_.Product, $_.CalType, $_.Version, $_.Shortfall } }
        $late = @($script:UserRows) + @($script:SystemRows)
        $lateAnswer = @($late | Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -ErrorVariable problems -ErrorAction SilentlyContinue 3>$null | & $answer) -join ';'
        $reported = @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.SystemIdAfterEvidence*' }).Count
        if ($features.SystemsOnEvidence) {
            # The engine reads system ids anywhere in the stream: same answer as systems first.
            $firstAnswer = @(@($script:SystemRows) + @($script:UserRows) | Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf 3>$null | & $answer) -join ';'
            $reported | Should -Be 0
            $lateAnswer | Should -Be $firstAnswer
        }
        else {
            $reported | Should -Be 1
        }
    }

    It 'makes a shortfall terminating with -FailOnShortfall, after writing every record' {
        $failure = $null
        $records = $null
        try {
            Get-ServerCalCompliance -EvidencePath (Join-Path $Example 'ual-user-access.json') -LicensePath $Licenses -AsOf $AsOf -FailOnShortfall -OutVariable records 3>$null | Out-Null
        }
        catch {
            $failure = $_
        }
        # Without -ErrorAction Stop: a runbook job ends Failed, not Completed with a warning.
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.ComplianceShortfall*'
        @($records).Count | Should -BeGreaterThan 0
    }

    It 'refuses to run without evidence, with a stable error id' {
        $failure = $null
        try { Get-ServerCalCompliance -LicensePath $Licenses } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.NoEvidence*'
    }

    It 'expands wildcards in -EvidencePath' {
        $result = @(Get-ServerCalCompliance -EvidencePath (Join-Path $Example 'ual-*-access.json') -SystemIdPath (Join-Path $Example 'ual-system-id.json') -LicensePath $Licenses -AsOf $AsOf -InternalDomain contoso.com -DetailVariable detail 3>$null)
        $result.Count | Should -BeGreaterThan 0
        $detail.UalEvidenceSummary[0].Rows | Should -Be (@($script:UserRows).Count + @($script:DeviceRows).Count)
    }

    It 'reports an -EvidencePath pattern that matches no file, instead of auditing without it' {
        $result = @($Evidence | Get-ServerCalCompliance -EvidencePath (Join-Path $Example 'no-such-*.csv') -LicensePath $Licenses -AsOf $AsOf -ErrorVariable problems -ErrorAction SilentlyContinue 3>$null)
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.PathNotFound*' }).Count | Should -Be 1
        $result.Count | Should -BeGreaterThan 0
    }

    It 'gives the same answer in th-TH and de-DE as in the invariant culture (-AsOf is not a Buddhist year)' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        $answers = @{}
        try {
            foreach ($name in 'en-US', 'th-TH', 'de-DE') {
                Set-TestCulture $name
                $answers[$name] = @($Evidence | Get-ServerCalCompliance -LicensePath $Licenses -InternalDomain contoso.com -AsOf $AsOf -DetailVariable detail 3>$null |
                        ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Product, $_.CalType, $_.Version, $_.Shortfall }) -join ';'
                $detail.UalEvidenceSummary[0].AsOf.ToUniversalTime().Year | Should -Be 2026
            }
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
            [System.Globalization.CultureInfo]::CurrentCulture = $saved
        }
        $answers['th-TH'] | Should -Be $answers['en-US']
        $answers['de-DE'] | Should -Be $answers['en-US']
    }

    It 'exports the position and the consumption to CSV and reads them back' {
        $position = Join-Path ([System.IO.Path]::GetTempPath()) ("position-{0}.csv" -f [guid]::NewGuid())
        $consumption = Join-Path ([System.IO.Path]::GetTempPath()) ("consumption-{0}.csv" -f [guid]::NewGuid())
        try {
            $Evidence | Get-ServerCalCompliance -LicensePath $Licenses -InternalDomain contoso.com -AsOf $AsOf -DetailVariable detail 3>$null |
                Export-Csv -Path $position -NoTypeInformation
            $detail.CalConsumption | Export-Csv -Path $consumption -NoTypeInformation
            $rows = @(Import-Csv -Path $position)
            $rows.Count | Should -BeGreaterThan 0
            @($rows | Where-Object { $_.ServersText -eq 'System.Object[]' -or -not $_.Product }).Count | Should -Be 0
            $used = @(Import-Csv -Path $consumption)
            $used.Count | Should -Be @($detail.CalConsumption).Count
            $used[0].ServersText | Should -Not -BeNullOrEmpty
        }
        finally {
            Remove-Item -LiteralPath $position, $consumption -ErrorAction SilentlyContinue
        }
    }

    It 'refuses an empty -AdminAccount before running the engine' {
        $failure = $null
        try { $Evidence | Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -AdminAccount '' 3>$null } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
    }

    It 'counts -AdminAccount spellings of one account once, and says when a name is not in the evidence' {
        $ws = { $_.Product -eq 'Windows Server' -and $_.CalType -eq 'User' -and $_.Version -eq 2019 }
        # Three spellings, two accounts: within the two the licence terms exempt.
        $result = @($Evidence | Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf -AdminAccount 'CONTOSO\bob', 'contoso\Bob', 'contoso\NoBody' -WarningVariable warnings 3>$null)
        $position = $result | Where-Object $ws
        # Named as first spelled, so a typo is found by its own spelling.
        $position.Assumption | Should -BeLikeExactly '*CONTOSO\bob is exempt*'
        $said = "admin account 'contoso\NoBody' does not appear in the evidence; nothing exempted for it"
        $position.Assumption | Should -BeLikeExactly "*$said*"
        @($warnings | Where-Object { "$_" -clike "*$said*" }).Count | Should -Be 1
    }

    It 'leaves no temporary file behind' {
        $before = @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count
        $Evidence | Get-ServerCalCompliance -LicensePath $Licenses -AsOf $AsOf 3>$null | Out-Null
        @(Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "licenseaudit-$PID-*.ndjson" -ErrorAction SilentlyContinue).Count | Should -Be $before
    }
}

Describe 'Export-CalEvidenceTemplate' {
    BeforeEach {
        $script:Path = Join-Path ([System.IO.Path]::GetTempPath()) ("template-{0}.csv" -f [guid]::NewGuid())
    }
    AfterEach {
        Remove-Item -LiteralPath $script:Path -ErrorAction SilentlyContinue
    }

    It 'writes the ConsolidatedAccessEvidence columns that ual compliance reads' {
        Export-CalEvidenceTemplate -Path $Path -IncludeExample | Should -BeOfType System.IO.FileInfo
        $rows = @(Import-Csv $Path)
        $rows[0].PSObject.Properties.Name | Should -Contain 'AccessingUser'
        $rows[0].AccessingUser | Should -Be 'CONTOSO/peter'
    }

    It 'overwrites an existing file, as Export-Csv does, unless -NoClobber' {
        Set-Content -LiteralPath $Path -Value 'old'
        Export-CalEvidenceTemplate -Path $Path | Out-Null
        (Get-Content -LiteralPath $Path -TotalCount 1) | Should -BeLike '"ComputerID"*'
        Set-Content -LiteralPath $Path -Value 'old'
        Export-CalEvidenceTemplate -Path $Path -NoClobber -ErrorVariable exists -ErrorAction SilentlyContinue
        $exists.Count | Should -Be 1
        $exists[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.FileExists*'
        Get-Content -LiteralPath $Path | Should -Be 'old'
    }

    It '-WhatIf reaches ShouldProcess and writes nothing, for a new file and for an existing one' {
        Export-CalEvidenceTemplate -Path $Path -WhatIf -ErrorVariable problems
        $problems.Count | Should -Be 0
        Test-Path -LiteralPath $Path | Should -BeFalse
        Set-Content -LiteralPath $Path -Value 'old'
        Export-CalEvidenceTemplate -Path $Path -IncludeExample -WhatIf -ErrorVariable problems
        $problems.Count | Should -Be 0
        Get-Content -LiteralPath $Path | Should -Be 'old'
    }

    It 'takes -LiteralPath with wildcard characters in the name' {
        $literal = Join-Path ([System.IO.Path]::GetTempPath()) ("template[1]-{0}.csv" -f [guid]::NewGuid())
        try {
            Export-CalEvidenceTemplate -LiteralPath $literal | Out-Null
            Test-Path -LiteralPath $literal | Should -BeTrue
        }
        finally {
            Remove-Item -LiteralPath $literal -ErrorAction SilentlyContinue
        }
    }

    It 'writes a Gregorian AccessDate in a th-TH session' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            Set-TestCulture 'th-TH'
            Export-CalEvidenceTemplate -Path $Path -IncludeExample | Out-Null
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
            [System.Globalization.CultureInfo]::CurrentCulture = $saved
        }
        $row = @(Import-Csv $Path)[0]
        $row.AccessDate | Should -Match '^20\d{6}$'
        [int]$row.AccessDate.Substring(0, 4) | Should -Be ([datetime]::Now.Year)
    }
}
