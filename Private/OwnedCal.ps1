# The Lync CALs owned as counts (-OwnedCal, -OwnedCalPath of Get-LyncCalRequirement and
# Invoke-LicenseAudit) as the engine's arguments of `lync entitlement`.

function Get-LicenseAuditOwnedCalName {
    <#
    .SYNOPSIS
    Whether a -OwnedCal key is a name the engine takes: Standard, Enterprise or Plus (any case),
    or a CAL suite or Microsoft 365 / Office 365 plan of native/model/src/equivalency.rs (Core
    CAL Suite, Enterprise CAL Suite, Microsoft 365 E3 / E5, Office 365 E1 / E3 / E5, also
    spelled M365 E3, O365 E5, Office 365 Enterprise E3). Checked before anything is read, so a
    typo never reaches the engine after the users and policies (the engine's reading of
    -OwnedCalPath rows is wider: "Lync Enterprise CAL" there is Enterprise).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)][string]$Name)
    $lower = $Name.Trim().ToLowerInvariant()
    if ($lower -eq 'standard' -or $lower -eq 'enterprise' -or $lower -eq 'plus') { return $true }
    # equivalency::online_plan: lower case, "enterprise" dropped, letters and digits only.
    $compact = $lower.Replace('enterprise', '') -replace '[^a-z0-9]', ''
    if ($compact -match '^(microsoft365e[35]|m365e[35]|office365e[135]|o365e[135])$') { return $true }
    # equivalency::bundle_named: a text naming the Core or Enterprise CAL Suite.
    $lower.Contains('suite') -and ($lower.Contains('core cal') -or $lower.Contains('enterprise cal'))
}

function Get-LicenseAuditOwnedCalArgument {
    <#
    .SYNOPSIS
    The engine's --owned and --owned-file arguments for -OwnedCal (a hashtable, or an object
    such as ConvertFrom-Json's whose properties are the tiers, of tier and count, e.g.
    @{ Standard = 1200; Enterprise = 400; Plus = 150 }) and -OwnedCalPath (a CSV of Tier,
    Quantity[, Version][, Agreement]); an empty array when neither is given. -OwnedCal is
    checked here, before anything runs (one terminating error, LicenseAudit.InvalidOwnedCal,
    InvalidArgument); the engine checks the rows of -OwnedCalPath.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [AllowNull()]
        [object]$OwnedCal,
        [string]$OwnedCalPath
    )
    $arguments = @()
    if ($null -ne $OwnedCal) {
        $example = ' Give tier = count, e.g. -OwnedCal @{ Standard = 1200; Enterprise = 400; Plus = 150 }.'
        $fail = {
            param([string]$Message)
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'InvalidOwnedCal' -Category InvalidArgument -TargetObject 'OwnedCal' `
                        -ExceptionType 'System.ArgumentException' -Message ('-OwnedCal: ' + $Message)))
        }
        # The tiers as (name, value) pairs: a dictionary's entries, or an object's properties
        # (ConvertFrom-Json on Windows PowerShell 5.1 has no -AsHashtable).
        $pairs = [System.Collections.Generic.List[object]]::new()
        if ($OwnedCal -is [System.Collections.IDictionary]) {
            foreach ($key in $OwnedCal.Keys) { $pairs.Add(@([string]$key, $OwnedCal[$key])) }
        }
        elseif ($OwnedCal -is [string] -or $OwnedCal -is [System.ValueType] -or $OwnedCal -is [System.Collections.IEnumerable]) {
            & $fail ("a $($OwnedCal.GetType().Name) is not a set of tiers and counts." + $example)
        }
        else {
            foreach ($property in $OwnedCal.PSObject.Properties) {
                if ($property.MemberType -ne 'NoteProperty' -and $property.MemberType -ne 'Property') { continue }
                $pairs.Add(@([string]$property.Name, $property.Value))
            }
        }
        if ($pairs.Count -eq 0) { & $fail ('no tier is given.' + $example) }
        $invariant = [System.Globalization.CultureInfo]::InvariantCulture
        $seen = @{}
        $counts = [System.Collections.Generic.List[object]]::new()
        foreach ($pair in $pairs) {
            $name = $pair[0].Trim()
            $value = $pair[1]
            if (-not $name) { & $fail ('a tier name is empty.' + $example) }
            if ($name.IndexOfAny([char[]]',;=') -ge 0) {
                & $fail ("'$name' is one tier's name: it may not hold ',', ';' or '=' (give each tier as its own key)." + $example)
            }
            if (-not (Get-LicenseAuditOwnedCalName -Name $name)) {
                & $fail ("'$name' is not Standard, Enterprise or Plus (nor a CAL suite or a Microsoft 365 / Office 365 plan: Core CAL Suite, Enterprise CAL Suite, Microsoft 365 E3 / E5, Office 365 E1 / E3 / E5)." + $example)
            }
            if ($seen.ContainsKey($name)) { & $fail ("'$($seen[$name])' and '$name' are one tier given twice; give each tier once.") }
            $seen[$name] = $name
            # The count: a whole number of CALs, 0 to a billion (as the engine), from a number or
            # a text such as '1,200'.
            if ($value -is [System.Management.Automation.PSObject]) { $value = $value.BaseObject }
            $quantity = $null
            if ($null -eq $value -or ($value -isnot [string] -and $value -isnot [System.ValueType])) {
                & $fail ("the count of '$name' is not a number.")
            }
            if ($value -is [string]) {
                $digits = $value.Trim() -replace "[,_ ']", ''
                if ($digits -match '^-\d+$') { & $fail ("the count of '$name', '$($value.Trim())', is negative.") }
                if ($digits -notmatch '^\d{1,10}$') { & $fail ("the count of '$name', '$($value.Trim())', is not a whole number of CALs.") }
                $quantity = [decimal]::Parse($digits, $invariant)
            }
            else {
                try { $quantity = [decimal]$value } catch { & $fail ("the count of '$name', '$value', is not a number.") }
                if ($quantity -lt 0) { & $fail ("the count of '$name', $([string]::Format($invariant, '{0}', $value)), is negative.") }
                if ($quantity -ne [decimal]::Truncate($quantity)) { & $fail ("the count of '$name', $([string]::Format($invariant, '{0}', $value)), is not a whole number of CALs.") }
            }
            if ($quantity -gt 1000000000) { & $fail ("the count of '$name', $quantity, is beyond 1000000000: not a count of CALs.") }
            $counts.Add(@($name, [string]::Format($invariant, '{0:0}', $quantity)))
        }
        # One --owned per tier, in a fixed order (Standard, Enterprise, Plus, then the suites
        # and plans by name), so the same hashtable gives the same command line.
        $order = @{ standard = 0; enterprise = 1; plus = 2 }
        $sorted = @($counts | Sort-Object { $key = $_[0].ToLowerInvariant(); if ($order.ContainsKey($key)) { $order[$key] } else { 3 } }, { $_[0] })
        foreach ($count in $sorted) {
            $arguments += '--owned'
            $arguments += $count[0] + '=' + $count[1]
        }
    }
    if ($OwnedCalPath) {
        $arguments += '--owned-file'
        $arguments += Resolve-LicenseAuditSingleFile -Cmdlet $Cmdlet -ParameterName 'OwnedCalPath' -Path $OwnedCalPath
    }
    # Unrolled: callers take @(Get-LicenseAuditOwnedCalArgument ...), empty when neither given.
    $arguments
}
