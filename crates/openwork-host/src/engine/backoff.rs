//! Restart policy: exponential backoff, reset after a stable period, and a
//! crash-loop limit.
use std::time::Duration;

/// When and whether to restart after an unexpected exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartPolicy {
    /// Delay before the first restart.
    pub initial: Duration,
    /// Largest delay.
    pub max: Duration,
    /// A process that ran at least this long resets the failure count.
    pub stable_after: Duration,
    /// Unexpected exits in a row after which the engine is `failed`.
    pub max_consecutive_failures: u32,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            stable_after: Duration::from_secs(60),
            max_consecutive_failures: 5,
        }
    }
}

/// What to do after an unexpected exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartDecision {
    /// Wait this long, then start again.
    RetryAfter(Duration),
    /// Too many failures in a row: stay `failed` until a manual restart.
    GiveUp,
}

impl RestartPolicy {
    /// Decide, given the failures in a row *including* this one (>= 1).
    pub fn decide(&self, consecutive_failures: u32) -> RestartDecision {
        if consecutive_failures >= self.max_consecutive_failures {
            return RestartDecision::GiveUp;
        }
        let exp = consecutive_failures.saturating_sub(1).min(20);
        let delay = self.initial.saturating_mul(1u32 << exp).min(self.max);
        RestartDecision::RetryAfter(delay)
    }

    /// Failures in a row after a process that ran for `ran_for` exited.
    pub fn next_failure_count(&self, previous: u32, ran_for: Duration) -> u32 {
        if ran_for >= self.stable_after {
            1
        } else {
            previous + 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RestartPolicy {
        RestartPolicy {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
            stable_after: Duration::from_secs(10),
            max_consecutive_failures: 6,
        }
    }

    #[test]
    fn delays_double_and_cap() {
        let p = policy();
        let delays: Vec<_> = (1..6)
            .map(|n| match p.decide(n) {
                RestartDecision::RetryAfter(d) => d.as_millis(),
                RestartDecision::GiveUp => panic!("gave up at {n}"),
            })
            .collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000]);
    }

    #[test]
    fn gives_up_at_the_limit() {
        assert_eq!(policy().decide(6), RestartDecision::GiveUp);
        assert_eq!(policy().decide(60), RestartDecision::GiveUp);
    }

    #[test]
    fn stable_run_resets_the_count() {
        let p = policy();
        assert_eq!(p.next_failure_count(4, Duration::from_secs(1)), 5);
        assert_eq!(p.next_failure_count(4, Duration::from_secs(10)), 1);
    }
}
