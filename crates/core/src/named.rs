//! Enumerations that travel as snake_case names (in JSON, forms, CSV and
//! the database) and are shown with a label: declared once, with both.

/// Declares an enumeration with `ALL`, `as_str`, `label` and `parse`; serde
/// uses the same names as `as_str`.
#[macro_export]
macro_rules! named_enum {
    ($(#[$doc:meta])* pub enum $name:ident {
        $($(#[$vdoc:meta])* $variant:ident = ($key:literal, $label:literal)),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $key)] $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw.trim())
            }

            /// The names, for messages that list the choices.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::named_enum! {
        /// A test enumeration.
        pub enum Colour {
            Red = ("red", "Red"),
            DarkBlue = ("dark_blue", "Dark blue"),
        }
    }

    #[test]
    fn names_labels_and_serde_agree() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).expect("serialises");
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(Colour::DarkBlue.label(), "Dark blue");
        assert_eq!(Colour::parse("green"), None);
        assert_eq!(Colour::names(), "red, dark_blue");
    }
}
