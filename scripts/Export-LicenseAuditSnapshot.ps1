#Requires -Version 2.0
<#
.SYNOPSIS
Exports everything the LicenseAudit Lync audits read into one folder (the offline snapshot), on a
Lync / Skype for Business server, without the LicenseAudit engine; Windows PowerShell 2.0 to 5.1
and PowerShell 7.

.DESCRIPTION
Run it in a Lync Server 2010 / 2013 or Skype for Business Server 2015 / 2019 Management Shell (or
any PowerShell where the Lync module can be imported: it tries SkypeForBusiness, then Lync). It
reads Get-CsUser, Get-CsConferencingPolicy, Get-CsVoicePolicy, Get-CsPool, Get-CsSite,
Get-CsCommonAreaPhone, Get-CsAnalogDevice, Get-CsMeetingRoom (Lync 2013 and later),
Get-CsRgsAgentGroup and Get-CsService -MonitoringDatabase, keeps the properties the audits use
(policy references and enums as text, lists as text lists), and writes one file per cmdlet, named
as `license-audit lync entitlement --estate DIR` and `lync policies --estate DIR` look for them:

    users, conferencing-policies, voice-policies, pools, common-area-phones, analog-devices,
    meeting-rooms, rgs-agent-groups        (read by --estate)
    sites, monitoring-databases            (for people, and for Invoke-LicenseAudit -Audit Usage)

each .json (one JSON object per line, written by ConvertTo-Json -Depth 5 -Compress, UTF-8 without
BOM; an empty export is []) where ConvertTo-Json exists (PowerShell 3.0 and later), else .xml
(Export-Clixml: PowerShell 2.0, Lync Server 2010 on Windows Server 2008 R2). Last comes
snapshot-manifest.json: what was exported, when, by whom, with which PowerShell, the Lync version,
and per file its cmdlet, record count, errors and status.

Copy the folder to a machine with the LicenseAudit module (Windows 10 / Server 2016 or later, or
Linux) and audit it there: Invoke-LicenseAudit -SnapshotPath <folder>, or
`license-audit lync entitlement --estate <folder>`. This is the way to audit a front end the
engine cannot run on (Windows Server 2012 R2 and older).

Nothing here starts the LicenseAudit engine or needs the module: this file is the whole tool, and
it parses on PowerShell 2.0. Files are written under a .partial name and renamed when complete; a
folder that already holds a snapshot is refused unless -Force, which removes the old snapshot's
files first (so a .json and an older .xml of the same export never sit side by side).
Get-CsUser and Get-CsConferencingPolicy must succeed; another cmdlet that fails is recorded in the
manifest (Status Failed) and reported as a non-terminating error, and the rest is still written.

.PARAMETER Path
The folder to write (created when missing).

.PARAMETER Format
Json (PowerShell 3.0 and later), Clixml, or Auto (default): Json where ConvertTo-Json exists,
else Clixml.

.PARAMETER Force
Replace a snapshot already in the folder (its files are removed first).

.EXAMPLE
.\Export-LicenseAuditSnapshot.ps1 -Path D:\LicenseAudit\snapshot-2026-11

On the front end, in the Lync Server Management Shell: writes the snapshot folder to copy.

.EXAMPLE
powershell.exe -Version 2.0 -File .\Export-LicenseAuditSnapshot.ps1 -Path C:\Transfer\snapshot -Force

On a Lync Server 2010 front end (Windows PowerShell 2.0): CLIXML files, replacing an earlier
snapshot in the same folder.

.INPUTS
None.

.OUTPUTS
LicenseAudit.Snapshot: the folder, when, the format, the PowerShell version, whether every
export succeeded (Complete), and per file its name, cmdlet, record count and status.

.LINK
Invoke-LicenseAudit

.LINK
https://github.com/licenseaudit/LicenseAudit#scheduled-runbooks
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [string]$Path,
    [ValidateSet('Auto', 'Json', 'Clixml')]
    [string]$Format = 'Auto',
    [switch]$Force
)

# PowerShell 2.0: no [ordered], [pscustomobject], ::new(), .ForEach()/.Where(), $PSScriptRoot,
# -in, Add-Member -NotePropertyName, ConvertTo-Json; Mandatory and SupportsShouldProcess need
# "= $true"; `foreach ($x in $null)` runs once. native/tests/snapshot.rs checks this file for those.
Set-StrictMode -Version 2.0

# The LicenseAudit release this script belongs to (native/tests/snapshot.rs keeps it equal to
# the engine's version), and the layout of the folder it writes.
$ToolVersion = '0.2.0'
$SnapshotVersion = 1
$ManifestName = 'snapshot-manifest.json'

$deviceProperties = @(
    'Identity', 'SipAddress', 'DisplayName', 'Enabled', 'EnterpriseVoiceEnabled', 'RegistrarPool',
    'ConferencingPolicy', 'VoicePolicy', 'LineURI'
)
# One entry per file: Name is the file name without extension (what --estate looks for),
# Command the cmdlet, Properties what is kept (a superset of what the engine reads: `license-audit
# schema CsUser` and the others), Required whether the snapshot is useless without it.
$sources = @(
    @{
        Name       = 'users'
        Command    = 'Get-CsUser'
        Arguments  = @{}
        Required   = $true
        Properties = @(
            'Identity', 'SipAddress', 'DisplayName', 'Enabled', 'EnterpriseVoiceEnabled',
            'RemoteCallControlTelephonyEnabled', 'AudioVideoDisabled', 'RegistrarPool', 'HostingProvider',
            'ConferencingPolicy', 'VoicePolicy', 'LineURI'
        )
    },
    @{
        Name       = 'conferencing-policies'
        Command    = 'Get-CsConferencingPolicy'
        Arguments  = @{}
        Required   = $true
        Properties = @(
            'Identity', 'AllowIPAudio', 'AllowIPVideo', 'EnableDialInConferencing', 'EnableAppDesktopSharing',
            'AllowUserToScheduleMeetingsWithAppSharing', 'AllowAnonymousParticipantsInMeetings', 'AllowPolls',
            'AllowAnnotations', 'EnableDataCollaboration', 'AllowMultiView', 'AllowConferenceRecording',
            'AllowExternalUsersToRecordMeeting', 'EnableP2PRecording', 'MaxMeetingSize'
        )
    },
    @{
        Name       = 'voice-policies'
        Command    = 'Get-CsVoicePolicy'
        Arguments  = @{}
        Required   = $false
        Properties = @('Identity', 'EnableDelegation', 'EnableTeamCall', 'EnableCallPark', 'AllowSimulRing', 'AllowCallForwarding', 'PstnUsages')
    },
    @{
        Name       = 'pools'
        Command    = 'Get-CsPool'
        Arguments  = @{}
        Required   = $false
        Properties = @('Identity', 'Fqdn', 'Site', 'Services', 'Computers')
    },
    @{
        Name       = 'sites'
        Command    = 'Get-CsSite'
        Arguments  = @{}
        Required   = $false
        Properties = @('Identity', 'SiteId', 'DisplayName', 'Description', 'Kind', 'Pools')
    },
    @{
        Name       = 'common-area-phones'
        Command    = 'Get-CsCommonAreaPhone'
        Arguments  = @{}
        Required   = $false
        Properties = $deviceProperties
    },
    @{
        Name       = 'analog-devices'
        Command    = 'Get-CsAnalogDevice'
        Arguments  = @{}
        Required   = $false
        Properties = $deviceProperties
    },
    @{
        Name       = 'meeting-rooms'
        Command    = 'Get-CsMeetingRoom'
        Arguments  = @{}
        Required   = $false
        Properties = $deviceProperties
    },
    @{
        Name       = 'rgs-agent-groups'
        Command    = 'Get-CsRgsAgentGroup'
        Arguments  = @{}
        Required   = $false
        Properties = @('Identity', 'Name', 'AgentsByUri')
    },
    @{
        Name       = 'monitoring-databases'
        Command    = 'Get-CsService'
        Arguments  = @{ MonitoringDatabase = $true }
        Required   = $false
        Properties = @('Identity', 'PoolFqdn', 'SqlInstanceName', 'SiteId', 'Version')
    }
)
# What `--estate` would pick up besides ours: removed with -Force, refused without it.
$estateExtensions = @('json', 'ndjson', 'xml', 'clixml', 'csv')

function New-SnapshotError {
    param([string]$Id, [string]$Message, [System.Management.Automation.ErrorCategory]$Category, $Target, [System.Exception]$Inner)
    if ($Inner) {
        $exception = New-Object System.InvalidOperationException -ArgumentList $Message, $Inner
    }
    else {
        $exception = New-Object System.InvalidOperationException -ArgumentList $Message
    }
    New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, ('LicenseAudit.' + $Id), $Category, $Target
}

function Test-SnapshotCommand {
    # Whether a command exists, asked in a script block of its own (ScriptBlock.Invoke): a
    # Get-Command that finds nothing puts its error in the caller's -ErrorVariable, silenced or not.
    param([string]$Name)
    $probe = { param($CommandName) Get-Command -Name $CommandName -ErrorAction SilentlyContinue }
    $found = $probe.Invoke($Name)
    $found.Count -gt 0
}

function ConvertTo-SnapshotText {
    # A policy reference or enum as text, whichever session produced it: a snap-in gives objects
    # with the name in FriendlyName, a remote session strings; enums by name, never by number.
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string] -or $Value -is [bool]) { return $Value }
    $friendly = $Value.PSObject.Properties['FriendlyName']
    if ($friendly -and $friendly.Value) { return [string]$friendly.Value }
    [string]$Value
}

function ConvertTo-SnapshotRecord {
    # The named properties of one object, in that order (New-Object PSObject + Add-Member keeps
    # the order on every version); those it does not have are left out.
    param($InputObject, [string[]]$Property)
    $record = New-Object PSObject
    foreach ($name in $Property) {
        $member = $InputObject.PSObject.Properties[$name]
        if (-not $member) { continue }
        $value = $member.Value
        if ($null -eq $value -or $value -is [string] -or $value -is [bool]) {
            $out = $value
        }
        elseif ($value -is [System.Enum]) {
            $out = [string]$value
        }
        elseif ($value -is [int] -or $value -is [long] -or $value -is [uint32] -or $value -is [uint64] -or $value -is [int16] -or
            $value -is [uint16] -or $value -is [byte] -or $value -is [double] -or $value -is [single] -or $value -is [decimal]) {
            $out = $value
        }
        elseif ($value -is [datetime]) {
            $out = $value.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        }
        elseif ($value -is [System.Collections.IEnumerable]) {
            $list = New-Object System.Collections.ArrayList
            foreach ($item in $value) {
                if ($null -ne $item) { [void]$list.Add([string](ConvertTo-SnapshotText $item)) }
            }
            $out = [string[]]$list.ToArray([string])
        }
        else {
            $out = ConvertTo-SnapshotText $value
        }
        Add-Member -InputObject $record -MemberType NoteProperty -Name $name -Value $out
    }
    $record
}

function ConvertTo-SnapshotJsonString {
    # A JSON string literal (the manifest is written by hand: PowerShell 2.0 has no ConvertTo-Json).
    param($Text)
    if ($null -eq $Text) { return 'null' }
    $builder = New-Object System.Text.StringBuilder
    [void]$builder.Append('"')
    foreach ($c in ([string]$Text).ToCharArray()) {
        $code = [int]$c
        if ($c -eq '"') { [void]$builder.Append('\"') }
        elseif ($c -eq '\') { [void]$builder.Append('\\') }
        elseif ($code -lt 32) { [void]$builder.Append('\u').Append($code.ToString('x4', [System.Globalization.CultureInfo]::InvariantCulture)) }
        else { [void]$builder.Append($c) }
    }
    [void]$builder.Append('"')
    $builder.ToString()
}

function ConvertTo-SnapshotJsonValue {
    param($Value)
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [bool]) {
        if ($Value) { return 'true' }
        return 'false'
    }
    if ($Value -is [int] -or $Value -is [long]) { return $Value.ToString([System.Globalization.CultureInfo]::InvariantCulture) }
    ConvertTo-SnapshotJsonString $Value
}

$cmdlet = $PSCmdlet
# Run by the module's Export-LicenseAuditSnapshot, errors, -WhatIf and -Confirm go through that
# cmdlet (it leaves itself one scope up), so its errors read LicenseAudit.<Id>,Export-LicenseAuditSnapshot
# like the module's other errors. Listed, not asked for by name: a Get-Variable that finds nothing
# would put an error in the caller's -ErrorVariable.
foreach ($variable in @(Get-Variable -Scope 1)) {
    if ($variable.Name -eq 'LicenseAuditSnapshotCmdlet' -and $variable.Value -is [System.Management.Automation.PSCmdlet]) { $cmdlet = $variable.Value }
}
$folder = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
$jsonAvailable = [bool](Get-Command -Name ConvertTo-Json -ErrorAction SilentlyContinue)
if ($Format -eq 'Auto') {
    if ($jsonAvailable) { $Format = 'Json' } else { $Format = 'Clixml' }
}
if ($Format -eq 'Json' -and -not $jsonAvailable) {
    $cmdlet.ThrowTerminatingError((New-SnapshotError -Id 'JsonUnavailable' -Category NotImplemented -Target $Format `
                -Message ('This is PowerShell {0}, which has no ConvertTo-Json: use -Format Clixml (or Auto).' -f $PSVersionTable.PSVersion)))
}
$extension = 'json'
if ($Format -eq 'Clixml') { $extension = 'xml' }

# The Lync cmdlets: in a Management Shell they are there; elsewhere import the module.
if (-not (Test-SnapshotCommand Get-CsUser)) {
    foreach ($module in @('SkypeForBusiness', 'Lync')) {
        if (Get-Module -ListAvailable -Name $module) {
            Import-Module -Name $module -ErrorAction SilentlyContinue
            break
        }
    }
}
if (-not (Test-SnapshotCommand Get-CsUser)) {
    $cmdlet.ThrowTerminatingError((New-SnapshotError -Id 'LyncCmdletsNotFound' -Category ObjectNotFound -Target 'Get-CsUser' `
                -Message 'The Lync / Skype for Business Server cmdlets (Get-CsUser, ...) are not available here, and neither the SkypeForBusiness nor the Lync module could be imported. Run this in the Lync Server Management Shell on a front end (or a server with the administrative tools).'))
}

# An earlier snapshot (or other exports) in the folder: --estate would mix them with this one.
$existing = @()
if ([System.IO.Directory]::Exists($folder)) {
    $names = @($ManifestName)
    foreach ($source in $sources) {
        foreach ($ext in $estateExtensions) { $names += ($source.Name + '.' + $ext) }
        $names += ($source.Name + '.' + $extension + '.partial')
    }
    foreach ($name in $names) {
        $candidate = [System.IO.Path]::Combine($folder, $name)
        if ([System.IO.File]::Exists($candidate)) { $existing += $candidate }
    }
}
if ($existing.Count -gt 0 -and -not $Force) {
    $cmdlet.ThrowTerminatingError((New-SnapshotError -Id 'SnapshotExists' -Category ResourceExists -Target $folder `
                -Message ("'{0}' already holds a snapshot or exports ({1}): give -Force to replace them, or another folder." -f $folder, (($existing | ForEach-Object { [System.IO.Path]::GetFileName($_) }) -join ', '))))
}

if (-not $cmdlet.ShouldProcess($folder, ('Write a LicenseAudit snapshot ({0} exports as {1}, and {2})' -f $sources.Count, $Format, $ManifestName))) {
    return
}
foreach ($old in $existing) { [System.IO.File]::Delete($old) }
[void][System.IO.Directory]::CreateDirectory($folder)

$started = [System.DateTime]::UtcNow
$entries = @()
$failedRequired = @()
$sourceIndex = 0
foreach ($source in $sources) {
    $sourceIndex++
    $file = [System.IO.Path]::Combine($folder, $source.Name + '.' + $extension)
    $partial = $file + '.partial'
    $entry = New-Object PSObject
    Add-Member -InputObject $entry -MemberType NoteProperty -Name Name -Value $source.Name
    Add-Member -InputObject $entry -MemberType NoteProperty -Name File -Value $null
    Add-Member -InputObject $entry -MemberType NoteProperty -Name Command -Value ($source.Command + $(if ($source.Arguments.Count -gt 0) { ' -' + (@($source.Arguments.Keys) -join ' -') } else { '' }))
    Add-Member -InputObject $entry -MemberType NoteProperty -Name Status -Value 'Written'
    Add-Member -InputObject $entry -MemberType NoteProperty -Name Count -Value 0
    Add-Member -InputObject $entry -MemberType NoteProperty -Name Errors -Value 0
    Add-Member -InputObject $entry -MemberType NoteProperty -Name Message -Value $null
    Write-Progress -Activity 'LicenseAudit snapshot' -Status $source.Command -PercentComplete ([int](100 * ($sourceIndex - 1) / $sources.Count))

    if (-not (Test-SnapshotCommand $source.Command)) {
        # Get-CsMeetingRoom came with Lync Server 2013.
        $entry.Status = 'NotAvailable'
        $entry.Message = $source.Command + ' does not exist in this version of Lync / Skype for Business Server.'
        $entries += $entry
        continue
    }
    # The source is read in a script block of its own (ScriptBlock.Invoke), which catches its
    # failure and hands it back: PowerShell adds every error of a nested command, caught or not,
    # to the caller's -ErrorVariable (one failing cmdlet put five there), where the admin should
    # find one SnapshotSourceFailed. The entry is filled in there; the error is written here.
    $read = {
        $arguments = @{} + $source.Arguments
        $arguments['ErrorVariable'] = 'sourceErrors'
        $sourceErrors = @()
        $count = 0
        try {
            if ($Format -eq 'Json') {
                $writer = New-Object System.IO.StreamWriter -ArgumentList $partial, $false, (New-Object System.Text.UTF8Encoding -ArgumentList $false)
                try {
                    & $source.Command @arguments | ForEach-Object {
                        if ($null -ne $_) {
                            $record = ConvertTo-SnapshotRecord -InputObject $_ -Property $source.Properties
                            $writer.WriteLine((ConvertTo-Json -InputObject $record -Depth 5 -Compress))
                            $count++
                            if ($count % 1000 -eq 0) { Write-Progress -Activity 'LicenseAudit snapshot' -Status ('{0}: {1}' -f $source.Command, $count) }
                        }
                    }
                    # No objects: an empty array, which the engine reads as "none" (an empty file it refuses).
                    if ($count -eq 0) { $writer.WriteLine('[]') }
                }
                finally {
                    $writer.Close()
                }
            }
            else {
                # Export-Clixml has no -LiteralPath on PowerShell 2.0, and its -Path expands wildcards:
                # there it writes a plain relative name from inside the folder.
                $target = @{ LiteralPath = $partial }
                $inside = -not (Get-Command -Name Export-Clixml).Parameters.ContainsKey('LiteralPath')
                if ($inside) {
                    $target = @{ Path = [System.IO.Path]::GetFileName($partial) }
                    Push-Location -LiteralPath $folder
                }
                try {
                    & $source.Command @arguments | ForEach-Object {
                        if ($null -ne $_) {
                            $count++
                            if ($count % 1000 -eq 0) { Write-Progress -Activity 'LicenseAudit snapshot' -Status ('{0}: {1}' -f $source.Command, $count) }
                            ConvertTo-SnapshotRecord -InputObject $_ -Property $source.Properties
                        }
                    } | Export-Clixml @target -Depth 3 -Confirm:$false -WhatIf:$false
                }
                finally {
                    if ($inside) { Pop-Location }
                }
                if (-not [System.IO.File]::Exists($partial)) {
                    # No objects and no file: the empty document Export-Clixml writes for none.
                    [System.IO.File]::WriteAllText($partial, '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04" />', (New-Object System.Text.UnicodeEncoding -ArgumentList $false, $true))
                }
            }
            if ([System.IO.File]::Exists($file)) { [System.IO.File]::Delete($file) }
            [System.IO.File]::Move($partial, $file)
            $entry.File = [System.IO.Path]::GetFileName($file)
            $entry.Count = $count
            $entry.Errors = @($sourceErrors).Count
            if ($entry.Errors -gt 0) {
                $entry.Status = 'WrittenWithErrors'
                $entry.Message = '{0} error(s) while reading, e.g. {1}' -f $entry.Errors, @($sourceErrors)[0]
            }
        }
        catch {
            if ([System.IO.File]::Exists($partial)) { [System.IO.File]::Delete($partial) }
            $entry.Status = 'Failed'
            $entry.Count = $count
            $entry.Message = $_.Exception.Message
            $_
        }
    }
    $failure = @($read.Invoke())
    if ($failure.Count -gt 0) {
        $problem = $failure[0].Exception
        $cmdlet.WriteError((New-SnapshotError -Id 'SnapshotSourceFailed' -Category ReadError -Target $source.Command -Inner $problem `
                    -Message ('{0} failed, so {1} is not in the snapshot: {2}' -f $source.Command, $source.Name, $problem.Message)))
        if ($source.Required) { $failedRequired += $source.Command }
    }
    $entries += $entry
}
Write-Progress -Activity 'LicenseAudit snapshot' -Status 'Done' -Completed

# The manifest, last: its presence says the snapshot was finished.
$lyncVersion = $null
if (Test-SnapshotCommand Get-CsServerVersion) {
    try { $lyncVersion = [string](Get-CsServerVersion) } catch { $lyncVersion = $null }
}
$edition = 'Desktop'
if ($PSVersionTable['PSEdition']) { $edition = [string]$PSVersionTable['PSEdition'] }
$clr = $null
if ($PSVersionTable['CLRVersion']) { $clr = [string]$PSVersionTable['CLRVersion'] }
$fields = @(
    @('RecordType', 'LicenseAuditSnapshot'),
    @('SnapshotVersion', $SnapshotVersion),
    @('ToolVersion', $ToolVersion),
    @('CreatedUtc', $started.ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)),
    @('ComputerName', [System.Environment]::MachineName),
    @('UserName', ([System.Environment]::UserDomainName + '\' + [System.Environment]::UserName)),
    @('PowerShellVersion', $PSVersionTable.PSVersion.ToString()),
    @('PowerShellEdition', $edition),
    @('ClrVersion', $clr),
    @('OSVersion', [System.Environment]::OSVersion.VersionString),
    @('LyncServerVersion', $lyncVersion),
    @('Format', $Format),
    @('Complete', ($failedRequired.Count -eq 0))
)
$lines = @('{')
foreach ($field in $fields) {
    $lines += ('  {0}: {1},' -f (ConvertTo-SnapshotJsonString $field[0]), (ConvertTo-SnapshotJsonValue $field[1]))
}
$lines += '  "Files": ['
$index = 0
foreach ($entry in $entries) {
    $index++
    $parts = @()
    foreach ($name in @('Name', 'File', 'Command', 'Status', 'Count', 'Errors', 'Message')) {
        $parts += ('{0}: {1}' -f (ConvertTo-SnapshotJsonString $name), (ConvertTo-SnapshotJsonValue $entry.$name))
    }
    $comma = ','
    if ($index -eq $entries.Count) { $comma = '' }
    $lines += ('    {' + ($parts -join ', ') + '}' + $comma)
}
$lines += '  ]'
$lines += '}'
$manifest = [System.IO.Path]::Combine($folder, $ManifestName)
[System.IO.File]::WriteAllText($manifest, (($lines -join "`r`n") + "`r`n"), (New-Object System.Text.UTF8Encoding -ArgumentList $false))

$result = New-Object PSObject
Add-Member -InputObject $result -MemberType NoteProperty -Name Path -Value $folder
Add-Member -InputObject $result -MemberType NoteProperty -Name Created -Value $started.ToLocalTime()
Add-Member -InputObject $result -MemberType NoteProperty -Name Format -Value $Format
Add-Member -InputObject $result -MemberType NoteProperty -Name PowerShellVersion -Value $PSVersionTable.PSVersion.ToString()
Add-Member -InputObject $result -MemberType NoteProperty -Name Complete -Value ($failedRequired.Count -eq 0)
Add-Member -InputObject $result -MemberType NoteProperty -Name Summary -Value ((@($entries | ForEach-Object { if ($_.File) { '{0} {1}' -f $_.Name, $_.Count } else { '{0} {1}' -f $_.Name, $_.Status } })) -join ', ')
Add-Member -InputObject $result -MemberType NoteProperty -Name Files -Value $entries
$result.PSObject.TypeNames.Insert(0, 'LicenseAudit.Snapshot')

if ($failedRequired.Count -gt 0) {
    $result
    $cmdlet.ThrowTerminatingError((New-SnapshotError -Id 'SnapshotIncomplete' -Category ReadError -Target $folder `
                -Message ('{0} failed: the snapshot in {1} cannot be audited (the manifest says Complete: false). Fix the error above and run this again with -Force.' -f ($failedRequired -join ', '), $folder)))
}
$result
