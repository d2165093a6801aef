//! What the fast writers (`fastjson`, `csv_cells`, `shared`) share: the error that sends a record
//! back to the serde_json path, and the stubs for the `Serializer` methods a writer leaves to it.

use serde::ser;
use std::fmt;

/// This record is written the slow way (through serde_json) instead.
#[derive(Debug)]
pub struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

pub type Result<T> = std::result::Result<T, Unsupported>;

/// `Serializer` methods that answer [`Unsupported`]: `name(arg types) -> ok type;`, and
/// `name<T>(...)` for the generic ones (their `&T` value is among the argument types).
macro_rules! unsupported {
    ($($f:ident $(<$g:ident>)? ($($t:ty),*) -> $r:ty;)*) => {
        $(fn $f$(<$g: ::serde::Serialize + ?Sized>)?(self, $(_: $t),*) -> $crate::output::fallback::Result<$r> {
            Err($crate::output::fallback::Unsupported)
        })*
    };
}
pub(crate) use unsupported;
