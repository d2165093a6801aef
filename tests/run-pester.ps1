# Runs the whole Pester 5 suite (tests/*.Tests.ps1) and ends with one line,
# "Pester: N passed, N failed, N skipped", and exit code 1 when a test failed or none ran.
# scripts/test-all runs it; by hand: pwsh -NoProfile -NonInteractive -File tests/run-pester.ps1
param(
    # Test files or folders; the whole suite by default.
    [string[]]$Path = @($PSScriptRoot),
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string]$Verbosity = 'Detailed'
)
# No $ErrorActionPreference = 'Stop' here: the tests run inside this script's scope and would
# inherit it (a stand-in that writes an error as New-CimSession does would then throw). Each test
# file sets the preferences it tests.
if (-not (Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.0.0' })) {
    Write-Error 'Pester 5 is not installed: Install-Module Pester -MinimumVersion 5.0.0 -Scope CurrentUser -SkipPublisherCheck' -ErrorAction Stop
}
Import-Module Pester -MinimumVersion 5.0.0 -ErrorAction Stop
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = $Verbosity
$result = Invoke-Pester -Configuration $config
foreach ($test in $result.Failed) { Write-Host ('Pester failed: ' + $test.ExpandedPath) }
foreach ($block in $result.FailedBlocks) { Write-Host ('Pester failed block: ' + $block.ExpandedPath) }
foreach ($container in $result.FailedContainers) { Write-Host ('Pester failed file: ' + $container.Item) }
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
'Pester: {0} passed, {1} failed, {2} skipped' -f $result.PassedCount, $failed, $result.SkippedCount
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
