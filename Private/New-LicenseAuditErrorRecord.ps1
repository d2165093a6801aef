function New-LicenseAuditErrorRecord {
    <#
    .SYNOPSIS
    An ErrorRecord with a stable error ID (LicenseAudit.<Id>), for WriteError and
    ThrowTerminatingError: scripts and runbooks match on FullyQualifiedErrorId, not on text.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)]
        [string]$Message,
        # Without the LicenseAudit. prefix, e.g. 'NoEvidence'.
        [Parameter(Mandatory)]
        [string]$ErrorId,
        [System.Management.Automation.ErrorCategory]$Category = [System.Management.Automation.ErrorCategory]::InvalidOperation,
        [AllowNull()]
        [object]$TargetObject,
        # The exception type to wrap the message in (default InvalidOperationException).
        [string]$ExceptionType = 'System.InvalidOperationException',
        [System.Exception]$InnerException
    )
    if ($InnerException) {
        $exception = New-Object -TypeName $ExceptionType -ArgumentList $Message, $InnerException
    }
    else {
        $exception = New-Object -TypeName $ExceptionType -ArgumentList $Message
    }
    New-Object System.Management.Automation.ErrorRecord ($exception, ('LicenseAudit.' + $ErrorId), $Category, $TargetObject)
}
