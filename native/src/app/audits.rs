//! The list of commands, one line each: its words, what it does, its arguments and the mapping
//! that runs it, the record types it reads and writes, and an example run on the bundled
//! examples. The command line, dispatch, the schema registry and the tests that keep
//! `schema --list`, docs/contract.md and the table views true all iterate [`AUDITS`], so adding a
//! command is one line here (its folder, args struct and mapping file aside).

use super::cli::{self, Cli};
use super::exit::AppError;
use super::session::Session;
use super::{history, inspect, lync, rightsize, schema, teams, ual, uc, workbook};
use crate::model::SchemaEntry;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches};

/// One command of the binary.
pub struct Audit {
    /// The words that name it on the command line: `["uc", "count"]`. A first word shared with
    /// other commands is a group of [`GROUPS`]; its section in docs/contract.md is the `###`
    /// heading that ends with the words in backquotes.
    pub command: &'static [&'static str],
    /// The one line `--help` shows for it.
    pub about: &'static str,
    /// Its arguments and the mapping that runs it (args → the audit's options).
    pub mapping: &'static dyn Mapping,
    /// The record types its audit domain reads and writes (`schema` lists their union).
    pub schemas: fn() -> Vec<SchemaEntry>,
    /// The record types its example writes (`RecordType`), as `schema --list` names them; none
    /// for a command that writes text.
    pub records: &'static [&'static str],
    /// A run on the bundled examples that writes every type of `records`, with paths relative to
    /// the repository root (`native/tests/record_types.rs` runs it). `{temp}` stands for an empty
    /// temporary folder, `{runs}` for a folder of runs kept with `--history`, and `{server}` for
    /// the TDS test server on the LcsCDR fixture (login `audit`, password `S3cret!pass`).
    pub example: &'static [&'static str],
}

/// A group of commands that share their first word (`lync entitlement`, `lync plan`, …).
pub struct Group {
    pub word: &'static str,
    pub about: &'static str,
}

/// A command's clap arguments and the app function that runs it with them parsed.
pub trait Mapping: Sync {
    /// Adds the command's arguments to its (empty) clap command.
    fn args(&self, command: clap::Command) -> clap::Command;
    /// Parses the arguments clap matched and runs the command.
    fn run(&self, session: &mut Session, matches: &ArgMatches) -> Result<(), AppError>;
}

/// The mapping of a command whose arguments are the clap `Args` struct `A`: one type names both
/// what clap parses and what the function takes, so the two cannot disagree.
pub struct Maps<A>(pub fn(&mut Session, &A) -> Result<(), AppError>);

impl<A: Args + FromArgMatches> Mapping for Maps<A> {
    fn args(&self, command: clap::Command) -> clap::Command {
        A::augment_args(command)
    }

    fn run(&self, session: &mut Session, matches: &ArgMatches) -> Result<(), AppError> {
        // clap matched these arguments against A's own definition; a failure is a bug.
        let args = A::from_arg_matches(matches).map_err(|e| AppError::Arguments(e.to_string()))?;
        (self.0)(session, &args)
    }
}

pub static GROUPS: &[Group] = &[
    Group {
        word: "lync",
        about: "Lync / Skype for Business Server CAL audits",
    },
    Group {
        word: "ual",
        about: "Windows Server / SQL Server / RDS CAL compliance from User Access Logging",
    },
    Group {
        word: "uc",
        about: "UC licence counting for Teams and Cisco estates (VOSS-style)",
    },
    Group {
        word: "teams",
        about: "Teams licence ↔ configuration audits",
    },
];

/// Every command, in the order `--help` lists them.
pub static AUDITS: &[Audit] = &[
    Audit {
        command: &["schema"],
        about: "JSON Schema (draft 2020-12) of the records this binary reads and writes",
        mapping: &Maps(|s, a: &cli::SchemaArgs| schema::run(s, a, registry())),
        schemas: Vec::new,
        records: &[],
        example: &["schema", "--list"],
    },
    Audit {
        command: &["inspect"],
        about: "Show what the reader detects in an input file (encoding, dialect, records, properties) and which records an audit will refuse",
        mapping: &Maps(inspect::run),
        schemas: crate::inspect::schemas,
        records: &["InputInspection"],
        example: &["inspect", "examples/ual/licenses.csv"],
    },
    Audit {
        command: &["lync", "entitlement"],
        about: "The CALs (Standard / Enterprise / Plus) each user and device is configured to need, and why",
        mapping: &Maps(lync::entitlement),
        schemas: crate::lync::schemas,
        records: &["LyncUserCal", "LyncCalSummary", "LyncCalPosition"],
        example: &[
            "lync", "entitlement", "--estate", "examples/contoso", "--summary",
            "--owned-file", "examples/contoso/owned-cals.csv",
        ],
    },
    Audit {
        command: &["lync", "policies"],
        about: "Audit the conferencing policies: implied tier, Enterprise features, users, misconfigurations",
        mapping: &Maps(lync::policies),
        schemas: crate::lync::schemas,
        records: &["LyncPolicyAudit"],
        example: &["lync", "policies", "--estate", "examples/contoso"],
    },
    Audit {
        command: &["lync", "plan"],
        about: "Policy changes that bring each user's conferencing capability in line with their licence",
        mapping: &Maps(lync::plan),
        schemas: crate::lync::schemas,
        records: &["LyncPolicyChange"],
        example: &[
            "lync", "plan", "--estate", "examples/contoso",
            "--licensed", "examples/contoso/licensed.csv", "--default-tier", "standard",
            "--tier-policy", "Standard=Tag:STD_CAL_NoConferencing",
            "--tier-policy", "Enterprise=Tag:ENT_CAL_REC_AudioVideo", "--all",
        ],
    },
    Audit {
        command: &["lync", "template"],
        about: "The five-policy CAL scheme (STD_CAL_NoConferencing, ENT_CAL_…) as New-CsConferencingPolicy parameters",
        mapping: &Maps(lync::template),
        schemas: crate::lync::schemas,
        records: &["LyncPolicyTemplate"],
        example: &["lync", "template"],
    },
    Audit {
        command: &["lync", "usage"],
        about: "What each user and device actually used, from the LcsCDR monitoring database (MAP parity)",
        mapping: &Maps(lync::usage),
        schemas: crate::lync::usage::schemas,
        records: &["LyncUserUsage", "LyncDeviceUsage", "LyncUsageCoverage"],
        example: &["lync", "usage", "--server", "{server}", "--user", "audit", "--encrypt", "off"],
    },
    Audit {
        command: &["lync", "usage-queries"],
        about: "Print the exact SQL `lync usage` runs, for a DBA to review",
        mapping: &Maps(|s, a: &cli::UsageQueriesArgs| lync::usage_queries(s, a.lync2010)),
        schemas: Vec::new,
        records: &[],
        example: &["lync", "usage-queries"],
    },
    Audit {
        command: &["lync", "rightsize"],
        about: "Configured vs used vs licensed per user: what to drop, where you are exposed",
        mapping: &Maps(rightsize::rightsize),
        schemas: crate::rightsize::schemas,
        records: &["LyncCalRightSizing", "LyncCalRightSizingSummary"],
        example: &[
            "lync", "rightsize",
            "--configured", "examples/records/lync-entitlement.ndjson",
            "--usage", "examples/rightsizing/usage.ndjson",
            "--licensed", "examples/rightsizing/licensed.csv",
            "--prices", "examples/rightsizing/prices.csv", "--summary",
        ],
    },
    Audit {
        command: &["ual", "compliance"],
        about: "CAL consumption and compliance from UAL (and FlexNet spreadsheet) access evidence",
        mapping: &Maps(ual::compliance),
        schemas: crate::ual::schemas,
        records: &[
            "UnrecognizedEvidence", "CalConsumption", "CalCompliance", "CalLicenseUse",
            "UalEvidenceSummary", "UalEvidence",
        ],
        example: &[
            "ual", "compliance", "--evidence", "examples/ual/ual-user-access.json",
            "examples/ual/ual-device-access.json", "examples/ual/flexnet-evidence.csv",
            "--systems", "examples/ual/ual-system-id.json",
            "--licenses", "examples/ual/licenses.csv", "--emit-evidence",
        ],
    },
    Audit {
        command: &["report"],
        about: "An Excel workbook (MAP-style) from the record files the audits write; --output FILE.xlsx",
        mapping: &Maps(workbook::report),
        schemas: crate::workbook::schemas,
        records: &["ReportSheet"],
        example: &[
            "report", "examples/records/lync-entitlement.ndjson",
            "examples/records/ual-compliance.ndjson", "--output", "{temp}/audit.xlsx",
        ],
    },
    Audit {
        command: &["history"],
        about: "How the totals kept with --history moved from run to run",
        mapping: &Maps(history::history),
        schemas: crate::history::schemas,
        records: &["LicenseAuditTrend"],
        example: &["history", "{runs}", "--all"],
    },
    Audit {
        command: &["uc", "count"],
        about: "Licensed users, hybrid users, standalone devices, meeting rooms and sites per customer, from a user directory and UC service exports",
        mapping: &Maps(uc::count),
        schemas: crate::uc::schemas,
        records: &["UcUserLicense", "UcDevice", "UcMeetingRoom", "UcOrphanService", "UcLicenseTotal"],
        example: &["uc", "count", "--estate", "examples/uc"],
    },
    Audit {
        command: &["teams", "assignments"],
        about: "Licences paid for but unusable as configured (waste), voice configured without a licence (broken), voice on a licence in grace (risk); then a summary with reclaimable plans",
        mapping: &Maps(teams::assignments),
        schemas: crate::teams::schemas,
        records: &["TeamsAssignmentFinding", "TeamsAssignmentSummary"],
        example: &["teams", "assignments", "--estate", "examples/teams"],
    },
];

/// The whole command line: the global options of [`Cli`], then every command of [`AUDITS`],
/// grouped under [`GROUPS`] by first word.
pub fn command() -> clap::Command {
    // As clap's derive does for a required subcommand.
    let mut cli = Cli::command()
        .subcommand_required(true)
        .arg_required_else_help(true);
    for audit in AUDITS {
        let (name, in_group) = audit.command.split_last().expect("a command has words");
        let leaf = audit
            .mapping
            .args(clap::Command::new(*name))
            .about(audit.about);
        cli = match in_group {
            [] => cli.subcommand(leaf),
            [word] => {
                if cli.find_subcommand(word).is_none() {
                    cli = cli.subcommand(group(word));
                }
                cli.mut_subcommand(word, |g| g.subcommand(leaf))
            }
            _ => unreachable!("commands are one or two words: {:?}", audit.command),
        };
    }
    cli
}

/// The empty group command for a first word, with its help line from [`GROUPS`].
fn group(word: &'static str) -> clap::Command {
    let about = GROUPS
        .iter()
        .find(|g| g.word == word)
        .unwrap_or_else(|| panic!("no entry in GROUPS for '{word}'"))
        .about;
    clap::Command::new(word)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .about(about)
}

/// The subcommand words clap matched ("lync entitlement") and the matches of the last one.
pub fn matched_words(matches: &ArgMatches) -> (Vec<&str>, &ArgMatches) {
    let mut words = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        words.push(name);
        m = sub;
    }
    (words, m)
}

/// The command these words name.
pub fn find(words: &[&str]) -> Option<&'static Audit> {
    AUDITS.iter().find(|a| a.command == words)
}

/// Runs the command clap matched.
pub fn dispatch(session: &mut Session, matches: &ArgMatches) -> Result<(), AppError> {
    let (words, args) = matched_words(matches);
    let audit = find(&words).expect("clap matched only commands of the list");
    audit.mapping.run(session, args)
}

/// Every record type the binary reads or writes: the union of each command's, by name.
pub fn registry() -> Vec<SchemaEntry> {
    schema::union(AUDITS.iter().flat_map(|a| (a.schemas)()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SchemaKind;
    use std::collections::BTreeMap;

    #[test]
    fn every_command_is_found_by_its_words_and_named_once() {
        for audit in AUDITS {
            let found = find(audit.command).expect("found");
            assert!(
                std::ptr::eq(found, audit),
                "{:?} is named twice",
                audit.command
            );
        }
        assert!(find(&["lync"]).is_none(), "a group is not a command");
        assert!(find(&["nonesuch"]).is_none());
    }

    #[test]
    fn the_command_line_has_one_subcommand_per_entry_under_its_group() {
        let cli = command();
        for audit in AUDITS {
            let mut c = &cli;
            for word in audit.command {
                c = c
                    .find_subcommand(word)
                    .unwrap_or_else(|| panic!("{:?} not on the command line", audit.command));
            }
            assert_eq!(
                c.get_about().map(|a| a.to_string()).as_deref(),
                Some(audit.about)
            );
        }
        let groups: Vec<&str> = cli
            .get_subcommands()
            .filter(|c| c.has_subcommands())
            .map(|c| c.get_name())
            .collect();
        assert_eq!(groups, ["lync", "ual", "uc", "teams"]);
        for g in GROUPS {
            assert!(groups.contains(&g.word), "group {} has no command", g.word);
        }
    }

    #[test]
    fn the_matched_words_lead_to_the_command_and_its_arguments() {
        let m = command()
            .try_get_matches_from(["license-audit", "lync", "usage-queries", "--lync2010"])
            .expect("parses");
        let (words, args) = matched_words(&m);
        assert_eq!(words, ["lync", "usage-queries"]);
        assert!(args.get_flag("lync2010"));
        let m = command()
            .try_get_matches_from(["license-audit", "schema", "--list"])
            .expect("parses");
        assert_eq!(matched_words(&m).0, ["schema"]);
    }

    #[test]
    fn declared_records_are_output_types_of_the_commands_own_schemas() {
        for audit in AUDITS {
            let own = (audit.schemas)();
            for r in audit.records {
                assert!(
                    own.iter()
                        .any(|e| e.name == *r && e.kind == SchemaKind::Output),
                    "{:?} writes {r}, which its schemas() do not list as output",
                    audit.command
                );
            }
        }
    }

    #[test]
    fn the_registry_holds_each_record_type_once_and_shared_names_agree() {
        let mut seen: BTreeMap<&str, (SchemaKind, &str, serde_json::Value)> = BTreeMap::new();
        for e in AUDITS.iter().flat_map(|a| (a.schemas)()) {
            let this = (e.kind, e.description, (e.schema)());
            if let Some(earlier) = seen.get(e.name) {
                assert_eq!(earlier, &this, "two record types named {}", e.name);
            }
            seen.insert(e.name, this);
        }
        let names: Vec<&str> = registry().iter().map(|e| e.name).collect();
        assert_eq!(names, seen.keys().copied().collect::<Vec<_>>());
    }

    /// Every input `inspect --for` checks names a command and option that exist, and no two
    /// inputs share a name (the table lives in `inspect.rs`; the command line is built here).
    #[test]
    fn each_inspect_input_is_read_by_an_option_that_exists() {
        use clap::ValueEnum;
        let cli = command();
        let mut names = std::collections::BTreeSet::new();
        for arg in cli::AuditInputArg::value_variants() {
            let input = inspect::audit_input(*arg);
            assert!(names.insert(input.name.clone()), "{} twice", input.name);
            let words: Vec<&str> = input.read_by.split(' ').collect();
            let [group, command, option] = words[..] else {
                panic!(
                    "{}: '{}' is not COMMAND SUBCOMMAND --OPTION",
                    input.name, input.read_by
                );
            };
            let sub = cli
                .find_subcommand(group)
                .and_then(|g| g.find_subcommand(command))
                .unwrap_or_else(|| panic!("{}: no command {group} {command}", input.name));
            let long = option.trim_start_matches("--");
            assert!(
                sub.get_arguments().any(|a| a.get_long() == Some(long)),
                "{}: {group} {command} has no {option}",
                input.name
            );
        }
    }
}
