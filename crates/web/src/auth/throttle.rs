//! Throttling of sign-ins, per account and per client address, in memory.
//!
//! An attempt is counted the moment it starts, under one lock with the check,
//! so parallel requests cannot all slip past the limit while their password
//! hashes are being computed; a successful sign-in takes its attempt back.
//! IPv6 clients are counted by their /64, which one host usually holds whole.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const PER_ACCOUNT: usize = 5;
const PER_ADDRESS: usize = 20;

#[derive(Default)]
pub struct Throttle {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

fn keys(account: &str, address: &str) -> [(String, usize); 2] {
    let address = match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_string(),
    };
    [
        (format!("account:{account}"), PER_ACCOUNT),
        (format!("address:{address}"), PER_ADDRESS),
    ]
}

impl Throttle {
    /// Counts an attempt to sign in to `account` from `address`, or says how
    /// long to wait if either has had too many in the window.
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        let keys = keys(account, address);
        let mut wait: Option<Duration> = None;
        for (key, limit) in &keys {
            let times = map.entry(key.clone()).or_default();
            times.retain(|t| now.duration_since(*t) < WINDOW);
            if times.len() >= *limit {
                let oldest = times.iter().min().copied().unwrap_or(now);
                let w = WINDOW.saturating_sub(now.duration_since(oldest));
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
        }
        if let Some(w) = wait {
            return Err(w);
        }
        for (key, _) in keys {
            map.entry(key).or_default().push(now);
        }
        Ok(())
    }

    /// The attempt succeeded: the account starts afresh and the address gets its attempt back.
    pub fn succeeded(&self, account: &str, address: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        let [(account_key, _), (address_key, _)] = keys(account, address);
        map.remove(&account_key);
        if let Some(times) = map.get_mut(&address_key) {
            times.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_held_after_five_attempts() {
        let t = Throttle::default();
        for _ in 0..5 {
            assert!(t.attempt("ana@x.io", "10.0.0.1").is_ok());
        }
        assert!(
            t.attempt("ana@x.io", "10.0.0.2").is_err(),
            "held from any address"
        );
        assert!(t.attempt("bo@x.io", "10.0.0.2").is_ok(), "others are not");
        t.succeeded("ana@x.io", "10.0.0.1");
        assert!(t.attempt("ana@x.io", "10.0.0.2").is_ok());
    }

    #[test]
    fn parallel_attempts_are_counted_before_they_finish() {
        let t = Throttle::default();
        // Five attempts in flight at once: the sixth is refused although none has failed yet.
        let results: Vec<bool> = (0..6)
            .map(|_| t.attempt("ana@x.io", "10.0.0.1").is_ok())
            .collect();
        assert_eq!(results, vec![true, true, true, true, true, false]);
    }

    #[test]
    fn an_address_is_held_after_twenty_attempts_and_ipv6_by_its_64() {
        let t = Throttle::default();
        for i in 0..20 {
            assert!(
                t.attempt(&format!("user{i}@x.io"), &format!("2001:db8:1:2::{i:x}"))
                    .is_ok()
            );
        }
        assert!(
            t.attempt("new@x.io", "2001:db8:1:2::ffff").is_err(),
            "the same /64"
        );
        assert!(
            t.attempt("new@x.io", "2001:db8:1:3::1").is_ok(),
            "another /64"
        );
    }
}
