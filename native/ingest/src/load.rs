//! The two ways an audit reads an input, with bad records reported rather than dropped.

use crate::{open_input, open_input_selecting, Record};
use license_audit_model::{InputError, Reporter};

/// Reads every record of a small input (policies, pools, licences) into memory. Each bad
/// record is reported; if any was, the whole input is refused (a fatal error naming the file),
/// because results built on a partly-read policy or licence set could be wrong for many users
/// at once.
pub fn load_all<T>(
    path: &str,
    reporter: &mut impl Reporter,
    read: impl Fn(&Record) -> Result<T, InputError>,
) -> Result<Vec<T>, InputError> {
    let mut items = Vec::new();
    let mut bad = 0;
    for rec in open_input(path)? {
        match rec.and_then(|r| read(&r)) {
            Ok(item) => items.push(item),
            Err(e) if e.fatal => return Err(e),
            Err(e) => {
                bad += 1;
                reporter.bad_record(&e);
            }
        }
    }
    if bad > 0 {
        return Err(InputError::file(
            path,
            format!("{bad} record(s) could not be read (each reported above); nothing was audited, because a partly-read file of this kind could change the answer for many users"),
        ));
    }
    Ok(items)
}

/// Streams a large input (users, evidence) through `each`, one good record at a time; bad
/// records are reported and skipped, never silently dropped. A fatal reader error ends the run.
pub fn stream_each<R: Reporter, E: From<InputError>>(
    path: &str,
    select: Option<&'static [&'static str]>,
    activity: &str,
    reporter: &mut R,
    mut each: impl FnMut(&mut R, Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut n = 0u64;
    for rec in open_input_selecting(path, select)? {
        n += 1;
        reporter.progress(activity, "records read", n, None);
        match rec {
            Ok(r) => each(reporter, r)?,
            Err(e) if e.fatal => return Err(e.into()),
            Err(e) => reporter.bad_record(&e),
        }
    }
    reporter.progress_done(activity, "records read", n);
    Ok(())
}
