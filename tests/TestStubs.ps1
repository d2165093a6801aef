# Stand-ins for the Lync, MicrosoftTeams, UserAccessLogging and CIM cmdlets, for test hosts that
# do not have those modules (every host but a Lync server or a Teams admin's; and Linux). They only declare the parameters the
# module passes, so Pester can mock them and filter on those parameters; a real module's
# command, when present, is left alone.

function Register-LicenseAuditTestStub {
    param([string]$Name, [scriptblock]$Definition)
    if (-not (Get-Command $Name -ErrorAction SilentlyContinue)) {
        New-Item -Path "function:global:$Name" -Value $Definition | Out-Null
    }
}

Register-LicenseAuditTestStub Get-CsUser {
    [CmdletBinding()]
    param([string]$Identity, [string]$Filter, [string]$LdapFilter, [string]$OU, [object]$ResultSize, [string]$DomainController)
}
Register-LicenseAuditTestStub Get-CsConferencingPolicy { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsVoicePolicy { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsPool { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsSite { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsCommonAreaPhone { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsAnalogDevice { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsMeetingRoom { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsRgsAgentGroup { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsService { [CmdletBinding()] param([switch]$MonitoringDatabase) }
# Like the real ones, the state-changing stubs support -WhatIf / -Confirm.
Register-LicenseAuditTestStub Grant-CsConferencingPolicy {
    [CmdletBinding(SupportsShouldProcess)] param([string]$Identity, [AllowNull()][string]$PolicyName)
}
Register-LicenseAuditTestStub New-CsConferencingPolicy {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [string]$Identity, [string]$Description, $AllowIPAudio, $AllowIPVideo, $AllowMultiView,
        $EnableDialInConferencing, $EnableAppDesktopSharing, $AllowUserToScheduleMeetingsWithAppSharing,
        $AllowAnonymousParticipantsInMeetings, $AllowPolls, $AllowAnnotations, $EnableDataCollaboration, $AllowConferenceRecording,
        $AllowExternalUsersToRecordMeeting, $EnableP2PRecording, $EnableP2PVideo, $EnableP2PFileTransfer,
        $EnableFileTransfer, $MaxMeetingSize
    )
}
# In a script block of its own: this file is dot-sourced, and a loop variable here would be set
# in the test file's scope (it was $ual, which overwrote Invoke.Tests.ps1's $Ual folder with
# 'Get-UalOverview').
& {
    foreach ($stub in 'Get-UalUserAccess', 'Get-UalDeviceAccess', 'Get-UalSystemId', 'Get-UalOverview') {
        Register-LicenseAuditTestStub $stub { [CmdletBinding()] param([object[]]$CimSession, [int]$ThrottleLimit) }
    }
}
Register-LicenseAuditTestStub New-CimSession {
    [CmdletBinding()]
    param([string[]]$ComputerName, [pscredential]$Credential, [uint32]$OperationTimeoutSec)
}
Register-LicenseAuditTestStub Remove-CimSession {
    [CmdletBinding()] param([Parameter(ValueFromPipeline)][object[]]$CimSession)
}
# MicrosoftTeams: the parameters the module passes (Get-CsPhoneNumberAssignment pages with -Top
# and -Skip).
Register-LicenseAuditTestStub Get-CsOnlineUser { [CmdletBinding()] param([string]$Identity, [string]$Filter, [string]$Properties, [object]$ResultSize) }
Register-LicenseAuditTestStub Get-CsTeamsIPPhonePolicy { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsOnlineApplicationInstance { [CmdletBinding()] param([string]$Identity) }
Register-LicenseAuditTestStub Get-CsPhoneNumberAssignment {
    [CmdletBinding()] param([string]$TelephoneNumber, [string]$NumberType, [string]$PstnAssignmentStatus, [int]$Top, [int]$Skip)
}
# Voice routing, Shared Calling and call queues (Get-CsCallQueue pages with -First and -Skip).
Register-LicenseAuditTestStub Get-CsOnlineVoiceRoutingPolicy { [CmdletBinding()] param([string]$Identity, [string]$Filter) }
Register-LicenseAuditTestStub Get-CsOnlineVoiceRoute { [CmdletBinding()] param([string]$Identity, [string]$Filter) }
Register-LicenseAuditTestStub Get-CsTeamsSharedCallingRoutingPolicy { [CmdletBinding()] param([string]$Identity, [string]$Filter) }
Register-LicenseAuditTestStub Get-CsCallQueue {
    [CmdletBinding()] param([string]$Identity, [int]$First, [int]$Skip, [switch]$ExcludeContent, [string]$Sort, [switch]$Descending, [string]$NameFilter)
}
