function Resolve-LicenseAuditPath {
    <#
    .SYNOPSIS
    Input file paths as the engine needs them (file-system paths): -Path expands wildcards
    (each pattern must match at least one file), -LiteralPath is taken as written. A path that
    matches nothing is a non-terminating error (LicenseAudit.PathNotFound) and is skipped.
    .DESCRIPTION
    With -ParameterName the messages name the cmdlet's parameter ("-EvidencePath 'x' matches no
    file."). A path is tested before it is resolved: resolving one that does not exist throws,
    and PowerShell adds an exception thrown there to the caller's -ErrorVariable even when it is
    caught, a second error beside LicenseAudit.PathNotFound.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [AllowEmptyCollection()]
        [string[]]$Path = @(),
        [AllowEmptyCollection()]
        [string[]]$LiteralPath = @(),
        # The calling cmdlet's parameter the paths came from, without the dash, for messages.
        [string]$ParameterName
    )
    $named = ''
    if ($ParameterName) { $named = '-{0} ' -f $ParameterName }
    foreach ($item in $Path) {
        if (-not $item) { continue }
        $provider = $null
        $resolved = @()
        # A wildcard pattern that matches nothing is no exception to PowerShell, a literal path
        # that does not exist is (see .DESCRIPTION): Test-Path says both without one.
        if (Test-Path -Path $item) {
            try {
                $resolved = @($Cmdlet.GetResolvedProviderPathFromPSPath($item, [ref]$provider))
            }
            catch {
                # Gone between the test and the resolution.
                $resolved = @()
            }
        }
        if ($resolved.Count -eq 0) {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $item `
                        -ExceptionType 'System.IO.FileNotFoundException' -Message ("{0}'{1}' matches no file." -f $named, $item)))
            continue
        }
        if ($provider.Name -ne 'FileSystem') {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'NotAFile' -Category InvalidArgument -TargetObject $item `
                        -Message ("{0}'{1}' is on the {2} provider; give a file-system path." -f $named, $item, $provider.Name)))
            continue
        }
        foreach ($one in $resolved) { $one }
    }
    foreach ($item in $LiteralPath) {
        if (-not $item) { continue }
        $resolved = $Cmdlet.GetUnresolvedProviderPathFromPSPath($item)
        if (-not (Test-Path -LiteralPath $resolved -PathType Leaf)) {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $item `
                        -ExceptionType 'System.IO.FileNotFoundException' -Message ("{0}File not found: '{1}'" -f $named, $resolved)))
            continue
        }
        $resolved
    }
}

function Resolve-LicenseAuditSingleFile {
    <#
    .SYNOPSIS
    The one file a single-file parameter (-LicensedPath, -PricesPath, ...) names, wildcards
    expanded. One terminating error otherwise, with the id every cmdlet uses for that cause:
    LicenseAudit.PathNotFound when it matches no file, LicenseAudit.PathNotOneFile when it
    matches several; the message names the parameter and the path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        # Without the dash, e.g. 'LicensedPath'.
        [Parameter(Mandatory)]
        [string]$ParameterName,
        [Parameter(Mandatory)]
        [string]$Path,
        # Said after the message, e.g. what the file should hold.
        [string]$Suffix = ''
    )
    $files = @()
    $provider = $null
    # Tested first: resolving a path that does not exist throws (see Resolve-LicenseAuditPath).
    if (Test-Path -Path $Path -PathType Leaf) {
        try {
            $files = @($Cmdlet.GetResolvedProviderPathFromPSPath($Path, [ref]$provider))
        }
        catch {
            # Gone between the test and the resolution.
            $files = @()
        }
    }
    if ($files.Count -gt 0 -and $provider.Name -ne 'FileSystem') {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NotAFile' -Category InvalidArgument -TargetObject $Path `
                    -ExceptionType 'System.ArgumentException' -Message ("-{0} '{1}' is on the {2} provider; give a file-system path." -f $ParameterName, $Path, $provider.Name)))
    }
    if ($files.Count -eq 0) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $Path `
                    -ExceptionType 'System.IO.FileNotFoundException' -Message ("-{0} '{1}' matches no file.{2}" -f $ParameterName, $Path, $Suffix)))
    }
    if ($files.Count -gt 1) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotOneFile' -Category InvalidArgument -TargetObject $Path `
                    -ExceptionType 'System.ArgumentException' -Message ("-{0} '{1}' must name exactly one file; it matches {2}.{3}" -f $ParameterName, $Path, $files.Count, $Suffix)))
    }
    $files[0]
}
