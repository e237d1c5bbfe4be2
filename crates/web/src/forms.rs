//! The form of every record type. The declaration of each type's fields and
//! the conversion of posted text into the record's JSON live in the domain
//! (`bienphong_domain::fields`), shared with the spreadsheets; the web draws
//! its forms from them.

pub use bienphong_domain::fields::*;
