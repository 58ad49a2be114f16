//! [`Request`]: what the caller asks the client to send (method, URL, optional body, optional
//! attempt limit), and the check that it can be sent at all. It does not send anything:
//! sending and retrying are the client's ([`super::Client`]).

use ureq::http::{Method, Uri};

/// One logical request; the client may send it several times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method; retry rules depend on whether it is idempotent.
    pub method: Method,
    /// An absolute `http://` or `https://` URL.
    pub url: String,
    /// The body, sent on every attempt.
    pub body: Option<Vec<u8>>,
    /// Overrides `RetryPolicy::max_attempts` for this request (1 disables retries).
    pub max_attempts: Option<u32>,
}

impl Request {
    /// A request without a body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            body: None,
            max_attempts: None,
        }
    }

    /// A GET request.
    pub fn get(url: impl Into<String>) -> Self {
        Request::new(Method::GET, url)
    }

    /// A HEAD request.
    pub fn head(url: impl Into<String>) -> Self {
        Request::new(Method::HEAD, url)
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Sets the attempt limit for this request (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// Checks that the URL is absolute, `http` or `https`, and has a host.
    pub fn validate(&self) -> Result<(), String> {
        let uri: Uri = self
            .url
            .parse()
            .map_err(|e| format!("bad URL {:?}: {e}", self.url))?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            _ => {
                return Err(format!(
                    "URL {:?} must start with http:// or https://",
                    self.url
                ));
            }
        }
        match uri.host() {
            Some(host) if !host.is_empty() => Ok(()),
            _ => Err(format!("URL {:?} has no host", self.url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_set_fields() {
        let r = Request::new(Method::POST, "http://127.0.0.1:9/x")
            .body("hi")
            .max_attempts(0);
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.body.as_deref(), Some(&b"hi"[..]));
        assert_eq!(r.max_attempts, Some(1));
        assert_eq!(Request::head("http://h/").method, Method::HEAD);
    }

    #[test]
    fn validation() {
        assert_eq!(
            Request::get("http://127.0.0.1:8080/health").validate(),
            Ok(())
        );
        assert_eq!(Request::get("https://example.test").validate(), Ok(()));
        for bad in ["", "/relative", "ftp://h/x", "http://", "not a url"] {
            assert!(Request::get(bad).validate().is_err(), "{bad:?}");
        }
    }
}
