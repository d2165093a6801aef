# The Lync CALs owned as counts (-OwnedCal, -OwnedCalPath of Get-LyncCalRequirement and
# Invoke-LicenseAudit) as the engine's arguments of `lync entitlement`.

function Get-LicenseAuditOwnedCalArgument {
    <#
    .SYNOPSIS
    The engine's --owned and --owned-file arguments for -OwnedCal (a hashtable of tier and
    count, e.g. @{ Standard = 1200; Enterprise = 400; Plus = 150 }) and -OwnedCalPath (a CSV of
    Tier, Quantity[, Version][, Agreement]); an empty array when neither is given. The engine
    checks the tiers and counts (exit 2 or 3, the cmdlet's error names them).
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [System.Collections.IDictionary]$OwnedCal,
        [string]$OwnedCalPath
    )
    $arguments = @()
    if ($OwnedCal) {
        $invariant = [System.Globalization.CultureInfo]::InvariantCulture
        # One --owned per tier, in a fixed order (Standard, Enterprise, Plus, then any other
        # name the engine will judge), so the same hashtable gives the same command line.
        $order = @{ Standard = 0; Enterprise = 1; Plus = 2 }
        $keys = @($OwnedCal.Keys | Sort-Object { if ($order.ContainsKey([string]$_)) { $order[[string]$_] } else { 3 } }, { [string]$_ })
        foreach ($key in $keys) {
            $arguments += '--owned'
            $arguments += [string]::Format($invariant, '{0}={1}', $key, $OwnedCal[$key])
        }
    }
    if ($OwnedCalPath) {
        $arguments += '--owned-file'
        $arguments += Resolve-LicenseAuditSingleFile -Cmdlet $Cmdlet -ParameterName 'OwnedCalPath' -Path $OwnedCalPath
    }
    # Unrolled: callers take @(Get-LicenseAuditOwnedCalArgument ...), empty when neither given.
    $arguments
}
