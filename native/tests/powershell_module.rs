//! Static checks of the PowerShell module against the binary, for hosts without pwsh: every
//! .ps1/.psm1/.psd1 parses (tree-sitter-powershell, no ERROR nodes: `??`, `?.`, ternaries and
//! `clean {}` do not parse on 5.1 and are ERROR nodes here too); every exported function has
//! its Public/<Name>.ps1 with complete comment-based help; every --flag a cmdlet passes exists in
//! the CLI under the subcommand it calls; and the rules issue 9 found broken on real hosts
//! (cleanup that a stopping pipeline skips, engines started in begin{}, culture-dependent dates,
//! double -Confirm prompts, throw 'text', record shapes that drift from the engine's schemas).

use license_audit::app::audits;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tree_sitter::{Node, Parser, Tree};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
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

fn string_value(node: Node, src: &str) -> String {
    let t = text(node, src);
    t.trim_matches(|c| c == '\'' || c == '"').to_string()
}

fn strings_under(node: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(node, &mut |n| {
        if n.kind() == "string_literal" {
            out.push(string_value(n, src));
        }
    });
    out
}

fn powershell_files() -> Vec<PathBuf> {
    fn visit(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                if !matches!(name.as_str(), "target" | ".git" | "native" | "bench-data") {
                    visit(&p, out);
                }
            } else if [".ps1", ".psm1", ".psd1"].iter().any(|e| name.ends_with(e)) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    visit(&repo(), &mut out);
    out.sort();
    out
}

fn read(p: &Path) -> String {
    let s = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    s.trim_start_matches('\u{feff}').to_string()
}

#[test]
fn every_powershell_file_parses_without_errors() {
    let files = powershell_files();
    assert!(
        files.len() >= 5,
        "expected the module's files, found {files:?}"
    );
    let mut failures = Vec::new();
    for f in &files {
        let src = read(f);
        let tree = parse(&src);
        if tree.root_node().has_error() {
            let mut first = None;
            walk(tree.root_node(), &mut |n| {
                if first.is_none() && (n.is_error() || n.is_missing()) {
                    first = Some(n.start_position());
                }
            });
            failures.push(format!("{} near {:?}", f.display(), first));
        }
    }
    assert!(
        failures.is_empty(),
        "parse errors:\n{}",
        failures.join("\n")
    );
}

fn manifest_entry(src: &str, tree: &Tree, key: &str) -> Vec<String> {
    let mut values = Vec::new();
    walk(tree.root_node(), &mut |n| {
        if n.kind() == "hash_entry" {
            let k = n
                .child(0)
                .map(|k| text(k, src).trim().to_string())
                .unwrap_or_default();
            if k.eq_ignore_ascii_case(key) {
                values.extend(strings_under(n, src));
            }
        }
    });
    values
}

const APPROVED_VERBS: &[&str] = &[
    "Add",
    "Clear",
    "Close",
    "Copy",
    "Enter",
    "Exit",
    "Find",
    "Format",
    "Get",
    "Hide",
    "Join",
    "Lock",
    "Move",
    "New",
    "Open",
    "Optimize",
    "Pop",
    "Push",
    "Redo",
    "Remove",
    "Rename",
    "Reset",
    "Resize",
    "Search",
    "Select",
    "Set",
    "Show",
    "Skip",
    "Split",
    "Step",
    "Switch",
    "Undo",
    "Unlock",
    "Watch",
    "Connect",
    "Disconnect",
    "Read",
    "Receive",
    "Send",
    "Write",
    "Backup",
    "Checkpoint",
    "Compare",
    "Compress",
    "Convert",
    "ConvertFrom",
    "ConvertTo",
    "Dismount",
    "Edit",
    "Expand",
    "Export",
    "Group",
    "Import",
    "Initialize",
    "Limit",
    "Merge",
    "Mount",
    "Out",
    "Publish",
    "Restore",
    "Save",
    "Sync",
    "Unpublish",
    "Update",
    "Approve",
    "Assert",
    "Build",
    "Complete",
    "Confirm",
    "Deny",
    "Deploy",
    "Disable",
    "Enable",
    "Install",
    "Invoke",
    "Register",
    "Request",
    "Restart",
    "Resume",
    "Start",
    "Stop",
    "Submit",
    "Suspend",
    "Uninstall",
    "Unregister",
    "Wait",
    "Debug",
    "Measure",
    "Ping",
    "Repair",
    "Resolve",
    "Test",
    "Trace",
    "Block",
    "Grant",
    "Protect",
    "Revoke",
    "Unblock",
    "Unprotect",
    "Use",
];

#[test]
fn exported_functions_have_files_help_and_approved_verbs() {
    let manifest_path = repo().join("LicenseAudit.psd1");
    let src = read(&manifest_path);
    let tree = parse(&src);
    let exported: BTreeSet<String> = manifest_entry(&src, &tree, "FunctionsToExport")
        .into_iter()
        .collect();
    assert!(
        !exported.is_empty(),
        "FunctionsToExport must list the functions explicitly"
    );
    assert!(
        !exported.iter().any(|f| f.contains('*')),
        "no wildcards in FunctionsToExport"
    );

    let public: BTreeSet<String> = std::fs::read_dir(repo().join("Public"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ps1"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        exported, public,
        "FunctionsToExport and Public/*.ps1 must name the same functions"
    );

    for name in &exported {
        let verb = name.split('-').next().unwrap();
        assert!(
            APPROVED_VERBS.contains(&verb),
            "{name}: '{verb}' is not an approved verb"
        );
        let path = repo().join("Public").join(format!("{name}.ps1"));
        let src = read(&path);
        let tree = parse(&src);
        let mut found = false;
        walk(tree.root_node(), &mut |n| {
            if n.kind() == "function_statement" {
                let fname = n.child_by_field_name("function_name").or_else(|| {
                    let mut c = n.walk();
                    let x = n.children(&mut c).find(|c| c.kind() == "function_name");
                    x
                });
                if fname.is_some_and(|f| text(f, &src).eq_ignore_ascii_case(name)) {
                    found = true;
                    let mut help = String::new();
                    walk(n, &mut |c| {
                        if c.kind() == "comment" {
                            help.push_str(text(c, &src));
                        }
                    });
                    for section in [".SYNOPSIS", ".DESCRIPTION", ".EXAMPLE"] {
                        assert!(
                            help.contains(section),
                            "{name}: comment-based help lacks {section}"
                        );
                    }
                    let body = text(n, &src);
                    assert!(
                        body.contains("[CmdletBinding("),
                        "{name}: not an advanced function"
                    );
                    assert!(body.contains("[OutputType("), "{name}: no [OutputType()]");
                }
            }
        });
        assert!(found, "{}: does not define function {name}", path.display());
    }

    for key in ["FormatsToProcess", "RootModule"] {
        for file in manifest_entry(&src, &tree, key) {
            assert!(
                repo().join(&file).is_file(),
                "{key} names {file}, which does not exist"
            );
        }
    }
    let editions = manifest_entry(&src, &tree, "CompatiblePSEditions");
    assert_eq!(editions, vec!["Desktop", "Core"]);
    assert_eq!(
        manifest_entry(&src, &tree, "PowerShellVersion"),
        vec!["5.1"]
    );
}

/// Long flags per subcommand path ("lync entitlement"), globals under "".
fn cli_flags() -> BTreeMap<String, BTreeSet<String>> {
    fn visit(cmd: &clap::Command, path: String, out: &mut BTreeMap<String, BTreeSet<String>>) {
        let flags = cmd
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .collect();
        out.insert(path.clone(), flags);
        for sub in cmd.get_subcommands() {
            let p = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path} {}", sub.get_name())
            };
            visit(sub, p, out);
        }
    }
    let mut out = BTreeMap::new();
    visit(&audits::command(), String::new(), &mut out);
    out
}

/// Get-LicenseAuditInputInfo -For takes exactly the audit inputs `inspect --for` knows.
#[test]
fn input_info_for_names_the_inputs_of_inspect_for() {
    let engine: BTreeSet<String> = audits::command()
        .find_subcommand("inspect")
        .expect("inspect")
        .get_arguments()
        .find(|a| a.get_long() == Some("for"))
        .expect("inspect --for")
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect();
    let path = repo().join("Public/Get-LicenseAuditInputInfo.ps1");
    let src = read(&path);
    let tree = parse(&src);
    let mut set = None;
    walk(tree.root_node(), &mut |n| {
        if n.kind() == "attribute" && text(n, &src).starts_with("[ValidateSet(") {
            set = Some(strings_under(n, &src));
        }
    });
    let cmdlet: BTreeSet<String> = set.expect("a ValidateSet on -For").into_iter().collect();
    assert!(engine.len() > 20, "{engine:?}");
    assert_eq!(cmdlet, engine);
}

#[test]
fn every_flag_a_cmdlet_passes_exists_in_the_cli() {
    let cli = cli_flags();
    let mut globals = cli[""].clone();
    // clap's own: the version handshake runs `license-audit --version`.
    if audits::command().get_version().is_some() {
        globals.insert("--version".to_string());
    }
    let mut anywhere: BTreeSet<String> = cli.values().flatten().cloned().collect();
    anywhere.extend(globals.iter().cloned());
    let mut checked = 0;
    // The module's own files; tests/ drive other programs (the TDS test server) with their flags.
    for f in powershell_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ps1"))
        .filter(|p| !p.components().any(|c| c.as_os_str() == "tests"))
    {
        let src = read(&f);
        let tree = parse(&src);
        let mut paths: Vec<String> = Vec::new();
        walk(tree.root_node(), &mut |n| {
            if n.kind() != "command" {
                return;
            }
            let name = n
                .child_by_field_name("command_name")
                .map(|c| text(c, &src))
                .unwrap_or("");
            if ![
                "Invoke-LicenseAuditNative",
                "Start-LicenseAuditNative",
                "New-LicenseAuditNativeSession",
                "Invoke-LicenseAuditRunStep",
            ]
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
            {
                return;
            }
            let Some(elements) = n.child_by_field_name("command_elements") else {
                return;
            };
            let mut c = elements.walk();
            let kids: Vec<Node> = elements
                .named_children(&mut c)
                .filter(|k| k.kind() != "command_argument_sep")
                .collect();
            for (i, k) in kids.iter().enumerate() {
                if k.kind() == "command_parameter"
                    && text(*k, &src).eq_ignore_ascii_case("-Command")
                {
                    if let Some(v) = kids.get(i + 1) {
                        paths.push(strings_under(*v, &src).join(" "));
                    }
                }
            }
        });
        let mut flags = BTreeSet::new();
        walk(tree.root_node(), &mut |n| {
            if n.kind() == "string_literal" {
                let v = string_value(n, &src);
                if v.starts_with("--")
                    && v.len() > 2
                    && v[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
                {
                    flags.insert(v);
                }
            }
        });
        for p in &paths {
            assert!(
                cli.contains_key(p),
                "{}: calls subcommand '{p}', which the CLI does not have",
                f.display()
            );
        }
        for flag in &flags {
            checked += 1;
            let ok = if paths.is_empty() {
                anywhere.contains(flag)
            } else {
                globals.contains(flag) || paths.iter().any(|p| cli[p].contains(flag))
            };
            assert!(
                ok,
                "{}: passes {flag}, which {} does not accept",
                f.display(),
                if paths.is_empty() {
                    "the CLI".to_string()
                } else {
                    paths.join(" / ")
                }
            );
        }
    }
    assert!(checked > 0, "no flags found: the walker is broken");
}

#[test]
fn format_views_cover_every_output_record_type() {
    let xml = read(&repo().join("LicenseAudit.Format.ps1xml"));
    for entry in license_audit::app::audits::registry() {
        if entry.kind == license_audit::model::SchemaKind::Output {
            let type_name = format!("<TypeName>LicenseAudit.{}</TypeName>", entry.name);
            assert!(
                xml.contains(&type_name),
                "LicenseAudit.Format.ps1xml has no view for {}",
                entry.name
            );
        }
    }
}

/// The text between every `<tag>` and `</tag>` in `xml`, in order.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(&after[..j]);
        rest = &after[j + close.len()..];
    }
    out
}

/// The keys (PSTypeName excluded) of the hash literal in `file` whose PSTypeName is `type_name`:
/// the properties of a record the module makes itself.
fn powershell_record_keys(file: &str, type_name: &str) -> BTreeSet<String> {
    let src = read(&repo().join(file));
    let tree = parse(&src);
    let mut keys = BTreeSet::new();
    walk(tree.root_node(), &mut |n| {
        if n.kind() != "hash_literal_body" {
            return;
        }
        let mut c = n.walk();
        let entries: Vec<(String, String)> = n
            .children(&mut c)
            .filter(|e| e.kind() == "hash_entry")
            .filter_map(|e| {
                let mut cc = e.walk();
                let kids: Vec<Node> = e.children(&mut cc).collect();
                let key = kids.iter().find(|k| k.kind() == "key_expression")?;
                let value = kids.iter().find(|k| k.kind() == "pipeline")?;
                Some((text(*key, &src).to_string(), text(*value, &src).to_string()))
            })
            .collect();
        if entries
            .iter()
            .any(|(k, v)| k == "PSTypeName" && v.trim_matches('\'') == type_name)
        {
            keys.extend(
                entries
                    .into_iter()
                    .map(|(k, _)| k)
                    .filter(|k| k != "PSTypeName"),
            );
        }
    });
    keys
}

#[test]
fn format_views_are_well_formed_and_name_properties_the_records_have() {
    // A view column naming a property the record lacks shows an empty column forever; a
    // header/item count mismatch makes PowerShell reject the whole format file at import.
    let xml = read(&repo().join("LicenseAudit.Format.ps1xml"));
    let mut properties: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in license_audit::app::audits::registry() {
        if entry.kind == license_audit::model::SchemaKind::Output {
            let schema = (entry.schema)();
            let names = schema
                .get("properties")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            properties.insert(format!("LicenseAudit.{}", entry.name), names);
        }
    }
    // Get-LicenseAuditSchema's own rows.
    properties.insert(
        "LicenseAudit.SchemaEntry".into(),
        ["Name", "Kind", "Description"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    // Invoke-LicenseAudit's summary: the keys of its [pscustomobject]@{ PSTypeName = ... }.
    let summary =
        powershell_record_keys("Public/Invoke-LicenseAudit.ps1", "LicenseAudit.RunSummary");
    assert!(summary.len() > 10, "RunSummary keys: {summary:?}");
    properties.insert("LicenseAudit.RunSummary".into(), summary);
    // Get-TeamsLicenseCount's records: UcUserLicense, UcLicenseTotal, UcDevice and UcMeetingRoom
    // with Teams-only views of their own (LicenseAudit.<RecordType>#TeamsOnly in front,
    // Private/UcInput.ps1): the same properties.
    for record in [
        "UcUserLicense",
        "UcLicenseTotal",
        "UcDevice",
        "UcMeetingRoom",
    ] {
        let same = properties[&format!("LicenseAudit.{record}")].clone();
        properties.insert(format!("LicenseAudit.{record}#TeamsOnly"), same);
    }
    assert_eq!(
        xml.matches("<View>").count(),
        xml.matches("</View>").count(),
        "unbalanced <View>"
    );
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for view in elements(&xml, "View") {
        let types = elements(view, "TypeName");
        let [type_name] = types.as_slice() else {
            problems.push(format!("a view selects {types:?}, expected one type"));
            continue;
        };
        // One view of each kind per type: the table is the default output, a list beside it is
        // what Format-List shows (CalCompliance: Basis and Assumption, which no 80-column table
        // holds).
        let kind = if view.contains("<ListControl>") {
            "list"
        } else {
            "table"
        };
        if !seen.insert(format!("{type_name} {kind}")) {
            problems.push(format!("{type_name}: more than one {kind} view"));
        }
        let Some(known) = properties.get(*type_name) else {
            problems.push(format!("{type_name}: no such record type"));
            continue;
        };
        let headers = elements(view, "TableColumnHeader").len();
        let items = elements(view, "TableColumnItem").len();
        if headers != items {
            problems.push(format!(
                "{type_name}: {headers} column headers, {items} column items"
            ));
        }
        for p in elements(view, "PropertyName") {
            if !known.contains(p) {
                problems.push(format!(
                    "{type_name}: column property {p} is not in the record"
                ));
            }
        }
        for block in elements(view, "ScriptBlock") {
            for (i, _) in block.match_indices("$_.") {
                // Only the record's own properties: $_ inside a nested { } is a list item.
                let depth =
                    block[..i].matches('{').count() as i64 - block[..i].matches('}').count() as i64;
                let name: String = block[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if depth == 0 && !name.is_empty() && !known.contains(&name) {
                    problems.push(format!(
                        "{type_name}: script block reads $_.{name}, not in the record"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Issue 9: what breaks on a real Windows PowerShell 5.1 / PowerShell 7 host, caught statically.

/// The module's own code: Public/, Private/ and the .psm1 (not tests/).
fn module_files() -> Vec<PathBuf> {
    powershell_files()
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "tests"))
        .filter(|p| !p.extension().is_some_and(|e| e == "psd1"))
        .collect()
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo())
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| p.display().to_string())
}

/// Commands (name, node) anywhere under `node`.
fn commands<'a>(node: Node<'a>, src: &'a str) -> Vec<(String, Node<'a>)> {
    let mut out = Vec::new();
    walk(node, &mut |n| {
        if n.kind() == "command" {
            if let Some(name) = n.child_by_field_name("command_name") {
                out.push((text(name, src).to_string(), n));
            }
        }
    });
    out
}

/// Every function the module defines (Public and Private).
fn module_functions() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if n.kind() == "function_name" {
                names.insert(text(n, &src).to_ascii_lowercase());
            }
        });
    }
    names
}

fn block_name(n: Node, src: &str) -> Option<String> {
    if n.kind() != "named_block" {
        return None;
    }
    let mut c = n.walk();
    let name = n
        .children(&mut c)
        .find(|k| k.kind() == "block_name")
        .map(|k| text(k, src).to_ascii_lowercase());
    name
}

#[test]
fn no_powershell_7_only_syntax() {
    // `??`, `?.`, ternaries and clean{} are parse errors (every_powershell_file_parses...);
    // pipeline chains and ForEach-Object -Parallel parse, but not on 5.1 / not in 5.1 paths.
    let mut problems = Vec::new();
    for f in powershell_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            let line = n.start_position().row + 1;
            if n.kind() == "pipeline_chain_tail" {
                problems.push(format!(
                    "{}:{line}: && / || pipeline chain (PowerShell 7 only)",
                    rel(&f)
                ));
            }
            if n.kind() == "command_parameter" && text(n, &src).eq_ignore_ascii_case("-Parallel") {
                problems.push(format!("{}:{line}: -Parallel (PowerShell 7 only)", rel(&f)));
            }
        });
        for (i, l) in src.lines().enumerate() {
            let code = l.split('#').next().unwrap_or("");
            if code.contains("??") || code.contains("?.") {
                problems.push(format!(
                    "{}:{}: `??` / `?.` (PowerShell 7 only)",
                    rel(&f),
                    i + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn generic_object_lists_are_not_made_with_new_object() {
    // New-Object wraps a List[object] in a PSObject, and on PowerShell 7.6 `@($list)` of that
    // wrapper throws "Argument types do not match" (PowerShell issue 27558): it broke every
    // -SummaryVariable / -DetailVariable. `[System.Collections.Generic.List[object]]::new()`
    // (PowerShell 5.0+) gives the list itself.
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        for (i, l) in src.lines().enumerate() {
            let code = l.split('#').next().unwrap_or("").to_ascii_lowercase();
            if code.contains("new-object") && code.contains("list[object]") {
                problems.push(format!(
                    "{}:{}: New-Object of a List[object] (use [System.Collections.Generic.List[object]]::new())",
                    rel(&f),
                    i + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn errors_have_stable_ids_not_throw_text() {
    // `throw 'text'` gives FullyQualifiedErrorId = the text: runbooks cannot match on it.
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if n.kind() != "flow_control_statement" || !text(n, &src).starts_with("throw") {
                return;
            }
            let rest = text(n, &src)[5..].trim_start();
            // A bare `throw` in a catch block rethrows: fine.
            if rest.starts_with('\'')
                || rest.starts_with('"')
                || rest.starts_with("@'")
                || rest.starts_with("@\"")
            {
                problems.push(format!(
                    "{}:{}: {} (use ThrowTerminatingError with New-LicenseAuditErrorRecord)",
                    rel(&f),
                    n.start_position().row + 1,
                    text(n, &src).lines().next().unwrap_or("")
                ));
            }
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn dates_are_formatted_with_the_invariant_culture() {
    // .ToString('yyyy-MM-dd...') and Get-Date -Format follow the current culture: th-TH writes a
    // Buddhist year, and ':' and '/' become the culture's separators.
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if n.kind() != "member_access" && n.kind() != "invokation_expression" {
                // Method calls: a member_name followed by an argument_list.
            }
            if n.kind() == "argument_list" {
                let prev = n.prev_sibling();
                let is_to_string = prev.is_some_and(|p| {
                    p.kind() == "member_name" && text(p, &src).eq_ignore_ascii_case("ToString")
                });
                let receiver = n
                    .parent()
                    .map(|p| text(p, &src).to_string())
                    .unwrap_or_default();
                let args = text(n, &src);
                let has_format = args.contains('\'') || args.contains('"');
                // A GUID's 'N' format has no culture.
                let guid = receiver.contains("Guid()");
                if is_to_string && has_format && !guid && !args.contains("InvariantCulture") {
                    problems.push(format!(
                        "{}:{}: .ToString{args} without [CultureInfo]::InvariantCulture",
                        rel(&f),
                        n.start_position().row + 1
                    ));
                }
            }
        });
        for (name, cmd) in commands(tree.root_node(), &src) {
            if name.eq_ignore_ascii_case("Get-Date") {
                let t = text(cmd, &src).to_ascii_lowercase();
                if t.contains("-format") || t.contains("-uformat") {
                    problems.push(format!(
                        "{}:{}: Get-Date -Format follows the current culture",
                        rel(&f),
                        cmd.start_position().row + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn cleanup_in_finally_does_not_call_module_functions() {
    // When a pipeline is stopping (Ctrl+C, a host's PowerShell.Stop()), a finally block runs but
    // any command it starts throws PipelineStoppedException before doing anything: cleanup must
    // be .NET method calls ($session.Stop()), not calls to the module's own functions.
    let functions = module_functions();
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if n.kind() != "finally_clause" {
                return;
            }
            for (name, cmd) in commands(n, &src) {
                if functions.contains(&name.to_ascii_lowercase()) {
                    problems.push(format!(
                        "{}:{}: finally calls {name}; a stopping pipeline refuses it (use a method such as $session.Stop())",
                        rel(&f),
                        cmd.start_position().row + 1
                    ));
                }
            }
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn cleanup_in_finally_is_dotnet_calls_not_loops_or_script_methods() {
    // In a stopping pipeline PowerShell also refuses, with PipelineStoppedException, to start
    // any script block (ScriptBlock.InvokeWithPipeImpl checks first; a ScriptMethod is one, so
    // a `$session.Stop()` written with Add-Member -MemberType ScriptMethod never ran on Ctrl+C)
    // and the next turn of any loop or switch (PipelineOps.CheckForInterrupts). What a finally
    // block must still do (kill the engine, delete its files, dispose CIM sessions) is .NET:
    // LicenseAudit.NativeSession.Stop() and NativeSession.DisposeAll() in NativeProcess.cs.
    let loops = [
        "foreach_statement",
        "for_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
    ];
    // Nested finally blocks and nested redirection nodes see the same line twice: a set.
    let mut problems = BTreeSet::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if n.kind() != "finally_clause" {
                return;
            }
            walk(n, &mut |inner| {
                if loops.contains(&inner.kind()) {
                    problems.insert(format!(
                        "{}:{}: a {} in a finally block: a stopping pipeline refuses its first turn (use a .NET call such as [LicenseAudit.NativeSession]::DisposeAll)",
                        rel(&f),
                        inner.start_position().row + 1,
                        inner.kind().trim_end_matches("_statement")
                    ));
                }
            });
        });
        for (i, line) in src.lines().enumerate() {
            let code = line.split('#').next().unwrap_or("");
            if code.contains("ScriptMethod") {
                problems.insert(format!(
                    "{}:{}: a ScriptMethod is a script block, refused in a stopping pipeline: cleanup belongs in NativeProcess.cs",
                    rel(&f),
                    i + 1
                ));
            }
        }
    }
    let helper = read(&repo().join("Private/NativeProcess.cs"));
    for needle in [
        "public sealed class NativeSession",
        "public void Stop()",
        "public static void DisposeAll(",
    ] {
        if !helper.contains(needle) {
            problems.insert(format!("Private/NativeProcess.cs lacks `{needle}`"));
        }
    }
    let sessions = read(&repo().join("Private/Start-LicenseAuditNative.ps1"));
    if !sessions.contains("New-Object -TypeName LicenseAudit.NativeSession") {
        problems.insert(
            "New-LicenseAuditNativeSession must create a LicenseAudit.NativeSession (its Stop() is .NET)".to_string(),
        );
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn merged_native_stderr_is_not_subject_to_a_callers_stop_preference() {
    // `& $binary ... 2>&1`: Windows PowerShell 5.1 (and 7 before 7.2) turns each stderr line
    // into an error record that $ErrorActionPreference = 'Stop' (which -ErrorAction Stop sets)
    // makes terminating, so the cmdlet throws NativeCommandError instead of its own stable id.
    // The preference must be 'Continue' in the script block that runs the native command.
    // Nested finally blocks and nested redirection nodes see the same line twice: a set.
    let mut problems = BTreeSet::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if !text(n, &src).starts_with("2>&1") || n.kind().contains("statement") {
                return;
            }
            if !n.kind().contains("redirection") {
                return;
            }
            let mut scope = n.parent();
            while let Some(p) = scope {
                if p.kind() == "script_block" || p.kind() == "function_statement" {
                    break;
                }
                scope = p.parent();
            }
            let body = scope.map(|p| text(p, &src)).unwrap_or("");
            let sets_continue = body.lines().any(|l| {
                let l = l.trim().to_ascii_lowercase().replace(' ', "");
                l.starts_with("$erroractionpreference='continue'")
            });
            if !sets_continue {
                problems.insert(format!(
                    "{}:{}: `2>&1` on a native command without $ErrorActionPreference = 'Continue' in the same script block",
                    rel(&f),
                    n.start_position().row + 1
                ));
            }
        });
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn engines_and_temp_files_are_not_started_in_begin_blocks() {
    // end{} never runs when the pipeline stops; an engine started in begin{} then waits on stdin
    // forever and its temporary files stay. Start lazily, at the first record or in end{}.
    let starters = [
        "Start-LicenseAuditNative",
        "Invoke-LicenseAuditNative",
        "New-LicenseAuditSpoolFile",
        "Start-LicenseAuditStdinSession",
        "Invoke-LicenseAuditRunStep",
        "Export-LicenseAuditUalEvidence",
        "Export-LicenseAuditRecordFile",
        "Export-LicenseAuditTeamsEstate",
    ];
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        let tree = parse(&src);
        walk(tree.root_node(), &mut |n| {
            if block_name(n, &src).as_deref() != Some("begin") {
                return;
            }
            for (name, cmd) in commands(n, &src) {
                if starters.iter().any(|s| s.eq_ignore_ascii_case(&name)) {
                    problems.push(format!(
                        "{}:{}: {name} in begin{{}}",
                        rel(&f),
                        cmd.start_position().row + 1
                    ));
                }
            }
        });
        // Temporary files are made in one place, owned by a session that deletes them.
        let allowed = f.ends_with("Private/Start-LicenseAuditNative.ps1");
        for needle in ["GetTempFileName", "New-TemporaryFile", "GetTempPath"] {
            if !allowed && src.contains(needle) {
                problems.push(format!(
                    "{}: {needle}: use New-LicenseAuditSpoolFile (session-owned, reaped)",
                    rel(&f)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn state_changes_support_should_process_and_inner_cmdlets_do_not_prompt_again() {
    let mut problems = Vec::new();
    let changing = [
        "Set",
        "New",
        "Remove",
        "Grant",
        "Revoke",
        "Export",
        "Update",
        "Add",
        "Clear",
        "Install",
        "Uninstall",
        "Register",
        "Unregister",
        "Rename",
        "Move",
        "Reset",
        "Enable",
        "Disable",
    ];
    for f in std::fs::read_dir(repo().join("Public")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let src = read(&f);
        let verb = name.split('-').next().unwrap_or("");
        if changing.contains(&verb) && !src.contains("SupportsShouldProcess") {
            problems.push(format!(
                "{name}: changes state but lacks SupportsShouldProcess"
            ));
        }
        let tree = parse(&src);
        for (cmd_name, cmd) in commands(tree.root_node(), &src) {
            let lower = cmd_name.to_ascii_lowercase();
            let lync_change = ["grant-cs", "new-cs", "set-cs", "remove-cs", "revoke-cs"]
                .iter()
                .any(|p| lower.starts_with(p));
            if lync_change && !text(cmd, &src).contains("-Confirm:$false") {
                problems.push(format!(
                    "{}:{}: {cmd_name} inside ShouldProcess needs -Confirm:$false (else -Confirm prompts twice)",
                    rel(&f),
                    cmd.start_position().row + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn help_documents_every_parameter_inputs_outputs_and_links() {
    let manifest = read(&repo().join("LicenseAudit.psd1"));
    let mtree = parse(&manifest);
    let mut problems = Vec::new();
    for name in manifest_entry(&manifest, &mtree, "FunctionsToExport") {
        let path = repo().join("Public").join(format!("{name}.ps1"));
        let src = read(&path);
        let tree = parse(&src);
        let mut help = String::new();
        let mut params = Vec::new();
        walk(tree.root_node(), &mut |n| {
            if n.kind() == "comment" && text(n, &src).starts_with("<#") && help.is_empty() {
                help = text(n, &src).to_string();
            }
            if n.kind() == "script_parameter" {
                let mut c = n.walk();
                let v = n.children(&mut c).find(|k| k.kind() == "variable");
                if let Some(v) = v {
                    params.push(text(v, &src).trim_start_matches('$').to_string());
                }
            }
        });
        for section in [
            ".SYNOPSIS",
            ".DESCRIPTION",
            ".EXAMPLE",
            ".INPUTS",
            ".OUTPUTS",
            ".LINK",
        ] {
            if !help.contains(section) {
                problems.push(format!("{name}: help lacks {section}"));
            }
        }
        for p in params {
            if !help.contains(&format!(".PARAMETER {p}\n"))
                && !help.contains(&format!(".PARAMETER {p}\r\n"))
            {
                problems.push(format!("{name}: help lacks .PARAMETER {p}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn manifest_file_list_is_complete_and_its_licence_exists() {
    let src = read(&repo().join("LicenseAudit.psd1"));
    let tree = parse(&src);
    let listed: BTreeSet<String> = manifest_entry(&src, &tree, "FileList")
        .into_iter()
        .collect();
    let mut expected: BTreeSet<String> = [
        "LicenseAudit.psd1",
        "LicenseAudit.psm1",
        "LicenseAudit.Format.ps1xml",
        "LICENSE",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for folder in ["Public", "Private"] {
        for e in std::fs::read_dir(repo().join(folder)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            expected.insert(format!("{folder}/{name}"));
        }
    }
    // The PowerShell scripts that ship with the module (the offline snapshot, which
    // Export-LicenseAuditSnapshot runs and which also runs alone).
    for e in std::fs::read_dir(repo().join("scripts")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".ps1") {
            expected.insert(format!("scripts/{name}"));
        }
    }
    // The about_ help topics (Get-Help about_LicenseAudit) and the examples the README's
    // "Try it" runs from an installed module (examples/, with the runbook).
    for e in std::fs::read_dir(repo().join("en-US")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        expected.insert(format!("en-US/{name}"));
    }
    let mut folders = vec![repo().join("examples")];
    while let Some(folder) = folders.pop() {
        for e in std::fs::read_dir(&folder).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                expected.insert(rel(&path));
            }
        }
    }
    assert_eq!(
        listed, expected,
        "FileList must name every file the module loads or ships"
    );
    for f in &listed {
        assert!(
            repo().join(f).is_file(),
            "FileList names {f}, which does not exist"
        );
    }
    let uri = manifest_entry(&src, &tree, "LicenseUri");
    assert!(
        uri.iter().any(|u| u.ends_with("/LICENSE")),
        "LicenseUri should point at LICENSE: {uri:?}"
    );
    assert!(
        repo().join("LICENSE").is_file(),
        "LicenseUri links a LICENSE that is missing"
    );
}

#[test]
fn import_says_so_under_constrained_language_before_add_type() {
    let src = read(&repo().join("LicenseAudit.psm1"));
    let clm = src
        .find("$ExecutionContext.SessionState.LanguageMode")
        .expect("the .psm1 checks the language mode");
    let add_type = src
        .find("Add-Type -Path")
        .expect("the .psm1 loads NativeProcess with Add-Type");
    assert!(clm < add_type, "check the language mode before Add-Type");
    assert!(
        src.contains("LicenseAudit.ConstrainedLanguage"),
        "a stable error id for CLM"
    );
    assert!(
        src.contains("OnRemove"),
        "Remove-Module must reap running engines"
    );
}

#[test]
fn secrets_stay_off_command_lines() {
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        for needle in [
            "GetNetworkCredential",
            "-AsPlainText",
            "LICENSEAUDIT_SQL_PASSWORD",
        ] {
            if src.contains(needle) {
                problems.push(format!("{}: {needle}", rel(&f)));
            }
        }
        if src.contains("PtrToStringBSTR") && !f.ends_with("Private/Start-LicenseAuditNative.ps1") {
            problems.push(format!(
                "{}: decrypts a SecureString outside Start-LicenseAuditNative",
                rel(&f)
            ));
        }
        if src.contains("'--password-stdin'") && !src.contains("-Secret") {
            problems.push(format!("{}: --password-stdin without -Secret", rel(&f)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Dates and list/object fields per output record type, from the engine's JSON Schemas.
fn schema_shape(schema: &serde_json::Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let defs = schema.get("$defs").cloned().unwrap_or_default();
    let resolve = |p: &serde_json::Value| -> serde_json::Value {
        let mut p = p.clone();
        for _ in 0..4 {
            if let Some(r) = p.get("$ref").and_then(|r| r.as_str()) {
                let name = r.rsplit('/').next().unwrap();
                p = defs.get(name).cloned().unwrap_or_default();
                continue;
            }
            let alt = ["anyOf", "oneOf"].iter().find_map(|k| {
                p.get(*k).and_then(|a| a.as_array()).and_then(|a| {
                    a.iter()
                        .find(|q| q.get("type").and_then(|t| t.as_str()) != Some("null"))
                        .cloned()
                })
            });
            if let Some(q) = alt {
                p = q;
                continue;
            }
            break;
        }
        p
    };
    let mut dates = BTreeSet::new();
    let mut lists = BTreeSet::new();
    if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
        for (name, p) in props {
            let r = resolve(p);
            let format = p
                .get("format")
                .or_else(|| r.get("format"))
                .and_then(|f| f.as_str())
                .map(str::to_string);
            let kind = match r.get("type") {
                Some(serde_json::Value::String(t)) => t.clone(),
                Some(serde_json::Value::Array(ts)) => ts
                    .iter()
                    .filter_map(|t| t.as_str())
                    .find(|t| *t != "null")
                    .unwrap_or("")
                    .to_string(),
                _ if r.get("properties").is_some() => "object".to_string(),
                _ => String::new(),
            };
            if format.as_deref() == Some("date-time") {
                dates.insert(name.clone());
            } else if kind == "array" || kind == "object" {
                lists.insert(name.clone());
            }
        }
    }
    (dates, lists)
}

/// `Type = @{ Dates = @('A'); Lists = @('B', 'C') }` lines of ConvertFrom-LicenseAuditRecord.ps1.
fn powershell_shapes() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let src = read(&repo().join("Private/ConvertFrom-LicenseAuditRecord.ps1"));
    let names = |s: &str| -> BTreeSet<String> {
        s.split(',')
            .map(|x| x.trim().trim_matches('\'').to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    let mut out = BTreeMap::new();
    for line in src.lines() {
        let l = line.trim();
        let (Some(eq), Some(d), Some(li)) =
            (l.find("= @{"), l.find("Dates = @("), l.find("Lists = @("))
        else {
            continue;
        };
        let ty = l[..eq].trim().to_string();
        let dates = &l[d + 10..];
        let dates = &dates[..dates.find(')').unwrap()];
        let lists = &l[li + 10..];
        let lists = &lists[..lists.find(')').unwrap()];
        out.insert(ty, (names(dates), names(lists)));
    }
    out
}

#[test]
fn record_shapes_match_the_engine_schemas() {
    use license_audit::app::audits::registry;
    use license_audit::model::SchemaKind;
    let ps = powershell_shapes();
    assert!(ps.len() >= 10, "the shapes table was not found: {ps:?}");
    let schemas: Vec<(String, serde_json::Value)> = registry()
        .into_iter()
        .filter(|e| e.kind == SchemaKind::Output)
        .map(|e| (e.name.to_string(), (e.schema)()))
        .collect();
    let mut problems = Vec::new();
    for (name, schema) in &schemas {
        let (dates, lists) = schema_shape(schema);
        match ps.get(name) {
            None => problems.push(format!(
                "{name}: no line in $script:LicenseAuditRecordShapes"
            )),
            Some((d, l)) => {
                if d != &dates {
                    problems.push(format!("{name}: Dates {d:?}, engine schema has {dates:?}"));
                }
                if l != &lists {
                    problems.push(format!("{name}: Lists {l:?}, engine schema has {lists:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn engine_features_the_cmdlets_gate_on_version_exist_from_that_version() {
    // Get-LicenseAuditEngineFeature turns MultiServer / PasswordWithRecords / SystemsOnEvidence
    // on from engine 0.2.0. When the engine reaches that version, it must have them.
    let src = read(&repo().join("Private/Get-LicenseAuditBinaryPath.ps1"));
    assert!(
        src.contains("-ge [version]'0.2.0'"),
        "the feature gate moved: update this test"
    );
    let version: Vec<u32> = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    if version < vec![0, 2, 0] {
        println!(
            "engine {} is below 0.2.0: the cmdlets use per-store runs, users in a temporary file with a SQL login, and system ids before evidence",
            env!("CARGO_PKG_VERSION")
        );
        return;
    }
    let cli = audits::command();
    let usage = cli
        .find_subcommand("lync")
        .and_then(|l| l.find_subcommand("usage"))
        .expect("lync usage");
    let server = usage
        .get_arguments()
        .find(|a| a.get_long() == Some("server"))
        .expect("--server");
    assert!(
        matches!(server.get_action(), clap::ArgAction::Append),
        "engine >= 0.2.0: lync usage --server must be repeatable (MultiServer)"
    );
}

#[test]
fn pester_tests_assert_something() {
    let mut problems = Vec::new();
    for f in powershell_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".Tests.ps1"))
    {
        let src = read(&f);
        let tree = parse(&src);
        for (name, cmd) in commands(tree.root_node(), &src) {
            if !name.eq_ignore_ascii_case("It") {
                continue;
            }
            let body = text(cmd, &src);
            if !body.contains("Should ") && !body.contains("Should\n") {
                let title: String = body.lines().next().unwrap_or("").chars().take(80).collect();
                problems.push(format!(
                    "{}:{}: {title} asserts nothing",
                    rel(&f),
                    cmd.start_position().row + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Parameter names and aliases of each exported function (lower case), common parameters
/// included, -WhatIf/-Confirm only with SupportsShouldProcess.
fn cmdlet_parameters() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(repo().join("Public")).unwrap() {
        let path = e.unwrap().path();
        let name = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_ascii_lowercase();
        let src = read(&path);
        let tree = parse(&src);
        let mut params: BTreeSet<String> = [
            "verbose",
            "debug",
            "erroraction",
            "warningaction",
            "informationaction",
            "progressaction",
            "errorvariable",
            "warningvariable",
            "informationvariable",
            "outvariable",
            "outbuffer",
            "pipelinevariable",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if src.contains("SupportsShouldProcess") {
            params.insert("whatif".into());
            params.insert("confirm".into());
        }
        walk(tree.root_node(), &mut |n| {
            if n.kind() != "script_parameter" {
                return;
            }
            let t = text(n, &src);
            if let Some(v) = t.rsplit('$').next() {
                let v: String = v
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                params.insert(v.to_ascii_lowercase());
            }
            if let Some(i) = t.find("[Alias(") {
                let inner = &t[i + 7..];
                let inner = &inner[..inner.find(')').unwrap_or(0)];
                for a in inner.split(',') {
                    params.insert(a.trim().trim_matches('\'').to_ascii_lowercase());
                }
            }
        });
        out.insert(name, params);
    }
    out
}

/// The documentation's pages: README.md and every page of the guide under docs/ (issue #25).
fn documentation_pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md")];
    let mut folders = vec![repo().join("docs")];
    while let Some(folder) = folders.pop() {
        for e in std::fs::read_dir(&folder).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|x| x == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// PowerShell snippets the documentation shows: the ```powershell blocks of README.md and
/// docs/, and the first line of every .EXAMPLE in the help.
fn documented_snippets() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for page in documentation_pages() {
        let readme = read(&page);
        let mut in_block = false;
        let mut block = String::new();
        let mut start = 0;
        for (i, line) in readme.lines().enumerate() {
            if line.trim_start().starts_with("```powershell") {
                in_block = true;
                block.clear();
                start = i + 1;
            } else if in_block && line.trim_start().starts_with("```") {
                in_block = false;
                out.push((format!("{}:{}", rel(&page), start + 1), block.clone()));
            } else if in_block {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    for e in std::fs::read_dir(repo().join("Public")).unwrap() {
        let path = e.unwrap().path();
        let src = read(&path);
        let lines: Vec<&str> = src.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim() == ".EXAMPLE" {
                if let Some(code) = lines.get(i + 1) {
                    out.push((format!("{}:{}", rel(&path), i + 2), code.trim().to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn documented_examples_parse_and_use_real_parameters() {
    let params = cmdlet_parameters();
    let snippets = documented_snippets();
    assert!(
        snippets.len() > 20,
        "found only {} snippets",
        snippets.len()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for (at, code) in &snippets {
        let tree = parse(code);
        if tree.root_node().has_error() {
            problems.push(format!("{at}: does not parse: {code}"));
            continue;
        }
        for (name, cmd) in commands(tree.root_node(), code) {
            let Some(known) = params.get(&name.to_ascii_lowercase()) else {
                continue;
            };
            let Some(elements) = cmd.child_by_field_name("command_elements") else {
                continue;
            };
            let mut c = elements.walk();
            let parameters: Vec<Node> = elements
                .named_children(&mut c)
                .filter(|k| k.kind() == "command_parameter")
                .collect();
            for n in parameters {
                let p = text(n, code)
                    .trim_start_matches('-')
                    .split(':')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                checked += 1;
                if !known.contains(&p) {
                    problems.push(format!("{at}: {name} has no parameter -{p}"));
                }
            }
        }
    }
    assert!(checked > 30, "checked only {checked} parameters");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Issue 12: the checks before the engine's first use, and what a failure to start becomes.

/// The text of `function <name> { ... }` in `src`.
fn function_text<'a>(src: &'a str, name: &str) -> &'a str {
    let tree = parse(src);
    let mut found = None;
    walk(tree.root_node(), &mut |n| {
        if n.kind() == "function_statement" && found.is_none() {
            let mut c = n.walk();
            let named = n
                .children(&mut c)
                .find(|k| k.kind() == "function_name")
                .is_some_and(|k| text(k, src).eq_ignore_ascii_case(name));
            if named {
                found = Some(n.byte_range());
            }
        }
    });
    let range = found.unwrap_or_else(|| panic!("function {name} not found"));
    &src[range]
}

fn position(haystack: &str, needle: &str, what: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{what}: `{needle}` not found"))
}

#[test]
fn the_engine_is_checked_before_its_first_use() {
    let src = read(&repo().join("Private/Get-LicenseAuditBinaryPath.ps1"));
    // In this order: the Windows version (before anything is started), where the binary is,
    // SHA256SUMS (packaged binaries only), the execute bit, the --version handshake; once per
    // binary, on path + LastWriteTimeUtc + Length.
    let get = function_text(&src, "Get-LicenseAuditBinaryPath");
    let order = [
        "Assert-LicenseAuditWindowsVersion -Cmdlet",
        "$binary = Find-LicenseAuditBinary",
        "LastWriteTimeUtc.Ticks, $file.Length",
        "$script:LicenseAuditVerifiedBinaries.ContainsKey($key)",
        "if ($binary.Source -eq 'Package') { Assert-LicenseAuditBinaryChecksum",
        "Set-LicenseAuditExecutableBit",
        "Invoke-LicenseAuditEngineHandshake",
    ];
    let mut last = 0;
    for step in order {
        let at = position(get, step, "Get-LicenseAuditBinaryPath");
        assert!(
            at >= last,
            "Get-LicenseAuditBinaryPath: `{step}` comes too early"
        );
        last = at;
    }
    let find = function_text(&src, "Find-LicenseAuditBinary");
    assert!(
        find.contains("if ($rid -eq 'win-arm64') { $rids += 'win-x64' }"),
        "win-arm64 falls back to the win-x64 engine"
    );
    // The machine's architecture: PROCESSOR_ARCHITEW6432 (WOW64) before PROCESSOR_ARCHITECTURE.
    let rid = function_text(&src, "Get-LicenseAuditRuntimeId");
    assert!(rid.contains(
        "-Architecture $env:PROCESSOR_ARCHITECTURE -Architew6432 $env:PROCESSOR_ARCHITEW6432"
    ));
    let arch = function_text(&src, "ConvertTo-LicenseAuditWindowsArchitecture");
    assert!(
        position(arch, "$machine = $Architew6432", "architecture")
            < position(arch, "$machine = $Architecture", "architecture"),
        "PROCESSOR_ARCHITEW6432 is read first"
    );
    let handshake = function_text(&src, "Invoke-LicenseAuditEngineHandshake");
    for needle in [
        "[LicenseAudit.EngineProbe]::Run($Path, [string[]]@('--version'), $TimeoutSeconds * 1000)",
        "[int]$TimeoutSeconds = 30",
        "$ExpectedVersion = $script:LicenseAuditExpectedEngineVersion",
        "'EngineVersionMismatch'",
    ] {
        position(handshake, needle, "Invoke-LicenseAuditEngineHandshake");
    }
    let checksum = function_text(&src, "Assert-LicenseAuditBinaryChecksum");
    for needle in [
        "'SHA256SUMS'",
        "Get-FileHash -LiteralPath $Binary.Path -Algorithm SHA256",
        "[System.StringComparison]::OrdinalIgnoreCase",
        "'ChecksumFileMissing'",
        "'ChecksumMismatch'",
    ] {
        position(checksum, needle, "Assert-LicenseAuditBinaryChecksum");
    }
    let windows = function_text(&src, "Assert-LicenseAuditWindowsVersion");
    for needle in [
        "[System.Environment]::OSVersion.Version",
        "[LicenseAudit.EngineCheck]::WindowsVersion()",
        "New-Object System.Version -ArgumentList 10, 0",
    ] {
        position(windows, needle, "Assert-LicenseAuditWindowsVersion");
    }
    // The line format the package writes (sha256sum), parsed in one place.
    let helper = read(&repo().join("Private/NativeProcess.cs"));
    assert!(
        helper.contains(r#"new Regex("^([0-9a-fA-F]{64}) [ *](.+)$")"#),
        "NativeProcess.cs: the SHA256SUMS line pattern changed"
    );
    let package = std::fs::read_to_string(repo().join("scripts/package")).unwrap();
    assert!(
        package.contains("xargs sha256sum >../SHA256SUMS"),
        "scripts/package no longer writes SHA256SUMS with sha256sum: check EngineCheck.ExpectedHash"
    );
}

#[test]
fn only_checked_binaries_are_started() {
    // The engine starts in three places: the handshake (EngineProbe), a session
    // (LicenseAudit.NativeProcess) and `& $binary` for plain-text commands. Each must run a
    // path Get-LicenseAuditBinaryPath returned, so the checks above cannot be bypassed.
    let mut problems = Vec::new();
    for f in module_files() {
        let src = read(&f);
        let name = rel(&f);
        if src.contains("EngineProbe]::Run(") && !name.ends_with("Get-LicenseAuditBinaryPath.ps1") {
            problems.push(format!("{name}: runs EngineProbe outside the handshake"));
        }
        if src.contains("LicenseAudit.NativeProcess -ArgumentList")
            && !name.ends_with("Start-LicenseAuditNative.ps1")
        {
            problems.push(format!(
                "{name}: starts LicenseAudit.NativeProcess outside Start-LicenseAuditNative"
            ));
        }
        for (i, line) in src.lines().enumerate() {
            let code = line.split('#').next().unwrap_or("");
            let Some(at) = code.find("& $") else { continue };
            let var: String = code[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let lower = var.to_ascii_lowercase();
            if !(lower.contains("binary") || lower.contains("engine") || lower.contains("exe")) {
                continue;
            }
            if !src.contains(&format!("${var} = Get-LicenseAuditBinaryPath")) {
                problems.push(format!(
                    "{name}:{}: `& ${var}` without `${var} = Get-LicenseAuditBinaryPath`",
                    i + 1
                ));
            }
            if code.contains("--version") {
                problems.push(format!(
                    "{name}:{}: runs --version itself; the handshake's version is cached (Get-LicenseAuditEngineFeature)",
                    i + 1
                ));
            }
        }
    }
    let start = read(&repo().join("Private/Start-LicenseAuditNative.ps1"));
    let starter = function_text(&start, "Start-LicenseAuditNative");
    assert!(
        position(
            starter,
            "Get-LicenseAuditBinaryPath",
            "Start-LicenseAuditNative"
        ) < position(
            starter,
            "LicenseAudit.NativeProcess",
            "Start-LicenseAuditNative"
        )
    );
    assert!(
        starter.contains("[System.ComponentModel.Win32Exception]")
            && starter.contains("[LicenseAudit.EngineDiagnosis]::StartFailure("),
        "a failed Process.Start is explained from its Win32 error code"
    );
    let receive = function_text(&start, "Receive-LicenseAuditNativeOutput");
    assert!(
        receive.contains("[LicenseAudit.EngineDiagnosis]::ExitFailure("),
        "an exit code that is not the engine's is explained"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The ids and categories of every `new EngineDiagnosis("Id", "Category", ...)` in NativeProcess.cs.
fn engine_diagnoses() -> BTreeSet<(String, String)> {
    let helper = read(&repo().join("Private/NativeProcess.cs"));
    let mut out = BTreeSet::new();
    for (at, _) in helper.match_indices("new EngineDiagnosis(\"") {
        let rest = &helper[at + "new EngineDiagnosis(\"".len()..];
        let id = &rest[..rest.find('"').unwrap()];
        let rest = &rest[id.len() + 1..];
        let rest = &rest[rest.find('"').unwrap() + 1..];
        let category = &rest[..rest.find('"').unwrap()];
        out.insert((id.to_string(), category.to_string()));
    }
    out
}

#[test]
fn engine_diagnoses_have_stable_ids_real_categories_and_are_documented() {
    // The category is converted with [System.Management.Automation.ErrorCategory]'Name': a
    // name that is not one throws while the error is being reported.
    const CATEGORIES: &[&str] = &[
        "NotSpecified",
        "OpenError",
        "CloseError",
        "DeviceError",
        "DeadlockDetected",
        "InvalidArgument",
        "InvalidData",
        "InvalidOperation",
        "InvalidResult",
        "InvalidType",
        "MetadataError",
        "NotImplemented",
        "NotInstalled",
        "ObjectNotFound",
        "OperationStopped",
        "OperationTimeout",
        "SyntaxError",
        "ParserError",
        "PermissionDenied",
        "ResourceBusy",
        "ResourceExists",
        "ResourceUnavailable",
        "ReadError",
        "WriteError",
        "FromStdErr",
        "SecurityError",
        "ProtocolError",
        "ConnectionError",
        "AuthenticationError",
        "LimitsExceeded",
        "QuotaExceeded",
        "NotEnabled",
    ];
    let mut diagnoses = engine_diagnoses();
    // The one built in PowerShell (a --version that exits 1-5).
    diagnoses.insert(("EngineStartFailed".into(), "ResourceUnavailable".into()));
    assert!(diagnoses.len() >= 8, "found only {diagnoses:?}");
    // The ids are explained in the guide (docs/install.md, docs/troubleshooting.md), moved there
    // from README.md (issue #25).
    let readme: String = documentation_pages().iter().map(|p| read(p)).collect();
    let mut problems = Vec::new();
    for (id, category) in &diagnoses {
        if !CATEGORIES.contains(&category.as_str()) {
            problems.push(format!("{id}: '{category}' is not an ErrorCategory"));
        }
        if !id.starts_with("Engine") || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            problems.push(format!("{id}: not an Engine* id"));
        }
        if !readme.contains(&format!("LicenseAudit.{id}")) {
            problems.push(format!("README.md and docs/ do not name LicenseAudit.{id}"));
        }
    }
    let loader = read(&repo().join("Private/Get-LicenseAuditBinaryPath.ps1"));
    for id in [
        "WindowsTooOld",
        "ChecksumFileMissing",
        "ChecksumEntryMissing",
        "ChecksumMismatch",
        "EngineNotResponding",
        "EngineNotRecognized",
        "EngineVersionMismatch",
    ] {
        if !loader.contains(&format!("'{id}'")) {
            problems.push(format!(
                "Get-LicenseAuditBinaryPath.ps1 no longer raises {id}"
            ));
        }
        if !readme.contains(&format!("LicenseAudit.{id}")) {
            problems.push(format!("README.md and docs/ do not name LicenseAudit.{id}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_runbook_passes_server_names_trimmed() {
    // `Where-Object { $_.Trim() }` only filters blank lines: "FS01 " (a trailing space in the
    // list) would still reach -UalComputerName and fail to resolve.
    let runbook = std::fs::read_to_string(repo().join("examples/runbook.ps1")).unwrap();
    let line = runbook
        .lines()
        .find(|l| l.contains("$arguments.UalComputerName ="))
        .expect("the runbook sets -UalComputerName");
    assert!(
        line.contains("ForEach-Object { $_.Trim() }"),
        "the server names are trimmed before -UalComputerName: {line}"
    );
}
