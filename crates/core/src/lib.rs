//! The petition domain of donthu: the model, its validation and the processing state
//! machine. This crate is pure — no IO, no async, no database or HTTP types — so every
//! rule can be tested with tables and property tests.

pub mod accountability;
pub mod error;
pub mod person;
pub mod petition;
pub mod process;
pub mod unit;
mod vocab;

pub use error::{DomainError, ErrorCode, FieldError};
