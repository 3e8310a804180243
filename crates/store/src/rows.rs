//! Mapping result rows to structs: by column name, one place per struct.

/// Implements [`sqlx::FromRow`] for a struct read by column name: each field from the column
/// of its name; fields listed under `flags` are integer columns read as `!= 0`.
macro_rules! from_row {
    ($ty:ident { $($field:ident),* $(,)? } $(flags { $($flag:ident),* $(,)? })?) => {
        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $ty {
            fn from_row(r: &'r sqlx::any::AnyRow) -> std::result::Result<Self, sqlx::Error> {
                use sqlx::Row;
                Ok($ty {
                    $($field: r.try_get(stringify!($field))?,)*
                    $($($flag: r.try_get::<i64, _>(stringify!($flag))? != 0,)*)?
                })
            }
        }
    };
}
