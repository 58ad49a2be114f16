//! Which URLs `rca analyze --probe` re-probes: the servers named by the run's root causes,
//! as `scheme://host:port`, with `--probe-map OLD=NEW` rewrites for runs whose servers must
//! be reached another way now. It sends no request: probing the targets is [`super`]'s.

use crate::diagnose::Diagnosis;
use crate::diagnose::Family;

/// A server to re-probe and the root causes that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    /// `scheme://host:port` as the log named it.
    pub logged: String,
    /// The base URL actually probed (after `--probe-map`).
    pub base_url: String,
    /// Root cause ids (`RC1`, ...).
    pub root_causes: Vec<String>,
}

/// One `--probe-map OLD=NEW` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeMap {
    from: String,
    to: String,
}

impl ProbeMap {
    /// Parses `OLD=NEW`; both sides must be http(s) base URLs.
    pub fn parse(spec: &str) -> Result<ProbeMap, String> {
        let (from, to) = spec
            .split_once('=')
            .ok_or_else(|| format!("--probe-map {spec:?}: expected OLD=NEW"))?;
        let (from, to) = (from.trim_end_matches('/'), to.trim_end_matches('/'));
        for side in [from, to] {
            if !(side.starts_with("http://") || side.starts_with("https://"))
                || side.split_once("://").is_none_or(|(_, h)| h.is_empty())
            {
                return Err(format!(
                    "--probe-map {spec:?}: {side:?} is not an http:// or https:// base URL"
                ));
            }
        }
        Ok(ProbeMap {
            from: from.to_string(),
            to: to.to_string(),
        })
    }

    fn apply(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(&self.from)?;
        // Whole host:port only: `https://h:44` must not rewrite `https://h:443`.
        (rest.is_empty() || rest.starts_with('/')).then(|| format!("{}{rest}", self.to))
    }
}

pub use crate::diagnose::scheme_of;

/// The servers behind the run's root causes, in root-cause order, each once. Client-pool
/// causes are left out: the client, not the server, was short of connections.
pub fn targets(d: &Diagnosis, maps: &[ProbeMap]) -> Vec<ProbeTarget> {
    let mut out: Vec<ProbeTarget> = Vec::new();
    for rc in &d.rca.root_causes {
        if rc.family == Family::ClientPool {
            continue;
        }
        let Some(target) = rc.target.as_deref() else {
            continue;
        };
        let lines: Vec<&str> = d
            .rca
            .findings
            .iter()
            .filter(|f| rc.findings.contains(&f.id))
            .flat_map(|f| f.samples.iter().map(|s| s.text.as_str()))
            .collect();
        let logged = format!("{}://{}", scheme_of(target, &lines), authority(target));
        let base_url = maps
            .iter()
            .find_map(|m| m.apply(&logged))
            .unwrap_or_else(|| logged.clone());
        match out.iter_mut().find(|t| t.logged == logged) {
            Some(t) => t.root_causes.push(rc.id.clone()),
            None => out.push(ProbeTarget {
                logged,
                base_url,
                root_causes: vec![rc.id.clone()],
            }),
        }
    }
    out
}

/// `host:port` as a URL authority: an IPv6 host (`::1:8080`, as urllib3's repr gives it)
/// goes in brackets (`[::1]:8080`).
fn authority(target: &str) -> String {
    if target.starts_with('[') || target.matches(':').count() <= 1 {
        return target.to_string();
    }
    match target.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            format!("[{host}]:{port}")
        }
        _ => format!("[{target}]"),
    }
}

/// `base` joined with `path` (`/` added between them when missing).
pub fn join(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_from_lines_then_port() {
        let https = "HTTPSConnectionPool(host='10.10.10.100', port=443): Max retries exceeded";
        let http = "HTTPConnectionPool(host='127.0.0.1', port=5000): Read timed out.";
        assert_eq!(scheme_of("10.10.10.100:443", &[https]), "https");
        assert_eq!(scheme_of("127.0.0.1:5000", &[http]), "http");
        assert_eq!(
            scheme_of("127.0.0.1:8443", &["POST https://127.0.0.1:8443/x failed"]),
            "https"
        );
        assert_eq!(scheme_of("api.example:443", &[]), "https");
        assert_eq!(scheme_of("api.example:8080", &[]), "http");
    }

    #[test]
    fn probe_maps_rewrite_whole_base_urls() {
        let m = ProbeMap::parse("https://10.10.10.100:443=http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            m.apply("https://10.10.10.100:443").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(m.apply("https://10.10.10.100:4433"), None);
        assert_eq!(m.apply("https://10.10.10.101:443"), None);
        assert!(ProbeMap::parse("10.10.10.100=127.0.0.1").is_err());
        assert!(ProbeMap::parse("https://a").is_err());
        assert!(ProbeMap::parse("ftp://a=http://b").is_err());
    }

    #[test]
    fn ipv6_hosts_are_bracketed() {
        assert_eq!(authority("::1:8080"), "[::1]:8080");
        assert_eq!(authority("[::1]:8080"), "[::1]:8080");
        assert_eq!(authority("10.0.0.1:443"), "10.0.0.1:443");
        assert_eq!(authority("api.example"), "api.example");
    }

    #[test]
    fn join_paths() {
        assert_eq!(join("http://h:1", "/health"), "http://h:1/health");
        assert_eq!(join("http://h:1/", "health"), "http://h:1/health");
        assert_eq!(join("http://h:1", "/"), "http://h:1/");
    }
}
