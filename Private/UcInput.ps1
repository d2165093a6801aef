# Turning Microsoft Teams and Graph objects into the records `license-audit uc count` reads, and
# the "Get-CsOnlineUser on stdin" run behind Get-TeamsLicenseCount. Lists stay lists
# (FeatureTypes, AssignedPlan) and policies stay {Authority, Name} objects: the generic
# ConvertTo-LicenseAuditRecord would turn them into text. A property the object does not have
# is left out, never sent empty: an export from an older MicrosoftTeams module without
# FeatureTypes must read as "not exported", not as "no features".

# What Get-CsOnlineUser is asked for (-Properties) and what is sent of each account.
$script:UcTeamsUserProperties = @(
    'Identity', 'UserPrincipalName', 'Alias', 'DisplayName', 'SipAddress', 'TenantId', 'AccountEnabled',
    'AccountType', 'InterpretedUserType', 'EnterpriseVoiceEnabled', 'FeatureTypes', 'AssignedPlan', 'LineUri',
    'SoftDeletionTimestamp', 'TeamsIPPhonePolicy'
)
$script:UcIpPhonePolicyProperties = @('Identity', 'SignInMode')
$script:UcApplicationInstanceProperties = @('UserPrincipalName', 'ObjectId', 'ApplicationId', 'DisplayName')
# The Teams Shared Devices SKU (formerly Common Area Phone): its holders are common area phones.
# The same id and part number as native/src/uc/teams.rs.
$script:UcSharedDevicesSkuId = '295a8eb0-f78d-45c7-8b5b-1eed5ed02dff'
$script:UcSharedDevicesPartNumber = 'MCOCAP'
# Record types of `uc count`: one goes down the pipeline, the others to -SummaryVariable and
# -DetailVariable.
$script:UcDetailTypes = @('UcDevice', 'UcMeetingRoom', 'UcOrphanService')
# Get-TeamsLicenseCount's records: the accounts (UcUserLicense), the totals (UcLicenseTotal) and
# the rooms and common area phones (UcMeetingRoom, UcDevice) have table views of their own
# (LicenseAudit.Format.ps1xml), without the customer and Cisco columns a Teams-only estate leaves
# empty, and with why an account is left out. Record type -> the type name put in front.
$script:UcTeamsOnlyTypes = [ordered]@{
    UcUserLicense  = 'LicenseAudit.UcUserLicense#TeamsOnly'
    UcLicenseTotal = 'LicenseAudit.UcLicenseTotal#TeamsOnly'
    UcDevice       = 'LicenseAudit.UcDevice#TeamsOnly'
    UcMeetingRoom  = 'LicenseAudit.UcMeetingRoom#TeamsOnly'
}
# The same, by the type name the record has before (what Add-LicenseAuditTeamsOnlyType looks up).
$script:UcTeamsOnlyByTypeName = @{
    'LicenseAudit.UcUserLicense'  = 'LicenseAudit.UcUserLicense#TeamsOnly'
    'LicenseAudit.UcLicenseTotal' = 'LicenseAudit.UcLicenseTotal#TeamsOnly'
    'LicenseAudit.UcDevice'       = 'LicenseAudit.UcDevice#TeamsOnly'
    'LicenseAudit.UcMeetingRoom'  = 'LicenseAudit.UcMeetingRoom#TeamsOnly'
}

function Add-LicenseAuditTeamsOnlyType {
    # Puts the Teams-only type name (LicenseAudit.UcUserLicense#TeamsOnly, ...) in front of each
    # record of those types passing through that does not have it yet (LicenseAudit.<RecordType>
    # stays next, for PSTypeName checks); anything else passes unchanged. A plain process block,
    # not an advanced function: it runs once per account, and parameter binding would double its
    # cost.
    process {
        if ($null -ne $_) {
            $view = $script:UcTeamsOnlyByTypeName[[string]$_.PSObject.TypeNames[0]]
            if ($view) { $_.PSObject.TypeNames.Insert(0, $view) }
        }
        $_
    }
}

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
    Booleans, numbers and strings as they are; dates as invariant ISO 8601 UTC; anything else
    (enums, identities) as text.
    #>
    [CmdletBinding()]
    param([AllowNull()][object]$Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [bool] -or $Value -is [string] -or $Value -is [int] -or $Value -is [long] -or $Value -is [double]) {
        return $Value
    }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture) }
    [System.Convert]::ToString($Value, [System.Globalization.CultureInfo]::InvariantCulture)
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
    One Get-CsOnlineUser object as the record `uc count` (or, with -Property
    $script:TeamsAssignmentUserProperties, `teams assignments`) reads: the properties it needs,
    lists kept as lists, policies as {Authority, Name} (a null policy, the Global one, stays
    null), missing properties left out.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject,
        [string[]]$Property = $script:UcTeamsUserProperties
    )
    process {
        if ($null -eq $InputObject) { return }
        # A hashtable or [ordered] dictionary piped in: its keys are its properties.
        if ($InputObject -is [System.Collections.IDictionary]) { $InputObject = New-Object -TypeName psobject -Property $InputObject }
        $record = [ordered]@{}
        foreach ($name in $Property) {
            $member = $InputObject.PSObject.Properties[$name]
            if (-not $member) { continue }
            $value = $null
            try { $value = $member.Value }
            catch {
                $PSCmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PropertyUnreadable' -Category ReadError -TargetObject $InputObject `
                            -InnerException $_.Exception -Message ("Its {0} property could not be read: {1}" -f $name, $_.Exception.Message)))
            }
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
                'OnlineVoiceRoutingPolicy' { $record[$name] = ConvertTo-LicenseAuditUcPolicy $value }
                'TeamsSharedCallingRoutingPolicy' { $record[$name] = ConvertTo-LicenseAuditUcPolicy $value }
                default { $record[$name] = ConvertTo-LicenseAuditUcScalar $value }
            }
        }
        [pscustomobject]$record
    }
}

function Select-LicenseAuditUcSharedDevice {
    <#
    .SYNOPSIS
    The accounts of Microsoft Graph licence data (Get-MgUser -Property
    UserPrincipalName,AssignedLicenses, or rows of UserPrincipalName, SkuId, SkuPartNumber) that
    hold the Teams Shared Devices SKU, as {UserPrincipalName, SkuId}.
    .DESCRIPTION
    That SKU is all `uc count` reads licence data for, and the engine reads it before stdin
    starts, so it goes to a session-owned file: only device accounts are written there, never
    the licences of people.
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
        $upn = [string](Get-LicenseAuditUcMember $InputObject 'UserPrincipalName')
        if (-not $upn.Trim()) { return }
        $skus = [System.Collections.Generic.List[object]]::new()
        foreach ($item in @(Get-LicenseAuditUcMember $InputObject 'AssignedLicenses')) {
            if ($null -eq $item) { continue }
            if ($item -is [string] -or $item -is [guid]) { $skus.Add(@([string]$item, $null)); continue }
            $skus.Add(@([string](Get-LicenseAuditUcMember $item 'SkuId'), [string](Get-LicenseAuditUcMember $item 'SkuPartNumber')))
        }
        $skus.Add(@([string](Get-LicenseAuditUcMember $InputObject 'SkuId'), [string](Get-LicenseAuditUcMember $InputObject 'SkuPartNumber')))
        foreach ($sku in $skus) {
            $id = ([string]$sku[0]).Trim().Trim('{', '}')
            $part = ([string]$sku[1]).Trim()
            if ($id -eq $script:UcSharedDevicesSkuId -or $part -eq $script:UcSharedDevicesPartNumber) {
                return [pscustomobject][ordered]@{ UserPrincipalName = $upn.Trim(); SkuId = $script:UcSharedDevicesSkuId }
            }
        }
    }
}

function Get-LicenseAuditUcPrivacyArgument {
    <#
    .SYNOPSIS
    The anonymous / pseudonym arguments of `uc count`. The key stays in the environment: only
    the variable's name is passed, and the key is never read into a variable here.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [switch]$Anonymous,
        [string]$PseudonymKeyVariable
    )
    if ($Anonymous) { '--anonymous' }
    if ($PseudonymKeyVariable) {
        if ([string]::IsNullOrEmpty([System.Environment]::GetEnvironmentVariable($PseudonymKeyVariable))) {
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PseudonymKeyNotSet' -Category InvalidArgument -TargetObject $PseudonymKeyVariable `
                        -ExceptionType 'System.ArgumentException' `
                        -Message ("The environment variable '{0}' named by -PseudonymKeyVariable is not set. Put the key (at least 16 random bytes) there first, e.g. from a vault: `$env:{0} = <key>. It is never passed on a command line." -f $PseudonymKeyVariable)))
        }
        '--pseudonym-key-env'
        $PseudonymKeyVariable
    }
}

function Resolve-LicenseAuditUcPath {
    <#
    .SYNOPSIS
    The files of one `uc count` input, as the engine needs them: wildcards expanded, file-system
    paths only; with -Single, exactly one file.
    .DESCRIPTION
    Unlike the evidence files of a compliance run, a count without one of the exports it was
    given would be a wrong count, not a partial one: a pattern that matches no file is a
    terminating error (LicenseAudit.PathNotFound), raised before the engine starts.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)]
        [string]$ParameterName,
        [AllowEmptyCollection()]
        [string[]]$Path = @(),
        [switch]$Single
    )
    $files = New-Object System.Collections.Generic.List[string]
    foreach ($pattern in $Path) {
        if (-not $pattern) { continue }
        $found = @()
        if (Test-Path -Path $pattern -PathType Leaf) {
            $found = @(Resolve-LicenseAuditPath -Cmdlet $Cmdlet -Path $pattern)
        }
        if ($found.Count -eq 0) {
            $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $pattern `
                        -ExceptionType 'System.IO.FileNotFoundException' `
                        -Message ("-{0} '{1}' matches no file; the count would leave that export out, so nothing was counted." -f $ParameterName, $pattern)))
        }
        foreach ($one in $found) { $files.Add($one) }
    }
    if ($Single -and $files.Count -gt 1) {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotOneFile' -Category InvalidArgument -TargetObject $Path `
                    -ExceptionType 'System.ArgumentException' -Message ("-{0} must name exactly one file; it matches {1}." -f $ParameterName, $files.Count)))
    }
    $files.ToArray()
}

function Resolve-LicenseAuditUcFolder {
    <#
    .SYNOPSIS
    The file-system folder -EstatePath names (exactly one), or a terminating
    LicenseAudit.PathNotFound.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)]
        [string]$Path
    )
    $found = @()
    $provider = $null
    if (Test-Path -Path $Path -PathType Container) {
        $found = @($Cmdlet.GetResolvedProviderPathFromPSPath($Path, [ref]$provider))
    }
    if ($found.Count -ne 1 -or $null -eq $provider -or $provider.Name -ne 'FileSystem') {
        $Cmdlet.ThrowTerminatingError((New-LicenseAuditErrorRecord -ErrorId 'PathNotFound' -Category ObjectNotFound -TargetObject $Path `
                    -ExceptionType 'System.IO.DirectoryNotFoundException' `
                    -Message ("-EstatePath '{0}' must name one file-system folder of exports; it matches {1}." -f $Path, $found.Count)))
    }
    $found[0]
}

