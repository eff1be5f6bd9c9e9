//! Who sees and does what: an official sees the items of the units where they hold a
//! role, and of the subordinate units where their role allows it; they act only with the
//! roles they hold in the item's own unit.

use crate::model::{Scope, Unit, User};
use donthu_core::unit::Role;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// All units below `root` in the hierarchy (not including it).
pub fn descendants(units: &[Unit], root: Uuid) -> Vec<Uuid> {
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for u in units {
        if let Some(parent) = u.parent_id {
            children.entry(parent).or_default().push(u.id);
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    let mut seen = HashSet::from([root]);
    while let Some(id) = stack.pop() {
        for child in children.get(&id).into_iter().flatten() {
            if seen.insert(*child) {
                out.push(*child);
                stack.push(*child);
            }
        }
    }
    out
}

/// Whether `unit` is `ancestor` or below it.
pub fn is_within(units: &[Unit], unit: Uuid, ancestor: Uuid) -> bool {
    unit == ancestor || descendants(units, ancestor).contains(&unit)
}

/// The units whose petitions the user may read.
pub fn scope_for(user: &User, units: &[Unit]) -> Scope {
    let mut visible = Vec::new();
    for r in user.roles.iter().filter(|r| r.role.reads_petitions()) {
        if !visible.contains(&r.unit_id) {
            visible.push(r.unit_id);
        }
        if r.role.sees_subordinate_units() {
            for d in descendants(units, r.unit_id) {
                if !visible.contains(&d) {
                    visible.push(d);
                }
            }
        }
    }
    Scope::Units(visible)
}

/// The roles the user holds in `unit` itself: those decide what they may do there.
pub fn roles_at(user: &User, unit: Uuid) -> Vec<Role> {
    user.roles.iter().filter(|r| r.unit_id == unit).map(|r| r.role).collect()
}

/// Whether the user may see denouncers' identities (on a reasoned, logged request).
pub fn is_custodian(user: &User) -> bool {
    user.roles.iter().any(|r| r.role == Role::Custodian)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UnitRole;
    use donthu_core::unit::{UnitCode, UnitKind};

    fn unit(n: u128, parent: Option<u128>) -> Unit {
        Unit {
            id: Uuid::from_u128(n),
            code: UnitCode::parse(&format!("U{n}")).unwrap(),
            name: format!("Đơn vị {n}"),
            kind: UnitKind::Other,
            parent_id: parent.map(Uuid::from_u128),
            active: true,
            successor_id: None,
            dissolved_on: None,
        }
    }

    fn user(roles: &[(u128, Role)]) -> User {
        User {
            id: Uuid::nil(),
            username: "u".into(),
            full_name: "U".into(),
            active: true,
            email: None,
            roles: roles.iter().map(|(u, r)| UnitRole { unit_id: Uuid::from_u128(*u), role: *r }).collect(),
        }
    }

    #[test]
    fn scope_follows_roles_and_hierarchy() {
        // 1 province → 2 department → 4 office; 1 → 3 commune
        let units = vec![unit(1, None), unit(2, Some(1)), unit(3, Some(1)), unit(4, Some(2))];
        let ids = |s: Scope| match s {
            Scope::Units(mut v) => {
                v.sort();
                v.into_iter().map(|u| u.as_u128()).collect::<Vec<_>>()
            }
            Scope::All => panic!("never all"),
        };
        assert_eq!(ids(scope_for(&user(&[(2, Role::Officer)]), &units)), [2]);
        assert_eq!(ids(scope_for(&user(&[(2, Role::Head)]), &units)), [2, 4]);
        assert_eq!(ids(scope_for(&user(&[(1, Role::Leader)]), &units)), [1, 2, 3, 4]);
        assert_eq!(ids(scope_for(&user(&[(1, Role::Admin)]), &units)), Vec::<u128>::new());
        assert_eq!(ids(scope_for(&user(&[(3, Role::Officer), (4, Role::Officer)]), &units)), [3, 4]);
        assert!(is_within(&units, Uuid::from_u128(4), Uuid::from_u128(1)));
        assert!(!is_within(&units, Uuid::from_u128(3), Uuid::from_u128(2)));
        assert_eq!(roles_at(&user(&[(1, Role::Head), (2, Role::Officer)]), Uuid::from_u128(2)), [Role::Officer]);
    }
}
