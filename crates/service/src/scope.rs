//! Whose figures a person may see: the scope of a report, a dashboard or a
//! briefing roll. Every edge asks here, so the pages, the API and any later
//! edge refuse the same units.

use crate::accounts::Principal;
use crate::{Result, Service, ServiceError};
use bienphong_domain::org::Code;
use bienphong_store::Store;

impl<S: Store> Service<S> {
    /// The unit a report for `who` covers. An administrator gets what they
    /// ask for, the whole store when they ask for none; anyone else gets
    /// their own unit when they ask for none, and a unit they ask for only
    /// if their grant reads it at some time (a unit their post once
    /// belonged to included). An unknown unit is [`ServiceError::UnknownUnit`],
    /// a unit out of reach [`ServiceError::Forbidden`].
    pub async fn report_scope(&self, who: &Principal, asked: Option<Code>) -> Result<Option<Code>> {
        let org = self.org_shared().await?;
        if let Some(u) = &asked
            && org.unit(u).is_none()
        {
            return Err(ServiceError::UnknownUnit(u.to_string()));
        }
        if who.grant.is_admin() {
            return Ok(asked);
        }
        match asked {
            None => Ok(Some(who.grant.unit.clone())),
            Some(u) if who.grant.read_scope_ever(&org).contains(&u) => Ok(Some(u)),
            Some(u) => Err(ServiceError::Forbidden(format!(
                "{} may not see the figures of {u}",
                who.name
            ))),
        }
    }
}
