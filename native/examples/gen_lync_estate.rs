//! Generates a synthetic Lync estate for benchmarks: Get-CsUser with every property, written as
//! PowerShell 7 `ConvertTo-Json` does (2-space indent, ISO dates), plus ~50 conferencing
//! policies, voice policies and 20 pools across sites.
//!
//! cargo run --release --example gen_lync_estate -- --users 1000000 --out bench-data/lync
//! `--compact` writes the users as `ConvertTo-Json -Compress` lines (users.ndjson) instead.

#[path = "support/gen.rs"]
mod gen;
use gen::{arg, Rng};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let users: u64 = arg("--users", "1000000").parse().expect("--users N");
    let out = PathBuf::from(arg("--out", "bench-data/lync"));
    let compact = std::env::args().any(|a| a == "--compact");
    std::fs::create_dir_all(&out)?;
    let sites = 5;
    let pools = 20;
    let tags = 45;

    let mut w = BufWriter::new(File::create(out.join("pools.json"))?);
    writeln!(w, "[")?;
    for p in 0..pools {
        let sep = if p + 1 < pools { "," } else { "" };
        writeln!(w, "  {{\n    \"Identity\": \"pool{p:02}.contoso.com\",\n    \"Fqdn\": \"pool{p:02}.contoso.com\",\n    \"Site\": \"Site:Site{}\"\n  }}{sep}", p % sites)?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    let mut w = BufWriter::new(File::create(out.join("conferencing-policies.json"))?);
    writeln!(w, "[")?;
    let mut ids = vec!["Global".to_string()];
    ids.extend((0..sites).map(|s| format!("Site:Site{s}")));
    ids.extend((0..tags).map(|t| {
        format!(
            "Tag:{}_{t:02}",
            if t % 3 == 0 { "STD_CAL" } else { "ENT_CAL" }
        )
    }));
    for (i, id) in ids.iter().enumerate() {
        let ent = id.contains("ENT") || id == "Site:Site1";
        let sep = if i + 1 < ids.len() { "," } else { "" };
        writeln!(
            w,
            "  {{\n    \"Identity\": \"{id}\",\n    \"AllowIPAudio\": {ent},\n    \"AllowIPVideo\": {ent},\n    \"AllowMultiView\": {ent},\n    \"EnableDialInConferencing\": {ent},\n    \"EnableAppDesktopSharing\": \"{}\",\n    \"AllowUserToScheduleMeetingsWithAppSharing\": {ent},\n    \"AllowAnonymousParticipantsInMeetings\": {ent},\n    \"AllowPolls\": {ent},\n    \"EnableDataCollaboration\": true,\n    \"AllowConferenceRecording\": false,\n    \"AllowExternalUsersToRecordMeeting\": false,\n    \"EnableP2PRecording\": false,\n    \"EnableP2PVideo\": true,\n    \"EnableFileTransfer\": true,\n    \"MaxMeetingSize\": 250\n  }}{sep}",
            if ent { "Desktop" } else { "None" }
        )?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    let mut w = BufWriter::new(File::create(out.join("voice-policies.json"))?);
    writeln!(w, "[\n  {{\n    \"Identity\": \"Global\",\n    \"EnableDelegation\": true,\n    \"EnableCallPark\": false,\n    \"PstnUsages\": [\n      \"Local\"\n    ]\n  }}\n]")?;
    w.flush()?;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let name = if compact {
        "users.ndjson"
    } else {
        "users.json"
    };
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join(name))?);
    if !compact {
        writeln!(w, "[")?;
    }
    let mut record = String::with_capacity(4096);
    for i in 0..users {
        record.clear();
        let pool = rng.below(pools);
        let tag = rng.below(4);
        let policy = if tag == 0 {
            "null".to_string()
        } else {
            format!(
                "\"Tag:{}_{:02}\"",
                if rng.below(3) == 0 {
                    "STD_CAL"
                } else {
                    "ENT_CAL"
                },
                rng.below(tags as u64)
            )
        };
        let ev = rng.below(5) == 0;
        let enabled = rng.below(50) != 0;
        let sep = if i + 1 < users && !compact { "," } else { "" };
        let ms = 1_600_000_000 + rng.below(100_000_000);
        use std::fmt::Write as _;
        write!(
            record,
            r#"  {{
    "SamAccountName": "user{i}",
    "UserPrincipalName": "user{i}@contoso.com",
    "FirstName": "First{i}",
    "LastName": "Last{i}",
    "WindowsEmailAddress": "user{i}@contoso.com",
    "Sid": "S-1-5-21-3623811015-3361044348-30300820-{rid}",
    "LineServerURI": "",
    "OriginatorSid": null,
    "AudioVideoDisabled": false,
    "IPPBXSoftPhoneRoutingEnabled": false,
    "RemoteCallControlTelephonyEnabled": false,
    "PrivateLine": null,
    "HostedVoiceMail": null,
    "DisplayName": "User {i}",
    "HomeServer": "CN=Lc Services,CN=Microsoft,CN=1:1,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=contoso,DC=com",
    "EnabledForFederation": true,
    "EnabledForInternetAccess": true,
    "PublicNetworkEnabled": true,
    "EnterpriseVoiceEnabled": {ev},
    "EnabledForRichPresence": true,
    "ExUmEnabled": false,
    "LineURI": "{line}",
    "SipAddress": "sip:user{i}@contoso.com",
    "Enabled": {enabled},
    "TenantId": "00000000-0000-0000-0000-000000000000",
    "TargetRegistrarPool": null,
    "VoicePolicy": null,
    "MobilityPolicy": null,
    "ConferencingPolicy": {policy},
    "PresencePolicy": null,
    "RegistrarPool": "pool{pool:02}.contoso.com",
    "DialPlan": null,
    "LocationPolicy": null,
    "ClientPolicy": "Tag:ClientPolicyDefault",
    "ClientVersionPolicy": null,
    "ArchivingPolicy": null,
    "PinPolicy": null,
    "ExternalAccessPolicy": "Tag:AllowFederation",
    "HostedVoicemailPolicy": null,
    "HostingProvider": "SRV:",
    "Name": "User {i}",
    "DistinguishedName": "CN=User {i},OU=Users,DC=contoso,DC=com",
    "Identity": "CN=User {i},OU=Users,DC=contoso,DC=com",
    "Guid": "{guid:08x}-0000-4000-8000-{guid2:012x}",
    "WhenChanged": "{changed}",
    "WhenCreated": "2012-01-01T00:00:00Z"
  }}{sep}
"#,
            rid = 1000 + i,
            line = if ev {
                format!("tel:+1425{:07}", i % 10_000_000)
            } else {
                String::new()
            },
            guid = i,
            guid2 = rng.next() & 0xFFFF_FFFF_FFFF,
            changed = chrono_like(ms),
        )
        .expect("write to a String");
        if compact {
            let line: String = record.lines().map(str::trim).collect();
            writeln!(w, "{}", line.replace("\": ", "\":"))?;
        } else {
            w.write_all(record.as_bytes())?;
        }
    }
    if !compact {
        writeln!(w, "]")?;
    }
    w.flush()?;
    Ok(())
}

/// ISO 8601 with PowerShell 7's seven fraction digits, from seconds since the epoch.
fn chrono_like(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.0000000+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
