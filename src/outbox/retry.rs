//! When to try a transient send failure again: bounded exponential back-off. Pure arithmetic;
//! the worker keeps the attempt count (in the database) and does the waiting.

use std::time::Duration;

/// Doubling delays from `first_delay` up to `max_delay`, for at most `max_attempts` attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt.
    pub first_delay: Duration,
    /// No wait is longer than this.
    pub max_delay: Duration,
    /// Attempts in all, the first included; after that the message has failed for good.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 1 min, 2, 4, ... up to 1 h, 10 attempts (about 6 hours in all).
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(3600),
            max_attempts: 10,
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `failed_attempts` transient failures (1 after
    /// the first); `None` once no attempt is left.
    pub fn next_delay(&self, failed_attempts: u32) -> Option<Duration> {
        if failed_attempts == 0 {
            return Some(Duration::ZERO);
        }
        if failed_attempts >= self.max_attempts {
            return None;
        }
        let factor = 1u32.checked_shl(failed_attempts - 1).unwrap_or(u32::MAX);
        Some(
            self.first_delay
                .checked_mul(factor)
                .unwrap_or(self.max_delay)
                .min(self.max_delay),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_then_stop() {
        let p = RetryPolicy {
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            max_attempts: 6,
        };
        let secs: Vec<Option<u64>> = (0..8)
            .map(|n| p.next_delay(n).map(|d| d.as_secs()))
            .collect();
        assert_eq!(
            secs,
            [
                Some(0),
                Some(10),
                Some(20),
                Some(40),
                Some(60),
                Some(60),
                None,
                None
            ]
        );
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let p = RetryPolicy {
            max_attempts: u32::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(p.next_delay(200), Some(p.max_delay));
    }
}
