//! [`AuthLimiter`]: slows down token guessing.
//!
//! Only failed authentications count, in a fixed window, on two levels:
//! per network ([`network_of`]: one IPv4 address, all of loopback, or an
//! IPv6 /64, so spreading guesses over the addresses one machine or one
//! subnet owns does not multiply the allowance) and host-wide (whatever the
//! source). Past either allowance, each further failure is answered 429
//! `too_many_requests` after a growing delay (capped). A request with a valid
//! token is never counted, delayed or refused, so a paired client keeps
//! working while someone guesses.
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures in the current window.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
}

impl Window {
    /// Count one failure at `now`; returns the failures in the window.
    fn count(&mut self, now: Instant) -> u32 {
        if now.duration_since(self.start) >= AuthLimiter::WINDOW {
            *self = Window { start: now, failures: 0 };
        }
        self.failures += 1;
        self.failures
    }
}

#[derive(Debug)]
struct Counts {
    networks: HashMap<IpAddr, Window>,
    host: Window,
}

/// Failed-auth bookkeeping per network and for the whole host.
#[derive(Debug)]
pub struct AuthLimiter {
    counts: Mutex<Counts>,
}

impl Default for AuthLimiter {
    fn default() -> Self {
        Self { counts: Mutex::new(Counts { networks: HashMap::new(), host: Window { start: Instant::now(), failures: 0 } }) }
    }
}

/// The network a client address is counted under: an IPv4 address, all of
/// 127.0.0.0/8 (one machine), or the /64 of an IPv6 address (one subnet).
/// IPv4-mapped IPv6 addresses count as their IPv4 address.
pub fn network_of(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) if v4.is_loopback() => IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)),
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

impl AuthLimiter {
    /// Failures allowed per network and window before responses slow down.
    pub const FREE_FAILURES: u32 = 10;
    /// Failures allowed host-wide per window before every failure slows down.
    pub const HOST_FREE_FAILURES: u32 = 100;
    /// Window length.
    pub const WINDOW: Duration = Duration::from_secs(60);
    /// Longest delay added to one failed attempt.
    pub const MAX_DELAY: Duration = Duration::from_secs(2);
    const STEP: Duration = Duration::from_millis(100);
    const MAX_TRACKED: usize = 10_000;

    /// Record a failure from `ip`; returns the delay to impose when its
    /// network or the host is over its allowance (`None`: answer 401 at once).
    pub fn record_failure(&self, ip: IpAddr) -> Option<Duration> {
        self.record_failure_at(ip, Instant::now())
    }

    fn record_failure_at(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.networks.len() >= Self::MAX_TRACKED {
            counts.networks.retain(|_, w| now.duration_since(w.start) < Self::WINDOW);
        }
        let network = counts.networks.entry(network_of(ip)).or_insert(Window { start: now, failures: 0 }).count(now);
        let host = counts.host.count(now);
        let over = network.saturating_sub(Self::FREE_FAILURES).max(host.saturating_sub(Self::HOST_FREE_FAILURES));
        (over > 0).then(|| (Self::STEP * over).min(Self::MAX_DELAY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn free_failures_then_growing_capped_delays() {
        let l = AuthLimiter::default();
        for _ in 0..AuthLimiter::FREE_FAILURES {
            assert_eq!(l.record_failure(ip("10.0.0.1")), None);
        }
        assert_eq!(l.record_failure(ip("10.0.0.1")), Some(Duration::from_millis(100)));
        assert_eq!(l.record_failure(ip("10.0.0.1")), Some(Duration::from_millis(200)));
        for _ in 0..50 {
            l.record_failure(ip("10.0.0.1"));
        }
        assert_eq!(l.record_failure(ip("10.0.0.1")), Some(AuthLimiter::MAX_DELAY));
        // Another address is not affected (the host-wide budget is not spent).
        assert_eq!(l.record_failure(ip("10.0.0.2")), None);
    }

    #[test]
    fn spreading_over_one_machine_or_subnet_does_not_help() {
        let l = AuthLimiter::default();
        let loopback: Vec<_> = (0..50).map(|i| l.record_failure(ip(&format!("127.0.{i}.{}", i + 1)))).collect();
        assert_eq!(loopback.iter().filter(|d| d.is_none()).count(), AuthLimiter::FREE_FAILURES as usize);
        let l = AuthLimiter::default();
        let subnet: Vec<_> = (0..50).map(|i| l.record_failure(ip(&format!("2001:db8:1:2:{i:x}::{:x}", i * 7 + 1)))).collect();
        assert_eq!(subnet.iter().filter(|d| d.is_none()).count(), AuthLimiter::FREE_FAILURES as usize);
        // Another /64 has its own allowance.
        assert_eq!(l.record_failure(ip("2001:db8:1:3::1")), None);
        // An IPv4-mapped address is the IPv4 address.
        let l = AuthLimiter::default();
        for _ in 0..AuthLimiter::FREE_FAILURES {
            l.record_failure(ip("192.0.2.7"));
        }
        assert!(l.record_failure(ip("::ffff:192.0.2.7")).is_some());
        assert_eq!(network_of(ip("::1")), network_of(ip("::2")));
    }

    #[test]
    fn the_host_has_a_budget_whatever_the_source() {
        let l = AuthLimiter::default();
        let mut free = 0;
        for i in 0..AuthLimiter::HOST_FREE_FAILURES + 50 {
            // A new network every time: each within its own allowance.
            let a = ip(&format!("10.{}.{}.1", i / 256, i % 256));
            if l.record_failure(a).is_none() {
                free += 1;
            }
        }
        assert_eq!(free, AuthLimiter::HOST_FREE_FAILURES);
    }

    #[test]
    fn the_window_forgets() {
        let l = AuthLimiter::default();
        let t0 = Instant::now();
        for _ in 0..AuthLimiter::FREE_FAILURES + 5 {
            l.record_failure_at(ip("10.0.0.1"), t0);
        }
        assert!(l.record_failure_at(ip("10.0.0.1"), t0).is_some());
        let later = t0 + AuthLimiter::WINDOW;
        assert_eq!(l.record_failure_at(ip("10.0.0.1"), later), None);
    }
}
