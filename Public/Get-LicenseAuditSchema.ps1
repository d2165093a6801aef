function Get-LicenseAuditSchema {
    <#
    .SYNOPSIS
    Lists LicenseAudit's record types, or returns the JSON Schema (draft 2020-12) of one.

    .DESCRIPTION
    Wraps `license-audit schema`. Without -Name, lists every input and output record type with a
    description. With -Name, returns that record type's JSON Schema as text, for validation or
    for generating reports.

    .PARAMETER Name
    A record type, e.g. LyncUserCal or InputInspection.

    .EXAMPLE
    Get-LicenseAuditSchema

    Lists the record types.

    .EXAMPLE
    Get-LicenseAuditSchema -Name InputInspection | Set-Content InputInspection.schema.json -Encoding UTF8

    Saves one record type's schema.

    .INPUTS
    Objects with a Name property (Get-LicenseAuditSchema output).

    .OUTPUTS
    LicenseAudit.SchemaEntry, or System.String (a JSON Schema) with -Name.

    .LINK
    Get-LicenseAuditInputInfo
    #>
    [CmdletBinding(HelpUri = 'https://github.com/licenseaudit/LicenseAudit/blob/main/docs/engine.md#commands')]
    [OutputType([psobject], [string])]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [string]$Name
    )
    process {
        $binary = Get-LicenseAuditBinaryPath -Cmdlet $PSCmdlet
        if ($Name) {
            # stderr is merged to become the error message. Windows PowerShell 5.1 turns each
            # merged stderr line into an error record that -ErrorAction Stop (or a caller's
            # $ErrorActionPreference = 'Stop') makes terminating, a NativeCommandError instead
            # of LicenseAudit.UnknownRecordType: the preference is 'Continue' in this scope.
            # $PSNativeCommandUseErrorActionPreference (7.3+) is off too: it throws on exit code 2.
            $text = & {
                $ErrorActionPreference = 'Continue'
                $PSNativeCommandUseErrorActionPreference = $false
                & $binary 'schema' $Name '--error-format' 'text' 2>&1
            }
            if ($LASTEXITCODE -ne 0) {
                $PSCmdlet.WriteError((New-LicenseAuditErrorRecord -ErrorId 'UnknownRecordType' -Category InvalidArgument -TargetObject $Name `
                            -ExceptionType 'System.ArgumentException' -Message ([string]($text | Select-Object -First 1))))
                return
            }
            return ($text -join [Environment]::NewLine)
        }
        $lines = & $binary 'schema' '--list'
        if ($LASTEXITCODE -ne 0) {
            $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'EngineFailed' -TargetObject $binary `
                        -Message "license-audit schema --list failed with exit code $LASTEXITCODE"))
        }
        foreach ($line in $lines) {
            $parts = $line -split "`t", 3
            [pscustomobject]@{ PSTypeName = 'LicenseAudit.SchemaEntry'; Name = $parts[0]; Kind = $parts[1]; Description = $parts[2] }
        }
    }
}
