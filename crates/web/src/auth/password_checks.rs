//! A server-wide limit on password work. An Argon2 hash or check takes about
//! 19 MiB and tens of milliseconds of CPU; left unbounded, a burst of
//! sign-ins (each within the throttle) multiplies both by the number of
//! requests. Every password hash and check made on a request goes through
//! [`PasswordChecks`]: it runs one at a time per permit, on threads of its
//! own (as many as permits), with as many permits as the machine has CPUs. A request that
//! cannot get a permit within [`MAX_WAIT`] is refused with [`Busy`], answered
//! 503 with a `Retry-After`.

use crate::problem::Problem;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_core::password::{PasswordError, hash_password, verify_password};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a request waits for a permit before it is refused.
pub const MAX_WAIT: Duration = Duration::from_secs(5);

/// What the `Retry-After` of a refusal says, in seconds.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// No permit came free in time: the server is busy with other passwords.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

impl Busy {
    /// What the user is told.
    pub const MESSAGE: &'static str =
        "The server is busy checking other passwords. Try again in a few seconds.";

    /// The `type` of its problem document.
    pub const KIND: &'static str = "https://mandate.example/problems/password-checks-busy";

    /// Sets `Retry-After` on a response answering this refusal.
    pub fn retry_after(response: &mut Response) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    }

    /// The refusal as a problem document, for the API (answer it with
    /// [`Busy::answer`], which adds `Retry-After`).
    pub fn problem() -> Problem {
        let mut problem = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy checking other passwords; try again in a few seconds",
        );
        problem.kind = Self::KIND.to_string();
        problem
    }

    /// A problem document as the response, with `Retry-After` when it is
    /// this refusal.
    pub fn answer(problem: Problem) -> Response {
        let busy = problem.kind == Self::KIND;
        let mut response = problem.into_response();
        if busy {
            Self::retry_after(&mut response);
        }
        response
    }
}

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Self::MESSAGE)
    }
}

impl std::error::Error for Busy {}

impl IntoResponse for Busy {
    /// A problem document with `Retry-After`.
    fn into_response(self) -> Response {
        Self::answer(Self::problem())
    }
}

/// How many checks run now, the most that ever ran at once, and how many
/// ran in all.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
    total: AtomicU64,
}

/// Counts a check while it runs.
struct Running(Arc<InFlight>);

impl Running {
    fn start(counts: &Arc<InFlight>) -> Self {
        let now = counts.now.fetch_add(1, Ordering::SeqCst) + 1;
        counts.most.fetch_max(now, Ordering::SeqCst);
        counts.total.fetch_add(1, Ordering::SeqCst);
        Self(Arc::clone(counts))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The permits for password work, shared by the whole server (see the
/// module's documentation).
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    size: usize,
    max_wait: Duration,
    in_flight: Arc<InFlight>,
    /// As many threads as permits do the work. Not the blocking pool: its
    /// threads come and go, and each new one's allocator arena kept its own
    /// freed 19 MiB buffers (a flood of sign-ins settled at 750 MB); a few
    /// long-lived threads reuse theirs.
    workers: std::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

/// Starts `count` threads that run jobs until every sender is gone.
fn start_workers(count: usize) -> std::sync::mpsc::Sender<Job> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = Arc::new(std::sync::Mutex::new(rx));
    for n in 0..count {
        let rx = Arc::clone(&rx);
        let started = std::thread::Builder::new()
            .name(format!("password-{n}"))
            .spawn(move || {
                loop {
                    // Take the next job, then let go of the queue while it runs.
                    let job = match rx.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        // A panicking check costs its request, not the thread.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = started {
            tracing::error!(error = %e, "a password thread could not be started");
        }
    }
    tx
}

impl Default for PasswordChecks {
    /// One permit per CPU (at least one), waiting at most [`MAX_WAIT`].
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::new(cpus, MAX_WAIT)
    }
}

impl PasswordChecks {
    /// `permits` checks at once (at least one); a request waits at most
    /// `max_wait` for its turn.
    pub fn new(permits: usize, max_wait: Duration) -> Self {
        let size = permits.max(1);
        Self {
            permits: Arc::new(Semaphore::new(size)),
            size,
            max_wait,
            in_flight: Arc::default(),
            workers: start_workers(size),
        }
    }

    /// How many checks may run at once.
    pub fn permits(&self) -> usize {
        self.size
    }

    /// The most checks that ever ran at once (never more than
    /// [`permits`](Self::permits)).
    pub fn max_in_flight(&self) -> usize {
        self.in_flight.most.load(Ordering::SeqCst)
    }

    /// How many checks (and hashes) have run in all.
    pub fn checks_run(&self) -> u64 {
        self.in_flight.total.load(Ordering::SeqCst)
    }

    /// Runs one piece of password work on a blocking thread while holding a
    /// permit. The permit stays held until the work is done, even if the
    /// request is dropped meanwhile. `Ok(None)` if the work panicked.
    pub async fn run<T, F>(&self, work: F) -> Result<Option<T>, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = tokio::time::timeout(self.max_wait, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        let counts = Arc::clone(&self.in_flight);
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _permit = permit;
            let _running = Running::start(&counts);
            // A panic in the work drops `tx`: the caller sees `None`.
            let _ = tx.send(work());
        });
        if self.workers.send(job).is_err() {
            return Ok(None);
        }
        Ok(rx.await.ok())
    }

    /// Whether `password` matches the stored PHC string `phc`.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, Busy> {
        let (password, phc) = (password.to_string(), phc.to_string());
        let opened = self.run(move || verify_password(&password, &phc)).await?;
        Ok(opened.unwrap_or(false))
    }

    /// Hashes a new password (see [`hash_password`]).
    pub async fn hash(&self, password: &str) -> Result<Result<String, PasswordError>, Busy> {
        let password = password.to_string();
        let hashed = self.run(move || hash_password(&password)).await?;
        Ok(hashed.unwrap_or_else(|| Err(PasswordError::Hashing("the work stopped".into()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_waiting_past_the_limit_is_refused_as_busy() {
        let checks = Arc::new(PasswordChecks::new(1, Duration::from_millis(50)));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let first = {
            let checks = Arc::clone(&checks);
            tokio::spawn(async move {
                checks
                    .run(move || {
                        let _ = started_tx.send(());
                        held.recv().is_ok()
                    })
                    .await
            })
        };
        started.await.expect("the first check started");
        assert_eq!(checks.run(|| true).await, Err(Busy), "no permit came free");
        assert_eq!(
            checks.verify("any password at all", "$argon2id$bad").await,
            Err(Busy)
        );
        release.send(()).expect("released");
        assert_eq!(first.await.expect("joined"), Ok(Some(true)));
        assert_eq!(checks.run(|| 7).await, Ok(Some(7)), "free again");
        assert_eq!(checks.max_in_flight(), 1);
    }

    #[tokio::test]
    async fn no_more_checks_run_at_once_than_there_are_permits() {
        let checks = Arc::new(PasswordChecks::new(2, Duration::from_secs(60)));
        let mut all = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let checks = Arc::clone(&checks);
            all.spawn(async move {
                checks
                    .run(|| std::thread::sleep(Duration::from_millis(20)))
                    .await
            });
        }
        while let Some(done) = all.join_next().await {
            assert_eq!(done.expect("joined"), Ok(Some(())));
        }
        assert!((1..=2).contains(&checks.max_in_flight()));
    }

    #[tokio::test]
    async fn hashes_and_checks_go_through() {
        let checks = PasswordChecks::default();
        assert!(checks.permits() >= 1);
        let hash = checks
            .hash("a long enough password")
            .await
            .expect("a permit")
            .expect("hashed");
        assert_eq!(
            checks.verify("a long enough password", &hash).await,
            Ok(true)
        );
        assert_eq!(checks.verify("another password!", &hash).await, Ok(false));
        assert_eq!(checks.hash("short").await, Ok(Err(PasswordError::TooShort)));
    }

    #[test]
    fn busy_is_a_problem_document_with_retry_after() {
        let response = Busy.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from(RETRY_AFTER_SECONDS))
        );
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/problem+json"))
        );
        let other = Busy::answer(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database",
        ));
        assert!(other.headers().get(header::RETRY_AFTER).is_none());
    }
}
