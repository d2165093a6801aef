function Get-LicenseAuditHistory {
    <#
    .SYNOPSIS
    Shows how the totals of scheduled LicenseAudit runs moved from run to run, and flags a change
    beyond a threshold.

    .DESCRIPTION
    Reads the run files that runs with --history (or -HistoryPath) kept in a folder, one dated
    JSON file per run, and emits one LicenseAudit.LicenseAuditTrend per total that moved (with
    -All, every total): the command, the run's as-of date, the metric (e.g.
    LyncUserCal.Enterprise, CalCompliance[Windows Server User 2019].Shortfall), the previous and
    current value, the change in percent, and Alert when it exceeds -AlertThreshold. Each alert is
    also a warning, so a runbook can act on it. Wraps `license-audit history`.

    .PARAMETER Path
    The history folder.

    .PARAMETER AlertThreshold
    Percent change between two runs that raises an alert (default 10).

    .PARAMETER Command
    Only runs of this command, e.g. 'lync entitlement'.

    .PARAMETER All
    Also emit totals that did not move.

    .EXAMPLE
    Get-LicenseAuditHistory -Path D:\LicenseAudit\history -AlertThreshold 5 | Where-Object Alert

    The totals that moved more than 5 % since the previous run.

    .EXAMPLE
    Get-LicenseAuditHistory -Path .\history | Export-LicenseAuditReport -Path .\trend.xlsx

    The trend as a History sheet in a workbook.

    .OUTPUTS
    LicenseAudit.LicenseAuditTrend
    #>
    [CmdletBinding()]
    [OutputType('LicenseAudit.LicenseAuditTrend')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string]$Path,
        [ValidateRange(0, 100000)]
        [double]$AlertThreshold = 10,
        [string]$Command,
        [switch]$All
    )
    $arguments = @($PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path), '--alert-threshold', $AlertThreshold.ToString([System.Globalization.CultureInfo]::InvariantCulture))
    if ($Command) { $arguments += @('--command', $Command) }
    if ($All) { $arguments += '--all' }
    Invoke-LicenseAuditNative -Command 'history' -Arguments $arguments -Cmdlet $PSCmdlet -Activity 'LicenseAudit history'
}
