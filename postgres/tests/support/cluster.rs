//! A throwaway PostgreSQL cluster on loopback, for the tests and the example.
//!
//! `initdb` into a temporary directory, `pg_ctl start` on a private port and
//! socket directory, `pg_ctl stop` and removal when dropped. The server
//! binaries come from `$LOCKLADDER_PG_BIN`, or the newest
//! `/usr/lib/postgresql/*/bin` (Debian's layout). PostgreSQL refuses to run
//! as root, so under root every server command runs as the `postgres` user
//! (`runuser -u postgres --`), in a directory that user owns.

#![allow(dead_code, reason = "each user of this file needs a different part")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
    /// `-c` options beyond the defaults (TLS).
    extra_options: String,
}

impl Cluster {
    /// Starts a new cluster, or says in one line why it cannot.
    pub fn start(name: &str) -> Result<Cluster, String> {
        Cluster::start_with_tls(name, None)
    }

    /// Starts a new cluster that also takes TLS (`ssl=on`) with the given
    /// certificate and key (PEM), written into its directory.
    pub fn start_with_tls(name: &str, tls: Option<(&str, &str)>) -> Result<Cluster, String> {
        let bin = server_binaries()?;
        let as_postgres_user = is_root();
        let dir = std::env::temp_dir().join(format!("lockladder-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let mut cluster =
            Cluster { dir, bin, port: 0, as_postgres_user, extra_options: String::new() };
        if let Some((certificate, key)) = tls {
            let (cert_file, key_file) =
                (cluster.dir.join("server.crt"), cluster.dir.join("server.key"));
            std::fs::write(&cert_file, certificate)
                .map_err(|e| format!("write the certificate: {e}"))?;
            std::fs::write(&key_file, key).map_err(|e| format!("write the key: {e}"))?;
            // The server refuses a key others may read.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("chmod the key: {e}"))?;
            if as_postgres_user {
                run(Command::new("chown").arg("postgres:").arg(&cert_file).arg(&key_file))?;
            }
            cluster.extra_options = format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                cert_file.display(),
                key_file.display()
            );
        }
        if as_postgres_user {
            run(Command::new("chown").arg("postgres:").arg(&cluster.dir))?;
        }
        run(cluster
            .server_command("initdb")
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "-D"])
            .arg(cluster.data()))?;
        // A free port now may be taken by the time the server binds it: retry.
        let mut last_error = String::new();
        for _ in 0..5 {
            cluster.port = free_port()?;
            match cluster.pg_ctl("start") {
                Ok(()) => return Ok(cluster),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    /// A libpq connection string for the `postgres` superuser over TCP.
    pub fn url(&self) -> String {
        format!("host=127.0.0.1 port={} user=postgres dbname=postgres", self.port)
    }

    /// The TCP port the server listens on (loopback).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `pg_ctl restart -m fast`: every session is terminated.
    pub fn restart(&self) {
        self.pg_ctl("restart").expect("restart the PostgreSQL cluster");
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn pg_ctl(&self, action: &str) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
             -c synchronous_commit=off -c deadlock_timeout=100ms -c max_connections=60{}",
            self.port,
            self.dir.display(),
            self.extra_options
        );
        run(self
            .server_command("pg_ctl")
            .args(["-w", "-t", "60", "-m", "fast", "-D"])
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-o", &options, action]))
        .map_err(|e| format!("{e}; server log: {}", self.log_tail()))
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" | ")
    }

    fn server_command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command.current_dir(&self.dir).stdin(Stdio::null());
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.port != 0 {
            let _ = self.pg_ctl("stop");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The directory holding `initdb` and `pg_ctl`.
fn server_binaries() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("LOCKLADDER_PG_BIN") {
        let dir = PathBuf::from(dir);
        return match dir.join("initdb").exists() {
            true => Ok(dir),
            false => Err(format!(
                "no PostgreSQL server: no initdb in LOCKLADDER_PG_BIN={}",
                dir.display()
            )),
        };
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .map_err(|_| {
            format!("no PostgreSQL server: {} is missing (set LOCKLADDER_PG_BIN)", root.display())
        })?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| format!("no PostgreSQL server: no {}/*/bin/initdb", root.display()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("find a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn run(command: &mut Command) -> Result<(), String> {
    let Output { status, stdout, stderr } =
        command.output().map_err(|e| format!("run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({status}): {}{}",
            String::from_utf8_lossy(&stdout).trim(),
            String::from_utf8_lossy(&stderr).trim()
        ))
    }
}
