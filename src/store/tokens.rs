//! Tables of the sign-in: tokens, tenant, pending sign-ins, refresh locks. (Owned by the sign-in work.)

pub const SCHEMA: &str = "";
