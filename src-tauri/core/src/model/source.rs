//! Data sources: where a template's SQL runs. Every workspace has `src_local` (DataFusion over
//! its `data/` folder and data tables); the analyst adds their own databases, PostgreSQL
//! first. A source holds how to reach the database, never a secret: the password is in the
//! OS keyring, an environment variable the source names, or the PostgreSQL password file.

use crate::ids::SourceId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// The engines a source can be.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The embedded engine: DataFusion over the workspace's data files and data tables.
    Local,
    /// A PostgreSQL server.
    Postgres,
}

impl SourceKind {
    /// As the database and files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Postgres => "postgres",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Local, Self::Postgres]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the connection to a PostgreSQL server is encrypted (libpq's `sslmode`, through
/// the system's OpenSSL). As in libpq, `require` encrypts without checking the server's
/// certificate.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    Disable,
    /// Encrypted when the server offers it.
    #[default]
    Prefer,
    /// Always encrypted; the server's certificate is not checked (as libpq's `require`).
    Require,
    /// Encrypted, the server's certificate signed by a trusted authority.
    VerifyCa,
    /// As `verify-ca`, and the certificate names the host connected to.
    VerifyFull,
}

impl SslMode {
    pub const ALL: [Self; 5] = [
        Self::Disable,
        Self::Prefer,
        Self::Require,
        Self::VerifyCa,
        Self::VerifyFull,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

impl std::str::FromStr for SslMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not an sslmode: use disable, prefer, require, verify-ca or verify-full"
                )
            })
    }
}

/// How to reach a PostgreSQL database. No password: see [`PostgresConfig::password_env`].
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    pub database: String,
    pub user: String,
    #[serde(default)]
    pub sslmode: SslMode,
    /// The certificate authorities (a PEM file) `verify-ca` and `verify-full` trust; without
    /// it, the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_root_cert: Option<String>,
    /// The schemas unqualified table names are looked up in, in order (`search_path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
    /// The most connections the app keeps open to the server.
    #[serde(default = "default_pool_size")]
    pub pool_size: u32,
    /// The server stops a query that runs longer (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_timeout_ms: Option<u32>,
    /// The environment variable holding the password, for machines without a keyring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// A node on this source reuses a result an earlier run kept when it is younger than
    /// this ("30s", "10m", "2h", "1d"); without it, such a node always runs (the server's
    /// data cannot be fingerprinted cheaply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reuse_for: Option<String>,
}

fn default_port() -> u16 {
    5432
}

fn default_pool_size() -> u32 {
    4
}

/// What a source is and how to reach it, by kind.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceConfig {
    Local,
    Postgres(PostgresConfig),
}

impl SourceConfig {
    pub fn kind(&self) -> SourceKind {
        match self {
            Self::Local => SourceKind::Local,
            Self::Postgres(_) => SourceKind::Postgres,
        }
    }

    /// How long a result on this source may be reused; `None`: reused only by its data's
    /// fingerprint (the local engine's), or never.
    pub fn reuse_for(&self) -> Option<Duration> {
        match self {
            Self::Local => None,
            Self::Postgres(pg) => pg.reuse_for.as_deref().and_then(|d| parse_duration(d).ok()),
        }
    }
}

/// A named data source of a workspace.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    pub source_id: SourceId,
    pub name: String,
    pub config: SourceConfig,
}

impl DataSource {
    /// The built-in source every workspace has.
    pub fn local() -> Self {
        Self {
            source_id: SourceId::local(),
            name: "This computer".to_owned(),
            config: SourceConfig::Local,
        }
    }

    pub fn kind(&self) -> SourceKind {
        self.config.kind()
    }

    /// What in this source cannot be saved, first found: the rule it breaks and why, in
    /// words. (A `password_env` that is not a variable's name is never echoed: it may be
    /// the password itself.)
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let name = self.name.trim();
        if name.is_empty() {
            return Some((
                "source_name_present",
                "a data source needs a name".to_owned(),
            ));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Some((
                "source_name_length",
                format!("a data source's name is at most {MAX_NAME_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Some((
                "source_name_plain",
                "a data source's name cannot hold tabs, line breaks or other control characters"
                    .to_owned(),
            ));
        }
        match &self.config {
            SourceConfig::Local => None,
            SourceConfig::Postgres(pg) => pg.problem(),
        }
    }
}

/// The longest name a data source may have.
pub const MAX_NAME_CHARS: usize = 200;

impl PostgresConfig {
    fn problem(&self) -> Option<(&'static str, String)> {
        let missing = |what: &str| format!("a PostgreSQL source needs a {what}");
        if self.host.trim().is_empty() {
            return Some(("source_host_present", missing("host")));
        }
        if self.port == 0 {
            return Some((
                "source_port",
                "the port is a number from 1 to 65535".to_owned(),
            ));
        }
        if self.database.trim().is_empty() {
            return Some(("source_database_present", missing("database")));
        }
        if self.user.trim().is_empty() {
            return Some(("source_user_present", missing("user")));
        }
        if !(1..=1000).contains(&self.pool_size) {
            return Some((
                "source_pool_size",
                "the pool size is a number from 1 to 1000".to_owned(),
            ));
        }
        if let Some(var) = &self.password_env
            && !is_variable_name(var)
        {
            return Some((
                "source_password_env_name",
                "the password's environment variable is named by letters, digits and `_` \
                 (not starting with a digit): give the variable's name, never the password \
                 itself"
                    .to_owned(),
            ));
        }
        if let Some(reuse_for) = &self.reuse_for
            && let Err(why) = parse_duration(reuse_for)
        {
            return Some(("source_reuse_for", format!("reuse_for: {why}")));
        }
        None
    }
}

/// Whether `name` can name an environment variable (`PG_SALES_PW`).
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A source as the workspace holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SourceDetail {
    pub source: DataSource,
    /// How many templates run on it.
    pub template_count: u32,
    pub created_at: String,
    pub updated_at: String,
}

/// A source a flow file's templates name: its id and kind, nothing about how to reach it.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub source_id: SourceId,
    pub kind: SourceKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// A duration as sources write it: a whole number and a unit, `s`, `m`, `h` or `d`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| {
        format!("`{text}` is not a duration: write a number and a unit, e.g. `10m`")
    })?;
    let seconds = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        other => {
            return Err(format!(
                "`{other}` in `{text}` is not a unit: use s, m, h or d (e.g. `10m`)"
            ));
        }
    };
    Ok(Duration::from_secs(number.saturating_mul(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_sources_write_them() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration(" 2h"), Ok(Duration::from_secs(7_200)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("45s"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("10").expect_err("no unit").contains("unit"));
        assert!(
            parse_duration("m")
                .expect_err("no number")
                .contains("not a duration")
        );
        assert!(parse_duration("3w").expect_err("weeks").contains("`w`"));
    }

    #[test]
    fn a_source_reads_back_as_written() {
        let text = r#"{"source_id":"src_sales","name":"Sales","config":{"kind":"postgres",
            "host":"db.internal","database":"sales","user":"analyst","reuse_for":"10m"}}"#;
        let source: DataSource = serde_json::from_str(text).expect("a source");
        assert_eq!(source.kind(), SourceKind::Postgres);
        let SourceConfig::Postgres(pg) = &source.config else {
            panic!("a postgres source")
        };
        assert_eq!(
            (pg.port, pg.pool_size, pg.sslmode),
            (5432, 4, SslMode::Prefer)
        );
        assert_eq!(source.config.reuse_for(), Some(Duration::from_secs(600)));
        let again: DataSource =
            serde_json::from_str(&serde_json::to_string(&source).expect("writes")).expect("reads");
        assert_eq!(again, source);
    }
}
