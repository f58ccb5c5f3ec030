//! Row types declared once: the macro derives the struct, its column list,
//! its multi-row insert and its backup form from one list of fields. Used
//! from the area folders of `repo/`, so the paths it writes start at
//! `super::super` (the `repo` module, compiled once per backend).

macro_rules! row_type {
    ($(#[$doc:meta])* $name:ident in $table:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(sqlx::FromRow, serde::Serialize, serde::Deserialize, Clone, Debug)]
        pub struct $name { $(pub $field: $ty),* }

        impl $name {
            /// The columns, comma-separated, for SELECT lists.
            #[allow(dead_code)] // rows read through `kept` list their columns themselves
            pub const SELECT: &'static str = concat!($(stringify!($field), ", "),*);
        }

        impl super::super::batch::Insertable for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn bind_into(&self, row: &mut sqlx::query_builder::Separated<'_, super::super::Db, &'static str>) {
                $( row.push_bind(self.$field.clone()); )*
            }
        }
    };
}

pub(crate) use row_type;

/// The SELECT list of a row type (its `SELECT`), without the trailing comma.
pub fn columns(select: &'static str) -> &'static str {
    select.trim_end_matches(", ")
}

/// A list or map column's JSON text.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
