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
    Supports -WhatIf and -Confirm. Existing policies are left alone with a warning. With
    -TemplateOnly nothing is created: the templates are emitted for review.

    .PARAMETER Prefix
    Put before each policy name, e.g. 'Contoso_'.

    .PARAMETER Rules
    The rule set the templates must satisfy: lenient, default or strict.

    .PARAMETER TemplateOnly
    Emit the templates without creating anything.

    .EXAMPLE
    New-LyncCalPolicyTemplate -WhatIf

    Shows the five New-CsConferencingPolicy commands.

    .EXAMPLE
    New-LyncCalPolicyTemplate -Prefix Contoso_ -TemplateOnly | Select-Object Name, ImpliedCal, Command

    Reviews the scheme before creating it.

    .OUTPUTS
    LicenseAudit.LyncPolicyTemplate
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('LicenseAudit.LyncPolicyTemplate')]
    param(
        [string]$Prefix = '',
        [ValidateSet('lenient', 'default', 'strict')]
        [string]$Rules = 'default',
        [switch]$TemplateOnly
    )
    $templates = Invoke-LicenseAuditNative -Command 'lync', 'template' -Arguments @('--prefix', $Prefix, '--rules', $Rules) -Cmdlet $PSCmdlet -Activity 'Conferencing policy templates'
    foreach ($template in $templates) {
        if ($TemplateOnly) {
            $template
            continue
        }
        if (Get-CsConferencingPolicy -Identity $template.Identity -ErrorAction SilentlyContinue) {
            Write-Warning "$($template.Identity) already exists; left unchanged."
            continue
        }
        $parameters = @{ Identity = $template.Name; Description = $template.Description }
        foreach ($property in $template.Parameters.PSObject.Properties) {
            $parameters[$property.Name] = $property.Value
        }
        if ($PSCmdlet.ShouldProcess($template.Identity, 'New-CsConferencingPolicy')) {
            try {
                New-CsConferencingPolicy @parameters -ErrorAction Stop | Out-Null
                $template
            }
            catch {
                $PSCmdlet.WriteError($_)
            }
        }
    }
}
