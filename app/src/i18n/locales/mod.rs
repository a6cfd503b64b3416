//! One table of [`super::Texts`] per language.

pub mod de;
pub mod en;
pub mod es;
pub mod fr;
pub mod ja;
pub mod pt_br;
