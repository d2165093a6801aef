@{
    RootModule           = 'LicenseAudit.psm1'
    ModuleVersion        = '0.2.0'
    GUID                 = '6f0c8d4e-3b1a-4f55-9a8e-2d7c1b9e4a10'
    Author               = 'LicenseAudit contributors'
    CompanyName          = 'LicenseAudit'
    Copyright            = '(c) LicenseAudit contributors. MIT licence.'
    Description          = 'Which Lync / Skype for Business / Teams and Windows Server licences are needed, who needs them and why: CAL tiers from policies and from monitoring data, server CALs from User Access Logging, UC licence counts. A thin PowerShell layer over a native engine.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
        'Get-LicenseAuditInputInfo',
        'Get-LicenseAuditSchema',
        'Get-LyncCalRequirement',
        'Test-LyncConferencingPolicy',
        'Get-LyncCalPolicyPlan',
        'Set-LyncCalPolicyAssignment',
        'New-LyncCalPolicyTemplate',
        'Get-LyncCalUsage',
        'Get-UalCalEvidence',
        'Get-ServerCalCompliance',
        'Export-CalEvidenceTemplate',
        'Export-LicenseAuditReport',
        'Get-LyncCalRightSizing',
        'Get-LicenseAuditHistory',
        'Get-TeamsLicenseCount',
        'Test-TeamsLicenseAssignment',
        'Get-UcLicenseCount',
        'Export-LicenseAuditSnapshot',
        'Invoke-LicenseAudit'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('LicenseAudit.Format.ps1xml')
    FileList             = @(
        'LicenseAudit.psd1',
        'LicenseAudit.psm1',
        'LicenseAudit.Format.ps1xml',
        'LICENSE',
        'Private/CommandProbe.ps1',
        'Private/ConvertFrom-LicenseAuditRecord.ps1',
        'Private/ConvertTo-LicenseAuditCmdletMessage.ps1',
        'Private/ConvertTo-LicenseAuditInputLine.ps1',
        'Private/EngineChannel.cs',
        'Private/Get-LicenseAuditBinaryPath.ps1',
        'Private/Get-LicenseAuditErrorServer.ps1',
        'Private/LicenseAuditRun.ps1',
        'Private/LyncInput.ps1',
        'Private/Merge-LicenseAuditLyncUsage.ps1',
        'Private/NativeProcess.cs',
        'Private/New-LicenseAuditErrorRecord.ps1',
        'Private/Resolve-LicenseAuditPath.ps1',
        'Private/Start-LicenseAuditNative.ps1',
        'Private/TeamsInput.ps1',
        'Private/UalInput.ps1',
        'Private/UcInput.ps1',
        'Public/Export-CalEvidenceTemplate.ps1',
        'Public/Export-LicenseAuditReport.ps1',
        'Public/Export-LicenseAuditSnapshot.ps1',
        'Public/Get-LicenseAuditHistory.ps1',
        'Public/Get-LicenseAuditInputInfo.ps1',
        'Public/Get-LicenseAuditSchema.ps1',
        'Public/Get-LyncCalPolicyPlan.ps1',
        'Public/Get-LyncCalRequirement.ps1',
        'Public/Get-LyncCalRightSizing.ps1',
        'Public/Get-LyncCalUsage.ps1',
        'Public/Get-ServerCalCompliance.ps1',
        'Public/Get-TeamsLicenseCount.ps1',
        'Public/Get-UalCalEvidence.ps1',
        'Public/Get-UcLicenseCount.ps1',
        'Public/Invoke-LicenseAudit.ps1',
        'Public/New-LyncCalPolicyTemplate.ps1',
        'Public/Set-LyncCalPolicyAssignment.ps1',
        'Public/Test-LyncConferencingPolicy.ps1',
        'Public/Test-TeamsLicenseAssignment.ps1',
        'scripts/Export-LicenseAuditSnapshot.ps1'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('Lync', 'SkypeForBusiness', 'Teams', 'CAL', 'Licensing', 'UAL', 'Compliance', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            LicenseUri   = 'https://github.com/licenseaudit/LicenseAudit/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/licenseaudit/LicenseAudit'
            ReleaseNotes = 'Reader for PowerShell exports (inspect, schema); Lync/SfB CAL entitlement audit, policy audit, remediation plan and policy templates; server CAL compliance from User Access Logging; the audit workbook and run history; the offline snapshot (Export-LicenseAuditSnapshot, also a PowerShell 2.0 script) and Invoke-LicenseAudit for scheduled runbooks; the engine is checked (SHA256SUMS, version, Windows version) before its first use.'
        }
    }
}
