//! Static checks of the PowerShell module against the binary, for hosts without pwsh: every
//! .ps1/.psm1/.psd1 parses (tree-sitter-powershell, no ERROR nodes); every exported function has
//! its Public/<Name>.ps1 with comment-based help; every --flag a cmdlet passes exists in the CLI
//! under the subcommand it calls.

use clap::CommandFactory;
use license_audit::app::cli::Cli;
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
    visit(&Cli::command(), String::new(), &mut out);
    out
}

#[test]
fn every_flag_a_cmdlet_passes_exists_in_the_cli() {
    let cli = cli_flags();
    let globals = cli[""].clone();
    let anywhere: BTreeSet<String> = cli.values().flatten().cloned().collect();
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
            if !["Invoke-LicenseAuditNative", "Start-LicenseAuditNative"]
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
    for entry in license_audit::app::schema::registry() {
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
