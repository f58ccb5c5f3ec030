//! Throttling of failed sign-ins, per account and per client address, in
//! memory: after too many failures in the window, further attempts are
//! refused until the oldest failure leaves it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const PER_ACCOUNT: usize = 5;
const PER_ADDRESS: usize = 20;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    /// How long the caller must wait before trying `account` from `address`
    /// again, or `None` if they may try now.
    pub fn wait(&self, account: &str, address: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut longest = None;
        for (key, limit) in [
            (format!("account:{account}"), PER_ACCOUNT),
            (format!("address:{address}"), PER_ADDRESS),
        ] {
            if let Some(times) = map.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                if times.len() >= limit {
                    let oldest = times.iter().min().copied().unwrap_or(now);
                    let wait = WINDOW.saturating_sub(now.duration_since(oldest));
                    longest = Some(longest.map_or(wait, |w: Duration| w.max(wait)));
                }
            }
        }
        longest
    }

    pub fn failed(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Forget stale keys now and then so the map cannot grow without bound.
        if map.len() > 10_000 {
            map.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        map.entry(format!("account:{account}"))
            .or_default()
            .push(now);
        map.entry(format!("address:{address}"))
            .or_default()
            .push(now);
    }

    pub fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("account:{account}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_held_after_five_failures() {
        let t = Throttle::default();
        for _ in 0..4 {
            t.failed("ana@x.io", "10.0.0.1");
        }
        assert!(t.wait("ana@x.io", "10.0.0.2").is_none());
        t.failed("ana@x.io", "10.0.0.1");
        assert!(
            t.wait("ana@x.io", "10.0.0.2").is_some(),
            "held from any address"
        );
        assert!(t.wait("bo@x.io", "10.0.0.2").is_none(), "others are not");
        t.succeeded("ana@x.io");
        assert!(t.wait("ana@x.io", "10.0.0.2").is_none());
    }

    #[test]
    fn an_address_is_held_after_twenty_failures_on_any_accounts() {
        let t = Throttle::default();
        for i in 0..20 {
            t.failed(&format!("user{i}@x.io"), "10.0.0.9");
        }
        assert!(t.wait("new@x.io", "10.0.0.9").is_some());
        assert!(t.wait("new@x.io", "10.0.0.8").is_none());
    }
}
