//! The offline snapshot (issue 12): scripts/Export-LicenseAuditSnapshot.ps1 writes a folder on a
//! Lync / Skype for Business server (Windows PowerShell 2.0 to 5.1, no engine there) that
//! `lync entitlement --estate` and `lync policies --estate` read unchanged elsewhere.
//!
//! No PowerShell runs here, so the folder is proven from both ends: fixtures shaped exactly as
//! the script writes them (fixtures/snapshot/ps51-json: the example estate as Windows PowerShell
//! 5.1's `ConvertTo-Json -Depth 5 -Compress` writes it, one object per line, UTF-8 without BOM,
//! CRLF, `'` as \u0027; fixtures/snapshot/ps2-clixml: as PowerShell 2.0's Export-Clixml writes
//! `New-Object PSObject` records, UTF-16 LE with BOM, a Lync Server 2010 without
//! Get-CsMeetingRoom) must give the example estate's answers; and static checks of the script:
//! its file names are the engine's, it keeps every property the engine reads, its version is
//! the engine's, and it uses nothing PowerShell 2.0 lacks. tests/Snapshot.Tests.ps1 runs the
//! script itself where pwsh is installed.

mod util;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tree_sitter::{Node, Parser, Tree};
use util::{fixture, repo_path, run};

fn script_text() -> String {
    std::fs::read_to_string(repo_path("scripts/Export-LicenseAuditSnapshot.ps1"))
        .expect("scripts/Export-LicenseAuditSnapshot.ps1")
}

fn parse(src: &str) -> Tree {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    p.parse(src, None).expect("tree-sitter returns a tree")
}

fn walk<'a>(node: Node<'a>, f: &mut dyn FnMut(Node<'a>)) {
    f(node);
    let mut c = node.walk();
    for child in node.children(&mut c) {
        walk(child, f);
    }
}

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    &src[node.byte_range()]
}

/// The single-quoted strings in `s`, in order.
fn quoted(s: &str) -> Vec<String> {
    s.split('\'')
        .skip(1)
        .step_by(2)
        .map(|x| x.to_string())
        .collect()
}

/// One `@{ Name = ...; Command = ...; Properties = ... }` entry of the script's $sources.
#[derive(Debug)]
struct Source {
    name: String,
    command: String,
    properties: Vec<String>,
}

fn sources() -> Vec<Source> {
    let src = script_text();
    let tree = parse(&src);
    let mut variables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in src.lines() {
        if let Some(rest) = line.trim().strip_prefix("$deviceProperties = @(") {
            // The list spans lines: up to the closing parenthesis.
            let start = src.find(line).unwrap() + line.len() - rest.len();
            let end = start + src[start..].find(')').unwrap();
            variables.insert("$deviceProperties".into(), quoted(&src[start..end]));
        }
    }
    let mut out = Vec::new();
    walk(tree.root_node(), &mut |n| {
        if n.kind() != "hash_literal_body" {
            return;
        }
        let mut entries = BTreeMap::new();
        let mut c = n.walk();
        for entry in n.children(&mut c).filter(|e| e.kind() == "hash_entry") {
            let mut cc = entry.walk();
            let kids: Vec<Node> = entry.children(&mut cc).collect();
            let key = kids
                .iter()
                .find(|k| k.kind() == "key_expression")
                .map(|k| text(*k, &src).to_string());
            let value = kids
                .iter()
                .find(|k| k.kind() == "pipeline")
                .map(|k| text(*k, &src).to_string());
            if let (Some(k), Some(v)) = (key, value) {
                entries.insert(k, v);
            }
        }
        if let (Some(name), Some(command), Some(properties)) = (
            entries.get("Name"),
            entries.get("Command"),
            entries.get("Properties"),
        ) {
            let properties = match variables.get(properties.trim()) {
                Some(list) => list.clone(),
                None => quoted(properties),
            };
            out.push(Source {
                name: quoted(name).concat(),
                command: quoted(command).concat(),
                properties,
            });
        }
    });
    assert!(
        out.len() >= 8,
        "the script's sources were not found: {out:?}"
    );
    out
}

/// The file names (without extension) the engine's `--estate` looks for: the string literals
/// that are not flags in `entitlement_files` and `policies` of native/src/app/lync.rs.
fn engine_names() -> BTreeSet<String> {
    let src = std::fs::read_to_string(repo_path("native/src/app/lync.rs")).unwrap();
    let mut names = BTreeSet::new();
    for function in ["fn entitlement_files(", "pub fn policies("] {
        let start = src.find(function).unwrap_or_else(|| panic!("{function}"));
        let body = &src[start..start + src[start..].find("\n}\n").unwrap()];
        for literal in body.split('"').skip(1).step_by(2) {
            if !literal.is_empty()
                && !literal.starts_with('-')
                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            {
                names.insert(literal.to_string());
            }
        }
    }
    assert!(names.contains("users") && names.contains("conferencing-policies"));
    names
}

/// `const EXTENSIONS` of native/src/app/estate_dir.rs.
fn engine_extensions() -> Vec<String> {
    let src = std::fs::read_to_string(repo_path("native/src/app/estate_dir.rs")).unwrap();
    let start = src.find("const EXTENSIONS").expect("EXTENSIONS");
    let line = &src[start..start + src[start..].find(';').unwrap()];
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn the_snapshot_writes_the_names_the_engine_reads() {
    let script: BTreeSet<String> = sources().into_iter().map(|s| s.name).collect();
    let engine = engine_names();
    let missing: Vec<_> = engine.difference(&script).collect();
    assert!(
        missing.is_empty(),
        "the engine's --estate reads {missing:?}, which the snapshot does not write"
    );
    // Written for people and for Invoke-LicenseAudit -Audit Usage; --estate ignores them.
    let extra: BTreeSet<String> = script.difference(&engine).cloned().collect();
    assert_eq!(
        extra,
        ["monitoring-databases", "sites"]
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        "files the snapshot writes that --estate does not read"
    );
    let src = script_text();
    let extensions = engine_extensions();
    for ext in ["json", "xml"] {
        assert!(
            src.contains(&format!("$extension = '{ext}'")),
            "the script writes .{ext}"
        );
        assert!(
            extensions.contains(&ext.to_string()),
            "--estate does not look for .{ext}"
        );
    }
    // What -Force removes (and the refusal without it) covers everything --estate would pick.
    let line = src
        .lines()
        .find(|l| l.trim_start().starts_with("$estateExtensions = @("))
        .expect("$estateExtensions");
    assert_eq!(quoted(line), extensions, "$estateExtensions vs estate.rs");
    assert!(src.contains("$ManifestName = 'snapshot-manifest.json'"));
    assert!(!engine.contains("snapshot-manifest"));
    // The fixtures hold exactly what the script writes.
    for (dir, ext, absent) in [
        ("snapshot/ps51-json", "json", None),
        ("snapshot/ps2-clixml", "xml", Some("meeting-rooms")),
    ] {
        let mut expected: BTreeSet<String> = script
            .iter()
            .filter(|n| Some(n.as_str()) != absent)
            .map(|n| format!("{n}.{ext}"))
            .collect();
        expected.insert("snapshot-manifest.json".into());
        let found: BTreeSet<String> = std::fs::read_dir(fixture(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, expected, "{dir}");
    }
}

#[test]
fn the_snapshot_keeps_every_property_the_engine_reads() {
    use license_audit::app::audits::registry;
    use license_audit::model::SchemaKind;
    let schema_of = |name: &str| -> BTreeSet<String> {
        let entry = registry()
            .into_iter()
            .find(|e| e.kind == SchemaKind::Input && e.name == name)
            .unwrap_or_else(|| panic!("input schema {name}"));
        (entry.schema)()["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    let reads: BTreeMap<&str, &str> = [
        ("users", "CsUser"),
        ("conferencing-policies", "CsConferencingPolicy"),
        ("voice-policies", "CsVoicePolicy"),
        ("pools", "CsPool"),
        ("common-area-phones", "CsDevice"),
        ("analog-devices", "CsDevice"),
        ("meeting-rooms", "CsDevice"),
        ("rgs-agent-groups", "CsRgsAgentGroup"),
    ]
    .into_iter()
    .collect();
    let commands: BTreeMap<&str, &str> = [
        ("users", "Get-CsUser"),
        ("conferencing-policies", "Get-CsConferencingPolicy"),
        ("voice-policies", "Get-CsVoicePolicy"),
        ("pools", "Get-CsPool"),
        ("sites", "Get-CsSite"),
        ("common-area-phones", "Get-CsCommonAreaPhone"),
        ("analog-devices", "Get-CsAnalogDevice"),
        ("meeting-rooms", "Get-CsMeetingRoom"),
        ("rgs-agent-groups", "Get-CsRgsAgentGroup"),
        ("monitoring-databases", "Get-CsService"),
    ]
    .into_iter()
    .collect();
    let mut problems = Vec::new();
    for source in sources() {
        if commands.get(source.name.as_str()) != Some(&source.command.as_str()) {
            problems.push(format!("{}: read with {}", source.name, source.command));
        }
        let Some(schema) = reads.get(source.name.as_str()) else {
            continue;
        };
        let kept: BTreeSet<String> = source.properties.iter().cloned().collect();
        for property in schema_of(schema) {
            if !kept.contains(&property) {
                problems.push(format!(
                    "{}: the engine reads {property} ({schema}), the snapshot drops it",
                    source.name
                ));
            }
        }
    }
    // Invoke-LicenseAudit finds the monitoring stores in this file, as Get-LyncCalUsage does
    // with Get-CsService -MonitoringDatabase.
    let monitoring = sources()
        .into_iter()
        .find(|s| s.name == "monitoring-databases")
        .unwrap();
    for p in ["PoolFqdn", "SqlInstanceName"] {
        if !monitoring.properties.iter().any(|x| x == p) {
            problems.push(format!("monitoring-databases: keeps no {p}"));
        }
    }
    assert!(
        script_text().contains("Arguments  = @{ MonitoringDatabase = $true }"),
        "monitoring-databases comes from Get-CsService -MonitoringDatabase"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_snapshot_script_is_the_engines_version() {
    let src = script_text();
    let line = src
        .lines()
        .find(|l| l.starts_with("$ToolVersion = '"))
        .expect("$ToolVersion");
    assert_eq!(
        quoted(line).concat(),
        env!("CARGO_PKG_VERSION"),
        "scripts/Export-LicenseAuditSnapshot.ps1 $ToolVersion"
    );
}

/// The script's code without its comments (help included), for the PowerShell 2.0 checks.
fn code_without_comments(src: &str) -> String {
    let tree = parse(src);
    let mut code = src.to_string();
    let mut ranges = Vec::new();
    walk(tree.root_node(), &mut |n| {
        if n.kind() == "comment" {
            ranges.push(n.byte_range());
        }
    });
    for r in ranges.into_iter().rev() {
        let blank: String = src[r.clone()]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        code.replace_range(r, &blank);
    }
    code
}

#[test]
fn the_snapshot_script_uses_nothing_powershell_2_lacks() {
    let src = script_text();
    assert!(
        !parse(&src).root_node().has_error(),
        "the script does not parse"
    );
    assert!(
        src.starts_with("#Requires -Version 2.0"),
        "#Requires -Version 2.0 first"
    );
    let code = code_without_comments(&src);
    let lower = code.to_ascii_lowercase();
    // PowerShell 3.0+ syntax and cmdlets, and .NET 4 APIs (PowerShell 2.0 runs on CLR 2).
    let forbidden = [
        ("[ordered]", "[ordered] (3.0)"),
        (
            "[pscustomobject]",
            "[pscustomobject] (3.0): New-Object PSObject + Add-Member",
        ),
        ("::new(", "::new() (5.0): New-Object"),
        (".foreach(", ".ForEach() (4.0)"),
        (".where(", ".Where() (4.0)"),
        ("$psitem", "$PSItem (3.0): $_"),
        (" -in ", "-in (3.0): -contains"),
        (" -notin ", "-notin (3.0)"),
        ("-shl", "-shl (3.0)"),
        ("-shr", "-shr (3.0)"),
        ("$psscriptroot", "$PSScriptRoot outside modules (3.0)"),
        ("$pscommandpath", "$PSCommandPath (3.0)"),
        ("$using:", "$using: (3.0)"),
        ("-notepropertyname", "Add-Member -NotePropertyName (3.0)"),
        (
            "-notepropertymembers",
            "Add-Member -NotePropertyMembers (3.0)",
        ),
        ("-nonewline", "-NoNewline (5.0)"),
        ("utf8nobom", "utf8NoBOM (6.0)"),
        (
            "import-powershelldatafile",
            "Import-PowerShellDataFile (5.0)",
        ),
        ("convertfrom-json", "ConvertFrom-Json (3.0)"),
        ("get-ciminstance", "Get-CimInstance (3.0)"),
        ("invoke-restmethod", "Invoke-RestMethod (3.0)"),
        ("-erroraction ignore", "-ErrorAction Ignore (3.0)"),
        ("-pipelinevariable", "-PipelineVariable (4.0)"),
        ("using namespace", "using namespace (5.0)"),
        ("isnullorwhitespace", "String.IsNullOrWhiteSpace (.NET 4)"),
        (".readlines(", "File.ReadLines (.NET 4)"),
        ("hasflag(", "Enum.HasFlag (.NET 4)"),
        (
            "is64bitoperatingsystem",
            "Environment.Is64BitOperatingSystem (.NET 4)",
        ),
        ("system.threading.tasks", "Tasks (.NET 4)"),
        ("system.tuple", "Tuple (.NET 4)"),
        (
            "-additionalchildpath",
            "Join-Path -AdditionalChildPath (6.0)",
        ),
    ];
    let mut problems = Vec::new();
    for (i, line) in lower.lines().enumerate() {
        for (needle, why) in forbidden {
            if line.contains(needle) {
                problems.push(format!("line {}: {why}", i + 1));
            }
        }
        for keyword in ["class ", "enum "] {
            if line.trim_start().starts_with(keyword) {
                problems.push(format!("line {}: {keyword}(5.0)", i + 1));
            }
        }
    }
    // Attribute arguments need `= $true` on 2.0 ([Parameter(Mandatory)] is 3.0).
    let tree = parse(&code);
    walk(tree.root_node(), &mut |n| {
        if n.kind() != "attribute" {
            return;
        }
        let t = text(n, &code);
        let Some(open) = t.find('(') else { return };
        let name = t[1..open].trim().to_ascii_lowercase();
        if name != "parameter" && name != "cmdletbinding" {
            return;
        }
        let inner = &t[open + 1..t.rfind(')').unwrap_or(t.len())];
        for argument in inner.split(',') {
            if !argument.trim().is_empty() && !argument.contains('=') {
                problems.push(format!(
                    "line {}: {} (needs `= $true` on PowerShell 2.0)",
                    n.start_position().row + 1,
                    t
                ));
            }
        }
    });
    // Where-Object / ForEach-Object take a script block on 2.0 (`Where-Object Name -eq x` is 3.0).
    walk(tree.root_node(), &mut |n| {
        if n.kind() != "command" {
            return;
        }
        let Some(name) = n.child_by_field_name("command_name") else {
            return;
        };
        let name = text(name, &code).to_ascii_lowercase();
        if ![
            "where-object",
            "foreach-object",
            "?",
            "%",
            "where",
            "foreach",
        ]
        .contains(&name.as_str())
        {
            return;
        }
        let elements = n
            .child_by_field_name("command_elements")
            .map(|e| text(e, &code).trim().to_string())
            .unwrap_or_default();
        if !elements.starts_with('{') {
            problems.push(format!(
                "line {}: {name} {elements} (the property form is PowerShell 3.0)",
                n.start_position().row + 1
            ));
        }
    });
    // ConvertTo-Json does not exist on 2.0: JSON only when it does.
    assert!(
        code.contains("$jsonAvailable = [bool](Get-Command -Name ConvertTo-Json -ErrorAction SilentlyContinue)")
            && code.contains("if ($jsonAvailable) { $Format = 'Json' } else { $Format = 'Clixml' }"),
        "the format falls back to Clixml where ConvertTo-Json is missing"
    );
    // Export-Clixml has no -LiteralPath on 2.0.
    assert!(code.contains(".Parameters.ContainsKey('LiteralPath')"));
    // The module's own helpers and the engine are not there.
    for needle in [
        "New-LicenseAuditErrorRecord",
        "license-audit",
        "Invoke-LicenseAuditNative",
        "LicenseAudit.Native",
    ] {
        if code.contains(needle) {
            problems.push(format!(
                "uses {needle}: the script runs without the module and the engine"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_module_ships_and_runs_the_snapshot_script() {
    let package = std::fs::read_to_string(repo_path("scripts/package")).unwrap();
    assert!(
        package.contains("cp scripts/Export-LicenseAuditSnapshot.ps1 \"$DEST/scripts/\""),
        "scripts/package copies the snapshot script"
    );
    let manifest = std::fs::read_to_string(repo_path("LicenseAudit.psd1")).unwrap();
    assert!(manifest.contains("'scripts/Export-LicenseAuditSnapshot.ps1'"));
    let cmdlet =
        std::fs::read_to_string(repo_path("Public/Export-LicenseAuditSnapshot.ps1")).unwrap();
    assert!(cmdlet.contains("'scripts') 'Export-LicenseAuditSnapshot.ps1'"));
    assert!(cmdlet.contains("& $snapshotScript @PSBoundParameters"));
    // The cmdlet's parameters are the script's.
    // The cmdlet's own (inside its one function) and the script's (outside any function).
    let params = |src: &str, functions: usize| -> BTreeSet<String> {
        let tree = parse(src);
        let mut out = BTreeSet::new();
        walk(tree.root_node(), &mut |n| {
            let mut depth = 0;
            let mut up = n.parent();
            while let Some(p) = up {
                depth += usize::from(p.kind() == "function_statement");
                up = p.parent();
            }
            if n.kind() == "script_parameter" && depth == functions {
                let t = text(n, src);
                if let Some(v) = t.rsplit('$').next() {
                    out.insert(
                        v.chars()
                            .take_while(|c| c.is_alphanumeric())
                            .collect::<String>(),
                    );
                }
            }
        });
        out
    };
    let script = params(&script_text(), 0);
    assert_eq!(script.len(), 3, "{script:?}");
    assert_eq!(params(&cmdlet, 1), script);
}

// ---- The round trip: what the snapshot writes, read by the engine. ----

fn entitlement(estate: &str) -> (Vec<Value>, Value) {
    let r = run(&[
        "lync",
        "entitlement",
        "--estate",
        estate,
        "--summary",
        "--format",
        "ndjson",
    ]);
    assert_eq!(
        r.code, 0,
        "lync entitlement --estate {estate}: {}",
        r.stderr
    );
    assert!(r.stderr.trim().is_empty(), "{estate}: {}", r.stderr);
    let summary = r.records_of("LyncCalSummary");
    assert_eq!(summary.len(), 1);
    (r.records_of("LyncUserCal"), summary[0].clone())
}

/// What an entitlement record says, without anything that names a file.
fn answer(r: &Value) -> Value {
    let mut r = r.clone();
    if let Some(o) = r.as_object_mut() {
        o.retain(|k, _| {
            [
                "SipAddress",
                "DisplayName",
                "Identity",
                "Kind",
                "Enabled",
                "Standard",
                "Enterprise",
                "Plus",
                "ConferencingPolicy",
                "VoicePolicy",
                "Reasons",
                "Rules",
            ]
            .contains(&k.as_str())
        });
    }
    r
}

fn by_sip(records: &[Value]) -> BTreeMap<String, Value> {
    records
        .iter()
        .map(|r| (r["SipAddress"].as_str().unwrap().to_string(), answer(r)))
        .collect()
}

#[test]
fn a_windows_powershell_51_snapshot_gives_the_example_estates_answers() {
    let (expected, expected_summary) = entitlement(&repo_path("examples/contoso"));
    let (got, summary) = entitlement(&fixture("snapshot/ps51-json"));
    assert_eq!(by_sip(&got), by_sip(&expected));
    assert_eq!(summary, expected_summary);
    assert_eq!(summary["Total"], 15);
    // Zoë O'Brien: non-ASCII raw, the apostrophe as 5.1 escapes it (\u0027).
    let users = std::fs::read_to_string(fixture("snapshot/ps51-json/users.json")).unwrap();
    assert!(users.contains("Zoë O\\u0027Brien") && users.contains("\r\n"));
    assert!(!users.starts_with('\u{feff}'), "UTF-8 without BOM");
    assert!(got
        .iter()
        .any(|r| r["DisplayName"] == "Zoë O'Brien" && r["Enterprise"] == true));
}

#[test]
fn a_powershell_20_clixml_snapshot_gives_the_example_estates_answers_without_meeting_rooms() {
    // Lync Server 2010 has no Get-CsMeetingRoom: no meeting-rooms file, no meeting room.
    let (expected, _) = entitlement(&repo_path("examples/contoso"));
    let expected: Vec<Value> = expected
        .into_iter()
        .filter(|r| r["Kind"] != "MeetingRoom")
        .collect();
    let (got, summary) = entitlement(&fixture("snapshot/ps2-clixml"));
    assert_eq!(by_sip(&got), by_sip(&expected));
    assert_eq!(summary["Total"], 14);
    let rooms = summary["ByKind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["Kind"] == "MeetingRoom")
        .unwrap();
    assert_eq!(rooms["Total"], 0);
    let bytes = std::fs::read(fixture("snapshot/ps2-clixml/users.xml")).unwrap();
    assert_eq!(
        &bytes[..2],
        &[0xFF, 0xFE],
        "Export-Clixml's UTF-16 LE with BOM"
    );
}

#[test]
fn lync_policies_reads_both_snapshots_like_the_example_estate() {
    let policies = |estate: &str| -> BTreeMap<String, Value> {
        let r = run(&["lync", "policies", "--estate", estate, "--format", "ndjson"]);
        assert_eq!(r.code, 0, "{estate}: {}", r.stderr);
        r.records_of("LyncPolicyAudit")
            .into_iter()
            .map(|p| {
                let codes: Vec<Value> = p["Findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["Code"].clone())
                    .collect();
                (
                    p["Identity"].as_str().unwrap().to_string(),
                    serde_json::json!([
                        p["ImpliedCal"],
                        p["AssignedUsers"],
                        p["EnterpriseFeatures"],
                        codes
                    ]),
                )
            })
            .collect()
    };
    let expected = policies(&repo_path("examples/contoso"));
    assert!(expected.len() >= 5);
    assert_eq!(policies(&fixture("snapshot/ps51-json")), expected);
    assert_eq!(policies(&fixture("snapshot/ps2-clixml")), expected);
}

#[test]
fn the_manifest_says_what_the_files_hold() {
    for (dir, format, powershell) in [
        ("snapshot/ps51-json", "Json", "5.1"),
        ("snapshot/ps2-clixml", "Clixml", "2.0"),
    ] {
        let folder = PathBuf::from(fixture(dir));
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(folder.join("snapshot-manifest.json")).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{dir}: the manifest is not JSON: {e}"));
        assert_eq!(manifest["RecordType"], "LicenseAuditSnapshot");
        assert_eq!(manifest["SnapshotVersion"], 1);
        assert_eq!(manifest["ToolVersion"], env!("CARGO_PKG_VERSION"));
        assert_eq!(manifest["Format"], format);
        assert_eq!(manifest["Complete"], true);
        assert!(manifest["PowerShellVersion"]
            .as_str()
            .unwrap()
            .starts_with(powershell));
        let names: Vec<String> = sources().into_iter().map(|s| s.name).collect();
        let files = manifest["Files"].as_array().unwrap();
        assert_eq!(
            files
                .iter()
                .map(|f| f["Name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>(),
            names,
            "{dir}: one entry per source, in the script's order"
        );
        for f in files {
            match f["File"].as_str() {
                Some(file) => {
                    assert_eq!(f["Status"], "Written");
                    let r = run(&[
                        "inspect",
                        &folder.join(file).to_string_lossy(),
                        "--format",
                        "ndjson",
                    ]);
                    assert_eq!(r.code, 0, "{dir}/{file}: {}", r.stderr);
                    let inspection = &r.records()[0];
                    assert_eq!(inspection["Records"], f["Count"], "{dir}/{file}");
                    assert_eq!(inspection["BadRecords"], 0, "{dir}/{file}");
                }
                None => {
                    assert_eq!(f["Status"], "NotAvailable");
                    let stem = f["Name"].as_str().unwrap();
                    assert!(!Path::new(&folder).join(format!("{stem}.xml")).exists());
                }
            }
        }
    }
}

/// The keys of one compressed JSON object line, in order (the fixtures' values hold no `":`).
fn keys_in_order(line: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let bytes: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if (bytes[i] == '{' || bytes[i] == ',') && bytes.get(i + 1) == Some(&'"') {
            let start = i + 2;
            if let Some(len) = bytes[start..].iter().position(|c| *c == '"') {
                if bytes.get(start + len + 1) == Some(&':') {
                    keys.push(bytes[start..start + len].iter().collect());
                }
            }
        }
        i += 1;
    }
    keys
}

#[test]
fn the_fixtures_are_shaped_as_the_script_writes() {
    // Records: the script's properties, in the script's order (those an object lacks left out).
    for source in sources() {
        let path = PathBuf::from(fixture(&format!("snapshot/ps51-json/{}.json", source.name)));
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|l| l.starts_with('{')) {
            let keys = keys_in_order(line);
            let mut expected = source.properties.iter();
            for key in &keys {
                assert!(
                    expected.any(|p| p == key),
                    "{}: {key} is not in the script's list, or out of its order: {keys:?}",
                    source.name
                );
            }
        }
    }
    // The manifest: the fields the script writes, in its order, and the same per file.
    let src = script_text();
    let start = src.find("$fields = @(").expect("$fields");
    let block = &src[start..start + src[start..].find("\n)\n").unwrap()];
    let fields: Vec<String> = block
        .lines()
        .skip(1)
        .filter_map(|l| quoted(l).into_iter().next())
        .collect();
    assert!(fields.contains(&"CreatedUtc".to_string()) && fields.contains(&"Complete".to_string()));
    let entry_line = src
        .lines()
        .find(|l| l.contains("foreach ($name in @('Name', 'File'"))
        .expect("the manifest's file entries");
    let entry: Vec<String> = quoted(&entry_line[..entry_line.find("))").unwrap()]);
    for dir in ["snapshot/ps51-json", "snapshot/ps2-clixml"] {
        let text =
            std::fs::read_to_string(fixture(&format!("{dir}/snapshot-manifest.json"))).unwrap();
        let top: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .map(|l| {
                l.trim()
                    .trim_start_matches('"')
                    .split('"')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let mut expected = fields.clone();
        expected.push("Files".into());
        assert_eq!(top, expected, "{dir}: the manifest's fields");
        for line in text
            .lines()
            .filter(|l| l.trim_start().starts_with("{\"Name\""))
        {
            let keys: Vec<String> = line
                .split("\": ")
                .filter_map(|part| part.rsplit('"').next())
                .map(String::from)
                .filter(|k| !k.is_empty())
                .collect();
            assert_eq!(&keys[..entry.len()], &entry[..], "{dir}: {line}");
        }
    }
    // What Invoke-LicenseAudit reads of it is written.
    let invoke = std::fs::read_to_string(repo_path("Public/Invoke-LicenseAudit.ps1")).unwrap();
    for field in ["CreatedUtc", "Complete", "Files"] {
        assert!(invoke.contains(&format!("Properties['{field}']")));
    }
    for field in ["Status", "Name", "Command", "Message"] {
        assert!(entry.contains(&field.to_string()));
    }
}
