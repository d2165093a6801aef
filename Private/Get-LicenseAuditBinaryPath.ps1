function Get-LicenseAuditRuntimeId {
    <#
    .SYNOPSIS
    The .NET runtime identifier (win-x64, linux-arm64, ...) naming the bin/ folder of a packaged module.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $os = 'linux'
    if (Test-LicenseAuditOnWindows) { $os = 'win' }
    elseif ((Test-Path variable:IsMacOS) -and $IsMacOS) { $os = 'osx' }

    $arch = $null
    $runtimeInformation = 'System.Runtime.InteropServices.RuntimeInformation' -as [type]
    if ($runtimeInformation) {
        $arch = ([string]$runtimeInformation::OSArchitecture).ToLowerInvariant()
    }
    if (-not $arch) {
        # .NET Framework before 4.7.1 has no RuntimeInformation.
        switch ($env:PROCESSOR_ARCHITECTURE) {
            'ARM64' { $arch = 'arm64' }
            'x86' { $arch = 'x86' }
            default { $arch = 'x64' }
        }
    }
    "$os-$arch"
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

function Get-LicenseAuditBinaryPath {
    <#
    .SYNOPSIS
    Finds the license-audit binary: $env:LICENSEAUDIT_BINARY, then bin/<rid>/ in a packaged module,
    then target/release (and target/debug) in a source checkout. On Linux and macOS it also
    restores a lost execute bit.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The cmdlet to attribute a terminating error to.
        [System.Management.Automation.PSCmdlet]$Cmdlet = $PSCmdlet
    )

    $found = $null
    if ($env:LICENSEAUDIT_BINARY) {
        if (-not (Test-Path -LiteralPath $env:LICENSEAUDIT_BINARY -PathType Leaf)) {
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotFound' -Category ObjectNotFound `
                        -TargetObject $env:LICENSEAUDIT_BINARY -ExceptionType 'System.IO.FileNotFoundException' `
                        -Message "LICENSEAUDIT_BINARY is set to '$($env:LICENSEAUDIT_BINARY)', but no file is there."))
        }
        $found = (Resolve-Path -LiteralPath $env:LICENSEAUDIT_BINARY).ProviderPath
    }
    else {
        $exe = 'license-audit'
        $rid = Get-LicenseAuditRuntimeId
        if ($rid.StartsWith('win-')) { $exe = 'license-audit.exe' }
        $root = $script:LicenseAuditModuleRoot
        $candidates = @(
            (Join-Path (Join-Path (Join-Path $root 'bin') $rid) $exe),
            (Join-Path (Join-Path (Join-Path $root 'target') 'release') $exe),
            (Join-Path (Join-Path (Join-Path $root 'target') 'debug') $exe)
        )
        foreach ($candidate in $candidates) {
            if (Test-Path -LiteralPath $candidate -PathType Leaf) { $found = $candidate; break }
        }
        if (-not $found) {
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineNotFound' -Category ObjectNotFound `
                        -TargetObject $root -ExceptionType 'System.IO.FileNotFoundException' `
                        -Message ("The license-audit binary was not found. Looked in: {0}. Build it with 'cargo build --release' in the module folder, or set LICENSEAUDIT_BINARY to its path." -f ($candidates -join ', '))))
        }
    }
    Set-LicenseAuditExecutableBit -Path $found -Cmdlet $Cmdlet -Confirm:$false -WhatIf:$false
    $found
}

function Get-LicenseAuditEngineFeature {
    <#
    .SYNOPSIS
    What the engine binary supports beyond version 0.1.0, from `license-audit --version`
    (cached per binary).
    .DESCRIPTION
    From engine 0.2.0 on (see README, "Engine features the cmdlets use"):
    MultiServer - `lync usage` takes --server more than once and merges the stores;
    PasswordWithRecords - `--password-stdin` and one `-` input share stdin (password first);
    SystemsOnEvidence - `ual compliance --evidence -` accepts Get-UalSystemId rows in the stream;
    SummaryOnly - `lync entitlement --summary-only` writes the summary without the user records.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [string]$Binary
    )
    if (-not $script:LicenseAuditEngineFeatures.ContainsKey($Binary)) {
        $version = [version]'0.0.0'
        $text = (& $Binary --version 2>$null | Out-String)
        if ($text -match '(\d+)\.(\d+)\.(\d+)') { $version = New-Object System.Version ([int]$Matches[1]), ([int]$Matches[2]), ([int]$Matches[3]) }
        $modern = $version -ge [version]'0.2.0'
        $script:LicenseAuditEngineFeatures[$Binary] = @{
            Version             = $version
            MultiServer         = $modern
            PasswordWithRecords = $modern
            SystemsOnEvidence   = $modern
            SummaryOnly         = $modern
        }
    }
    $script:LicenseAuditEngineFeatures[$Binary]
}
