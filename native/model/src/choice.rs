//! Closed sets of values that records carry and options choose from.
//!
//! [`choice!`] declares such an enum once: its JSON spelling (unchanged from the strings the
//! records always carried), its JSON Schema `enum` (so `schema` lists the allowed values), and
//! the lower-case spelling the command line accepts. The command line builds its parsers from
//! [`Choice::ALL`], so the model never depends on clap.

/// An enum whose values have fixed names.
pub trait Choice: Copy + Eq + Send + Sync + 'static {
    /// Every value, in the order help text lists them.
    const ALL: &'static [Self];
    /// As records spell it (e.g. `InsufficientData`, `Standard`).
    fn name(self) -> &'static str;
    /// As the command line spells it (e.g. `lenient`, `standard`).
    fn arg(self) -> &'static str;
    /// One line of help for this value, if it needs one.
    fn help(self) -> &'static str {
        ""
    }
    /// The value whose record or command-line spelling is `text` (case-insensitive).
    fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(t) || c.arg().eq_ignore_ascii_case(t))
    }
}

/// Declares a [`Choice`] enum: `Variant => "RecordName" / "arg-name"`, with optional
/// `: "help"` and `#[default]`.
#[macro_export]
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $record:literal / $arg:literal $(: $help:literal)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $record)] $variant, )+
        }

        impl $crate::Choice for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn name(self) -> &'static str {
                match self { $($name::$variant => $record),+ }
            }
            fn arg(self) -> &'static str {
                match self { $($name::$variant => $arg),+ }
            }
            #[allow(unreachable_patterns)]
            fn help(self) -> &'static str {
                match self { $($( $name::$variant => $help, )?)+ _ => "" }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::Choice::name(*self))
            }
        }
    };
}
