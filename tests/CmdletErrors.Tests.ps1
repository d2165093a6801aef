# Pester 5 tests of what an admin reads when a cmdlet fails: every engine message in the
# cmdlet's terms (its parameters, never the engine's flags, temporary files or a Rust assertion),
# one error with the shared id for a path that names no file, and Invoke-LicenseAudit's errors
# pointing at the caller's line. Each cmdlet runs the real engine; the Lync and Teams cmdlets are
# stubbed (tests/TestStubs.ps1) and mocked.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:UalExamples = Join-Path $RepoRoot 'examples/ual'
    $script:RightSizing = Join-Path $RepoRoot 'examples/rightsizing'
    $script:Snapshot = Join-Path $RepoRoot 'native/tests/fixtures/snapshot/ps51-json'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force

    . (Join-Path $PSScriptRoot 'ContosoEstate.ps1')
    $script:TierPolicy = @{ Standard = 'Tag:STD_CAL_NoConferencing'; Enterprise = 'Tag:ENT_CAL_REC_AudioVideo' }
    $script:Credential = New-Object System.Management.Automation.PSCredential ('audit', (ConvertTo-SecureString 'S3cret!pass' -AsPlainText -Force))
    $script:OnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path -Path 'variable:IsWindows') -and $IsWindows)

    # The errors a command left, non-terminating (2>&1) and terminating (caught), as
    # ErrorRecords. The block sees the caller's variables (named unlike these).
    function script:Invoke-Failing([scriptblock]$FailingBlock) {
        $failures = [System.Collections.Generic.List[object]]::new()
        try {
            & $FailingBlock 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $failures.Add($_) } }
        }
        catch {
            $failures.Add($_)
        }
        , $failures.ToArray()
    }
    # An engine message as an admin must read it: the parameter named, no flag, no temporary
    # file, no Rust assertion.
    function script:Assert-CmdletTerms([object[]]$Problems, [string]$Like, [string[]]$Parameter) {
        $matching = @($Problems | Where-Object { $_.Exception.Message -like $Like })
        $matching.Count | Should -BeGreaterThan 0 -Because ("an error like '{0}' is expected; got: {1}" -f $Like, (@($Problems | ForEach-Object { $_.Exception.Message }) -join ' | '))
        foreach ($name in $Parameter) { $matching[0].Exception.Message | Should -BeLike "*$name*" }
        foreach ($problem in $Problems) {
            $problem.Exception.Message | Should -Not -Match '(?<![\w-])--[a-z]'
            $problem.Exception.Message | Should -Not -Match 'licenseaudit-\d+-[0-9a-f]{32}'
            $problem.Exception.Message | Should -Not -Match 'assertion|left:|right:|panicked'
            [string]$problem.TargetObject | Should -Not -Match 'licenseaudit-\d+-[0-9a-f]{32}'
        }
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Engine messages name the cmdlet''s parameters, never engine flags' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
    }

    It 'every flag each cmdlet passes has its words in the table' {
        $table = InModuleScope LicenseAudit { $script:LicenseAuditFlagText }
        # Flags a cmdlet passes through a private function it calls.
        $helpers = @{
            'Get-LyncCalRequirement' = @('Private/LyncInput.ps1', 'Private/OwnedCal.ps1')
            'Get-LyncCalPolicyPlan'  = @('Private/LyncInput.ps1')
            'Get-UcLicenseCount'     = @('Private/UcInput.ps1')
            'Get-TeamsLicenseCount'  = @('Private/UcInput.ps1')
            'Invoke-LicenseAudit'    = @('Private/LicenseAuditRun.ps1', 'Private/OwnedCal.ps1')
        }
        $checked = 0
        foreach ($file in Get-ChildItem -Path (Join-Path $RepoRoot 'Public') -Filter '*.ps1') {
            $name = $file.BaseName
            # Runs the binary itself (schema --list), not through an engine session.
            if ($name -eq 'Get-LicenseAuditSchema') { continue }
            $paths = @($file.FullName) + @($helpers[$name] | Where-Object { $_ } | ForEach-Object { Join-Path $RepoRoot $_ })
            $flags = foreach ($path in $paths) {
                $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$null, [ref]$null)
                $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $node.Value -match '^--[a-z][a-z0-9-]*$' }, $true) |
                    ForEach-Object { $_.Value }
            }
            foreach ($flag in @($flags | Sort-Object -Unique)) {
                $known = ($table.ContainsKey($name) -and $table[$name].ContainsKey($flag)) -or $table[''].ContainsKey($flag)
                $known | Should -BeTrue -Because "$name passes $flag"
                $checked++
            }
        }
        $checked | Should -BeGreaterThan 50
    }

    It 'Get-LyncCalRequirement: -Pool' {
        Mock -ModuleName LicenseAudit Get-CsPool { return }
        $problems = Invoke-Failing { $script:Users | Get-LyncCalRequirement }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*is needed*site*' '-Pool'
    }

    It 'Get-LyncCalRequirement: an -OwnedCalPath row the engine refuses, never --owned-file' {
        # -OwnedCal is checked in PowerShell before any engine run (next test); a file's rows are
        # read by the engine, whose message must still speak the cmdlet's terms.
        $owned = Join-Path $TestDrive 'owned-gold.csv'
        Set-Content -LiteralPath $owned -Value 'Tier,Quantity', 'Gold,5' -Encoding UTF8
        $problems = Invoke-Failing { Get-LyncCalRequirement -OwnedCalPath $owned }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems "*'Gold' names no CAL*" 'owned-gold.csv'
    }

    It 'Get-LyncCalRequirement: -OwnedCal checked before any engine run, no pipeline tail' {
        foreach ($bad in @(@{ Standard = -5 }, @{ Gold = 5 }, @{})) {
            $problems = Invoke-Failing { Get-LyncCalRequirement -OwnedCal $bad }
            $problems.Count | Should -Be 1 -Because 'one terminating error, before the engine'
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidOwnedCal*'
            Assert-CmdletTerms $problems '-OwnedCal: *' '-OwnedCal'
            $problems[0].Exception.Message | Should -Not -BeLike '*pipeline*'
            $problems[0].Exception.Message | Should -Not -BeLike '*not a whole number*' -Because 'a negative count says negative'
        }
        Should -Invoke -ModuleName LicenseAudit Get-CsUser -Times 0 -Exactly
    }

    It 'Get-LyncCalPolicyPlan: -TierPolicy, with the policy in PowerShell syntax' {
        $problems = Invoke-Failing { Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:Standard_Users_Legacy' } }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*grants Enterprise*' "-TierPolicy @{ Standard = 'Tag:Standard_Users_Legacy' }"
        $licensed = Join-Path $Estate 'licensed.csv'
        $problems = Invoke-Failing { Get-LyncCalPolicyPlan -LicensedPath $licensed -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing' } }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*is needed*Enterprise*' '-TierPolicy @{ Enterprise = '
    }

    It 'Test-LyncConferencingPolicy: -IncludeUserCount' {
        Mock -ModuleName LicenseAudit Get-CsPool { return }
        $problems = Invoke-Failing { Test-LyncConferencingPolicy -IncludeUserCount }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*is needed*site*' '-IncludeUserCount', 'Get-CsPool'
    }

    It 'New-LyncCalPolicyTemplate: -Prefix' {
        $problems = Invoke-Failing { New-LyncCalPolicyTemplate -Prefix 'bad prefix!' -TemplateOnly }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*may hold only*' "-Prefix 'bad prefix!'"
    }

    It 'Get-LyncCalUsage without -Credential where there is no Windows SSPI: -Credential' -Skip:$OnWindows {
        $problems = Invoke-Failing { Get-LyncCalUsage -SqlServer 'sqlmon01.contoso.com' }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*integrated authentication*Windows*' '-Credential'
    }

    It 'Get-LyncCalRightSizing: -ConfiguredPath and -TierPolicy' {
        $usage = Join-Path $RightSizing 'usage.ndjson'
        $problems = Invoke-Failing { Get-LyncCalRightSizing -ConfiguredPath $usage -UsagePath $usage }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*holds no LyncUserCal records*' "-ConfiguredPath $usage"
        $configured = Join-Path $RepoRoot 'examples/records/lync-entitlement.ndjson'
        $problems = Invoke-Failing { Get-LyncCalRightSizing -ConfiguredPath $configured -UsagePath $usage -TierPolicy @{ Gold = 'Tag:X' } }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*is not Standard or Enterprise*' "-TierPolicy @{ Gold = 'Tag:X' }"
    }

    It 'Get-ServerCalCompliance: -Mode Access and -PrincipalPath, -PerCoreServer' {
        $evidence = Join-Path $UalExamples 'ual-user-access.json'
        $problems = Invoke-Failing { Get-ServerCalCompliance -EvidencePath $evidence -Mode Access }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*needs*' '-Mode Access', '-PrincipalPath'
        $problems = Invoke-Failing { Get-ServerCalCompliance -EvidencePath $evidence -PerCoreServer 'Foo=BAR' -WarningAction SilentlyContinue }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*per core*' '-PerCoreServer'
    }

    It 'Get-UalCalEvidence, and the UAL gap through Get-ServerCalCompliance and Invoke-LicenseAudit: parameters, never flags' {
        Mock -ModuleName LicenseAudit New-CimSession {
            foreach ($c in $ComputerName) {
                if ($c -eq 'OFFLINE01') { Write-Error -Message 'The WinRM client cannot complete the operation.' -TargetObject $c }
                else { [pscustomobject]@{ ComputerName = $c; PSTypeName = 'Microsoft.Management.Infrastructure.CimSession' } }
            }
        }
        Mock -ModuleName LicenseAudit Remove-CimSession { $null = $CimSession }
        $rows = Get-Content -Raw (Join-Path $UalExamples 'ual-user-access.json') | ConvertFrom-Json
        Mock -ModuleName LicenseAudit Get-UalUserAccess { $rows | Where-Object { ($_.PSComputerName -split '\.')[0] -in $CimSession.ComputerName } }
        Mock -ModuleName LicenseAudit Get-UalSystemId { $null = $CimSession }
        Mock -ModuleName LicenseAudit Get-UalDeviceAccess { Write-Error -Message 'Access denied' -TargetObject 'FS01' }
        Mock -ModuleName LicenseAudit Get-UalOverview { $null = $CimSession }
        # (-ErrorVariable, not 2>&1: a Pester mock's Write-Error also reaches the error stream,
        # which the real cmdlets' -ErrorAction SilentlyContinue does not.)
        Get-UalCalEvidence -ComputerName FS01, OFFLINE01 -ErrorVariable problems -ErrorAction SilentlyContinue | Out-Null
        @($problems | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be @('LicenseAudit.UalSessionFailed,Get-UalCalEvidence', 'LicenseAudit.UalQueryFailed,Get-UalCalEvidence')
        Assert-CmdletTerms $problems '*CIM session to OFFLINE01*' @()
        $null = @() | Get-UalCalEvidence -WarningVariable warnings 3>$null
        "$warnings" | Should -BeLike '*-ComputerName*'

        # The engine's warning and the cmdlet's error about the gap it read (enough licences: no
        # shortfall, which would be the error instead).
        $licences = Join-Path $TestDrive 'ual-licences.csv'
        [System.IO.File]::WriteAllText($licences, "Product,Version,CalType,Quantity`r`nWindows Server,2025,User,100`r`n")
        $problems = @()
        try { Get-UalCalEvidence -ComputerName FS01, OFFLINE01 -ErrorAction SilentlyContinue | Get-ServerCalCompliance -LicensePath $licences -FailOnShortfall -WarningVariable warnings 3>$null | Out-Null }
        catch { $problems = @($_) }
        Assert-CmdletTerms $problems '*partial evidence*OFFLINE01*' '-AllowIncompleteEvidence'
        $warned = @($warnings | Where-Object { "$_" -like '*evidence is incomplete*' })
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -BeLike 'the piped evidence: *OFFLINE01*'
        foreach ($warning in $warnings) { "$warning" | Should -Not -Match '(?<![\w-])--[a-z]|<stdin>' }

        $out = Join-Path $TestDrive 'ual-terms'
        $problems = @()
        try { Invoke-LicenseAudit -OutputPath $out -Audit ServerCal -UalComputerName FS01, OFFLINE01 -LicensePath $licences -FailOnShortfall -ErrorVariable problems -ErrorAction SilentlyContinue -WarningVariable warnings 3>$null | Out-Null }
        catch { $problems = @($problems) + @($_) }
        @($problems | ForEach-Object { $_.FullyQualifiedErrorId } | Select-Object -Unique) | Should -Be @('LicenseAudit.UalSessionFailed,Invoke-LicenseAudit', 'LicenseAudit.UalQueryFailed,Invoke-LicenseAudit', 'LicenseAudit.EvidenceIncomplete,Invoke-LicenseAudit')
        Assert-CmdletTerms $problems '*partial evidence*OFFLINE01*' '-AllowIncompleteEvidence'
        foreach ($warning in $warnings) { "$warning" | Should -Not -Match '(?<![\w-])--[a-z]' }
    }

    It 'Get-UcLicenseCount: -UserPath, -TeamsPath, -EstatePath' {
        $empty = Join-Path $TestDrive 'empty-estate'
        New-Item -ItemType Directory -Path $empty | Out-Null
        $problems = Invoke-Failing { Get-UcLicenseCount -EstatePath $empty }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*is required*' '-UserPath', '-TeamsPath', '-EstatePath'
    }

    It 'Get-TeamsLicenseCount: -PseudonymKeyVariable' {
        $env:LICENSEAUDIT_TEST_SHORT_KEY = 'abc'
        try {
            $problems = Invoke-Failing { @() | Get-TeamsLicenseCount -PseudonymKeyVariable LICENSEAUDIT_TEST_SHORT_KEY }
        }
        finally {
            Remove-Item -Path 'env:LICENSEAUDIT_TEST_SHORT_KEY' -ErrorAction SilentlyContinue
        }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*bytes*' '-PseudonymKeyVariable'
    }

    It 'Test-TeamsLicenseAssignment: -ResourceAccount, not the temporary file it was written to' {
        $problems = Invoke-Failing { @() | Test-TeamsLicenseAssignment -ResourceAccount @([pscustomobject]@{ DisplayName = 'Reception' }) }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*UserPrincipalName*' '-ResourceAccount'
        ($problems | Where-Object { $_.Exception.Message -like '*UserPrincipalName*' })[0].TargetObject | Should -BeLike '-ResourceAccount*'
    }

    It 'Export-LicenseAuditReport: -Path' {
        $workbook = Join-Path (Join-Path $TestDrive 'no-such-folder') 'audit.xlsx'
        $records = Join-Path $RepoRoot 'examples/records/lync-entitlement.ndjson'
        $problems = Invoke-Failing { Export-LicenseAuditReport -Path $workbook -InputPath $records }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        # Checked before any record is read: the folder that is not there, named with -Path.
        Assert-CmdletTerms $problems '*does not exist*' "-Path $workbook"
    }

    It 'Invoke-LicenseAudit without -SqlCredential where there is no Windows SSPI: -SqlCredential' -Skip:$OnWindows {
        $out = Join-Path $TestDrive 'usage-integrated'
        $problems = Invoke-Failing { Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Usage -SqlServer 'sqlmon01.contoso.com' }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*integrated authentication*Windows*' '-SqlCredential'
    }
}

Describe 'A SQL Server without TLS, in words and parameters' -Skip:(-not $env:LICENSEAUDIT_TDS_TEST_SERVER) {
    BeforeAll {
        $script:Port = Get-Random -Minimum 20000 -Maximum 40000
        $fixture = Join-Path $RepoRoot 'native/tests/fixtures/lcscdr/lync2013'
        $script:ServerProcess = Start-Process -FilePath $env:LICENSEAUDIT_TDS_TEST_SERVER -ArgumentList '--load', $fixture, '--port', $Port -PassThru -NoNewWindow
        Start-Sleep -Seconds 2
    }
    AfterAll {
        if ($ServerProcess) { Stop-Process -Id $ServerProcess.Id -ErrorAction SilentlyContinue }
    }

    It 'Get-LyncCalUsage: -TrustServerCertificate and -DisableEncryption, no Rust assertion' {
        $problems = Invoke-Failing { Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $Credential }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*TLS*' '-TrustServerCertificate', '-DisableEncryption'
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.SourceUnreachable*'
    }

    It 'Invoke-LicenseAudit: the same, for its own -TrustServerCertificate and -DisableEncryption' {
        $out = Join-Path $TestDrive 'usage-tls'
        $problems = Invoke-Failing { Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Usage -SqlServer "127.0.0.1,$Port" -SqlCredential $Credential }
        $problems.Count | Should -BeGreaterThan 0 -Because 'the command fails'
        Assert-CmdletTerms $problems '*TLS*' '-TrustServerCertificate', '-DisableEncryption'
    }
}

Describe 'A path that names no file is one error, LicenseAudit.PathNotFound, naming the parameter' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsUser { $script:Users }
        Mock -ModuleName LicenseAudit Get-CsConferencingPolicy { $script:ConferencingPolicies }
        Mock -ModuleName LicenseAudit Get-CsVoicePolicy { $script:VoicePolicies }
        Mock -ModuleName LicenseAudit Get-CsPool { $script:Pools }
        $script:Missing = Join-Path $TestDrive 'no-such-folder/licensed.csv'
    }

    It '<Command> -<Parameter>' -ForEach @(
        @{ Command = 'Get-LyncCalPolicyPlan'; Parameter = 'LicensedPath'; Arguments = @{ DefaultTier = 'Standard'; TierPolicy = @{ Standard = 'Tag:STD_CAL_NoConferencing' } } }
        @{ Command = 'Get-LyncCalRightSizing'; Parameter = 'LicensedPath'; Arguments = @{} }
        @{ Command = 'Invoke-LicenseAudit'; Parameter = 'LicensedPath'; Arguments = @{ OutputPath = 'TESTDRIVE'; Audit = 'RightSizing' } }
        @{ Command = 'Get-ServerCalCompliance'; Parameter = 'LicensePath'; Arguments = @{ EvidencePath = 'UAL' } }
        @{ Command = 'Test-TeamsLicenseAssignment'; Parameter = 'PricePath'; Arguments = @{ InputObject = @() } }
    ) {
        $splat = @{}
        foreach ($key in $Arguments.Keys) { $splat[$key] = $Arguments[$key] }
        if ($splat['OutputPath'] -eq 'TESTDRIVE') { $splat.OutputPath = Join-Path $TestDrive 'runs' }
        if ($splat['EvidencePath'] -eq 'UAL') { $splat.EvidencePath = Join-Path $UalExamples 'ual-user-access.json' }
        $splat[$Parameter] = $Missing
        $problems = Invoke-Failing { & $Command @splat }
        $ids = @($problems | ForEach-Object { $_.FullyQualifiedErrorId } | Sort-Object -Unique)
        $ids | Should -Be @("LicenseAudit.PathNotFound,$Command")
        @($problems | ForEach-Object { $_.Exception.Message } | Sort-Object -Unique).Count | Should -Be 1
        $problems[0].Exception.Message | Should -BeLike "*-$Parameter '$Missing'*"
        $problems[0].Exception.Message | Should -Not -BeLike '*Exception calling*'
        $problems[0].TargetObject | Should -Be $Missing
    }
}

Describe 'Invoke-LicenseAudit errors point at the caller''s line' {
    BeforeAll {
        # Nothing listens here: the store cannot be reached, on any platform.
        $script:DeadStore = '127.0.0.1,{0}' -f (Get-Random -Minimum 40001 -Maximum 50000)
    }

    It 'an audit''s engine error is Invoke-LicenseAudit''s, at the line that called it' {
        $out = Join-Path $TestDrive 'dead-store'
        $null = Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Entitlement, Usage -SqlServer $DeadStore -SqlCredential $Credential -DisableEncryption -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -BeGreaterThan 0
        foreach ($problem in $problems) {
            $problem.FullyQualifiedErrorId | Should -BeLike '*,Invoke-LicenseAudit'
            $problem.InvocationInfo.MyCommand.Name | Should -Be 'Invoke-LicenseAudit'
            $problem.InvocationInfo.ScriptName | Should -Be $PSCommandPath
            $problem.InvocationInfo.PositionMessage | Should -Not -BeLike '*Invoke-LicenseAuditRunStep*'
        }
        ($problems | Where-Object { $_.FullyQualifiedErrorId -like 'LicenseAudit.SourceUnreachable*' }).Exception.Message | Should -BeLike '*127.0.0.1*'
    }

    It 'with -ErrorAction Stop, the terminating error too' {
        $out = Join-Path $TestDrive 'dead-store-stop'
        $failure = $null
        try {
            Invoke-LicenseAudit -OutputPath $out -SnapshotPath $Snapshot -Audit Usage -SqlServer $DeadStore -SqlCredential $Credential -DisableEncryption -ErrorAction Stop | Out-Null
        }
        catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.SourceUnreachable,Invoke-LicenseAudit'
        $failure.InvocationInfo.MyCommand.Name | Should -Be 'Invoke-LicenseAudit'
        $failure.InvocationInfo.ScriptName | Should -Be $PSCommandPath
        $failure.InvocationInfo.Line | Should -BeLike '*Invoke-LicenseAudit -OutputPath $out*'
    }

    It 'a terminating error of something it runs is rethrown as its own' {
        # A snapshot whose monitoring-databases file is not JSON: reading it fails inside the module.
        $broken = Join-Path $TestDrive 'broken-snapshot'
        Copy-Item -LiteralPath $Snapshot -Destination $broken -Recurse
        [System.IO.File]::WriteAllText((Join-Path $broken 'monitoring-databases.xml'), '<not clixml')
        Remove-Item -LiteralPath (Join-Path $broken 'monitoring-databases.json')
        $failure = $null
        try {
            Invoke-LicenseAudit -OutputPath (Join-Path $TestDrive 'broken-run') -SnapshotPath $broken -Audit Usage -SqlCredential $Credential -ErrorAction Stop | Out-Null
        }
        catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.InvocationInfo.MyCommand.Name | Should -Be 'Invoke-LicenseAudit'
        $failure.InvocationInfo.ScriptName | Should -Be $PSCommandPath
        $failure.FullyQualifiedErrorId | Should -BeLike '*,Invoke-LicenseAudit'
    }
}

Describe 'A window in days is checked against the engine''s one range' {
    It '<Command> -<Parameter> takes 1 to 36,500 days, as the engine''s flag does (one range, not two)' -ForEach @(
        @{ Command = 'Get-ServerCalCompliance'; Parameter = 'WindowDays' }
        @{ Command = 'Get-LyncCalUsage'; Parameter = 'Days' }
        @{ Command = 'Invoke-LicenseAudit'; Parameter = 'Days' }
    ) {
        $ranges = @((Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] })
        $ranges.Count | Should -Be 1
        $ranges[0].MinRange | Should -Be 1
        $ranges[0].MaxRange | Should -Be 36500
        # Refused before anything runs, in PowerShell's words.
        $failure = $null
        $tooLong = @{ $Parameter = 36501 }
        try { & $Command @tooLong -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
    }
}
