function Export-LicenseAuditSnapshot {
    <#
    .SYNOPSIS
    Exports everything the Lync audits read into one folder (the offline snapshot), to audit
    elsewhere: on a front end the engine cannot run on, or to keep what a run audited.

    .DESCRIPTION
    Reads Get-CsUser, Get-CsConferencingPolicy, Get-CsVoicePolicy, Get-CsPool, Get-CsSite,
    Get-CsCommonAreaPhone, Get-CsAnalogDevice, Get-CsMeetingRoom (Lync 2013 and later),
    Get-CsRgsAgentGroup and Get-CsService -MonitoringDatabase, and writes one file each, named as
    `license-audit lync entitlement --estate DIR` looks for them (users, conferencing-policies,
    voice-policies, pools, common-area-phones, analog-devices, meeting-rooms, rgs-agent-groups;
    plus sites and monitoring-databases), .json on PowerShell 3.0 and later (one
    ConvertTo-Json -Depth 5 -Compress object per line) or .xml (Export-Clixml), and last
    snapshot-manifest.json: what, when, by whom, which PowerShell and Lync version, and the record
    count and status of each file.

    It does not start the LicenseAudit engine, so it runs where the engine cannot: Windows Server
    2012 R2 and older. This cmdlet runs scripts/Export-LicenseAuditSnapshot.ps1 from the module
    folder, which is the whole tool: copy that one file to a Lync Server 2010 front end with
    Windows PowerShell 2.0 (which cannot import this module) and run it there.

    Audit the folder on a supported machine with Invoke-LicenseAudit -SnapshotPath, or
    `license-audit lync entitlement --estate <folder>`. A folder that already holds a snapshot is
    refused (LicenseAudit.SnapshotExists) unless -Force; a failure of Get-CsUser or
    Get-CsConferencingPolicy ends with LicenseAudit.SnapshotIncomplete, a failure of another
    cmdlet is a non-terminating LicenseAudit.SnapshotSourceFailed and is recorded in the manifest.

    .PARAMETER Path
    The folder to write (created when missing).

    .PARAMETER Format
    Json, Clixml, or Auto (default): Json where ConvertTo-Json exists (PowerShell 3.0 and later).

    .PARAMETER Force
    Replace a snapshot already in the folder (its files are removed first).

    .EXAMPLE
    Export-LicenseAuditSnapshot -Path .\snapshot-2026-11

    On a Lync 2013 front end on Windows Server 2012 R2: the folder to copy to a Windows Server 2016
    or later machine, where Invoke-LicenseAudit -SnapshotPath audits it.

    .EXAMPLE
    Export-LicenseAuditSnapshot -Path .\snapshot -Format Clixml -Force

    CLIXML files instead of JSON, replacing an earlier snapshot in the folder.

    .INPUTS
    None.

    .OUTPUTS
    LicenseAudit.Snapshot: Path, Created, Format, PowerShellVersion, Complete, Summary and Files
    (per file: Name, File, Command, Status, Count, Errors, Message).

    .LINK
    Invoke-LicenseAudit

    .LINK
    Get-LyncCalRequirement
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/offline-snapshot.md')]
    [OutputType('LicenseAudit.Snapshot')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string]$Path,
        [ValidateSet('Auto', 'Json', 'Clixml')]
        [string]$Format = 'Auto',
        [switch]$Force
    )
    $snapshotScript = Join-Path (Join-Path $script:LicenseAuditModuleRoot 'scripts') 'Export-LicenseAuditSnapshot.ps1'
    if (-not (Test-Path -LiteralPath $snapshotScript -PathType Leaf)) {
        $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'ModuleIncomplete' -Category ObjectNotFound -TargetObject $snapshotScript `
                    -ExceptionType 'System.IO.FileNotFoundException' -Message "The module is incomplete: '$snapshotScript' is missing. Reinstall the module."))
    }
    # The script looks one scope up for this and writes its errors (and asks -WhatIf / -Confirm)
    # through it, so they read LicenseAudit.<Id>,Export-LicenseAuditSnapshot like every module
    # error, not LicenseAudit.<Id>,<the script's path>.
    $LicenseAuditSnapshotCmdlet = $PSCmdlet
    # The same parameters, -WhatIf / -Confirm and the common ones included.
    & $snapshotScript @PSBoundParameters
}
