function Test-TeamsLicenseAssignment {
    <#
    .SYNOPSIS
    Finds Teams Phone and Calling Plan licences that are paid for but unusable as configured
    (waste), voice configured without a licence (broken), and voice on a licence in grace (risk),
    with the evidence for each, and the monthly waste.

    .DESCRIPTION
    Reads Get-CsOnlineUser objects (from the pipeline, or by calling Get-CsOnlineUser itself with
    only the properties the audit reads) and streams them to `license-audit teams assignments` one
    JSON line at a time on standard input (never through a temporary file).

    The pipeline carries one LicenseAudit.TeamsAssignmentFinding per problem of an account, so
    Export-Csv gets one kind of row: UserPrincipalName, Code, Severity (Waste, Broken, Risk),
    Plans, ReclaimablePlans, Message and the Evidence it rests on (each cmdlet, property and value
    read; also as one line of text in EvidenceText). The codes are stable:
    PhoneLicenseVoiceDisabled, PhoneLicenseNoNumberNoRouting, VoiceWithoutPhoneLicense,
    CallingPlanOnDirectRouting, ResourceAccountUserPhoneLicense, LicenseNotActiveVoiceEnabled,
    DisabledAccountPaidPlans and DeletedAccountPaidPlans (docs/contract.md, "teams assignments").
    An account without findings writes nothing.

    The summary (LicenseAudit.TeamsAssignmentSummary: accounts read and evaluated, findings per
    severity and code, every plan with its holders and reclaimable accounts, MonthlyWaste with
    -PricePath, and which rules ran or could not decide for lack of a property) is what -Summary
    emits instead, or what -SummaryVariable stores alongside the findings.

    CallingPlanOnDirectRouting needs the tenant's phone number assignments (-PhoneNumberAssignment
    or -IncludePhoneNumberAssignment); without them that rule does not run and the summary's Rules
    say so. Get-CsPhoneNumberAssignment returns 500 numbers per call by default, so
    -IncludePhoneNumberAssignment pages through them with -Top 1000 and -Skip. The phone numbers
    and resource accounts are read before the accounts, so they go to temporary files owned by the
    run and deleted when it ends: of the numbers only TelephoneNumber, NumberType,
    AssignedPstnTargetId and PstnAssignmentStatus are written, of the resource accounts only
    UserPrincipalName, ObjectId, ApplicationId and DisplayName.

    A bad Get-CsOnlineUser record (or a UserPrincipalName seen twice) is a non-terminating error
    whose TargetObject is the object piped in; the others are still audited. A bad price list or
    phone number export stops the run before any finding (non-terminating LicenseAudit.InvalidInput
    errors naming file, record and property). An error of Get-CsOnlineUser,
    Get-CsPhoneNumberAssignment or Get-CsOnlineApplicationInstance when this cmdlet calls them (not
    connected, a failed request) is a terminating error: they report it as non-terminating and
    return nothing, and a partial read would give wrong findings. Wraps `license-audit teams
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

    .PARAMETER PricePath
    A CSV price list with columns Plan (an AssignedPlan Capability such as MCOEV or MCOPSTN1) and
    MonthlyPrice (12.50: a dot, no currency sign): the summary then gives the monthly waste per
    plan and in all. One file; a path that matches none is a terminating error,
    LicenseAudit.PathNotFound, before anything is read.

    .PARAMETER Summary
    Emit the LicenseAudit.TeamsAssignmentSummary record instead of the findings.

    .PARAMETER SummaryVariable
    Store the LicenseAudit.TeamsAssignmentSummary record in this variable (name without $), while
    the findings go down the pipeline. $null when the run wrote no summary (a bad price list).

    .EXAMPLE
    Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount -PricePath .\teams-prices.csv -SummaryVariable summary

    After Connect-MicrosoftTeams: every finding of the tenant, with the phone numbers (for the
    Calling Plan rule) and the resource accounts; then $summary.MonthlyWaste is what the
    reclaimable plans cost per month.

    .EXAMPLE
    Test-TeamsLicenseAssignment -IncludePhoneNumberAssignment -IncludeResourceAccount | Where-Object Severity -eq 'Waste' | Export-Csv teams-waste.csv -NoTypeInformation

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
    https://github.com/licenseaudit/LicenseAudit/blob/main/docs/contract.md
    #>
    [CmdletBinding()]
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
        [Alias('PricesPath')]
        [ValidateNotNullOrEmpty()]
        [string]$PricePath,
        [switch]$Summary,
        [ValidateNotNullOrEmpty()]
        [string]$SummaryVariable
    )
    begin {
        # Checked first: a wrong path stops the audit before the tenant is read.
        $arguments = @()
        if ($PSBoundParameters.ContainsKey('PricePath')) {
            $prices = @()
            if (Test-Path -Path $PricePath -PathType Leaf) { $prices = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -Path $PricePath) }
            if ($prices.Count -ne 1) {
                $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $PricePath `
                            -ExceptionType 'System.IO.FileNotFoundException' `
                            -Message ("-PricePath '{0}' must name one price list file (CSV: Plan, MonthlyPrice); it matches {1}. Nothing was audited." -f $PricePath, $prices.Count)))
            }
            $arguments += @('--prices', $prices[0])
        }
        # Read Get-CsOnlineUser only when no accounts come from the pipeline or -InputObject (an
        # empty pipeline means "no accounts", not "all accounts").
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
        $readNumbers = $IncludePhoneNumberAssignment -and -not $PSBoundParameters.ContainsKey('PhoneNumberAssignment')
        $readResourceAccounts = $IncludeResourceAccount -and -not $PSBoundParameters.ContainsKey('ResourceAccount')
        $needed = @()
        if ($gatherUsers) { $needed += 'Get-CsOnlineUser' }
        if ($readNumbers) { $needed += 'Get-CsPhoneNumberAssignment' }
        if ($readResourceAccounts) { $needed += 'Get-CsOnlineApplicationInstance' }
        $missing = @($needed | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) })
        if ($missing.Count -gt 0) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'TeamsCmdletsNotFound' -Category ObjectNotFound -TargetObject $missing[0] `
                        -Message ('{0} is not available: install the MicrosoftTeams module and run Connect-MicrosoftTeams first, or pass exported objects (Import-Clixml, ConvertFrom-Json) to -InputObject, -PhoneNumberAssignment and -ResourceAccount.' -f ($missing -join ', '))))
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
