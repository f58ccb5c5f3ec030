//! Where the data lives: `sqlite://PATH` (the default, a file under
//! `./mandate-data/`) or `postgres://...`.

use std::fmt;
use std::path::{Path, PathBuf};

pub const DEFAULT_SQLITE_PATH: &str = "mandate-data/mandate.db";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite:path`, a bare path, or a
    /// `postgres://`/`postgresql://` URL.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("the database URL is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path == ":memory:" {
            return Err(format!(
                "{raw:?}: an SQLite URL needs a file path (sqlite://PATH)"
            ));
        }
        if let Some((scheme, _)) = raw.split_once("://")
            && scheme != "sqlite"
        {
            return Err(format!(
                "{raw:?}: unsupported database scheme {scheme:?} (use sqlite:// or postgres://)"
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn default_sqlite() -> Self {
        Self::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH))
    }

    /// The signing key's default home: beside an SQLite file, or under
    /// `./mandate-data/` for PostgreSQL.
    pub fn default_key_path(&self) -> PathBuf {
        let dir = match self {
            Self::Sqlite(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            Self::Postgres(_) => PathBuf::from("mandate-data"),
        };
        dir.join("audit-signing.key")
    }

    /// The URL with any password removed, for messages and logs.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    match url[scheme_end + 3..at].split_once(':') {
                        Some((user, _password)) => {
                            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                        }
                        None => url.clone(),
                    }
                }
                _ => url.clone(),
            },
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/m.db"),
            Ok(DatabaseUrl::Sqlite("data/m.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("/tmp/m.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/m.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn passwords_never_reach_messages() {
        let url = DatabaseUrl::parse("postgres://ana:s3cret@db.example/mandate").expect("valid");
        assert_eq!(url.redacted(), "postgres://ana:***@db.example/mandate");
        let url = DatabaseUrl::parse("postgres://ana@db.example/mandate").expect("valid");
        assert_eq!(url.redacted(), "postgres://ana@db.example/mandate");
        assert_eq!(
            DatabaseUrl::default_sqlite().default_key_path(),
            PathBuf::from("mandate-data/audit-signing.key")
        );
    }
}
