//! Throttling, in memory, in separate buckets per purpose, so that one
//! purpose cannot be used to block another and nobody can lock a user out:
//!
//! - sign-in, per client address: 20 attempts in 15 minutes, then refused;
//! - sign-in, per account *and* address: 5 attempts in 15 minutes, then that
//!   address is refused for that account (the addresses that failed are
//!   held, the rightful owner elsewhere is not);
//! - sign-in, per account from anywhere: never refused, but past 10 attempts
//!   in 15 minutes each further one waits longer (half a second more each,
//!   up to 10 seconds), which slows a guesser spread over many addresses;
//! - the current password asked before a change, per user: 5 in 15 minutes;
//! - submissions of the public feedback form, per client address: 10 in 15
//!   minutes.
//!
//! An attempt is counted the moment it starts, under one lock with the check,
//! so parallel requests cannot all slip past the limit while their password
//! hashes are being computed; a successful one takes its attempt back.
//! IPv6 clients are counted by their /64, which one host usually holds whole.
//!
//! Memory is bounded: keys are hashed (a made-up email of any length costs
//! the same), each key keeps at most a few instants, and each bucket at most
//! [`MAX_KEYS`] keys: past that, expired keys go, then the least recently
//! used tenth.

use mandate_core::token::secret_hash;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept per bucket at most.
pub const MAX_KEYS: usize = 10_000;

const SIGN_IN_PER_ADDRESS: usize = 20;
const SIGN_IN_PER_ACCOUNT_AND_ADDRESS: usize = 5;
/// Attempts on one account from anywhere before each further one is slowed.
const SIGN_IN_PER_ACCOUNT_UNSLOWED: usize = 10;
/// Attempts on one account remembered (the delay is at its longest by then).
const SIGN_IN_PER_ACCOUNT_KEPT: usize = 40;
const ACCOUNT_STEP: Duration = Duration::from_millis(500);
const ACCOUNT_MAX_DELAY: Duration = Duration::from_secs(10);
const CURRENT_PASSWORD_PER_USER: usize = 5;
const FEEDBACK_PER_ADDRESS: usize = 10;
/// "Forgot your password?" asked from one address, and links mailed to one
/// email, in the window: enough for a person who mistypes, too few to flood
/// a mailbox or the outbox.
const RESET_PER_ADDRESS: usize = 5;
const RESET_PER_EMAIL: usize = 3;
/// Sign-ins begun through a provider, per address: generous, as a whole
/// office may sign in from one address at nine; each keeps a row for ten
/// minutes, so a flood from one address stays bounded.
const SSO_START_PER_ADDRESS: usize = 300;

/// Recent attempts by key, for one purpose.
struct Bucket {
    limit: usize,
    keys: HashMap<String, Vec<Instant>>,
}

impl Bucket {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            keys: HashMap::new(),
        }
    }

    /// The attempts of `key` still in the window.
    fn recent(&mut self, key: &str, now: Instant) -> usize {
        match self.keys.get_mut(key) {
            Some(times) => {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                times.len()
            }
            None => 0,
        }
    }

    /// How long `key` must wait, if it is at its limit.
    fn wait(&mut self, key: &str, now: Instant) -> Option<Duration> {
        if self.recent(key, now) < self.limit {
            return None;
        }
        let oldest = self.keys.get(key)?.iter().min().copied().unwrap_or(now);
        Some(WINDOW.saturating_sub(now.duration_since(oldest)))
    }

    /// Counts an attempt of `key`, keeping at most `limit` instants.
    fn push(&mut self, key: &str, now: Instant) {
        if !self.keys.contains_key(key) && self.keys.len() >= MAX_KEYS {
            self.make_room(now);
        }
        let times = self.keys.entry(key.to_string()).or_default();
        times.push(now);
        if times.len() > self.limit {
            times.remove(0);
        }
    }

    /// Gives back the latest attempt of `key`.
    fn pop(&mut self, key: &str) {
        if let Some(times) = self.keys.get_mut(key) {
            times.pop();
            if times.is_empty() {
                self.keys.remove(key);
            }
        }
    }

    fn forget(&mut self, key: &str) {
        self.keys.remove(key);
    }

    /// Drops the expired keys and, if that is not enough, the least
    /// recently used tenth.
    fn make_room(&mut self, now: Instant) {
        self.keys
            .retain(|_, times| times.iter().any(|t| now.duration_since(*t) < WINDOW));
        if self.keys.len() < MAX_KEYS {
            return;
        }
        let mut last: Vec<(Instant, String)> = self
            .keys
            .iter()
            .map(|(k, times)| (times.iter().max().copied().unwrap_or(now), k.clone()))
            .collect();
        let drop = (MAX_KEYS / 10).max(1);
        last.select_nth_unstable_by_key(drop - 1, |(t, _)| *t);
        for (_, key) in &last[..drop] {
            self.keys.remove(key);
        }
    }
}

struct Buckets {
    sign_in_address: Bucket,
    sign_in_account_address: Bucket,
    sign_in_account: Bucket,
    current_password: Bucket,
    feedback: Bucket,
    reset_address: Bucket,
    reset_email: Bucket,
    sso_start: Bucket,
}

pub struct Throttle {
    buckets: Mutex<Buckets>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            buckets: Mutex::new(Buckets {
                sign_in_address: Bucket::new(SIGN_IN_PER_ADDRESS),
                sign_in_account_address: Bucket::new(SIGN_IN_PER_ACCOUNT_AND_ADDRESS),
                sign_in_account: Bucket::new(SIGN_IN_PER_ACCOUNT_KEPT),
                current_password: Bucket::new(CURRENT_PASSWORD_PER_USER),
                feedback: Bucket::new(FEEDBACK_PER_ADDRESS),
                reset_address: Bucket::new(RESET_PER_ADDRESS),
                reset_email: Bucket::new(RESET_PER_EMAIL),
                sso_start: Bucket::new(SSO_START_PER_ADDRESS),
            }),
        }
    }
}

/// An address as counted: IPv6 by its /64.
fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_string(),
    }
}

/// A fixed-size key for any text (an email as typed, of any length).
fn hashed(parts: &[&str]) -> String {
    secret_hash(&parts.join("\n"))
}

/// The sign-in keys: (address, account and address, account).
fn sign_in_keys(account: &str, address: &str) -> (String, String, String) {
    let address = address_key(address);
    (
        hashed(&[&address]),
        hashed(&[account, &address]),
        hashed(&[account]),
    )
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Buckets> {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts an attempt to sign in to `account` from `address`. `Err` says
    /// how long this address must wait; `Ok` how long the attempt should be
    /// slowed (zero unless the account has had many attempts from anywhere).
    pub fn sign_in(&self, account: &str, address: &str) -> Result<Duration, Duration> {
        let now = Instant::now();
        let (by_address, by_pair, by_account) = sign_in_keys(account, address);
        let mut b = self.lock();
        let wait = [
            b.sign_in_address.wait(&by_address, now),
            b.sign_in_account_address.wait(&by_pair, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        let before = b.sign_in_account.recent(&by_account, now);
        b.sign_in_address.push(&by_address, now);
        b.sign_in_account_address.push(&by_pair, now);
        b.sign_in_account.push(&by_account, now);
        Ok(account_delay(before))
    }

    /// The sign-in succeeded: this address starts afresh on this account, and
    /// the address and the account get their attempt back.
    pub fn signed_in(&self, account: &str, address: &str) {
        let (by_address, by_pair, by_account) = sign_in_keys(account, address);
        let mut b = self.lock();
        b.sign_in_account_address.forget(&by_pair);
        b.sign_in_address.pop(&by_address);
        b.sign_in_account.pop(&by_account);
    }

    /// Counts a check of a signed-in user's current password, or says how
    /// long to wait: a stolen session must not become a password oracle.
    pub fn current_password(&self, user: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let key = hashed(&[user]);
        let mut b = self.lock();
        if let Some(wait) = b.current_password.wait(&key, now) {
            return Err(wait);
        }
        b.current_password.push(&key, now);
        Ok(())
    }

    /// The current password was right: the user starts afresh.
    pub fn current_password_right(&self, user: &str) {
        self.lock().current_password.forget(&hashed(&[user]));
    }

    /// Counts a request for a password link for `email` from `address`.
    /// `Err` says how long this address must wait; `Ok(false)` that enough
    /// links went to this email lately and no mail should go (the person
    /// asking is told the same as ever: nothing says whether it exists).
    pub fn password_reset(&self, email: &str, address: &str) -> Result<bool, Duration> {
        let now = Instant::now();
        let (by_address, by_email) = (hashed(&[&address_key(address)]), hashed(&[email]));
        let mut b = self.lock();
        if let Some(wait) = b.reset_address.wait(&by_address, now) {
            return Err(wait);
        }
        b.reset_address.push(&by_address, now);
        if b.reset_email.wait(&by_email, now).is_some() {
            return Ok(false);
        }
        b.reset_email.push(&by_email, now);
        Ok(true)
    }

    /// Counts a sign-in begun through a provider from `address`, or says
    /// how long to wait.
    pub fn sso_start(&self, address: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let key = hashed(&[&address_key(address)]);
        let mut b = self.lock();
        if let Some(wait) = b.sso_start.wait(&key, now) {
            return Err(wait);
        }
        b.sso_start.push(&key, now);
        Ok(())
    }

    /// Counts a submission of the public feedback form from `address`, or
    /// says how long to wait.
    pub fn feedback(&self, address: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let key = hashed(&[&address_key(address)]);
        let mut b = self.lock();
        if let Some(wait) = b.feedback.wait(&key, now) {
            return Err(wait);
        }
        b.feedback.push(&key, now);
        Ok(())
    }
}

/// The slowing of a sign-in to an account that has had `before` attempts in
/// the window, from anywhere.
fn account_delay(before: usize) -> Duration {
    match before.checked_sub(SIGN_IN_PER_ACCOUNT_UNSLOWED) {
        Some(over) => ACCOUNT_STEP
            .saturating_mul(u32::try_from(over + 1).unwrap_or(u32::MAX))
            .min(ACCOUNT_MAX_DELAY),
        None => Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_held_from_the_address_that_failed_only() {
        let t = Throttle::default();
        for _ in 0..5 {
            assert_eq!(t.sign_in("ana@x.io", "10.0.0.1"), Ok(Duration::ZERO));
        }
        assert!(t.sign_in("ana@x.io", "10.0.0.1").is_err(), "held there");
        assert!(
            t.sign_in("ana@x.io", "10.0.0.2").is_ok(),
            "not from another address"
        );
        assert!(t.sign_in("bo@x.io", "10.0.0.1").is_ok(), "nor for others");
        t.signed_in("ana@x.io", "10.0.0.1");
        assert!(t.sign_in("ana@x.io", "10.0.0.1").is_ok(), "afresh");
    }

    #[test]
    fn many_addresses_slow_an_account_more_and_more_but_never_refuse_it() {
        let t = Throttle::default();
        let mut delays = Vec::new();
        for i in 0..60 {
            let delay = t
                .sign_in("ana@x.io", &format!("10.0.{i}.1"))
                .expect("never refused");
            delays.push(delay);
        }
        assert!(delays[..10].iter().all(|d| d.is_zero()));
        assert_eq!(delays[10], Duration::from_millis(500));
        assert_eq!(delays[11], Duration::from_secs(1));
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(delays[59], ACCOUNT_MAX_DELAY);
        assert_eq!(
            t.sign_in("bo@x.io", "10.0.0.1"),
            Ok(Duration::ZERO),
            "other accounts are not slowed"
        );
    }

    #[test]
    fn parallel_attempts_are_counted_before_they_finish() {
        let t = Throttle::default();
        // Five attempts in flight at once: the sixth is refused although none has failed yet.
        let results: Vec<bool> = (0..6)
            .map(|_| t.sign_in("ana@x.io", "10.0.0.1").is_ok())
            .collect();
        assert_eq!(results, vec![true, true, true, true, true, false]);
    }

    #[test]
    fn an_address_is_held_after_twenty_attempts_and_ipv6_by_its_64() {
        let t = Throttle::default();
        for i in 0..20 {
            assert!(
                t.sign_in(&format!("user{i}@x.io"), &format!("2001:db8:1:2::{i:x}"))
                    .is_ok()
            );
        }
        assert!(
            t.sign_in("new@x.io", "2001:db8:1:2::ffff").is_err(),
            "the same /64"
        );
        assert!(
            t.sign_in("new@x.io", "2001:db8:1:3::1").is_ok(),
            "another /64"
        );
    }

    #[test]
    fn each_purpose_counts_apart() {
        let t = Throttle::default();
        for _ in 0..10 {
            assert!(t.feedback("10.0.0.1").is_ok());
        }
        assert!(t.feedback("10.0.0.1").is_err());
        assert!(t.sign_in("ana@x.io", "10.0.0.1").is_ok(), "sign-in is not");
        for _ in 0..5 {
            assert!(t.current_password("user-1").is_ok());
        }
        assert!(t.current_password("user-1").is_err());
        assert!(t.sign_in("user-1", "user-1").is_ok());
        t.current_password_right("user-1");
        assert!(t.current_password("user-1").is_ok());
    }

    #[test]
    fn made_up_emails_and_addresses_do_not_grow_memory_without_bound() {
        let t = Throttle::default();
        let long = "x".repeat(1_000);
        for i in 0..(3 * MAX_KEYS) {
            let _ = t.sign_in(
                &format!("{long}{i}@x.io"),
                &format!("10.{}.{}.1", i / 256 % 256, i % 256),
            );
            let _ = t.feedback(&format!("192.{}.{}.1", i / 256 % 256, i % 256));
        }
        let b = t.lock();
        for bucket in [
            &b.sign_in_address,
            &b.sign_in_account_address,
            &b.sign_in_account,
            &b.feedback,
        ] {
            assert!(bucket.keys.len() <= MAX_KEYS, "{}", bucket.keys.len());
            assert!(bucket.keys.keys().all(|k| k.len() <= 64));
            assert!(bucket.keys.values().all(|v| v.len() <= bucket.limit));
        }
    }
}
