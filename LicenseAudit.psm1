# LicenseAudit: thin cmdlets over the license-audit binary. The cmdlets gather objects on this
# host and stream them to the binary as JSON lines; the binary does the classification.
Set-StrictMode -Version 2.0

$script:LicenseAuditModuleRoot = $PSScriptRoot

# The process wrapper pumps stdout/stderr on background threads (see the file for why).
if (-not ('LicenseAudit.NativeProcess' -as [type])) {
    Add-Type -Path (Join-Path (Join-Path $PSScriptRoot 'Private') 'NativeProcess.cs')
}

foreach ($folder in @('Private', 'Public')) {
    $path = Join-Path $PSScriptRoot $folder
    if (Test-Path -LiteralPath $path) {
        foreach ($file in Get-ChildItem -LiteralPath $path -Filter '*.ps1' | Sort-Object Name) {
            . $file.FullName
        }
    }
}
