function Set-LyncCalPolicyAssignment {
    <#
    .SYNOPSIS
    Applies a CAL policy plan: grants each user the conferencing policy Get-LyncCalPolicyPlan
    chose, through Grant-CsConferencingPolicy.

    .DESCRIPTION
    Takes LicenseAudit.LyncPolicyChange objects from the pipeline (or any objects, such as an
    approved plan read back with Import-Csv, with SipAddress or Identity, Action, and
    GrantPolicyName or TargetPolicy) and, for each with Action Grant, runs
    Grant-CsConferencingPolicy -Identity <SipAddress> -PolicyName <policy>.

    A Grant must name its target. GrantPolicyName (or, when a record has none, TargetPolicy) is a
    per-user policy ('STD_CAL_NoConferencing' or 'Tag:STD_CAL_NoConferencing'), or a Global or
    Site: policy, which means "remove the per-user policy so the user inherits it" (the plan
    writes GrantPolicyName empty and TargetPolicy 'Site:Dublin' for that). A record without
    either property, or with both empty, is refused with one LicenseAudit.NoTargetPolicy error
    (in -ErrorVariable too) and the next record is processed: neither ever removes a user's
    policy by accident. A record whose TargetPolicy names a Tag: policy other than its
    GrantPolicyName (an approver edited one column of an exported plan) is refused with
    LicenseAudit.PlanConflict rather than granting either.

    Supports -WhatIf and -Confirm: one prompt per user (Grant-CsConferencingPolicy itself runs
    with -Confirm:$false once you have said yes). Records with Action None are skipped. With
    -PassThru, each record is emitted after it is processed, with every property it came with
    and Applied set.

    .PARAMETER SipAddress
    The user's SIP address (from the plan record).

    .PARAMETER Identity
    The user's identity, used when SipAddress is empty.

    .PARAMETER GrantPolicyName
    The policy to grant (alias TargetPolicy): a per-user (tag) policy name, or Global / Site:<name>
    to remove the per-user assignment. Empty only when the record's TargetPolicy says what the
    user will inherit.

    .PARAMETER Action
    Grant or None; only Grant changes anything.

    .PARAMETER PassThru
    Emit each processed plan record with an Applied property.

    .EXAMPLE
    Get-LyncCalPolicyPlan -DefaultTier Standard -TierPolicy @{ Standard = 'Tag:STD_CAL_NoConferencing' } | Set-LyncCalPolicyAssignment -WhatIf

    Shows the Grant-CsConferencingPolicy calls the plan would make.

    .EXAMPLE
    Import-Csv approved-plan.csv -Encoding UTF8 | Set-LyncCalPolicyAssignment -Confirm:$false -PassThru | Export-Csv applied.csv -NoTypeInformation -Encoding UTF8

    Applies a plan approved as a CSV and records what was done, every plan column kept.

    .EXAMPLE
    Set-LyncCalPolicyAssignment -SipAddress sip:carol@contoso.com -GrantPolicyName STD_CAL_NoConferencing -Action Grant

    Grants one user a policy (tab completes policy names where Get-CsConferencingPolicy exists).

    .INPUTS
    LicenseAudit.LyncPolicyChange, or any object with SipAddress/Identity, Action and
    GrantPolicyName/TargetPolicy properties.

    .OUTPUTS
    LicenseAudit.LyncPolicyChange (with -PassThru)

    .LINK
    Get-LyncCalPolicyPlan

    .LINK
    New-LyncCalPolicyTemplate
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-configuration.md#remediation-plan-get-lynccalpolicyplan-set-lynccalpolicyassignment')]
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
        # Not Mandatory: a record without it would fail parameter binding, an error PowerShell
        # keeps out of -ErrorVariable. process{} refuses it instead (NoTargetPolicy).
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('TargetPolicy')]
        [AllowEmptyString()]
        [AllowNull()]
        [string]$GrantPolicyName,
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateSet('Grant', 'None')]
        [string]$Action,
        [switch]$PassThru
    )
    begin {
        # Grant-CsConferencingPolicy is looked for once, at the first grant (-WhatIf needs none).
        $grantChecked = $false
    }
    process {
        if ($Action -ne 'Grant') { return }
        $piped = $null
        if ($PSCmdlet.MyInvocation.ExpectingInput) { $piped = $_ }
        $target = $SipAddress
        if (-not $target) { $target = $Identity }
        if (-not $target) {
            $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'NoIdentity' -Category InvalidArgument -TargetObject $piped `
                        -ExceptionType 'System.ArgumentException' -Message 'A plan record has neither SipAddress nor Identity.'))
            return
        }
        # A plan whose TargetPolicy was edited (the column its table shows) but whose
        # GrantPolicyName was not: granting either would ignore what the approver wrote.
        if ($null -ne $piped -and -not ($piped -is [string]) -and $piped.PSObject.Properties['TargetPolicy'] -and $piped.PSObject.Properties['GrantPolicyName']) {
            $targetTag = ([string]$piped.TargetPolicy).Trim()
            $grantTag = ([string]$piped.GrantPolicyName).Trim() -replace '^(?i)tag:\s*', ''
            if ($targetTag -match '^(?i)tag:' -and $grantTag -and -not [string]::Equals(($targetTag -replace '^(?i)tag:\s*', ''), $grantTag, [System.StringComparison]::OrdinalIgnoreCase)) {
                $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'PlanConflict' -Category InvalidData -TargetObject $target `
                            -ExceptionType 'System.ArgumentException' `
                            -Message ("Refusing {0}: its TargetPolicy ({1}) and GrantPolicyName ({2}) name different policies (was one edited?). Make them agree, or clear GrantPolicyName to grant TargetPolicy." -f $target, $targetTag, $grantTag)))
                return
            }
        }
        # What to grant: GrantPolicyName, else the record's TargetPolicy (the plan leaves
        # GrantPolicyName empty when the target is what the user would inherit).
        $wanted = ([string]$GrantPolicyName).Trim()
        if (-not $wanted -and $null -ne $piped -and $piped.PSObject.Properties['TargetPolicy']) {
            $wanted = ([string]$piped.TargetPolicy).Trim()
        }
        # 'Tag:' alone names no policy either: -PolicyName '' is as good as $null to
        # Grant-CsConferencingPolicy, which then removes the user's policy.
        if (-not ($wanted -replace '^(?i)tag:\s*', '')) {
            $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'NoTargetPolicy' -Category InvalidArgument -TargetObject $target `
                        -ExceptionType 'System.ArgumentException' `
                        -Message ("Refusing to grant {0} nothing: the record has Action Grant but no GrantPolicyName or TargetPolicy (Grant-CsConferencingPolicy -PolicyName `$null would remove the user's policy)." -f $target)))
            return
        }
        $policyName = $null
        if ($wanted -match '^(?i)(global|site:.+)$') {
            $description = "Grant-CsConferencingPolicy -PolicyName `$null (remove the per-user policy; the user inherits $wanted)"
        }
        else {
            $policyName = $wanted -replace '^(?i)tag:\s*', ''
            $description = "Grant-CsConferencingPolicy -PolicyName $policyName"
        }
        $applied = $false
        if ($PSCmdlet.ShouldProcess($target, $description)) {
            if (-not $grantChecked) {
                Assert-LicenseAuditCommand -Cmdlet $PSCmdlet -Name 'Grant-CsConferencingPolicy' -ErrorId 'LyncCmdletsNotFound' `
                    -Remedy 'run this in the Lync Server / Skype for Business Server Management Shell, or a remote PowerShell session to a Front End server. -WhatIf previews the plan anywhere.'
                $grantChecked = $true
            }
            # -Confirm:$false: the user already answered our prompt; without it the inner cmdlet
            # sees the lowered $ConfirmPreference and asks again. In a pipeline of its own: one
            # GrantFailed in the admin's -ErrorVariable, not the inner cmdlet's errors too.
            # ($args, not param(): the help check reads every param() here as the cmdlet's.)
            $granted = Invoke-LicenseAuditNested -ScriptBlock {
                Grant-CsConferencingPolicy -Identity $args[0] -PolicyName $args[1] -Confirm:$false -ErrorAction Stop | Out-Null
            } -ArgumentList $target, $policyName
            if ($granted.ContainsKey('Failure')) {
                $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'GrantFailed' -Category WriteError -TargetObject $target `
                            -InnerException $granted.Failure.Exception -Message ("Grant-CsConferencingPolicy for {0} failed: {1}" -f $target, $granted.Failure.Exception.Message)))
            }
            else { $applied = $true }
        }
        if ($PassThru) {
            $record = [ordered]@{}
            if ($null -ne $piped -and -not ($piped -is [string])) {
                foreach ($property in $piped.PSObject.Properties) { $record[$property.Name] = $property.Value }
            }
            $record['SipAddress'] = $SipAddress
            $record['Identity'] = $Identity
            $record['GrantPolicyName'] = $policyName
            $record['Action'] = $Action
            $record['Applied'] = $applied
            $out = [pscustomobject]$record
            $out.PSObject.TypeNames.Insert(0, 'LicenseAudit.LyncPolicyChange')
            $out
        }
    }
}
