//! Walking a text table's plain texts in a fixed order, so that one language's texts can travel
//! as a list: the server writes the served language's list into the page, and the browser, whose
//! bundle carries only the English words, fills its table from it ([`super::served`]).
//!
//! [`texts!`] declares the tables of [`super::keys`] and their walk; [`text!`] writes a plain text
//! of a language other than English: the words on the server, nothing in the browser's bundle.

use crate::error::Refusal;
use crate::model::{AuditAction, DurationError, RefundReason};

/// A table (or one of its texts) whose plain texts can be visited in declaration order.
pub trait Walk {
    fn walk(&mut self, visit: &mut dyn FnMut(&mut &'static str));
}

impl Walk for &'static str {
    fn walk(&mut self, visit: &mut dyn FnMut(&mut &'static str)) {
        visit(self);
    }
}

/// Texts that take values are code, in every build and language: nothing to visit.
macro_rules! inert {
    ($($ty:ty),* $(,)?) => {
        $(impl Walk for $ty {
            fn walk(&mut self, _: &mut dyn FnMut(&mut &'static str)) {}
        })*
    };
}

inert!(
    fn(&DurationError) -> String,
    fn(&str) -> String,
    fn(&str, &str) -> String,
    fn(&str, &str, &str) -> String,
    fn(&str, &str, &str, &str) -> String,
    fn(&str, &str, usize, usize) -> String,
    fn(&str, i64) -> String,
    fn(&str, u64) -> String,
    fn(&str, u64, u64) -> String,
    fn(AuditAction) -> &'static str,
    fn(RefundReason) -> &'static str,
    fn(Refusal) -> &'static str,
    fn(u32) -> String,
    fn(u32, u32) -> String,
    fn(u32, u32, i32) -> String,
    fn(u64) -> String,
    fn(usize) -> String,
    fn(usize, usize) -> String,
);

/// Declares text tables: each struct as written (cloneable), and its [`Walk`] over every field
/// in order.
macro_rules! texts {
    ($(
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    )*) => {
        $(
            $(#[$meta])*
            #[derive(Clone)]
            pub struct $name {
                $( $(#[$field_meta])* pub $field: $ty ),*
            }

            impl $crate::i18n::walk::Walk for $name {
                fn walk(&mut self, visit: &mut dyn FnMut(&mut &'static str)) {
                    $( $crate::i18n::walk::Walk::walk(&mut self.$field, visit); )*
                }
            }
        )*
    };
}

/// A plain text of a language other than English: its words on the server; in the browser an
/// empty text, filled from the page before anything reads it.
#[cfg(feature = "ssr")]
macro_rules! text {
    ($words:literal) => {
        $words
    };
}

#[cfg(not(feature = "ssr"))]
macro_rules! text {
    ($words:literal) => {
        ""
    };
}

/// Every plain text of `table`, in walk order.
pub fn plain_texts<T: Walk + Clone>(table: &T) -> Vec<&'static str> {
    let mut texts = Vec::new();
    table.clone().walk(&mut |t| texts.push(*t));
    texts
}
