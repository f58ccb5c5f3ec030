//! The one way services ask who holds which role on a day.

use crate::AppResult;
use mandate_core::OrgId;
use mandate_core::roles::Holders;
use mandate_store::Store;
use time::Date;

/// The organisation's role holders on `day`.
pub async fn holders_on(store: &Store, org: OrgId, day: Date) -> AppResult<Holders> {
    Ok(Holders::on(store.assignments(org, None).await?, day))
}
