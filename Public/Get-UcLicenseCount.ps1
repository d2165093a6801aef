function Get-UcLicenseCount {
    <#
    .SYNOPSIS
    Counts UC licences for mixed Cisco and Microsoft estates from export files, the way VOSS
    Automate's license counting does: licensed users, hybrid users, standalone devices, meeting
    rooms and sites per customer.

    .DESCRIPTION
    Links every user of a directory export (Username, Email, Customer, CustomerPkid, Reseller,
    Provider, Site and the link fields username_cucm, username_uccx, username_cuc,
    username_webex_teams, username_ms_teams, username_ms_365) to the service records of the
    exports given: the explicit link field first, else the username, else the email,
    case-insensitively. A user is licensed when a linked record meets its service's condition:
    a CUCM user with devices (CTI excluded), phone profiles or remote destination profiles; a
    UCCX agent; a Unity Connection user; a Webex person with Webex Calling - Professional; a
    Teams voice user; an Exchange Online user mailbox; a Pexip conference owner. One licence per
    user, or one per started ten phones above ten.

    Emits LicenseAudit.UcUserLicense per user (linked services, the rule that linked each,
    reasons), LicenseAudit.UcDevice (standalone CUCM phones, Webex workspaces enabled for
    calling, Teams common area phones), LicenseAudit.UcMeetingRoom, LicenseAudit.UcOrphanService
    (records no user links to) and LicenseAudit.UcLicenseTotal per customer, above customers and
    for the estate. Without -UserPath the Get-CsOnlineUser export is the directory (a Teams-only
    estate). Wraps `license-audit uc count`.

    .PARAMETER EstatePath
    A folder of exports named users, teams, teams-ip-phone-policies, teams-resource-accounts,
    m365-licenses, exchange, cucm-users, cucm-phones, uccx-agents, unity-users, webex-users,
    webex-licenses, webex-workspaces and pexip-conferences (.json, .ndjson, .xml, .clixml or
    .csv). Paths given explicitly win.

    .PARAMETER UserPath
    The user directory export.

    .PARAMETER TeamsPath
    Get-CsOnlineUser exports (ConvertTo-Json or Export-Clixml: Export-Csv loses FeatureTypes).

    .PARAMETER TeamsIpPhonePolicyPath
    A Get-CsTeamsIPPhonePolicy export (common area phones by SignInMode).

    .PARAMETER TeamsResourceAccountPath
    A Get-CsOnlineApplicationInstance export.

    .PARAMETER M365LicensePath
    User licence data (Get-MgUser -Property UserPrincipalName,AssignedLicenses): Teams Shared
    Devices holders are common area phones.

    .PARAMETER ExchangePath
    Get-EXOMailbox exports (UserPrincipalName, RecipientTypeDetails).

    .PARAMETER CucmUserPath
    CUCM users in the AXL getUser/listUser shape (JSON or CSV), one file per cluster.

    .PARAMETER CucmPhonePath
    CUCM phones in the AXL listPhone shape (name, product, model, class, ownerUserName).

    .PARAMETER UccxAgentPath
    UCCX resources (/adminapi/resource).

    .PARAMETER UnityUserPath
    Unity Connection users (/vmrest/users).

    .PARAMETER WebexUserPath
    Webex people (/v1/people).

    .PARAMETER WebexLicensePath
    Webex licences (/v1/licenses), to name the licence ids people hold.

    .PARAMETER WebexWorkspacePath
    Webex workspaces (/v1/workspaces).

    .PARAMETER PexipConferencePath
    Pexip conferences (/api/admin/configuration/v1/conference/).

    .PARAMETER Anonymous
    The anonymous audit file: no provider, reseller, customer or site names and no identities.

    .PARAMETER PseudonymKeyVariable
    The name of an environment variable holding the pseudonym key (at least 16 bytes):
    identities become HMAC-SHA256 pseudonyms, stable under the same key.

    .EXAMPLE
    Get-UcLicenseCount -EstatePath .\exports | Where-Object { $_.PSObject.TypeNames[0] -eq 'LicenseAudit.UcLicenseTotal' } | Format-Table

    The VOSS-style totals for a folder of exports.

    .EXAMPLE
    Get-UcLicenseCount -UserPath users.csv -CucmUserPath cucm-a-users.json, cucm-b-users.json -CucmPhonePath cucm-a-phones.csv, cucm-b-phones.csv -TeamsPath teams.json | Where-Object MoreThanTenPhones

    The users with more than ten phones across two CUCM clusters.

    .EXAMPLE
    Get-UcLicenseCount -EstatePath .\exports -Anonymous | Export-Csv anonymous-audit.csv -NoTypeInformation

    The anonymous audit file.

    .OUTPUTS
    LicenseAudit.UcUserLicense, LicenseAudit.UcDevice, LicenseAudit.UcMeetingRoom, LicenseAudit.UcOrphanService, LicenseAudit.UcLicenseTotal
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.UcUserLicense', 'LicenseAudit.UcDevice', 'LicenseAudit.UcMeetingRoom', 'LicenseAudit.UcOrphanService', 'LicenseAudit.UcLicenseTotal')]
    param(
        [string]$EstatePath,
        [string]$UserPath,
        [string[]]$TeamsPath,
        [string]$TeamsIpPhonePolicyPath,
        [string]$TeamsResourceAccountPath,
        [string]$M365LicensePath,
        [string[]]$ExchangePath,
        [string[]]$CucmUserPath,
        [string[]]$CucmPhonePath,
        [string[]]$UccxAgentPath,
        [string[]]$UnityUserPath,
        [string[]]$WebexUserPath,
        [string]$WebexLicensePath,
        [string[]]$WebexWorkspacePath,
        [string[]]$PexipConferencePath,
        [switch]$Anonymous,
        [string]$PseudonymKeyVariable
    )
    $resolve = { param($p) $PSCmdlet.GetUnresolvedProviderPathFromPSPath($p) }
    $arguments = @()
    if ($EstatePath) { $arguments += @('--estate', (& $resolve $EstatePath)) }
    $single = [ordered]@{
        '--users'                   = $UserPath
        '--teams-ip-phone-policies' = $TeamsIpPhonePolicyPath
        '--teams-resource-accounts' = $TeamsResourceAccountPath
        '--m365-licenses'           = $M365LicensePath
        '--webex-licenses'          = $WebexLicensePath
    }
    foreach ($flag in $single.Keys) {
        if ($single[$flag]) { $arguments += @($flag, (& $resolve $single[$flag])) }
    }
    $many = [ordered]@{
        '--teams'             = $TeamsPath
        '--exchange'          = $ExchangePath
        '--cucm-users'        = $CucmUserPath
        '--cucm-phones'       = $CucmPhonePath
        '--uccx-agents'       = $UccxAgentPath
        '--unity-users'       = $UnityUserPath
        '--webex-users'       = $WebexUserPath
        '--webex-workspaces'  = $WebexWorkspacePath
        '--pexip-conferences' = $PexipConferencePath
    }
    foreach ($flag in $many.Keys) {
        # Repeating the option keeps each file one argument (paths may start with '-').
        foreach ($path in @($many[$flag] | Where-Object { $_ })) {
            $arguments += @($flag, (& $resolve $path))
        }
    }
    $arguments += @(Get-LicenseAuditUcPrivacyArgument -Anonymous:$Anonymous -PseudonymKeyVariable $PseudonymKeyVariable)
    Invoke-LicenseAuditNative -Command 'uc', 'count' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'UC licence count'
}
