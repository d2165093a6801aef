function Get-TeamsLicenseCount {
    <#
    .SYNOPSIS
    Counts Microsoft Teams voice-user licences, meeting rooms and common area phones the way
    VOSS Automate's license counting does, with the reasons behind every number.

    .DESCRIPTION
    Reads Get-CsOnlineUser objects (from the pipeline, or by calling Get-CsOnlineUser itself
    with only the properties the count needs) and streams them to `license-audit uc count` as
    the directory of a Teams-only estate, one JSON line at a time on standard input (never
    through a temporary file).

    The pipeline carries one LicenseAudit.UcUserLicense per account, so Export-Csv gets one kind
    of row: licensed when AccountEnabled and EnterpriseVoiceEnabled are true and FeatureTypes
    contains PhoneSystem but no TeamsRoom* value. Accounts that are meeting rooms (a TeamsRoom*
    feature), common area phones (an IP phone policy with SignInMode CommonAreaPhoneSignIn, or
    the Teams Shared Devices licence in -LicenseData), resource accounts, guests, disabled and
    soft-deleted accounts get a record saying what they are, and license nobody. Lists
    (LinkedServices, Reasons, Findings, Phones) also come as one line of text (ReasonsText, ...).

    The totals (LicenseAudit.UcLicenseTotal: user licences, meeting rooms, standalone devices,
    exclusions per reason) are what -Summary emits instead, or what -SummaryVariable stores
    alongside the records. The meeting rooms and common area phones themselves
    (LicenseAudit.UcMeetingRoom, LicenseAudit.UcDevice) go to -DetailVariable.

    A Get-CsOnlineUser object without FeatureTypes (an older MicrosoftTeams module) is never
    guessed: its licence is left undecided, the record says which rule could not be applied,
    and a warning says how many.

    The IP phone policies, resource accounts and Shared Devices licence holders are read before
    the accounts, so they go to temporary files owned by the run and deleted when it ends; of
    -LicenseData only the accounts holding the Shared Devices SKU are written there.

    For estates with Cisco services, Exchange or a separate user directory, export the data and
    use Get-UcLicenseCount. Wraps `license-audit uc count --teams -`.

    .PARAMETER InputObject
    Get-CsOnlineUser objects. When none are piped, Get-CsOnlineUser is called (with -Properties
    when the installed MicrosoftTeams module has it; without the module that is a terminating
    error, LicenseAudit.TeamsCmdletsNotFound). An empty pipeline means no accounts.

    .PARAMETER IpPhonePolicy
    Get-CsTeamsIPPhonePolicy objects. When not given and Get-CsOnlineUser is called here,
    Get-CsTeamsIPPhonePolicy is called too, so common area phones can be told from users.

    .PARAMETER ApplicationInstance
    Get-CsOnlineApplicationInstance objects: resource accounts, never counted as users.

    .PARAMETER IncludeApplicationInstances
    Call Get-CsOnlineApplicationInstance to find resource accounts (Get-CsOnlineUser's
    AccountType already marks most of them).

    .PARAMETER LicenseData
    Microsoft Graph users with their licences (Get-MgUser -All -Property
    UserPrincipalName,AssignedLicenses), or rows of UserPrincipalName, SkuId, SkuPartNumber:
    holders of the Teams Shared Devices SKU (MCOCAP) are common area phones.

    .PARAMETER Anonymous
    The anonymous audit file: no names of providers, resellers, customers or sites, and no
    identities (unless -PseudonymKeyVariable replaces them with pseudonyms).

    .PARAMETER PseudonymKeyVariable
    The name of an environment variable holding a key (at least 16 bytes): identities are
    replaced by HMAC-SHA256 pseudonyms, the same for the same key, so two audits can be compared
    without names. Only the variable's name is passed to the engine; the key never appears on a
    command line, in a file or in the output. A variable that is not set is a terminating error
    (LicenseAudit.PseudonymKeyNotSet).

    .PARAMETER Summary
    Emit the LicenseAudit.UcLicenseTotal records (the totals) instead of one record per account.

    .PARAMETER SummaryVariable
    Store the LicenseAudit.UcLicenseTotal records in this variable (name without $), while the
    per-account records go down the pipeline.

    .PARAMETER DetailVariable
    Store the other record types in this variable (name without $): a hashtable with keys
    UcDevice (common area phones), UcMeetingRoom and UcOrphanService.

    .EXAMPLE
    Get-TeamsLicenseCount -Summary

    The totals for the connected tenant: voice-user licences, meeting rooms, common area phones,
    and how many accounts were left out and why.

    .EXAMPLE
    Get-CsOnlineUser -Filter "EnterpriseVoiceEnabled -eq `$true" | Get-TeamsLicenseCount -IpPhonePolicy (Get-CsTeamsIPPhonePolicy) -SummaryVariable totals | Export-Csv teams-licences.csv -NoTypeInformation -Encoding UTF8

    Counts the Enterprise Voice accounts only, with the IP phone policies, saves one row per
    account (reasons as text in ReasonsText) and keeps the totals in $totals.

    .EXAMPLE
    Get-TeamsLicenseCount -DetailVariable detail | Where-Object Licensed | Measure-Object; $detail.UcMeetingRoom | Format-Table

    The licensed voice users, then the meeting rooms.

    .EXAMPLE
    Get-TeamsLicenseCount -Anonymous -PseudonymKeyVariable UC_AUDIT_KEY | Export-Csv anonymous.csv -NoTypeInformation -Encoding UTF8

    An anonymous audit whose accounts can still be matched with next month's run under the same
    key. Put the key into $env:UC_AUDIT_KEY first (from a vault, not typed into a script); the
    engine reads it from the environment it inherits.

    .INPUTS
    Get-CsOnlineUser objects (any object with UserPrincipalName, AccountEnabled,
    EnterpriseVoiceEnabled, FeatureTypes, ...).

    .OUTPUTS
    LicenseAudit.UcUserLicense (typed LicenseAudit.UcUserLicense#TeamsOnly first, for a table
    without the customer and Cisco columns: Username, Licensed, Excluded, Why), or
    LicenseAudit.UcLicenseTotal with -Summary (typed LicenseAudit.UcLicenseTotal#TeamsOnly first:
    Scope, Licenses, Rooms, Phones, Undecided, and the accounts left out per reason: Guest,
    Resource, Disabled, Deleted). The rooms and common area phones of -DetailVariable are typed
    LicenseAudit.UcMeetingRoom#TeamsOnly and LicenseAudit.UcDevice#TeamsOnly first.

    .LINK
    Get-UcLicenseCount

    .LINK
    Export-LicenseAuditReport
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/uc-count.md#the-cmdlets-get-teamslicensecount-get-uclicensecount')]
    [OutputType('LicenseAudit.UcUserLicense', 'LicenseAudit.UcLicenseTotal')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [object[]]$IpPhonePolicy,
        [object[]]$ApplicationInstance,
        [switch]$IncludeApplicationInstances,
        [object[]]$LicenseData,
        [switch]$Anonymous,
        [ValidateNotNullOrEmpty()]
        [string]$PseudonymKeyVariable,
        [switch]$Summary,
        [ValidateNotNullOrEmpty()]
        [string]$SummaryVariable,
        [ValidateNotNullOrEmpty()]
        [string]$DetailVariable
    )
    begin {
        $arguments = @(Get-LicenseAuditUcPrivacyArgument -Cmdlet $PSCmdlet -Anonymous:$Anonymous -PseudonymKeyVariable $PseudonymKeyVariable)
        # Read Get-CsOnlineUser only when no accounts come from the pipeline or -InputObject (an
        # empty pipeline means "no accounts", not "all accounts").
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
        if ($gatherUsers -and -not (Get-LicenseAuditCommand -Name Get-CsOnlineUser)) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'TeamsCmdletsNotFound' -Category ObjectNotFound -TargetObject 'Get-CsOnlineUser' `
                        -Message 'Get-CsOnlineUser is not available: install the MicrosoftTeams module and run Connect-MicrosoftTeams first, or pipe Get-CsOnlineUser objects in (e.g. from Import-Clixml), or count exported files with Get-UcLicenseCount -TeamsPath.'))
        }
        if (-not $PSBoundParameters.ContainsKey('IpPhonePolicy') -and $gatherUsers -and (Get-LicenseAuditCommand -Name Get-CsTeamsIPPhonePolicy)) {
            # -ErrorAction Stop: the MicrosoftTeams cmdlets report a failed request (throttling, an
            # expired session) as a non-terminating error and return nothing; a count on part of
            # the tenant must not look complete.
            $IpPhonePolicy = @(Get-CsTeamsIPPhonePolicy -ErrorAction Stop)
        }
        if ($IncludeApplicationInstances -and -not $PSBoundParameters.ContainsKey('ApplicationInstance')) {
            $ApplicationInstance = @(Get-CsOnlineApplicationInstance -ErrorAction Stop)
        }
        # Read now, in memory; written to the engine only when the run starts.
        $configuration = [ordered]@{}
        $policies = @($IpPhonePolicy | ConvertTo-LicenseAuditRecord -Property $script:UcIpPhonePolicyProperties)
        if ($policies.Count -gt 0) { $configuration['--teams-ip-phone-policies'] = $policies }
        $resourceAccounts = @($ApplicationInstance | ConvertTo-LicenseAuditRecord -Property $script:UcApplicationInstanceProperties)
        if ($resourceAccounts.Count -gt 0) { $configuration['--teams-resource-accounts'] = $resourceAccounts }
        if ($PSBoundParameters.ContainsKey('LicenseData')) {
            $configuration['--m365-licenses'] = @($LicenseData | Select-LicenseAuditUcSharedDevice)
        }

        $outputType = @('UcUserLicense')
        if ($Summary) { $outputType = @('UcLicenseTotal') }
        $collectType = @()
        if ($SummaryVariable) { $collectType += 'UcLicenseTotal' }
        if ($DetailVariable) { $collectType += $script:UcDetailTypes }
        $session = New-LicenseAuditNativeSession -Command 'uc', 'count' -Cmdlet $PSCmdlet -Activity 'Teams licence count' `
            -OutputType $outputType -CollectType $collectType -InputName 'pipeline accounts' -InputKind TeamsUser -InputProperty $script:UcTeamsUserProperties -UnrollArrays
        $channel = $session.Channel
        # The Teams-only table views (no customer or Cisco columns): put in front by the channel as
        # it reads, for the records that go down the pipeline and those kept in the variables.
        foreach ($type in $script:UcTeamsOnlyTypes.Keys) { $channel.AddTypeName($type, $script:UcTeamsOnlyTypes[$type]) }
        $session.Pending = @{ StdinOption = '--teams'; Configuration = $configuration; Arguments = $arguments; AllowEmpty = $true }
    }
    process {
        $completed = $false
        try {
            # One .NET call per account once the engine runs (Private/EngineChannel.cs); the first
            # account (which starts the engine), diagnostics and faults take the script path.
            $channel.TrySend($InputObject)
            if ($channel.Status) { Send-LicenseAuditTeamsUser -Session $session -InputObject $InputObject -Property $script:UcTeamsUserProperties | Add-LicenseAuditTeamsOnlyType }
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
                $query = Get-LicenseAuditTeamsUserQuery -Property $script:UcTeamsUserProperties
                $session.Gathering = $true
                Get-CsOnlineUser @query -ErrorAction Stop | ForEach-Object {
                    $channel.TrySendOne($_)
                    if ($channel.Status) { Send-LicenseAuditTeamsUser -Session $session -InputObject $_ -Property $script:UcTeamsUserProperties | Add-LicenseAuditTeamsOnlyType }
                }
            }
            # No accounts at all still starts the engine: it reports an empty count.
            Start-LicenseAuditStdinSession -Session $session
            Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow | Add-LicenseAuditTeamsOnlyType
        }
        finally {
            $session.Stop()
        }
        if ($SummaryVariable) {
            $PSCmdlet.SessionState.PSVariable.Set($SummaryVariable, @($session.Collected['UcLicenseTotal']))
        }
        if ($DetailVariable) {
            $detail = @{}
            foreach ($type in $script:UcDetailTypes) { $detail[$type] = @($session.Collected[$type]) }
            $PSCmdlet.SessionState.PSVariable.Set($DetailVariable, $detail)
        }
        if ($session.Failure) { $PSCmdlet.ThrowTerminatingError($session.Failure) }
    }
}
