# Pester 5 tests of Get-LyncCalUsage: argument building with mocks, and end to end against the
# SQLite-backed TDS test server (cargo build --example tds-test-server; scripts/test-all sets
# LICENSEAUDIT_TDS_TEST_SERVER to it).

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'TestStubs.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Password = ConvertTo-SecureString 'S3cret!pass' -AsPlainText -Force
    $script:Credential = New-Object System.Management.Automation.PSCredential ('audit', $Password)
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'Get-LyncCalUsage arguments' {
    BeforeEach {
        Mock -ModuleName LicenseAudit Get-CsService {
            [pscustomobject]@{ Identity = 'MonitoringDatabase:sqlmon01.contoso.com'; PoolFqdn = 'sqlmon01.contoso.com'; SqlInstanceName = 'LYNCMON' }
        }
        Mock -ModuleName LicenseAudit Invoke-LicenseAuditNative { [pscustomobject]@{ Arguments = $Arguments; Secret = $Secret } }
    }

    It 'finds the monitoring instance with Get-CsService and sends the password on stdin' {
        $call = Get-LyncCalUsage -Credential $Credential -Days 30
        $call.Arguments | Should -Contain 'sqlmon01.contoso.com\LYNCMON'
        $call.Arguments | Should -Contain '--password-stdin'
        $call.Arguments | Should -Not -Contain 'S3cret!pass'
        $call.Secret | Should -BeOfType System.Security.SecureString
        Should -Invoke -ModuleName LicenseAudit Get-CsService -Times 1 -Exactly -ParameterFilter { $MonitoringDatabase }
    }

    It 'uses integrated authentication without a credential, and the given server' {
        $call = Get-LyncCalUsage -SqlServer 'sql02,1533' -TrustServerCertificate
        $call.Arguments | Should -Contain 'integrated'
        $call.Arguments | Should -Contain 'sql02,1533'
        $call.Arguments | Should -Contain '--trust-server-certificate'
        Should -Invoke -ModuleName LicenseAudit Get-CsService -Times 0 -Exactly
    }
}

Describe 'Get-LyncCalUsage against the TDS test server' -Skip:(-not $env:LICENSEAUDIT_TDS_TEST_SERVER) {
    BeforeAll {
        $script:Port = Get-Random -Minimum 20000 -Maximum 40000
        $fixture = Join-Path $RepoRoot 'native/tests/fixtures/lcscdr/lync2013'
        $script:ServerProcess = Start-Process -FilePath $env:LICENSEAUDIT_TDS_TEST_SERVER -ArgumentList '--load', $fixture, '--port', $Port -PassThru -NoNewWindow
        Start-Sleep -Seconds 2
    }
    AfterAll {
        if ($ServerProcess) { Stop-Process -Id $ServerProcess.Id -ErrorAction SilentlyContinue }
    }

    It 'returns typed usage records' {
        Mock -ModuleName LicenseAudit Get-CsUser { [pscustomobject]@{ SipAddress = 'sip:idle@contoso.com' } }
        $result = Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $Credential -DisableEncryption -IncludeAllUsers -AsOf ([datetime]'2026-11-01T00:00:00Z')
        $users = $result | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.LyncUserUsage' }
        ($users | Where-Object SipAddress -eq 'sip:organizer@contoso.com').Enterprise | Should -Be 'Yes'
        ($users | Where-Object SipAddress -eq 'sip:idle@contoso.com').Standard | Should -Be 'No'
        ($result | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.LyncUsageCoverage' }).WindowCovered | Should -BeTrue
    }

    It 'turns a failed login into a terminating error naming the server' {
        $bad = New-Object System.Management.Automation.PSCredential ('audit', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        { Get-LyncCalUsage -SqlServer "127.0.0.1,$Port" -Credential $bad -DisableEncryption } | Should -Throw '*18456*'
    }
}
