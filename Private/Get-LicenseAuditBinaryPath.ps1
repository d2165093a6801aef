function Get-LicenseAuditRuntimeId {
    <#
    .SYNOPSIS
    The .NET runtime identifier (win-x64, linux-arm64, ...) naming the bin/ folder of a packaged module.
    .DESCRIPTION
    On Windows the machine's architecture comes from PROCESSOR_ARCHITEW6432, then
    PROCESSOR_ARCHITECTURE: a 32-bit PowerShell on 64-bit Windows (WOW64) sees x86 in the second
    and the machine's architecture in the first. Elsewhere from RuntimeInformation.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if (Test-LicenseAuditOnWindows) {
        return 'win-' + (ConvertTo-LicenseAuditWindowsArchitecture -Architecture $env:PROCESSOR_ARCHITECTURE -Architew6432 $env:PROCESSOR_ARCHITEW6432)
    }
    $os = 'linux'
    if ((Test-Path variable:IsMacOS) -and $IsMacOS) { $os = 'osx' }
    $arch = 'x64'
    $runtimeInformation = 'System.Runtime.InteropServices.RuntimeInformation' -as [type]
    if ($runtimeInformation) {
        $arch = ([string]$runtimeInformation::OSArchitecture).ToLowerInvariant()
    }
    "$os-$arch"
}

function ConvertTo-LicenseAuditWindowsArchitecture {
    <#
    .SYNOPSIS
    The runtime-identifier architecture (x64, arm64, x86) of a Windows machine, from
    PROCESSOR_ARCHITEW6432 (set in a WOW64 process to the machine's architecture) or else
    PROCESSOR_ARCHITECTURE.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowEmptyString()]
        [AllowNull()]
        [string]$Architecture,
        [AllowEmptyString()]
        [AllowNull()]
        [string]$Architew6432
    )
    $machine = $Architew6432
    if (-not $machine) { $machine = $Architecture }
    switch ("$machine".ToUpperInvariant()) {
        'AMD64' { return 'x64' }
        'ARM64' { return 'arm64' }
        'X86' { return 'x86' }
        '' { return 'x64' }
        default { return "$machine".ToLowerInvariant() }
    }
}

function Test-LicenseAuditOnWindows {
    <#
    .SYNOPSIS
    True on Windows (Windows PowerShell 5.1 always is; PowerShell 7 says so in $IsWindows).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()
    ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path variable:IsWindows) -and $IsWindows)
}

function Set-LicenseAuditExecutableBit {
    <#
    .SYNOPSIS
    On Linux and macOS, makes the engine executable when an install lost the bit (a module
    installed from a .nupkg does: zip archives carry no Unix modes). Says how to fix it when
    it cannot.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)]
        [string]$Path,
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet
    )
    if (Test-LicenseAuditOnWindows) { return }
    $executeBits = 'UserExecute, GroupExecute, OtherExecute'
    $fileType = [System.IO.File]
    if ($fileType.GetMethod('GetUnixFileMode', [type[]]@([string]))) {
        # .NET 7+ (PowerShell 7.3+).
        $mode = [System.IO.File]::GetUnixFileMode($Path)
        if (($mode -band [System.IO.UnixFileMode]::UserExecute) -ne 0) { return }
        if (-not $PSCmdlet.ShouldProcess($Path, 'Set the execute bit')) { return }
        try {
            [System.IO.File]::SetUnixFileMode($Path, ($mode -bor [System.IO.UnixFileMode]$executeBits))
            return
        }
        catch {
            $failure = $_.Exception.Message
        }
    }
    else {
        & '/bin/sh' -c 'test -x "$1"' sh $Path
        if ($LASTEXITCODE -eq 0) { return }
        if (-not $PSCmdlet.ShouldProcess($Path, 'Set the execute bit')) { return }
        # stderr merged into the message: with the preference 'Continue' here, so that a
        # caller's 'Stop' does not turn chmod's message into a NativeCommandError (PowerShell
        # before 7.2 applies it to redirected stderr) instead of LicenseAudit.EngineNotExecutable.
        $failure = & {
            $ErrorActionPreference = 'Continue'
            (& '/bin/chmod' '+x' $Path 2>&1 | Out-String).Trim()
        }
        if ($LASTEXITCODE -eq 0) { return }
    }
    $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotExecutable' `
                -Category PermissionDenied -TargetObject $Path -ExceptionType 'System.UnauthorizedAccessException' `
                -Message ("The engine '{0}' is not executable and the execute bit could not be set ({1}). Run: chmod +x '{0}' as the owner of the module folder, or set LICENSEAUDIT_BINARY to an executable copy." -f $Path, $failure)))
}

function Find-LicenseAuditBinary {
    <#
    .SYNOPSIS
    Where the engine is, and where it came from: $env:LICENSEAUDIT_BINARY (Source Environment),
    bin/<rid>/ in a packaged module (Source Package, with its SHA256SUMS entry), or
    target/release then target/debug in a source checkout (Source Build). Only locates: the
    checks before first use are Get-LicenseAuditBinaryPath's.
    .DESCRIPTION
    Windows on ARM64 runs x64 programs under emulation: without a bin/win-arm64 build, the
    win-x64 one is used.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The cmdlet to attribute a terminating error to.
        [System.Management.Automation.PSCmdlet]$Cmdlet = $PSCmdlet
    )
    if ($env:LICENSEAUDIT_BINARY) {
        if (-not (Test-Path -LiteralPath $env:LICENSEAUDIT_BINARY -PathType Leaf)) {
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotFound' -Category ObjectNotFound `
                        -TargetObject $env:LICENSEAUDIT_BINARY -ExceptionType 'System.IO.FileNotFoundException' `
                        -Message "LICENSEAUDIT_BINARY is set to '$($env:LICENSEAUDIT_BINARY)', but no file is there."))
        }
        return [pscustomobject]@{
            Path      = (Resolve-Path -LiteralPath $env:LICENSEAUDIT_BINARY).ProviderPath
            Source    = 'Environment'
            Entry     = $null
            BinFolder = $null
        }
    }
    $rid = Get-LicenseAuditRuntimeId
    $exe = 'license-audit'
    if ($rid.StartsWith('win-')) { $exe = 'license-audit.exe' }
    $root = $script:LicenseAuditModuleRoot
    $bin = Join-Path $root 'bin'
    $rids = @($rid)
    if ($rid -eq 'win-arm64') { $rids += 'win-x64' }
    $candidates = @()
    foreach ($one in $rids) {
        $candidates += [pscustomobject]@{ Path = (Join-Path (Join-Path $bin $one) $exe); Source = 'Package'; Entry = "$one/$exe"; BinFolder = $bin }
    }
    foreach ($build in @('release', 'debug')) {
        $candidates += [pscustomobject]@{ Path = (Join-Path (Join-Path (Join-Path $root 'target') $build) $exe); Source = 'Build'; Entry = $null; BinFolder = $null }
    }
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate.Path -PathType Leaf) { return $candidate }
    }
    $hint = ''
    if ($rid -eq 'win-x86') {
        $hint = ' This is 32-bit Windows: the engine is built for 64-bit Windows (x64) only.'
    }
    $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotFound' -Category ObjectNotFound `
                -TargetObject $root -ExceptionType 'System.IO.FileNotFoundException' `
                -Message ("The license-audit binary was not found. Looked in: {0}.{1} Reinstall the module, build it with 'cargo build --release' in a source checkout, or set LICENSEAUDIT_BINARY to its path." -f (@($candidates | ForEach-Object { $_.Path }) -join ', '), $hint)))
}

function Get-LicenseAuditBinaryPath {
    <#
    .SYNOPSIS
    The engine to run, checked once before first use: found by Find-LicenseAuditBinary, then
    on Windows older than 10 / Server 2016 refused without starting it, a packaged binary
    compared with bin/SHA256SUMS, the execute bit restored on Linux and macOS, and
    `license-audit --version` answered with this module's version.
    .DESCRIPTION
    The checks run once per PowerShell session and binary, cached on its path, LastWriteTimeUtc
    and Length (a reinstall in place is checked again). SHA256SUMS is checked only for bin/<rid>/
    inside the module: LICENSEAUDIT_BINARY and target/ are the user's own builds. The checksum
    catches damaged or partial copies, not tampering by someone who can also rewrite SHA256SUMS.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The cmdlet to attribute a terminating error to.
        [System.Management.Automation.PSCmdlet]$Cmdlet = $PSCmdlet
    )
    # LICENSEAUDIT_BINARY may be a build for older Windows (Rust's Tier 3 win7 targets): the
    # version check is for the binaries this project builds.
    if (-not $env:LICENSEAUDIT_BINARY) { Assert-LicenseAuditWindowsVersion -Cmdlet $Cmdlet }
    $binary = Find-LicenseAuditBinary -Cmdlet $Cmdlet
    $file = New-Object System.IO.FileInfo -ArgumentList $binary.Path
    $key = '{0}|{1}|{2}' -f $file.FullName, $file.LastWriteTimeUtc.Ticks, $file.Length
    if (-not $script:LicenseAuditVerifiedBinaries.ContainsKey($key)) {
        if ($binary.Source -eq 'Package') { Assert-LicenseAuditBinaryChecksum -Binary $binary -Cmdlet $Cmdlet }
        Set-LicenseAuditExecutableBit -Path $binary.Path -Cmdlet $Cmdlet -Confirm:$false -WhatIf:$false
        $version = Invoke-LicenseAuditEngineHandshake -Path $binary.Path -Source $binary.Source -Cmdlet $Cmdlet
        $script:LicenseAuditVerifiedBinaries[$key] = $version
        $script:LicenseAuditEngineVersions[$binary.Path] = $version
    }
    $binary.Path
}

function Assert-LicenseAuditWindowsVersion {
    <#
    .SYNOPSIS
    Stops, without starting the engine, on Windows older than Windows 10 / Server 2016: the engine
    is built with Rust's standard library, which imports ProcessPrng (bcryptprimitives.dll) at
    load time, so on Server 2012 R2 it fails before main (README, "Which Windows versions").
    .DESCRIPTION
    [Environment]::OSVersion is GetVersionEx on .NET Framework, which says 6.2 to a process whose
    manifest does not declare Windows 10 (the Windows PowerShell console declares it; other hosts
    may not): a version below 10.0 there is confirmed with RtlGetVersion before refusing.
    -ReportedVersion and -ActualVersion stand in for both (tests). Checked once per session.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet = $PSCmdlet,
        [version]$ReportedVersion,
        [AllowNull()]
        [version]$ActualVersion
    )
    $given = $PSBoundParameters.ContainsKey('ReportedVersion')
    if (-not $given) {
        if ($script:LicenseAuditWindowsChecked -or -not (Test-LicenseAuditOnWindows)) { return }
        $ReportedVersion = [System.Environment]::OSVersion.Version
    }
    $minimum = New-Object System.Version -ArgumentList 10, 0
    if ($ReportedVersion -lt $minimum) {
        if (-not $PSBoundParameters.ContainsKey('ActualVersion')) { $ActualVersion = [LicenseAudit.EngineCheck]::WindowsVersion() }
        if ($null -eq $ActualVersion -or $ActualVersion -lt $minimum) {
            $shown = $ActualVersion
            if ($null -eq $shown) { $shown = $ReportedVersion }
            $name = 'an older Windows'
            switch ('{0}.{1}' -f $shown.Major, $shown.Minor) {
                '6.3' { $name = 'Windows Server 2012 R2 / Windows 8.1' }
                '6.2' { $name = 'Windows Server 2012 / Windows 8' }
                '6.1' { $name = 'Windows Server 2008 R2 / Windows 7' }
                '6.0' { $name = 'Windows Server 2008 / Windows Vista' }
            }
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'WindowsTooOld' -Category NotImplemented -TargetObject $shown `
                        -ExceptionType 'System.PlatformNotSupportedException' `
                        -Message ("The LicenseAudit engine needs Windows 10 or Windows Server 2016 or later (x64); this is Windows {0} ({1}; 6.3 is Windows Server 2012 R2). It was not started: the Rust standard library it is built with needs ProcessPrng, which older Windows does not have. On this server, export what the audits need with Export-LicenseAuditSnapshot -Path <folder> (or scripts\Export-LicenseAuditSnapshot.ps1, which also runs on PowerShell 2.0), copy the folder to a Windows 10 / Server 2016 or later (or Linux) machine with the module, and audit it there with Invoke-LicenseAudit -SnapshotPath <folder>." -f $shown, $name)))
        }
    }
    if (-not $given) { $script:LicenseAuditWindowsChecked = $true }
}

function Assert-LicenseAuditBinaryChecksum {
    <#
    .SYNOPSIS
    Compares a packaged engine (bin/<rid>/) with its line in bin/SHA256SUMS before it is first
    started; a missing SHA256SUMS, a missing or repeated line, or a different hash is a
    terminating error that says to reinstall, and the engine is not started.
    .DESCRIPTION
    This catches damaged or partial copies (an interrupted copy or update, a truncated
    download, files mixed from two releases), not tampering by someone who can also rewrite
    SHA256SUMS.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        # Find-LicenseAuditBinary's answer for a Package binary (Path, Entry, BinFolder).
        [Parameter(Mandatory)]
        [psobject]$Binary,
        [System.Management.Automation.PSCmdlet]$Cmdlet = $PSCmdlet
    )
    $sums = Join-Path $Binary.BinFolder 'SHA256SUMS'
    $reinstall = 'Reinstall the module (Install-Module LicenseAudit -Force, or copy the whole LicenseAudit\<version> folder again).'
    if (-not (Test-Path -LiteralPath $sums -PathType Leaf)) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'ChecksumFileMissing' -Category ObjectNotFound -TargetObject $sums `
                    -ExceptionType 'System.IO.FileNotFoundException' `
                    -Message ("The module is incomplete: '{0}' is missing, so the engine '{1}' cannot be verified and was not started. {2}" -f $sums, $Binary.Path, $reinstall)))
    }
    $problem = $null
    $expected = [LicenseAudit.EngineCheck]::ExpectedHash([System.IO.File]::ReadAllText($sums), $Binary.Entry, [ref]$problem)
    if ($null -eq $expected) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'ChecksumEntryMissing' -Category InvalidData -TargetObject $sums `
                    -ExceptionType 'System.IO.InvalidDataException' `
                    -Message ("{0} ('{1}'): the module is incomplete or mixed from two releases, and the engine '{2}' was not started. {3}" -f $problem, $sums, $Binary.Path, $reinstall)))
    }
    try {
        $actual = (Get-FileHash -LiteralPath $Binary.Path -Algorithm SHA256 -ErrorAction Stop).Hash
    }
    catch {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'ChecksumFailed' -Category ReadError -TargetObject $Binary.Path `
                    -InnerException $_.Exception `
                    -Message ("Cannot compute the SHA-256 of the engine '{0}' to compare it with '{1}': {2}. It was not started." -f $Binary.Path, $sums, $_.Exception.Message)))
    }
    if (-not [string]::Equals($actual, $expected, [System.StringComparison]::OrdinalIgnoreCase)) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'ChecksumMismatch' -Category InvalidData -TargetObject $Binary.Path `
                    -ExceptionType 'System.IO.InvalidDataException' `
                    -Message ("The engine '{0}' does not match bin/SHA256SUMS: expected SHA-256 {1}, actual {2}. The file is damaged or from another release (a partial copy, an interrupted update, a replaced file), and was not started. {3}" -f $Binary.Path, $expected.ToUpperInvariant(), $actual.ToUpperInvariant(), $reinstall)))
    }
}

function Invoke-LicenseAuditEngineHandshake {
    <#
    .SYNOPSIS
    Runs `license-audit --version` (stdin closed, at most -TimeoutSeconds) and returns the
    engine's [version]; a start failure, a hang, a foreign exit code or output, or another
    version than this module's is a terminating error saying why.
    .DESCRIPTION
    A binary chosen with LICENSEAUDIT_BINARY (-Source Environment) may be another version: that
    is a warning, as the cmdlets adapt to engines from 0.1.0 (README, "Engine features the
    cmdlets use"). For bin/ and target/ it is an error: the module's files and its engine come
    from different releases.
    #>
    [CmdletBinding()]
    [OutputType([version])]
    param(
        [Parameter(Mandatory)]
        [string]$Path,
        [ValidateSet('Package', 'Build', 'Environment')]
        [string]$Source = 'Package',
        [System.Management.Automation.PSCmdlet]$Cmdlet = $PSCmdlet,
        [AllowEmptyString()]
        [string]$ExpectedVersion = $script:LicenseAuditExpectedEngineVersion,
        [ValidateRange(1, 600)]
        [int]$TimeoutSeconds = 30
    )
    $windows = Test-LicenseAuditOnWindows
    $probe = [LicenseAudit.EngineProbe]::Run($Path, [string[]]@('--version'), $TimeoutSeconds * 1000)
    if (-not $probe.Started) {
        $diagnosis = [LicenseAudit.EngineDiagnosis]::StartFailure($probe.StartError, $probe.StartMessage, $windows, (Test-Path -LiteralPath $Path -PathType Leaf), $Path)
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditEngineErrorRecord -Diagnosis $diagnosis -TargetObject $Path -Suffix (Get-LicenseAuditSandboxHint)))
    }
    if ($probe.TimedOut) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotResponding' -Category OperationTimeout -TargetObject $Path `
                    -ExceptionType 'System.TimeoutException' `
                    -Message ("The engine '{0}' did not answer 'license-audit --version' within {1} s and was stopped. On its first start antivirus may still be scanning it (try again), or it hangs before it starts.{2}" -f $Path, $TimeoutSeconds, (Get-LicenseAuditSandboxHint))))
    }
    if ($probe.ExitCode -ne 0) {
        $diagnosis = [LicenseAudit.EngineDiagnosis]::ExitFailure($probe.ExitCode, $windows, $probe.Error, [LicenseAudit.EngineCheck]::OsDescription(), $Path)
        if ($null -eq $diagnosis) {
            $diagnosis = New-Object LicenseAudit.EngineDiagnosis -ArgumentList 'EngineStartFailed', 'ResourceUnavailable', `
            ("The engine '{0}' cannot be used: 'license-audit --version' exited with {1}: {2}" -f $Path, $probe.ExitCode, $probe.Error.Trim())
        }
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditEngineErrorRecord -Diagnosis $diagnosis -TargetObject $Path))
    }
    $text = $probe.Output.Trim()
    if ($text -notmatch '^license-audit (\d+)\.(\d+)\.(\d+)(\S*)$') {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotRecognized' -Category InvalidResult -TargetObject $Path `
                    -Message ("'{0}' is not the LicenseAudit engine: --version printed '{1}', expected 'license-audit {2}'. Reinstall the module, or correct LICENSEAUDIT_BINARY." -f $Path, $text, $ExpectedVersion)))
    }
    $version = New-Object System.Version -ArgumentList ([int]$Matches[1]), ([int]$Matches[2]), ([int]$Matches[3])
    $found = $text.Substring('license-audit '.Length)
    if ($ExpectedVersion -and $found -ne $ExpectedVersion) {
        $message = "Version mismatch: the engine '{0}' is license-audit {1}, this module is {2}." -f $Path, $found, $ExpectedVersion
        if ($Source -eq 'Environment') {
            $Cmdlet.WriteWarning("$message LICENSEAUDIT_BINARY chose it; the cmdlets adapt to engines from 0.1.0, but only the same version is tested.")
        }
        else {
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineVersionMismatch' -Category InvalidResult -TargetObject $Path `
                        -Message ("$message The module's files and its engine come from different releases (an update that stopped half way, or bin/ copied from another version), so the engine was not used. Reinstall the module; in a source checkout, run 'cargo build --release'.")))
        }
    }
    $version
}

function New-LicenseAuditEngineErrorRecord {
    <#
    .SYNOPSIS
    The ErrorRecord of a LicenseAudit.EngineDiagnosis (NativeProcess.cs): its stable id,
    category and message, with -Suffix appended (e.g. the Azure sandbox hint).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)]
        [object]$Diagnosis,
        [AllowNull()]
        [object]$TargetObject,
        [System.Exception]$InnerException,
        [string]$Suffix = ''
    )
    $arguments = @{
        ErrorId      = $Diagnosis.Id
        Category     = [System.Management.Automation.ErrorCategory]$Diagnosis.Category
        TargetObject = $TargetObject
        Message      = $Diagnosis.Message + $Suffix
    }
    if ($InnerException) { $arguments.InnerException = $InnerException }
    New-LicenseAuditErrorRecord @arguments
}

function Get-LicenseAuditSandboxHint {
    <#
    .SYNOPSIS
    In an Azure Automation job, the sentence that says a cloud sandbox cannot start native
    programs (empty elsewhere).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ((Test-Path variable:PSPrivateMetadata) -and $PSPrivateMetadata -and $PSPrivateMetadata.JobId) {
        return ' This is an Azure Automation job: a cloud sandbox cannot start native programs, so run this runbook on a Hybrid Runbook Worker (README, "Scheduled runbooks").'
    }
    ''
}

function Get-LicenseAuditEngineFeature {
    <#
    .SYNOPSIS
    What the engine binary supports beyond version 0.1.0, from its version (the handshake's,
    cached per binary).
    .DESCRIPTION
    From engine 0.2.0 on (see README, "Engine features the cmdlets use"):
    MultiServer - `lync usage` takes --server more than once and merges the stores;
    PasswordWithRecords - `--password-stdin` and one `-` input share stdin (password first);
    SystemsOnEvidence - `ual compliance --evidence -` accepts Get-UalSystemId rows in the stream;
    SummaryOnly - `lync entitlement --summary-only` writes the summary without the user records;
    EvidenceGaps - `ual compliance` reads LicenseAudit.UalEvidenceGap records among the evidence
    and marks the position (EvidenceComplete, ServersWithoutEvidence).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [string]$Binary
    )
    if (-not $script:LicenseAuditEngineFeatures.ContainsKey($Binary)) {
        $version = $null
        if ($script:LicenseAuditEngineVersions.ContainsKey($Binary)) { $version = $script:LicenseAuditEngineVersions[$Binary] }
        if ($null -eq $version) {
            $version = Invoke-LicenseAuditEngineHandshake -Path $Binary -Source 'Environment' -Cmdlet $PSCmdlet
            $script:LicenseAuditEngineVersions[$Binary] = $version
        }
        $modern = $version -ge [version]'0.2.0'
        $script:LicenseAuditEngineFeatures[$Binary] = @{
            Version             = $version
            MultiServer         = $modern
            PasswordWithRecords = $modern
            SystemsOnEvidence   = $modern
            SummaryOnly         = $modern
            EvidenceGaps        = $modern
        }
    }
    $script:LicenseAuditEngineFeatures[$Binary]
}
