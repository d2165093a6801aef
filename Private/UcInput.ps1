# Turning Microsoft Teams and Graph objects into the records `license-audit uc count` reads.
# Lists stay lists (FeatureTypes, AssignedPlan) and policies stay {Authority, Name} objects: the
# generic ConvertTo-LicenseAuditRecord would turn them into text. A property the object does
# not have is left out, never sent empty: an export from an older MicrosoftTeams module without
# FeatureTypes must read as "not exported", not as "no features".

$script:UcTeamsUserProperties = @(
    'Identity', 'UserPrincipalName', 'Alias', 'DisplayName', 'SipAddress', 'TenantId', 'AccountEnabled',
    'AccountType', 'InterpretedUserType', 'EnterpriseVoiceEnabled', 'FeatureTypes', 'AssignedPlan', 'LineUri',
    'SoftDeletionTimestamp', 'TeamsIPPhonePolicy'
)
$script:UcIpPhonePolicyProperties = @('Identity', 'SignInMode')
$script:UcApplicationInstanceProperties = @('UserPrincipalName', 'ObjectId', 'ApplicationId', 'DisplayName')

function Get-LicenseAuditUcMember {
    <#
    .SYNOPSIS
    The value of a property, or $null when the object has no such property (safe under
    Set-StrictMode).
    #>
    [CmdletBinding()]
    param(
        [AllowNull()][object]$InputObject,
        [Parameter(Mandatory)][string]$Name
    )
    if ($null -eq $InputObject) { return $null }
    $member = $InputObject.PSObject.Properties[$Name]
    if ($member) { return $member.Value }
    $null
}

function ConvertTo-LicenseAuditUcScalar {
    <#
    .SYNOPSIS
    Booleans, numbers and strings as they are; dates as ISO 8601 UTC; anything else as text.
    #>
    [CmdletBinding()]
    param([AllowNull()][object]$Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [bool] -or $Value -is [string] -or $Value -is [int] -or $Value -is [long] -or $Value -is [double]) {
        return $Value
    }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o') }
    [string]$Value
}

function ConvertTo-LicenseAuditUcPolicy {
    <#
    .SYNOPSIS
    A Teams policy assignment as {Authority, Name}, a name, or $null (the Global policy).
    #>
    [CmdletBinding()]
    param([AllowNull()][object]$Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) { return $Value }
    $name = Get-LicenseAuditUcMember $Value 'Name'
    if ($null -ne $name) {
        return [ordered]@{ Authority = [string](Get-LicenseAuditUcMember $Value 'Authority'); Name = [string]$name }
    }
    [string]$Value
}

function ConvertTo-LicenseAuditTeamsUser {
    <#
    .SYNOPSIS
    One Get-CsOnlineUser object as the record `uc count` reads: the properties it needs, lists
    kept as lists, policies as {Authority, Name}, missing properties left out.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        if ($null -eq $InputObject) { return }
        $record = [ordered]@{}
        foreach ($name in $script:UcTeamsUserProperties) {
            $member = $InputObject.PSObject.Properties[$name]
            if (-not $member) { continue }
            $value = $member.Value
            switch ($name) {
                'FeatureTypes' {
                    $record[$name] = @(@($value) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
                }
                'AssignedPlan' {
                    $record[$name] = @(@($value) | Where-Object { $null -ne $_ } | ForEach-Object {
                            $capability = Get-LicenseAuditUcMember $_ 'Capability'
                            if ($null -eq $capability) {
                                [ordered]@{ Capability = [string]$_ }
                            }
                            else {
                                [ordered]@{
                                    Capability       = [string]$capability
                                    CapabilityStatus = [string](Get-LicenseAuditUcMember $_ 'CapabilityStatus')
                                    ServicePlanId    = [string](Get-LicenseAuditUcMember $_ 'ServicePlanId')
                                }
                            }
                        })
                }
                'TeamsIPPhonePolicy' { $record[$name] = ConvertTo-LicenseAuditUcPolicy $value }
                default { $record[$name] = ConvertTo-LicenseAuditUcScalar $value }
            }
        }
        [pscustomobject]$record
    }
}

function ConvertTo-LicenseAuditUcLicenseRecord {
    <#
    .SYNOPSIS
    A Microsoft Graph user (Get-MgUser -Property UserPrincipalName,AssignedLicenses) as
    {UserPrincipalName, AssignedLicenses: [{SkuId}]}; rows that already carry SkuId pass through.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject
    )
    process {
        if ($null -eq $InputObject) { return }
        $record = [ordered]@{ UserPrincipalName = [string](Get-LicenseAuditUcMember $InputObject 'UserPrincipalName') }
        $assigned = Get-LicenseAuditUcMember $InputObject 'AssignedLicenses'
        if ($null -ne $assigned) {
            $record.AssignedLicenses = @(@($assigned) | Where-Object { $null -ne $_ } | ForEach-Object {
                    [ordered]@{ SkuId = [string](Get-LicenseAuditUcMember $_ 'SkuId') }
                })
        }
        foreach ($name in 'SkuId', 'SkuPartNumber') {
            $value = Get-LicenseAuditUcMember $InputObject $name
            if ($null -ne $value) { $record[$name] = [string]$value }
        }
        [pscustomobject]$record
    }
}

function Write-LicenseAuditUcFile {
    <#
    .SYNOPSIS
    Writes already-converted records as NDJSON (UTF-8, no BOM) to a new temporary file; $null
    when there are none.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]]$InputObject
    )
    $items = @($InputObject | Where-Object { $null -ne $_ })
    if ($items.Count -eq 0) { return $null }
    $path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'licenseaudit-' + [guid]::NewGuid().ToString('N') + '.ndjson')
    $writer = New-Object System.IO.StreamWriter -ArgumentList $path, $false, (New-Object System.Text.UTF8Encoding -ArgumentList $false)
    try {
        $writer.NewLine = "`n"
        foreach ($item in $items) {
            $writer.WriteLine((ConvertTo-LicenseAuditInputLine -InputObject $item))
        }
    }
    finally {
        $writer.Dispose()
    }
    $path
}

function Get-LicenseAuditUcPrivacyArgument {
    <#
    .SYNOPSIS
    The anonymous / pseudonym arguments of `uc count`. The key stays in the environment: only
    the variable's name is passed.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        [switch]$Anonymous,
        [string]$PseudonymKeyVariable
    )
    if ($Anonymous) { '--anonymous' }
    if ($PseudonymKeyVariable) {
        if (-not [System.Environment]::GetEnvironmentVariable($PseudonymKeyVariable)) {
            throw "The environment variable '$PseudonymKeyVariable' named by -PseudonymKeyVariable is not set. Put the key there first (for example `$env:$PseudonymKeyVariable = '<32 random characters>'); it is never passed on a command line."
        }
        '--pseudonym-key-env'
        $PseudonymKeyVariable
    }
}
