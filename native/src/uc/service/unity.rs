//! Unity Connection: users (CUPI `/vmrest/users`); a user (a mailbox) is a licence.

use super::record_exists::{Kind, RecordExists};
use crate::model::uc::UcService;
use crate::uc::inputs::UnityUser;
use crate::uc::link::Service;

pub fn new() -> Box<dyn Service> {
    Box::new(RecordExists::new(Kind {
        service: UcService::Unity,
        files: |f| &f.unity_users,
        properties: UnityUser::PROPERTIES,
        key_property: "Alias",
        read_key: |r| UnityUser::read(r).map(|u| u.alias),
        activity: "Reading Unity Connection users",
        detail: "Unity Connection user (mailbox) exists",
    }))
}
