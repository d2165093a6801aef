# Pester 5 tests of the compiled hot path (Private/EngineChannel.cs, issue #28) against the script
# path it replaced: every input line byte for byte what ConvertTo-LicenseAuditRecord /
# ConvertTo-LicenseAuditTeamsUser + ConvertTo-Json -Compress -Depth 4 write, every record what
# ConvertFrom-Json + ConvertFrom-LicenseAuditRecord make (type names, property names and order,
# value types, dates, …Text columns), over the example estates, objects shaped like the bench's,
# and awkward values; and the two deliberate differences (issue #29): lone surrogates and
# throwing getters are refused with an error naming the object, hashtables are read by key.
# End to end, a stand-in engine that records its stdin and stdout checks the cmdlets send those
# lines and write those records.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Lync = InModuleScope LicenseAudit { $script:LyncUserProperties }
    $script:TeamsUc = InModuleScope LicenseAudit { $script:UcTeamsUserProperties }
    $script:TeamsAssignments = InModuleScope LicenseAudit { $script:TeamsAssignmentUserProperties }
    $script:UalEvidence = InModuleScope LicenseAudit { $script:UalEvidenceProperties }
    $script:UalSystem = InModuleScope LicenseAudit { $script:UalSystemProperties }

    function script:Read-Json([string]$Path) {
        Get-Content -Raw -LiteralPath (Join-Path $RepoRoot $Path) | ConvertFrom-Json
    }

    # Runs the channel's conversion and the script path on each object, in the module. Returns
    # one row per object: Line (channel), Expected (script path), Errors (of the channel), and the
    # channel's count of objects it left to the script path.
    function script:Test-Codec {
        param([string]$Kind, [string[]]$Property = @(), [string[]]$SystemProperty = @(), [object[]]$Objects)
        InModuleScope LicenseAudit -Parameters @{ Kind = $Kind; Property = $Property; SystemProperty = $SystemProperty; Objects = $Objects } {
            param($Kind, $Property, $SystemProperty, $Objects)
            function Invoke-CodecProbe {
                [CmdletBinding()]
                param($Kind, $Property, $SystemProperty, $Objects)
                $session = New-LicenseAuditNativeSession -Command 'codec' -Cmdlet $PSCmdlet -InputKind $Kind -InputProperty $Property -SystemProperty $SystemProperty
                try {
                    foreach ($object in $Objects) {
                        $errors = @()
                        $line = $session.Channel.LineOf($object, $object)
                        $expectedKind = $Kind
                        $selected = $Property
                        if ($Kind -eq 'Ual') {
                            $expectedKind = 'Record'
                            if ($object.PSObject.Properties['SystemDNSHostName'] -or $object.PSObject.Properties['OSMajor']) { $selected = $SystemProperty }
                        }
                        $expected = & $script:LicenseAuditCodecFallback $expectedKind $object $selected
                        [pscustomobject]@{ Object = $object; Line = $line; Expected = $expected; Script = $session.Channel.ScriptConversions }
                    }
                }
                finally {
                    $session.Stop()
                }
            }
            Invoke-CodecProbe -Kind $Kind -Property $Property -SystemProperty $SystemProperty -Objects $Objects
        }
    }

    function script:Test-Reader {
        param([string[]]$Lines)
        InModuleScope LicenseAudit -Parameters @{ Lines = $Lines } {
            param($Lines)
            function Invoke-ReaderProbe {
                [CmdletBinding()]
                param($Lines)
                $session = New-LicenseAuditNativeSession -Command 'codec' -Cmdlet $PSCmdlet
                try {
                    foreach ($line in $Lines) {
                        [pscustomobject]@{
                            Line     = $line
                            Record   = $session.Channel.ReadLine($line)
                            Expected = ConvertFrom-LicenseAuditRecord -Line $line
                            Script   = $session.Channel.ScriptReads
                        }
                    }
                }
                finally {
                    $session.Stop()
                }
            }
            Invoke-ReaderProbe -Lines $Lines
        }
    }

    # The differences between two values as PowerShell sees them: type names, property names in
    # order, value types, DateTime ticks and kind, arrays item by item.
    function script:Compare-Deep {
        param($Actual, $Expected, [string]$Path = '$')
        if ($null -eq $Actual -and $null -eq $Expected) { return }
        if ($null -eq $Actual -or $null -eq $Expected) { return "${Path}: $(if ($null -eq $Actual) { 'null' } else { 'not null' }) vs $(if ($null -eq $Expected) { 'null' } else { 'not null' })" }
        $actualType = $Actual.GetType().FullName
        $expectedType = $Expected.GetType().FullName
        if ($actualType -ne $expectedType) { return "${Path}: type $actualType vs $expectedType" }
        if ($Actual -is [System.Management.Automation.PSCustomObject] -or $Actual.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
            $a = @($Actual.PSObject.TypeNames) -join ','
            $e = @($Expected.PSObject.TypeNames) -join ','
            if ($a -ne $e) { return "${Path}: type names $a vs $e" }
            $an = @($Actual.PSObject.Properties | ForEach-Object { $_.Name + ':' + $_.MemberType })
            $en = @($Expected.PSObject.Properties | ForEach-Object { $_.Name + ':' + $_.MemberType })
            if (($an -join ',') -cne ($en -join ',')) { return "${Path}: properties $($an -join ',') vs $($en -join ',')" }
            foreach ($p in $Actual.PSObject.Properties) {
                Compare-Deep -Actual $p.Value -Expected $Expected.PSObject.Properties[$p.Name].Value -Path "$Path.$($p.Name)"
            }
            return
        }
        if ($Actual -is [array]) {
            if ($Actual.Count -ne $Expected.Count) { return "${Path}: $($Actual.Count) items vs $($Expected.Count)" }
            for ($i = 0; $i -lt $Actual.Count; $i++) { Compare-Deep -Actual $Actual[$i] -Expected $Expected[$i] -Path "$Path[$i]" }
            return
        }
        if ($Actual -is [datetime]) {
            if ($Actual.Ticks -ne $Expected.Ticks -or $Actual.Kind -ne $Expected.Kind) { return "${Path}: $($Actual.ToString('o')) vs $($Expected.ToString('o'))" }
            return
        }
        if (-not ($Actual -ceq $Expected)) { return "${Path}: '$Actual' vs '$Expected'" }
    }

    # Objects shaped like the bench's (bench/bench-ps.ps1): ~50 properties, policy references as
    # objects with FriendlyName, lists, dates.
    function script:New-BenchLyncUser([int]$N) {
        $policy = { param($name) if ($name) { [pscustomobject]@{ FriendlyName = $name; Name = $name; ScopeClass = 'Tag'; Anchor = "Tag:$name"; IsPolicyReference = $true } } }
        $user = [ordered]@{
            Identity = "CN=User $N,OU=Lync Users,DC=contoso,DC=com"; VoicePolicy = (& $policy $(if ($N % 5 -eq 0) { 'VP_Delegation' }))
            VoiceRoutingPolicy = $null; ConferencingPolicy = (& $policy @($null, 'ENT_CAL_REC_Audio', 'STD_CAL_NoConferencing')[$N % 3])
            PresencePolicy = $null; DialPlan = (& $policy 'DP_Redmond'); ClientPolicy = (& $policy 'CP_Standard'); ArchivingPolicy = $null
            ExchangeArchivingPolicy = 'Uninitialized'; ExternalAccessPolicy = (& $policy 'EA_Federation'); HostingProvider = 'SRV:'
            RegistrarPool = @('pool01.redmond.contoso.com', 'pool01.dublin.contoso.com')[$N % 2]; Enabled = ($N % 17 -ne 0)
            SipAddress = "sip:user$N@contoso.com"; LineURI = $(if ($N % 3 -eq 0) { "tel:+1425555$N" } else { '' }); EnterpriseVoiceEnabled = ($N % 3 -eq 0)
            ExUmEnabled = $false; HomeServer = 'CN=Lc Services,CN=Microsoft,CN=1:1,CN=Pools'; DisplayName = "User $N (Sales & Support)"
            SamAccountName = "user$N"; UserPrincipalName = "user$N@contoso.com"; PrivateLine = $null; IPPBXSoftPhoneRoutingEnabled = $false
            LineServerURI = ''; AudioVideoDisabled = ($N % 23 -eq 0); RemoteCallControlTelephonyEnabled = ($N % 29 -eq 0); AcpInfo = @()
            ProxyAddresses = @("SMTP:user$N@contoso.com", "sip:user$N@contoso.com"); Name = "User $N"; Guid = [guid]::Empty.ToString()
            ObjectClass = @('top', 'person', 'organizationalPerson', 'user'); WhenChanged = [datetime]::new(2020, 1, 2, 3, 4, 5, [System.DateTimeKind]::Utc).AddDays($N)
            WhenCreated = [datetime]::new(2012, 3, 4, 5, 6, 7, [System.DateTimeKind]::Utc); IsValid = $true; ObjectState = 'Unchanged'
        }
        [pscustomobject]$user
    }
    function script:New-BenchTeamsUser([int]$N) {
        $plans = @([pscustomobject]@{ AssignedTimestamp = [datetime]::new(2025, 1, 10, 9, 0, 0, [System.DateTimeKind]::Utc); Capability = 'TEAMS1'; CapabilityStatus = 'Enabled'; ServiceInstance = 'MicrosoftCommunicationsOnline/NOAM-0M-DMT'; ServicePlanId = '57ff2da0-773e-42df-b2af-ffb7a2317929' })
        if ($N % 2 -eq 0) { $plans += [pscustomobject]@{ AssignedTimestamp = [datetime]::new(2025, 1, 10, 9, 0, 0, [System.DateTimeKind]::Utc); Capability = 'MCOEV'; CapabilityStatus = 'Enabled'; ServiceInstance = 'x'; ServicePlanId = '4828c8ec-dc2e-4779-b502-87ac9ce28ab7' } }
        [pscustomobject][ordered]@{
            Identity = [guid]::new($N, 1, 2, [byte[]]::new(8)).ToString(); UserPrincipalName = "user$N@contoso.com"; Alias = "user$N"; DisplayName = "User $N"
            SipAddress = "sip:user$N@contoso.com"; TenantId = '8f1c1e2a-0000-4000-8000-00000000aaaa'; AccountEnabled = ($N % 31 -ne 0)
            AccountType = $(if ($N % 97 -eq 0) { 'ResourceAccount' } else { 'User' }); InterpretedUserType = 'PureOnlineTeamsOnlyUser'
            EnterpriseVoiceEnabled = ($N % 3 -eq 0); FeatureTypes = @('Teams', 'AudioConferencing'); AssignedPlan = $plans; ProvisionedPlan = @()
            LineUri = $(if ($N % 3 -eq 0) { "tel:+1425556$N" }); SoftDeletionTimestamp = $null; TeamsCallingPolicy = [pscustomobject]@{ Authority = 'Tenant'; Name = 'AllowCalling' }
            OnlineVoiceRoutingPolicy = $(if ($N % 3 -eq 0) { [pscustomobject]@{ Authority = 'Tenant'; Name = 'US-DirectRouting' } })
            TeamsIPPhonePolicy = $(if ($N % 11 -eq 0) { [pscustomobject]@{ Authority = 'Tenant'; Name = 'CommonAreaPhone' } })
            City = 'Redmond'; WhenCreated = [datetime]::new(2025, 1, 10, 9, 0, 0, [System.DateTimeKind]::Utc); DirSyncEnabled = $true
        }
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Input lines: the compiled writer against the script path' {
    It 'writes the Lync example estate, the Get-CsUser fixtures and bench-shaped users byte for byte, without the script path' {
        $objects = @(Read-Json 'examples/contoso/users.json') + @(Read-Json 'native/tests/fixtures/ingest/getcsuser.ps7.json') +
            @(Import-Clixml (Join-Path $RepoRoot 'native/tests/fixtures/ingest/getcsuser.clixml')) + @(1..60 | ForEach-Object { New-BenchLyncUser $_ })
        $rows = @(Test-Codec -Kind Record -Property $Lync -Objects $objects)
        $rows.Count | Should -Be $objects.Count
        foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
        $rows[-1].Script | Should -Be 0
    }

    It 'writes the Teams example tenant and bench-shaped accounts byte for byte for both audits, without the script path' {
        $objects = @(Read-Json 'examples/teams/teams.json') + @(1..60 | ForEach-Object { New-BenchTeamsUser $_ })
        foreach ($property in @(, $TeamsUc) + @(, $TeamsAssignments)) {
            $rows = @(Test-Codec -Kind TeamsUser -Property $property -Objects $objects)
            foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
            $rows[-1].Script | Should -Be 0
        }
    }

    It 'writes UAL evidence and system ids byte for byte, each with its own properties' {
        $objects = @(Read-Json 'examples/ual/ual-system-id.json') + @(Read-Json 'examples/ual/ual-user-access.json') + @(Read-Json 'examples/ual/ual-device-access.json')
        $rows = @(Test-Codec -Kind Ual -Property $UalEvidence -SystemProperty $UalSystem -Objects $objects)
        foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
        @($rows | Where-Object { $_.Line -like '*OSMajor*' }).Count | Should -BeGreaterThan 0
        $rows[-1].Script | Should -Be 0
    }

    It 'writes records piped from the cmdlets (lists, nested objects, local dates, …Text columns) byte for byte' {
        $lines = Get-ChildItem -Path (Join-Path $RepoRoot 'examples/records') -Filter *.ndjson | ForEach-Object { Get-Content -LiteralPath $_.FullName }
        $records = @(InModuleScope LicenseAudit -Parameters @{ Lines = $lines } { param($Lines) foreach ($l in $Lines) { ConvertFrom-LicenseAuditRecord -Line $l } })
        $records.Count | Should -BeGreaterThan 50
        $rows = @(Test-Codec -Kind Whole -Objects $records)
        foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
        $rows[-1].Script | Should -Be 0
    }

    It 'writes awkward values exactly as the script path does (dates, enums, policy objects, null, DBNull, SecureString, NaN, numbers, lists, wrapped values)' {
        Add-Type -TypeDefinition 'public class LicenseAuditCodecPolicy { public string FriendlyName { get; set; } public override string ToString() { return "ref:" + FriendlyName; } }' -ErrorAction SilentlyContinue
        $secure = New-Object System.Security.SecureString
        $secure.AppendChar('x')
        $wrappedDate = Write-Output ([datetime]::new(2024, 5, 6, 7, 8, 9, [System.DateTimeKind]::Local))
        $wrappedBool = Write-Output $true
        $noted = 'text' | Add-Member -NotePropertyName Extra -NotePropertyValue 1 -PassThru
        $toString = [pscustomobject]@{ Value = 'x' } | Add-Member -MemberType ScriptMethod -Name ToString -Value { 'pool01.redmond.contoso.com' } -Force -PassThru
        $values = @(
            $null, [System.DBNull]::Value, [System.Management.Automation.Language.NullString]::Value, $secure,
            [datetime]::new(2024, 1, 2, 3, 4, 5, [System.DateTimeKind]::Utc), [datetime]::new(2024, 1, 2, 3, 4, 5, [System.DateTimeKind]::Local),
            [datetime]::new(2024, 1, 2, 3, 4, 5, 678, [System.DateTimeKind]::Unspecified), $wrappedDate, [datetimeoffset]::new(2024, 1, 2, 3, 4, 5, [timespan]::FromHours(2)),
            [System.DayOfWeek]::Monday, [System.IO.FileAttributes]'ReadOnly, Hidden', [System.ConsoleColor]::DarkRed,
            [pscustomobject]@{ FriendlyName = 'ENT_CAL_REC_Audio'; Name = 'x' }, [pscustomobject]@{ FriendlyName = ''; Name = 'y' }, [pscustomobject]@{ FriendlyName = $null },
            [pscustomobject]@{ Name = 'no friendly name' }, $toString, [LicenseAuditCodecPolicy]@{ FriendlyName = 'Tag:Net' }, [LicenseAuditCodecPolicy]::new(),
            [double]::NaN, [double]::PositiveInfinity, [double]::NegativeInfinity, -0.0, 0.1, 1e300, 1.0, [float]1.5, [decimal]2.5, [int16]3, [uint32]4, [uint64]5,
            [byte]6, [char]'c', [long]::MaxValue, [int]::MinValue, [bigint]::Parse('123456789012345678901234567890'), [guid]'6f0c8d4e-3b1a-4f55-9a8e-2d7c1b9e4a10',
            [uri]'https://contoso.com/a b', [timespan]::FromMinutes(90), [version]'1.2.3',
            "quote`" backslash\ tab`t newline`n cr`r nul$([char]0) unit$([char]0x1f) del$([char]0x7f) nel$([char]0x85) ls$([char]0x2028) ps$([char]0x2029) <>&' é 日本 $([char]::ConvertFromUtf32(0x1F600))",
            '', ' ', @('a', $null, 'b'), @(), @(1, 2), @($true, $false), @(@(1, 2), 3), [System.Collections.Generic.List[string]]@('x', 'y'),
            [System.Collections.ArrayList]@('p', [pscustomobject]@{ FriendlyName = 'inner' }), @{ a = 1 }, [ordered]@{ b = 2 }, $wrappedBool, $noted,
            (Write-Output 'wrapped string'), (Write-Output 42), [System.Text.StringBuilder]::new('sb'), [xml]'<a>1</a>'
        )
        $objects = foreach ($value in $values) {
            [pscustomobject]@{ SipAddress = 'sip:awkward@contoso.com'; DisplayName = $value; Enabled = $value; ConferencingPolicy = $value; LineURI = $value; RegistrarPool = $value }
        }
        $objects = @($objects) + @([pscustomobject]@{ SipAddress = 'sip:empty@contoso.com' }, [pscustomobject]@{ })
        $rows = @(Test-Codec -Kind Record -Property $Lync -Objects $objects)
        $rows.Count | Should -Be $objects.Count
        foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
        foreach ($property in @(, $TeamsUc) + @(, $TeamsAssignments)) {
            $teams = foreach ($value in $values) {
                [pscustomobject]@{ UserPrincipalName = 'awkward@contoso.com'; DisplayName = $value; AccountEnabled = $value; FeatureTypes = $value; AssignedPlan = $value; TeamsIPPhonePolicy = $value; OnlineVoiceRoutingPolicy = $value; SoftDeletionTimestamp = $value }
            }
            $teams = @($teams) + @(
                [pscustomobject]@{ AssignedPlan = @('TEAMS1', $null, [pscustomobject]@{ Capability = 'MCOEV' }, [pscustomobject]@{ Capability = 'X'; CapabilityStatus = 'Deleted'; ServicePlanId = [guid]::Empty }, @{ Capability = 'H' }) },
                [pscustomobject]@{ FeatureTypes = 'Teams'; TeamsIPPhonePolicy = 'CommonAreaPhone'; OnlineVoiceRoutingPolicy = [pscustomobject]@{ Name = 'N' } },
                [pscustomobject]@{ FeatureTypes = @('Teams', $null, 5, [System.DayOfWeek]::Friday); OnlineVoiceRoutingPolicy = [pscustomobject]@{ Authority = $null; Name = '' } }
            )
            $rows = @(Test-Codec -Kind TeamsUser -Property $property -Objects $teams)
            foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
        }
        $records = foreach ($value in $values) { [pscustomobject]@{ RecordType = 'LyncUserCal'; Value = $value; Nested = [pscustomobject]@{ Deep = [pscustomobject]@{ Deeper = [pscustomobject]@{ Deepest = [pscustomobject]@{ Value = $value } } } } } }
        $rows = @(Test-Codec -Kind Whole -Objects (@($records) + @($values | Where-Object { $null -ne $_ })))
        foreach ($row in $rows) { $row.Line | Should -BeExactly $row.Expected }
    }

    It 'refuses text with a lone surrogate, naming the object, instead of sending U+FFFD' {
        $high = [pscustomobject]@{ SipAddress = "sip:a$([char]0xD800)@contoso.com"; Enabled = $true }
        $low = [pscustomobject]@{ SipAddress = "sip:a$([char]0xDC00)@contoso.com"; Enabled = $true }
        $reversed = [pscustomobject]@{ SipAddress = "sip:a$([char]0xDC00)$([char]0xD800)@contoso.com"; Enabled = $true }
        $paired = [pscustomobject]@{ SipAddress = "sip:a$([char]::ConvertFromUtf32(0x1F600))@contoso.com"; Enabled = $true }
        $result = InModuleScope LicenseAudit -Parameters @{ Objects = @($high, $low, $reversed, $paired) } {
            param($Objects)
            function Invoke-SurrogateProbe {
                [CmdletBinding()]
                param($Objects)
                $session = New-LicenseAuditNativeSession -Command 'codec' -Cmdlet $PSCmdlet -InputKind Record -InputProperty $script:LyncUserProperties
                try { foreach ($o in $Objects) { , $session.Channel.LineOf($o, $o) } } finally { $session.Stop() }
            }
            $lines = @(Invoke-SurrogateProbe -Objects $Objects -ErrorVariable problems -ErrorAction SilentlyContinue)
            [pscustomobject]@{ Lines = $lines; Problems = @($problems) }
        }
        $result.Lines[0] | Should -BeNullOrEmpty
        $result.Lines[1] | Should -BeNullOrEmpty
        $result.Lines[2] | Should -BeNullOrEmpty
        $result.Lines[3] | Should -BeLike '*sip:a😀@contoso.com*'
        $result.Problems.Count | Should -Be 3
        foreach ($problem in $result.Problems) {
            $problem.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.InvalidText*'
            $problem.Exception.Message | Should -BeLike '*SipAddress*surrogate*'
        }
        $result.Problems[0].TargetObject.SipAddress | Should -Be $high.SipAddress
        $result.Problems[1].TargetObject.SipAddress | Should -Be $low.SipAddress
    }

    It 'refuses an object whose property getter throws, naming the property, for every kind of input' {
        $user = [pscustomobject]@{ SipAddress = 'sip:getter@contoso.com'; Enabled = $true } |
            Add-Member -MemberType ScriptProperty -Name EnterpriseVoiceEnabled -Value { throw 'the directory did not answer' } -PassThru
        $account = [pscustomobject]@{ UserPrincipalName = 'getter@contoso.com' } |
            Add-Member -MemberType ScriptProperty -Name EnterpriseVoiceEnabled -Value { throw 'the directory did not answer' } -PassThru
        $result = InModuleScope LicenseAudit -Parameters @{ User = $user; Account = $account } {
            param($User, $Account)
            function Invoke-GetterProbe {
                [CmdletBinding()]
                param($User, $Account)
                $lync = New-LicenseAuditNativeSession -Command 'codec' -Cmdlet $PSCmdlet -InputKind Record -InputProperty $script:LyncUserProperties
                $teams = New-LicenseAuditNativeSession -Command 'codec' -Cmdlet $PSCmdlet -InputKind TeamsUser -InputProperty $script:UcTeamsUserProperties
                try { , $lync.Channel.LineOf($User, $User); , $teams.Channel.LineOf($Account, $Account) } finally { $lync.Stop(); $teams.Stop() }
            }
            $lines = @(Invoke-GetterProbe -User $User -Account $Account -ErrorVariable problems -ErrorAction SilentlyContinue)
            [pscustomobject]@{ Lines = $lines; Problems = @($problems) }
        }
        $result.Lines[0] | Should -BeNullOrEmpty
        $result.Lines[1] | Should -BeNullOrEmpty
        $result.Problems.Count | Should -Be 2
        foreach ($problem in $result.Problems) {
            $problem.FullyQualifiedErrorId | Should -BeLike 'LicenseAudit.PropertyUnreadable*'
            $problem.Exception.Message | Should -BeLike '*EnterpriseVoiceEnabled*the directory did not answer*'
            $problem.Exception.Message | Should -BeLike '*missing from the results*'
        }
        $result.Problems[0].TargetObject.SipAddress | Should -Be 'sip:getter@contoso.com'
    }

    It 'reads hashtables and [ordered] dictionaries piped in by key, as the same object would be read' {
        $hash = @{ SipAddress = 'sip:hash@contoso.com'; Enabled = $true; RegistrarPool = 'pool01.redmond.contoso.com'; ConferencingPolicy = 'Tag:ENT_CAL_REC_Audio' }
        $ordered = [ordered]@{ sipaddress = 'sip:ordered@contoso.com'; Enabled = $false; EnterpriseVoiceEnabled = $true }
        $rows = @(Test-Codec -Kind Record -Property $Lync -Objects @($hash, $ordered))
        $same = @(Test-Codec -Kind Record -Property $Lync -Objects @([pscustomobject]$hash, [pscustomobject]$ordered))
        $rows[0].Line | Should -BeExactly $same[0].Expected
        $rows[1].Line | Should -BeExactly $same[1].Expected
        $rows[1].Line | Should -BeLike '{"SipAddress":"sip:ordered@contoso.com",*'
        $teams = @(Test-Codec -Kind TeamsUser -Property $TeamsUc -Objects @(@{ UserPrincipalName = 'h@contoso.com'; FeatureTypes = @('Teams'); AccountEnabled = $true }))
        $teams[0].Line | Should -BeExactly '{"UserPrincipalName":"h@contoso.com","AccountEnabled":true,"FeatureTypes":["Teams"]}'
    }
}

Describe 'Records: the compiled reader against ConvertFrom-Json + ConvertFrom-LicenseAuditRecord' {
    It 'reads every example record, and awkward lines, into the same objects' {
        $lines = @(Get-ChildItem -Path (Join-Path $RepoRoot 'examples/records') -Filter *.ndjson | ForEach-Object { Get-Content -LiteralPath $_.FullName })
        $awkward = @(
            '{"RecordType":"LyncUserUsage","SipAddress":"a","LastActivity":"2026-10-01T10:00:00Z","Evidence":[],"Reasons":[{"Cal":"Standard","Detail":"d","Source":""}]}',
            '{"RecordType":"LyncUserUsage","SipAddress":"b","LastActivity":"2026-10-01T10:00:00.1234567+02:00","Evidence":[{"Kind":"Call","Count":3}],"Reasons":null}',
            '{"RecordType":"LyncUserUsage","SipAddress":"c","LastActivity":"2026-10-01T10:00:00","Evidence":"text","Reasons":[null,1,true,2.5,"x"]}',
            '{"RecordType":"LyncUserUsage","SipAddress":"d","LastActivity":"","Reasons":[{"Counts":"UserLicense","Detail":"1 device","Source":"CUCM alice"}]}',
            '{"RecordType":"LyncUserUsage","SipAddress":"e","LastActivity":null}',
            '{"RecordType":"LyncUserUsage","SipAddress":"f","LastActivity":"2026-10-01"}',
            '{"RecordType":"LyncUserUsage","SipAddress":"g","LastActivity":"not a date","ReasonsText":"engine wrote one"}',
            '{"RecordType":"TeamsAssignmentFinding","Evidence":[{"Source":"Get-CsOnlineUser","Property":"SoftDeletionTimestamp","Value":"2026-01-02T03:04:05Z"},{"Source":"s","Property":"p","Value":""}],"Plans":["MCOEV"],"ReclaimablePlans":[],"Findings":[{"Severity":"Warning","Code":"C","Message":"m"},{"Code":"D","Message":"n"}]}',
            '{"RecordType":"LyncCalSummary","ByKind":{"User":3,"Device":1},"ByCombination":[{"Standard":true,"Count":2}],"Total":4}',
            '{"RecordType":"UalEvidenceSummary","WindowStart":"2026-01-01T00:00:00Z","AsOf":"2026-12-01T00:00:00Z","Excluded":[],"Servers":["FS01"]}',
            '{"RecordType":"Unknown","When":"2026-01-01T00:00:00Z","List":[1,-0,0.5,1e3,-1.25E-2,9223372036854775807]}',
            '{"RecordType":"LyncUserCal","Reasons":[{"Cal":"Plus","Detail":"x"}],"Findings":[{"Severity":"Warning","Code":"PoolNotFound","Message":"m"}],"DisplayName":"Zo\u00eb \"q\" \\ \/ \b\f\n\r\t \ud83d\ude00 \u2028"}',
            '{"RecordType":"LyncUserCal","Reasons":[],"Findings":[],"When":"2026-13-01T00:00:00Z","Big":123456789012345678901234567890,"Octal":"012"}',
            '{"NoType":true,"At":"2026-01-01T00:00:00Z"}',
            '  {"RecordType":"LyncPolicyChange","Identity":"x"}  ',
            '{"RecordType":"ReportSheet","RecordTypes":["a","b"],"Nested":{"Deep":[[1,2],[3]]}}'
        )
        $rows = @(Test-Reader -Lines ($lines + $awkward))
        foreach ($row in $rows) {
            $difference = @(Compare-Deep -Actual $row.Record -Expected $row.Expected)
            $difference | Should -BeNullOrEmpty -Because $row.Line
        }
        # The example records need no script path.
        $examples = @(Test-Reader -Lines $lines)
        $examples[-1].Script | Should -Be 0
    }
}

Describe 'End to end: what the cmdlets send and write' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
    BeforeAll {
        $script:Real = InModuleScope LicenseAudit { Get-LicenseAuditBinaryPath }
        $script:Saved = $env:LICENSEAUDIT_BINARY
        $script:Tee = Join-Path $TestDrive 'tee/license-audit'
        New-Item -ItemType Directory -Path (Split-Path -Parent $Tee) -Force | Out-Null
        # A stand-in that keeps a copy of the engine's stdin and stdout.
        [System.IO.File]::WriteAllText($Tee, "#!/bin/bash`nset -o pipefail`nif [ `"`$1`" = --version ]; then exec '$Real' --version; fi`ntee `"`$LICENSEAUDIT_TEE_IN`" | '$Real' `"`$@`" | tee `"`$LICENSEAUDIT_TEE_OUT`"`n")
        & chmod +x $Tee
        $env:LICENSEAUDIT_BINARY = $Tee
        $script:ConferencingPolicies = Read-Json 'examples/contoso/conferencing-policies.json'
        $script:VoicePolicies = Read-Json 'examples/contoso/voice-policies.json'
        $script:Pools = Import-Clixml (Join-Path $RepoRoot 'examples/contoso/pools.xml')

        function script:Invoke-Teed {
            param([scriptblock]$Run)
            $env:LICENSEAUDIT_TEE_IN = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.in')
            $env:LICENSEAUDIT_TEE_OUT = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.out')
            $records = @(& $Run)
            [pscustomobject]@{
                Records = $records
                In      = @([System.IO.File]::ReadAllLines($env:LICENSEAUDIT_TEE_IN) | Where-Object { $_ })
                Out     = @([System.IO.File]::ReadAllLines($env:LICENSEAUDIT_TEE_OUT) | Where-Object { $_ })
            }
        }
        function script:Read-Script([string[]]$Lines, [string]$Type) {
            InModuleScope LicenseAudit -Parameters @{ Lines = $Lines; Type = $Type } {
                param($Lines, $Type)
                foreach ($l in $Lines) { if ($l -match ('^\{"RecordType":"' + $Type + '"')) { ConvertFrom-LicenseAuditRecord -Line $l } }
            }
        }
    }
    AfterAll {
        $env:LICENSEAUDIT_BINARY = $Saved
    }

    It 'Get-LyncCalRequirement: the lines the script path made, and the records it made of the engine output' {
        $users = @(Read-Json 'examples/contoso/users.json') + @(1..300 | ForEach-Object { New-BenchLyncUser $_ })
        $run = Invoke-Teed { $users | Get-LyncCalRequirement -ConferencingPolicy $ConferencingPolicies -VoicePolicy $VoicePolicies -Pool $Pools }
        $expectedIn = @(Test-Codec -Kind Record -Property $Lync -Objects $users | ForEach-Object { $_.Expected })
        $run.In.Count | Should -Be $users.Count
        for ($i = 0; $i -lt $users.Count; $i++) { $run.In[$i] | Should -BeExactly $expectedIn[$i] }
        $expected = @(Read-Script -Lines $run.Out -Type 'LyncUserCal')
        $run.Records.Count | Should -Be $expected.Count
        $run.Records.Count | Should -Be $users.Count
        for ($i = 0; $i -lt $expected.Count; $i++) { @(Compare-Deep -Actual $run.Records[$i] -Expected $expected[$i]) | Should -BeNullOrEmpty }
    }

    It 'Get-TeamsLicenseCount and Test-TeamsLicenseAssignment: the same lines and records' {
        $accounts = @(Read-Json 'examples/teams/teams.json') + @(1..300 | ForEach-Object { New-BenchTeamsUser $_ })
        $cases = @(
            # Get-TeamsLicenseCount puts its Teams-only view's type name in front (README, the
            # Teams-only table): the script path's records get it the same way.
            @{ Run = { $accounts | Get-TeamsLicenseCount -WarningAction SilentlyContinue }; Property = $TeamsUc; Type = 'UcUserLicense'; View = 'LicenseAudit.UcUserLicense#TeamsOnly' },
            @{ Run = { $accounts | Test-TeamsLicenseAssignment -WarningAction SilentlyContinue }; Property = $TeamsAssignments; Type = 'TeamsAssignmentFinding' }
        )
        foreach ($case in $cases) {
            $run = Invoke-Teed $case.Run
            $expectedIn = @(Test-Codec -Kind TeamsUser -Property $case.Property -Objects $accounts | ForEach-Object { $_.Expected })
            $run.In.Count | Should -Be $accounts.Count
            for ($i = 0; $i -lt $accounts.Count; $i++) { $run.In[$i] | Should -BeExactly $expectedIn[$i] }
            $expected = @(Read-Script -Lines $run.Out -Type $case.Type)
            if ($case.ContainsKey('View')) { foreach ($record in $expected) { $record.PSObject.TypeNames.Insert(0, $case.View) } }
            $run.Records.Count | Should -Be $expected.Count
            $run.Records.Count | Should -BeGreaterThan 0
            for ($i = 0; $i -lt $expected.Count; $i++) { @(Compare-Deep -Actual $run.Records[$i] -Expected $expected[$i]) | Should -BeNullOrEmpty }
        }
    }
}
