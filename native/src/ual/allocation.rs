//! Which licence row a CAL need draws from: the one place the drawing order is decided
//! (docs/rules/ual-server-cal.md, section 9).
//!
//! The order minimises the shortfall. A suite or plan seat covers several products for one
//! principal and cannot be split between principals (Microsoft's CAL Suite licensing brief: "CAL
//! Suites cannot be divided among more than one user or device"), so spending one on a need a
//! spare single-product CAL covers can leave another principal short who needed the suite for
//! several products. Hence, in two passes over the needs, grouped by principal:
//!
//! 1. in the order of how many of its needs no single-product CAL with seats fits (most first;
//!    then most needs a suite or plan fits; then the order the principals came in), a principal takes a seat of a suite or plan (the
//!    row covering most of its needs, then by [`draw`]'s order) when it has such a need or
//!    needs two or more products one suite covers; but one whose every need spare
//!    single-product CALs cover takes those instead, so a suite seat is never given to needs a
//!    spare single CAL covers while another principal needs the suite (a review found the
//!    shortfall hung on which account name sorted first);
//! 2. every need still uncovered takes, in the principal order, a seat its principal already
//!    holds, else a single-product CAL, else a suite or plan seat (by [`draw`]'s order).
//!
//! Linear in the needs times the licence rows (rows are few), plus one sort of the principals;
//! deterministic.

use super::licenses::License;
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

/// Of the licences with seats left that `fits`, the narrowest first: single-product CALs before
/// suites and plans (a suite seat is kept for a principal who needs several of its products);
/// then the lowest priority; then the older version (so newer licences stay free for needs only
/// they can cover; rows that cover any version, with Software Assurance, a plan or no version,
/// come last); then the file row. Takes one seat from it. None: nothing fits (a shortfall).
pub fn draw(
    licenses: &[License],
    remaining: &mut [u64],
    fits: impl Fn(&License) -> bool,
) -> Option<usize> {
    let pick = (0..licenses.len())
        .filter(|i| remaining[*i] > 0 && fits(&licenses[*i]))
        .min_by_key(|i| order(&licenses[*i]));
    if let Some(i) = pick {
        remaining[i] -= 1;
    }
    pick
}

fn order(l: &License) -> (bool, i64, u16, u64) {
    (l.product.is_bundle(), l.priority, l.draw_version(), l.row)
}

/// Chooses a licence row for each need (None: uncovered). `groups` are the needs of one
/// principal each (consecutive ranges of need indices, in the order the needs are reported);
/// `holder` names the principal of a group (a principal may have several groups: its needs of
/// each CAL type), `fits` whether a row can cover a need.
pub fn choose<H: Hash + Eq + Copy>(
    licenses: &[License],
    remaining: &mut [u64],
    groups: &[(H, Range<usize>)],
    fits: impl Fn(usize, &License) -> bool,
) -> Vec<Option<usize>> {
    let needs = groups.iter().map(|(_, r)| r.end).max().unwrap_or(0);
    let mut chosen: Vec<Option<usize>> = vec![None; needs];
    // The suite or plan seats each principal holds: one seat covers all of its products.
    let mut held: HashMap<H, Vec<usize>> = HashMap::new();

    // A need no single-product row with seats fits: only a suite or plan seat covers it.
    let single_fits = |n: usize, remaining: &[u64]| {
        (0..licenses.len())
            .any(|i| remaining[i] > 0 && !licenses[i].product.is_bundle() && fits(n, &licenses[i]))
    };
    let suite_only: Vec<usize> = groups
        .iter()
        .map(|(_, range)| {
            range
                .clone()
                .filter(|n| !single_fits(*n, remaining))
                .count()
        })
        .collect();
    // Needs some suite or plan row fits (seats or not).
    let suite_fits: Vec<usize> = groups
        .iter()
        .map(|(_, range)| {
            range
                .clone()
                .filter(|n| {
                    licenses
                        .iter()
                        .any(|l| l.product.is_bundle() && fits(*n, l))
                })
                .count()
        })
        .collect();
    // Principals with the most needs only a suite covers first, then those a suite covers most
    // needs of; then the order they came in (a stable sort: deterministic, and no longer decided
    // by the names alone).
    let mut pass1: Vec<usize> = (0..groups.len()).collect();
    pass1.sort_by_key(|g| {
        (
            std::cmp::Reverse(suite_only[*g]),
            std::cmp::Reverse(suite_fits[*g]),
        )
    });

    // Pass 1: suites and plans for the principals that need them.
    for g in pass1 {
        let (who, range) = &groups[g];
        if held.contains_key(who) {
            continue; // its other CAL type's seat: pass 2 reuses it where it fits
        }
        let covered = |i: usize| range.clone().filter(|n| fits(*n, &licenses[i])).count();
        let best = (0..licenses.len())
            .filter(|i| remaining[*i] > 0 && licenses[*i].product.is_bundle())
            .map(|i| (covered(i), i))
            .filter(|(count, _)| *count >= 2 || (*count >= 1 && suite_only[g] > 0))
            .min_by_key(|(count, i)| (std::cmp::Reverse(*count), order(&licenses[*i])));
        let Some((_, i)) = best else { continue };
        if suite_only[g] == 0 {
            // Spare single-product CALs cover every need: they are taken, and the suite seat
            // is kept for a principal they cannot cover.
            let mut left = remaining.to_vec();
            let singles: Option<Vec<usize>> = range
                .clone()
                .map(|n| {
                    draw(licenses, &mut left, |l| {
                        !l.product.is_bundle() && fits(n, l)
                    })
                })
                .collect();
            if let Some(singles) = singles {
                remaining.copy_from_slice(&left);
                for (n, single) in range.clone().zip(singles) {
                    chosen[n] = Some(single);
                }
                continue;
            }
        }
        remaining[i] -= 1;
        held.entry(*who).or_default().push(i);
        for n in range.clone().filter(|n| fits(*n, &licenses[i])) {
            chosen[n] = Some(i);
        }
    }

    // Pass 2: every need still uncovered, narrowest licence first.
    for (who, range) in groups {
        for n in range.clone() {
            if chosen[n].is_some() {
                continue;
            }
            let seat = held
                .get(who)
                .and_then(|seats| seats.iter().copied().find(|i| fits(n, &licenses[*i])));
            chosen[n] = seat.or_else(|| {
                let pick = draw(licenses, remaining, |l| fits(n, l));
                if let Some(i) = pick.filter(|i| licenses[*i].product.is_bundle()) {
                    held.entry(*who).or_default().push(i);
                }
                pick
            });
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::server_cal::CalType;
    use crate::ual::roles::{Family, LicenseProduct, CORE_CAL_SUITE};
    use Family::{Exchange, SharePoint, WindowsServer};

    fn row(row: u64, product: impl Into<LicenseProduct>, quantity: u64, priority: i64) -> License {
        License {
            row,
            product: product.into(),
            version: None,
            cal_type: CalType::User,
            quantity,
            priority,
            servers: Vec::new(),
            software_assurance: false,
            host: None,
        }
    }

    /// Needs as (principal, product); groups of consecutive needs of one principal.
    fn allocate(licenses: &[License], needs: &[(u32, Family)]) -> Vec<Option<usize>> {
        let mut groups: Vec<(u32, Range<usize>)> = Vec::new();
        for (n, (who, _)) in needs.iter().enumerate() {
            match groups.last_mut() {
                Some((last, r)) if last == who => r.end = n + 1,
                _ => groups.push((*who, n..n + 1)),
            }
        }
        let mut remaining: Vec<u64> = licenses.iter().map(|l| l.quantity).collect();
        choose(licenses, &mut remaining, &groups, |n, l| {
            l.covers(needs[n].1)
        })
    }

    #[test]
    fn the_suite_goes_to_the_principal_who_needs_several_of_its_products() {
        // One Core CAL Suite seat, nothing else. Principal 1 needs Windows Server only and comes
        // first; principal 2 needs Windows Server and Exchange. Drawn in order, 1 took the seat
        // and 2 was short twice; the suite to 2 leaves one need short, the least possible.
        let licenses = [row(1, LicenseProduct::Bundle(CORE_CAL_SUITE), 1, 10)];
        let needs = [(1, WindowsServer), (2, WindowsServer), (2, Exchange)];
        assert_eq!(allocate(&licenses, &needs), vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn the_suite_goes_to_the_principal_spare_single_cals_cannot_cover_whatever_its_name() {
        // Review finding: one Core CAL Suite, one Windows Server and one Exchange CAL. One
        // principal needs Windows Server and Exchange, the other Windows Server and SharePoint.
        // The suite to the first left SharePoint short and the Exchange CAL unused.
        let licenses = [
            row(1, LicenseProduct::Bundle(CORE_CAL_SUITE), 1, 1),
            row(2, WindowsServer, 1, 50),
            row(3, Exchange, 1, 50),
        ];
        let needs = [
            (1, WindowsServer),
            (1, Exchange),
            (2, WindowsServer),
            (2, SharePoint),
        ];
        assert_eq!(
            allocate(&licenses, &needs),
            vec![Some(1), Some(2), Some(0), Some(0)]
        );
        // The same principals in the other order: the same seats.
        let needs = [
            (1, WindowsServer),
            (1, SharePoint),
            (2, WindowsServer),
            (2, Exchange),
        ];
        assert_eq!(
            allocate(&licenses, &needs),
            vec![Some(0), Some(0), Some(1), Some(2)]
        );
    }

    #[test]
    fn a_single_cal_is_drawn_before_a_suite_whatever_the_priority() {
        // The suite has the better priority; a spare single CAL still covers the one need.
        let licenses = [
            row(1, LicenseProduct::Bundle(CORE_CAL_SUITE), 1, 1),
            row(2, WindowsServer, 1, 50),
        ];
        let needs = [(1, WindowsServer), (2, Exchange)];
        assert_eq!(allocate(&licenses, &needs), vec![Some(1), Some(0)]);
        // Among rows of the same breadth, priority decides.
        let licenses = [row(1, WindowsServer, 1, 9), row(2, WindowsServer, 1, 1)];
        assert_eq!(allocate(&licenses, &[(1, WindowsServer)]), vec![Some(1)]);
    }
}
