function Resolve-LicenseAuditPath {
    <#
    .SYNOPSIS
    Input file paths as the engine needs them (file-system paths): -Path expands wildcards
    (each pattern must match at least one file), -LiteralPath is taken as written. A path that
    matches nothing is a non-terminating error (LicenseAudit.PathNotFound) and is skipped.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [AllowEmptyCollection()]
        [string[]]$Path = @(),
        [AllowEmptyCollection()]
        [string[]]$LiteralPath = @()
    )
    foreach ($item in $Path) {
        if (-not $item) { continue }
        $provider = $null
        try {
            $resolved = $Cmdlet.GetResolvedProviderPathFromPSPath($item, [ref]$provider)
        }
        catch {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $item `
                        -ExceptionType 'System.IO.FileNotFoundException' -Message ("No file matches '{0}': {1}" -f $item, $_.Exception.Message)))
            continue
        }
        if ($provider.Name -ne 'FileSystem') {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'NotAFile' -Category InvalidArgument -TargetObject $item `
                        -Message ("'{0}' is on the {1} provider; give a file-system path." -f $item, $provider.Name)))
            continue
        }
        # A wildcard pattern that matches nothing is no exception to PowerShell (the resolver
        # returns an empty list; only a literal path that does not exist throws).
        if (@($resolved).Count -eq 0) {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $item `
                        -ExceptionType 'System.IO.FileNotFoundException' -Message ("No file matches '{0}'." -f $item)))
            continue
        }
        foreach ($one in $resolved) { $one }
    }
    foreach ($item in $LiteralPath) {
        if (-not $item) { continue }
        $resolved = $Cmdlet.GetUnresolvedProviderPathFromPSPath($item)
        if (-not (Test-Path -LiteralPath $resolved -PathType Leaf)) {
            $Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $item `
                        -ExceptionType 'System.IO.FileNotFoundException' -Message ("File not found: '{0}'" -f $resolved)))
            continue
        }
        $resolved
    }
}
