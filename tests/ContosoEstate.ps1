# The bundled Contoso estate (examples/contoso) as the Lync cmdlets return it, one object at a
# time: the test files that stand Get-Cs* in with it dot-source this in their BeforeAll.

$script:Estate = Join-Path (Split-Path -Parent $PSScriptRoot) 'examples/contoso'

function script:Read-Example([string]$Name) {
    Get-Content -Raw -Path (Join-Path $script:Estate $Name) | ConvertFrom-Json | ForEach-Object { $_ }
}

$script:Users = @(Read-Example 'users.json')
$script:ConferencingPolicies = @(Read-Example 'conferencing-policies.json')
$script:VoicePolicies = @(Read-Example 'voice-policies.json')
$script:Pools = Import-Clixml (Join-Path $script:Estate 'pools.xml')
$script:Phones = @(Read-Example 'common-area-phones.json')
$script:Analog = @(Read-Example 'analog-devices.json')
$script:Rooms = @(Read-Example 'meeting-rooms.json')
$script:Rgs = @(Read-Example 'rgs-agent-groups.json')
