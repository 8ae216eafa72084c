//! The organisations a sign-in reaches (Xero's `GET /connections`), choosing the tenant once, disconnecting,
//! the status of a connection, and its export and import.
//!
//! One job a file: [`connections`] (listing the organisations), [`choice`] (choosing and storing the tenant),
//! [`disconnect`](mod@disconnect), [`status`](mod@status), [`exported`] (export and import).

mod choice;
mod connections;
mod disconnect;
mod exported;
mod status;

pub use choice::{TenantChoice, TenantView, set_tenant};
pub use connections::{XeroConnection, list, list_with};
pub use disconnect::{Disconnected, disconnect};
pub use exported::{EXPORT_FORMAT, Exported, Imported, export, import};
pub use status::{RefreshError, Status, status};

use crate::auth::LOG_TARGET as TARGET;
