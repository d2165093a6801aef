# The "Get-CsOnlineUser on stdin" run behind Test-TeamsLicenseAssignment (`license-audit teams
# assignments --online-users -`), and the small inputs it reads first: phone number assignments
# (paged from Get-CsPhoneNumberAssignment), resource accounts, voice routing policies and routes,
# Shared Calling policies, call queues (paged from Get-CsCallQueue), and the licence data
# (Microsoft Graph: the users' AssignedLicenses and the tenant's SKUs). Accounts are converted by
# ConvertTo-LicenseAuditTeamsUser (Private/UcInput.ps1): lists stay lists, policies stay
# {Authority, Name} objects, a property the object does not have is left out (the engine then
# says which rule it could not decide), never sent empty.

# What the audit reads of each account (native/src/m365/online_user.rs, native/src/teams/rules.rs):
# what is sent, and (less ObjectId, see Get-LicenseAuditTeamsUserQuery) what Get-CsOnlineUser is
# asked for with -Properties.
$script:TeamsAssignmentUserProperties = @(
    'UserPrincipalName', 'Identity', 'ObjectId', 'DisplayName', 'AccountEnabled', 'AccountType',
    'InterpretedUserType', 'EnterpriseVoiceEnabled', 'FeatureTypes', 'AssignedPlan', 'LineUri',
    'SoftDeletionTimestamp', 'OnlineVoiceRoutingPolicy', 'TeamsSharedCallingRoutingPolicy'
)
# What the audit reads of the voice routing configuration, the Shared Calling policies and the
# call queues (input types TeamsVoiceRoutingPolicy, TeamsVoiceRoute, TeamsSharedCallingPolicy,
# TeamsCallQueue): `license-audit schema <type>`.
$script:TeamsVoiceRoutingPolicyProperties = @('Identity', 'OnlinePstnUsages')
$script:TeamsVoiceRouteProperties = @('Identity', 'NumberPattern', 'OnlinePstnUsages', 'OnlinePstnGatewayList', 'Priority')
$script:TeamsSharedCallingPolicyProperties = @('Identity', 'ResourceAccount', 'EmergencyNumbers')
$script:TeamsCallQueueProperties = @('Identity', 'Name', 'Agents', 'Users', 'DistributionLists', 'ChannelId', 'AgentsCapped', 'AgentsInSyncWithDistributionLists')
# Get-CsCallQueue returns the first 100 queues unless -First says otherwise; -Skip pages
# (Microsoft Learn, Get-CsCallQueue).
$script:TeamsCallQueuePageSize = 100
# What the audit reads of Get-CsPhoneNumberAssignment (input type TeamsPhoneNumberAssignment).
$script:TeamsPhoneNumberProperties = @('TelephoneNumber', 'NumberType', 'AssignedPstnTargetId', 'PstnAssignmentStatus')
# Get-CsPhoneNumberAssignment returns 500 numbers unless -Top says otherwise, and at most 1000 per
# call; beyond that, -Skip pages (Microsoft Learn, Get-CsPhoneNumberAssignment).
$script:TeamsPhoneNumberPageSize = 1000
# Record types of `teams assignments`: the findings go down the pipeline, the summary to -Summary
# or -SummaryVariable.
$script:TeamsAssignmentFindingType = 'TeamsAssignmentFinding'
$script:TeamsAssignmentSummaryType = 'TeamsAssignmentSummary'

function Get-LicenseAuditTeamsUserQuery {
    <#
    .SYNOPSIS
    The parameters for Get-CsOnlineUser: -Properties with what the audit reads (-Property; by
    default what `teams assignments` reads) when the installed MicrosoftTeams module has that
    parameter (6.9.0 and later), nothing otherwise (every property).
    .DESCRIPTION
    ObjectId is not asked for: the modules that have -Properties identify an account by Identity
    (its object id) and have no ObjectId property. It is still sent when an object has it (older
    modules' exports).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([string[]]$Property = $script:TeamsAssignmentUserProperties)
    $query = @{}
    $command = Get-LicenseAuditCommand -Name Get-CsOnlineUser
    if ($command -and $command.Parameters.ContainsKey('Properties')) {
        $query.Properties = (@($Property | Where-Object { $_ -ne 'ObjectId' }) -join ',')
    }
    $query
}

function Get-LicenseAuditTeamsPage {
    <#
    .SYNOPSIS
    Reads every object of a paged MicrosoftTeams cmdlet (Get-CsPhoneNumberAssignment -Top/-Skip,
    Get-CsCallQueue -First/-Skip) and returns each as the record -Convert makes, once per -Key.
    .DESCRIPTION
    Paging ends at the first page shorter than the page size, or at a page that brings no new
    record (a module that ignores -Skip would otherwise loop forever). A module without the size
    parameter or -Skip is called once, with a warning when that returns exactly -DefaultLimit
    objects (there may be more). A failed call stops the run (-ErrorAction Stop): these cmdlets
    report a failed request as a non-terminating error and return nothing, which would end the
    paging early and audit a partial list. Nothing when the cmdlet is not there.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)][string]$CommandName,
        # The page-size parameter: Top (Get-CsPhoneNumberAssignment) or First (Get-CsCallQueue).
        [Parameter(Mandatory)][string]$SizeParameter,
        [Parameter(Mandatory)][int]$PageSize,
        [Parameter(Mandatory)][int]$DefaultLimit,
        [Parameter(Mandatory)][string]$Noun,
        [Parameter(Mandatory)][string]$Key,
        [Parameter(Mandatory)][scriptblock]$Convert,
        # What the warning says is lost without paging, and what to do.
        [Parameter(Mandatory)][string]$Remedy
    )
    $command = Get-LicenseAuditCommand -Name $CommandName
    if (-not $command) { return }
    $seen = New-Object 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
    if (-not ($command.Parameters.ContainsKey($SizeParameter) -and $command.Parameters.ContainsKey('Skip'))) {
        $all = @(& $CommandName -ErrorAction Stop)
        if ($all.Count -eq $DefaultLimit) {
            $Cmdlet.WriteWarning(('{0} returned exactly {1} {2}, its default limit, and this MicrosoftTeams module has no -{3} / -Skip to page: {4}' -f
                    $CommandName, $DefaultLimit, $Noun, $SizeParameter, $Remedy))
        }
        foreach ($item in $all) {
            $record = & $Convert $item
            if ($null -ne $record -and $seen.Add([string]$record.$Key)) { $record }
        }
        return
    }
    $skip = 0
    while ($true) {
        $arguments = @{ $SizeParameter = $PageSize; Skip = $skip; ErrorAction = 'Stop' }
        $page = @(& $CommandName @arguments)
        $new = 0
        foreach ($item in $page) {
            $record = & $Convert $item
            if ($null -eq $record) { continue }
            if ($seen.Add([string]$record.$Key)) {
                $new++
                $record
            }
        }
        Write-Verbose ("{0} -{1} {2} -Skip {3}: {4} {5}, {6} new." -f $CommandName, $SizeParameter, $PageSize, $skip, $page.Count, $Noun, $new)
        if ($page.Count -lt $PageSize -or $new -eq 0) { break }
        $skip += $page.Count
    }
}

function Get-LicenseAuditTeamsPhoneNumber {
    <#
    .SYNOPSIS
    Every phone number assignment of the tenant from Get-CsPhoneNumberAssignment, page by page
    (-Top 1000, -Skip), as records of the four properties the audit reads.
    .DESCRIPTION
    One call returns 500 numbers by default and 1000 at most, so a tenant with more needs -Skip.
    Paging ends at the first page shorter than the page size. The numbers come sorted by
    TelephoneNumber; one that shifts between pages while the tenant changes is kept once, and a
    page that brings no new number ends the paging (a module that ignores -Skip would otherwise
    loop forever). A module without -Top / -Skip is called once, with a warning when that returns
    exactly 500 numbers (the default limit: there may be more). A failed call stops the run
    (-ErrorAction Stop): the MicrosoftTeams cmdlets report a failed request as a non-terminating
    error and return nothing, which would end the paging early and audit a partial number list.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The calling cmdlet's $PSCmdlet: the warning is written through it.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [ValidateRange(1, 1000)]
        [int]$PageSize = $script:TeamsPhoneNumberPageSize
    )
    Get-LicenseAuditTeamsPage -Cmdlet $Cmdlet -CommandName Get-CsPhoneNumberAssignment -SizeParameter Top -PageSize $PageSize -DefaultLimit 500 `
        -Noun 'numbers' -Key TelephoneNumber -Convert { param($Item) ConvertTo-LicenseAuditTeamsPhoneNumber -InputObject $Item } `
        -Remedy 'numbers beyond the first 500 are not in the audit. Update the MicrosoftTeams module, or pass every number with -PhoneNumberAssignment.'
}

function ConvertTo-LicenseAuditTeamsPhoneNumber {
    <#
    .SYNOPSIS
    One Get-CsPhoneNumberAssignment object as the record the audit reads: TelephoneNumber,
    NumberType, AssignedPstnTargetId, PstnAssignmentStatus (enums and ids as text); $null for an
    object without a TelephoneNumber property.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        if ($null -eq $InputObject) { return }
        if (-not $InputObject.PSObject.Properties['TelephoneNumber']) { return }
        $record = [ordered]@{}
        foreach ($name in $script:TeamsPhoneNumberProperties) {
            $member = $InputObject.PSObject.Properties[$name]
            if (-not $member) { continue }
            $record[$name] = ConvertTo-LicenseAuditUcScalar $member.Value
        }
        [pscustomobject]$record
    }
}

function ConvertTo-LicenseAuditTeamsCallQueue {
    <#
    .SYNOPSIS
    One Get-CsCallQueue object as the record the audit reads: Identity, Name, Agents (the ObjectId
    of each agent), Users, DistributionLists, ChannelId, AgentsCapped,
    AgentsInSyncWithDistributionLists; ids as text, a property the object lacks left out. $null
    for an object that is no call queue (no Identity).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        if ($null -eq $InputObject) { return }
        if (-not $InputObject.PSObject.Properties['Identity']) { return }
        $record = [ordered]@{}
        foreach ($name in $script:TeamsCallQueueProperties) {
            $member = $InputObject.PSObject.Properties[$name]
            if (-not $member) { continue }
            $value = $member.Value
            if ($name -eq 'Agents') {
                # Each agent is {ObjectId, OptIn}; one read back from a shallow JSON export may be
                # its id already.
                $record[$name] = @(@($value) | Where-Object { $null -ne $_ } | ForEach-Object {
                        $id = $_
                        if ($_ -isnot [string] -and $_.PSObject.Properties['ObjectId']) { $id = $_.PSObject.Properties['ObjectId'].Value }
                        [string]$id
                    })
            }
            elseif ($name -eq 'Users' -or $name -eq 'DistributionLists') {
                $record[$name] = @(@($value) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
            }
            else {
                $record[$name] = ConvertTo-LicenseAuditUcScalar $value
            }
        }
        [pscustomobject]$record
    }
}

function Get-LicenseAuditTeamsCallQueue {
    <#
    .SYNOPSIS
    Every call queue of the tenant from Get-CsCallQueue, page by page (-First 100, -Skip), as
    records of the properties the audit reads.
    .DESCRIPTION
    One call returns the first 100 queues unless -First says otherwise. Paging ends at the first
    page shorter than the page size, or at a page that brings no new queue (a module that ignores
    -Skip). A module without -First / -Skip is called once, with a warning when that returns
    exactly 100 queues. A failed call stops the run (-ErrorAction Stop): agents of the queues not
    read would look like no one's agents.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The calling cmdlet's $PSCmdlet: the warning is written through it.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [ValidateRange(1, 1000)]
        [int]$PageSize = $script:TeamsCallQueuePageSize
    )
    Get-LicenseAuditTeamsPage -Cmdlet $Cmdlet -CommandName Get-CsCallQueue -SizeParameter First -PageSize $PageSize -DefaultLimit $PageSize `
        -Noun 'call queues' -Key Identity -Convert { param($Item) ConvertTo-LicenseAuditTeamsCallQueue -InputObject $Item } `
        -Remedy ('agents of queues beyond the first {0} are not known. Update the MicrosoftTeams module, or pass every queue with -CallQueue.' -f $PageSize)
}

function ConvertTo-LicenseAuditTeamsLicenseObject {
    <#
    .SYNOPSIS
    A hashtable or [ordered] dictionary as an object whose keys are its properties; anything else
    as it is (what the licence converters read with Get-LicenseAuditUcMember).
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param([AllowNull()][object]$InputObject)
    if ($InputObject -is [System.Collections.IDictionary]) { return (New-Object -TypeName psobject -Property $InputObject) }
    $InputObject
}

function ConvertTo-LicenseAuditTeamsUserLicense {
    <#
    .SYNOPSIS
    One user's licences as the record the audit reads (input type M365UserLicenses):
    UserPrincipalName and AssignedLicenses (each licence's SkuId, SkuPartNumber when the object
    has it, DisabledPlans), or a row's SkuId / SkuPartNumber; ids as text. $null for an object
    without a UserPrincipalName.
    .DESCRIPTION
    Takes Get-MgUser objects (Microsoft Graph PowerShell, asked with -Property
    UserPrincipalName,AssignedLicenses: AssignedLicenses is a list of
    MicrosoftGraphAssignedLicense, {SkuId, DisabledPlans}), the same read back with
    ConvertFrom-Json or Import-Clixml, or rows of UserPrincipalName, SkuId, SkuPartNumber. Only
    the UPN and the SKUs go to the run's temporary file. A licence that is text (a bare SkuId, or
    a type name a shallow ConvertTo-Json left) is sent as text: the engine takes a GUID as a
    SkuId and refuses anything else, naming the record.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        $user = ConvertTo-LicenseAuditTeamsLicenseObject $InputObject
        if ($null -eq $user) { return }
        $upn = [string](Get-LicenseAuditUcMember $user 'UserPrincipalName')
        if (-not $upn.Trim()) { return }
        $record = [ordered]@{ UserPrincipalName = $upn.Trim() }
        $member = $user.PSObject.Properties['AssignedLicenses']
        if ($member) {
            $record['AssignedLicenses'] = @(@($member.Value) | Where-Object { $null -ne $_ } | ForEach-Object {
                    if ($_ -is [string] -or $_ -is [guid]) { return [string]$_ }
                    $item = ConvertTo-LicenseAuditTeamsLicenseObject $_
                    $licence = [ordered]@{ SkuId = [string](Get-LicenseAuditUcMember $item 'SkuId') }
                    $part = Get-LicenseAuditUcMember $item 'SkuPartNumber'
                    if ($null -ne $part) { $licence['SkuPartNumber'] = [string]$part }
                    $licence['DisabledPlans'] = @(@(Get-LicenseAuditUcMember $item 'DisabledPlans') | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
                    [pscustomobject]$licence
                })
        }
        foreach ($name in 'SkuId', 'SkuPartNumber') {
            $value = Get-LicenseAuditUcMember $user $name
            if ($null -ne $value -and ([string]$value).Trim()) { $record[$name] = [string]$value }
        }
        [pscustomobject]$record
    }
}

function ConvertTo-LicenseAuditTeamsSubscribedSku {
    <#
    .SYNOPSIS
    One SKU of the tenant as the record the audit reads (input type M365SubscribedSku): SkuId,
    SkuPartNumber and ServicePlans (each plan's ServicePlanId, ServicePlanName, AppliesTo,
    ProvisioningStatus), or a row's ServicePlanId / ServicePlanName; ids as text. $null for an
    object with neither SkuId nor SkuPartNumber.
    .DESCRIPTION
    Takes Get-MgSubscribedSku objects (MicrosoftGraphSubscribedSku, ServicePlans a list of
    MicrosoftGraphServicePlanInfo), the same read back with ConvertFrom-Json or Import-Clixml, or
    rows of one SKU and plan. ServicePlans null (asked away with -Property) is sent as null, so
    the engine refuses the SKU naming the property rather than read it as holding no plan.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        $sku = ConvertTo-LicenseAuditTeamsLicenseObject $InputObject
        if ($null -eq $sku) { return }
        $id = Get-LicenseAuditUcMember $sku 'SkuId'
        $part = Get-LicenseAuditUcMember $sku 'SkuPartNumber'
        if (-not ([string]$id).Trim() -and -not ([string]$part).Trim()) { return }
        $record = [ordered]@{ SkuId = [string]$id; SkuPartNumber = [string]$part }
        $member = $sku.PSObject.Properties['ServicePlans']
        if ($member) {
            if ($null -eq $member.Value) { $record['ServicePlans'] = $null }
            else {
                $record['ServicePlans'] = @(@($member.Value) | Where-Object { $null -ne $_ } | ForEach-Object {
                        if ($_ -is [string]) { return $_ }
                        $item = ConvertTo-LicenseAuditTeamsLicenseObject $_
                        $plan = [ordered]@{}
                        foreach ($name in 'ServicePlanId', 'ServicePlanName', 'AppliesTo', 'ProvisioningStatus') {
                            $value = Get-LicenseAuditUcMember $item $name
                            if ($null -ne $value) { $plan[$name] = [string]$value }
                        }
                        [pscustomobject]$plan
                    })
            }
        }
        foreach ($name in 'ServicePlanId', 'ServicePlanName') {
            $value = Get-LicenseAuditUcMember $sku $name
            if ($null -ne $value -and ([string]$value).Trim()) { $record[$name] = [string]$value }
        }
        [pscustomobject]$record
    }
}

function Expand-LicenseAuditTeamsInput {
    <#
    .SYNOPSIS
    The objects of a parameter, one level of arrays unrolled: on Windows PowerShell 5.1
    `(Get-Content x.json -Raw | ConvertFrom-Json)` inside @() or a pipeline is one array object.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param([AllowNull()][object[]]$InputObject)
    foreach ($item in $InputObject) {
        if ($null -eq $item) { continue }
        if ($item -is [System.Array]) {
            foreach ($inner in $item) { if ($null -ne $inner) { $inner } }
        }
        else {
            $item
        }
    }
}

function Send-LicenseAuditTeamsUser {
    <#
    .SYNOPSIS
    Streams Get-CsOnlineUser objects (only -Property of each) to a running, or not yet started,
    Get-CsOnlineUser-on-stdin run (`uc count --teams -`, `teams assignments --online-users -`)
    and emits whatever records are already back.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [AllowNull()]
        [object[]]$InputObject,
        [Parameter(Mandatory)]
        [string[]]$Property
    )
    # What the channel already took (LicenseAudit.EngineChannel.TrySend): only diagnostics, or the
    # end of the run, are left to do here.
    $status = $Session.Channel.Status
    if ($status -band 5) { Resolve-LicenseAuditNativeStatus -Session $Session -Status $status }
    if (-not ($status -band 2) -or $Session.Finished) { return }
    foreach ($user in (Expand-LicenseAuditTeamsInput -InputObject $InputObject)) {
        if ($null -eq $Session.Process) { Start-LicenseAuditStdinSession -Session $Session }
        # Converted by the channel (its Kind is TeamsUser, with the session's -InputProperty).
        Send-LicenseAuditNativeInput -Session $Session -InputObject $user -Record $user
    }
}

