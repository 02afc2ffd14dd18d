//! [`AuthLimiter`]: slows down token guessing.
//!
//! Only failed authentications count, per client IP, in a fixed window.
//! Past [`AuthLimiter::FREE_FAILURES`] failures, each further failure is
//! answered 429 `too_many_requests` after a growing delay (capped). A request
//! with a valid token is never delayed or refused, so a paired client behind
//! the same address keeps working while someone guesses.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed-auth bookkeeping per IP.
#[derive(Debug, Default)]
pub struct AuthLimiter {
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl AuthLimiter {
    /// Failures allowed per window before responses slow down.
    pub const FREE_FAILURES: u32 = 10;
    /// Window length.
    pub const WINDOW: Duration = Duration::from_secs(60);
    /// Longest delay added to one failed attempt.
    pub const MAX_DELAY: Duration = Duration::from_secs(2);
    const MAX_TRACKED: usize = 10_000;

    /// Record a failure from `ip`; returns the delay to impose when the IP is
    /// over its allowance (`None`: answer 401 at once).
    pub fn record_failure(&self, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX_TRACKED {
            map.retain(|_, (start, _)| now.duration_since(*start) < Self::WINDOW);
        }
        let entry = map.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= Self::WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        let over = entry.1.checked_sub(Self::FREE_FAILURES).filter(|n| *n > 0)?;
        Some((Duration::from_millis(100) * over).min(Self::MAX_DELAY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_growing_capped_delays() {
        let l = AuthLimiter::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..AuthLimiter::FREE_FAILURES {
            assert_eq!(l.record_failure(ip), None);
        }
        assert_eq!(l.record_failure(ip), Some(Duration::from_millis(100)));
        assert_eq!(l.record_failure(ip), Some(Duration::from_millis(200)));
        for _ in 0..50 {
            l.record_failure(ip);
        }
        assert_eq!(l.record_failure(ip), Some(AuthLimiter::MAX_DELAY));
        // Another address is not affected.
        assert_eq!(l.record_failure("10.0.0.2".parse().unwrap()), None);
    }
}
