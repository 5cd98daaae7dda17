//! Bounds the password checks of logins: each argon2 check takes 19 MiB and a core for tens of
//! milliseconds, and anyone can ask for one. A few run at once, a few more wait, the rest are
//! refused at once (503 with Retry-After) and counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The running and waiting slots for password checks, and what they saw.
#[derive(Debug)]
pub struct LoginGate {
    /// Running plus waiting checks.
    admitted: Arc<Semaphore>,
    /// Running checks.
    running: Arc<Semaphore>,
    now: AtomicUsize,
    peak: AtomicUsize,
    refused: AtomicU64,
}

/// A login admitted to the queue; [`Ticket::run`] waits for a running slot.
#[derive(Debug)]
pub struct Ticket {
    gate: Arc<LoginGate>,
    _admitted: OwnedSemaphorePermit,
}

/// A running password check; dropping it frees the slot. Move it into the blocking task that
/// checks, so a request given up by its client still holds the slot until the check ends.
#[derive(Debug)]
pub struct Running {
    gate: Arc<LoginGate>,
    _permit: OwnedSemaphorePermit,
}

impl LoginGate {
    /// `running` checks at once and `queue` more waiting.
    pub fn new(running: usize, queue: usize) -> LoginGate {
        LoginGate {
            admitted: Arc::new(Semaphore::new(running + queue)),
            running: Arc::new(Semaphore::new(running)),
            now: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// A place in the queue, or `None` (counted) when it is full.
    pub fn enter(self: &Arc<Self>) -> Option<Ticket> {
        match self.admitted.clone().try_acquire_owned() {
            Ok(p) => Some(Ticket {
                gate: self.clone(),
                _admitted: p,
            }),
            Err(_) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Logins refused because the queue was full, since start.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// The most password checks that ran at once, since start.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Password checks running now.
    pub fn running(&self) -> usize {
        self.now.load(Ordering::Relaxed)
    }
}

impl Ticket {
    /// Waits for a running slot (keeping the place in the queue until it is dropped).
    pub async fn run(&self) -> Running {
        let permit = self
            .gate
            .running
            .clone()
            .acquire_owned()
            .await
            .expect("the login gate's semaphore is never closed");
        let now = self.gate.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.gate.peak.fetch_max(now, Ordering::Relaxed);
        Running {
            gate: self.gate.clone(),
            _permit: permit,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.gate.now.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_refuses_and_counts() {
        let gate = Arc::new(LoginGate::new(1, 1));
        let a = gate.enter().unwrap();
        let b = gate.enter().unwrap();
        assert!(gate.enter().is_none());
        assert_eq!(gate.refused(), 1);
        let running = a.run().await;
        assert_eq!((gate.running(), gate.peak()), (1, 1));
        drop(running);
        drop(a);
        let _r = b.run().await;
        assert!(gate.enter().is_some());
        assert_eq!(gate.peak(), 1);
    }
}
