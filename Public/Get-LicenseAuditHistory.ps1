function Get-LicenseAuditHistory {
    <#
    .SYNOPSIS
    Shows how the totals of scheduled LicenseAudit runs moved from run to run, and flags a change
    beyond a threshold.

    .DESCRIPTION
    Reads the run files that runs with --history (or -HistoryPath) kept in a folder, one dated
    JSON file per run, and emits one LicenseAudit.LicenseAuditTrend per total that moved (with
    -All, every total): the command, the run's as-of date (a local [datetime]), the metric (e.g.
    LyncUserCal.Enterprise, CalCompliance[Windows Server User 2019].Shortfall), the previous and
    current value, the change in percent, and Alert when it exceeds -AlertThreshold. Each alert is
    also a warning, so a runbook can act on it. A folder that does not exist is a non-terminating
    error (LicenseAudit.PathNotFound). Wraps `license-audit history`.

    .PARAMETER Path
    The history folder(s). Wildcards are expanded. Accepts pipeline input (strings).

    .PARAMETER LiteralPath
    The history folder(s), taken exactly as typed. DirectoryInfo objects from Get-Item or
    Get-ChildItem -Directory bind here (by PSPath).

    .PARAMETER AlertThreshold
    Percent change between two runs that raises an alert (default 10).

    .PARAMETER Command
    Only runs of this command, e.g. 'lync entitlement'.

    .PARAMETER All
    Also emit totals that did not move.

    .EXAMPLE
    Get-LicenseAuditHistory -Path .\LicenseAudit\history -AlertThreshold 5 | Where-Object Alert

    The totals that moved more than 5 % since the previous run.

    .EXAMPLE
    Get-LicenseAuditHistory -Path .\history -Command 'lync rightsize' -All | Export-Csv trend.csv -NoTypeInformation -Encoding UTF8

    Every total of the right-sizing runs, moved or not, as one CSV row each.

    .EXAMPLE
    Get-LicenseAuditHistory -Path .\history | Export-LicenseAuditReport -Path .\trend.xlsx

    The trend as a History sheet in a workbook.

    .INPUTS
    System.String folder paths, System.IO.DirectoryInfo.

    .OUTPUTS
    LicenseAudit.LicenseAuditTrend

    .LINK
    Get-LyncCalRightSizing

    .LINK
    Export-LicenseAuditReport
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/workbook.md#run-history')]
    [OutputType('LicenseAudit.LicenseAuditTrend')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'Path')]
        [string[]]$Path,
        [Parameter(Mandatory, ValueFromPipelineByPropertyName, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string[]]$LiteralPath,
        [ValidateRange(0, 100000)]
        [double]$AlertThreshold = 10,
        [string]$Command,
        [switch]$All
    )
    begin {
        $options = @('--alert-threshold', $AlertThreshold.ToString([System.Globalization.CultureInfo]::InvariantCulture))
        if ($Command) { $options += @('--command', $Command) }
        if ($All) { $options += '--all' }
    }
    process {
        $folders = New-Object System.Collections.Generic.List[string]
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            foreach ($item in $LiteralPath) { if ($item) { $folders.Add($PSCmdlet.GetUnresolvedProviderPathFromPSPath($item)) } }
        }
        else {
            foreach ($item in $Path) {
                if (-not $item) { continue }
                $provider = $null
                $resolved = @()
                # Tested first: resolving a path that does not exist throws, and the exception
                # would land in the caller's -ErrorVariable beside LicenseAudit.PathNotFound.
                if (Test-Path -Path $item) {
                    try { $resolved = @($PSCmdlet.GetResolvedProviderPathFromPSPath($item, [ref]$provider)) } catch { $resolved = @() }
                }
                if ($resolved.Count -eq 0) {
                    $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $item `
                                -ExceptionType 'System.IO.DirectoryNotFoundException' -Message ("-Path '{0}' matches no history folder." -f $item)))
                    continue
                }
                if ($provider.Name -ne 'FileSystem') {
                    $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'NotAFile' -Category InvalidArgument -TargetObject $item `
                                -Message ("'{0}' is on the {1} provider; give a file-system folder." -f $item, $provider.Name)))
                    continue
                }
                foreach ($one in $resolved) { $folders.Add($one) }
            }
        }
        foreach ($folder in $folders) {
            if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
                $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $folder `
                            -ExceptionType 'System.IO.DirectoryNotFoundException' -Message ("'{0}' is not a history folder (no such folder)." -f $folder)))
                continue
            }
            Invoke-LicenseAuditNative -Command 'history' -Arguments (@($folder) + $options) -Cmdlet $PSCmdlet -Activity 'LicenseAudit history' `
                -OutputType 'LicenseAuditTrend' -Target $folder
        }
    }
}
