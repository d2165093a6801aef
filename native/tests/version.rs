//! One version: the workspace's `version` in Cargo.toml is the engine's and the module's. The
//! PowerShell manifest's `ModuleVersion` (and its `Prerelease`, for a Cargo pre-release such as
//! `0.2.0-beta1`) must say the same, or a packaged module would ship an engine of another
//! version. `scripts/package` takes the version from Cargo and refuses to run on a mismatch too.

use std::path::Path;

/// The value of `Key = 'value'` (or `"value"`) in the psd1 text, ignoring `#` comment lines.
/// None when the key is absent; a panic when it appears more than once.
fn psd1_string(text: &str, key: &str) -> Option<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('=') else {
            continue; // a longer key that starts with this one
        };
        let rest = rest.trim();
        let quote = rest.chars().next().expect("a value after '='");
        assert!(
            quote == '\'' || quote == '"',
            "{key} in the psd1 is not a quoted string: {line}"
        );
        let value = &rest[1..];
        let end = value
            .find(quote)
            .unwrap_or_else(|| panic!("{key}: unterminated string: {line}"));
        found.push(value[..end].to_string());
    }
    assert!(
        found.len() <= 1,
        "{key} appears {} times in LicenseAudit.psd1",
        found.len()
    );
    found.pop()
}

fn manifest() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("LicenseAudit.psd1");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn module_version_is_the_cargo_version() {
    let cargo = env!("CARGO_PKG_VERSION");
    let (release, pre) = match cargo.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (cargo, None),
    };
    let text = manifest();
    let module = psd1_string(&text, "ModuleVersion").expect("LicenseAudit.psd1 has ModuleVersion");
    assert_eq!(
        module, release,
        "LicenseAudit.psd1 ModuleVersion is {module}, Cargo.toml's version is {cargo}: change one to match"
    );
    assert_eq!(
        psd1_string(&text, "Prerelease").as_deref(),
        pre,
        "Cargo.toml's version is {cargo}: LicenseAudit.psd1 PSData.Prerelease must be {pre:?}"
    );
}

#[test]
fn every_crate_takes_the_workspace_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for manifest in [
        "native/Cargo.toml",
        "native/model/Cargo.toml",
        "native/ingest/Cargo.toml",
    ] {
        let text = std::fs::read_to_string(root.join(manifest)).unwrap();
        assert!(
            text.lines().any(|l| l.trim() == "version.workspace = true"),
            "{manifest} must say `version.workspace = true`: the version lives in the workspace Cargo.toml"
        );
    }
}

#[test]
fn the_psd1_reader_finds_what_it_should() {
    let text = "@{\n    # ModuleVersion = '9.9.9'\n    ModuleVersionX = '1'\n    ModuleVersion        = \"1.2.3\"\n}\n";
    assert_eq!(psd1_string(text, "ModuleVersion").as_deref(), Some("1.2.3"));
    assert_eq!(psd1_string(text, "Prerelease"), None);
}
