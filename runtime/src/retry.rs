//! The retry policy: which failures are transient (408, 429, 500, 502, 503, 504, connection
//! errors, timeouts), when a non-idempotent request may be repeated, exponential backoff with
//! ±20% jitter, and the server's wait hints (`Retry-After` in seconds or as an HTTP date,
//! `retry-after-ms`, `x-ms-retry-after-ms`).

use std::time::Duration;

use reqwest::header::HeaderMap;

/// Retry policy and the deadline of one call.
#[derive(Debug, Clone)]
pub struct RetryOptions {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay (doubles each retry, ±20% jitter).
    pub initial_delay: Duration,
    /// Cap on one delay (also caps `Retry-After`).
    pub max_delay: Duration,
    /// Deadline of one call including all its attempts and waits: no attempt runs past it
    /// (an attempt's timeout is shortened to fit), and no retry starts that would.
    pub max_total: Duration,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            max_retries: 3,
            initial_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(60),
            max_total: Duration::from_secs(300),
        }
    }
}

impl RetryOptions {
    /// The wait before retry number `retry` (0 for the first retry): `initial_delay × 2^retry`
    /// capped at `max_delay`, times a uniformly random factor in [0.8, 1.2].
    pub fn backoff(&self, retry: u32) -> Duration {
        let base = self
            .initial_delay
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_delay);
        base.mul_f64(0.8 + 0.4 * unit_random()).min(self.max_delay)
    }
}

/// A uniformly distributed number in [0, 1), from the standard library's per-process random
/// hash keys and a counter (no extra dependency; not for cryptography).
pub(crate) fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Statuses worth retrying.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether a failed attempt may be repeated: idempotent verbs always; POST/PATCH only when
/// the service said it did not process the request (408, 429, 503) or no connection was made.
pub fn safe_to_retry(method: &reqwest::Method, status: Option<u16>, connect_error: bool) -> bool {
    let idempotent = matches!(
        method.as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS"
    );
    idempotent || connect_error || matches!(status, Some(408 | 429 | 503))
}

fn header<'h>(h: &'h HeaderMap, name: &str) -> Option<&'h str> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The server's requested wait: `retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After`
/// (seconds or HTTP date).
pub fn retry_after(h: &HeaderMap) -> Option<Duration> {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = header(h, name).and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
    }
    let v = header(h, "retry-after")?;
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
