# Pester 5, static: every PowerShell block of README.md and docs/, every comment-help .EXAMPLE of the
# exported cmdlets and examples/*.ps1 name the encoding of the text files they write or read
# back (issue #27). Windows PowerShell 5.1's Export-Csv writes ASCII by default, turning every
# non-English name into '?', and its Import-Csv, Set-Content and Out-File have defaults of their
# own; -Encoding UTF8 is UTF-8 on 5.1 and 7 alike (7 writes it without a byte-order mark, and
# both read either). Read from the source with the PowerShell parser: nothing is run.

BeforeDiscovery {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    $script:Snippets = New-Object System.Collections.Generic.List[object]

    # The ```powershell blocks of README.md and of every page of the guide (docs/, issue #25),
    # named by file and the line they start on.
    $pages = @(Get-Item -LiteralPath (Join-Path $repoRoot 'README.md')) + @(Get-ChildItem -Path (Join-Path $repoRoot 'docs') -Filter *.md -Recurse | Sort-Object FullName)
    foreach ($page in $pages) {
        $relative = $page.FullName.Substring($repoRoot.Length + 1).Replace('\', '/')
        $readme = @(Get-Content -LiteralPath $page.FullName)
        $start = -1
        for ($i = 0; $i -lt $readme.Count; $i++) {
            if ($start -lt 0 -and $readme[$i] -match '^\s*```powershell\s*$') { $start = $i; continue }
            if ($start -ge 0 -and $readme[$i] -match '^\s*```\s*$') {
                $Snippets.Add(@{ Name = ('{0}, the block at line {1}' -f $relative, ($start + 1)); Code = ($readme[($start + 1)..($i - 1)] -join "`n") })
                $start = -1
            }
        }
    }

    # The .EXAMPLE sections of the exported cmdlets' comment-based help.
    foreach ($file in Get-ChildItem -Path (Join-Path $repoRoot 'Public') -Filter *.ps1) {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$tokens, [ref]$errors)
        foreach ($function in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)) {
            $help = $function.GetHelpContent()
            if ($null -eq $help) { continue }
            $n = 0
            foreach ($example in $help.Examples) {
                $n++
                # The example's code is its first paragraph; the rest is its description.
                $code = @($example -split '\r?\n\s*\r?\n')[0]
                $Snippets.Add(@{ Name = ('{0} example {1}' -f $function.Name, $n); Code = $code })
            }
        }
    }

    # The runbook README points admins to.
    foreach ($file in Get-ChildItem -Path (Join-Path $repoRoot 'examples') -Filter *.ps1) {
        $Snippets.Add(@{ Name = 'examples/' + $file.Name; Code = [System.IO.File]::ReadAllText($file.FullName) })
    }
}

BeforeAll {
    # The cmdlets that write or read text files, with the aliases Windows PowerShell has for them.
    $script:FileCommands = @{
        'Export-Csv' = 'Export-Csv'; 'epcsv' = 'Export-Csv'
        'Import-Csv' = 'Import-Csv'; 'ipcsv' = 'Import-Csv'
        'Set-Content' = 'Set-Content'; 'sc' = 'Set-Content'
        'Add-Content' = 'Add-Content'; 'ac' = 'Add-Content'
        'Out-File' = 'Out-File'
    }

    function script:Find-FileCommand([string]$Code) {
        # Each call of those cmdlets in $Code: Command (its name), Text, and Encoding (whether it
        # names one).
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
        foreach ($command in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $command.GetCommandName()
            if (-not $name -or -not $FileCommands.ContainsKey($name)) { continue }
            $encoding = @($command.CommandElements | Where-Object {
                    $_ -is [System.Management.Automation.Language.CommandParameterAst] -and 'Encoding'.StartsWith($_.ParameterName, [System.StringComparison]::OrdinalIgnoreCase) -and $_.ParameterName.Length -ge 2
                }).Count -gt 0
            [pscustomobject]@{ Command = $FileCommands[$name]; Text = $command.Extent.Text; Encoding = $encoding }
        }
    }
}

Describe 'README, guide and help examples name the encoding of the files they write and read' {
    It 'finds the examples and their file commands (the check is not vacuous)' {
        $all = @(foreach ($snippet in $Snippets) { Find-FileCommand $snippet.Code })
        @($all | Where-Object Command -eq 'Export-Csv').Count | Should -BeGreaterThan 15
        @($all | Where-Object Command -eq 'Import-Csv').Count | Should -BeGreaterThan 0
        # And a call without -Encoding is caught.
        @(Find-FileCommand 'Get-Process | Export-Csv procs.csv -NoTypeInformation').Encoding | Should -Be @($false)
        @(Find-FileCommand 'Get-Process | epcsv procs.csv -Enc UTF8').Encoding | Should -Be @($true)
    }

    It '<Name>: Export-Csv, Import-Csv, Set-Content, Add-Content and Out-File with -Encoding' -ForEach $Snippets {
        $missing = @(Find-FileCommand $Code | Where-Object { -not $_.Encoding } | ForEach-Object { $_.Text })
        $missing | Should -BeNullOrEmpty -Because 'Windows PowerShell 5.1 writes ASCII (Export-Csv) or its own default otherwise: -Encoding UTF8'
    }
}
