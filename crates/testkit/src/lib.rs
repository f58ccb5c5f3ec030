//! Fresh databases for tests: an SQLite file in a temporary directory always,
//! and a new PostgreSQL database whenever `MANDATE_TEST_POSTGRES_URL` is set
//! (dropped again when the test is done). Every test that touches storage
//! runs once per backend this returns.

pub mod fixtures;

use std::path::PathBuf;

pub const POSTGRES_ENV: &str = "MANDATE_TEST_POSTGRES_URL";

/// One fresh, empty database; removed on drop.
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    /// A directory the test may use for key files, backups and exports.
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("mandate.db").display());
        Self {
            url,
            backend: "sqlite",
            dir,
            postgres: None,
        }
    }

    /// A new database on the server at `MANDATE_TEST_POSTGRES_URL`, or `None`
    /// when it is not set.
    pub async fn postgres() -> Option<Self> {
        let admin = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty())?;
        let name = format!("mandate_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = connect(&admin).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("CREATE DATABASE on the test server");
        let url = with_database(&admin, &name);
        let dir = tempfile::tempdir().expect("a temporary directory");
        Some(Self {
            url,
            backend: "postgres",
            dir,
            postgres: Some((admin, name)),
        })
    }

    /// SQLite always; PostgreSQL too when it is configured.
    pub async fn all() -> Vec<Self> {
        let mut dbs = vec![Self::sqlite()];
        dbs.extend(Self::postgres().await);
        dbs
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.path().join("audit-signing.key")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs raw SQL against the database, as an intruder with database access would.
    pub async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        if self.backend == "postgres" {
            let mut conn = connect(&self.url).await;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut conn)
                .await
                .expect("raw SQL runs");
            conn.close().await.ok();
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&self.url)
                .await
                .expect("SQLite opens");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut conn)
                .await
                .expect("raw SQL runs");
            conn.close().await.ok();
        }
    }
}

impl TestDb {
    /// The number of rows of `table`, read as an auditor with database access would.
    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Connection;
        let sql = format!("SELECT COUNT(*) FROM {table}");
        if self.backend == "postgres" {
            let mut conn = connect(&self.url).await;
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut conn)
                .await
                .expect("count");
            conn.close().await.ok();
            n
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&self.url)
                .await
                .expect("SQLite opens");
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut conn)
                .await
                .expect("count");
            conn.close().await.ok();
            n
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on its own thread can.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                let mut conn = connect(&admin).await;
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            });
        })
        .join();
    }
}

async fn connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .expect("the PostgreSQL test server is reachable")
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let root = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
