function Get-TeamsLicenseCount {
    <#
    .SYNOPSIS
    Counts Microsoft Teams voice-user licences, meeting rooms and common area phones the way
    VOSS Automate's license counting does, with the reasons behind every number.

    .DESCRIPTION
    Reads Get-CsOnlineUser objects (from the pipeline, or by calling Get-CsOnlineUser itself
    with only the properties the count needs) and streams them to `license-audit uc count` as
    the directory of a Teams-only estate. Each account becomes a LicenseAudit.UcUserLicense:
    licensed when AccountEnabled and EnterpriseVoiceEnabled are true and FeatureTypes contains
    PhoneSystem but no TeamsRoom* value. Accounts with a TeamsRoom* feature are meeting rooms
    (LicenseAudit.UcMeetingRoom); accounts whose IP phone policy has SignInMode
    CommonAreaPhoneSignIn, or that hold the Teams Shared Devices licence (with -LicenseData),
    are common area phones, counted as devices (LicenseAudit.UcDevice), not users. Resource
    accounts, guests, disabled and soft-deleted accounts are left out and counted per reason in
    the LicenseAudit.UcLicenseTotal records.

    A Get-CsOnlineUser object without FeatureTypes (an older MicrosoftTeams module) is never
    guessed: its licence is left undecided and the record says which rule could not be applied.

    For estates with Cisco services, Exchange or a separate user directory, export the data and
    use Get-UcLicenseCount. Wraps `license-audit uc count --teams -`.

    .PARAMETER InputObject
    Get-CsOnlineUser objects. When none are piped, Get-CsOnlineUser is called (with -Properties
    when the installed MicrosoftTeams module has it).

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
    UserPrincipalName,AssignedLicenses): holders of the Teams Shared Devices SKU are common area
    phones.

    .PARAMETER Anonymous
    The anonymous audit file: no names of providers, resellers, customers or sites, and no
    identities (unless -PseudonymKeyVariable replaces them with pseudonyms).

    .PARAMETER PseudonymKeyVariable
    The name of an environment variable holding a key (at least 16 bytes): identities are
    replaced by HMAC-SHA256 pseudonyms, the same for the same key, so two audits can be compared
    without names. The key itself never appears on a command line.

    .EXAMPLE
    Get-TeamsLicenseCount | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.UcLicenseTotal' }

    The totals for the connected tenant: voice users, meeting rooms, common area phones, and
    how many accounts were left out and why.

    .EXAMPLE
    Get-CsOnlineUser -Filter "EnterpriseVoiceEnabled -eq `$true" | Get-TeamsLicenseCount -IpPhonePolicy (Get-CsTeamsIPPhonePolicy) | Export-Csv teams-licences.csv -NoTypeInformation

    Counts the Enterprise Voice users only, with the IP phone policies, and saves every record.

    .EXAMPLE
    $env:UC_AUDIT_KEY = 'keep-this-in-a-vault-0123456789'; Get-TeamsLicenseCount -Anonymous -PseudonymKeyVariable UC_AUDIT_KEY | Export-Csv anonymous.csv -NoTypeInformation

    An anonymous audit whose users can still be matched with next month's run under the same key.

    .OUTPUTS
    LicenseAudit.UcUserLicense, LicenseAudit.UcMeetingRoom, LicenseAudit.UcDevice, LicenseAudit.UcOrphanService, LicenseAudit.UcLicenseTotal
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.UcUserLicense', 'LicenseAudit.UcMeetingRoom', 'LicenseAudit.UcDevice', 'LicenseAudit.UcOrphanService', 'LicenseAudit.UcLicenseTotal')]
    param(
        [Parameter(ValueFromPipeline)]
        [object[]]$InputObject,
        [object[]]$IpPhonePolicy,
        [object[]]$ApplicationInstance,
        [switch]$IncludeApplicationInstances,
        [object[]]$LicenseData,
        [switch]$Anonymous,
        [string]$PseudonymKeyVariable
    )
    begin {
        # Read Get-CsOnlineUser only when no users come from the pipeline or -InputObject (an
        # empty pipeline means "no users", not "all users").
        $gatherUsers = -not $PSCmdlet.MyInvocation.ExpectingInput -and -not $PSBoundParameters.ContainsKey('InputObject')
        $files = @{}
        try {
            if (-not $PSBoundParameters.ContainsKey('IpPhonePolicy') -and $gatherUsers -and (Get-Command Get-CsTeamsIPPhonePolicy -ErrorAction SilentlyContinue)) {
                $IpPhonePolicy = @(Get-CsTeamsIPPhonePolicy)
            }
            if ($IncludeApplicationInstances -and -not $PSBoundParameters.ContainsKey('ApplicationInstance')) {
                $ApplicationInstance = @(Get-CsOnlineApplicationInstance)
            }
            $files.IpPhonePolicies = Write-LicenseAuditUcFile -InputObject @($IpPhonePolicy | Where-Object { $null -ne $_ } | ForEach-Object {
                    ConvertTo-LicenseAuditRecord -InputObject $_ -Property $script:UcIpPhonePolicyProperties
                })
            $files.ResourceAccounts = Write-LicenseAuditUcFile -InputObject @($ApplicationInstance | Where-Object { $null -ne $_ } | ForEach-Object {
                    ConvertTo-LicenseAuditRecord -InputObject $_ -Property $script:UcApplicationInstanceProperties
                })
            $files.Licenses = Write-LicenseAuditUcFile -InputObject @($LicenseData | ConvertTo-LicenseAuditUcLicenseRecord)

            $arguments = @('--teams', '-')
            if ($files.IpPhonePolicies) { $arguments += @('--teams-ip-phone-policies', $files.IpPhonePolicies) }
            if ($files.ResourceAccounts) { $arguments += @('--teams-resource-accounts', $files.ResourceAccounts) }
            if ($files.Licenses) { $arguments += @('--m365-licenses', $files.Licenses) }
            $arguments += @(Get-LicenseAuditUcPrivacyArgument -Anonymous:$Anonymous -PseudonymKeyVariable $PseudonymKeyVariable)
            $session = Start-LicenseAuditNative -Command 'uc', 'count' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'Teams licence count'
        }
        catch {
            Remove-LicenseAuditInputFile -Files $files
            throw
        }
    }
    process {
        foreach ($user in $InputObject) {
            if ($null -eq $user) { continue }
            Send-LicenseAuditNativeInput -Session $session -InputObject (ConvertTo-LicenseAuditTeamsUser -InputObject $user)
        }
    }
    end {
        try {
            if ($gatherUsers) {
                $command = Get-Command Get-CsOnlineUser
                $query = @{}
                if ($command.Parameters.ContainsKey('Properties')) {
                    $query.Properties = $script:UcTeamsUserProperties -join ','
                }
                Get-CsOnlineUser @query | ForEach-Object {
                    Send-LicenseAuditNativeInput -Session $session -InputObject (ConvertTo-LicenseAuditTeamsUser -InputObject $_)
                }
            }
            Receive-LicenseAuditNativeOutput -Session $session -Wait
        }
        finally {
            $session.Process.Dispose()
            Remove-LicenseAuditInputFile -Files $files
        }
    }
}
