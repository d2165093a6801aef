function Get-LicenseAuditInputInfo {
    <#
    .SYNOPSIS
    Shows what LicenseAudit reads in an exported file: encoding, dialect,
    PowerShell edition, record count, properties, every problem with its record
    number, and which records an audit will refuse.

    .DESCRIPTION
    The first thing to run when an export will not load. Wraps `license-audit inspect`. Accepts
    ConvertTo-Json output from Windows PowerShell 5.1 or PowerShell 7 (array, object or one object
    per line), Export-Clixml and Export-Csv files, in UTF-8 or UTF-16 with a byte-order mark.
    Problems are written as non-terminating errors naming the file, record and property.

    Each file is also checked against the audit input it is meant for (-For, or
    recognised from the properties of its first record where they say it): its
    records are decoded by that audit's own decoding, and every record it will
    refuse is named in Refusals, with the audit's message. ReadAs says which
    input, Recognition how it was decided, Refused how many records the audit
    will refuse; Verdict ends with "N of M records will be refused by ..." or
    "all M records will read in ...".

    .PARAMETER Path
    One or more exported files; wildcards are expanded. Accepts pipeline input (strings).

    .PARAMETER LiteralPath
    One or more exported files, taken exactly as typed. FileInfo objects from Get-ChildItem bind
    here (by PSPath).

    .PARAMETER For
    The audit input the files are meant for, named as `license-audit inspect
    --for` names it: the command, then its option
    (lync-conferencing-policies: the Get-CsConferencingPolicy export that
    lync entitlement --conferencing-policies reads,
    conferencing-policies.json in a snapshot folder). The names come in
    groups: lync-* (users, conferencing-policies, voice-policies, pools,
    common-area-phones, analog-devices, meeting-rooms, rgs-agent-groups),
    ual-* (evidence, systems, licenses, principals), teams-*, m365-* and
    uc-*; tab completion and
    Get-Help Get-LicenseAuditInputInfo -Parameter For list them all.
    Without it, the input is recognised from the first record's properties
    where they say it; a file they do not (a meeting room looks like a
    user) is not checked against an audit.

    .EXAMPLE
    Get-CsUser | Export-Clixml users.xml; Get-LicenseAuditInputInfo users.xml

    Checks that a Get-CsUser export reads, and lists the properties it holds.

    .EXAMPLE
    Get-ChildItem .\exports\*.json | Get-LicenseAuditInputInfo -ErrorAction SilentlyContinue | Where-Object BadRecords -gt 0

    Finds the exports with records that will not load; each one's Problems say which and why
    (-ErrorAction SilentlyContinue keeps the same problems, one error each, off the screen).

    .EXAMPLE
    Get-LicenseAuditInputInfo -Path .\exports\users-*.json

    Inspects every matching export.

    .EXAMPLE
    Get-LicenseAuditInputInfo policies.json -For lync-conferencing-policies

    Checks a Get-CsConferencingPolicy export as lync entitlement reads it: the
    Verdict says that all its policies will read, or how many will be refused;
    Refusals says which and why (a Windows PowerShell 5.1 ConvertTo-Json export
    writes EnableAppDesktopSharing as a number, which is refused).

    .INPUTS
    System.String paths, System.IO.FileInfo.

    .OUTPUTS
    LicenseAudit.InputInspection

    .LINK
    Get-LicenseAuditSchema
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/input-formats.md#when-a-file-will-not-load-inspect-get-licenseauditinputinfo')]
    [OutputType('LicenseAudit.InputInspection')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'Path')]
        [string[]]$Path,
        [Parameter(Mandatory, ValueFromPipelineByPropertyName, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string[]]$LiteralPath,
        # The names of `license-audit inspect --for` (native/tests/powershell_module.rs
        # checks that they are the same).
        [ValidateSet(
            'lync-users',
            'lync-conferencing-policies',
            'lync-voice-policies',
            'lync-pools',
            'lync-common-area-phones',
            'lync-analog-devices',
            'lync-meeting-rooms',
            'lync-rgs-agent-groups',
            'ual-evidence',
            'ual-systems',
            'ual-licenses',
            'ual-principals',
            'teams-online-users',
            'teams-phone-numbers',
            'teams-resource-accounts',
            'teams-voice-routing-policies',
            'teams-voice-routes',
            'teams-shared-calling-policies',
            'teams-call-queues',
            'teams-prices',
            'm365-licenses',
            'm365-subscribed-skus',
            'uc-users',
            'uc-teams',
            'uc-teams-ip-phone-policies',
            'uc-cucm-users',
            'uc-cucm-phones',
            'uc-exchange')]
        [string]$For
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            $files = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -LiteralPath $LiteralPath -ParameterName 'LiteralPath')
        }
        else {
            $files = @(Resolve-LicenseAuditPath -Cmdlet $PSCmdlet -Path $Path -ParameterName 'Path')
        }
        $forArguments = @()
        if ($For) { $forArguments = @('--for', $For) }
        foreach ($file in $files) {
            Invoke-LicenseAuditNative -Command 'inspect' -Arguments (@($file) + $forArguments) -Cmdlet $PSCmdlet -Activity 'Inspecting input' -OutputType 'InputInspection' -Target $file
        }
    }
}
