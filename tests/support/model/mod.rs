//! The model-based push test's parts (the test itself: `tests/in_process/push_model.rs`): the ERP and its records
//! ([`erp`], its credit notes [`credit`]), what Xero holds of them ([`holds`]), Xero and the library's connection with
//! what can happen to them ([`xero`]), changes a person makes in Xero ([`by_hand`]), what must hold after every push
//! and at the end ([`checks`], for allocations [`allocations`]), and one sequence of steps acting on them ([`world`]).

pub mod allocations;
pub mod by_hand;
pub mod checks;
pub mod credit;
pub mod erp;
pub mod holds;
pub mod world;
pub mod xero;
