# The shape of each engine output record: which properties are dates (ISO 8601 text from the
# engine; strings after ConvertFrom-Json on 5.1, [datetime] on 7) and which hold lists or
# nested objects (System.Object[] / @{...} in Export-Csv). One line per record type: the Rust
# test native/tests/powershell_module.rs checks this table against the engine's JSON Schemas.
$script:LicenseAuditRecordShapes = @{
    CalCompliance        = @{ Dates = @(); Lists = @('Servers', 'ServersWithoutEvidence', 'DrawnFrom', 'IncompleteInputs') }
    CalConsumption       = @{ Dates = @('FirstSeen', 'LastSeen'); Lists = @('Servers') }
    CalLicenseUse        = @{ Dates = @(); Lists = @('Servers') }
    InputInspection      = @{ Dates = @(); Lists = @('DateSpellings', 'TypeNames', 'Properties', 'Problems', 'Refusals') }
    LyncCalSummary       = @{ Dates = @(); Lists = @('ByKind', 'ByCombination', 'IncompleteInputs') }
    LyncCalPosition      = @{ Dates = @(); Lists = @('OwnedFrom') }
    LyncPolicyAudit      = @{ Dates = @(); Lists = @('EnterpriseFeatures', 'SettingsFromDefaults', 'Findings', 'IncompleteInputs') }
    LyncPolicyChange     = @{ Dates = @(); Lists = @() }
    LyncPolicyTemplate   = @{ Dates = @(); Lists = @('Parameters') }
    LyncUserCal          = @{ Dates = @(); Lists = @('Reasons', 'Findings') }
    UalEvidence          = @{ Dates = @('FirstSeen', 'LastSeen'); Lists = @('Products') }
    UalEvidenceSummary   = @{ Dates = @('WindowStart', 'AsOf'); Lists = @('Excluded', 'Servers', 'ServersWithoutEvidence', 'EvidenceGaps', 'IncompleteInputs') }
    UnrecognizedEvidence = @{ Dates = @('FirstSeen', 'LastSeen'); Lists = @() }
    LyncUserUsage        = @{ Dates = @('LastActivity'); Lists = @('Evidence', 'Reasons') }
    LyncDeviceUsage      = @{ Dates = @('LastActivity'); Lists = @('Reasons') }
    LyncUsageCoverage    = @{ Dates = @('WindowStart', 'WindowEnd', 'FirstRecord', 'LastRecord'); Lists = @() }
    LyncCalRightSizing   = @{ Dates = @('LastActivity'); Lists = @('Changes', 'Evidence') }
    LyncCalRightSizingSummary = @{ Dates = @('WindowStart', 'WindowEnd'); Lists = @('Notes', 'IncompleteInputs') }
    ReportSheet          = @{ Dates = @(); Lists = @('RecordTypes', 'IncompleteInputs') }
    LicenseAuditRun      = @{ Dates = @('AsOf', 'RunAt'); Lists = @('Records', 'Totals', 'Summaries') }
    LicenseAuditTrend    = @{ Dates = @('AsOf'); Lists = @() }
    UcUserLicense        = @{ Dates = @(); Lists = @('LinkedServices', 'Phones', 'Reasons', 'Findings') }
    UcDevice             = @{ Dates = @(); Lists = @('Reasons') }
    UcMeetingRoom        = @{ Dates = @(); Lists = @('Features', 'Reasons') }
    UcOrphanService      = @{ Dates = @(); Lists = @() }
    UcLicenseTotal       = @{ Dates = @(); Lists = @('MoreThanTenPhones', 'UsersByService', 'DevicesByKind', 'Excluded', 'Reasons', 'IncompleteInputs') }
    TeamsAssignmentFinding = @{ Dates = @(); Lists = @('Plans', 'ReclaimablePlans', 'ReclaimableVia', 'Evidence') }
    TeamsAssignmentSummary = @{ Dates = @(); Lists = @('AccountsNotEvaluated', 'ByCode', 'Plans', 'UnpricedPlans', 'Rules', 'IncompleteInputs') }
}

function ConvertFrom-LicenseAuditRecord {
    <#
    .SYNOPSIS
    Turns one NDJSON line from the binary into an object typed LicenseAudit.<RecordType>, so the
    table views in LicenseAudit.Format.ps1xml apply and Where-Object/Export-Csv see real properties.
    .DESCRIPTION
    Date properties become local [datetime] on 5.1 and 7 alike (parsed with the invariant
    culture: a th-TH session does not turn 2026 into a Buddhist year), so
    `Where-Object LastActivity -lt (Get-Date)` compares like with like. Every list or nested
    property P gets a PText companion, one line of text, for Export-Csv.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowEmptyString()]
        [string]$Line
    )
    process {
        if ([string]::IsNullOrWhiteSpace($Line)) { return }
        $record = ConvertFrom-Json -InputObject $Line
        if (-not $record.PSObject.Properties['RecordType']) { return $record }
        $type = [string]$record.RecordType
        $record.PSObject.TypeNames.Insert(0, 'LicenseAudit.' + $type)
        $shape = $script:LicenseAuditRecordShapes[$type]
        if ($shape) {
            foreach ($name in $shape.Dates) {
                $property = $record.PSObject.Properties[$name]
                if ($property) { $property.Value = ConvertTo-LicenseAuditDate -Value $property.Value }
            }
            foreach ($name in $shape.Lists) {
                $property = $record.PSObject.Properties[$name]
                if ($property) {
                    Add-Member -InputObject $record -MemberType NoteProperty -Name ($name + 'Text') -Value (ConvertTo-LicenseAuditListText -Value $property.Value) -Force
                }
            }
        }
        $record
    }
}

function ConvertTo-LicenseAuditDate {
    <#
    .SYNOPSIS
    An engine date (ISO 8601 text, or the [datetime] PowerShell 7's ConvertFrom-Json already
    made of it) as a local [datetime]; $null stays $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param([AllowNull()][object]$Value)
    if ($null -eq $Value -or '' -eq $Value) { return $null }
    if ($Value -is [datetime]) {
        if ($Value.Kind -eq [System.DateTimeKind]::Unspecified) { return [datetime]::SpecifyKind($Value, [System.DateTimeKind]::Utc).ToLocalTime() }
        return $Value.ToLocalTime()
    }
    $parsed = [datetime]::MinValue
    $styles = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal
    if ([datetime]::TryParse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) {
        return [datetime]::SpecifyKind($parsed, [System.DateTimeKind]::Utc).ToLocalTime()
    }
    $Value
}

function ConvertTo-LicenseAuditListText {
    <#
    .SYNOPSIS
    A list or nested object as one line of text for CSV: reasons as "Cal: Detail (Source)" (UC
    reasons as "Counts: Detail (Source)"), Teams evidence as "Property=Value (Source)", findings
    as "Severity Code: Message", other objects as "Name=Value, ...", items joined by "; ".
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([AllowNull()][object]$Value)
    if ($null -eq $Value) { return '' }
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture
    $items = @($Value)
    if ($Value -is [System.Management.Automation.PSCustomObject] -or ($Value -is [psobject] -and $Value.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject])) {
        # One nested object (Evidence, Parameters): its properties.
        $parts = foreach ($p in $Value.PSObject.Properties) { '{0}={1}' -f $p.Name, [System.Convert]::ToString($p.Value, $invariant) }
        return (@($parts) -join '; ')
    }
    $texts = foreach ($item in $items) {
        if ($null -eq $item) { continue }
        if ($item -is [string] -or $item -is [ValueType]) { [System.Convert]::ToString($item, $invariant); continue }
        $props = $item.PSObject.Properties
        if ($props['Cal'] -and $props['Detail']) {
            $text = '{0}: {1}' -f $item.Cal, $item.Detail
            if ($props['Source'] -and $item.Source) { $text += ' (' + $item.Source + ')' }
            $text
        }
        elseif ($props['Counts'] -and $props['Detail']) {
            # uc count's reasons: what the item counts as, why, and which record says so.
            $text = '{0}: {1}' -f $item.Counts, $item.Detail
            if ($props['Source'] -and $item.Source) { $text += ' (' + $item.Source + ')' }
            $text
        }
        elseif ($props['Property'] -and $props['Value'] -and $props['Source'] -and -not $props['Message']) {
            # teams assignments' evidence: what was read, and from which cmdlet's output. Value is
            # text from the engine, but PowerShell 7's ConvertFrom-Json makes a [datetime] of a
            # time in it (SoftDeletionTimestamp), which -f would write in this session's culture
            # and time zone: written back as the engine's UTC ISO 8601, as 5.1 shows it.
            $value = $item.Value
            if ($value -is [datetime]) {
                if ($value.Kind -eq [System.DateTimeKind]::Unspecified) { $value = [datetime]::SpecifyKind($value, [System.DateTimeKind]::Utc) }
                $value = $value.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'+00:00'", [System.Globalization.CultureInfo]::InvariantCulture)
            }
            '{0}={1} ({2})' -f $item.Property, [System.Convert]::ToString($value, $invariant), $item.Source
        }
        elseif ($props['File'] -and $props['Refused']) {
            # IncompleteInputs: a file the totals were built on, read only in part.
            '{0} ({1} record(s) not used)' -f $item.File, $item.Refused
        }
        elseif ($props['Code'] -and $props['Message']) {
            $severity = ''
            if ($props['Severity']) { $severity = [string]$item.Severity + ' ' }
            '{0}{1}: {2}' -f $severity, $item.Code, $item.Message
        }
        else {
            (@(foreach ($p in $props) { '{0}={1}' -f $p.Name, [System.Convert]::ToString($p.Value, $invariant) }) -join ', ')
        }
    }
    @($texts) -join '; '
}
