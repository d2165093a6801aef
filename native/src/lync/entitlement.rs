//! `lync entitlement`: the CALs each user and device is configured to need, with reasons.

use super::estate::{resolve, Estate, EstateFiles, PolicyKind};
use super::inputs::sip_key;
use super::inputs::PolicyRef;
use super::inputs::{CsDevice, CsUser, DeviceKind};
use super::policy::{describe_features, enterprise_features, implied_tier, other_rules, RuleSet};
use super::LyncError;
use crate::ingest::{stream_each, stream_each_borrowed, DateOrder};
use crate::model::{
    Cal, Finding, FindingCode, LyncKind, OutputRecord, PolicySource, Reason, RecordSink, Reporter,
    SharedList, SharedText, Tier,
};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// The CALs one Lync/SfB user or device needs, from its configuration.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncUserCal {
    pub identity: String,
    pub sip_address: String,
    pub display_name: String,
    pub kind: LyncKind,
    pub enabled: bool,
    pub standard: bool,
    /// Null when the assigned conferencing policy does not exist (see Findings)
    pub enterprise: Option<bool>,
    pub plus: bool,
    /// The effective conferencing policy (Tag:…, Site:…, Global)
    #[schemars(with = "Option<String>")]
    pub conferencing_policy: Option<SharedText>,
    pub conferencing_policy_source: Option<PolicySource>,
    #[schemars(with = "Option<String>")]
    pub voice_policy: Option<SharedText>,
    pub voice_policy_source: Option<PolicySource>,
    pub registrar_pool: Option<String>,
    #[schemars(with = "Option<String>")]
    pub site: Option<SharedText>,
    /// The rule set used
    pub rules: RuleSet,
    /// The rule set this record is compared with: strict (the worst case), or default when
    /// Rules is strict
    pub other_rules: RuleSet,
    /// Enterprise under OtherRules (null as Enterprise is null): where it differs from
    /// Enterprise, the answer depends on the rule set chosen
    pub enterprise_under_other_rules: Option<bool>,
    // Shared by every user with the same policies, pool and flags (and written once). A plain
    // comment: a doc comment here would become the field's schema description.
    #[schemars(with = "Vec<Reason>")]
    pub reasons: SharedList<Reason>,
    #[schemars(with = "Vec<Finding>")]
    pub findings: SharedList<Finding>,
}

impl OutputRecord for LyncUserCal {
    const RECORD_TYPE: &'static str = "LyncUserCal";
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "SipAddress",
        "Kind",
        "CALs",
        "ConferencingPolicy",
        "Findings",
    ];
}

/// Counts per tier and per combination, so the total can be defended line by line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LyncCalSummary {
    pub rules: RuleSet,
    /// Records classified (users and devices)
    pub total: u64,
    /// Disabled, or homed online: no on-premises CAL
    pub need_nothing: u64,
    pub standard: u64,
    pub enterprise: u64,
    pub plus: u64,
    /// Enterprise undecided: assigned conferencing policy missing
    pub undetermined: u64,
    /// The rule set the records are compared with (strict, or default when Rules is strict)
    pub other_rules: RuleSet,
    /// Records Enterprise under OtherRules
    pub enterprise_under_other_rules: u64,
    pub by_kind: Vec<KindCount>,
    /// e.g. Standard, Standard+Enterprise, Standard+Plus, Standard+Enterprise+Plus
    pub by_combination: Vec<CombinationCount>,
    /// Input files these totals were built on that were read only in part, each with how many of
    /// its records were not used (reported on stderr); empty when every record was read
    pub incomplete_inputs: Vec<crate::model::IncompleteInput>,
}
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct KindCount {
    pub kind: LyncKind,
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
    // Its footer (LyncCalSummary::lines) says it all, under any table.
    const IN_TABLE: bool = false;
}

impl LyncCalSummary {
    pub fn new(rules: RuleSet) -> Self {
        use crate::model::Choice;
        LyncCalSummary {
            rules,
            total: 0,
            need_nothing: 0,
            standard: 0,
            enterprise: 0,
            plus: 0,
            undetermined: 0,
            other_rules: other_rules(rules),
            enterprise_under_other_rules: 0,
            by_kind: LyncKind::ALL
                .iter()
                .map(|k| KindCount {
                    kind: *k,
                    total: 0,
                    standard: 0,
                    enterprise: 0,
                    plus: 0,
                })
                .collect(),
            by_combination: crate::model::TIER_COMBINATIONS
                .iter()
                .map(|c| CombinationCount {
                    combination: c.to_string(),
                    count: 0,
                })
                .collect(),
            incomplete_inputs: Vec::new(),
        }
    }

    pub fn add(&mut self, c: &LyncUserCal) {
        self.total += 1;
        let ent = c.enterprise == Some(true);
        self.standard += c.standard as u64;
        self.enterprise += ent as u64;
        self.plus += c.plus as u64;
        self.undetermined += c.enterprise.is_none() as u64;
        self.enterprise_under_other_rules += (c.enterprise_under_other_rules == Some(true)) as u64;
        if let Some(k) = self.by_kind.iter_mut().find(|k| k.kind == c.kind) {
            k.total += 1;
            k.standard += c.standard as u64;
            k.enterprise += ent as u64;
            k.plus += c.plus as u64;
        }
        let combo = crate::model::tier_combination(c.standard, c.enterprise, c.plus);
        if combo == "None" {
            self.need_nothing += 1;
        }
        if let Some(e) = self
            .by_combination
            .iter_mut()
            .find(|e| e.combination == combo)
        {
            e.count += 1;
        }
    }

    /// Users and devices per tier, what a position against owned counts compares.
    pub fn required(&self) -> super::owned::Required {
        let mut users = [0; 3];
        let mut devices = [0; 3];
        for k in &self.by_kind {
            let into = if k.kind == LyncKind::User {
                &mut users
            } else {
                &mut devices
            };
            for (slot, n) in into.iter_mut().zip([k.standard, k.enterprise, k.plus]) {
                *slot += n;
            }
        }
        super::owned::Required {
            rules: self.rules,
            other_rules: self.other_rules,
            users,
            devices,
            undetermined: self.undetermined,
            enterprise_under_other_rules: self.enterprise_under_other_rules,
        }
    }

    /// The footer under `--format table`: the summary, once, as `Key : value` lines.
    pub fn lines(&self) -> Vec<String> {
        let mut pairs: Vec<(String, String)> = vec![
            ("Classified".into(), self.total.to_string()),
            ("Standard".into(), self.standard.to_string()),
            ("Enterprise".into(), self.enterprise.to_string()),
            ("Plus".into(), self.plus.to_string()),
            ("Need nothing".into(), self.need_nothing.to_string()),
            ("Undetermined".into(), self.undetermined.to_string()),
            (
                format!("Enterprise ({} rules)", self.other_rules),
                format!(
                    "{} ({:+} against {})",
                    self.enterprise_under_other_rules,
                    self.enterprise_under_other_rules as i64 - self.enterprise as i64,
                    self.rules
                ),
            ),
        ];
        for k in self.by_kind.iter().filter(|k| k.total > 0) {
            pairs.push((
                k.kind.to_string(),
                format!(
                    "{} (Standard {}, Enterprise {}, Plus {})",
                    k.total, k.standard, k.enterprise, k.plus
                ),
            ));
        }
        // Keyed apart from the tier counts above: "Standard" there counts every Standard CAL,
        // here the records needing exactly Standard and nothing else ("None" is Need nothing).
        for c in self
            .by_combination
            .iter()
            .filter(|c| c.count > 0 && c.combination != "None")
        {
            pairs.push((format!("Exactly {}", c.combination), c.count.to_string()));
        }
        crate::model::text::key_value_lines(&format!("Summary ({} rules)", self.rules), &pairs)
    }
}

fn none_needed(
    kind: LyncKind,
    identity: &str,
    sip: &str,
    display: &str,
    rules: RuleSet,
    why: Reason,
) -> LyncUserCal {
    none_needed_owned(
        kind,
        identity.into(),
        sip.into(),
        display.into(),
        rules,
        SharedList::new(vec![why]),
    )
}

fn none_needed_owned(
    kind: LyncKind,
    identity: String,
    sip_address: String,
    display_name: String,
    rules: RuleSet,
    reasons: SharedList<Reason>,
) -> LyncUserCal {
    LyncUserCal {
        identity,
        sip_address,
        display_name,
        kind,
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
        rules,
        other_rules: other_rules(rules),
        enterprise_under_other_rules: Some(false),
        reasons,
        findings: SharedList::new(Vec::new()),
    }
}

pub fn classify_user(estate: &Estate, u: &CsUser) -> LyncUserCal {
    let rules = estate.rules;
    if !u.enabled {
        return none_needed(
            LyncKind::User,
            &u.identity,
            &u.sip,
            &u.display_name,
            rules,
            disabled_user_reason(),
        );
    }
    if u.homed_online() {
        return homed_online(
            u.identity.clone(),
            u.sip.clone(),
            u.display_name.clone(),
            u.hosting_provider.as_deref(),
            rules,
        );
    }
    let outcome = policy_outcome(estate, u, estate.rgs_groups(&u.sip));
    assemble(
        u.identity.clone(),
        u.sip.clone(),
        u.display_name.clone(),
        u.registrar_pool.clone(),
        rules,
        outcome,
    )
}

fn disabled_user_reason() -> Reason {
    Reason::new(
        Cal::None,
        "User",
        "Enabled=False: a user disabled for Lync needs no CAL",
    )
}

fn homed_online(
    identity: String,
    sip: String,
    display: String,
    hosting_provider: Option<&str>,
    rules: RuleSet,
) -> LyncUserCal {
    let mut c = none_needed_owned(LyncKind::User, identity, sip, display, rules, SharedList::new(vec![Reason::new(
        Cal::None,
        "User",
        format!("HostingProvider={} with no RegistrarPool: homed online, licensed by the online service, not by on-premises CALs", hosting_provider.unwrap_or_default()),
    )]));
    c.enabled = true;
    c
}

/// What an enabled, on-premises user's record owes to their policy assignments, registrar pool
/// and flags (and Response Group membership, when given): the same for every user who shares
/// them.
#[derive(Clone)]
struct PolicyOutcome {
    enterprise: Option<bool>,
    enterprise_under_other_rules: Option<bool>,
    plus: bool,
    conferencing_policy: SharedText,
    conferencing_policy_source: PolicySource,
    voice_policy: Option<SharedText>,
    voice_policy_source: Option<PolicySource>,
    site: Option<SharedText>,
    reasons: SharedList<Reason>,
    findings: SharedList<Finding>,
}

fn policy_outcome(estate: &Estate, u: &CsUser, rgs_groups: Option<&Vec<String>>) -> PolicyOutcome {
    let site = estate.site_of(u.registrar_pool.as_deref());
    let site_name = site.name();
    let mut reasons = vec![Reason::new(Cal::Standard, "User", "Enabled=True")];
    let mut findings = Vec::new();

    let conf = resolve(
        &estate.conferencing,
        &u.conferencing,
        &site,
        PolicyKind::Conferencing,
    );
    findings.extend(conf.finding.clone());
    let enterprise = conf.policy.map(|p| {
        let (tier, features) = implied_tier(&p.settings, estate.rules, u.audio_video_disabled);
        let source = format!("ConferencingPolicy {}", conf.identity);
        reasons.extend(features.iter().map(|f| Reason::new(Cal::Enterprise, &source, f.describe())));
        if u.audio_video_disabled && enterprise_features(&p.settings, estate.rules, false).len() != features.len() {
            findings.push(Finding::info(
                FindingCode::AudioVideoDisabled,
                "AudioVideoDisabled=True: the policy's audio/video settings do not apply to this user",
            ));
        }
        if tier == Tier::Enterprise && features.iter().all(|f| !f.explicit) {
            findings.push(Finding::warning(
                FindingCode::TierFromLyncDefaults,
                format!("Enterprise rests only on settings the conferencing policy export does not hold, read as their Lync defaults ({}): re-export Get-CsConferencingPolicy with every property", describe_features(&features)),
            ));
        }
        tier == Tier::Enterprise
    });
    let enterprise_under_other_rules = conf.policy.map(|p| {
        implied_tier(
            &p.settings,
            other_rules(estate.rules),
            u.audio_video_disabled,
        )
        .0 == Tier::Enterprise
    });

    let mut plus = false;
    if u.enterprise_voice {
        plus = true;
        reasons.push(Reason::new(
            Cal::Plus,
            "User",
            "EnterpriseVoiceEnabled=True",
        ));
    }
    if u.remote_call_control {
        plus = true;
        reasons.push(Reason::new(
            Cal::Plus,
            "User",
            "RemoteCallControlTelephonyEnabled=True",
        ));
    }
    if let Some(groups) = rgs_groups {
        plus = true;
        for g in groups {
            reasons.push(Reason::new(
                Cal::Plus,
                format!("RgsAgentGroup {g}"),
                format!("Response Group agent {}", u.sip),
            ));
        }
    }
    let (voice_policy, voice_source) = match &estate.voice {
        Some(table) => {
            let v = resolve(table, &u.voice, &site, PolicyKind::Voice);
            findings.extend(v.finding.clone());
            if u.enterprise_voice {
                if let Some(p) = v.policy {
                    let source = format!("VoicePolicy {}", v.identity);
                    reasons.extend(
                        p.plus_features
                            .iter()
                            .map(|f| Reason::new(Cal::Plus, &source, f.clone())),
                    );
                }
            }
            (Some(SharedText::from(v.identity)), Some(v.source))
        }
        None => (None, None),
    };
    PolicyOutcome {
        enterprise,
        enterprise_under_other_rules,
        plus,
        conferencing_policy: conf.identity.into(),
        conferencing_policy_source: conf.source,
        voice_policy,
        voice_policy_source: voice_source,
        site: site_name.map(SharedText::from),
        reasons: SharedList::new(reasons),
        findings: SharedList::new(findings),
    }
}

fn assemble(
    identity: String,
    sip_address: String,
    display_name: String,
    registrar_pool: Option<String>,
    rules: RuleSet,
    o: PolicyOutcome,
) -> LyncUserCal {
    LyncUserCal {
        identity,
        sip_address,
        display_name,
        kind: LyncKind::User,
        enabled: true,
        standard: true,
        enterprise: o.enterprise,
        plus: o.plus,
        conferencing_policy: Some(o.conferencing_policy),
        conferencing_policy_source: Some(o.conferencing_policy_source),
        voice_policy: o.voice_policy,
        voice_policy_source: o.voice_policy_source,
        registrar_pool,
        site: o.site,
        rules,
        other_rules: other_rules(rules),
        enterprise_under_other_rules: o.enterprise_under_other_rules,
        reasons: o.reasons,
        findings: o.findings,
    }
}

/// Classifies users, working out each combination of policy assignments, registrar pool and
/// flags once: a quarter of a million users share a few hundred combinations, and their
/// reasons and findings are then shared too (and serialised once).
#[derive(Default)]
pub struct UserClassifier {
    outcomes: HashMap<u64, Vec<(OutcomeKey, PolicyOutcome)>, foldhash::fast::RandomState>,
    cached: usize,
    disabled: Option<SharedList<Reason>>,
    /// The outcomes' lists, one per content: thousands of outcomes hold a hundred or so
    /// different reason lists and nearly all the same empty findings, so a printer that renders
    /// each shared list once keeps a hundred renderings hot, not thousands cold.
    reasons: Interned<Reason>,
    findings: Interned<Finding>,
}

/// Shared lists by content: an equal list given again is the one kept.
struct Interned<T>(HashMap<Vec<T>, SharedList<T>, foldhash::fast::RandomState>);

impl<T> Default for Interned<T> {
    fn default() -> Self {
        Interned(HashMap::default())
    }
}

impl<T: Clone + Eq + std::hash::Hash> Interned<T> {
    fn get(&mut self, list: SharedList<T>) -> SharedList<T> {
        if let Some(kept) = self.0.get(&*list) {
            return kept.clone();
        }
        self.0.insert(list.to_vec(), list.clone());
        list
    }
}

/// What a [`PolicyOutcome`] depends on, for a user who is no Response Group agent.
struct OutcomeKey {
    conferencing: PolicyRef,
    voice: PolicyRef,
    pool: Option<String>,
    flags: u8,
}

impl OutcomeKey {
    fn flags(u: &CsUser) -> u8 {
        u8::from(u.audio_video_disabled)
            | u8::from(u.enterprise_voice) << 1
            | u8::from(u.remote_call_control) << 2
    }

    fn matches(&self, u: &CsUser) -> bool {
        self.flags == Self::flags(u)
            && self.conferencing == u.conferencing
            && self.voice == u.voice
            && self.pool == u.registrar_pool
    }

    /// A hash of the parts ([`OutcomeKey::matches`] settles a collision).
    fn hash(u: &CsUser) -> u64 {
        FIXED.hash_one((&u.conferencing, &u.voice, &u.registrar_pool, Self::flags(u)))
    }
}

/// The fixed-seed foldhash of the address and outcome hashes: the same on every run, so which
/// of two addresses that collide (about 3e-8 for a million) is kept never changes.
const FIXED: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x5119);

impl UserClassifier {
    /// Combinations remembered at most (an export whose every user names a different pool
    /// would otherwise grow the cache with the users): a few MB. Real estates have tens of
    /// conferencing policies and pools, eight flag combinations: thousands of combinations.
    const MAX_CACHED: usize = 16_384;

    /// [`classify_user`], for a user the caller is done with.
    pub fn classify(&mut self, estate: &Estate, u: CsUser) -> LyncUserCal {
        let rules = estate.rules;
        if !u.enabled {
            let reasons = self
                .disabled
                .get_or_insert_with(|| SharedList::new(vec![disabled_user_reason()]))
                .clone();
            return none_needed_owned(
                LyncKind::User,
                u.identity,
                u.sip,
                u.display_name,
                rules,
                reasons,
            );
        }
        if u.homed_online() {
            return homed_online(
                u.identity,
                u.sip,
                u.display_name,
                u.hosting_provider.as_deref(),
                rules,
            );
        }
        let outcome = match estate.rgs_groups(&u.sip) {
            Some(groups) => policy_outcome(estate, &u, Some(groups)),
            None => {
                let hash = OutcomeKey::hash(&u);
                let found = self
                    .outcomes
                    .get(&hash)
                    .and_then(|v| v.iter().find(|(k, _)| k.matches(&u)))
                    .map(|(_, o)| o.clone());
                match found {
                    Some(o) => o,
                    None if self.cached < Self::MAX_CACHED => {
                        self.cached += 1;
                        let key = OutcomeKey {
                            conferencing: u.conferencing.clone(),
                            voice: u.voice.clone(),
                            pool: u.registrar_pool.clone(),
                            flags: OutcomeKey::flags(&u),
                        };
                        let mut outcome = policy_outcome(estate, &u, None);
                        outcome.reasons = self.reasons.get(outcome.reasons);
                        outcome.findings = self.findings.get(outcome.findings);
                        self.outcomes
                            .entry(hash)
                            .or_default()
                            .push((key, outcome.clone()));
                        outcome
                    }
                    None => policy_outcome(estate, &u, None),
                }
            }
        };
        assemble(
            u.identity,
            u.sip,
            u.display_name,
            u.registrar_pool,
            rules,
            outcome,
        )
    }
}

pub fn classify_device(estate: &Estate, d: &CsDevice) -> LyncUserCal {
    let rules = estate.rules;
    let kind = d.kind.kind();
    if !d.enabled {
        return none_needed(
            kind,
            &d.identity,
            &d.sip,
            &d.display_name,
            rules,
            Reason::new(
                Cal::None,
                "Device",
                "Enabled=False: a disabled device needs no CAL",
            ),
        );
    }
    let mut reasons = Vec::new();
    let mut findings = Vec::new();
    let site = estate.site_of(d.registrar_pool.as_deref());
    // Licensing guide §6.1.1 (Microsoft Lync Server 2013 licensing guide, "Device CALs"): a
    // phone used mainly by people who already hold User CALs (a hot desk, a conference room
    // phone) needs no device CAL. The configuration cannot tell who uses a phone: the device
    // CALs are counted, and the finding says when they may be dropped.
    let shared_phone = Finding::info(
        FindingCode::DeviceMayBeCoveredByUserCals,
        "no device CAL is needed where this device is used mainly by people who hold User CALs (Lync licensing guide, device CALs); the configuration cannot show who uses it, so its device CALs are counted",
    );
    let mut enterprise_under_other_rules = Some(false);
    let (enterprise, plus) = match d.kind {
        DeviceKind::CommonAreaPhone => {
            reasons.push(Reason::new(
                Cal::Standard,
                "Device",
                "common area phone: a registered device needs a Standard device CAL whatever its usage",
            ));
            // Set-CsCommonAreaPhone -EnterpriseVoiceEnabled: a phone not enabled for Enterprise
            // Voice uses no Plus feature. Not in the export: voice-enabled, as
            // New-CsCommonAreaPhone creates it (with a line URI) and as the MAP Toolkit counts it.
            let voice = d.enterprise_voice.unwrap_or(true);
            if voice {
                let why = if d.enterprise_voice.is_some() {
                    "EnterpriseVoiceEnabled=True: a voice-enabled common area phone needs a Plus device CAL"
                } else {
                    "common area phone without EnterpriseVoiceEnabled in the export: taken as voice-enabled (created with a line URI), so Plus"
                };
                reasons.push(Reason::new(Cal::Plus, "Device", why));
            } else {
                reasons.push(Reason::new(
                    Cal::None,
                    "Device",
                    "EnterpriseVoiceEnabled=False: a common area phone not enabled for voice needs no Plus",
                ));
            }
            findings.push(shared_phone);
            (Some(false), voice)
        }
        DeviceKind::AnalogDevice => {
            let why = "analog device: needs Standard and Plus device CALs";
            reasons.push(Reason::new(Cal::Standard, "Device", why));
            reasons.push(Reason::new(Cal::Plus, "Device", why));
            (Some(false), true)
        }
        DeviceKind::MeetingRoom => {
            reasons.push(Reason::new(
                Cal::Standard,
                "Device",
                "meeting room: joining scheduled meetings needs a Standard device CAL",
            ));
            // Enterprise only when the room can start (organise) meetings with Enterprise
            // features: decided by its effective conferencing policy, as for a user.
            let conf = resolve(
                &estate.conferencing,
                &d.conferencing,
                &site,
                PolicyKind::Conferencing,
            );
            findings.extend(conf.finding.clone());
            let enterprise = conf.policy.map(|p| {
                let (tier, features) = implied_tier(&p.settings, estate.rules, false);
                let source = format!("ConferencingPolicy {}", conf.identity);
                reasons.extend(features.iter().map(|f| {
                    Reason::new(
                        Cal::Enterprise,
                        &source,
                        format!("meeting room can start meetings with it: {}", f.describe()),
                    )
                }));
                tier == Tier::Enterprise
            });
            enterprise_under_other_rules = conf.policy.map(|p| {
                implied_tier(&p.settings, other_rules(estate.rules), false).0 == Tier::Enterprise
            });
            let voice = d.enterprise_voice.unwrap_or(false);
            if voice {
                reasons.push(Reason::new(
                    Cal::Plus,
                    "Device",
                    "EnterpriseVoiceEnabled=True",
                ));
            }
            findings.push(shared_phone);
            (enterprise, voice)
        }
    };
    let site = estate.site_of(d.registrar_pool.as_deref());
    LyncUserCal {
        identity: d.identity.clone(),
        sip_address: d.sip.clone(),
        display_name: d.display_name.clone(),
        kind,
        enabled: true,
        standard: true,
        enterprise,
        plus,
        conferencing_policy: None,
        conferencing_policy_source: None,
        voice_policy: None,
        voice_policy_source: None,
        registrar_pool: d.registrar_pool.clone(),
        site: site.name().map(SharedText::from),
        rules,
        other_rules: other_rules(rules),
        enterprise_under_other_rules,
        reasons: SharedList::new(reasons),
        findings: SharedList::new(findings),
    }
}

/// Keeps one record per SIP address: a second export row for the same address would count the
/// same person twice. Hashes keep memory at 8 bytes a user.
#[derive(Default)]
pub struct SeenAddresses(HashSet<u64, foldhash::fast::RandomState>);

impl SeenAddresses {
    pub fn first_time(&mut self, sip: &str) -> bool {
        self.0.insert(sip_hash(sip))
    }
}

/// Characters that show as nothing: an address holding one reads like another on screen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// An address with its invisible characters and a trailing dot (`contoso.com.`, the fully
/// qualified spelling of the domain) taken out, when it has any: what it looks like.
fn look_alike(sip: &str) -> Option<String> {
    let s = sip.trim();
    if !s.contains(is_invisible) && !s.ends_with('.') {
        return None;
    }
    let bare: String = s.chars().filter(|c| !is_invisible(*c)).collect();
    Some(bare.trim().trim_end_matches('.').to_string())
}

/// Addresses that differ only by invisible characters or a trailing dot: counted as the
/// different users they are to Lync, but warned of, naming both (one person exported twice, or
/// an address made to dodge the duplicate check). Only the odd spellings are kept (a handful),
/// so a million ordinary users cost nothing here.
#[derive(Default)]
pub struct LookAlikes {
    /// The look-alike's hash → the odd spelling first seen.
    odd: HashMap<u64, String>,
}

impl LookAlikes {
    /// A warning when `sip` looks like an address seen before.
    pub fn check(&mut self, sip: &str, seen: &SeenAddresses) -> Option<String> {
        let message = |a: &str, b: &str| {
            format!(
                "'{}' and '{}' differ only by invisible characters or a trailing dot: they are counted as two users; if they are one person, correct the export",
                a.escape_debug(),
                b.escape_debug()
            )
        };
        match look_alike(sip) {
            // Nothing odd seen yet (the usual case): no address can look like one.
            None if self.odd.is_empty() => None,
            None => self
                .odd
                .get(&sip_hash(sip))
                .map(|first| message(first, sip)),
            Some(bare) => {
                let k = sip_hash(&bare);
                if let Some(first) = self.odd.get(&k) {
                    return Some(message(first, sip));
                }
                self.odd.insert(k, sip.to_string());
                seen.0.contains(&k).then(|| message(&sip_key(&bare), sip))
            }
        }
    }
}

/// A 64-bit hash of the address as [`sip_key`] spells it (trimmed, lower case, `sip:` prefix),
/// computed without building that string for the usual short ASCII address: it runs once per
/// user. With 64 bits, two of a million addresses collide with a probability near 3e-8.
fn sip_hash(sip: &str) -> u64 {
    let s = sip.trim();
    let bare = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("sip:"))
        .map_or(s, |_| &s[4..]);
    let mut buf = [0u8; 256];
    let mut long = Vec::new();
    let key: &mut [u8] = if bare.len() + 4 <= buf.len() {
        &mut buf[..bare.len() + 4]
    } else {
        long.resize(bare.len() + 4, 0);
        &mut long
    };
    key[..4].copy_from_slice(b"sip:");
    key[4..].copy_from_slice(bare.as_bytes());
    key[4..].make_ascii_lowercase();
    let mut h = FIXED.build_hasher();
    h.write(key);
    h.finish()
}

/// The exports an entitlement audit reads.
#[derive(Debug, Clone, Default)]
pub struct EntitlementFiles {
    pub estate: EstateFiles,
    /// Get-CsUser
    pub users: String,
    /// Get-CsCommonAreaPhone
    pub common_area_phones: Option<String>,
    /// Get-CsAnalogDevice
    pub analog_devices: Option<String>,
    /// Get-CsMeetingRoom
    pub meeting_rooms: Option<String>,
    /// The month/day order of the exports' culture-text dates, when the admin gave it.
    pub date_order: Option<DateOrder>,
}

#[derive(Debug, Clone)]
pub struct EntitlementOptions {
    pub files: EntitlementFiles,
    pub rules: RuleSet,
    /// Also write a LyncCalSummary record
    pub summary: bool,
    /// Write one LyncUserCal per user and device (off: the summary alone)
    pub records: bool,
    /// CALs owned as counts (`--owned`), and the owned file (`--owned-file`) still to read: with
    /// either, one LyncCalPosition per tier is written after the summary
    pub owned: Option<OwnedInputs>,
}

/// Where the owned counts come from: the command line's, already read, and a file.
#[derive(Debug, Clone, Default)]
pub struct OwnedInputs {
    pub counts: Vec<super::owned::OwnedRow>,
    pub file: Option<String>,
}

/// What `lync entitlement` found, for the command's exit decision.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// CALs short, all tiers (0 without owned counts)
    pub shortfall: u64,
}

/// Streams the users (then devices) through `each`, reporting bad and duplicate records.
pub fn for_each_classified<R: Reporter>(
    estate: &Estate,
    files: &EntitlementFiles,
    reporter: &mut R,
    mut each: impl FnMut(LyncUserCal) -> Result<(), LyncError>,
) -> Result<(), LyncError> {
    let mut seen = SeenAddresses::default();
    let mut look_alikes = LookAlikes::default();
    let mut users = UserClassifier::default();
    stream_each_borrowed(
        &files.users,
        Some(CsUser::PROPERTIES),
        files.date_order,
        "Classifying Lync users",
        reporter,
        |reporter, rec| match CsUser::read(rec) {
            Ok(u) => {
                if !seen.first_time(&u.sip) {
                    reporter.bad_record(&rec.error("SipAddress", format!("{} appears more than once; the later record is skipped so it is counted once", u.sip)));
                    return Ok(());
                }
                if let Some(w) = look_alikes.check(&u.sip, &seen) {
                    reporter.warning(
                        "LookAlikeAddress",
                        &format!("{}, record {}: {w}", rec.file, rec.index),
                    );
                }
                each(users.classify(estate, u))
            }
            Err(e) if e.fatal => Err(e.into()),
            Err(e) => {
                reporter.bad_record(&e);
                Ok(())
            }
        },
    )?;
    let devices = [
        (&files.common_area_phones, DeviceKind::CommonAreaPhone),
        (&files.analog_devices, DeviceKind::AnalogDevice),
        (&files.meeting_rooms, DeviceKind::MeetingRoom),
    ];
    for (path, kind) in devices {
        if let Some(path) = path {
            stream_each(
                path,
                Some(CsDevice::PROPERTIES),
                files.date_order,
                "Classifying Lync devices",
                reporter,
                |reporter, rec| match CsDevice::read(&rec, kind) {
                    Ok(d) => each(classify_device(estate, &d)),
                    Err(e) => {
                        reporter.bad_record(&e);
                        Ok(())
                    }
                },
            )?;
        }
    }
    Ok(())
}

/// `lync entitlement`: one LyncUserCal per user and device, then (optionally) the summary.
pub fn run(
    options: &EntitlementOptions,
    sink: &mut impl RecordSink,
    reporter: &mut impl Reporter,
) -> Result<Outcome, LyncError> {
    // The owned file first: a bad row refuses the run before 200,000 users are read.
    let owned = match &options.owned {
        None => None,
        Some(o) => {
            let mut rows = o.counts.clone();
            if let Some(path) = &o.file {
                rows.extend(super::owned::read_file(
                    path,
                    options.files.date_order,
                    reporter,
                )?);
            }
            Some(super::owned::OwnedCals { rows })
        }
    };
    let estate = Estate::load(
        &options.files.estate,
        options.rules,
        options.files.date_order,
        reporter,
    )?;
    let mut summary = LyncCalSummary::new(estate.rules);
    for_each_classified(&estate, &options.files, reporter, |cal| {
        summary.add(&cal);
        if options.records {
            sink.write(&cal)?;
        }
        Ok(())
    })?;
    if options.summary {
        summary.incomplete_inputs = reporter.incomplete_inputs();
        sink.write(&summary)?;
    }
    // The positions are records (a table of their own under --format table), not footer lines.
    let mut outcome = Outcome::default();
    for p in owned.iter().flat_map(|o| o.positions(&summary.required())) {
        outcome.shortfall += p.shortfall;
        sink.write(&p)?;
    }
    sink.footer(&summary.lines())?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_hash_ignores_case_prefix_and_spaces_like_sip_key() {
        let same = [
            "sip:Alice@Contoso.com",
            "alice@contoso.com",
            " SIP:alice@CONTOSO.com ",
        ];
        for a in same {
            assert_eq!(sip_hash(a), sip_hash("sip:alice@contoso.com"), "{a}");
            assert_eq!(sip_key(a), "sip:alice@contoso.com");
        }
        assert_ne!(
            sip_hash("sip:alice@contoso.com"),
            sip_hash("sip:alicf@contoso.com")
        );
        let mut seen = SeenAddresses::default();
        assert!(seen.first_time("sip:bob@contoso.com"));
        assert!(!seen.first_time("Bob@Contoso.com"));
        let long = format!("sip:{}@contoso.com", "A".repeat(300));
        assert_eq!(sip_hash(&long), sip_hash(&long.to_lowercase()[4..]));
        assert_ne!(sip_hash(&long), sip_hash(&long.replace('A', "B")));
    }

    #[test]
    fn addresses_differing_by_invisible_characters_or_a_trailing_dot_are_warned_of() {
        let mut seen = SeenAddresses::default();
        let mut alike = LookAlikes::default();
        let mut add = |sip: &str| {
            assert!(seen.first_time(sip), "{sip} is a user of its own");
            alike.check(sip, &seen)
        };
        assert_eq!(add("sip:alice@contoso.com"), None);
        let w = add("sip:al\u{200B}ice@contoso.com").unwrap();
        assert!(
            w.contains("'sip:alice@contoso.com' and 'sip:al\\u{200b}ice@contoso.com'"),
            "{w}"
        );
        let w = add("sip:alice@contoso.com.").unwrap();
        assert!(w.contains("sip:alice@contoso.com."), "{w}");
        // The odd spelling first, the plain one after.
        assert_eq!(add("sip:bob@contoso.com."), None);
        let w = add("sip:bob@contoso.com").unwrap();
        assert!(
            w.contains("'sip:bob@contoso.com.' and 'sip:bob@contoso.com'"),
            "{w}"
        );
        assert_eq!(add("sip:carol@contoso.com"), None);
    }

    /// The summary counts each record under the text rightsize writes for it
    /// (`model::tier_combination`, the one spelling), for every combination of flags, including
    /// Enterprise or Plus without Standard (rightsize used to call that "None").
    #[test]
    fn the_summary_counts_by_the_one_combination_text() {
        for standard in [false, true] {
            for enterprise in [Some(false), Some(true), None] {
                for plus in [false, true] {
                    let mut c = none_needed(
                        LyncKind::User,
                        "CN=A",
                        "sip:a@contoso.com",
                        "A",
                        RuleSet::Default,
                        disabled_user_reason(),
                    );
                    (c.standard, c.enterprise, c.plus) = (standard, enterprise, plus);
                    let mut summary = LyncCalSummary::new(RuleSet::Default);
                    summary.add(&c);
                    let counted: Vec<&str> = summary
                        .by_combination
                        .iter()
                        .filter(|e| e.count == 1)
                        .map(|e| e.combination.as_str())
                        .collect();
                    let text = crate::model::tier_combination(standard, enterprise, plus);
                    assert_eq!(counted, [text], "{standard} {enterprise:?} {plus}");
                    assert_eq!(summary.need_nothing, u64::from(text == "None"));
                }
            }
        }
    }
}
