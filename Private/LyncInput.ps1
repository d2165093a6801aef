# Turning Lync management-shell objects into the flat records the binary reads. Policy
# references and enums become text here: a snap-in session gives objects (name in
# FriendlyName), a remote session gives strings, and enum integers differ across versions.

$script:LyncUserProperties = @(
    'Identity', 'SipAddress', 'DisplayName', 'Enabled', 'EnterpriseVoiceEnabled',
    'RemoteCallControlTelephonyEnabled', 'AudioVideoDisabled', 'RegistrarPool', 'HostingProvider',
    'ConferencingPolicy', 'VoicePolicy', 'LineURI'
)
$script:LyncConferencingPolicyProperties = @(
    'Identity', 'AllowIPAudio', 'AllowIPVideo', 'EnableDialInConferencing', 'EnableAppDesktopSharing',
    'AllowUserToScheduleMeetingsWithAppSharing', 'AllowAnonymousParticipantsInMeetings', 'AllowPolls',
    'EnableDataCollaboration', 'AllowMultiView', 'AllowConferenceRecording',
    'AllowExternalUsersToRecordMeeting', 'EnableP2PRecording', 'MaxMeetingSize'
)
$script:LyncVoicePolicyProperties = @(
    'Identity', 'EnableDelegation', 'EnableTeamCall', 'EnableCallPark', 'AllowSimulRing',
    'AllowCallForwarding', 'PstnUsages'
)
$script:LyncPoolProperties = @('Identity', 'Fqdn', 'Site')
$script:LyncDeviceProperties = @(
    'Identity', 'SipAddress', 'DisplayName', 'Enabled', 'EnterpriseVoiceEnabled', 'RegistrarPool',
    'ConferencingPolicy', 'VoicePolicy', 'LineURI'
)
$script:LyncRgsAgentGroupProperties = @('Identity', 'Name', 'AgentsByUri')

function ConvertTo-LicenseAuditRecord {
    <#
    .SYNOPSIS
    Selects the named properties of an object, keeping booleans, numbers and strings as they are,
    turning lists into string arrays and anything else (policy references, enums, identities)
    into text.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject,
        [Parameter(Mandatory)]
        [string[]]$Property
    )
    process {
        if ($null -eq $InputObject) { return }
        $record = [ordered]@{}
        foreach ($name in $Property) {
            $member = $InputObject.PSObject.Properties[$name]
            if (-not $member) { continue }
            $value = $member.Value
            if ($null -eq $value -or $value -is [bool] -or $value -is [string] -or $value -is [int] -or $value -is [long] -or $value -is [double]) {
                $record[$name] = $value
            }
            elseif ($value -is [datetime]) {
                $record[$name] = $value.ToUniversalTime().ToString('o')
            }
            elseif ($value -is [System.Collections.IEnumerable]) {
                $record[$name] = @($value | ForEach-Object { ConvertTo-LicenseAuditText $_ })
            }
            else {
                $record[$name] = ConvertTo-LicenseAuditText $value
            }
        }
        [pscustomobject]$record
    }
}

function Write-LicenseAuditInputFile {
    <#
    .SYNOPSIS
    Writes objects as NDJSON (UTF-8, no BOM) to a new temporary file and returns its path, or
    $null when there were no objects (the binary treats an empty file as an error).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]]$InputObject,
        [Parameter(Mandatory)]
        [string[]]$Property
    )
    $items = @($InputObject | Where-Object { $null -ne $_ })
    if ($items.Count -eq 0) { return $null }
    $path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
    $writer = New-Object System.IO.StreamWriter -ArgumentList $path, $false, (New-Object System.Text.UTF8Encoding -ArgumentList $false)
    try {
        $writer.NewLine = "`n"
        foreach ($item in $items) {
            $writer.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject (ConvertTo-LicenseAuditRecord -InputObject $item -Property $Property)))
        }
    }
    finally {
        $writer.Dispose()
    }
    $path
}

function Get-LicenseAuditLyncConfiguration {
    <#
    .SYNOPSIS
    Gathers what an entitlement audit needs besides users (policies, pools, and with
    -IncludeDevices the devices and Response Group agent groups) into temporary files.
    Objects passed in are used as given; the rest are read with the Get-Cs* cmdlets.
    .OUTPUTS
    A hashtable of temporary file paths (ConferencingPolicies, VoicePolicies, Pools,
    CommonAreaPhones, AnalogDevices, MeetingRooms, RgsAgentGroups); missing entries had no objects.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [object[]]$ConferencingPolicy,
        [object[]]$VoicePolicy,
        [object[]]$Pool,
        [switch]$IncludeDevices
    )
    if (-not $ConferencingPolicy) { $ConferencingPolicy = @(Get-CsConferencingPolicy) }
    if (-not $VoicePolicy) { $VoicePolicy = @(Get-CsVoicePolicy) }
    if (-not $Pool) { $Pool = @(Get-CsPool) }
    $files = @{
        ConferencingPolicies = Write-LicenseAuditInputFile -InputObject $ConferencingPolicy -Property $script:LyncConferencingPolicyProperties
        VoicePolicies        = Write-LicenseAuditInputFile -InputObject $VoicePolicy -Property $script:LyncVoicePolicyProperties
        Pools                = Write-LicenseAuditInputFile -InputObject $Pool -Property $script:LyncPoolProperties
    }
    if ($IncludeDevices) {
        $files.CommonAreaPhones = Write-LicenseAuditInputFile -InputObject @(Get-CsCommonAreaPhone) -Property $script:LyncDeviceProperties
        $files.AnalogDevices = Write-LicenseAuditInputFile -InputObject @(Get-CsAnalogDevice) -Property $script:LyncDeviceProperties
        if (Get-Command Get-CsMeetingRoom -ErrorAction SilentlyContinue) {
            # Lync 2013 and later only.
            $files.MeetingRooms = Write-LicenseAuditInputFile -InputObject @(Get-CsMeetingRoom) -Property $script:LyncDeviceProperties
        }
        $files.RgsAgentGroups = Write-LicenseAuditInputFile -InputObject @(Get-CsRgsAgentGroup) -Property $script:LyncRgsAgentGroupProperties
    }
    $files
}

function Remove-LicenseAuditInputFile {
    <#
    .SYNOPSIS
    Deletes the temporary files Get-LicenseAuditLyncConfiguration wrote.
    #>
    [CmdletBinding()]
    param([hashtable]$Files)
    if (-not $Files) { return }
    foreach ($path in $Files.Values) {
        if ($path -and (Test-Path -LiteralPath $path)) {
            Remove-Item -LiteralPath $path -Force -WhatIf:$false -Confirm:$false
        }
    }
}

function Get-LicenseAuditLyncArgument {
    <#
    .SYNOPSIS
    The binary's input options for the files Get-LicenseAuditLyncConfiguration wrote.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param([Parameter(Mandatory)][hashtable]$Files)
    $map = [ordered]@{
        ConferencingPolicies = '--conferencing-policies'
        VoicePolicies        = '--voice-policies'
        Pools                = '--pools'
        CommonAreaPhones     = '--common-area-phones'
        AnalogDevices        = '--analog-devices'
        MeetingRooms         = '--meeting-rooms'
        RgsAgentGroups       = '--rgs-agent-groups'
    }
    foreach ($key in $map.Keys) {
        if ($Files[$key]) { $map[$key]; $Files[$key] }
    }
}

function Send-LicenseAuditLyncUser {
    <#
    .SYNOPSIS
    Streams Get-CsUser objects (their audit properties, as text) to a running engine session and
    emits whatever records are already back.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [AllowNull()]
        [object[]]$InputObject
    )
    foreach ($user in $InputObject) {
        Send-LicenseAuditNativeInput -Session $Session -InputObject (ConvertTo-LicenseAuditRecord -InputObject $user -Property $script:LyncUserProperties)
    }
}

function Complete-LicenseAuditLyncUserRun {
    <#
    .SYNOPSIS
    Ends a users-on-stdin engine run: streams Get-CsUser when no users were piped in, emits the
    remaining records, checks the exit code, and deletes the temporary configuration files.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [hashtable]$Files,
        [switch]$GatherUsers
    )
    try {
        if ($GatherUsers) {
            Get-CsUser | ForEach-Object { Send-LicenseAuditLyncUser -Session $Session -InputObject $_ }
        }
        Receive-LicenseAuditNativeOutput -Session $Session -Wait
    }
    finally {
        $Session.Process.Dispose()
        Remove-LicenseAuditInputFile -Files $Files
    }
}
