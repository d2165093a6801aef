//! The configuration every user is judged against: policies by scope, pools → sites, Response
//! Group agents; and the effective-policy rule (user tag → site of the registrar pool → Global).

use super::inputs::{
    sip_key, ConferencingPolicy, Origin, PolicyRef, Pool, RgsAgentGroup, Scope, VoicePolicy,
};
use super::policy::RuleSet;
use super::{LyncError, MissingInput};
use crate::ingest::{load_all, DateOrder};
use crate::model::{Finding, FindingCode, InputError, PolicySource, Reporter};
use std::collections::HashMap;

pub trait Scoped {
    fn scope(&self) -> &Scope;
    fn origin(&self) -> &Origin;
}

impl Scoped for ConferencingPolicy {
    fn scope(&self) -> &Scope {
        &self.scope
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
}

impl Scoped for VoicePolicy {
    fn scope(&self) -> &Scope {
        &self.scope
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// Policies of one kind, looked up case-insensitively by Identity.
pub struct PolicyTable<P> {
    pub items: Vec<P>,
    by_key: HashMap<String, usize>,
    pub has_site_policies: bool,
}

impl<P: Scoped> PolicyTable<P> {
    /// Duplicate identities and a missing Global policy are input errors: Global always exists
    /// in Lync, so an export without it is incomplete.
    pub fn new(items: Vec<P>, file: &str, what: &str) -> Result<Self, InputError> {
        let mut by_key = HashMap::with_capacity(items.len());
        for (i, p) in items.iter().enumerate() {
            if let Some(prev) = by_key.insert(p.scope().key(), i) {
                let first = items[prev].origin();
                return Err(InputError::record(
                    file,
                    p.origin().record,
                    format!(
                        "duplicate {what} Identity '{}' (also record {} of {})",
                        p.scope().identity(),
                        first.record,
                        first.file
                    ),
                ));
            }
        }
        if !by_key.contains_key("global") {
            return Err(InputError::file(
                file,
                format!("has no Global {what}: Global always exists in Lync, so the export is incomplete (export Get-Cs{} without -Identity or -Filter)", pascal_case(what)),
            ));
        }
        let has_site_policies = items.iter().any(|p| matches!(p.scope(), Scope::Site(_)));
        Ok(PolicyTable {
            items,
            by_key,
            has_site_policies,
        })
    }

    pub fn get(&self, scope: &Scope) -> Option<&P> {
        self.by_key.get(&scope.key()).map(|i| &self.items[*i])
    }

    pub fn global(&self) -> &P {
        self.get(&Scope::Global).expect("checked on load")
    }
}

/// Which policy applies to one user and why.
pub struct Resolution<'a, P> {
    /// None when the user is assigned a policy that does not exist.
    pub policy: Option<&'a P>,
    pub identity: String,
    pub source: PolicySource,
    pub finding: Option<Finding>,
}

/// The site a registrar pool belongs to, as far as the pools export says.
pub enum SiteLookup<'a> {
    /// No pool (or no pools file): site policies cannot apply.
    NoPool,
    /// The pool is not in the pools export.
    UnknownPool(&'a str),
    Site(Option<&'a str>),
}

impl SiteLookup<'_> {
    /// The site's name, when the pools export gives one.
    pub fn name(&self) -> Option<String> {
        match self {
            SiteLookup::Site(s) => s.map(str::to_string),
            _ => None,
        }
    }
}

pub struct Estate {
    pub rules: RuleSet,
    pub conferencing: PolicyTable<ConferencingPolicy>,
    pub voice: Option<PolicyTable<VoicePolicy>>,
    pools: Option<Vec<(String, Option<String>)>>,
    rgs_agents: HashMap<String, Vec<String>>,
}

/// The configuration exports every user is judged against.
#[derive(Debug, Clone, Default)]
pub struct EstateFiles {
    /// Get-CsConferencingPolicy (all scopes; Global must be there)
    pub conferencing_policies: String,
    /// Get-CsVoicePolicy (adds voice policies and their Plus features to the reasons)
    pub voice_policies: Option<String>,
    /// Get-CsPool (the site of each registrar pool; needed when site policies exist)
    pub pools: Option<String>,
    /// Get-CsRgsAgentGroup (agents need Plus)
    pub rgs_agent_groups: Option<String>,
}

impl Estate {
    pub fn load(
        files: &EstateFiles,
        rules: RuleSet,
        date_order: Option<DateOrder>,
        reporter: &mut impl Reporter,
    ) -> Result<Estate, LyncError> {
        let conf = load_all(
            &files.conferencing_policies,
            date_order,
            reporter,
            ConferencingPolicy::read,
        )?;
        let conferencing =
            PolicyTable::new(conf, &files.conferencing_policies, "conferencing policy")?;
        let voice = match &files.voice_policies {
            Some(path) => Some(PolicyTable::new(
                load_all(path, date_order, reporter, VoicePolicy::read)?,
                path,
                "voice policy",
            )?),
            None => None,
        };
        let needs_pools =
            conferencing.has_site_policies || voice.as_ref().is_some_and(|v| v.has_site_policies);
        let pools = match &files.pools {
            Some(path) => Some(
                load_all(path, date_order, reporter, Pool::read)?
                    .into_iter()
                    .map(|p| (p.fqdn.to_ascii_lowercase(), p.site))
                    .collect(),
            ),
            None if needs_pools => return Err(LyncError::Missing(MissingInput::Pools)),
            None => None,
        };
        let mut rgs_agents: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(path) = &files.rgs_agent_groups {
            for g in load_all(path, date_order, reporter, RgsAgentGroup::read)? {
                for a in &g.agents {
                    let groups = rgs_agents.entry(sip_key(a)).or_default();
                    if !groups.contains(&g.name) {
                        groups.push(g.name.clone());
                    }
                }
            }
        }
        Ok(Estate {
            rules,
            conferencing,
            voice,
            pools,
            rgs_agents,
        })
    }

    pub fn from_parts(rules: RuleSet, conferencing: PolicyTable<ConferencingPolicy>) -> Estate {
        Estate {
            rules,
            conferencing,
            voice: None,
            pools: None,
            rgs_agents: HashMap::new(),
        }
    }

    pub fn site_of<'a>(&'a self, pool: Option<&'a str>) -> SiteLookup<'a> {
        match (pool, &self.pools) {
            (None, _) | (_, None) => SiteLookup::NoPool,
            // Pool names are few: a case-insensitive scan beats lower-casing every user's pool.
            (Some(p), Some(pools)) => match pools
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(p.trim()))
                .map(|(_, site)| site)
            {
                Some(site) => SiteLookup::Site(site.as_deref()),
                None => SiteLookup::UnknownPool(p),
            },
        }
    }

    pub fn rgs_groups(&self, sip: &str) -> Option<&Vec<String>> {
        if self.rgs_agents.is_empty() {
            return None;
        }
        self.rgs_agents.get(&sip_key(sip))
    }
}

/// The effective policy: the user's own assignment, else the policy of their registrar pool's
/// site, else Global. `what` names the policy kind in findings.
/// The kinds of policy a user is assigned that [`resolve`] looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Conferencing,
    Voice,
}

impl PolicyKind {
    /// As messages name it.
    pub fn what(self) -> &'static str {
        match self {
            PolicyKind::Conferencing => "conferencing policy",
            PolicyKind::Voice => "voice policy",
        }
    }

    /// The finding for a user assigned a policy of this kind the export does not hold.
    fn not_found(self) -> FindingCode {
        match self {
            PolicyKind::Conferencing => FindingCode::ConferencingPolicyNotFound,
            PolicyKind::Voice => FindingCode::VoicePolicyNotFound,
        }
    }
}

pub fn resolve<'a, P: Scoped>(
    table: &'a PolicyTable<P>,
    assigned: &PolicyRef,
    site: &SiteLookup,
    kind: PolicyKind,
) -> Resolution<'a, P> {
    let what = kind.what();
    if let PolicyRef::Named(name) = assigned {
        let scope = if name.eq_ignore_ascii_case("Global") {
            Scope::Global
        } else {
            Scope::Tag(name.clone())
        };
        return match table.get(&scope) {
            Some(p) => Resolution { policy: Some(p), identity: p.scope().identity(), source: PolicySource::User, finding: None },
            None => Resolution {
                policy: None,
                identity: scope.identity(),
                source: PolicySource::User,
                finding: Some(Finding::error(
                    kind.not_found(),
                    format!("assigned {what} '{}' does not exist in the {what} export; the tier it grants cannot be decided", scope.identity()),
                )),
            },
        };
    }
    let mut finding = None;
    match site {
        SiteLookup::Site(Some(site)) => {
            if let Some(p) = table.get(&Scope::Site(site.to_string())) {
                return Resolution {
                    policy: Some(p),
                    identity: p.scope().identity(),
                    source: PolicySource::Site,
                    finding: None,
                };
            }
        }
        SiteLookup::UnknownPool(pool) if table.has_site_policies => {
            finding = Some(Finding::warning(
                FindingCode::PoolNotFound,
                format!("registrar pool '{pool}' is not in the pools export, so its site is unknown; the Global {what} was used"),
            ));
        }
        _ => {}
    }
    let g = table.global();
    Resolution {
        policy: Some(g),
        identity: "Global".into(),
        source: PolicySource::Global,
        finding,
    }
}

/// "conferencing policy" → "ConferencingPolicy", for finding codes.
fn pascal_case(words: &str) -> String {
    words
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
