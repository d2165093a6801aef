# Microsoft's cmdlets as an admin's session answers them, for tests that run code as an admin
# would (tests/Examples.Tests.ps1): the Lync / Skype for Business Server snap-in, MicrosoftTeams,
# UserAccessLogging over CIM, Exchange and Active Directory. The objects are EndToEndShapes.ps1's
# (typed as Microsoft documents them, from the bundled example estate under examples/); this file
# adds what the cmdlets do with their parameters: Get-CsUser's -Identity, -Filter, -OU and
# -ResultSize, Get-CsConferencingPolicy's -Identity, Get-CsOnlineUser's -Filter and -Properties,
# the paging of Get-CsPhoneNumberAssignment and Get-CsCallQueue, the UAL cmdlets' rows per CIM
# session, and the cmdlets EndToEndShapes.ps1 has no objects for (Get-CsSite, Get-CsService
# -MonitoringDatabase, Get-CsServerVersion, the Teams voice routing and call queues,
# Get-ADComputer, Get-Mailbox). Dot-source TestStubs.ps1 first (it declares the commands), then
# this file; Get-MicrosoftShapeMock gives one scriptblock per command, to pass to Pester's Mock
# (in the test's scope and with -ModuleName LicenseAudit). Nothing here changes a global command
# for longer than the test file (Remove-MicrosoftShapeStub).
#
# Where Microsoft documents what the cmdlets return (see also EndToEndShapes.ps1's sources):
# - Get-CsUser: https://learn.microsoft.com/en-us/powershell/module/skype/Get-CsUser (OUTPUTS
#   Microsoft.Rtc.Management.ADConnect.Schema.ADUser; "Get-CsUser | Get-Member" for the full
#   list). In the snap-in a per-user policy is a reference object (FriendlyName, the tag name
#   without "Tag:"; Authority; ScopeClass) that prints as its FriendlyName; a remote session turns
#   it into that text. -Identity takes a SIP address, UPN, DOMAIN\account, display name or DN.
# - Get-CsConferencingPolicy: https://learn.microsoft.com/en-us/powershell/module/skype/Get-CsConferencingPolicy
#   (Identity Global, Site:<name>, Tag:<name>; every setting of New-CsConferencingPolicy,
#   https://learn.microsoft.com/en-us/powershell/module/skype/New-CsConferencingPolicy).
# - Get-CsOnlineUser: https://learn.microsoft.com/en-us/powershell/module/microsoftteams/Get-CsOnlineUser
#   (policies as {Authority, Name}, AssignedPlan a list of plans, FeatureTypes; -Filter with
#   Where-Object syntax; -Properties a comma-separated list that always keeps Identity,
#   UserPrincipalName, Alias, AccountEnabled and DisplayName).
# - Get-UalUserAccess / Get-UalDeviceAccess / Get-UalSystemId: CIM instances of root/AccessLogging
#   (MsftUal_UserAccess: ProductName, RoleName, RoleGuid, UserName, TenantIdentifier,
#   ActivityCount, FirstSeen, LastSeen) with PSComputerName, the name the session was opened with:
#   https://learn.microsoft.com/en-us/powershell/module/useraccesslogging/get-ualuseraccess and
#   https://learn.microsoft.com/en-us/previous-versions/windows/desktop/ual/msftual-useraccess
# - Get-CsCallQueue: https://learn.microsoft.com/en-us/powershell/module/microsoftteams/get-cscallqueue
#   (100 queues unless -First; -Skip pages).
# - Get-MgUser (Microsoft Graph PowerShell, Microsoft.Graph.Users):
#   https://learn.microsoft.com/powershell/module/microsoft.graph.users/get-mguser
#   (Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser; a page of 100 unless -All or -Top;
#   AssignedLicenses, a list of MicrosoftGraphAssignedLicense {DisabledPlans, SkuId} as
#   https://learn.microsoft.com/graph/api/resources/assignedlicense documents it, is filled only
#   when -Property asks for it: the default properties do not include it).
# - Get-MgSubscribedSku (Microsoft.Graph.Identity.DirectoryManagement):
#   https://learn.microsoft.com/powershell/module/microsoft.graph.identity.directorymanagement/get-mgsubscribedsku
#   (MicrosoftGraphSubscribedSku: AccountId, AccountName, AppliesTo, CapabilityStatus,
#   ConsumedUnits, Id, PrepaidUnits, ServicePlans of MicrosoftGraphServicePlanInfo {AppliesTo,
#   ProvisioningStatus, ServicePlanId, ServicePlanName}, SkuId, SkuPartNumber, SubscriptionIds:
#   https://learn.microsoft.com/graph/api/resources/subscribedsku).

. (Join-Path $PSScriptRoot 'EndToEndShapes.ps1')
$script:MicrosoftShapesExamples = Join-Path (Split-Path -Parent $PSScriptRoot) 'examples'

# Commands the examples use beyond TestStubs.ps1's: Exchange, Active Directory, Azure
# Automation, MicrosoftTeams sign-in, and Get-CsServerVersion (every Lync Management Shell has it;
# the snapshot asks it for the version). Declared only when the real one is absent, and removed
# again by Remove-MicrosoftShapeStub (AfterAll), so that the test files after this one see the
# commands TestStubs.ps1 declares and no more.
$script:MicrosoftShapeStubs = [System.Collections.Generic.List[string]]::new()
$microsoftShapeStub = [ordered]@{
    'Get-Mailbox'                = { [CmdletBinding()] param([string]$Identity, [object]$ResultSize, [string]$Filter) }
    'Get-ADComputer'             = { [CmdletBinding()] param([string]$Filter, [string]$SearchBase, [string[]]$Properties) }
    'Get-CsServerVersion'        = { [CmdletBinding()] param() }
    'Get-AutomationPSCredential' = { [CmdletBinding()] param([string]$Name) }
    'Connect-MicrosoftTeams'     = { [CmdletBinding()] param([string]$CertificateThumbprint, [string]$ApplicationId, [string]$TenantId, [pscredential]$Credential) }
    'Get-MgUser'                 = { [CmdletBinding()] param([string]$UserId, [string[]]$Property, [string]$Filter, [switch]$All, [int]$Top, [string]$ConsistencyLevel) }
    'Get-MgSubscribedSku'        = { [CmdletBinding()] param([string]$SubscribedSkuId, [string[]]$Property, [switch]$All) }
}
foreach ($microsoftShapeName in $microsoftShapeStub.Keys) {
    if (-not (Get-Command $microsoftShapeName -ErrorAction SilentlyContinue)) {
        Register-LicenseAuditTestStub $microsoftShapeName $microsoftShapeStub[$microsoftShapeName]
        $script:MicrosoftShapeStubs.Add($microsoftShapeName)
    }
}
Remove-Variable -Name microsoftShapeStub, microsoftShapeName

function Remove-MicrosoftShapeStub {
    foreach ($name in $script:MicrosoftShapeStubs) { Remove-Item -LiteralPath "function:global:$name" -ErrorAction SilentlyContinue }
    $script:MicrosoftShapeStubs.Clear()
}

function Read-MicrosoftShapeJson {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Path)
    $text = [System.IO.File]::ReadAllText((Join-Path $script:MicrosoftShapesExamples $Path), [System.Text.Encoding]::UTF8)
    @(ConvertFrom-Json -InputObject $text) | ForEach-Object { $_ }
}

function ConvertTo-MicrosoftShapeDate {
    param($Value)
    # CIM and AD give local times.
    if ($null -eq $Value) { return $null }
    if ($Value -is [datetime]) { return $Value.ToLocalTime() }
    # Windows PowerShell 5.1's ConvertTo-Json writes a date as \/Date(milliseconds)\/; AD gives local time.
    $match = [regex]::Match([string]$Value, '^/Date\((-?\d+)\)/$')
    if ($match.Success) { return [System.DateTimeOffset]::FromUnixTimeMilliseconds([long]$match.Groups[1].Value).LocalDateTime }
    [datetime]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind).ToLocalTime()
}

function Add-MicrosoftShapeTypeName {
    param([Parameter(Mandatory)][psobject]$InputObject, [Parameter(Mandatory)][string[]]$TypeName)
    [array]::Reverse($TypeName)
    foreach ($name in $TypeName) { $InputObject.PSObject.TypeNames.Insert(0, $name) }
    $InputObject
}

function Test-MicrosoftShapeFilter {
    <#
    .SYNOPSIS
    The -Filter of Get-CsUser / Get-CsOnlineUser (Where-Object syntax) for the one form the
    tests use, "Property -eq|-ne value" ($true, $false, $null or quoted text). Anything else
    throws rather than return every object.
    #>
    param([Parameter(Mandatory)]$InputObject, [string]$Filter)
    if (-not $Filter) { return $true }
    $match = [regex]::Match($Filter.Trim().Trim('{', '}').Trim(), '^(\w+)\s+-(eq|ne)\s+(.+)$')
    if (-not $match.Success) { throw "The test stand-in cannot evaluate the filter '$Filter'." }
    $text = $match.Groups[3].Value.Trim()
    switch ($text) {
        '$true' { $wanted = $true }
        '$false' { $wanted = $false }
        '$null' { $wanted = $null }
        default { $wanted = $text.Trim('''', '"') }
    }
    $value = $null
    if ($InputObject.PSObject.Properties[$match.Groups[1].Value]) { $value = $InputObject.($match.Groups[1].Value) }
    # Never .PSObject on a boolean: that marks the process-wide boxed $true / $false, and every
    # boolean Export-Clixml writes afterwards becomes an <Obj> (the engine then refuses it).
    if ($null -ne $value -and $value -isnot [System.ValueType] -and $value -isnot [string] -and $value.PSObject.Properties['FriendlyName']) { $value = $value.FriendlyName }
    $equal = ($null -eq $wanted -and $null -eq $value) -or ($null -ne $wanted -and $null -ne $value -and [string]$value -eq [string]$wanted)
    if ($match.Groups[2].Value -eq 'eq') { return $equal }
    -not $equal
}

function Get-ShapeCsUser {
    <#
    .SYNOPSIS
    Get-CsUser over examples/contoso/users.json: -Identity (SIP address with or without sip:,
    UPN, DOMAIN\account, display name, distinguished name), -Filter, -OU, -ResultSize.
    #>
    [CmdletBinding()]
    param([string]$Identity, [string]$Filter, [string]$LdapFilter, [string]$OU, $ResultSize, [string]$DomainController, [string]$UsersPath = 'contoso/users.json')
    $users = @(New-E2ECsUser -Path (Join-Path $script:MicrosoftShapesExamples $UsersPath))
    if ($PSBoundParameters.ContainsKey('Identity')) {
        $wanted = $Identity -replace '^(?i)sip:', ''
        $found = @($users | Where-Object {
                ($_.SipAddress -replace '^(?i)sip:', '') -eq $wanted -or $_.UserPrincipalName -eq $Identity -or $_.DisplayName -eq $Identity -or
                $_.DistinguishedName -eq $Identity -or ('contoso\' + $_.SamAccountName) -eq $Identity
            })
        if ($found.Count -eq 0) {
            $exception = New-Object System.Management.Automation.ItemNotFoundException ('Management object not found for identity "{0}".' -f $Identity)
            $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($exception, 'Identity,Microsoft.Rtc.Management.AD.Cmdlets.GetOcsUserCmdlet', 'ObjectNotFound', $Identity)))
            return
        }
        $users = $found
    }
    if ($OU) { $users = @($users | Where-Object { $_.DistinguishedName -like ('*,' + $OU) }) }
    if ($LdapFilter) { throw "The test stand-in cannot evaluate the LDAP filter '$LdapFilter'." }
    $users = @($users | Where-Object { Test-MicrosoftShapeFilter -InputObject $_ -Filter $Filter })
    if ($PSBoundParameters.ContainsKey('ResultSize') -and [string]$ResultSize -ne 'Unlimited') { $users = @($users | Select-Object -First ([int]$ResultSize)) }
    $users
}

function Get-ShapeCsConferencingPolicy {
    <#
    .SYNOPSIS
    Get-CsConferencingPolicy over examples/contoso/conferencing-policies.json, with the settings
    the file does not list at the defaults New-CsConferencingPolicy documents. -Identity Global,
    Site:X, Tag:X or X; an unknown identity is an error, as in the snap-in.
    #>
    [CmdletBinding()]
    param([string]$Identity)
    $policies = @(New-E2EConferencingPolicy -Path (Join-Path $script:MicrosoftShapesExamples 'contoso/conferencing-policies.json'))
    if ($PSBoundParameters.ContainsKey('Identity') -and $Identity) {
        $wanted = $Identity
        if ($wanted -ne 'Global' -and $wanted -notmatch ':') { $wanted = 'Tag:' + $wanted }
        $found = @($policies | Where-Object { [string]$_.Identity -eq $wanted })
        if ($found.Count -eq 0) {
            $exception = New-Object System.Management.Automation.ItemNotFoundException ('Cannot get policy "{0}" because it does not exist.' -f $Identity)
            $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($exception, 'Microsoft.Rtc.Management.Internal.GetPolicyCmdlet', 'ObjectNotFound', $Identity)))
            return
        }
        return $found
    }
    $policies
}

function Get-ShapeCsVoicePolicy {
    [CmdletBinding()]
    param([string]$Identity)
    New-E2EVoicePolicy -Path (Join-Path $script:MicrosoftShapesExamples 'contoso/voice-policies.json') | Where-Object { -not $Identity -or [string]$_.Identity -eq $Identity }
}

function Get-ShapeCsPool {
    <#
    .SYNOPSIS
    Get-CsPool: examples/contoso/pools.xml is an Export-Clixml of it, so its objects are the
    deserialised shape itself.
    #>
    [CmdletBinding()]
    param([string]$Identity)
    Import-Clixml -LiteralPath (Join-Path $script:MicrosoftShapesExamples 'contoso/pools.xml') | Where-Object { -not $Identity -or $_.Identity -eq $Identity }
}

function Get-ShapeCsSite {
    [CmdletBinding()]
    param([string]$Identity)
    $number = 0
    foreach ($group in @(Get-ShapeCsPool | Group-Object { [string]$_.Site })) {
        $number++
        $name = $group.Name -replace '^Site:', ''
        $site = [pscustomobject][ordered]@{
            Identity = $group.Name; SiteId = $number; Services = @(); Pools = @($group.Group | ForEach-Object { [string]$_.Fqdn })
            FederationRoute = $null; XmppFederationRoute = $null; DisplayName = $name; Description = $null; Kind = 'Central'; ParentSite = $null
        }
        if (-not $Identity -or $site.Identity -eq $Identity) { Add-MicrosoftShapeTypeName $site 'Microsoft.Rtc.Management.Xds.DisplaySite' }
    }
}

function Get-ShapeCsDevice {
    <#
    .SYNOPSIS
    Get-CsCommonAreaPhone, Get-CsAnalogDevice, Get-CsMeetingRoom: contacts with the user's
    Lync properties.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$File)
    New-E2ECsContact -Path (Join-Path $script:MicrosoftShapesExamples $File)
}

function Get-ShapeCsRgsAgentGroup {
    [CmdletBinding()]
    param([string]$Identity)
    New-E2ERgsAgentGroup -Path (Join-Path $script:MicrosoftShapesExamples 'contoso/rgs-agent-groups.json')
}

function Get-ShapeCsService {
    <#
    .SYNOPSIS
    Get-CsService -MonitoringDatabase: one monitoring store per site, named as a topology would.
    #>
    [CmdletBinding()]
    param([switch]$MonitoringDatabase)
    [pscustomobject][ordered]@{
        Identity = 'MonitoringDatabase:sqlmon01.contoso.com'; SqlInstanceName = 'LYNCMON'; IsSqlBackendDatabase = $true
        PoolFqdn = 'sqlmon01.contoso.com'; DependentServiceList = @('MonitoringServer:pool01.redmond.contoso.com'); ServiceId = '1-MonitoringDatabase-1'
        SiteId = 'Site:Redmond'; Version = 6; Role = 'MonitoringDatabase'
    }
}

function Get-ShapeCsOnlineUser {
    <#
    .SYNOPSIS
    Get-CsOnlineUser over examples/teams/teams.json (dates as [datetime]): -Identity (GUID,
    UPN, SIP address, alias), -Filter, -Properties, -ResultSize.
    #>
    [CmdletBinding()]
    param([string]$Identity, [string]$Filter, [string]$Properties, $ResultSize, [string]$AccountType)
    $users = @(New-E2EOnlineUser -Path (Join-Path $script:MicrosoftShapesExamples 'teams/teams.json'))
    if ($Identity) {
        $users = @($users | Where-Object { $_.Identity -eq $Identity -or $_.UserPrincipalName -eq $Identity -or $_.SipAddress -eq $Identity -or $_.SipAddress -eq ('sip:' + $Identity) -or $_.Alias -eq $Identity })
    }
    if ($AccountType) { $users = @($users | Where-Object { $_.AccountType -eq $AccountType }) }
    $users = @($users | Where-Object { Test-MicrosoftShapeFilter -InputObject $_ -Filter $Filter })
    if ($Properties) {
        $keep = @('Identity', 'UserPrincipalName', 'Alias', 'AccountEnabled', 'DisplayName') + @($Properties -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        $users = @($users | Select-Object -Property ($keep | Select-Object -Unique))
    }
    if ($PSBoundParameters.ContainsKey('ResultSize') -and $null -ne $ResultSize -and [string]$ResultSize -ne 'Unlimited') { $users = @($users | Select-Object -First ([int]$ResultSize)) }
    $users
}

function Get-ShapeCsPhoneNumberAssignment {
    [CmdletBinding()]
    param([string]$TelephoneNumber, [string]$NumberType, [string]$PstnAssignmentStatus, [int]$Top, [int]$Skip)
    $numbers = @(New-E2EPhoneNumberAssignment -Path (Join-Path $script:MicrosoftShapesExamples 'teams/teams-phone-numbers.json'))
    if ($TelephoneNumber) { $numbers = @($numbers | Where-Object { $_.TelephoneNumber -eq $TelephoneNumber }) }
    if ($NumberType) { $numbers = @($numbers | Where-Object { $_.NumberType -eq $NumberType }) }
    if ($PstnAssignmentStatus) { $numbers = @($numbers | Where-Object { $_.PstnAssignmentStatus -eq $PstnAssignmentStatus }) }
    $first = 500
    if ($PSBoundParameters.ContainsKey('Top')) { $first = $Top }
    $numbers | Select-Object -Skip $Skip -First $first
}

function Get-ShapeCsOnlineApplicationInstance {
    [CmdletBinding()]
    param([string]$Identity)
    New-E2EApplicationInstance -Path (Join-Path $script:MicrosoftShapesExamples 'teams/teams-resource-accounts.json') | Where-Object { -not $Identity -or $_.UserPrincipalName -eq $Identity -or [string]$_.ObjectId -eq $Identity }
}

function Get-ShapeCsTeamsIPPhonePolicy {
    [CmdletBinding()]
    param([string]$Identity)
    New-E2EIpPhonePolicy -Path (Join-Path $script:MicrosoftShapesExamples 'uc/teams-ip-phone-policies.json') | Where-Object { -not $Identity -or $_.Identity -eq $Identity }
}

function Get-ShapeTeamsConfiguration {
    <#
    .SYNOPSIS
    Get-CsOnlineVoiceRoutingPolicy, Get-CsOnlineVoiceRoute, Get-CsTeamsSharedCallingRoutingPolicy
    over examples/teams (-Identity: Global, Tag:X or X).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$File, [string]$Identity, [string]$Filter)
    if ($Filter) { throw "The test stand-in cannot evaluate the filter '$Filter'." }
    Read-MicrosoftShapeJson $File | Where-Object { -not $Identity -or $_.Identity -eq $Identity -or $_.Identity -eq ('Tag:' + $Identity) }
}

function Get-ShapeCsCallQueue {
    <#
    .SYNOPSIS
    Get-CsCallQueue over examples/teams/teams-call-queues.json: 100 queues unless -First, from
    -Skip on, as Microsoft documents its paging
    (https://learn.microsoft.com/en-us/powershell/module/microsoftteams/get-cscallqueue).
    #>
    [CmdletBinding()]
    param([string]$Identity, [int]$First = 100, [int]$Skip, [switch]$ExcludeContent, [string]$Sort, [switch]$Descending, [string]$NameFilter)
    $queues = @(Read-MicrosoftShapeJson 'teams/teams-call-queues.json' | ForEach-Object {
            $_.DistributionListsLastExpanded = ConvertTo-MicrosoftShapeDate $_.DistributionListsLastExpanded
            $_
        })
    if ($Identity) { return @($queues | Where-Object Identity -eq $Identity) }
    if ($NameFilter) { $queues = @($queues | Where-Object { $_.Name -like "*$NameFilter*" }) }
    $queues | Select-Object -Skip $Skip -First $First
}

function Get-ShapeMgUser {
    <#
    .SYNOPSIS
    Get-MgUser over examples/m365/m365-licenses.json (the example tenant's users; Id and
    DisplayName from examples/teams/teams.json): AssignedLicenses only with -Property naming it,
    100 users unless -All or -Top, -UserId by id or UPN.
    #>
    [CmdletBinding()]
    param([string]$UserId, [string[]]$Property, [string]$Filter, [switch]$All, [int]$Top, [string]$ConsistencyLevel)
    if ($Filter) { throw "The test stand-in cannot evaluate the filter '$Filter'." }
    $asked = @($Property | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() })
    $teams = @{}
    foreach ($account in @(Read-MicrosoftShapeJson 'teams/teams.json')) { $teams[[string]$account.UserPrincipalName] = $account }
    $users = @(foreach ($user in @(Read-MicrosoftShapeJson 'm365/m365-licenses.json')) {
            $account = $teams[[string]$user.UserPrincipalName]
            $licences = @()
            if ($asked -contains 'AssignedLicenses') {
                $licences = @(foreach ($licence in @($user.AssignedLicenses)) {
                        Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{ DisabledPlans = [string[]]@($licence.DisabledPlans); SkuId = [string]$licence.SkuId }) 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense'
                    })
            }
            Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{
                    Id = [string]$account.Identity; DisplayName = [string]$account.DisplayName; UserPrincipalName = [string]$user.UserPrincipalName
                    AssignedLicenses = $licences
                }) 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser'
        })
    if ($UserId) { return @($users | Where-Object { $_.Id -eq $UserId -or $_.UserPrincipalName -eq $UserId }) }
    $first = 100
    if ($PSBoundParameters.ContainsKey('Top')) { $first = $Top }
    if ($All) { return $users }
    $users | Select-Object -First $first
}

function Get-ShapeMgSubscribedSku {
    <#
    .SYNOPSIS
    Get-MgSubscribedSku over examples/m365/m365-subscribed-skus.json, typed as Microsoft Graph
    PowerShell returns it (ServicePlans as MicrosoftGraphServicePlanInfo, PrepaidUnits as
    MicrosoftGraphLicenseUnitsDetail).
    #>
    [CmdletBinding()]
    param([string]$SubscribedSkuId, [string[]]$Property, [switch]$All)
    foreach ($sku in @(Read-MicrosoftShapeJson 'm365/m365-subscribed-skus.json')) {
        if ($SubscribedSkuId -and $sku.Id -ne $SubscribedSkuId) { continue }
        $plans = @(foreach ($plan in @($sku.ServicePlans)) {
                Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{
                        AppliesTo = [string]$plan.AppliesTo; ProvisioningStatus = [string]$plan.ProvisioningStatus
                        ServicePlanId = [string]$plan.ServicePlanId; ServicePlanName = [string]$plan.ServicePlanName
                    }) 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphServicePlanInfo'
            })
        $units = Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{
                Enabled = [int]$sku.PrepaidUnits.Enabled; LockedOut = [int]$sku.PrepaidUnits.LockedOut; Suspended = [int]$sku.PrepaidUnits.Suspended; Warning = [int]$sku.PrepaidUnits.Warning
            }) 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphLicenseUnitsDetail'
        Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{
                AccountId = [string]$sku.AccountId; AccountName = [string]$sku.AccountName; AppliesTo = [string]$sku.AppliesTo
                CapabilityStatus = [string]$sku.CapabilityStatus; ConsumedUnits = [int]$sku.ConsumedUnits; Id = [string]$sku.Id
                PrepaidUnits = $units; ServicePlans = $plans; SkuId = [string]$sku.SkuId; SkuPartNumber = [string]$sku.SkuPartNumber
                SubscriptionIds = [string[]]@($sku.SubscriptionIds)
            }) 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphSubscribedSku'
    }
}

function New-ShapeCimSession {
    <#
    .SYNOPSIS
    New-CimSession: one session object per computer (ComputerName, Id, InstanceId, Name,
    Protocol), as Microsoft.Management.Infrastructure.CimSession prints.
    #>
    [CmdletBinding()]
    param([string[]]$ComputerName, [pscredential]$Credential, [uint32]$OperationTimeoutSec)
    $id = 0
    foreach ($name in $ComputerName) {
        $id++
        Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{ Id = $id; Name = 'CimSession' + $id; InstanceId = [guid]::NewGuid(); ComputerName = $name; Protocol = 'WSMAN' }) 'Microsoft.Management.Infrastructure.CimSession'
    }
}

function Get-ShapeUal {
    <#
    .SYNOPSIS
    Get-UalSystemId, Get-UalUserAccess, Get-UalDeviceAccess over -CimSession: examples/ual's rows
    of each session's server (matched on the host name), PSComputerName the name the session was
    opened with, as CIM sets it. Get-UalOverview: nothing (the example estate has no export of it).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][ValidateSet('SystemId', 'UserAccess', 'DeviceAccess', 'Overview')][string]$Kind, [object[]]$CimSession)
    if ($Kind -eq 'Overview') { return }
    $files = @{ SystemId = 'ual/ual-system-id.json'; UserAccess = 'ual/ual-user-access.json'; DeviceAccess = 'ual/ual-device-access.json' }
    $classes = @{ SystemId = 'MsftUal_SystemId'; UserAccess = 'MsftUal_UserAccess'; DeviceAccess = 'MsftUal_DeviceAccess' }
    foreach ($session in @($CimSession)) {
        $server = ([string]$session.ComputerName).Split('.')[0]
        foreach ($row in @(New-E2EUalRow -Path (Join-Path $script:MicrosoftShapesExamples $files[$Kind]) -Class $classes[$Kind])) {
            if (([string]$row.PSComputerName).Split('.')[0] -ne $server) { continue }
            $row.PSComputerName = [string]$session.ComputerName
            $row
        }
    }
}

function Get-ShapeADComputer {
    <#
    .SYNOPSIS
    Get-ADComputer (ActiveDirectory module): the servers of examples/ual, with the default
    properties (DistinguishedName, DNSHostName, Enabled, Name, ObjectClass, ObjectGUID,
    SamAccountName, SID, UserPrincipalName).
    #>
    [CmdletBinding()]
    param([string]$Filter, [string]$SearchBase, [string[]]$Properties)
    $number = 1100
    foreach ($system in @(Read-MicrosoftShapeJson 'ual/ual-system-id.json')) {
        $number++
        $name = ([string]$system.SystemDNSHostName).Split('.')[0]
        Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{
                DistinguishedName = 'CN={0},OU=Servers,DC=contoso,DC=com' -f $name; DNSHostName = [string]$system.SystemDNSHostName; Enabled = $true
                Name = $name; ObjectClass = 'computer'; ObjectGUID = [guid]::NewGuid(); SamAccountName = $name + '$'
                SID = 'S-1-5-21-1004336348-1177238915-682003330-{0}' -f $number; UserPrincipalName = $null
            }) 'Microsoft.ActiveDirectory.Management.ADComputer'
    }
}

function Get-ShapeMailbox {
    <#
    .SYNOPSIS
    Get-Mailbox (Exchange): a mailbox per contoso user (Name, Alias, DisplayName,
    SamAccountName, UserPrincipalName, PrimarySmtpAddress, RecipientTypeDetails, ServerName).
    #>
    [CmdletBinding()]
    param([string]$Identity, $ResultSize, [string]$Filter)
    Read-MicrosoftShapeJson 'contoso/users.json' | ForEach-Object {
        Add-MicrosoftShapeTypeName ([pscustomobject][ordered]@{
                Name = [string]$_.SamAccountName; Alias = [string]$_.SamAccountName; DisplayName = [string]$_.DisplayName
                SamAccountName = [string]$_.SamAccountName; UserPrincipalName = [string]$_.UserPrincipalName
                PrimarySmtpAddress = [string]$_.UserPrincipalName; RecipientTypeDetails = 'UserMailbox'; ServerName = 'exch01'
            }) 'Microsoft.Exchange.Data.Directory.Management.Mailbox'
    }
}

function Get-MicrosoftShapeMock {
    <#
    .SYNOPSIS
    Command name -> mock body answering with the shapes above. Bodies run in the test script's
    scope (Pester binds them there), where this file's functions are.
    #>
    [ordered]@{
        'Get-CsUser'                      = { Get-ShapeCsUser @PesterBoundParameters }
        'Get-CsConferencingPolicy'        = { Get-ShapeCsConferencingPolicy @PesterBoundParameters }
        'Get-CsVoicePolicy'               = { Get-ShapeCsVoicePolicy @PesterBoundParameters }
        'Get-CsPool'                      = { Get-ShapeCsPool @PesterBoundParameters }
        'Get-CsSite'                      = { Get-ShapeCsSite @PesterBoundParameters }
        'Get-CsCommonAreaPhone'           = { Get-ShapeCsDevice -File 'contoso/common-area-phones.json' }
        'Get-CsAnalogDevice'              = { Get-ShapeCsDevice -File 'contoso/analog-devices.json' }
        'Get-CsMeetingRoom'               = { Get-ShapeCsDevice -File 'contoso/meeting-rooms.json' }
        'Get-CsRgsAgentGroup'             = { Get-ShapeCsRgsAgentGroup @PesterBoundParameters }
        'Get-CsService'                   = { Get-ShapeCsService @PesterBoundParameters }
        # https://learn.microsoft.com/en-us/powershell/module/skype/Get-CsServerVersion: one line of text.
        'Get-CsServerVersion'             = { 'Skype for Business Server 2015 (6.0.9319.0): Volume license key installed.' }
        'Get-CsOnlineUser'                = { Get-ShapeCsOnlineUser @PesterBoundParameters }
        'Get-CsPhoneNumberAssignment'     = { Get-ShapeCsPhoneNumberAssignment @PesterBoundParameters }
        'Get-CsOnlineApplicationInstance' = { Get-ShapeCsOnlineApplicationInstance @PesterBoundParameters }
        'Get-CsTeamsIPPhonePolicy'        = { Get-ShapeCsTeamsIPPhonePolicy @PesterBoundParameters }
        'Get-CsOnlineVoiceRoutingPolicy'  = { Get-ShapeTeamsConfiguration -File 'teams/teams-voice-routing-policies.json' @PesterBoundParameters }
        'Get-CsOnlineVoiceRoute'          = { Get-ShapeTeamsConfiguration -File 'teams/teams-voice-routes.json' @PesterBoundParameters }
        'Get-CsTeamsSharedCallingRoutingPolicy' = { Get-ShapeTeamsConfiguration -File 'teams/teams-shared-calling-policies.json' @PesterBoundParameters }
        'Get-CsCallQueue'                 = { Get-ShapeCsCallQueue @PesterBoundParameters }
        'Get-MgUser'                      = { Get-ShapeMgUser @PesterBoundParameters }
        'Get-MgSubscribedSku'             = { Get-ShapeMgSubscribedSku @PesterBoundParameters }
        'New-CimSession'                  = { New-ShapeCimSession @PesterBoundParameters }
        'Remove-CimSession'               = { $null = $PesterBoundParameters }
        'Get-UalSystemId'                 = { Get-ShapeUal -Kind SystemId -CimSession $CimSession }
        'Get-UalUserAccess'               = { Get-ShapeUal -Kind UserAccess -CimSession $CimSession }
        'Get-UalDeviceAccess'             = { Get-ShapeUal -Kind DeviceAccess -CimSession $CimSession }
        'Get-UalOverview'                 = { Get-ShapeUal -Kind Overview -CimSession $CimSession }
        'Get-ADComputer'                  = { Get-ShapeADComputer @PesterBoundParameters }
        'Get-Mailbox'                     = { Get-ShapeMailbox @PesterBoundParameters }
        'Get-AutomationPSCredential'      = { New-Object System.Management.Automation.PSCredential ('licenseaudit', (ConvertTo-SecureString 'S3cret!pass' -AsPlainText -Force)) }
        'Get-Credential'                  = { New-Object System.Management.Automation.PSCredential ('licenseaudit', (ConvertTo-SecureString 'S3cret!pass' -AsPlainText -Force)) }
        'Connect-MicrosoftTeams'          = { [pscustomobject]@{ Account = $ApplicationId; Environment = 'AzureCloud'; Tenant = $TenantId; TenantId = $TenantId } }
        # State-changing cmdlets change nothing, but refuse what the real ones refuse (a user or
        # policy that does not exist, a policy that does); tests assert how they were called.
        'Grant-CsConferencingPolicy'      = {
            $null = Get-ShapeCsUser -Identity $Identity -ErrorAction Stop
            if ($PolicyName) { $null = Get-ShapeCsConferencingPolicy -Identity $PolicyName -ErrorAction Stop }
        }
        'New-CsConferencingPolicy'        = {
            if (@(Get-ShapeCsConferencingPolicy -Identity $Identity -ErrorAction SilentlyContinue).Count) { throw "Cannot create policy ""$Identity"" because it already exists." }
        }
    }
}
