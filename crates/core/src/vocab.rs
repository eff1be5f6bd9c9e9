//! The closed vocabularies of the domain: each value has a stable code (stored in the
//! database and used by the API) and the Vietnamese label officials know.

/// Declares an enum whose variants have a stable snake_case code and a Vietnamese label.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code, as stored and as used by the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// The Vietnamese label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
