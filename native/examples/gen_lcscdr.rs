//! Generates a synthetic Lync monitoring estate for the usage benchmark: LcsCDR and QoEMetrics
//! as one CSV per table (what the TDS test server loads), USERS users over DAYS days ending
//! 2026-11-01, with a realistic mix: everyone registers and chats, some call peer to peer, 15 %
//! organise conferences, 10 % are Enterprise Voice users calling the PSTN, 2 % are Response
//! Group agents, 1 % delegates, 20 % have an IP phone.
//!
//! cargo run --release --example gen_lcscdr -- --users 20000 --days 30 --out bench-data/lcscdr

#[path = "support/gen.rs"]
mod gen;
use gen::{arg, Rng};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

fn csv(dir: &Path, name: &str, header: &str) -> std::io::Result<BufWriter<File>> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dir.join(format!("{name}.csv")))?);
    writeln!(w, "{header}")?;
    Ok(w)
}

/// 2026-11-01 minus `day` days, at `secs` past midnight, as SQL Server writes datetime.
fn at(day: u64, secs: u64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let d = base - chrono::Duration::days(day as i64);
    format!(
        "{} {:02}:{:02}:{:02}.000",
        d.format("%Y-%m-%d"),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn main() -> std::io::Result<()> {
    let users: u64 = arg("--users", "20000").parse().expect("--users N");
    let days: u64 = arg("--days", "30").parse().expect("--days N");
    let out = PathBuf::from(arg("--out", "bench-data/lcscdr"));
    let cdr = out.join("LcsCDR");
    let qoe = out.join("QoEMetrics");
    std::fs::create_dir_all(&cdr)?;
    std::fs::create_dir_all(&qoe)?;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);

    let mut w = csv(&cdr, "Users", "UserId,UserUri,UriTypeId,TenantId")?;
    for u in 1..=users {
        writeln!(w, "{u},user{u}@contoso.com,0,1")?;
    }
    w.flush()?;
    let mut w = csv(&cdr, "UriTypes", "UriTypeId,UriType")?;
    writeln!(w, "0,User Uri\n1,Phone Uri\n3,conf:audio-video\n4,conf:applicationsharing\n5,conf:data-conf\n6,conf:chat\n7,conf:focus")?;
    w.flush()?;
    let mut w = csv(&cdr, "Mcus", "McuId,McuUri,McuTypeId")?;
    writeln!(w, "1,sip:pool01@contoso.com;gruu;opaque=srvr:AudioVideoConferencing,3\n2,sip:pool01@contoso.com;gruu;opaque=srvr:ApplicationSharing,4\n3,sip:pool01@contoso.com;gruu;opaque=srvr:chat,6")?;
    w.flush()?;
    let mut w = csv(&cdr, "ClientVersions", "VersionId,Version,ClientType")?;
    writeln!(w, "1,OC/15.0.4569.1503 (Microsoft Lync),4\n2,OCPhone/4.0.7577.4366 (Microsoft Lync Phone Edition),8\n3,RTCC/5.0.0.0 CAS,256")?;
    w.flush()?;
    let mut devices = csv(
        &cdr,
        "Devices",
        "DeviceId,ManufacturerId,HardwareVersionId,MacAddress",
    )?;
    let mut reg = csv(&cdr, "Registration", "SessionIdTime,SessionIdSeq,UserId,EndpointId,ClientVersionId,RegisterTime,DeRegisterTime,DeviceId")?;
    let mut sess = csv(
        &cdr,
        "SessionDetails",
        "SessionIdTime,SessionIdSeq,User1Id,User2Id,MediaTypes,ResponseCode,CallFlag,OnBehalfOfId",
    )?;
    let mut voip = csv(
        &cdr,
        "VoipDetails",
        "SessionIdTime,SessionIdSeq,FromNumberId,ConnectedNumberId,FromGatewayId,ToGatewayId",
    )?;
    let mut conf = csv(
        &cdr,
        "Conferences",
        "SessionIdTime,SessionIdSeq,OrganizerId,Flag",
    )?;
    let mut joins = csv(
        &cdr,
        "McuJoinsAndLeaves",
        "SessionIdTime,SessionIdSeq,UserId,McuUserInstance,McuId,IsFromPstn",
    )?;
    let mut seq = 0u64;
    for u in 1..=users {
        if u % 5 == 0 {
            writeln!(devices, "{u},1,1,{}", 20_015_000_000 + u)?;
        }
    }
    devices.flush()?;
    for day in 0..days {
        if day % 7 >= 5 {
            continue; // weekend
        }
        for u in 1..=users {
            seq += 1;
            let t = 8 * 3600 + rng.below(3600);
            writeln!(
                reg,
                "{},{seq},{u},ep-{u}-pc,1,{},{},",
                at(day, t),
                at(day, t),
                at(day, t + 9 * 3600)
            )?;
            if u % 5 == 0 {
                writeln!(
                    reg,
                    "{},{seq},{u},ep-{u}-phone,2,{},,{u}",
                    at(day, t + 1),
                    at(day, t + 1)
                )?;
            }
            for _ in 0..4 {
                seq += 1;
                let other = 1 + rng.below(users);
                let media = match rng.below(10) {
                    0..=5 => 1,
                    6..=8 => 16 | 32,
                    _ => 8 | 1,
                };
                let flag = if u % 50 == 0 && rng.below(4) == 0 {
                    2
                } else {
                    0
                };
                let behalf = if u % 100 == 0 && rng.below(4) == 0 {
                    (1 + rng.below(users)).to_string()
                } else {
                    String::new()
                };
                let code = if rng.below(20) == 0 { 486 } else { 200 };
                writeln!(
                    sess,
                    "{},{seq},{u},{other},{media},{code},{flag},{behalf}",
                    at(day, 9 * 3600 + rng.below(8 * 3600))
                )?;
            }
            if u % 10 == 0 {
                for k in 0..3 {
                    seq += 1;
                    let t = at(day, 10 * 3600 + rng.below(6 * 3600));
                    writeln!(sess, "{t},{seq},{u},,16,200,0,")?;
                    if k % 2 == 0 {
                        writeln!(voip, "{t},{seq},,{},,7", 1000 + u)?;
                    } else {
                        writeln!(voip, "{t},{seq},{},,7,", 2000 + u)?;
                    }
                }
            }
            if u % 7 == 0 && (day + u) % 2 == 0 {
                seq += 1;
                let t = at(day, 13 * 3600 + rng.below(3 * 3600));
                writeln!(conf, "{t},{seq},{u},0")?;
                for p in 0..4u64 {
                    let who = if p == 0 { u } else { 1 + rng.below(users) };
                    let mcu = if p % 2 == 0 { 1 } else { 3 };
                    let pstn = (p == 3 && u % 21 == 0) as u8;
                    writeln!(joins, "{t},{seq},{who},{p},{mcu},{pstn}")?;
                }
            }
        }
    }
    for w in [&mut reg, &mut sess, &mut voip, &mut conf, &mut joins] {
        w.flush()?;
    }

    let mut w = csv(&qoe, "UserAgent", "UserAgentKey,UserAgent,UAType")?;
    writeln!(
        w,
        "1,OCPhone/4.0.7577.4366,8\n2,UCCAPI/15.0.4569.1503 OC/15.0.4569.1503,4"
    )?;
    w.flush()?;
    let mut w = csv(&qoe, "User", "UserKey,URI,URIType")?;
    for u in 1..=users {
        writeln!(w, "{u},user{u}@contoso.com,2")?;
    }
    w.flush()?;
    let mut w = csv(&qoe, "Endpoint", "EndpointKey,Name,OS")?;
    for u in 1..=users {
        writeln!(
            w,
            "{u},{}{u},{}",
            if u % 5 == 0 { "LPE-" } else { "PC-" },
            if u % 5 == 0 {
                "Lync Phone Edition"
            } else {
                "Windows 10"
            }
        )?;
    }
    w.flush()?;
    let mut w = csv(&qoe, "Session", "ConferenceDateTime,SessionSeq,StartTime,EndTime,CallerURI,CalleeUri,CallerEndpoint,CalleeEndpoint,CallerUserAgent,CalleeUserAgent")?;
    let mut s = 0u64;
    for day in 0..days {
        for u in (5..=users).step_by(5) {
            s += 1;
            let t = at(day, 11 * 3600 + rng.below(3600));
            let other = 1 + rng.below(users);
            writeln!(w, "{t},{s},{t},{t},{u},{other},{u},{other},1,2")?;
        }
    }
    w.flush()?;
    Ok(())
}
