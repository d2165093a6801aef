# Engine messages in the terms of the cmdlet that ran the engine. The engine's errors and
# warnings speak its command line: flags (--auth integrated, --tier-policy 'Standard=X'), the
# temporary files a cmdlet writes configuration to, <stdin>. The admin typed the cmdlet's
# parameters (-Credential, -TierPolicy @{ Standard = 'X' }) and piped objects: every message
# surfaced from the engine goes through ConvertTo-LicenseAuditCmdletMessage, called from one
# place (Receive-LicenseAuditNativeDiagnostic, Private/Start-LicenseAuditNative.ps1).

# Engine flag -> what the admin gave, per cmdlet: derived from the arguments each cmdlet (and the
# private functions it calls) passes; tests/CmdletErrors.Tests.ps1 checks every flag a cmdlet
# passes is here. '<flag> <piped>' is what the flag's value was when the module wrote it (a
# temporary file, or '-': standard input). An empty text drops a parenthesised hint naming a
# flag the cmdlet has no parameter for. Keys 'Cmdlet|engine command' win over 'Cmdlet'. (The
# password flag is double-quoted: here it is a word of a message, not an argument passed, which
# native/tests/powershell_module.rs checks goes with -Secret.)
$script:LicenseAuditFlagText = @{
    ''                                          = @{
        '--as-of'           = '-AsOf'
        '--history'         = '-HistoryPath'
        '--output'          = 'the output file'
        '--format'          = 'the output format'
        '--progress'        = 'the progress format'
        '--error-format'    = 'the error format'
        '--query-timeout'   = ''
        '--connect-timeout' = ''
    }
    'Get-LyncCalRequirement'                    = @{
        '--users'                 = 'the users (piped, or read with Get-CsUser)'
        '--conferencing-policies' = '-ConferencingPolicy (Get-CsConferencingPolicy output)'
        '--voice-policies'        = '-VoicePolicy (Get-CsVoicePolicy output)'
        '--pools'                 = '-Pool (Get-CsPool output)'
        '--common-area-phones'    = '-IncludeDevices (Get-CsCommonAreaPhone output)'
        '--analog-devices'        = '-IncludeDevices (Get-CsAnalogDevice output)'
        '--meeting-rooms'         = '-IncludeDevices (Get-CsMeetingRoom output)'
        '--rgs-agent-groups'      = '-IncludeDevices (Get-CsRgsAgentGroup output)'
        '--rules'                 = '-Rules'
        '--summary'               = '-Summary'
        '--summary-only'          = '-Summary'
        '--owned'                 = '-OwnedCal'
        '--owned-file'            = '-OwnedCalPath'
    }
    'Get-LyncCalPolicyPlan'                     = @{
        '--users'                 = 'the users (piped, or read with Get-CsUser)'
        '--conferencing-policies' = 'Get-CsConferencingPolicy output'
        '--voice-policies'        = 'Get-CsVoicePolicy output'
        '--pools'                 = 'Get-CsPool output'
        '--common-area-phones'    = 'Get-CsCommonAreaPhone output'
        '--analog-devices'        = 'Get-CsAnalogDevice output'
        '--meeting-rooms'         = 'Get-CsMeetingRoom output'
        '--rgs-agent-groups'      = 'Get-CsRgsAgentGroup output'
        '--licensed'              = '-LicensedPath'
        '--default-tier'          = '-DefaultTier'
        '--tier-policy'           = '-TierPolicy'
        '--all'                   = '-All'
        '--rules'                 = '-Rules'
    }
    'Test-LyncConferencingPolicy'               = @{
        '--conferencing-policies' = 'the conferencing policies (piped, or read with Get-CsConferencingPolicy)'
        '--users'                 = 'Get-CsUser output (read for -IncludeUserCount)'
        '--pools'                 = 'Get-CsPool output (read for -IncludeUserCount)'
        '--rules'                 = '-Rules'
    }
    'New-LyncCalPolicyTemplate'                 = @{
        '--prefix' = '-Prefix'
        '--rules'  = '-Rules'
    }
    'Get-LyncCalUsage'                          = @{
        '--server'                   = '-SqlServer'
        '--auth'                     = 'the authentication (-Credential for a SQL login, none for Windows integrated)'
        '--user'                     = '-Credential'
        "--password-stdin"           = 'the password of -Credential'
        '--trust-server-certificate' = '-TrustServerCertificate'
        '--encrypt'                  = '-DisableEncryption'
        '--days'                     = '-Days'
        '--cdr-database'             = '-CdrDatabase'
        '--qoe-database'             = '-QoeDatabase'
        '--users'                    = '-IncludeAllUsers (Get-CsUser output)'
        '--common-area-phones'       = '-IncludeCommonAreaPhones (Get-CsCommonAreaPhone output)'
    }
    'Get-LyncCalRightSizing'                    = @{
        '--configured'         = '-ConfiguredPath'
        '--configured <piped>' = 'the piped LyncUserCal records'
        '--usage'              = '-UsagePath'
        '--usage <piped>'      = 'the piped usage records'
        '--licensed'           = '-LicensedPath'
        '--prices'             = '-PricesPath'
        '--tier-policy'        = '-TierPolicy'
        '--summary'            = '-Summary'
    }
    'Get-ServerCalCompliance'                   = @{
        '--evidence'                  = '-EvidencePath'
        '--evidence <piped>'          = 'the piped evidence'
        '--systems'                   = '-SystemIdPath'
        '--systems <piped>'           = 'the piped Get-UalSystemId objects'
        '--licenses'                  = '-LicensePath'
        '--principals'                = '-PrincipalPath'
        '--mode'                      = '-Mode'
        '--window-days'               = '-WindowDays'
        '--internal-domain'           = '-InternalDomain'
        '--per-core-server'           = '-PerCoreServer'
        '--admin-account'             = '-AdminAccount'
        '--azure-server'              = '-AzureServer'
        '--emit-evidence'             = '-IncludeEvidence'
        '--fail-on-shortfall'         = '-FailOnShortfall'
        '--allow-incomplete-evidence' = '-AllowIncompleteEvidence'
    }
    'Get-UcLicenseCount'                        = @{
        '--estate'                  = '-EstatePath'
        '--users'                   = '-UserPath'
        '--teams'                   = '-TeamsPath'
        '--teams-ip-phone-policies' = '-TeamsIpPhonePolicyPath'
        '--teams-resource-accounts' = '-TeamsResourceAccountPath'
        '--m365-licenses'           = '-M365LicensePath'
        '--exchange'                = '-ExchangePath'
        '--cucm-users'              = '-CucmUserPath'
        '--cucm-phones'             = '-CucmPhonePath'
        '--uccx-agents'             = '-UccxAgentPath'
        '--unity-users'             = '-UnityUserPath'
        '--webex-users'             = '-WebexUserPath'
        '--webex-licenses'          = '-WebexLicensePath'
        '--webex-workspaces'        = '-WebexWorkspacePath'
        '--pexip-conferences'       = '-PexipConferencePath'
        '--anonymous'               = '-Anonymous'
        '--pseudonym-key-env'       = '-PseudonymKeyVariable'
    }
    'Get-TeamsLicenseCount'                     = @{
        '--teams'                   = 'the accounts (piped, or read with Get-CsOnlineUser)'
        '--teams-ip-phone-policies' = '-IpPhonePolicy (Get-CsTeamsIPPhonePolicy output)'
        '--teams-resource-accounts' = '-ApplicationInstance (Get-CsOnlineApplicationInstance output)'
        '--m365-licenses'           = '-LicenseData'
        '--anonymous'               = '-Anonymous'
        '--pseudonym-key-env'       = '-PseudonymKeyVariable'
    }
    'Test-TeamsLicenseAssignment'               = @{
        '--online-users'            = 'the accounts (piped, or read with Get-CsOnlineUser)'
        '--phone-numbers'           = '-PhoneNumberAssignment (Get-CsPhoneNumberAssignment output)'
        '--resource-accounts'       = '-ResourceAccount (Get-CsOnlineApplicationInstance output)'
        '--prices'                  = '-PricePath'
        '--voice-routing-policies'  = '-VoiceRoutingPolicy (Get-CsOnlineVoiceRoutingPolicy output)'
        '--voice-routes'            = '-VoiceRoute (Get-CsOnlineVoiceRoute output)'
        '--shared-calling-policies' = '-SharedCallingPolicy (Get-CsTeamsSharedCallingRoutingPolicy output)'
        '--call-queues'             = '-CallQueue (Get-CsCallQueue output)'
        '--m365-licenses'           = '-UserLicense (Get-MgUser -Property UserPrincipalName,AssignedLicenses output)'
        '--subscribed-skus'         = '-SubscribedSku (Get-MgSubscribedSku output)'
    }
    'Export-LicenseAuditReport'                 = @{
        '--output' = '-Path'
    }
    'Get-LicenseAuditHistory'                   = @{
        '--alert-threshold' = '-AlertThreshold'
        '--command'         = '-Command'
        '--all'             = '-All'
    }
    'Get-LicenseAuditInputInfo'                 = @{
        '--for' = '-For'
    }
    'Invoke-LicenseAudit'                       = @{
        '--estate'                   = 'the estate folder (-SnapshotPath, or the live collection in the run folder)'
        '--rules'                    = '-Rules'
        '--summary'                  = 'the summary'
        '--owned'                    = '-OwnedCal'
        '--owned-file'               = '-OwnedCalPath'
        '--server'                   = '-SqlServer'
        '--days'                     = '-Days'
        '--auth'                     = 'the authentication (-SqlCredential for a SQL login, none for Windows integrated)'
        '--user'                     = '-SqlCredential'
        "--password-stdin"           = 'the password of -SqlCredential'
        '--trust-server-certificate' = '-TrustServerCertificate'
        '--encrypt'                  = '-DisableEncryption'
        '--users'                    = "the estate's users export"
        '--common-area-phones'       = "the estate's common-area-phones export"
        '--configured'               = "the Entitlement audit's records"
        '--usage'                    = "the Usage audit's records"
        '--licensed'                 = '-LicensedPath'
        '--prices'                   = '-PricesPath'
        '--evidence'                 = '-EvidencePath (and the evidence collected from -UalComputerName)'
        '--systems'                  = '-SystemIdPath'
        '--licenses'                 = '-LicensePath'
        '--internal-domain'          = '-InternalDomain'
        '--per-core-server'          = '-PerCoreServer'
        '--admin-account'            = '-AdminAccount'
        '--azure-server'             = '-AzureServer'
        '--teams'                    = "the estate's teams export"
        '--teams-ip-phone-policies'  = "the estate's teams-ip-phone-policies export"
        '--teams-resource-accounts'  = "the estate's teams-resource-accounts export"
        '--alert-threshold'          = '-AlertThreshold'
        '--output'                   = 'the record file in -OutputPath'
    }
    'Invoke-LicenseAudit|teams assignments'     = @{
        '--prices' = '-TeamsPricePath'
    }
    'Invoke-LicenseAudit|report'                = @{
        '--output' = 'the workbook in -OutputPath'
    }
}

function ConvertTo-LicenseAuditCmdletMessage {
    <#
    .SYNOPSIS
    Rewrites one error or warning the engine wrote (its JSON object: message, file) in the terms
    of the cmdlet that ran it: its parameters instead of the engine's flags, what a temporary
    file or standard input held instead of their paths, and words instead of a Rust assertion.
    .DESCRIPTION
    The cmdlet is $Session.Cmdlet; the flags it passed and their values are
    $Session.EngineArguments. -Item is changed in place: message, and file when it is one of the
    session's temporary files (standard input, <stdin>, is left for the record to be matched to
    the piped object).
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)]
        [psobject]$Session,
        [Parameter(Mandatory)]
        [psobject]$Item
    )
    if (-not $Item.PSObject.Properties['message'] -or $null -eq $Item.message) { return }
    $text = [string]$Item.message
    $cmdletName = ''
    try { $cmdletName = [string]$Session.Cmdlet.MyInvocation.MyCommand.Name } catch { $cmdletName = '' }
    $flagText = @{}
    foreach ($key in @('', $cmdletName, ('{0}|{1}' -f $cmdletName, $Session.Command))) {
        if ($script:LicenseAuditFlagText.ContainsKey($key)) {
            foreach ($entry in $script:LicenseAuditFlagText[$key].GetEnumerator()) { $flagText[$entry.Key] = $entry.Value }
        }
    }
    # A flag the table does not know (an engine newer than this module): its words, no dashes.
    $describe = {
        param([string]$Flag)
        if ($flagText.ContainsKey($Flag)) { return $flagText[$Flag] }
        "the engine's {0} setting" -f $Flag.TrimStart('-')
    }
    $engineArguments = @()
    if ($Session.PSObject.Properties['EngineArguments'] -and $Session.EngineArguments) { $engineArguments = @($Session.EngineArguments) }
    $ownFiles = @()
    if ($Session.PSObject.Properties['Files'] -and $Session.Files) { $ownFiles = @($Session.Files) }

    # 1. The module's own inputs: a temporary file, or standard input ('-'; the engine says
    # <stdin>), named by what they held. "--usage <file>" becomes "the piped usage records".
    $sources = [ordered]@{}
    for ($i = 0; $i -lt $engineArguments.Count - 1; $i++) {
        $flag = [string]$engineArguments[$i]
        $value = [string]$engineArguments[$i + 1]
        if (-not $flag.StartsWith('--')) { continue }
        $source = $null
        if ($value -eq '-') { $source = '<stdin>' }
        elseif ($ownFiles -contains $value) { $source = $value }
        if ($null -eq $source -or $sources.Contains($source)) { continue }
        $what = $null
        if ($flagText.ContainsKey("$flag <piped>")) { $what = $flagText["$flag <piped>"] }
        elseif ($source -eq '<stdin>' -and $Session.PSObject.Properties['InputName'] -and $Session.InputName -and $Session.InputName -ne 'pipeline input') { $what = [string]$Session.InputName }
        else { $what = & $describe $flag }
        $sources[$source] = $what
    }
    foreach ($source in @($sources.Keys)) {
        $text = [regex]::Replace($text, '(?:(?<![\w-])--[a-z0-9][a-z0-9-]* )?' + [regex]::Escape($source), $sources[$source].Replace('$', '$$'))
    }
    if ($Item.PSObject.Properties['file'] -and $Item.file -and "$($Item.file)" -ne '<stdin>' -and $sources.Contains([string]$Item.file)) {
        $Item.file = $sources[[string]$Item.file]
    }
    # Any other temporary file of the module (a path the engine reworded): never its name.
    $text = [regex]::Replace($text, '\S*licenseaudit-\d+-[0-9a-f]{32}\.ndjson', ('the records {0} passed to the engine' -f $cmdletName).Replace('$', '$$'))

    # 2. A Rust assertion the engine contained (tiberius on a server that does not answer TLS):
    # what it means, not how it was detected.
    $text = [regex]::Replace($text, '\s*\(assertion `left == right` failed\s+left: \w+\s+right: PreLogin\)',
        ' (the server answered the TLS handshake with plain TDS, as a server without TLS does)')
    $text = [regex]::Replace($text, '\s*\(assertion[^)]*\)', ' (the server answered out of the protocol''s order)')
    $text = [regex]::Replace($text, "thread '[^']*'( \(\d+\))? panicked at [^\r\n]*[\r\n]*", '')

    # 3. Phrases: a flag with its value, in the cmdlet's syntax.
    $user = & $describe '--user'
    $text = $text.Replace('--auth sql with --user', ('{0} (a SQL login)' -f $user))
    $text = $text.Replace('--auth sql needs --user', ('a SQL login needs {0}' -f $user))
    $text = $text.Replace('--auth integrated', ('Windows integrated authentication (used without {0})' -f $user))
    $text = [regex]::Replace($text, '(?:[A-Z][A-Z0-9_]* / )?--password-stdin', (& $describe "--password-stdin").Replace('$', '$$'))
    $text = $text.Replace('--encrypt off', (& $describe '--encrypt'))
    $text = $text.Replace('--mode access', ('{0} Access' -f (& $describe '--mode')))
    $tierPolicy = (& $describe '--tier-policy').Replace('$', '$$')
    $text = [regex]::Replace($text, "--tier-policy '([^'=]*)=([^']*)'", ($tierPolicy + ' @{ $1 = ''$2'' }'))
    $text = [regex]::Replace($text, "--tier-policy '([^']*)'", ($tierPolicy + ' entry ''$1'''))
    $text = [regex]::Replace($text, '--tier-policy (\w+)=POLICY', ($tierPolicy + ' @{ $1 = ''<policy>'' }'))
    # "(or --estate DIR)": an alternative this cmdlet does not offer (it never passes that flag).
    $alternatives = @([regex]::Matches($text, ' \(or (--[a-z0-9][a-z0-9-]*)[^)]*\)'))
    [array]::Reverse($alternatives)
    foreach ($match in $alternatives) {
        if (-not $flagText.ContainsKey($match.Groups[1].Value)) { $text = $text.Remove($match.Index, $match.Length) }
    }
    # "--users FILE", "--estate DIR": the parameter is the file.
    $text = [regex]::Replace($text, '(?<![\w-])(--[a-z0-9][a-z0-9-]*) (?:FILE\.xlsx|FILE…|FILE|DIR|TIER=POLICY)(?![\w])', '$1')
    # A hint that names a flag this cmdlet has no parameter for: dropped.
    foreach ($flag in @($flagText.Keys | Where-Object { $_ -and -not $flagText[$_] })) {
        $text = $text.Replace(" ($flag)", '')
    }

    # 4. Every other flag: the parameter (or what the cmdlet read); "--pools (Get-CsPool)" is said
    # once when the parameter's text already names the Get-Cs cmdlet.
    $pattern = [regex]'(?<![\w-])(--[a-z0-9][a-z0-9-]*)(?: \((Get-[A-Za-z]+)\))?'
    $builder = New-Object System.Text.StringBuilder
    $last = 0
    foreach ($match in $pattern.Matches($text)) {
        [void]$builder.Append($text, $last, $match.Index - $last)
        $said = & $describe $match.Groups[1].Value
        if ($match.Groups[2].Success -and $said -notlike ('*{0}*' -f $match.Groups[2].Value)) { $said = '{0} ({1})' -f $said, $match.Groups[2].Value }
        [void]$builder.Append($said)
        $last = $match.Index + $match.Length
    }
    [void]$builder.Append($text, $last, $text.Length - $last)
    $Item.message = $builder.ToString()
}
