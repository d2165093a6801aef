//! UCCX: contact-centre resources (`/adminapi/resource`); an agent record is a licence.

use super::record_exists::{Kind, RecordExists};
use crate::model::uc::UcService;
use crate::uc::inputs::UccxAgent;
use crate::uc::link::Service;

pub fn new() -> Box<dyn Service> {
    Box::new(RecordExists::new(Kind {
        service: UcService::Uccx,
        files: |f| &f.uccx_agents,
        properties: UccxAgent::PROPERTIES,
        key_property: "userID",
        read_key: |r| UccxAgent::read(r).map(|a| a.user_id),
        activity: "Reading UCCX agents",
        detail: "UCCX resource exists",
    }))
}
