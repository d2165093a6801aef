function Test-TeamsLicenseAssignment {
    <#
    .SYNOPSIS
    Finds Teams Phone and Calling Plan licences that are paid for but unusable as configured
    (waste), voice configured without a licence (broken), voice on a licence in grace (risk) and
    licences that may be in use to review (info), with the evidence for each, and the monthly
    waste.

    .DESCRIPTION
    Reads Get-CsOnlineUser objects (from the pipeline, or by calling Get-CsOnlineUser itself with
    only the properties the audit reads) and streams them to `license-audit teams assignments` one
    JSON line at a time on standard input (never through a temporary file).

    The pipeline carries one LicenseAudit.TeamsAssignmentFinding per problem of an account, so
    Export-Csv gets one kind of row: UserPrincipalName, Code, Severity (Waste, Broken, Risk,
    Info), Plans, ReclaimablePlans, Message and the Evidence it rests on (each cmdlet, property
    and value read; also as one line of text in EvidenceText). The codes are stable:
    PhoneLicenseVoiceDisabled, PhoneLicenseNoNumberNoRouting, VoiceWithoutPhoneLicense,
    CallingPlanOnDirectRouting, CallingPlanBesideDirectRouting (Info: a Calling Plan that may
    still carry calls no Direct Routing route matches), ResourceAccountUserPhoneLicense,
    LicenseNotActiveVoiceEnabled, DisabledAccountPaidPlans and DeletedAccountPaidPlans
    (docs/contract.md, "teams assignments"). An account without findings writes nothing.

    Waste is only what the data proves. PhoneLicenseNoNumberNoRouting needs to know that the
    account has no other way to the PSTN: the Global voice routing policy's PSTN usages
    (-VoiceRoutingPolicy or -IncludeVoiceRoutingPolicy), the Shared Calling policies
    (-SharedCallingPolicy or -IncludeSharedCallingPolicy; a Shared Calling user has no number of
    its own) and the call queues (-CallQueue or -IncludeCallQueue; agents have none either).
    CallingPlanOnDirectRouting is Waste only when a voice route of the account's policy matches
    every number (-VoiceRoute or -IncludeVoiceRoute, with the policies); otherwise it is
    CallingPlanBesideDirectRouting (Info). Without those inputs nothing is guessed: the accounts
    they would decide are counted as undecided in the summary's Rules, which name what is
    missing.

    The summary (LicenseAudit.TeamsAssignmentSummary: accounts read and evaluated, findings per
    severity and code, every plan with its holders and reclaimable accounts, MonthlyWaste with
    -PricePath, and which rules ran or could not decide for lack of a property) is what -Summary
    emits instead, or what -SummaryVariable stores alongside the findings.

    What MonthlyWaste is depends on the licence data (the summary's WasteBasis and WasteNote say
    which). A plan inside a suite (Teams Phone in Microsoft 365 E5) cannot be returned alone, so
    without -UserLicense MonthlyWaste is plan value, not a saving (WasteBasis PlanValue). With
    -UserLicense (Get-MgUser objects with AssignedLicenses) and -SubscribedSku (Get-MgSubscribedSku
    objects: the plans of each SKU) it prices only the reclaimable plans bought as a SKU of their
    own (WasteBasis Saving); the plans inside suites and those the licence data does not place are
    valued apart (MonthlyValueInSuites, MonthlyValueUnknown, and per plan ReclaimableSeparate,
    ReclaimableInSuite, ReclaimableUnknown), and each Waste finding's ReclaimableVia (also as
    ReclaimableViaText) says how each of its plans is held: a SKU of its own to return, a suite to
    change, or why it is not known.

    CallingPlanOnDirectRouting needs the tenant's phone number assignments (-PhoneNumberAssignment
    or -IncludePhoneNumberAssignment); without them that rule does not run and the summary's Rules
    say so. Get-CsPhoneNumberAssignment returns 500 numbers per call by default, so
    -IncludePhoneNumberAssignment pages through them with -Top 1000 and -Skip. The phone numbers
    and the other configuration inputs are read before the accounts, so they go to temporary
    files owned by the run and deleted when it ends, each with only what the audit reads: of the
    numbers TelephoneNumber, NumberType, AssignedPstnTargetId and PstnAssignmentStatus; of the
    resource accounts UserPrincipalName, ObjectId, ApplicationId and DisplayName; of the voice
    routing policies Identity and OnlinePstnUsages; of the voice routes Identity, NumberPattern,
    OnlinePstnUsages, OnlinePstnGatewayList and Priority; of the Shared Calling policies Identity,
    ResourceAccount and EmergencyNumbers; of the call queues Identity, Name, the agents' ObjectId,
    Users, DistributionLists, ChannelId, AgentsCapped and AgentsInSyncWithDistributionLists.
    Get-CsCallQueue returns 100 queues per call by default, so -IncludeCallQueue pages through
    them with -First 100 and -Skip. Of -UserLicense only each user's UserPrincipalName and SKUs
    (SkuId, SkuPartNumber, DisabledPlans) go to a temporary file, of -SubscribedSku each SKU's
    SkuId, SkuPartNumber and its plans' ServicePlanId, ServicePlanName, AppliesTo and
    ProvisioningStatus.

    A bad Get-CsOnlineUser record (or a UserPrincipalName seen twice) is a non-terminating error
    whose TargetObject is the object piped in; the others are still audited. A bad price list,
    phone number export or -SubscribedSku object stops the run before any finding (non-terminating
    LicenseAudit.InvalidInput errors naming file, record and property); a bad -UserLicense object
    is reported and its account's plans are not placed, and -UserLicense objects none of which
    reads stop the run. An error of a MicrosoftTeams cmdlet this cmdlet calls
    (Get-CsOnlineUser, Get-CsPhoneNumberAssignment, Get-CsOnlineApplicationInstance,
    Get-CsOnlineVoiceRoutingPolicy, Get-CsOnlineVoiceRoute, Get-CsTeamsSharedCallingRoutingPolicy,
    Get-CsCallQueue: not connected, a failed request) is a terminating error: they report it as
    non-terminating and return nothing, and a partial read would give wrong findings. Wraps `license-audit teams
    assignments --online-users -`.

    .PARAMETER InputObject
    Get-CsOnlineUser objects (live, or read back with Import-Clixml or ConvertFrom-Json; they need
    AssignedPlan). When none are piped, Get-CsOnlineUser is called (with -Properties when the
    installed MicrosoftTeams module has it; without the module that is a terminating error,
    LicenseAudit.TeamsCmdletsNotFound). An empty pipeline means no accounts.

    .PARAMETER PhoneNumberAssignment
    Get-CsPhoneNumberAssignment objects: every number of the tenant and its type (Direct Routing,
    Calling Plan, Operator Connect). Given, even empty, the Calling Plan rule runs.

    .PARAMETER IncludePhoneNumberAssignment
    Call Get-CsPhoneNumberAssignment (page by page: -Top 1000, -Skip) to read the phone number
    assignments. Ignored when -PhoneNumberAssignment is given.

    .PARAMETER ResourceAccount
    Get-CsOnlineApplicationInstance objects: accounts listed there are resource accounts whatever
    their AccountType says (older modules show some as User).

    .PARAMETER IncludeResourceAccount
    Call Get-CsOnlineApplicationInstance to read the resource accounts. Ignored when
    -ResourceAccount is given.

    .PARAMETER VoiceRoutingPolicy
    Get-CsOnlineVoiceRoutingPolicy objects (Identity, OnlinePstnUsages). Given, even empty, an
    account whose policy is Global is decided by whether Global holds a PSTN usage; with
    -VoiceRoute, whether a Calling Plan beside Direct Routing numbers carries any call.

    .PARAMETER IncludeVoiceRoutingPolicy
    Call Get-CsOnlineVoiceRoutingPolicy to read the voice routing policies. Ignored when
    -VoiceRoutingPolicy is given.

    .PARAMETER VoiceRoute
    Get-CsOnlineVoiceRoute objects (Identity, NumberPattern, OnlinePstnUsages,
    OnlinePstnGatewayList, Priority): a route matching every number (.*) makes a Calling Plan
    beside Direct Routing numbers waste.

    .PARAMETER IncludeVoiceRoute
    Call Get-CsOnlineVoiceRoute to read the voice routes. Ignored when -VoiceRoute is given.

    .PARAMETER SharedCallingPolicy
    Get-CsTeamsSharedCallingRoutingPolicy objects (Identity, ResourceAccount): whether the Global
    policy makes every voice user without a number a Shared Calling user.

    .PARAMETER IncludeSharedCallingPolicy
    Call Get-CsTeamsSharedCallingRoutingPolicy to read the Shared Calling policies. Ignored when
    -SharedCallingPolicy is given.

    .PARAMETER CallQueue
    Get-CsCallQueue objects (every queue; Agents, Users): call queue agents need Teams Phone and
    voice but no number of their own.

    .PARAMETER IncludeCallQueue
    Call Get-CsCallQueue (page by page: -First 100, -Skip) to read the call queues. Ignored when
    -CallQueue is given.

    .PARAMETER PricePath
    A CSV price list with columns Plan (an AssignedPlan Capability such as MCOEV or MCOPSTN1) and
    MonthlyPrice (12.50: a dot, no currency sign): the summary then gives the monthly waste per
    plan and in all. One file; a path that matches none is a terminating error,
    LicenseAudit.PathNotFound, before anything is read.

    .PARAMETER UserLicense
    The users' licences: Get-MgUser objects asked with -Property UserPrincipalName,AssignedLicenses
    (Get-MgUser returns AssignedLicenses only when asked; without it every user holds none and a
    warning says so), read back with ConvertFrom-Json or Import-Clixml, or rows of
    UserPrincipalName, SkuId, SkuPartNumber. With them MonthlyWaste is a saving (WasteBasis
    Saving): only plans bought as a SKU of their own are priced. An account they do not list (a
    soft-deleted one: Get-MgUser does not return it) has its plans counted as not placed, with a
    warning. Alias: -LicenseData (as Get-TeamsLicenseCount names the same objects).

    .PARAMETER SubscribedSku
    Get-MgSubscribedSku objects (Get-MgSubscribedSku -All): which service plans each SKU of the
    tenant holds, so that a SKU holding only Teams Phone tells from Microsoft 365 E5. Without them
    only a SKU whose SkuPartNumber is the plan's name (MCOEV, MCOPSTN2) is placed; alone, without
    -UserLicense, they change nothing (a warning says so).

    .PARAMETER Summary
    Emit the LicenseAudit.TeamsAssignmentSummary record instead of the findings.

    .PARAMETER SummaryVariable
    Store the LicenseAudit.TeamsAssignmentSummary record in this variable (name without $), while
    the findings go down the pipeline. $null when the run wrote no summary (a bad price list).

    .EXAMPLE
    Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath .\teams-prices.csv -SummaryVariable summary

    After Connect-MicrosoftTeams: every finding of the tenant, with everything the rules can use
    to decide (phone numbers, resource accounts, voice routing, Shared Calling, call queues);
    then $summary.MonthlyWaste is what the reclaimable plans are worth per month and $summary.Rules
    says whether any account was left undecided (MonthlyWaste is plan value here, not a saving:
    without -UserLicense a plan inside a suite is priced too; see the last example).

    .EXAMPLE
    Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount | Where-Object Severity -eq 'Waste' | Export-Csv teams-waste.csv -NoTypeInformation -Encoding UTF8

    The licences to take back, one row per finding (plans and evidence as text in PlansText,
    ReclaimablePlansText and EvidenceText).

    .EXAMPLE
    Get-Content .\teams.json -Raw | ConvertFrom-Json | Test-TeamsLicenseAssignment -PhoneNumberAssignment (Get-Content .\teams-phone-numbers.json -Raw | ConvertFrom-Json) -PricePath .\teams-prices.csv -Summary

    Offline, on exports made elsewhere (Get-CsOnlineUser | ConvertTo-Json -Depth 5 and
    Get-CsPhoneNumberAssignment -Top 1000 | ConvertTo-Json): the summary only.

    .EXAMPLE
    Import-Clixml .\teams-users.xml | Test-TeamsLicenseAssignment -ResourceAccount (Import-Clixml .\teams-resource-accounts.xml) | Group-Object Code | Sort-Object Count -Descending

    Accounts exported with Get-CsOnlineUser | Export-Clixml (on a machine with the MicrosoftTeams
    module) audited elsewhere: how many findings of each kind.

    .EXAMPLE
    $summary = Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -IncludeVoiceRoutingPolicy -IncludeVoiceRoute -IncludeSharedCallingPolicy -IncludeCallQueue -PricePath .\teams-prices.csv -UserLicense (Get-MgUser -All -Property UserPrincipalName,AssignedLicenses) -SubscribedSku (Get-MgSubscribedSku -All) -Summary; $summary | Format-List WasteBasis, MonthlyWaste, MonthlyValueInSuites, MonthlyValueUnknown, WasteNote

    After Connect-MicrosoftTeams and Connect-MgGraph (scopes User.Read.All and
    LicenseAssignment.Read.All): MonthlyWaste is what returning the separately bought plans saves
    each month; Teams Phone inside Microsoft 365 E5 is in MonthlyValueInSuites instead, and the
    plans of accounts Get-MgUser does not return in MonthlyValueUnknown.

    .INPUTS
    Get-CsOnlineUser objects (any object with UserPrincipalName, AssignedPlan,
    EnterpriseVoiceEnabled, ...).

    .OUTPUTS
    LicenseAudit.TeamsAssignmentFinding, or LicenseAudit.TeamsAssignmentSummary with -Summary.

    .LINK
    Get-TeamsLicenseCount

    .LINK
    Export-LicenseAuditReport

    .LINK
    https://github.com/licenseaudit/LicenseAudit/blob/main/docs/teams-assignments.md#the-cmdlet-test-teamslicenseassignment
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/teams-assignments.md#the-cmdlet-test-teamslicenseassignment')]
    [OutputType('LicenseAudit.TeamsAssignmentFinding', 'LicenseAudit.TeamsAssignmentSummary')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [AllowEmptyCollection()]
        [object[]]$PhoneNumberAssignment,
        [switch]$IncludePhoneNumberAssignment,
        [AllowEmptyCollection()]
        [object[]]$ResourceAccount,
        [switch]$IncludeResourceAccount,
        [AllowEmptyCollection()]
        [object[]]$VoiceRoutingPolicy,
        [switch]$IncludeVoiceRoutingPolicy,
        [AllowEmptyCollection()]
        [object[]]$VoiceRoute,
        [switch]$IncludeVoiceRoute,
        [AllowEmptyCollection()]
        [object[]]$SharedCallingPolicy,
        [switch]$IncludeSharedCallingPolicy,
        [AllowEmptyCollection()]
        [object[]]$CallQueue,
        [switch]$IncludeCallQueue,
        [Alias('PricesPath')]
        [ValidateNotNullOrEmpty()]
        [string]$PricePath,
        [Alias('LicenseData')]
        [AllowEmptyCollection()]
        [object[]]$UserLicense,
        [AllowEmptyCollection()]
        [object[]]$SubscribedSku,
        [switch]$Summary,
        [ValidateNotNullOrEmpty()]
        [string]$SummaryVariable
    )
    begin {
        # Checked first: a wrong path stops the audit before the tenant is read.
        $arguments = @()
        if ($PSBoundParameters.ContainsKey('PricePath')) {
            $arguments += @('--prices', (Resolve-LicenseAuditSingleFile -Cmdlet $PSCmdlet -ParameterName 'PricePath' -Path $PricePath `
                        -Suffix ' Give one price list file (CSV: Plan, MonthlyPrice); nothing was audited.'))
        }
        # Read Get-CsOnlineUser only when no accounts come from the pipeline or -InputObject (an
        # empty pipeline means "no accounts", not "all accounts").
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
        $readNumbers = $IncludePhoneNumberAssignment -and -not $PSBoundParameters.ContainsKey('PhoneNumberAssignment')
        $readResourceAccounts = $IncludeResourceAccount -and -not $PSBoundParameters.ContainsKey('ResourceAccount')
        $readRoutingPolicies = $IncludeVoiceRoutingPolicy -and -not $PSBoundParameters.ContainsKey('VoiceRoutingPolicy')
        $readRoutes = $IncludeVoiceRoute -and -not $PSBoundParameters.ContainsKey('VoiceRoute')
        $readSharedCalling = $IncludeSharedCallingPolicy -and -not $PSBoundParameters.ContainsKey('SharedCallingPolicy')
        $readQueues = $IncludeCallQueue -and -not $PSBoundParameters.ContainsKey('CallQueue')
        $needed = @()
        if ($gatherUsers) { $needed += 'Get-CsOnlineUser' }
        if ($readNumbers) { $needed += 'Get-CsPhoneNumberAssignment' }
        if ($readResourceAccounts) { $needed += 'Get-CsOnlineApplicationInstance' }
        if ($readRoutingPolicies) { $needed += 'Get-CsOnlineVoiceRoutingPolicy' }
        if ($readRoutes) { $needed += 'Get-CsOnlineVoiceRoute' }
        if ($readSharedCalling) { $needed += 'Get-CsTeamsSharedCallingRoutingPolicy' }
        if ($readQueues) { $needed += 'Get-CsCallQueue' }
        $missing = @($needed | Where-Object { -not (Get-LicenseAuditCommand -Name $_) })
        if ($missing.Count -gt 0) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'TeamsCmdletsNotFound' -Category ObjectNotFound -TargetObject $missing[0] `
                        -Message ('{0} is not available: install the MicrosoftTeams module and run Connect-MicrosoftTeams first, or pass exported objects (Import-Clixml, ConvertFrom-Json) to -InputObject, -PhoneNumberAssignment, -ResourceAccount, -VoiceRoutingPolicy, -VoiceRoute, -SharedCallingPolicy and -CallQueue.' -f ($missing -join ', '))))
        }

        # Read now, in memory; written to the engine only when the run starts.
        $configuration = [ordered]@{}
        if ($readNumbers) {
            $configuration['--phone-numbers'] = @(Get-LicenseAuditTeamsPhoneNumber -Cmdlet $PSCmdlet)
        }
        elseif ($PSBoundParameters.ContainsKey('PhoneNumberAssignment')) {
            $given = @(Expand-LicenseAuditTeamsInput -InputObject $PhoneNumberAssignment)
            $configuration['--phone-numbers'] = @($given | ConvertTo-LicenseAuditTeamsPhoneNumber)
            $dropped = $given.Count - $configuration['--phone-numbers'].Count
            if ($dropped -gt 0) {
                $PSCmdlet.WriteWarning(('{0} -PhoneNumberAssignment object(s) have no TelephoneNumber and were left out: pass Get-CsPhoneNumberAssignment output.' -f $dropped))
            }
        }
        if ($readResourceAccounts) {
            $ResourceAccount = @(Get-CsOnlineApplicationInstance -ErrorAction Stop)
        }
        if ($readResourceAccounts -or $PSBoundParameters.ContainsKey('ResourceAccount')) {
            $configuration['--resource-accounts'] = @(Expand-LicenseAuditTeamsInput -InputObject $ResourceAccount |
                    ConvertTo-LicenseAuditRecord -Property $script:UcApplicationInstanceProperties)
        }
        # The voice routing configuration and the Shared Calling policies: small, read whole.
        if ($readRoutingPolicies) { $VoiceRoutingPolicy = @(Get-CsOnlineVoiceRoutingPolicy -ErrorAction Stop) }
        if ($readRoutingPolicies -or $PSBoundParameters.ContainsKey('VoiceRoutingPolicy')) {
            $configuration['--voice-routing-policies'] = @(Expand-LicenseAuditTeamsInput -InputObject $VoiceRoutingPolicy |
                    ConvertTo-LicenseAuditRecord -Property $script:TeamsVoiceRoutingPolicyProperties)
        }
        if ($readRoutes) { $VoiceRoute = @(Get-CsOnlineVoiceRoute -ErrorAction Stop) }
        if ($readRoutes -or $PSBoundParameters.ContainsKey('VoiceRoute')) {
            $configuration['--voice-routes'] = @(Expand-LicenseAuditTeamsInput -InputObject $VoiceRoute |
                    ConvertTo-LicenseAuditRecord -Property $script:TeamsVoiceRouteProperties)
        }
        if ($readSharedCalling) { $SharedCallingPolicy = @(Get-CsTeamsSharedCallingRoutingPolicy -ErrorAction Stop) }
        if ($readSharedCalling -or $PSBoundParameters.ContainsKey('SharedCallingPolicy')) {
            $configuration['--shared-calling-policies'] = @(Expand-LicenseAuditTeamsInput -InputObject $SharedCallingPolicy |
                    ConvertTo-LicenseAuditRecord -Property $script:TeamsSharedCallingPolicyProperties)
        }
        if ($readQueues) {
            $configuration['--call-queues'] = @(Get-LicenseAuditTeamsCallQueue -Cmdlet $PSCmdlet)
        }
        elseif ($PSBoundParameters.ContainsKey('CallQueue')) {
            $configuration['--call-queues'] = @(Expand-LicenseAuditTeamsInput -InputObject $CallQueue | ConvertTo-LicenseAuditTeamsCallQueue)
        }
        # The licence data (Microsoft Graph): what decides whether the priced waste is a saving.
        if ($PSBoundParameters.ContainsKey('UserLicense')) {
            $given = @(Expand-LicenseAuditTeamsInput -InputObject $UserLicense)
            $configuration['--m365-licenses'] = @($given | ConvertTo-LicenseAuditTeamsUserLicense)
            $dropped = $given.Count - $configuration['--m365-licenses'].Count
            if ($dropped -gt 0) {
                $PSCmdlet.WriteWarning(('{0} -UserLicense object(s) have no UserPrincipalName and were left out: pass Get-MgUser -Property UserPrincipalName,AssignedLicenses output.' -f $dropped))
            }
        }
        if ($PSBoundParameters.ContainsKey('SubscribedSku')) {
            $given = @(Expand-LicenseAuditTeamsInput -InputObject $SubscribedSku)
            $configuration['--subscribed-skus'] = @($given | ConvertTo-LicenseAuditTeamsSubscribedSku)
            $dropped = $given.Count - $configuration['--subscribed-skus'].Count
            if ($dropped -gt 0) {
                $PSCmdlet.WriteWarning(('{0} -SubscribedSku object(s) have neither SkuId nor SkuPartNumber and were left out: pass Get-MgSubscribedSku output.' -f $dropped))
            }
        }

        $outputType = @($script:TeamsAssignmentFindingType)
        if ($Summary) { $outputType = @($script:TeamsAssignmentSummaryType) }
        $collectType = @()
        if ($SummaryVariable) { $collectType += $script:TeamsAssignmentSummaryType }
        $session = New-LicenseAuditNativeSession -Command 'teams', 'assignments' -Cmdlet $PSCmdlet -Activity 'Teams licence assignments' `
            -OutputType $outputType -CollectType $collectType -InputName 'pipeline accounts' -InputKind TeamsUser -InputProperty $script:TeamsAssignmentUserProperties -UnrollArrays
        $channel = $session.Channel
        $session.Pending = @{ StdinOption = '--online-users'; Configuration = $configuration; Arguments = $arguments; AllowEmpty = $true }
    }
    process {
        $completed = $false
        try {
            # One .NET call per account once the engine runs (Private/EngineChannel.cs); the first
            # account (which starts the engine), diagnostics and faults take the script path.
            $channel.TrySend($InputObject)
            if ($channel.Status) { Send-LicenseAuditTeamsUser -Session $session -InputObject $InputObject -Property $script:TeamsAssignmentUserProperties }
            $completed = $true
        }
        finally {
            # A stop (Select-Object -First, Ctrl+C, -ErrorAction Stop) skips end{}: end the engine now.
            if (-not $completed) { $session.Stop() }
        }
    }
    end {
        try {
            if ($gatherUsers) {
                $query = Get-LicenseAuditTeamsUserQuery
                # Stop: a failed request is a non-terminating error, and the audit of the accounts
                # read before it would pass for the whole tenant's.
                $session.Gathering = $true
                Get-CsOnlineUser @query -ErrorAction Stop | ForEach-Object {
                    $channel.TrySendOne($_)
                    if ($channel.Status) { Send-LicenseAuditTeamsUser -Session $session -InputObject $_ -Property $script:TeamsAssignmentUserProperties }
                }
            }
            # No accounts at all still starts the engine: it reports an empty audit.
            Start-LicenseAuditStdinSession -Session $session
            Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow
        }
        finally {
            $session.Stop()
        }
        if ($SummaryVariable) {
            $collected = @($session.Collected[$script:TeamsAssignmentSummaryType])
            $value = $null
            if ($collected.Count -gt 0) { $value = $collected[$collected.Count - 1] }
            $PSCmdlet.SessionState.PSVariable.Set($SummaryVariable, $value)
        }
        if ($session.Failure) { $PSCmdlet.ThrowTerminatingError($session.Failure) }
    }
}
