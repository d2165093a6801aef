# Input objects as the engine's JSON lines. The hot path is LicenseAudit.RecordWriter
# (Private/EngineChannel.cs), one call per object; what it does not model (a value type it does
# not know, a PSObject-wrapped number, a depth beyond 4) comes here, to the script path it
# reproduces: ConvertTo-LicenseAuditRecord / ConvertTo-LicenseAuditTeamsUser, then ConvertTo-Json.

# The script path the channel falls back on, bound to this module (so it sees its functions):
# Record / TeamsUser / Whole give one line for -InputObject; Read gives the record(s) of a line.
$script:LicenseAuditCodecFallback = {
    param($Kind, $InputObject, $Property)
    switch ($Kind) {
        'Record' { ConvertTo-LicenseAuditJsonLine -InputObject (ConvertTo-LicenseAuditRecord -InputObject $InputObject -Property $Property) }
        'TeamsUser' { ConvertTo-LicenseAuditJsonLine -InputObject (ConvertTo-LicenseAuditTeamsUser -InputObject $InputObject -Property $Property) }
        'Read' {
            # Nothing for a line ConvertFrom-Json cannot read either: the channel reports it
            # (LicenseAudit.EngineOutputInvalid), and no error of ConvertFrom-Json's own escapes.
            try { ConvertFrom-LicenseAuditRecord -Line $InputObject -ErrorAction Stop } catch { $null = $_ }
        }
        default { ConvertTo-LicenseAuditJsonLine -InputObject $InputObject }
    }
}

function ConvertTo-LicenseAuditInputLine {
    <#
    .SYNOPSIS
    One compact JSON line for one input object, as the binary reads it (NDJSON).
    .DESCRIPTION
    Callers select the properties the binary needs and turn enums and nested policy objects into
    strings first (see ConvertTo-LicenseAuditText): enum integers are not stable across Lync
    versions, and ConvertTo-Json truncates nested objects at depth 2. The line is what
    ConvertTo-Json -Compress -Depth 4 writes (LicenseAudit.RecordWriter, or ConvertTo-Json itself
    for what that does not model). Text with an unpaired UTF-16 surrogate is refused
    (LicenseAudit.InvalidText, nothing returned): UTF-8 would carry it as U+FFFD.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    begin {
        $writer = New-Object -TypeName LicenseAudit.RecordWriter
    }
    process {
        if ($null -eq $InputObject) { return }
        $line = $null
        $result = $writer.Whole($InputObject, [ref]$line)
        if ($result -eq [LicenseAudit.CodecResult]::Unsupported) {
            $line = ConvertTo-LicenseAuditJsonLine -InputObject $InputObject
            if ([LicenseAudit.JsonText]::HasLoneSurrogate($line)) { $result = [LicenseAudit.CodecResult]::Refused }
            else { $result = [LicenseAudit.CodecResult]::Ok }
        }
        if ($result -ne [LicenseAudit.CodecResult]::Ok) {
            $why = $writer.Problem
            if (-not $why) { $why = 'it has text with an unpaired UTF-16 surrogate, which UTF-8 cannot carry' }
            $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'InvalidText' -Category InvalidData -TargetObject $InputObject `
                        -ExceptionType 'System.IO.InvalidDataException' -Message "An input object was not written for the engine: $why."))
            return
        }
        $line
    }
}

function ConvertTo-LicenseAuditJsonLine {
    <#
    .SYNOPSIS
    ConvertTo-Json -Compress -Depth 4 of one object: -Compress keeps one record per line; depth 4
    covers the lists the selections keep. The script path of ConvertTo-LicenseAuditInputLine.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [AllowNull()]
        [object]$InputObject
    )
    if ($null -eq $InputObject) { return }
    ConvertTo-Json -InputObject $InputObject -Compress -Depth 4
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

function ConvertFrom-LicenseAuditCsvDate {
    <#
    .SYNOPSIS
    A LicenseAudit record read back with Import-Csv, with its dates as the engine reads them.
    .DESCRIPTION
    Export-Csv writes a [datetime] in the session's culture: '30.10.2026 16:12:00' in de-DE,
    '30/10/2569 16:12:00' in th-TH (the Buddhist year), '10/30/2026 4:12:00 PM' in en-US, and
    Import-Csv gives that text back. The engine cannot know the culture the text was written in:
    it refuses a day/month order it cannot decide, and reads a Buddhist year as a Gregorian one.
    So the date properties of the record's type ($script:LicenseAuditRecordShapes) that hold such
    text are parsed here in this session's culture, as local time (what Export-Csv wrote), and
    sent as ISO 8601 UTC. ISO text, text this culture cannot parse, and the [datetime] values of
    records that never left PowerShell are left as they are. The object piped in is not changed:
    a copy is returned when a date is converted.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [AllowNull()]
        [object]$InputObject
    )
    if ($null -eq $InputObject) { return $null }
    $typeProperty = $InputObject.PSObject.Properties['RecordType']
    if (-not $typeProperty) { return $InputObject }
    $shape = $script:LicenseAuditRecordShapes[[string]$typeProperty.Value]
    if (-not $shape) { return $InputObject }
    $culture = [System.Globalization.CultureInfo]::CurrentCulture
    $copy = $null
    foreach ($name in $shape.Dates) {
        $property = $InputObject.PSObject.Properties[$name]
        if (-not $property -or -not ($property.Value -is [string])) { continue }
        $text = $property.Value.Trim()
        if (-not $text -or $text -match '^\d{4}-\d{2}-\d{2}') { continue }
        $parsed = [datetime]::MinValue
        if (-not [datetime]::TryParse($text, $culture, [System.Globalization.DateTimeStyles]::AssumeLocal, [ref]$parsed)) { continue }
        if ($null -eq $copy) { $copy = $InputObject.PSObject.Copy() }
        $copy.PSObject.Properties[$name].Value = $parsed.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
    }
    if ($null -eq $copy) { return $InputObject }
    $copy
}
