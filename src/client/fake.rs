//! [`ScriptedTransport`]: a fake [`Transport`] that replays scripted replies and failures on a
//! [`ManualClock`], for testing the client and the code built on it without a network.
//!
//! Each [`Step`] says what one attempt returns and how long it takes; the transport advances
//! the manual clock by that latency, so slow calls, deadlines and backoff can be exercised on
//! fake time. Every call is logged with the clock time it was made at. It is not used by
//! `rca` itself: only tests and code built on the client script it.

use super::attempt::ErrorClass;
use super::clock::{Clock, ManualClock};
use super::transport::{Call, Failure, Reply, Transport};
use crate::model::Category;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use ureq::http::Method;

/// What one scripted attempt returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The reply or failure.
    pub result: Result<Reply, Failure>,
    /// How long the attempt takes on the manual clock.
    pub latency: Duration,
}

impl Step {
    /// A response with `status` and an empty body, taking 1 ms.
    pub fn status(status: u16) -> Self {
        let reply = Reply {
            status,
            retry_after: None,
            body: Vec::new(),
            head_latency: None,
        };
        Step {
            result: Ok(reply),
            latency: Duration::from_millis(1),
        }
    }

    /// A response with `status` and a raw `Retry-After` header.
    pub fn retry_after(status: u16, value: &str) -> Self {
        let mut step = Step::status(status);
        if let Ok(reply) = &mut step.result {
            reply.retry_after = Some(value.to_string());
        }
        step
    }

    /// A failure of `class` and `category`, taking 1 ms.
    pub fn failure(class: ErrorClass, category: Category) -> Self {
        let message = format!("scripted {}", category.id());
        let failure = Failure {
            class,
            category,
            message,
            head_latency: None,
        };
        Step {
            result: Err(failure),
            latency: Duration::from_millis(1),
        }
    }

    /// Sets the latency.
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

/// One call the transport received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedCall {
    /// The method.
    pub method: Method,
    /// The URL.
    pub url: String,
    /// The manual clock's time when the call started.
    pub at: Duration,
    /// The total timeout the client allowed.
    pub total_timeout: Duration,
}

/// A transport that replays steps in order, then repeats a fallback step (200 by default).
#[derive(Debug)]
pub struct ScriptedTransport {
    clock: Arc<ManualClock>,
    state: Mutex<Script>,
}

#[derive(Debug)]
struct Script {
    steps: VecDeque<Step>,
    fallback: Step,
    calls: Vec<ScriptedCall>,
}

impl ScriptedTransport {
    /// An empty script on `clock` (every call answers 200 until steps are added).
    pub fn new(clock: Arc<ManualClock>) -> Self {
        let script = Script {
            steps: VecDeque::new(),
            fallback: Step::status(200),
            calls: Vec::new(),
        };
        ScriptedTransport {
            clock,
            state: Mutex::new(script),
        }
    }

    /// Appends a step.
    #[must_use]
    pub fn then(self, step: Step) -> Self {
        self.push(step);
        self
    }

    /// Appends `count` copies of a step.
    #[must_use]
    pub fn times(self, count: usize, step: &Step) -> Self {
        for _ in 0..count {
            self.push(step.clone());
        }
        self
    }

    /// Sets the step repeated once the script is used up.
    #[must_use]
    pub fn otherwise(self, step: Step) -> Self {
        self.lock().fallback = step;
        self
    }

    /// Appends a step (from any thread, while in use).
    pub fn push(&self, step: Step) {
        self.lock().steps.push_back(step);
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<ScriptedCall> {
        self.lock().calls.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Transport for ScriptedTransport {
    fn send(&self, call: &Call<'_>) -> Result<Reply, Failure> {
        let step = {
            let mut script = self.lock();
            script.calls.push(ScriptedCall {
                method: call.method.clone(),
                url: call.url.to_string(),
                at: self.clock.now(),
                total_timeout: call.timeouts.total,
            });
            script
                .steps
                .pop_front()
                .unwrap_or_else(|| script.fallback.clone())
        };
        self.clock.advance(step.latency);
        step.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::transport::Timeouts;

    #[test]
    fn replays_steps_then_the_fallback_and_advances_the_clock() {
        let clock = Arc::new(ManualClock::new());
        let t = ScriptedTransport::new(Arc::clone(&clock))
            .then(Step::status(503).latency(Duration::from_millis(30)))
            .then(Step::failure(
                ErrorClass::Connect,
                Category::ConnectionRefused,
            ))
            .otherwise(Step::status(204));
        let timeouts = Timeouts {
            connect: Duration::ZERO,
            read: Duration::ZERO,
            total: Duration::ZERO,
        };
        let call = Call {
            method: &Method::GET,
            url: "http://h/",
            body: None,
            timeouts,
            max_body_bytes: 0,
        };
        assert_eq!(t.send(&call).map(|r| r.status), Ok(503));
        assert_eq!(
            t.send(&call).map_err(|f| f.category),
            Err(Category::ConnectionRefused)
        );
        assert_eq!(t.send(&call).map(|r| r.status), Ok(204));
        assert_eq!(t.send(&call).map(|r| r.status), Ok(204));
        let at: Vec<Duration> = t.calls().iter().map(|c| c.at).collect();
        let ms = Duration::from_millis;
        assert_eq!(at, vec![ms(0), ms(30), ms(31), ms(32)]);
        assert_eq!(clock.now(), ms(33));
    }
}
