function New-LyncCalPolicyTemplate {
    <#
    .SYNOPSIS
    Creates the five conferencing policies of the CAL scheme (STD_CAL_NoConferencing,
    ENT_CAL_REC_Audio, ENT_CAL_REC_AudioVideo, ENT_CAL_REC_AudioVideo_PSTN,
    ENT_CAL_NOREC_AudioVideo) with New-CsConferencingPolicy.

    .DESCRIPTION
    Gets the scheme from `license-audit lync template` (each policy's New-CsConferencingPolicy
    parameters and the tier it implies under -Rules) and creates each policy that does not exist
    yet. STD_CAL_NoConferencing keeps MaxMeetingSize at 250 so Standard users keep multi-party IM.
    Supports -WhatIf and -Confirm (one prompt per policy; New-CsConferencingPolicy runs with
    -Confirm:$false once you have said yes). Existing policies are left alone with a warning.
    With -TemplateOnly nothing is created: the templates are emitted for review.

    Only the parameters this server's New-CsConferencingPolicy has are passed: Lync Server 2010
    has no AllowMultiView (and other settings later versions added), so each template setting
    the host's cmdlet lacks is left out with a warning naming it, instead of every policy
    failing to bind.

    .PARAMETER Prefix
    Put before each policy name, e.g. 'Contoso_'.

    .PARAMETER Rules
    The rule set the templates must satisfy: lenient, default or strict (default if not given).
    default: Microsoft's Enterprise CAL feature list. A policy that lets the user organise
    multiparty IP audio or video, dial-in conferencing, desktop/application sharing or
    web-conferencing content (data collaboration, whiteboard/annotations, polls) makes the
    user Enterprise: the same uses Get-LyncCalUsage counts from the monitoring database.
    lenient: the conferencing modalities only (audio, video, dial-in, sharing); data
    collaboration, polls and annotations get the benefit of the doubt, because the same
    switch carries multi-party file transfer, a Standard right. A lower bound.
    strict: the worst case: default plus meeting and P2P recording, whose tier no source
    confirms. Anonymous participants and MultiView count under no rule set.
    Each record names its rule set (Rules) and its Enterprise answer under the other one
    (OtherRules: strict, or default for a strict run; EnterpriseUnderOtherRules).
    docs/rules/lync-configured.md, "The rule sets", gives the sources.

    .PARAMETER TemplateOnly
    Emit the templates without creating anything.

    .EXAMPLE
    New-LyncCalPolicyTemplate -WhatIf

    Shows the five New-CsConferencingPolicy commands.

    .EXAMPLE
    New-LyncCalPolicyTemplate -Prefix Contoso_ -TemplateOnly | Select-Object Name, ImpliedCal, Command

    Reviews the scheme before creating it.

    .INPUTS
    None.

    .OUTPUTS
    LicenseAudit.LyncPolicyTemplate

    .LINK
    Set-LyncCalPolicyAssignment

    .LINK
    Test-LyncConferencingPolicy
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/lync-configuration.md#policy-template-new-lynccalpolicytemplate')]
    [OutputType('LicenseAudit.LyncPolicyTemplate')]
    param(
        [string]$Prefix = '',
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default',
        [switch]$TemplateOnly
    )
    $templates = @(Invoke-LicenseAuditNative -Command 'lync', 'template' -Arguments @('--prefix', $Prefix, '--rules', $Rules) -Cmdlet $PSCmdlet -Activity 'Conferencing policy templates')
    if ($TemplateOnly) {
        $templates
        return
    }
    # The parameters this host's New-CsConferencingPolicy accepts (Lync 2010 lacks some).
    Assert-LicenseAuditCommand -Cmdlet $PSCmdlet -Name 'New-CsConferencingPolicy', 'Get-CsConferencingPolicy' -ErrorId 'LyncCmdletsNotFound' `
        -Remedy 'run this in the Lync Server / Skype for Business Server Management Shell, or a remote PowerShell session to a Front End server. -TemplateOnly works anywhere.'
    $command = Get-LicenseAuditCommand -Name New-CsConferencingPolicy
    $accepted = $command.Parameters
    $unsupported = New-Object System.Collections.Generic.List[string]
    foreach ($template in $templates) {
        # Not there is the usual answer: asked in a pipeline of its own, so that Get-CsConferencingPolicy's
        # "not found" does not land in the admin's -ErrorVariable.
        $existing = Invoke-LicenseAuditNested -ScriptBlock { Get-CsConferencingPolicy -Identity $args[0] -ErrorAction Stop } -ArgumentList $template.Identity
        if ($existing.ContainsKey('Output') -and @($existing.Output | Where-Object { $null -ne $_ }).Count -gt 0) {
            Write-Warning "$($template.Identity) already exists; left unchanged."
            continue
        }
        $parameters = @{ Identity = $template.Name; Description = $template.Description }
        $skipped = New-Object System.Collections.Generic.List[string]
        foreach ($property in $template.Parameters.PSObject.Properties) {
            if ($accepted.ContainsKey($property.Name)) {
                $parameters[$property.Name] = $property.Value
            }
            else {
                $skipped.Add(('{0}={1}' -f $property.Name, $property.Value))
                if (-not $unsupported.Contains($property.Name)) { $unsupported.Add($property.Name) }
            }
        }
        if ($skipped.Count -gt 0) {
            Write-Warning ("{0}: this server's New-CsConferencingPolicy has no {1}; the policy is created without it." -f $template.Identity, ($skipped -join ', '))
        }
        if ($PSCmdlet.ShouldProcess($template.Identity, 'New-CsConferencingPolicy')) {
            # -Confirm:$false: one prompt per policy, ours. In a pipeline of its own: one
            # NewPolicyFailed in the admin's -ErrorVariable, not the inner cmdlet's errors too.
            $created = Invoke-LicenseAuditNested -ScriptBlock { $settings = $args[0]; New-CsConferencingPolicy @settings -Confirm:$false -ErrorAction Stop | Out-Null } -ArgumentList $parameters
            if ($created.ContainsKey('Failure')) {
                $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'NewPolicyFailed' -Category WriteError -TargetObject $template.Identity `
                            -InnerException $created.Failure.Exception -Message ("New-CsConferencingPolicy {0} failed: {1}" -f $template.Identity, $created.Failure.Exception.Message)))
            }
            else { $template }
        }
    }
}
