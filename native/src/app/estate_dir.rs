//! `--estate DIR`: a folder of exports named by what they hold (users.json,
//! conferencing-policies.xml, ...). Options given explicitly win over the folder.

use super::exit::AppError;
use std::path::Path;

/// The extensions looked for, in this order.
const EXTENSIONS: &[&str] = &["json", "ndjson", "xml", "clixml", "csv"];

pub struct EstateDir<'a>(Option<&'a Path>);

impl<'a> EstateDir<'a> {
    pub fn new(dir: Option<&'a Path>) -> Result<Self, AppError> {
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(AppError::Arguments(format!(
                    "--estate {} is not a folder",
                    d.display()
                )));
            }
        }
        Ok(EstateDir(dir))
    }

    /// The file given, else `<name>.<ext>` in the folder, if there.
    pub fn pick(&self, given: &Option<String>, name: &str) -> Option<String> {
        given.clone().or_else(|| {
            let d = self.0?;
            EXTENSIONS
                .iter()
                .map(|ext| d.join(format!("{name}.{ext}")))
                .find(|p| p.is_file())
                .map(|p| p.to_string_lossy().into_owned())
        })
    }

    /// For an option taking several files: the files given, else `<name>.<ext>` in the folder.
    pub fn pick_many(&self, given: &[String], name: &str) -> Vec<String> {
        if given.is_empty() {
            self.pick(&None, name).into_iter().collect()
        } else {
            given.to_vec()
        }
    }

    /// Like [`EstateDir::pick`], but the input must be there.
    pub fn required(
        &self,
        given: &Option<String>,
        name: &str,
        flag: &str,
    ) -> Result<String, AppError> {
        self.pick(given, name).ok_or_else(|| {
            AppError::Arguments(match self.0 {
                Some(d) => format!(
                    "{flag} FILE is required (no {name}.json/.xml/.csv in {})",
                    d.display()
                ),
                None => format!("{flag} FILE (or --estate DIR) is required"),
            })
        })
    }
}
