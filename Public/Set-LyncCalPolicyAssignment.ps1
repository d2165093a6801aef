function Set-LyncCalPolicyAssignment {
    <#
    .SYNOPSIS
    Applies a CAL policy plan: grants each user the conferencing policy Get-LyncCalPolicyPlan
    chose, through Grant-CsConferencingPolicy.

    .DESCRIPTION
    Takes LicenseAudit.LyncPolicyChange objects from the pipeline (or any objects with SipAddress
    or Identity, Action and GrantPolicyName properties) and, for each with Action Grant, runs
    Grant-CsConferencingPolicy -Identity <SipAddress> -PolicyName <GrantPolicyName>. A null
    GrantPolicyName removes the per-user assignment so the site or Global policy applies.
    Supports -WhatIf and -Confirm: review every change before making it. Records with Action None
    are skipped. With -PassThru, each change is emitted after it is made, with Applied set.

    .PARAMETER SipAddress
    The user's SIP address (from the plan record).

    .PARAMETER Identity
    The user's identity, used when SipAddress is empty.

    .PARAMETER GrantPolicyName
    The policy name to grant; empty removes the per-user assignment.

    .PARAMETER Action
    Grant or None; only Grant changes anything.

    .PARAMETER PassThru
    Emit each processed plan record with an Applied property.

    .EXAMPLE
    Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing' } | Set-LyncCalPolicyAssignment -WhatIf

    Shows the Grant-CsConferencingPolicy calls the plan would make.

    .EXAMPLE
    Import-Csv approved-plan.csv | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru | Export-Csv applied.csv -NoTypeInformation

    Applies a plan approved as a CSV and records what was done.

    .OUTPUTS
    LicenseAudit.LyncPolicyChange (with -PassThru)
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('LicenseAudit.LyncPolicyChange')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowNull()]
        [string]$SipAddress,
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowNull()]
        [string]$Identity,
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowNull()]
        [string]$GrantPolicyName,
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateSet('Grant', 'None')]
        [string]$Action,
        [switch]$PassThru
    )
    process {
        if ($Action -ne 'Grant') { return }
        $target = $SipAddress
        if (-not $target) { $target = $Identity }
        if (-not $target) {
            $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord (
                (New-Object System.ArgumentException 'A plan record has neither SipAddress nor Identity.'), 'LicenseAudit.NoIdentity',
                [System.Management.Automation.ErrorCategory]::InvalidArgument, $null)))
            return
        }
        $policyName = $null
        if ($GrantPolicyName) { $policyName = $GrantPolicyName -replace '^(?i)tag:', '' }
        $description = 'Grant-CsConferencingPolicy -PolicyName ' + $(if ($policyName) { $policyName } else { '$null (inherit the site or Global policy)' })
        $applied = $false
        if ($PSCmdlet.ShouldProcess($target, $description)) {
            try {
                Grant-CsConferencingPolicy -Identity $target -PolicyName $policyName -ErrorAction Stop | Out-Null
                $applied = $true
            }
            catch {
                $PSCmdlet.WriteError($_)
            }
        }
        if ($PassThru) {
            [pscustomobject]@{
                PSTypeName      = 'LicenseAudit.LyncPolicyChange'
                SipAddress      = $SipAddress
                Identity        = $Identity
                GrantPolicyName = $policyName
                Action          = $Action
                Applied         = $applied
            }
        }
    }
}
