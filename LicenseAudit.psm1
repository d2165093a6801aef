# LicenseAudit: thin cmdlets over the license-audit binary. The cmdlets gather objects on this
# host and stream them to the binary as JSON lines; the binary does the classification.
Set-StrictMode -Version 2.0

# The process wrapper (Private/NativeProcess.cs) is C#, loaded with Add-Type. Constrained
# Language Mode (AppLocker / WDAC application control) refuses Add-Type for code it does not
# trust: say so plainly instead of failing later with a parse error about a missing type.
if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') {
    # Only what Constrained Language allows here: no New-Object of engine types, no static calls.
    $message = "LicenseAudit needs FullLanguage mode, and this session runs in $($ExecutionContext.SessionState.LanguageMode) " +
        '(AppLocker or WDAC application control). The module compiles a small C# process helper with Add-Type, which ' +
        'Constrained Language Mode refuses. Sign LicenseAudit.psd1, LicenseAudit.psm1, Public/*.ps1, Private/*.ps1 and ' +
        'Private/NativeProcess.cs and Private/EngineChannel.cs (or a prebuilt Private/LicenseAudit.NativeProcess.dll) with a code-signing certificate ' +
        'your policy trusts, so the module runs in FullLanguage: see README, "Constrained Language Mode".'
    Write-Error -Message $message -ErrorId 'LicenseAudit.ConstrainedLanguage' -Category SecurityError -ErrorAction Stop
}

$script:LicenseAuditModuleRoot = $PSScriptRoot
# Engine runs in progress in this session (LicenseAudit.NativeSession objects, which add and
# remove themselves; Private/Start-LicenseAuditNative.ps1), so that a pipeline stopped without
# end{} is reaped on the next call and on Remove-Module.
$script:LicenseAuditSessions = [System.Collections.Generic.List[object]]::new()
$script:LicenseAuditStaleFilesSwept = $false
$script:LicenseAuditEngineFeatures = @{}
# The checks before an engine's first use (Private/Get-LicenseAuditBinaryPath.ps1), once per
# session: binaries verified (key: path|LastWriteTimeUtc|Length → version), versions by path,
# and whether this Windows is new enough.
$script:LicenseAuditVerifiedBinaries = @{}
$script:LicenseAuditEngineVersions = @{}
$script:LicenseAuditWindowsChecked = $false
# The engine version the handshake expects: this manifest's ModuleVersion (and Prerelease), which
# native/tests/version.rs keeps equal to Cargo's version, the one `license-audit --version` prints.
$script:LicenseAuditExpectedEngineVersion = ''
$manifestData = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'LicenseAudit.psd1')
$script:LicenseAuditExpectedEngineVersion = [string]$manifestData.ModuleVersion
if ($manifestData.ContainsKey('PrivateData') -and $manifestData.PrivateData -and $manifestData.PrivateData.ContainsKey('PSData') -and
    $manifestData.PrivateData.PSData.ContainsKey('Prerelease') -and $manifestData.PrivateData.PSData.Prerelease) {
    $script:LicenseAuditExpectedEngineVersion += '-' + $manifestData.PrivateData.PSData.Prerelease
}
Remove-Variable -Name manifestData

if (-not ('LicenseAudit.NativeProcess' -as [type])) {
    # A packaged release may ship the helper prebuilt (no csc.exe at import on 5.1).
    $prebuilt = Join-Path (Join-Path $PSScriptRoot 'Private') 'LicenseAudit.NativeProcess.dll'
    if (Test-Path -LiteralPath $prebuilt) {
        Add-Type -Path $prebuilt
    }
    else {
        # On Windows PowerShell 5.1 this runs csc.exe once per session. One assembly: the process
        # plumbing (NativeProcess.cs) and the pipeline side of a run (EngineChannel.cs).
        $private = Join-Path $PSScriptRoot 'Private'
        $compile = @{ Path = @((Join-Path $private 'NativeProcess.cs'), (Join-Path $private 'EngineChannel.cs')) }
        if ($PSVersionTable.PSEdition -eq 'Core') {
            # PowerShell 7's Add-Type compiles for debugging unless told otherwise (its assembly
            # says DisableOptimizations, so the JIT never optimizes it): optimized, the codec
            # that every input object and record goes through runs ~2x faster (issue #28).
            # 5.1's CodeDom compiler already passes /optimize+ (and has no -CompilerOptions).
            $compile.CompilerOptions = '-optimize+'
        }
        Add-Type @compile
        Remove-Variable -Name private, compile
    }
}
if (-not ('LicenseAudit.NativeSession' -as [type]) -or -not ('LicenseAudit.EngineProbe' -as [type]) -or -not ('LicenseAudit.EngineChannel' -as [type]) -or
    -not [LicenseAudit.NativeSession].GetProperty('Channel')) {
    # The helper in this session predates NativeSession or the engine checks (EngineProbe,
    # EngineCheck, EngineDiagnosis): compiled by an older LicenseAudit earlier in the session
    # (.NET cannot replace a loaded type), or an outdated prebuilt DLL.
    Write-Error -Message ('The LicenseAudit process helper loaded in this PowerShell session is older than this module ' +
        '(LicenseAudit.NativeProcess without LicenseAudit.NativeSession.Channel, LicenseAudit.EngineProbe or LicenseAudit.EngineChannel). ' +
        'Start a new PowerShell session; if the module ships Private/LicenseAudit.NativeProcess.dll, rebuild it from Private/NativeProcess.cs ' +
        'and Private/EngineChannel.cs.') `
        -ErrorId 'LicenseAudit.HelperOutdated' -Category ResourceExists -ErrorAction Stop
}

foreach ($folder in @('Private', 'Public')) {
    $path = Join-Path $PSScriptRoot $folder
    if (Test-Path -LiteralPath $path) {
        foreach ($file in Get-ChildItem -LiteralPath $path -Filter '*.ps1' | Sort-Object Name) {
            . $file.FullName
        }
    }
}

Register-LicenseAuditArgumentCompleter

# Remove-Module: end every engine still running for this session and delete its files.
# The reason reaches the cmdlet whose run this ends: LicenseAudit.EngineStopped, never a success.
$ExecutionContext.SessionState.Module.OnRemove = {
    foreach ($session in [LicenseAudit.NativeSession]::Snapshot($script:LicenseAuditSessions)) { $session.Stop('Remove-Module LicenseAudit') }
}
