//! A throwaway PostgreSQL cluster for tests: a real server, never a mock, never skipped.
//!
//! `initdb` into a temporary folder (the binaries of the newest /usr/lib/postgresql/*/bin),
//! the server on a free loopback port (its socket in the same folder), password
//! (SCRAM) login for a test role, the sample dataset (`sample_data`) loaded into tables of
//! exact types. As root the server runs as the Debian `postgres` user (`runuser`), the
//! folder handed to it.
//!
//! [`shared`] starts one cluster per test binary; a watchdog process stops it and removes
//! its folder once the test process is gone, however it ended (a panic, an abort). A
//! cluster of one's own ([`PgCluster::start`], for a test that stops or restarts the
//! server) is stopped when dropped, its process group killed if `pg_ctl` cannot.
//!
//! A cluster that does not start is a test failure carrying the server's log.
//!
//! Usable from other test crates: `#[path = "…/tests/pg_cluster.rs"] mod pg_cluster;`.

#![allow(dead_code)]

use flowloom_core::engine::postgres::{PostgresSettings, SslMode};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tokio::sync::OnceCell;

/// The role templates connect as, and its password.
pub const USER: &str = "flowloom_test";
pub const PASSWORD: &str = "pw-Zq8!not-in-any-log";
/// The superuser, for setting up tables and watching the server.
const SUPERUSER: &str = "postgres";
const SUPERUSER_PASSWORD: &str = "admin-Zq8";
/// The database holding the sample dataset.
pub const DATABASE: &str = "flowloom_sample";

/// A running cluster.
#[derive(Debug)]
pub struct PgCluster {
    /// The temporary folder: `data/`, the socket, `server.log`.
    dir: PathBuf,
    bin: PathBuf,
    pub port: u16,
    /// The OS user the server runs as, when the tests run as root.
    run_as: Option<String>,
    /// Stop on drop (a cluster of one's own); the shared one has its watchdog.
    stop_on_drop: bool,
}

/// The binaries of the newest PostgreSQL installed.
fn binaries() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not installed ({}: {e}); `make test-deps` installs it",
                root.display()
            )
        })
        .filter_map(Result::ok)
        .filter(|e| e.path().join("bin/initdb").exists())
        .max_by_key(|e| e.file_name().to_string_lossy().parse::<u32>().unwrap_or(0))
        .unwrap_or_else(|| {
            panic!("no /usr/lib/postgresql/*/bin/initdb; `make test-deps` installs PostgreSQL")
        });
    newest.path().join("bin")
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PgCluster {
    /// Initialises and starts a new cluster with the test role and an empty database.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("flowloom-pg-")
            .tempdir()
            .expect("a temp dir")
            .keep();
        let run_as = is_root().then(|| "postgres".to_owned());
        let cluster = Self {
            dir,
            bin: binaries(),
            port: free_port(),
            run_as,
            stop_on_drop: true,
        };
        std::fs::write(cluster.dir.join("pw"), SUPERUSER_PASSWORD).expect("password file");
        // A self-signed certificate naming `localhost` (not 127.0.0.1): the server speaks TLS
        // too, and a client trusting the certificate (`verify-ca`, `verify-full`) can tell
        // the two names apart.
        let certificate = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-addext",
                "subjectAltName=DNS:localhost",
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.crt",
            ])
            .current_dir(&cluster.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl makes a certificate");
        assert!(
            certificate.success(),
            "openssl could not make a certificate"
        );
        set_mode(&cluster.dir.join("server.key"), 0o600);
        if let Some(user) = &cluster.run_as {
            let chown = Command::new("chown")
                .args(["-R", &format!("{user}:")])
                .arg(&cluster.dir)
                .status()
                .expect("chown");
            assert!(
                chown.success(),
                "cannot hand {} to {user}",
                cluster.dir.display()
            );
        }
        let data = cluster.dir.join("data");
        cluster.pg(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                &format!("--pwfile={}", cluster.dir.join("pw").display()),
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        cluster.start_server();
        cluster
    }

    /// Runs one of the PostgreSQL binaries (as the server's user), failing the test with
    /// its output and the server's log when it fails.
    fn pg(&self, binary: &str, args: &[&str]) {
        let program = self.bin.join(binary);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let output = command
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        assert!(
            output.status.success(),
            "{binary} failed: {}{}\nserver log:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn data(&self) -> String {
        self.dir.join("data").to_string_lossy().into_owned()
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=100 -c ssl=on \
             -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key",
            self.port,
            self.dir.display(),
            dir = self.dir.display()
        );
        self.pg(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &self.dir.join("server.log").to_string_lossy(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the server at once (`immediate`: like a crash, connections cut).
    pub fn stop_server(&self) {
        self.pg(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Settings for the test role on `database`.
    pub fn settings(&self, database: &str) -> PostgresSettings {
        PostgresSettings {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            database: database.to_owned(),
            user: USER.to_owned(),
            password: Some(PASSWORD.to_owned()),
            sslmode: SslMode::Disable,
            ssl_root_cert: None,
            search_path: None,
            pool_size: 4,
            statement_timeout: None,
        }
    }

    /// A superuser pool on `database`, for setting up and watching.
    pub async fn admin(&self, database: &str) -> PgPool {
        let options = PgConnectOptions::new_without_pgpass()
            .host("127.0.0.1")
            .port(self.port)
            .username(SUPERUSER)
            .password(SUPERUSER_PASSWORD)
            .database(database);
        PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap_or_else(|e| panic!("superuser connection: {e}\nserver log:\n{}", self.log()))
    }

    /// Creates the test role (with a password) and `database`, owned by the superuser;
    /// the role reads every table of its `public` schema, also those made later.
    pub async fn create_database(&self, database: &str) {
        let admin = self.admin("postgres").await;
        for sql in [
            format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{USER}') THEN \
                 CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'; END IF; END $$"
            ),
            format!("CREATE DATABASE {database}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .expect("create the role and database");
        }
        admin.close().await;
        let db = self.admin(database).await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "GRANT USAGE ON SCHEMA public TO {USER}; \
             ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {USER};"
        )))
        .execute(&db)
        .await
        .expect("grant reads");
        db.close().await;
    }

    /// Loads the sample dataset (the CSV files a new workspace's `data/` holds) into
    /// `database`: one table per file, money as `numeric(…,2)`, days as `date`.
    pub async fn load_sample(&self, database: &str) {
        let files = tempfile::tempdir().expect("temp dir");
        flowloom_core::sample_data::write_missing(files.path()).expect("sample data");
        let pool = self.admin(database).await;
        let mut connection = pool.acquire().await.expect("a connection");
        for (table, columns) in SAMPLE_TABLES {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE {table} ({columns})"
            )))
            .execute(&mut *connection)
            .await
            .expect("create a sample table");
            let csv = std::fs::read(files.path().join(format!("{table}.csv"))).expect("csv");
            let mut copy = connection
                .copy_in_raw(&format!(
                    "COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)"
                ))
                .await
                .expect("copy");
            copy.send(csv).await.expect("copy rows");
            copy.finish().await.expect("copy done");
        }
        sqlx::raw_sql("ANALYZE")
            .execute(&mut *connection)
            .await
            .expect("analyze");
        drop(connection);
        pool.close().await;
    }

    /// Stops the cluster and removes its folder once this test process is gone.
    fn watch(&mut self) {
        self.watch_process(std::process::id());
    }

    /// Stops the cluster and removes its folder once process `pid` is gone (instead of
    /// when dropped).
    pub fn watch_process(&mut self, pid: u32) {
        self.stop_on_drop = false;
        let ctl = self.bin.join("pg_ctl");
        let stop = match &self.run_as {
            Some(user) => format!(
                "runuser -u {user} -- {} -D {} -m immediate stop",
                ctl.display(),
                self.data()
            ),
            None => format!("{} -D {} -m immediate stop", ctl.display(), self.data()),
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; \
             rm -rf {dir}",
            dir = self.dir.display()
        );
        // `setsid --fork`: the watchdog runs on in a session of its own; setsid returns.
        let started = Command::new("setsid")
            .args(["--fork", "sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the cluster's watchdog");
        assert!(started.success(), "the cluster's watchdog did not start");
    }

    /// The cluster's folder.
    /// The server's self-signed certificate (PEM), for a client to trust.
    pub fn certificate(&self) -> PathBuf {
        self.dir.join("server.crt")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The postmaster's process id, from `postmaster.pid`.
    pub fn postmaster(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("data/postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if !self.stop_on_drop {
            return;
        }
        let postmaster = self.postmaster();
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(self.bin.join("pg_ctl"));
                c
            }
            None => Command::new(self.bin.join("pg_ctl")),
        };
        let stopped = command
            .args([
                "-D",
                &self.data(),
                "-m",
                "immediate",
                "-w",
                "-t",
                "10",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped && let Some(pid) = postmaster {
            // The last resort: the postmaster and its backends.
            let _ = Command::new("pkill")
                .args(["-KILL", "-P", &pid.to_string()])
                .status();
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The sample tables, with PostgreSQL types matching what the local engine reads.
const SAMPLE_TABLES: [(&str, &str); 5] = [
    (
        "calendar",
        "day date, weekday bigint, iso_week bigint, month text",
    ),
    (
        "campaigns",
        "campaign_id text, campaign_name text, channel text, objective text, start_date date, \
         daily_budget numeric(10,2)",
    ),
    (
        "products",
        "product_id text, product_name text, category text, unit_price numeric(10,2)",
    ),
    (
        "ad_daily",
        "day date, campaign_id text, impressions bigint, clicks bigint, spend numeric(12,2)",
    ),
    (
        "orders",
        "order_id text, day date, campaign_id text, product_id text, quantity bigint, \
         sales numeric(12,2)",
    ),
];

static SHARED: OnceCell<PgCluster> = OnceCell::const_new();

/// The cluster every test of this binary shares, with the sample dataset in [`DATABASE`].
pub async fn shared() -> &'static PgCluster {
    SHARED
        .get_or_init(|| async {
            let mut cluster = tokio::task::spawn_blocking(PgCluster::start)
                .await
                .expect("the cluster starts");
            cluster.watch();
            cluster.create_database(DATABASE).await;
            cluster.load_sample(DATABASE).await;
            cluster
        })
        .await
}
