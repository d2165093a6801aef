function Get-LicenseAuditCommand {
    <#
    .SYNOPSIS
    The command of that name this session can run (loading its module as Get-Command does), or
    nothing. Asked in a script block of its own (ScriptBlock.Invoke) with -ErrorAction Ignore: a
    Get-Command that finds nothing otherwise lands in the calling cmdlet's -ErrorVariable and in
    $Error, silenced or not, and an admin would find a CommandNotFoundException there beside the
    answer.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.CommandInfo])]
    param([Parameter(Mandatory)][string]$Name)
    $probe = { param($CommandName) Get-Command -Name $CommandName -ErrorAction Ignore }
    $found = $probe.Invoke($Name)
    if ($found.Count -gt 0) { $found[0] }
}

function Assert-LicenseAuditCommand {
    <#
    .SYNOPSIS
    Ends the calling cmdlet with one terminating error (LicenseAudit.<ErrorId>, e.g.
    LyncCmdletsNotFound) naming every command of -Name this session lacks, before anything is
    read: a Lync cmdlet run outside the Lync Server Management Shell would otherwise fail half
    way with a CommandNotFoundException that names a private function of the module.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)][AllowEmptyCollection()][string[]]$Name,
        [Parameter(Mandatory)][string]$ErrorId,
        # What to do about it, after "<commands> is/are not available: ".
        [Parameter(Mandatory)][string]$Remedy
    )
    $missing = @($Name | Select-Object -Unique | Where-Object { -not (Get-LicenseAuditCommand -Name $_) })
    if ($missing.Count -eq 0) { return }
    $verb = 'is'
    if ($missing.Count -gt 1) { $verb = 'are' }
    $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId $ErrorId -Category ObjectNotFound -TargetObject $missing[0] `
                -ExceptionType 'System.Management.Automation.CommandNotFoundException' `
                -Message ('{0} {1} not available: {2}' -f ($missing -join ', '), $verb, $Remedy)))
}

function Invoke-LicenseAuditNested {
    <#
    .SYNOPSIS
    Runs a command of the admin's session (Get-CsUser -Identity, Grant-CsConferencingPolicy, ...)
    in a pipeline of its own (ScriptBlock.Invoke) and returns @{ Output = @(...) } or, when it
    failed, @{ Failure = <ErrorRecord> }. PowerShell adds every error of a nested command, caught
    or not, to the calling cmdlet's -ErrorVariable (a failing Get-CsUser -ErrorAction Stop adds
    three, a proxy or mock more); run in here, the admin finds only the one LicenseAudit error
    the caller writes. Pass -ErrorAction Stop inside -ScriptBlock for commands that report
    failure as a non-terminating error.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)][scriptblock]$ScriptBlock,
        [object[]]$ArgumentList = @()
    )
    $outcome = {
        param($Block, $Arguments)
        try { @{ Output = @(& $Block @Arguments) } } catch { @{ Failure = $_ } }
    }.Invoke($ScriptBlock, $ArgumentList)
    $outcome[0]
}

function ConvertTo-LicenseAuditOwnError {
    <#
    .SYNOPSIS
    An error of a command the calling cmdlet ran, as the calling cmdlet's own: the same
    exception, id (LicenseAudit.X, without the inner cmdlet's name), category and target, so that
    WriteError / ThrowTerminatingError place it at the admin's line, not inside the module.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param([Parameter(Mandatory)][System.Management.Automation.ErrorRecord]$ErrorRecord)
    $id = ([string]$ErrorRecord.FullyQualifiedErrorId -split ',')[0]
    if (-not $id) { $id = 'LicenseAudit.Failed' }
    New-Object System.Management.Automation.ErrorRecord ($ErrorRecord.Exception, $id, $ErrorRecord.CategoryInfo.Category, $ErrorRecord.TargetObject)
}
