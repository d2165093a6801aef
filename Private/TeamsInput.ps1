# The "Get-CsOnlineUser on stdin" run behind Test-TeamsLicenseAssignment (`license-audit teams
# assignments --online-users -`), and the small inputs it reads first: phone number assignments
# (paged from Get-CsPhoneNumberAssignment), resource accounts, voice routing policies and routes,
# Shared Calling policies and call queues (paged from Get-CsCallQueue). Accounts are converted by
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
    $command = Get-Command Get-CsOnlineUser -ErrorAction SilentlyContinue
    if ($command -and $command.Parameters.ContainsKey('Properties')) {
        $query.Properties = (@($Property | Where-Object { $_ -ne 'ObjectId' }) -join ',')
    }
    $query
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
    $command = Get-Command Get-CsPhoneNumberAssignment -ErrorAction SilentlyContinue
    if (-not $command) { return }
    $seen = New-Object 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
    if (-not ($command.Parameters.ContainsKey('Top') -and $command.Parameters.ContainsKey('Skip'))) {
        $all = @(Get-CsPhoneNumberAssignment -ErrorAction Stop)
        if ($all.Count -eq 500) {
            $Cmdlet.WriteWarning('Get-CsPhoneNumberAssignment returned exactly 500 numbers, its default limit, and this MicrosoftTeams module has no -Top / -Skip to page: numbers beyond the first 500 are not in the audit. Update the MicrosoftTeams module, or pass every number with -PhoneNumberAssignment.')
        }
        foreach ($number in $all) {
            $record = ConvertTo-LicenseAuditTeamsPhoneNumber -InputObject $number
            if ($null -ne $record -and $seen.Add([string]$record.TelephoneNumber)) { $record }
        }
        return
    }
    $skip = 0
    while ($true) {
        $page = @(Get-CsPhoneNumberAssignment -Top $PageSize -Skip $skip -ErrorAction Stop)
        $new = 0
        foreach ($number in $page) {
            $record = ConvertTo-LicenseAuditTeamsPhoneNumber -InputObject $number
            if ($null -eq $record) { continue }
            if ($seen.Add([string]$record.TelephoneNumber)) {
                $new++
                $record
            }
        }
        Write-Verbose ("Get-CsPhoneNumberAssignment -Top {0} -Skip {1}: {2} number(s), {3} new." -f $PageSize, $skip, $page.Count, $new)
        if ($page.Count -lt $PageSize -or $new -eq 0) { break }
        $skip += $page.Count
    }
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
    $command = Get-Command Get-CsCallQueue -ErrorAction SilentlyContinue
    if (-not $command) { return }
    $seen = New-Object 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
    if (-not ($command.Parameters.ContainsKey('First') -and $command.Parameters.ContainsKey('Skip'))) {
        $all = @(Get-CsCallQueue -ErrorAction Stop)
        if ($all.Count -eq $PageSize) {
            $Cmdlet.WriteWarning(('Get-CsCallQueue returned exactly {0} call queues, its default limit, and this MicrosoftTeams module has no -First / -Skip to page: agents of queues beyond the first {0} are not known. Update the MicrosoftTeams module, or pass every queue with -CallQueue.' -f $PageSize))
        }
        foreach ($queue in $all) {
            $record = ConvertTo-LicenseAuditTeamsCallQueue -InputObject $queue
            if ($null -ne $record -and $seen.Add([string]$record.Identity)) { $record }
        }
        return
    }
    $skip = 0
    while ($true) {
        $page = @(Get-CsCallQueue -First $PageSize -Skip $skip -ErrorAction Stop)
        $new = 0
        foreach ($queue in $page) {
            $record = ConvertTo-LicenseAuditTeamsCallQueue -InputObject $queue
            if ($null -eq $record) { continue }
            if ($seen.Add([string]$record.Identity)) {
                $new++
                $record
            }
        }
        Write-Verbose ("Get-CsCallQueue -First {0} -Skip {1}: {2} queue(s), {3} new." -f $PageSize, $skip, $page.Count, $new)
        if ($page.Count -lt $PageSize -or $new -eq 0) { break }
        $skip += $page.Count
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

