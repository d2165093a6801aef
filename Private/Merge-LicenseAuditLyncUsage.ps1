function Merge-LicenseAuditLyncUsage {
    <#
    .SYNOPSIS
    Merges the usage records of several monitoring stores into one record per user (or device):
    the answer the whole estate gives, not one per store.
    .DESCRIPTION
    Per tier (Standard, Enterprise, Plus): Yes in any store is Yes; else InsufficientData in any
    store is InsufficientData; else No - and when a store could not be read (-FailedStore), No
    becomes InsufficientData, because that store may hold the usage. Evidence counts add up
    (MaxConferenceParticipants takes the largest), LastActivity is the latest, Registrations
    add up, and reasons are kept, each prefixed with its store.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # @{ Store = 'sqlmon01\LYNCMON'; Users = <records> } per store that was read.
        [Parameter(Mandatory)]
        [AllowEmptyCollection()]
        [object[]]$Result,
        # SipAddress for users, Device for devices.
        [Parameter(Mandatory)]
        [string]$Key,
        [AllowEmptyCollection()]
        [string[]]$FailedStore = @()
    )
    $rank = @{ 'No' = 0; 'InsufficientData' = 1; 'Yes' = 2 }
    $tiers = @('Standard', 'Enterprise', 'Plus')
    $prefix = @($Result | Where-Object { $_.Store }).Count -gt 1
    $order = New-Object System.Collections.Generic.List[string]
    $merged = @{}
    foreach ($store in $Result) {
        foreach ($record in $store.Users) {
            $id = ([string]$record.$Key).ToLowerInvariant()
            $reasons = @($record.Reasons)
            if ($prefix) { $reasons = @($reasons | ForEach-Object { '[{0}] {1}' -f $store.Store, $_ }) }
            if (-not $merged.ContainsKey($id)) {
                $copy = $record.PSObject.Copy()
                if ($record.PSObject.Properties['Evidence'] -and $null -ne $record.Evidence) { $copy.Evidence = $record.Evidence.PSObject.Copy() }
                $copy.Reasons = $reasons
                $merged[$id] = $copy
                $order.Add($id)
                continue
            }
            $into = $merged[$id]
            foreach ($tier in $tiers) {
                if ($rank[[string]$record.$tier] -gt $rank[[string]$into.$tier]) { $into.$tier = $record.$tier }
            }
            if ($null -ne $record.LastActivity -and ($null -eq $into.LastActivity -or $record.LastActivity -gt $into.LastActivity)) {
                $into.LastActivity = $record.LastActivity
            }
            if ($into.PSObject.Properties['Registrations'] -and $null -ne $record.Registrations) {
                $into.Registrations = [long]$into.Registrations + [long]$record.Registrations
            }
            if ($into.PSObject.Properties['Evidence'] -and $null -ne $record.Evidence) {
                foreach ($p in $record.Evidence.PSObject.Properties) {
                    $current = $into.Evidence.PSObject.Properties[$p.Name]
                    if (-not $current) { continue }
                    if ($p.Name -eq 'MaxConferenceParticipants') { $current.Value = [math]::Max([long]$current.Value, [long]$p.Value) }
                    else { $current.Value = [long]$current.Value + [long]$p.Value }
                }
            }
            $into.Reasons = @($into.Reasons) + $reasons
        }
    }
    foreach ($id in $order) {
        $record = $merged[$id]
        if ($FailedStore.Count -gt 0) {
            foreach ($tier in $tiers) {
                if ($record.$tier -eq 'No') {
                    $record.$tier = 'InsufficientData'
                    $record.Reasons = @($record.Reasons) + ('{0}: InsufficientData, monitoring store {1} could not be read' -f $tier, ($FailedStore -join ', '))
                }
            }
        }
        if ($record.PSObject.Properties['ReasonsText']) { $record.ReasonsText = ConvertTo-LicenseAuditListText -Value $record.Reasons }
        if ($record.PSObject.Properties['EvidenceText']) { $record.EvidenceText = ConvertTo-LicenseAuditListText -Value $record.Evidence }
        $record
    }
}
