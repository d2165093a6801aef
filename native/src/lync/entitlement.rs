//! `lync entitlement`: the CALs each user and device is configured to need, with reasons.

use super::estate::{resolve, Estate, EstateFiles, SiteLookup};
use super::inputs::{CsDevice, CsUser, DeviceKind};
use super::policy::enterprise_features;
use super::{Finding, Reason};
use crate::cli::EntitlementFiles;
use crate::error::{AppError, AppResult};
use crate::records::OutputRecord;
use crate::run::Context;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashSet;

/// The CALs one Lync/SfB user or device needs, from its configuration.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncUserCal {
    pub identity: String,
    pub sip_address: String,
    pub display_name: String,
    /// User, CommonAreaPhone, AnalogDevice or MeetingRoom
    pub kind: String,
    pub enabled: bool,
    pub standard: bool,
    /// Null when the assigned conferencing policy does not exist (see Findings)
    pub enterprise: Option<bool>,
    pub plus: bool,
    /// The effective conferencing policy (Tag:…, Site:…, Global)
    pub conferencing_policy: Option<String>,
    /// User, Site or Global
    pub conferencing_policy_source: Option<String>,
    pub voice_policy: Option<String>,
    pub voice_policy_source: Option<String>,
    pub registrar_pool: Option<String>,
    pub site: Option<String>,
    /// The rule set used (lenient, default, strict)
    pub rules: String,
    pub reasons: Vec<Reason>,
    pub findings: Vec<Finding>,
}

impl OutputRecord for LyncUserCal {
    const RECORD_TYPE: &'static str = "LyncUserCal";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "SipAddress",
        "Kind",
        "Standard",
        "Enterprise",
        "Plus",
        "ConferencingPolicy",
        "ConferencingPolicySource",
    ];
}

/// Counts per tier and per combination, so the total can be defended line by line.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncCalSummary {
    pub rules: String,
    /// Records classified (users and devices)
    pub total: u64,
    /// Disabled, or homed online: no on-premises CAL
    pub need_nothing: u64,
    pub standard: u64,
    pub enterprise: u64,
    pub plus: u64,
    /// Enterprise undecided: assigned conferencing policy missing
    pub undetermined: u64,
    pub by_kind: Vec<KindCount>,
    /// e.g. Standard, Standard+Enterprise, Standard+Plus, Standard+Enterprise+Plus
    pub by_combination: Vec<CombinationCount>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct KindCount {
    pub kind: String,
    pub total: u64,
    pub standard: u64,
    pub enterprise: u64,
    pub plus: u64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CombinationCount {
    pub combination: String,
    pub count: u64,
}

impl OutputRecord for LyncCalSummary {
    const RECORD_TYPE: &'static str = "LyncCalSummary";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "Rules",
        "Total",
        "Standard",
        "Enterprise",
        "Plus",
        "Undetermined",
        "NeedNothing",
    ];
}

const KINDS: &[&str] = &["User", "CommonAreaPhone", "AnalogDevice", "MeetingRoom"];
const COMBINATIONS: &[&str] = &[
    "Standard",
    "Standard+Enterprise",
    "Standard+Plus",
    "Standard+Enterprise+Plus",
    "Standard+Undetermined",
    "Standard+Undetermined+Plus",
    "None",
];

impl LyncCalSummary {
    pub fn new(rules: &str) -> Self {
        LyncCalSummary {
            rules: rules.into(),
            by_kind: KINDS
                .iter()
                .map(|k| KindCount {
                    kind: k.to_string(),
                    total: 0,
                    standard: 0,
                    enterprise: 0,
                    plus: 0,
                })
                .collect(),
            by_combination: COMBINATIONS
                .iter()
                .map(|c| CombinationCount {
                    combination: c.to_string(),
                    count: 0,
                })
                .collect(),
            ..Default::default()
        }
    }

    pub fn add(&mut self, c: &LyncUserCal) {
        self.total += 1;
        let ent = c.enterprise == Some(true);
        self.standard += c.standard as u64;
        self.enterprise += ent as u64;
        self.plus += c.plus as u64;
        self.undetermined += c.enterprise.is_none() as u64;
        if let Some(k) = self.by_kind.iter_mut().find(|k| k.kind == c.kind) {
            k.total += 1;
            k.standard += c.standard as u64;
            k.enterprise += ent as u64;
            k.plus += c.plus as u64;
        }
        let combo = if !c.standard && !c.plus && c.enterprise != Some(true) {
            self.need_nothing += 1;
            "None".to_string()
        } else {
            let mut parts = vec!["Standard"];
            match c.enterprise {
                Some(true) => parts.push("Enterprise"),
                None => parts.push("Undetermined"),
                Some(false) => {}
            }
            if c.plus {
                parts.push("Plus");
            }
            parts.join("+")
        };
        if let Some(e) = self
            .by_combination
            .iter_mut()
            .find(|e| e.combination == combo)
        {
            e.count += 1;
        }
    }

    /// The footer under `--format table`.
    pub fn lines(&self) -> Vec<String> {
        let mut l = vec![format!(
            "Summary ({} rules): {} classified; Standard {}, Enterprise {}, Plus {}; {} need nothing; {} undetermined",
            self.rules, self.total, self.standard, self.enterprise, self.plus, self.need_nothing, self.undetermined
        )];
        for k in self.by_kind.iter().filter(|k| k.total > 0) {
            l.push(format!(
                "  {:<16} {:>7}  Standard {:>7}  Enterprise {:>7}  Plus {:>7}",
                k.kind, k.total, k.standard, k.enterprise, k.plus
            ));
        }
        for c in self.by_combination.iter().filter(|c| c.count > 0) {
            l.push(format!("  {:<28} {:>7}", c.combination, c.count));
        }
        l
    }
}

fn none_needed(
    kind: &str,
    identity: &str,
    sip: &str,
    display: &str,
    rules: &str,
    why: Reason,
) -> LyncUserCal {
    LyncUserCal {
        identity: identity.into(),
        sip_address: sip.into(),
        display_name: display.into(),
        kind: kind.into(),
        enabled: false,
        standard: false,
        enterprise: Some(false),
        plus: false,
        conferencing_policy: None,
        conferencing_policy_source: None,
        voice_policy: None,
        voice_policy_source: None,
        registrar_pool: None,
        site: None,
        rules: rules.into(),
        reasons: vec![why],
        findings: Vec::new(),
    }
}

pub fn classify_user(estate: &Estate, u: &CsUser) -> LyncUserCal {
    let rules = estate.rules.name();
    if !u.enabled {
        return none_needed(
            "User",
            &u.identity,
            &u.sip,
            &u.display_name,
            rules,
            Reason::new(
                "None",
                "User",
                "Enabled=False: a user disabled for Lync needs no CAL",
            ),
        );
    }
    if u.homed_online() {
        let mut c = none_needed("User", &u.identity, &u.sip, &u.display_name, rules, Reason::new(
            "None",
            "User",
            format!("HostingProvider={} with no RegistrarPool: homed online, licensed by the online service, not by on-premises CALs", u.hosting_provider.as_deref().unwrap_or_default()),
        ));
        c.enabled = true;
        return c;
    }
    let site = estate.site_of(u.registrar_pool.as_deref());
    let site_name = match &site {
        SiteLookup::Site(s) => s.map(str::to_string),
        _ => None,
    };
    let mut reasons = vec![Reason::new("Standard", "User", "Enabled=True")];
    let mut findings = Vec::new();

    let conf = resolve(
        &estate.conferencing,
        &u.conferencing,
        &site,
        "conferencing policy",
    );
    findings.extend(conf.finding.clone());
    let enterprise = conf.policy.map(|p| {
        let features = enterprise_features(&p.settings, estate.rules, u.audio_video_disabled);
        let source = format!("ConferencingPolicy {}", conf.identity);
        reasons.extend(features.iter().map(|f| Reason::new("Enterprise", &source, f.describe())));
        if u.audio_video_disabled && enterprise_features(&p.settings, estate.rules, false).len() != features.len() {
            findings.push(Finding::info(
                "AudioVideoDisabled",
                "AudioVideoDisabled=True: the policy's audio/video settings do not apply to this user",
            ));
        }
        !features.is_empty()
    });

    let mut plus = false;
    if u.enterprise_voice {
        plus = true;
        reasons.push(Reason::new("Plus", "User", "EnterpriseVoiceEnabled=True"));
    }
    if u.remote_call_control {
        plus = true;
        reasons.push(Reason::new(
            "Plus",
            "User",
            "RemoteCallControlTelephonyEnabled=True",
        ));
    }
    if let Some(groups) = estate.rgs_groups(&u.sip) {
        plus = true;
        for g in groups {
            reasons.push(Reason::new(
                "Plus",
                format!("RgsAgentGroup {g}"),
                format!("Response Group agent {}", u.sip),
            ));
        }
    }
    let (voice_policy, voice_source) = match &estate.voice {
        Some(table) => {
            let v = resolve(table, &u.voice, &site, "voice policy");
            findings.extend(v.finding.clone());
            if u.enterprise_voice {
                if let Some(p) = v.policy {
                    let source = format!("VoicePolicy {}", v.identity);
                    reasons.extend(
                        p.plus_features
                            .iter()
                            .map(|f| Reason::new("Plus", &source, f.clone())),
                    );
                }
            }
            (Some(v.identity), Some(v.source.to_string()))
        }
        None => (None, None),
    };

    LyncUserCal {
        identity: u.identity.clone(),
        sip_address: u.sip.clone(),
        display_name: u.display_name.clone(),
        kind: "User".into(),
        enabled: true,
        standard: true,
        enterprise,
        plus,
        conferencing_policy: Some(conf.identity),
        conferencing_policy_source: Some(conf.source.into()),
        voice_policy,
        voice_policy_source: voice_source,
        registrar_pool: u.registrar_pool.clone(),
        site: site_name,
        rules: rules.into(),
        reasons,
        findings,
    }
}

pub fn classify_device(estate: &Estate, d: &CsDevice) -> LyncUserCal {
    let rules = estate.rules.name();
    let kind = d.kind.name();
    if !d.enabled {
        return none_needed(
            kind,
            &d.identity,
            &d.sip,
            &d.display_name,
            rules,
            Reason::new(
                "None",
                "Device",
                "Enabled=False: a disabled device needs no CAL",
            ),
        );
    }
    let mut reasons = Vec::new();
    let (enterprise, plus) = match d.kind {
        DeviceKind::CommonAreaPhone => {
            let why = "common area phone: needs Standard and Plus device CALs whatever its usage";
            reasons.push(Reason::new("Standard", "Device", why));
            reasons.push(Reason::new("Plus", "Device", why));
            (false, true)
        }
        DeviceKind::AnalogDevice => {
            let why = "analog device: needs Standard and Plus device CALs";
            reasons.push(Reason::new("Standard", "Device", why));
            reasons.push(Reason::new("Plus", "Device", why));
            (false, true)
        }
        DeviceKind::MeetingRoom => {
            reasons.push(Reason::new(
                "Standard",
                "Device",
                "meeting room: a registered endpoint needs Standard",
            ));
            reasons.push(Reason::new(
                "Enterprise",
                "Device",
                "meeting room: room systems are an Enterprise feature",
            ));
            if d.enterprise_voice {
                reasons.push(Reason::new("Plus", "Device", "EnterpriseVoiceEnabled=True"));
            }
            (true, d.enterprise_voice)
        }
    };
    let site = estate.site_of(d.registrar_pool.as_deref());
    LyncUserCal {
        identity: d.identity.clone(),
        sip_address: d.sip.clone(),
        display_name: d.display_name.clone(),
        kind: kind.into(),
        enabled: true,
        standard: true,
        enterprise: Some(enterprise),
        plus,
        conferencing_policy: None,
        conferencing_policy_source: None,
        voice_policy: None,
        voice_policy_source: None,
        registrar_pool: d.registrar_pool.clone(),
        site: match site {
            SiteLookup::Site(s) => s.map(str::to_string),
            _ => None,
        },
        rules: rules.into(),
        reasons,
        findings: Vec::new(),
    }
}

/// Keeps one record per SIP address: a second export row for the same address would count the
/// same person twice. Hashes keep memory at 8 bytes a user.
#[derive(Default)]
pub struct SeenAddresses(HashSet<u64>);

impl SeenAddresses {
    pub fn first_time(&mut self, sip: &str) -> bool {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        super::inputs::sip_key(sip).hash(&mut h);
        self.0.insert(h.finish())
    }
}

/// Streams the users (then devices) through `each`, reporting bad and duplicate records.
pub fn for_each_classified(
    ctx: &mut Context,
    estate: &Estate,
    inputs: &EntitlementFiles,
    mut each: impl FnMut(&mut Context, LyncUserCal) -> AppResult<()>,
) -> AppResult<()> {
    let mut seen = SeenAddresses::default();
    ctx.stream_each(&inputs.users, Some(CsUser::PROPERTIES), "Classifying Lync users", |ctx, rec| {
        match CsUser::read(&rec) {
            Ok(u) => {
                if !seen.first_time(&u.sip) {
                    ctx.diag.input_error(&rec.error("SipAddress", format!("{} appears more than once; the later record is skipped so it is counted once", u.sip)));
                    return Ok(());
                }
                each(ctx, classify_user(estate, &u))
            }
            Err(e) => {
                ctx.diag.input_error(&e);
                Ok(())
            }
        }
    })?;
    let devices = [
        (&inputs.common_area_phones, DeviceKind::CommonAreaPhone),
        (&inputs.analog_devices, DeviceKind::AnalogDevice),
        (&inputs.meeting_rooms, DeviceKind::MeetingRoom),
    ];
    for (path, kind) in devices {
        if let Some(path) = path {
            ctx.stream_each(
                path,
                Some(CsDevice::PROPERTIES),
                "Classifying Lync devices",
                |ctx, rec| match CsDevice::read(&rec, kind) {
                    Ok(d) => each(ctx, classify_device(estate, &d)),
                    Err(e) => {
                        ctx.diag.input_error(&e);
                        Ok(())
                    }
                },
            )?;
        }
    }
    Ok(())
}

pub fn estate_files(i: &EntitlementFiles) -> EstateFiles<'_> {
    EstateFiles {
        conferencing_policies: &i.conferencing_policies,
        voice_policies: i.voice_policies.as_deref(),
        pools: i.pools.as_deref(),
        rgs_agent_groups: i.rgs_agent_groups.as_deref(),
    }
}

pub fn run(ctx: &mut Context, args: &crate::cli::EntitlementArgs) -> AppResult<()> {
    let files = args.inputs.files()?;
    let estate = Estate::load(ctx, &estate_files(&files), files.rules)?;
    let mut out = ctx.open_output()?;
    let mut summary = LyncCalSummary::new(estate.rules.name());
    let errors_before = ctx.diag.error_count();
    for_each_classified(ctx, &estate, &files, |_, cal| {
        summary.add(&cal);
        out.write(&cal).map_err(AppError::Output)
    })?;
    if args.summary {
        out.write(&summary).map_err(AppError::Output)?;
    }
    out.footer(&summary.lines()).map_err(AppError::Output)?;
    out.finish().map_err(AppError::Output)?;
    ctx.problems_since(errors_before)
}
