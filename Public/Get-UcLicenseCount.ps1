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
    user, or one per started ten phones above ten. Without -UserPath the Get-CsOnlineUser export
    is the directory (a Teams-only estate). The rules: docs/rules/uc-counting.md.

    The pipeline carries one LicenseAudit.UcUserLicense per directory user (linked services, the
    rule that linked each, licences, phones, reasons), so Export-Csv gets one kind of row; lists
    also come as one line of text (LinkedServicesText, ReasonsText, ...). The totals per
    customer, above customers and for the estate (LicenseAudit.UcLicenseTotal) are what
    -Summary emits instead, or what -SummaryVariable stores alongside the records. Standalone
    devices (LicenseAudit.UcDevice), meeting rooms (LicenseAudit.UcMeetingRoom) and service
    records no user links to (LicenseAudit.UcOrphanService) go to -DetailVariable.

    Every path may hold wildcards. A path that matches no file stops the cmdlet before anything
    is counted (LicenseAudit.PathNotFound): a count without an export it was given would be
    wrong. Without -EstatePath, a missing directory (LicenseAudit.NoDirectory) or no service
    export at all (LicenseAudit.NoServices) stops it too. The engine reads the files itself;
    nothing is copied. Wraps `license-audit uc count`.

    .PARAMETER EstatePath
    A folder of exports named users, teams, teams-ip-phone-policies, teams-resource-accounts,
    m365-licenses, exchange, cucm-users, cucm-phones, uccx-agents, unity-users, webex-users,
    webex-licenses, webex-workspaces and pexip-conferences (.json, .ndjson, .xml, .clixml or
    .csv). Paths given explicitly win.

    .PARAMETER UserPath
    The user directory export (VOSS data/User rows).

    .PARAMETER TeamsPath
    Get-CsOnlineUser exports (ConvertTo-Json or Export-Clixml: Export-Csv loses FeatureTypes);
    several files for several tenants.

    .PARAMETER TeamsIpPhonePolicyPath
    A Get-CsTeamsIPPhonePolicy export (common area phones by SignInMode).

    .PARAMETER TeamsResourceAccountPath
    A Get-CsOnlineApplicationInstance export (resource accounts, never users).

    .PARAMETER M365LicensePath
    User licence data (Get-MgUser -Property UserPrincipalName,AssignedLicenses, or rows of
    UserPrincipalName, SkuId, SkuPartNumber): Teams Shared Devices holders are common area
    phones.

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
    The anonymous audit file: no provider, reseller, customer or site names and no identities
    (the counts and customer pkids stay).

    .PARAMETER PseudonymKeyVariable
    The name of an environment variable holding the pseudonym key (at least 16 bytes):
    identities become HMAC-SHA256 pseudonyms, stable under the same key. Only the variable's
    name is passed to the engine; the key never appears on a command line, in a file or in the
    output. A variable that is not set is a terminating error (LicenseAudit.PseudonymKeyNotSet).

    .PARAMETER Summary
    Emit the LicenseAudit.UcLicenseTotal records (the totals) instead of one record per user.

    .PARAMETER SummaryVariable
    Store the LicenseAudit.UcLicenseTotal records in this variable (name without $), while the
    per-user records go down the pipeline.

    .PARAMETER DetailVariable
    Store the other record types in this variable (name without $): a hashtable with keys
    UcDevice, UcMeetingRoom and UcOrphanService.

    .EXAMPLE
    Get-UcLicenseCount -EstatePath .\exports -Summary | Format-Table

    The VOSS-style totals for a folder of exports: one row per customer, above customers, and
    the estate.

    .EXAMPLE
    Get-UcLicenseCount -UserPath users.csv -CucmUserPath cucm-a-users.json, cucm-b-users.json -CucmPhonePath cucm-a-phones.csv, cucm-b-phones.csv -TeamsPath teams.json | Where-Object MoreThanTenPhones

    The users with more than ten phones across two CUCM clusters.

    .EXAMPLE
    Get-UcLicenseCount -EstatePath .\exports -Anonymous -Summary | Export-Csv anonymous-audit.csv -NoTypeInformation -Encoding UTF8

    The anonymous audit file: the totals without provider, reseller, customer or site names.

    .EXAMPLE
    Get-UcLicenseCount -EstatePath .\exports -SummaryVariable totals -DetailVariable detail | Export-Csv users.csv -NoTypeInformation -Encoding UTF8; $detail.UcOrphanService | Format-Table

    One row per user in users.csv, the totals in $totals, then the service records nobody links
    to (where a count that looks too low usually hides).

    .INPUTS
    None. The exports are read from the files named by the -*Path parameters.

    .OUTPUTS
    LicenseAudit.UcUserLicense, or LicenseAudit.UcLicenseTotal with -Summary.

    .LINK
    Get-TeamsLicenseCount

    .LINK
    Export-LicenseAuditReport
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/uc-count.md#the-cmdlets-get-teamslicensecount-get-uclicensecount')]
    [OutputType('LicenseAudit.UcUserLicense', 'LicenseAudit.UcLicenseTotal')]
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
        [ValidateNotNullOrEmpty()]
        [string]$PseudonymKeyVariable,
        [switch]$Summary,
        [ValidateNotNullOrEmpty()]
        [string]$SummaryVariable,
        [ValidateNotNullOrEmpty()]
        [string]$DetailVariable
    )
    end {
        if (-not $EstatePath) {
            # With a folder the engine finds out what is in it; without one, say it in the
            # cmdlet's own terms.
            if (-not $UserPath -and -not $TeamsPath) {
                $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoDirectory' -Category InvalidArgument `
                            -ExceptionType 'System.ArgumentException' `
                            -Message 'No user directory: give -UserPath (or -TeamsPath for a Teams-only estate, where the Get-CsOnlineUser export is the directory), or -EstatePath.'))
            }
            $services = @($TeamsPath) + @($ExchangePath) + @($CucmUserPath) + @($CucmPhonePath) + @($UccxAgentPath) + @($UnityUserPath) +
            @($WebexUserPath) + @($WebexWorkspacePath) + @($PexipConferencePath)
            if (@($services | Where-Object { $_ }).Count -eq 0) {
                $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'NoServices' -Category InvalidArgument `
                            -ExceptionType 'System.ArgumentException' `
                            -Message 'No service export: give at least one of -TeamsPath, -ExchangePath, -CucmUserPath, -CucmPhonePath, -UccxAgentPath, -UnityUserPath, -WebexUserPath, -WebexWorkspacePath, -PexipConferencePath (or -EstatePath); the directory alone links nobody to a service.'))
            }
        }
        $arguments = @()
        if ($EstatePath) { $arguments += @('--estate', (Resolve-LicenseAuditUcFolder -Cmdlet $PSCmdlet -Path $EstatePath)) }
        # Engine option, parameter, value, whether the option takes one file.
        $inputs = @(
            @('--users', 'UserPath', $UserPath, $true),
            @('--teams', 'TeamsPath', $TeamsPath, $false),
            @('--teams-ip-phone-policies', 'TeamsIpPhonePolicyPath', $TeamsIpPhonePolicyPath, $true),
            @('--teams-resource-accounts', 'TeamsResourceAccountPath', $TeamsResourceAccountPath, $true),
            @('--m365-licenses', 'M365LicensePath', $M365LicensePath, $true),
            @('--exchange', 'ExchangePath', $ExchangePath, $false),
            @('--cucm-users', 'CucmUserPath', $CucmUserPath, $false),
            @('--cucm-phones', 'CucmPhonePath', $CucmPhonePath, $false),
            @('--uccx-agents', 'UccxAgentPath', $UccxAgentPath, $false),
            @('--unity-users', 'UnityUserPath', $UnityUserPath, $false),
            @('--webex-users', 'WebexUserPath', $WebexUserPath, $false),
            @('--webex-licenses', 'WebexLicensePath', $WebexLicensePath, $true),
            @('--webex-workspaces', 'WebexWorkspacePath', $WebexWorkspacePath, $false),
            @('--pexip-conferences', 'PexipConferencePath', $PexipConferencePath, $false)
        )
        foreach ($option in $inputs) {
            $files = @(Resolve-LicenseAuditUcPath -Cmdlet $PSCmdlet -ParameterName $option[1] -Path $option[2] -Single:($option[3]))
            # The option repeated for each file keeps each path one argument.
            foreach ($file in $files) { $arguments += @($option[0], $file) }
        }
        $arguments += @(Get-LicenseAuditUcPrivacyArgument -Cmdlet $PSCmdlet -Anonymous:$Anonymous -PseudonymKeyVariable $PseudonymKeyVariable)

        $outputType = @('UcUserLicense')
        if ($Summary) { $outputType = @('UcLicenseTotal') }
        $collectType = @()
        if ($SummaryVariable) { $collectType += 'UcLicenseTotal' }
        if ($DetailVariable) { $collectType += $script:UcDetailTypes }
        $session = New-LicenseAuditNativeSession -Command 'uc', 'count' -Cmdlet $PSCmdlet -Activity 'UC licence count' `
            -OutputType $outputType -CollectType $collectType -Target $EstatePath
        try {
            Start-LicenseAuditNative -Session $session -Arguments $arguments
            Receive-LicenseAuditNativeOutput -Session $session -Wait -NoThrow
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
