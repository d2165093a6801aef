<#
.SYNOPSIS
The monthly LicenseAudit runbook for Azure Automation, on a Hybrid Runbook Worker (or as a
scheduled task): one Invoke-LicenseAudit run, and a failed job on a shortfall or a failed audit.

.DESCRIPTION
Runs on a Hybrid Runbook Worker, never in Azure Automation's cloud sandbox: LicenseAudit's
engine is a native program (license-audit.exe), and the sandbox cannot start native programs
(README, "Scheduled runbooks"). On the worker (Windows Server 2016 or later, or Linux with
PowerShell 7), once:

    Install-Module LicenseAudit -Scope AllUsers     # modules of hybrid runbooks live on the worker

and in the Automation account: a credential asset for the SQL login that reads the monitoring
databases (default name LyncMonitoring; without it, the worker's account logs in with integrated
authentication), and a schedule linked to this runbook with "Run on: Hybrid Worker".

Where the Lync configuration comes from:
- the worker is a Skype for Business / Lync server or has its administrative tools: live
  (leave -SnapshotPath empty);
- the front ends run Windows Server 2012 R2 (where the engine cannot run) or the worker has no
  Lync cmdlets: a scheduled task on a front end runs scripts/Export-LicenseAuditSnapshot.ps1 into
  a share, e.g. -Path \\fileserver\LicenseAudit\inbox\snapshot -Force, and this runbook audits
  that folder (-SnapshotPath).

Teams (-Audit TeamsAssignments, TeamsCount; alone or with the Lync audits): without
-SnapshotPath the runbook connects to the tenant unattended with an app registration's
certificate, as Microsoft documents for the MicrosoftTeams module ("Application-based
authentication in Teams PowerShell Module", MicrosoftTeams 4.7.1 or later): the app has the
Teams Administrator role (or a narrower role that can read users, phone numbers and resource
accounts), its certificate is installed on the worker in the CurrentUser\My store of the account
the hybrid job runs as (Local System unless the worker group has "Hybrid worker credentials"),
and -TeamsTenantId, -TeamsApplicationId and -TeamsCertificateThumbprint name them (none of them
is a secret; the private key never leaves the worker's store). Install-Module MicrosoftTeams
-Scope AllUsers on the worker. Application-based authentication does not cover
Get-CsOnlineApplicationInstance in GCC High and DoD: there the Teams audits fail
(LicenseAudit.TeamsSourceFailed) rather than run without the resource accounts.
Example: -Audit TeamsAssignments, TeamsCount -TeamsTenantId contoso.onmicrosoft.com
-TeamsApplicationId <app id> -TeamsCertificateThumbprint <thumbprint> -TeamsPricePath
(Join-Path $OutputPath teams-prices.csv)

Each run writes <OutputPath>/<as-of>/ (records, workbook) and keeps its totals in
<OutputPath>/history (paths are built with Join-Path: a Windows worker's D:\LicenseAudit and a
Linux worker's /var/lib/licenseaudit both work). The summary goes to the job's output; a
compliance shortfall, or an audit that failed, fails the job (which Azure Monitor can alert on).

The licence list. Right-sizing (-Audit RightSizing, in the default audits) compares the Enterprise
and Plus CALs used and configured with those owned, from the licence list (-LicensedPath, by
default licensed.csv in -OutputPath). When that file is not there the job fails before any audit
runs (LicenseAudit.LicensedPathNotFound): an unattended true-up run without the owned-licence data
would otherwise complete and report no exposure, the one answer it cannot know. To run
right-sizing without a licence list on purpose, give -NoLicenceList (a warning then says that
exposure was not checked). Server CALs are the same: a -LicensePath that names no file stops
the run before any audit (Invoke-LicenseAudit: LicenseAudit.PathNotOneFile), and without
-LicensePath every required server CAL counts as short.

.PARAMETER OutputPath
Where the runs and the history go (a local folder or a share the worker's account can write),
e.g. D:\LicenseAudit on Windows or /var/lib/licenseaudit on Linux.

.PARAMETER SnapshotPath
An offline snapshot folder to audit instead of reading the Lync configuration live.

.PARAMETER Audit
The audits to run (Entitlement, Policies, Usage, RightSizing, ServerCal, TeamsAssignments,
TeamsCount).

.PARAMETER SqlCredentialName
The Automation credential asset with the SQL login for the monitoring databases.

.PARAMETER LicensedPath
The licence list for right-sizing (SipAddress/Identity, Tier); default licensed.csv in
-OutputPath. A missing file fails the job unless -NoLicenceList.

.PARAMETER NoLicenceList
Run right-sizing without a licence list, knowingly: exposure against owned CALs is not checked.

.PARAMETER AsOf
The audit's "now" (default: the current time), e.g. to rerun the run of a given day.

.PARAMETER TrustServerCertificate
Do not validate the monitoring SQL Server's TLS certificate (a self-signed one).

.PARAMETER DisableEncryption
Connect to the monitoring SQL Server without TLS (a server that has none).

.PARAMETER UalServerListPath
A text file with one server name per line, to collect UAL evidence from (ServerCal).

.PARAMETER LicensePath
The CAL licences owned, for ServerCal.

.PARAMETER TeamsTenantId
The Microsoft 365 tenant (id or initial domain) for Connect-MicrosoftTeams (Teams audits, live).

.PARAMETER TeamsApplicationId
The app registration whose certificate signs in to Microsoft Teams.

.PARAMETER TeamsCertificateThumbprint
The thumbprint of that certificate, installed on the worker for the job's account.

.PARAMETER TeamsPricePath
The monthly price per Teams plan (CSV: Plan, MonthlyPrice), for the monthly waste.
#>
param(
    [Parameter(Mandatory = $true)]
    [string]$OutputPath,
    [string]$SnapshotPath = '',
    [string[]]$Audit = @('Entitlement', 'Policies', 'Usage', 'RightSizing'),
    [string]$SqlCredentialName = 'LyncMonitoring',
    [string]$LicensedPath = '',
    [switch]$NoLicenceList,
    [datetime]$AsOf,
    [switch]$TrustServerCertificate,
    [switch]$DisableEncryption,
    [string]$UalServerListPath = '',
    [string]$LicensePath = '',
    [string]$TeamsTenantId = '',
    [string]$TeamsApplicationId = '',
    [string]$TeamsCertificateThumbprint = '',
    [string]$TeamsPricePath = ''
)

Import-Module LicenseAudit -ErrorAction Stop

$arguments = @{
    OutputPath      = $OutputPath
    Audit           = $Audit
    FailOnShortfall = $true
}
if ($SnapshotPath) { $arguments.SnapshotPath = $SnapshotPath }
if ($PSBoundParameters.ContainsKey('AsOf')) { $arguments.AsOf = $AsOf }
if ($TrustServerCertificate) { $arguments.TrustServerCertificate = $true }
if ($DisableEncryption) { $arguments.DisableEncryption = $true }
# The licence list right-sizing compares with: missing, the job fails before any audit (see
# .DESCRIPTION), unless -NoLicenceList says to run without one.
if ($Audit -contains 'RightSizing') {
    if (-not $LicensedPath) { $LicensedPath = Join-Path $OutputPath 'licensed.csv' }
    if ($NoLicenceList) {
        Write-Warning 'Right-sizing runs without a licence list (-NoLicenceList): Enterprise and Plus CALs used or configured beyond those owned are not checked.'
    }
    elseif (Test-Path -LiteralPath $LicensedPath -PathType Leaf) {
        $arguments.LicensedPath = $LicensedPath
    }
    else {
        Write-Error -Message ("The licence list '{0}' is not there, so right-sizing could not compare the CALs used with those owned, and no audit was run. Put the list there (CSV: SipAddress or Identity, Tier), give -LicensedPath, or -NoLicenceList to run right-sizing without one." -f $LicensedPath) `
            -ErrorId 'LicenseAudit.LicensedPathNotFound' -Category ObjectNotFound -TargetObject $LicensedPath -ErrorAction Stop
    }
}
if ($LicensePath) { $arguments.LicensePath = $LicensePath }
if ($UalServerListPath) {
    $arguments.UalComputerName = @(Get-Content -LiteralPath $UalServerListPath | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    if ($Audit -notcontains 'ServerCal') { $arguments.Audit = @($Audit) + 'ServerCal' }
}
if ($TeamsPricePath) { $arguments.TeamsPricePath = $TeamsPricePath }
# Get-AutomationPSCredential exists in Azure Automation jobs (cloud and hybrid); as a scheduled
# task without it, the SQL login is left out and integrated authentication is used.
if ($SqlCredentialName -and (Get-Command -Name Get-AutomationPSCredential -ErrorAction SilentlyContinue)) {
    $credential = Get-AutomationPSCredential -Name $SqlCredentialName
    if ($credential) { $arguments.SqlCredential = $credential }
}
# The Teams audits read the tenant live: connect first, unattended (certificate of an app
# registration). Invoke-LicenseAudit itself never signs in.
$teamsConnected = $false
if (-not $SnapshotPath -and @($Audit | Where-Object { $_ -like 'Teams*' }).Count -gt 0) {
    # Checked up front and rethrown with `throw`: an empty argument is a binding error and a
    # failed sign-in a statement-terminating one, and with ErrorActionPreference Continue a
    # runbook carries on after both, ending later in TeamsSourceFailed with the cause buried.
    $missing = @('TeamsTenantId', 'TeamsApplicationId', 'TeamsCertificateThumbprint' | Where-Object { -not "$(Get-Variable -Name $_ -ValueOnly)".Trim() })
    if ($missing.Count -gt 0) {
        throw ('The Teams audits read the tenant live and need -{0} (an app registration whose certificate is in this worker''s store).' -f ($missing -join ', -'))
    }
    try {
        Import-Module MicrosoftTeams -ErrorAction Stop
        $null = Connect-MicrosoftTeams -TenantId $TeamsTenantId -ApplicationId $TeamsApplicationId -CertificateThumbprint $TeamsCertificateThumbprint -ErrorAction Stop
    }
    catch {
        # Sign-in failures can arrive wrapped ("One or more errors occurred."): name the cause too.
        $cause = $_.Exception.Message
        $base = $_.Exception.GetBaseException().Message
        if ($base -and $base -ne $cause) { $cause = '{0} ({1})' -f $cause, $base }
        throw ('Could not sign in to Microsoft Teams, so no audit was run: {0}' -f $cause)
    }
    $teamsConnected = $true
}

$summary = $null
try {
    $summary = Invoke-LicenseAudit @arguments
}
catch {
    if ($_.FullyQualifiedErrorId -notlike 'LicenseAudit.ComplianceShortfall*') { throw }
    # The run finished, workbook and history written, and something is short: the summary is
    # the error's TargetObject. Show it, then fail the job.
    $summary = $_.TargetObject
    $summary | Format-List | Out-String | Write-Output
    Write-Error -Message ('LicenseAudit found a compliance shortfall: server CALs short {0}, Lync Enterprise/Plus CALs beyond the licence {1}/{2}. Workbook: {3}' -f $summary.ServerCalShortfall, $summary.EnterpriseExposed, $summary.PlusExposed, $summary.ReportPath) `
        -ErrorId 'LicenseAudit.ComplianceShortfall' -Category LimitsExceeded -TargetObject $summary -ErrorAction Stop
}
finally {
    if ($teamsConnected) { Disconnect-MicrosoftTeams -ErrorAction SilentlyContinue }
}

$summary | Format-List | Out-String | Write-Output
if (-not $summary.Succeeded) {
    Write-Error -Message ('LicenseAudit: these did not complete: {0} (see the errors above). Workbook: {1}' -f ($summary.Failed -join ', '), $summary.ReportPath) `
        -ErrorId 'LicenseAudit.RunIncomplete' -Category OperationStopped -TargetObject $summary -ErrorAction Stop
}
