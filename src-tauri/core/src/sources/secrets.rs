//! Where a data source's password comes from. Never the workspace database, a flow file, a
//! log or a message: the OS keyring (Secret Service on Linux, Keychain, Windows Credential
//! Manager), an environment variable the source names (`password_env`), or PostgreSQL's own
//! password file (`PGPASSFILE`, else `~/.pgpass`), in that order.

use crate::model::PostgresConfig;
use std::path::{Path, PathBuf};

/// The keyring's service name for every Flowloom password.
const KEYRING_SERVICE: &str = "flowloom";

/// Why a password could not be had or kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the data source reads its password from environment variable `{var}`, which is not set"
    )]
    MissingEnv { var: String },
    #[error(
        "this computer has no keyring Flowloom can use ({why}): set the password in an environment variable and name it in the source (`password_env`), or put it in a PostgreSQL password file (`PGPASSFILE`, else ~/.pgpass)"
    )]
    NoKeyring { why: String },
    #[error("the PostgreSQL password file {} cannot be read: {why}", path.display())]
    PassFile { path: PathBuf, why: String },
}

/// The keyring entry of a database login: one per user, server and database, as
/// PostgreSQL's password file keys them, whichever workspace names it.
fn keyring_account(pg: &PostgresConfig) -> String {
    format!("{}@{}:{}/{}", pg.user, pg.host, pg.port, pg.database)
}

/// The password for `pg`'s login, from the first place that has one; `None` when none
/// does (the server may not ask for one).
pub fn password_for(pg: &PostgresConfig) -> Result<Option<String>, SecretError> {
    if let Some(var) = &pg.password_env {
        return match std::env::var(var) {
            Ok(password) => Ok(Some(password)),
            Err(_) => Err(SecretError::MissingEnv { var: var.clone() }),
        };
    }
    // A keyring that cannot be reached has nothing to give: the password file may.
    if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, &keyring_account(pg))
        && let Ok(password) = entry.get_password()
    {
        return Ok(Some(password));
    }
    match pass_file() {
        Some(path) if path.is_file() => from_pass_file(&path, pg),
        _ => Ok(None),
    }
}

/// Keeps `password` for `pg`'s login in the OS keyring.
pub fn keep_password(pg: &PostgresConfig, password: &str) -> Result<(), SecretError> {
    let no_keyring = |err: keyring::Error| SecretError::NoKeyring {
        why: err.to_string(),
    };
    keyring::Entry::new(KEYRING_SERVICE, &keyring_account(pg))
        .and_then(|entry| entry.set_password(password))
        .map_err(no_keyring)
}

/// Forgets the password the keyring keeps for `pg`'s login, if it keeps one.
pub fn forget_password(pg: &PostgresConfig) {
    if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, &keyring_account(pg)) {
        let _ = entry.delete_credential();
    }
}

/// PostgreSQL's password file: `PGPASSFILE`, else `~/.pgpass`.
fn pass_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".pgpass"))
}

/// The password of the first line of the password file at `path` that matches `pg`
/// (`host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped).
fn from_pass_file(path: &Path, pg: &PostgresConfig) -> Result<Option<String>, SecretError> {
    let text = std::fs::read_to_string(path).map_err(|err| SecretError::PassFile {
        path: path.to_owned(),
        why: err.to_string(),
    })?;
    let port = pg.port.to_string();
    let wanted = [
        pg.host.as_str(),
        port.as_str(),
        pg.database.as_str(),
        pg.user.as_str(),
    ];
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let fields = split_fields(line);
        let [host, port, database, user, password] = fields.as_slice() else {
            continue;
        };
        let matches = [host, port, database, user]
            .iter()
            .zip(wanted)
            .all(|(field, wanted)| field.as_str() == "*" || field.as_str() == wanted);
        if matches {
            return Ok(Some(password.clone()));
        }
    }
    Ok(None)
}

fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("one field at least").push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(host: &str, user: &str) -> PostgresConfig {
        serde_json::from_value(serde_json::json!({
            "host": host, "port": 5433, "database": "sales", "user": user,
        }))
        .expect("a login")
    }

    #[test]
    fn the_password_file_gives_the_first_matching_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("pgpass");
        std::fs::write(
            &path,
            "# comment\nother:5433:sales:ana:wrong\ndb.internal:5433:*:ana:s\\:cr\\\\et\n*:*:*:*:fallback\n",
        )
        .expect("write");
        let found = |host, user| from_pass_file(&path, &login(host, user)).expect("reads");
        assert_eq!(found("db.internal", "ana").as_deref(), Some("s:cr\\et"));
        assert_eq!(found("elsewhere", "bo").as_deref(), Some("fallback"));
        std::fs::write(&path, "db.internal:5432:sales:ana:other-port\n").expect("write");
        assert_eq!(found("db.internal", "ana"), None);
    }
}
