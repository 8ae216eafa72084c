//! The ERP-side schema: records in the ERP's own terms (debtor and creditor codes, item codes, document numbers),
//! the push requests that carry them and the per-record results. Published as JSON Schema in `schemas/`.
//!
//! Each record is decoded on its own ([`Record`]), so one malformed record fails alone, with its field path,
//! and never blocks the others.
//!
//! [`records`]: the ERP's records; [`decode`]: one record decoded on its own, and the bounds of a request;
//! [`requests`]: the push requests; [`results`]: what each record became.

pub mod decode;
pub mod records;
pub mod requests;
pub mod results;

pub use decode::{MAX_RECORDS, Record};
pub use records::*;
pub use requests::*;
pub use results::*;
