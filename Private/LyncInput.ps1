# Turning Lync management-shell objects into the flat records the binary reads, and the shared
# "users on stdin" run behind Get-LyncCalRequirement and Get-LyncCalPolicyPlan. Policy
# references and enums become text here: a snap-in session gives objects (name in
# FriendlyName), a remote session gives strings, and enum integers differ across versions.

# What LicenseAudit.LyncCmdletsNotFound tells an admin to do (Get-CsUser and the other Lync /
# Skype for Business Server cmdlets come with the server's management tools).
$script:LyncCmdletRemedy = 'run this in the Lync Server / Skype for Business Server Management Shell (or after Import-Module Lync / SkypeForBusiness, or in a remote PowerShell session to a Front End server), or audit a snapshot: Export-LicenseAuditSnapshot on a Lync server, then Invoke-LicenseAudit -SnapshotPath.'

$script:LyncUserProperties = @(
    'Identity', 'SipAddress', 'DisplayName', 'Enabled', 'EnterpriseVoiceEnabled',
    'RemoteCallControlTelephonyEnabled', 'AudioVideoDisabled', 'RegistrarPool', 'HostingProvider',
    'ConferencingPolicy', 'VoicePolicy', 'LineURI'
)
$script:LyncConferencingPolicyProperties = @(
    'Identity', 'AllowIPAudio', 'AllowIPVideo', 'EnableDialInConferencing', 'EnableAppDesktopSharing',
    'AllowUserToScheduleMeetingsWithAppSharing', 'AllowAnonymousParticipantsInMeetings', 'AllowPolls',
    'AllowAnnotations', 'EnableDataCollaboration', 'AllowMultiView', 'AllowConferenceRecording',
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
# Get-CsUser parameters the cmdlets pass through (Cs-style selection of users).
$script:LyncUserQueryParameters = @('Identity', 'Filter', 'LdapFilter', 'OU', 'ResultSize', 'DomainController')

function ConvertTo-LicenseAuditRecord {
    <#
    .SYNOPSIS
    Selects the named properties of an object, keeping booleans, numbers and strings as they are,
    dates as invariant ISO 8601 UTC, lists as string arrays and anything else (policy references,
    enums, identities) as text.
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
        # A hashtable or [ordered] dictionary piped in: its keys are its properties.
        if ($InputObject -is [System.Collections.IDictionary]) { $InputObject = New-Object -TypeName psobject -Property $InputObject }
        $record = [ordered]@{}
        foreach ($name in $Property) {
            $member = $InputObject.PSObject.Properties[$name]
            if (-not $member) { continue }
            $value = $null
            try { $value = $member.Value }
            catch {
                # Sent as absent, the engine would misread the object (a missing flag reads false).
                $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PropertyUnreadable' -Category ReadError -TargetObject $InputObject `
                            -InnerException $_.Exception -Message ("Its {0} property could not be read: {1}" -f $name, $_.Exception.Message)))
            }
            if ($null -eq $value -or $value -is [bool] -or $value -is [string] -or $value -is [int] -or $value -is [long] -or $value -is [double]) {
                # An enum from a remote session (Import-PSSession, Invoke-Command) is deserialised
                # as an Int32 whose text is the name: send the name, never the number.
                if ($value -is [int] -and @($value.PSObject.TypeNames) -contains 'Deserialized.System.Enum') { $value = [string]$value }
                $record[$name] = $value
            }
            elseif ($value -is [datetime]) {
                $record[$name] = $value.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
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

function ConvertTo-LicenseAuditPolicyIdentity {
    <#
    .SYNOPSIS
    A policy's identity as the engine writes it: Global, Site:<name> or Tag:<name> (a bare name
    is a tag), from a policy object or an identity.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([AllowNull()][object]$Identity)
    if ($null -ne $Identity -and $Identity -isnot [string] -and $Identity.PSObject.Properties['Identity']) { $Identity = $Identity.Identity }
    $text = ([string](ConvertTo-LicenseAuditText $Identity)).Trim()
    if ($text -eq 'Global') { return 'Global' }
    if ($text -match '^(?i)site:(.*)$') { return 'Site:' + $Matches[1] }
    if ($text -match '^(?i)tag:(.*)$') { return 'Tag:' + $Matches[1] }
    'Tag:' + $text
}

function Get-LicenseAuditLyncConfiguration {
    <#
    .SYNOPSIS
    Gathers what an entitlement audit needs besides users (policies, pools, and with
    -IncludeDevices the devices and Response Group agent groups), as records in memory: they are
    written to the engine only when the run starts. Objects passed in are used as given; the
    rest are read with the Get-Cs* cmdlets.
    .OUTPUTS
    An ordered dictionary: engine option (--conferencing-policies, ...) → records.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        # The calling cmdlet: without the Lync cmdlets it needs, its LicenseAudit.LyncCmdletsNotFound.
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [object[]]$ConferencingPolicy,
        [object[]]$VoicePolicy,
        [object[]]$Pool,
        [switch]$IncludeDevices,
        # Users will be read with Get-CsUser (nothing piped): it must be there too.
        [switch]$GatherUsers
    )
    $needed = @()
    if ($GatherUsers) { $needed += 'Get-CsUser' }
    if (-not $ConferencingPolicy) { $needed += 'Get-CsConferencingPolicy' }
    if (-not $VoicePolicy) { $needed += 'Get-CsVoicePolicy' }
    if (-not $Pool) { $needed += 'Get-CsPool' }
    if ($IncludeDevices) { $needed += @('Get-CsCommonAreaPhone', 'Get-CsAnalogDevice', 'Get-CsRgsAgentGroup') }
    Assert-LicenseAuditCommand -Cmdlet $Cmdlet -Name $needed -ErrorId 'LyncCmdletsNotFound' -Remedy $script:LyncCmdletRemedy
    if (-not $ConferencingPolicy) { $ConferencingPolicy = @(Get-CsConferencingPolicy) }
    if (-not $VoicePolicy) { $VoicePolicy = @(Get-CsVoicePolicy) }
    if (-not $Pool) { $Pool = @(Get-CsPool) }
    $configuration = [ordered]@{
        '--conferencing-policies' = @($ConferencingPolicy | ConvertTo-LicenseAuditRecord -Property $script:LyncConferencingPolicyProperties)
        '--voice-policies'        = @($VoicePolicy | ConvertTo-LicenseAuditRecord -Property $script:LyncVoicePolicyProperties)
        '--pools'                 = @($Pool | ConvertTo-LicenseAuditRecord -Property $script:LyncPoolProperties)
    }
    if ($IncludeDevices) {
        $configuration['--common-area-phones'] = @(Get-CsCommonAreaPhone | ConvertTo-LicenseAuditRecord -Property $script:LyncDeviceProperties)
        $configuration['--analog-devices'] = @(Get-CsAnalogDevice | ConvertTo-LicenseAuditRecord -Property $script:LyncDeviceProperties)
        if (Get-LicenseAuditCommand -Name Get-CsMeetingRoom) {
            # Lync 2013 and later only.
            $configuration['--meeting-rooms'] = @(Get-CsMeetingRoom | ConvertTo-LicenseAuditRecord -Property $script:LyncDeviceProperties)
        }
        $configuration['--rgs-agent-groups'] = @(Get-CsRgsAgentGroup | ConvertTo-LicenseAuditRecord -Property $script:LyncRgsAgentGroupProperties)
    }
    $configuration
}

function Get-LicenseAuditLyncUserQuery {
    <#
    .SYNOPSIS
    The Get-CsUser parameters (-Identity, -Filter, -OU, -LdapFilter, -ResultSize,
    -DomainController) a cmdlet was given, for splatting. -ResultSize is passed as Get-CsUser
    takes it: 'Unlimited', or a number (a terminating LicenseAudit.InvalidResultSize otherwise).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)][System.Collections.IDictionary]$BoundParameters,
        # The calling cmdlet's $PSCmdlet: a -ResultSize that is neither is its error.
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $query = @{}
    $given = @($BoundParameters.Keys)
    foreach ($name in $script:LyncUserQueryParameters) {
        if ($given -contains $name) { $query[$name] = $BoundParameters[$name] }
    }
    if ($query.ContainsKey('ResultSize')) {
        $query.ResultSize = ConvertTo-LicenseAuditResultSize -Value $query.ResultSize -Cmdlet $Cmdlet
    }
    $query
}

function ConvertTo-LicenseAuditResultSize {
    <#
    .SYNOPSIS
    A -ResultSize as Get-CsUser takes it (its type is Unlimited<UInt32>): 'Unlimited' (any case),
    or a whole number from 0 to 4294967295 as [uint32]. Anything else is a terminating
    LicenseAudit.InvalidResultSize of the calling cmdlet.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        [AllowNull()]
        [object]$Value,
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $text = ([string]$Value).Trim()
    if ($text -eq 'Unlimited') { return 'Unlimited' }
    $number = [uint32]0
    if ($text -match '^\d+$' -and [uint32]::TryParse($text, [System.Globalization.NumberStyles]::None, [System.Globalization.CultureInfo]::InvariantCulture, [ref]$number)) {
        return $number
    }
    $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'InvalidResultSize' -Category InvalidArgument -TargetObject $Value `
                -ExceptionType 'System.ArgumentException' `
                -Message ("-ResultSize '{0}' is neither a number (0 to 4294967295) nor Unlimited, the values Get-CsUser -ResultSize takes." -f $Value)))
}

function Send-LicenseAuditLyncUser {
    <#
    .SYNOPSIS
    Streams users to a running (or not yet started) users-on-stdin session and emits whatever
    records are already back: the script path after LicenseAudit.EngineChannel.TrySend, which
    takes Get-CsUser objects itself once the engine runs (called with the channel's Status set). A string is an identity (SIP address, UPN, DN...): it is resolved
    with Get-CsUser -Identity; an identity that resolves to nothing is a non-terminating error.
    So is an object piped by property name (an Import-Csv row, a [pscustomobject] with only
    SipAddress or Identity; see Get-LicenseAuditLyncUserIdentity); a Get-CsUser object goes
    straight through.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [AllowNull()]
        [object[]]$InputObject,
        [hashtable]$Query = @{}
    )
    # What the channel already took (LicenseAudit.EngineChannel.TrySend): only diagnostics, or the
    # end of the run, are left to do here.
    $status = $Session.Channel.Status
    if ($status -band 5) { Resolve-LicenseAuditNativeStatus -Session $Session -Status $status }
    if (-not ($status -band 2) -or $Session.Finished) { return }
    foreach ($item in $InputObject) {
        if ($null -eq $item) { continue }
        $users = @($item)
        $identity = Get-LicenseAuditLyncUserIdentity -InputObject $item
        if ($null -ne $identity) {
            $lookup = @{ Identity = $identity }
            if ($Query.ContainsKey('DomainController')) { $lookup.DomainController = $Query.DomainController }
            # In a pipeline of its own: the admin's -ErrorVariable gets one UserNotFound, not
            # Get-CsUser's errors besides.
            $found = Invoke-LicenseAuditNested -ScriptBlock { param($lookup) Get-CsUser @lookup -ErrorAction Stop } -ArgumentList $lookup
            if ($found.ContainsKey('Failure') -and $found.Failure.Exception -is [System.Management.Automation.CommandNotFoundException]) {
                Assert-LicenseAuditCommand -Cmdlet $Session.Cmdlet -Name 'Get-CsUser' -ErrorId 'LyncCmdletsNotFound' -Remedy $script:LyncCmdletRemedy
            }
            if ($found.ContainsKey('Failure')) {
                $Session.Cmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject $item `
                            -InnerException $found.Failure.Exception -Message ("Get-CsUser -Identity '{0}' failed: {1}" -f $identity, $found.Failure.Exception.Message)))
                continue
            }
            $users = $found.Output
        }
        foreach ($user in $users) {
            if ($null -eq $Session.Process) { Start-LicenseAuditStdinSession -Session $Session }
            # Converted by the channel (its Kind is Record, with $script:LyncUserProperties).
            Send-LicenseAuditNativeInput -Session $Session -InputObject $item -Record $user
        }
    }
}

function Get-LicenseAuditLyncUserIdentity {
    <#
    .SYNOPSIS
    The identity to look up with Get-CsUser -Identity for one piped user, or $null when the
    object is a user record already. A string is an identity. An object without the Enabled
    property every Get-CsUser object has (an Import-Csv row of SipAddress and Tier, a
    [pscustomobject] with only Identity) is a user named by property: its SipAddress, else
    Identity, else UserPrincipalName. An object with none of them goes on as it is (the engine
    then says what it lacks).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][object]$InputObject)
    if ($InputObject -is [string]) { return $InputObject }
    if ($InputObject.PSObject.Properties['Enabled']) { return $null }
    foreach ($name in @('SipAddress', 'Identity', 'UserPrincipalName')) {
        $property = $InputObject.PSObject.Properties[$name]
        if ($property -and $null -ne $property.Value) {
            $text = ([string](ConvertTo-LicenseAuditText $property.Value)).Trim()
            if ($text) { return $text }
        }
    }
    $null
}

function Complete-LicenseAuditLyncUserRun {
    <#
    .SYNOPSIS
    Ends a users-on-stdin run: streams Get-CsUser (with the cmdlet's -Identity/-Filter/...) when
    no users were piped in, starts the engine if no user did (an empty pipeline is "no users",
    and devices and the summary still come out), emits the remaining records and checks the exit
    code. The caller stops the session in its finally block.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [switch]$GatherUsers,
        [hashtable]$Query = @{}
    )
    if ($GatherUsers -and $Query.ContainsKey('Identity')) {
        # -Identity names one user: looked up as a piped identity is, so that a user Get-CsUser
        # cannot find is the same one LicenseAudit.UserNotFound (not Get-CsUser's own error).
        $Session.Channel.TrySendOne([string]$Query.Identity)
        if ($Session.Channel.Status) { Send-LicenseAuditLyncUser -Session $Session -InputObject ([string]$Query.Identity) -Query $Query }
    }
    elseif ($GatherUsers) {
        $channel = $Session.Channel
        $Session.Gathering = $true
        Get-CsUser @Query | ForEach-Object {
            $channel.TrySendOne($_)
            if ($channel.Status) { Send-LicenseAuditLyncUser -Session $Session -InputObject $_ }
        }
    }
    Start-LicenseAuditStdinSession -Session $Session
    Receive-LicenseAuditNativeOutput -Session $Session -Wait
}

function Register-LicenseAuditArgumentCompleter {
    <#
    .SYNOPSIS
    Tab completion of conferencing policy names (Get-CsConferencingPolicy, when the Lync
    cmdlets are loaded) for Set-LyncCalPolicyAssignment -GrantPolicyName.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()
    if (-not (Get-LicenseAuditCommand -Name Register-ArgumentCompleter)) { return }
    $policyNames = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        if (-not (Get-LicenseAuditCommand -Name Get-CsConferencingPolicy)) { return }
        $word = ([string]$wordToComplete).Trim('''', '"')
        Get-CsConferencingPolicy -ErrorAction SilentlyContinue |
            ForEach-Object { [string]$_.Identity } |
            Where-Object { $_ -like 'Tag:*' } |
            ForEach-Object { $_.Substring(4) } |
            Where-Object { $_ -like "$word*" } |
            Sort-Object |
            ForEach-Object { New-Object System.Management.Automation.CompletionResult ("'" + $_ + "'"), $_, 'ParameterValue', $_ }
    }
    Register-ArgumentCompleter -CommandName 'Set-LyncCalPolicyAssignment' -ParameterName 'GrantPolicyName' -ScriptBlock $policyNames
}
