//! Which licence row a CAL need draws from: the one place the drawing order is decided.

use super::licenses::License;

/// Of the licences with seats left that `fits`, the first by priority (lower first), then the
/// older version (so newer licences stay free for needs only they can cover; rows that cover any
/// version, with Software Assurance, a plan or no version, come last), then the file row; takes
/// one seat from it. None: nothing fits (a shortfall).
pub fn draw(
    licenses: &[License],
    remaining: &mut [u64],
    fits: impl Fn(&License) -> bool,
) -> Option<usize> {
    let pick = (0..licenses.len())
        .filter(|i| remaining[*i] > 0 && fits(&licenses[*i]))
        .min_by_key(|i| {
            let l = &licenses[*i];
            (l.priority, l.draw_version(), l.row)
        });
    if let Some(i) = pick {
        remaining[i] -= 1;
    }
    pick
}
