function Get-LicenseAuditRuntimeId {
    <#
    .SYNOPSIS
    The .NET runtime identifier (win-x64, linux-arm64, ...) naming the bin/ folder of a packaged module.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path variable:IsWindows) -and $IsWindows)
    $os = 'linux'
    if ($onWindows) { $os = 'win' }
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

function Get-LicenseAuditBinaryPath {
    <#
    .SYNOPSIS
    Finds the license-audit binary: $env:LICENSEAUDIT_BINARY, then bin/<rid>/ in a packaged module,
    then target/release (and target/debug) in a source checkout.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:LICENSEAUDIT_BINARY) {
        if (Test-Path -LiteralPath $env:LICENSEAUDIT_BINARY -PathType Leaf) {
            return (Resolve-Path -LiteralPath $env:LICENSEAUDIT_BINARY).ProviderPath
        }
        throw "LICENSEAUDIT_BINARY is set to '$($env:LICENSEAUDIT_BINARY)', but no file is there."
    }

    $exe = 'license-audit'
    if ((Get-LicenseAuditRuntimeId).StartsWith('win-')) { $exe = 'license-audit.exe' }
    $root = $script:LicenseAuditModuleRoot
    $candidates = @(
        (Join-Path (Join-Path (Join-Path $root 'bin') (Get-LicenseAuditRuntimeId)) $exe),
        (Join-Path (Join-Path (Join-Path $root 'target') 'release') $exe),
        (Join-Path (Join-Path (Join-Path $root 'target') 'debug') $exe)
    )
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    throw ("The license-audit binary was not found. Looked in: {0}. Build it with 'cargo build --release' in the module folder, or set LICENSEAUDIT_BINARY to its path." -f ($candidates -join ', '))
}
