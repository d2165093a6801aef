function ConvertTo-LicenseAuditInputLine {
    <#
    .SYNOPSIS
    One compact JSON line for one input object, as the binary reads it (NDJSON).
    .DESCRIPTION
    Callers select the properties the binary needs and turn enums and nested policy objects into
    strings first (see ConvertTo-LicenseAuditText): enum integers are not stable across Lync
    versions, and ConvertTo-Json truncates nested objects at depth 2.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        if ($null -eq $InputObject) { return }
        # -Compress keeps one record per line; depth 4 covers the lists the selections keep.
        ConvertTo-Json -InputObject $InputObject -Compress -Depth 4
    }
}

function ConvertTo-LicenseAuditText {
    <#
    .SYNOPSIS
    A property value as the text the binary expects: policy references and enums become their
    names, whichever PowerShell session produced them.
    .DESCRIPTION
    In a Lync Management Shell (snap-in) a policy property is an object whose name is in
    FriendlyName; in a remote session it is already a string. Both must read the same.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Position = 0)]
        [AllowNull()]
        [object]$Value
    )
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) { return $Value }
    if ($Value -is [bool]) { return $Value }
    if ($Value.PSObject.Properties['FriendlyName'] -and $Value.FriendlyName) { return [string]$Value.FriendlyName }
    [string]$Value
}
