//! Running the `mandate` binary as a user would, shared by the test files.
#![allow(dead_code)] // each test file uses its own share of these

use mandate_testkit::TestDb;
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::{Child, Command, Output};
use std::sync::Mutex;

pub const PASSWORD: &str = "correct horse battery staple";

pub fn mandate(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .env("MANDATE_DATABASE_URL", &db.url)
        .env("MANDATE_SIGNING_KEY", db.key_path())
        .env("MANDATE_ADMIN_PASSWORD", PASSWORD)
        .env("MANDATE_DEMO_PASSWORD", PASSWORD)
        .env_remove("MANDATE_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects success, showing the output otherwise.
pub fn ok(db: &TestDb, args: &[&str]) -> String {
    let o = mandate(db, args);
    assert!(
        o.status.success(),
        "{} {args:?} failed:\n{}{}",
        db.backend,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// An error is one line on stderr, starting with `error:`, and exit code 2.
pub fn assert_one_line_error(o: &Output, contains: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(contains),
        "{err}"
    );
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"));
}

/// A child process killed and reaped when dropped, so a failing test leaves
/// no server, browser driver or mail sink behind.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free loopback port that no other test in this binary has been given.
/// The probe's listener closes before the child binds the port, and the
/// kernel may hand the same port to the next probe: a browser test once
/// found another test's server where its chromedriver should have been.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        if GIVEN.lock().expect("port register").insert(port) {
            return port;
        }
    }
}

/// `mandate serve` on `port` for `db`, with `base` as its public URL; ready
/// (listening) when this returns, killed when dropped.
pub async fn serve(db: &TestDb, port: u16, base: &str) -> Killed {
    let server = Killed(
        Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--public-url",
                base,
            ])
            .env("MANDATE_DATABASE_URL", &db.url)
            .env("MANDATE_SIGNING_KEY", db.key_path())
            .current_dir(db.dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serves"),
    );
    crate::browser::wait_for_port(port).await;
    server
}
