//! Generates Get-UalUserAccess evidence for benchmarks: SERVERS × USERS rows written as
//! PowerShell 7 `ConvertTo-Json` writes CIM instances collected over -CimSession (2-space
//! indent, ISO dates, PSComputerName), plus Get-UalSystemId for each server and a licences CSV.
//!
//! cargo run --release --example gen_ual_evidence -- --servers 500 --users 20000 --out bench-data/ual
//! `--compact` writes the evidence as `ConvertTo-Json -Compress` lines (user-access.ndjson).

#[path = "support/gen.rs"]
mod gen;
use gen::arg;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

const ROLES: &[(&str, &str, &str)] = &[
    (
        "10a9226f-50ee-49d8-a393-9a501d47ce04",
        "File Server",
        "Windows Server 2019 Standard",
    ),
    (
        "bd7f7c0d-7c36-4721-afa8-0ba700e26d9e",
        "SQL Server Database Engine",
        "SQL Server 2019",
    ),
    (
        "90e64afa-70db-4fef-878b-7eb8c868f091",
        "Remote Desktop Services",
        "Windows Server 2019 Datacenter",
    ),
    (
        "ad495fc3-0eaa-413d-ba7d-8b13fa7ec598",
        "Active Directory Domain Services",
        "Windows Server 2019 Datacenter",
    ),
];

fn main() -> std::io::Result<()> {
    let servers: u64 = arg("--servers", "500").parse().expect("--servers N");
    let users: u64 = arg("--users", "20000").parse().expect("--users N");
    let out = PathBuf::from(arg("--out", "bench-data/ual"));
    let compact = std::env::args().any(|a| a == "--compact");
    std::fs::create_dir_all(&out)?;

    let mut w = BufWriter::new(File::create(out.join("systems.json"))?);
    writeln!(w, "[")?;
    for s in 0..servers {
        let sep = if s + 1 < servers { "," } else { "" };
        writeln!(w, "  {{\n    \"SystemDNSHostName\": \"srv{s:04}.contoso.com\",\n    \"OSMajor\": 10,\n    \"OSMinor\": 0,\n    \"OSBuildNumber\": {},\n    \"PhysicalProcessorCount\": 2,\n    \"CoresPerPhysicalProcessor\": 8,\n    \"PSComputerName\": \"srv{s:04}.contoso.com\"\n  }}{sep}", if s % 3 == 0 { 14393 } else { 17763 })?;
    }
    writeln!(w, "]")?;
    w.flush()?;

    std::fs::write(
        out.join("licenses.csv"),
        format!("Product,Version,CalType,Quantity,Priority,Servers\r\nCore CAL Suite,2019,User,{},10,\r\nSQL Server,2019,User,{},10,\r\nRemote Desktop Services,2019,User,{},10,\r\n", users * 9 / 10, users / 2, users / 4),
    )?;

    let name = if compact {
        "user-access.ndjson"
    } else {
        "user-access.json"
    };
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join(name))?);
    if !compact {
        writeln!(w, "[")?;
    }
    let total = servers * users;
    let mut n = 0u64;
    for s in 0..servers {
        let (guid, role, product) = ROLES[(s % ROLES.len() as u64) as usize];
        for u in 0..users {
            n += 1;
            let sep = if n < total && !compact { "," } else { "" };
            let user = if u % 1000 == 999 {
                format!("contoso\\\\ws{u:05}$")
            } else {
                format!("contoso\\\\user{u:05}")
            };
            let day = 1 + (u + s) % 28;
            let count = (u * 7 + s) % 65535;
            if compact {
                writeln!(
                    w,
                    "{{\"ActivityCount\":{count},\"FirstSeen\":\"2026-08-{day:02}T07:12:44.0000000+00:00\",\"LastSeen\":\"2026-10-{day:02}T16:40:02.0000000+00:00\",\"ProductName\":\"{product}\",\"RoleGuid\":\"{guid}\",\"RoleName\":\"{role}\",\"TenantIdentifier\":\"00000000-0000-0000-0000-000000000000\",\"UserName\":\"{user}\",\"PSComputerName\":\"srv{s:04}.contoso.com\"}}"
                )?;
            } else {
                write!(
                    w,
                    "  {{\n    \"ActivityCount\": {count},\n    \"FirstSeen\": \"2026-08-{day:02}T07:12:44.0000000+00:00\",\n    \"LastSeen\": \"2026-10-{day:02}T16:40:02.0000000+00:00\",\n    \"ProductName\": \"{product}\",\n    \"RoleGuid\": \"{guid}\",\n    \"RoleName\": \"{role}\",\n    \"TenantIdentifier\": \"00000000-0000-0000-0000-000000000000\",\n    \"UserName\": \"{user}\",\n    \"PSComputerName\": \"srv{s:04}.contoso.com\"\n  }}{sep}\n"
                )?;
            }
        }
    }
    if !compact {
        writeln!(w, "]")?;
    }
    w.flush()?;
    Ok(())
}
