# Pester 5 tests of the offline snapshot: Export-LicenseAuditSnapshot and the script it runs,
# scripts/Export-LicenseAuditSnapshot.ps1 (which also runs alone, on PowerShell 2.0). The Lync
# cmdlets are stubbed and mocked with the bundled example estate; the folder written is then read
# by the engine's --estate, which must give the example estate's answers. The fixtures of
# native/tests/snapshot.rs are this output as Windows PowerShell 5.1 and 2.0 write it.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:SnapshotScript = Join-Path $RepoRoot 'scripts/Export-LicenseAuditSnapshot.ps1'
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Binary = InModuleScope LicenseAudit { Get-LicenseAuditBinaryPath }

    . (Join-Path $PSScriptRoot 'ContosoEstate.ps1')
    $script:Sites = @(
        [pscustomobject]@{ Identity = 'Site:Redmond'; SiteId = 1; DisplayName = 'Redmond'; Kind = 'Central'; Pools = @('pool01.redmond.contoso.com') }
    )
    $script:Monitoring = @(
        [pscustomobject]@{ Identity = 'MonitoringDatabase:sqlmon01.contoso.com'; PoolFqdn = 'sqlmon01.contoso.com'; SqlInstanceName = 'LYNCMON' }
    )

    function script:Get-Summary([string]$Folder) {
        $line = & $Binary lync entitlement --estate $Folder --summary-only --format ndjson
        $LASTEXITCODE | Should -Be 0
        $line | ConvertFrom-Json
    }
    $script:Expected = Get-Summary $Estate
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Export-LicenseAuditSnapshot' {
    BeforeEach {
        # Each mock carries its fixture in a closure. A body reading $script:Users depends on
        # which script is running when the mock is called: run alone (not through the module),
        # scripts/Export-LicenseAuditSnapshot.ps1 is that script, $script: is its own scope,
        # where no $Users exists (under its Set-StrictMode 2.0 an error, so Get-CsUser "failed"
        # and the manifest said Complete: false). The real cmdlets read no caller's variables.
        $fixtures = [ordered]@{
            'Get-CsUser' = $script:Users; 'Get-CsConferencingPolicy' = $script:ConferencingPolicies
            'Get-CsVoicePolicy' = $script:VoicePolicies; 'Get-CsPool' = $script:Pools; 'Get-CsSite' = $script:Sites
            'Get-CsCommonAreaPhone' = $script:Phones; 'Get-CsAnalogDevice' = $script:Analog
            'Get-CsMeetingRoom' = $script:Rooms; 'Get-CsRgsAgentGroup' = $script:Rgs
        }
        foreach ($module in @('LicenseAudit', $null)) {
            $scope = @{}
            if ($module) { $scope.ModuleName = $module }
            foreach ($name in $fixtures.Keys) {
                $records = $fixtures[$name]
                Mock @scope -CommandName $name -MockWith { $records }.GetNewClosure()
            }
            $monitoring = $script:Monitoring
            Mock @scope Get-CsService { $monitoring }.GetNewClosure() -ParameterFilter { $MonitoringDatabase }
        }
    }

    It "writes the folder --estate reads, with the example estate's answers" {
        $folder = Join-Path $TestDrive 'json'
        $result = Export-LicenseAuditSnapshot -Path $folder
        $result.PSObject.TypeNames[0] | Should -Be 'LicenseAudit.Snapshot'
        $result.Complete | Should -BeTrue
        $result.Format | Should -Be 'Json'
        @(Get-Content -LiteralPath (Join-Path $folder 'users.json')).Count | Should -Be 12
        $summary = Get-Summary $folder
        ($summary | ConvertTo-Json -Depth 5) | Should -Be ($Expected | ConvertTo-Json -Depth 5)
        $manifest = Get-Content -Raw -LiteralPath (Join-Path $folder 'snapshot-manifest.json') | ConvertFrom-Json
        $manifest.Complete | Should -BeTrue
        $manifest.Format | Should -Be 'Json'
        $manifest.PowerShellVersion | Should -Be $PSVersionTable.PSVersion.ToString()
        @($manifest.Files).Count | Should -Be 10
        ($manifest.Files | Where-Object Name -eq 'users').Count | Should -Be 12
        ($manifest.Files | Where-Object Name -eq 'monitoring-databases').Command | Should -Be 'Get-CsService -MonitoringDatabase'
        ($manifest.Files | Where-Object Name -eq 'monitoring-databases').Count | Should -Be 1
        @(Get-ChildItem -LiteralPath $folder -Filter '*.partial').Count | Should -Be 0
    }

    It 'writes CLIXML that --estate reads the same way' {
        $folder = Join-Path $TestDrive 'clixml'
        $result = Export-LicenseAuditSnapshot -Path $folder -Format Clixml
        $result.Format | Should -Be 'Clixml'
        Join-Path $folder 'users.xml' | Should -Exist
        Join-Path $folder 'users.json' | Should -Not -Exist
        ((Get-Summary $folder) | ConvertTo-Json -Depth 5) | Should -Be ($Expected | ConvertTo-Json -Depth 5)
    }

    It 'runs alone, without the module (as on PowerShell 2.0)' {
        $folder = Join-Path $TestDrive 'alone'
        $result = & $SnapshotScript -Path $folder
        $result.Complete | Should -BeTrue
        ((Get-Summary $folder) | ConvertTo-Json -Depth 5) | Should -Be ($Expected | ConvertTo-Json -Depth 5)
    }

    It 'refuses a folder that holds a snapshot unless -Force, which leaves no file of the old one' {
        $folder = Join-Path $TestDrive 'again'
        Export-LicenseAuditSnapshot -Path $folder | Out-Null
        $failure = $null
        try { Export-LicenseAuditSnapshot -Path $folder -Format Clixml } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'LicenseAudit.SnapshotExists,Export-LicenseAuditSnapshot'
        Export-LicenseAuditSnapshot -Path $folder -Format Clixml -Force | Out-Null
        @(Get-ChildItem -LiteralPath $folder -Filter '*.json' | Where-Object Name -ne 'snapshot-manifest.json').Count | Should -Be 0
        Join-Path $folder 'users.xml' | Should -Exist
    }

    It 'records a cmdlet that fails and goes on' {
        Mock -ModuleName LicenseAudit Get-CsRgsAgentGroup { throw 'The Response Group application is not deployed.' }
        $folder = Join-Path $TestDrive 'rgs'
        $result = Export-LicenseAuditSnapshot -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        # Through the module the error is the cmdlet's, like every module error (not the script's).
        $problems[0].FullyQualifiedErrorId | Should -Be 'LicenseAudit.SnapshotSourceFailed,Export-LicenseAuditSnapshot'
        $result.Complete | Should -BeTrue
        $entry = (Get-Content -Raw -LiteralPath (Join-Path $folder 'snapshot-manifest.json') | ConvertFrom-Json).Files | Where-Object Name -eq 'rgs-agent-groups'
        $entry.Status | Should -Be 'Failed'
        $entry.Message | Should -BeLike '*not deployed*'
        Join-Path $folder 'rgs-agent-groups.json' | Should -Not -Exist
        Join-Path $folder 'users.json' | Should -Exist
    }

    It 'ends with LicenseAudit.SnapshotIncomplete when Get-CsUser fails' {
        Mock -ModuleName LicenseAudit Get-CsUser { throw 'The domain controller did not answer.' }
        $folder = Join-Path $TestDrive 'nousers'
        $failure = $null
        try { Export-LicenseAuditSnapshot -Path $folder -ErrorAction SilentlyContinue } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'LicenseAudit.SnapshotIncomplete,Export-LicenseAuditSnapshot'
        (Get-Content -Raw -LiteralPath (Join-Path $folder 'snapshot-manifest.json') | ConvertFrom-Json).Complete | Should -BeFalse
    }

    It 'writes [] for a cmdlet that returns nothing, which --estate reads as none' {
        Mock -ModuleName LicenseAudit Get-CsAnalogDevice { return }
        $folder = Join-Path $TestDrive 'empty'
        Export-LicenseAuditSnapshot -Path $folder | Out-Null
        (Get-Content -Raw -LiteralPath (Join-Path $folder 'analog-devices.json')).Trim() | Should -Be '[]'
        ((Get-Summary $folder).ByKind | Where-Object Kind -eq 'AnalogDevice').Total | Should -Be 0
    }

    It "runs in a clean PowerShell with Lync 2010's cmdlets: no Get-CsMeetingRoom, NotAvailable in the manifest" {
        # A child process: no module, no Pester mocks, only the cmdlets Lync Server 2010 has.
        $data = Join-Path $TestDrive 'lync2010-data'
        New-Item -ItemType Directory -Path $data | Out-Null
        $exports = @{
            'Get-CsUser' = $Users; 'Get-CsConferencingPolicy' = $ConferencingPolicies; 'Get-CsVoicePolicy' = $VoicePolicies
            'Get-CsPool' = $Pools; 'Get-CsSite' = $Sites; 'Get-CsCommonAreaPhone' = $Phones; 'Get-CsAnalogDevice' = $Analog
            'Get-CsRgsAgentGroup' = $Rgs; 'Get-CsService' = $Monitoring
        }
        $definitions = foreach ($name in $exports.Keys) {
            $file = Join-Path $data "$name.xml"
            $exports[$name] | Export-Clixml -LiteralPath $file
            "function $name { [CmdletBinding()] param([switch]`$MonitoringDatabase) Import-Clixml -LiteralPath '$file' }"
        }
        $folder = Join-Path $TestDrive 'lync2010'
        $command = ($definitions -join "`n") + "`n& '$SnapshotScript' -Path '$folder' -Format Clixml | Out-Null"
        $powershell = (Get-Process -Id $PID).Path
        & $powershell -NoProfile -NonInteractive -Command $command
        $LASTEXITCODE | Should -Be 0
        $manifest = Get-Content -Raw -LiteralPath (Join-Path $folder 'snapshot-manifest.json') | ConvertFrom-Json
        ($manifest.Files | Where-Object Name -eq 'meeting-rooms').Status | Should -Be 'NotAvailable'
        $manifest.Complete | Should -BeTrue
        Join-Path $folder 'meeting-rooms.xml' | Should -Not -Exist
        ((Get-Summary $folder).ByKind | Where-Object Kind -eq 'MeetingRoom').Total | Should -Be 0
        (Get-Summary $folder).Total | Should -Be ($Expected.Total - 1)
    }

    It 'writes nothing with -WhatIf' {
        $folder = Join-Path $TestDrive 'whatif'
        Export-LicenseAuditSnapshot -Path $folder -WhatIf
        $folder | Should -Not -Exist
    }
}
