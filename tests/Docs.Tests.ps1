# Pester 5: the admin's way in (issue #25). The about_ help topics ship and Get-Help finds them;
# every cmdlet's HelpUri (and every web .LINK of its help) points at a page and heading of docs/
# that exist; every relative link of README.md and docs/ resolves; and README's "Try it" runs as
# written from the laid-out package (LICENSEAUDIT_PACKAGE_DIR), with the answers README shows.

BeforeDiscovery {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    $script:Topics = @(Get-ChildItem -Path (Join-Path $repoRoot 'en-US') -Filter 'about_*.help.txt' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName; Topic = $_.Name -replace '\.help\.txt$', '' } })
    Import-Module (Join-Path $repoRoot 'LicenseAudit.psd1') -Force
    $script:Cmdlets = @((Get-Module LicenseAudit).ExportedFunctions.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
    $script:Pages = @(@(Get-Item -LiteralPath (Join-Path $repoRoot 'README.md')) + @(Get-ChildItem -Path (Join-Path $repoRoot 'docs') -Filter *.md -Recurse) |
            ForEach-Object { @{ Name = $_.FullName.Substring($repoRoot.Length + 1).Replace('\', '/'); Path = $_.FullName } })
}

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $PSScriptRoot 'Workbook.ps1')
    Import-Module (Join-Path $RepoRoot 'LicenseAudit.psd1') -Force
    $script:Manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $RepoRoot 'LicenseAudit.psd1')
    $script:DocsBase = $Manifest.PrivateData.PSData.ProjectUri + '/blob/main/'

    # The anchors GitHub gives a page's headings: lower case, punctuation dropped (letters,
    # digits, spaces, '-' and '_' kept), each space a '-'; a repeated one gets -1, -2, ...
    # Lines inside ``` fences are not headings.
    function script:Get-MarkdownAnchor([string]$Path) {
        $anchors = New-Object System.Collections.Generic.List[string]
        $seen = @{}
        $fenced = $false
        foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
            if ($line -match '^\s*```') { $fenced = -not $fenced; continue }
            if ($fenced -or $line -notmatch '^#{1,6} (.+)$') { continue }
            $anchor = ($Matches[1].Trim().ToLowerInvariant() -replace '[^\p{L}\p{N} _-]', '') -replace ' ', '-'
            if ($seen.ContainsKey($anchor)) { $seen[$anchor]++; $anchor = '{0}-{1}' -f $anchor, $seen[$anchor] }
            else { $seen[$anchor] = 0 }
            $anchors.Add($anchor)
        }
        $anchors.ToArray()
    }

    # A link to the project's docs (https://github.com/licenseaudit/LicenseAudit/blob/main/<path>#<anchor>)
    # as the problem it has, or nothing when its file and heading exist.
    function script:Test-DocsUri([string]$Uri) {
        if (-not $Uri.StartsWith($DocsBase)) { return "'$Uri' does not start with $DocsBase" }
        $path, $anchor = $Uri.Substring($DocsBase.Length) -split '#', 2
        $file = Join-Path $RepoRoot $path
        if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { return "'$Uri': no file $path" }
        if ($anchor -and @(Get-MarkdownAnchor $file) -notcontains $anchor) { return "'$Uri': $path has no heading #$anchor" }
    }
}

AfterAll {
    Remove-Module LicenseAudit -ErrorAction SilentlyContinue
}

Describe 'about_ help topics' {
    It 'ships the overview and the topics the issue names' {
        $names = @($Topics | ForEach-Object { $_.Topic })
        foreach ($t in 'about_LicenseAudit', 'about_LicenseAudit_TrueUp', 'about_LicenseAudit_Permissions', 'about_LicenseAudit_OfflineSnapshot',
            'about_LicenseAudit_InputFiles', 'about_LicenseAudit_Workbook', 'about_LicenseAudit_RuleSets', 'about_LicenseAudit_Runbooks', 'about_LicenseAudit_Errors') {
            $names | Should -Contain $t
        }
    }

    It '<Topic>: plain text of at most 80 columns, named in the manifest''s FileList, and Get-Help shows it' -ForEach $Topics {
        $lines = [System.IO.File]::ReadAllLines($Path)
        $lines[0] | Should -Be 'TOPIC'
        $lines[1].Trim() | Should -Be $Topic
        @($lines | Where-Object { $_.Length -gt 80 }) | Should -BeNullOrEmpty
        @($lines | Where-Object { $_ -match '\t' }) | Should -BeNullOrEmpty
        $Manifest.FileList | Should -Contain ('en-US/' + $Name)
        $help = Get-Help $Topic | Out-String
        $help | Should -Match ([regex]::Escape($Topic))
        $help | Should -Match 'SHORT DESCRIPTION'
    }

    It 'about_LicenseAudit has the cmdlet table: every exported cmdlet that answers a question is in it' {
        $overview = Get-Help about_LicenseAudit | Out-String
        foreach ($name in 'Get-LyncCalRequirement', 'Get-LyncCalUsage', 'Get-ServerCalCompliance', 'Test-LyncConferencingPolicy', 'Get-LyncCalRightSizing',
            'Test-TeamsLicenseAssignment', 'Invoke-LicenseAudit', 'Get-LicenseAuditInputInfo', 'Export-LicenseAuditSnapshot') {
            $overview | Should -Match ([regex]::Escape($name))
        }
    }
}

Describe 'Get-Help -Online: HelpUri and .LINK point at the guide' {
    It '<Name> has a HelpUri whose docs page and heading exist' -ForEach $Cmdlets {
        $uri = (Get-Command $Name).HelpUri
        $uri | Should -Not -BeNullOrEmpty
        $uri | Should -BeLike ($DocsBase + 'docs/*')
        Test-DocsUri $uri | Should -BeNullOrEmpty
    }

    It '<Name>: every web link of its help is a docs page and heading that exist, the first its HelpUri' -ForEach $Cmdlets {
        $links = @((Get-Help $Name -Full).relatedLinks.navigationLink | ForEach-Object { $_.uri } | Where-Object { $_ -like 'http*' })
        foreach ($link in $links) { Test-DocsUri $link | Should -BeNullOrEmpty }
        if ($links.Count) { $links[0] | Should -Be (Get-Command $Name).HelpUri }
    }

    It 'the anchor rule is GitHub''s (checked on headings whose anchors are known)' {
        $file = Join-Path $TestDrive 'anchors.md'
        Set-Content -LiteralPath $file -Encoding UTF8 -Value @(
            '# Lync / Skype for Business: CAL tiers from usage (monitoring databases)',
            '```powershell', '# not a heading', '```',
            '## Teams licence ↔ configuration: waste', '## `lync usage`', '## Performance', '## Performance')
        @(Get-MarkdownAnchor $file) | Should -Be @('lync--skype-for-business-cal-tiers-from-usage-monitoring-databases', 'teams-licence--configuration-waste', 'lync-usage', 'performance', 'performance-1')
    }
}

Describe 'README.md and docs/: every relative link resolves' {
    It '<Name>' -ForEach $Pages {
        $problems = New-Object System.Collections.Generic.List[string]
        $text = [System.IO.File]::ReadAllText($Path)
        # Links outside code: drop fenced blocks and inline code first.
        $prose = [regex]::Replace($text, '(?ms)^\s*```.*?^\s*```', '')
        $prose = [regex]::Replace($prose, '`[^`\n]*`', '')
        foreach ($m in [regex]::Matches($prose, '\]\(([^)\s]+)\)')) {
            $target = $m.Groups[1].Value
            if ($target -match '^(https?|mailto):') { continue }
            $file, $anchor = $target -split '#', 2
            $resolved = if ($file) { Join-Path (Split-Path -Parent $Path) $file } else { $Path }
            if (-not (Test-Path -LiteralPath $resolved)) { $problems.Add("$target`: no such file"); continue }
            if ($anchor -and (Test-Path -LiteralPath $resolved -PathType Leaf) -and @(Get-MarkdownAnchor $resolved) -notcontains $anchor) {
                $problems.Add("$target`: no heading #$anchor")
            }
        }
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'README' {
    It 'fits in 250 lines, and its first screen names the cmdlet table and the try-it' {
        $lines = [System.IO.File]::ReadAllLines((Join-Path $RepoRoot 'README.md'))
        $lines.Count | Should -BeLessOrEqual 250
        $headings = @($lines | Where-Object { $_ -match '^## ' })
        $headings[0] | Should -Be '## Which cmdlet answers your question'
        $headings[1] | Should -Be '## Try it'
        [array]::IndexOf($lines, '## Which cmdlet answers your question') | Should -BeLessThan 25
    }
}

Describe 'The package: examples and help ship, and README''s "Try it" runs from it' {
    BeforeAll {
        # The laid-out package (scripts/test-all: scripts/package --out target/package-test, then
        # LICENSEAUDIT_PACKAGE_DIR). No package is a failing test that says how to make one.
        $script:PackageDir = $null
        $script:PackageProblem = $null
        if ($env:LICENSEAUDIT_PACKAGE_DIR -and (Test-Path -LiteralPath (Join-Path $env:LICENSEAUDIT_PACKAGE_DIR 'LicenseAudit.psd1'))) { $script:PackageDir = $env:LICENSEAUDIT_PACKAGE_DIR }
        elseif ($env:LICENSEAUDIT_PACKAGE_DIR) { $script:PackageProblem = "LICENSEAUDIT_PACKAGE_DIR is '$env:LICENSEAUDIT_PACKAGE_DIR', which holds no LicenseAudit.psd1: run scripts/package --out target/package-test." }
        else { $script:PackageProblem = 'LICENSEAUDIT_PACKAGE_DIR is not set: run scripts/package --out target/package-test and set it to target/package-test/LicenseAudit/<version>.' }

        # README's "Try it" block, as written.
        $lines = [System.IO.File]::ReadAllLines((Join-Path $RepoRoot 'README.md'))
        $start = [array]::IndexOf($lines, '## Try it')
        $open = $start + 1
        while ($lines[$open] -ne '```powershell') { $open++ }
        $close = $open + 1
        while ($lines[$close] -ne '```') { $close++ }
        $script:TryIt = @($lines[($open + 1)..($close - 1)])
    }

    It 'holds every file of examples/ (the snapshot and runbook.ps1 among them) and en-US/' {
        $PackageProblem | Should -BeNullOrEmpty
        foreach ($file in @(Get-ChildItem -Path (Join-Path $RepoRoot 'examples'), (Join-Path $RepoRoot 'en-US') -File -Recurse)) {
            $relative = $file.FullName.Substring($RepoRoot.Length + 1)
            Join-Path $PackageDir $relative | Should -Exist
        }
        Join-Path $PackageDir 'examples/snapshot/snapshot-manifest.json' | Should -Exist
        Join-Path $PackageDir 'examples/runbook.ps1' | Should -Exist
    }

    It 'runs README''s "Try it" block from the package in a PowerShell of its own, with the answers README shows' {
        $PackageProblem | Should -BeNullOrEmpty
        # As written, except: Install-Module is the package (imported by path, as a copy is), and
        # Invoke-Item (which opens Excel) is left out; the workbook it would open is checked here.
        $TryIt[0] | Should -BeLike 'Install-Module LicenseAudit *'
        $TryIt[1] | Should -Be 'Import-Module LicenseAudit'
        $TryIt[-1] | Should -BeLike 'Invoke-Item $summary.ReportPath*'
        $body = @("Import-Module '$((Join-Path $PackageDir 'LicenseAudit.psd1').Replace("'", "''"))'") + $TryIt[2..($TryIt.Count - 2)]
        $folder = Join-Path $TestDrive 'try-it'
        $null = New-Item -ItemType Directory -Path $folder
        $script = Join-Path $TestDrive 'try-it.ps1'
        Set-Content -LiteralPath $script -Encoding UTF8 -Value (@(
                'Set-StrictMode -Version Latest'
                '$ErrorActionPreference = ''Stop'''
                'Remove-Item -Path Env:LICENSEAUDIT_BINARY -ErrorAction SilentlyContinue'
            ) + $body + @(
                '$summary | Select-Object ReportPath, Succeeded, Source, Standard, Enterprise, Plus, Total, PolicyErrors, TeamsFindings, TeamsWaste, TeamsBroken, TeamsRisk, TeamsMonthlyWaste | ConvertTo-Json | Set-Content -LiteralPath summary.json -Encoding UTF8'
                '(Get-Module LicenseAudit).ModuleBase | Set-Content -LiteralPath module.txt -Encoding UTF8'
                'Get-Help about_LicenseAudit | Out-String | Set-Content -LiteralPath about.txt -Encoding UTF8'
            ))
        $pwsh = (Get-Process -Id $PID).Path
        Push-Location $folder
        try { $printed = & $pwsh -NoProfile -NonInteractive -File $script 2>&1 | Out-String }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0 -Because $printed
        (Get-Content -Raw -LiteralPath (Join-Path $folder 'module.txt')).Trim() | Should -Be (Resolve-Path -LiteralPath $PackageDir).ProviderPath
        (Get-Content -Raw -LiteralPath (Join-Path $folder 'about.txt')) | Should -Match 'WHICH CMDLET FOR WHICH QUESTION'
        $summary = Get-Content -Raw -LiteralPath (Join-Path $folder 'summary.json') | ConvertFrom-Json
        $summary.Succeeded | Should -BeTrue
        $summary.Source | Should -Be 'Snapshot'
        # What README prints below the block.
        $readme = [System.IO.File]::ReadAllText((Join-Path $RepoRoot 'README.md'))
        $configured = 'Configured         : Standard {0}, Enterprise {1}, Plus {2} of {3} (0 undetermined)' -f $summary.Standard, $summary.Enterprise, $summary.Plus, $summary.Total
        $readme | Should -Match ([regex]::Escape($configured))
        $readme | Should -Match ([regex]::Escape(('PolicyErrors       : {0}' -f $summary.PolicyErrors)))
        $teams = 'Teams findings     : {0}: Waste {1}, Broken {2}, Risk {3}, Info 1; monthly waste {4}' -f $summary.TeamsFindings, $summary.TeamsWaste, $summary.TeamsBroken, $summary.TeamsRisk, $summary.TeamsMonthlyWaste
        $readme | Should -Match ([regex]::Escape($teams))
        $printed | Should -Match 'TEAMSPRO_MGMT'
        $summary.ReportPath | Should -Exist
        $summary.ReportPath | Should -BeLike (Join-Path $folder '*')
        Assert-TestWorkbookValid $summary.ReportPath
        Join-Path $folder 'history' | Should -Exist
    }
}
