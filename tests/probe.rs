//! `rca probe` and `rca analyze --probe` against in-process misbehaving servers on
//! 127.0.0.1 only. The real binary runs; the servers count what they received, so the bounds
//! are checked from the server side.

mod common;
mod support;

use common::rca;
use serde_json::Value;
use std::time::{Duration, Instant};
use support::servers::{Blackhole, Reply, TestServer, refused_addr};

/// Runs `rca probe ARGS --format json` and returns (exit code, document).
fn probe(args: &[&str]) -> (i32, Value) {
    let out = rca()
        .arg("probe")
        .args(args)
        .args(["--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

fn target(doc: &Value) -> &Value {
    &doc["targets"][0]
}

#[test]
fn healthy_server_is_healthy_with_latency_and_timings() {
    let server = TestServer::healthy();
    let (code, doc) = probe(&[&server.url("/health")]);
    assert_eq!(code, 0);
    let t = target(&doc);
    assert_eq!(t["verdict"], "healthy");
    assert_eq!(t["requests_sent"], 5);
    assert_eq!(
        server.requests(),
        5,
        "the server saw exactly the health requests"
    );
    assert_eq!(t["outcomes"]["200"], 5);
    assert_eq!(t["circuit_opened"], false);
    assert!(t["latency"]["p95_ms"].as_f64().unwrap() >= 0.0);
    assert!(t["timings"]["connect_ms"].is_number());
    assert!(t["timings"]["first_byte_p50_ms"].is_number());
}

#[test]
fn refusing_port_is_down_after_at_most_the_breaker_threshold() {
    let addr = refused_addr();
    let (code, doc) = probe(&[&format!("http://{addr}/"), "--health-requests", "20"]);
    assert_eq!(code, 1, "a down target exits 1");
    let t = target(&doc);
    assert_eq!(t["verdict"], "down");
    assert_eq!(t["circuit_opened"], true);
    assert_eq!(t["stopped_by"], "breaker");
    let sent = t["requests_sent"].as_u64().unwrap();
    assert!(sent <= 5, "{sent} attempts against a refusing port");
    assert_eq!(t["outcomes"]["connection_refused"], sent);
}

#[test]
fn hanging_server_receives_no_more_than_the_breaker_allows() {
    let server = TestServer::hanging();
    let started = Instant::now();
    let (code, doc) = probe(&[
        &server.url("/"),
        "--health-requests",
        "20",
        "--read-timeout",
        "300ms",
        "--ramp",
        "1,5,10",
    ]);
    assert_eq!(code, 1);
    let t = target(&doc);
    assert_eq!(t["verdict"], "down");
    assert_eq!(t["outcomes"]["read_timeout"], 5);
    assert!(server.requests() <= 5, "server saw {}", server.requests());
    assert_eq!(
        t["steps"].as_array().unwrap().len(),
        0,
        "no ramp on a dead server"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn full_backlog_gives_connect_timeouts_and_stops() {
    let hole = Blackhole::new();
    let (code, doc) = probe(&[&hole.url("/"), "--connect-timeout", "200ms"]);
    assert_eq!(code, 1);
    let t = target(&doc);
    assert_eq!(t["verdict"], "down");
    assert!(t["outcomes"]["connect_timeout"].as_u64().unwrap() >= 1);
    assert!(t["requests_sent"].as_u64().unwrap() <= 5);
}

#[test]
fn ramp_finds_the_knee_of_a_server_that_sheds_load_past_n() {
    // 503 when more than 5 requests are in flight, 200 after 100 ms otherwise.
    let server = TestServer::overloaded(5, Duration::from_millis(100));
    let (code, doc) = probe(&[
        &server.url("/"),
        "--ramp",
        "1,2,5,10,20",
        "--requests",
        "40",
        "--rate",
        "400",
        "--max-requests",
        "250",
    ]);
    assert_eq!(code, 0, "up at low concurrency: not down");
    let t = target(&doc);
    let knee = t["knee"]["concurrency"].as_u64().expect("a knee");
    assert!(
        knee == 10 || knee == 5,
        "knee at {knee}, expected within one step of 5: {t:#}"
    );
    assert_eq!(t["knee"]["reason"], "errors");
    let steps = t["steps"].as_array().unwrap();
    assert_eq!(steps[0]["success_rate"], 1.0);
    // Whatever happened, the server never saw more than the cap.
    assert!(server.requests() <= 250);
    assert_eq!(
        server.requests() as u64,
        t["requests_sent"].as_u64().unwrap(),
        "the report counts what the server received"
    );
}

#[test]
fn request_cap_holds_with_many_workers() {
    let server = TestServer::healthy();
    let (_, doc) = probe(&[
        &server.url("/"),
        "--ramp",
        "10,20",
        "--requests",
        "100",
        "--rate",
        "1000",
        "--max-requests",
        "37",
    ]);
    let t = target(&doc);
    assert_eq!(t["stopped_by"], "request_cap");
    assert_eq!(t["requests_sent"], 37);
    assert_eq!(server.requests(), 37, "never more than the cap");
}

#[test]
fn time_cap_ends_a_slow_ramp() {
    let server = TestServer::start(|_| Reply::status(200).after(Duration::from_millis(200)));
    let started = Instant::now();
    let (_, doc) = probe(&[
        &server.url("/"),
        "--ramp",
        "1,2,3,4,5,6",
        "--requests",
        "50",
        "--max-time",
        "2s",
    ]);
    let t = target(&doc);
    assert_eq!(t["stopped_by"], "time_cap");
    // The cap is checked before each attempt; one in flight may finish after it.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn retry_after_is_respected_by_the_health_probe() {
    let server = TestServer::rate_limited("1", 1);
    let (code, doc) = probe(&[&server.url("/"), "--health-requests", "1"]);
    assert_eq!(code, 0);
    let t = target(&doc);
    assert_eq!(t["outcomes"]["429"], 1);
    assert_eq!(t["outcomes"]["200"], 1);
    let gaps = server.arrival_gaps();
    assert_eq!(gaps.len(), 1);
    assert!(
        gaps[0] >= Duration::from_millis(950),
        "retried after {:?}",
        gaps[0]
    );
}

#[test]
fn a_retry_after_beyond_the_cap_stops_the_target_instead_of_asking_again_at_once() {
    // 503 with `Retry-After: 3600` on every request: the client's cap is 10 s, so it does
    // not retry; the next health request must not follow at once either.
    let server = TestServer::start(|_| Reply::status(503).header("Retry-After", "3600"));
    let started = Instant::now();
    let (code, doc) = probe(&[&server.url("/health"), "--ramp", "1,2"]);
    assert_eq!(code, 1, "a server refusing service for an hour is down now");
    let t = target(&doc);
    assert_eq!(t["stopped_by"], "retry_after");
    assert_eq!(t["retry_after_s"], 3600);
    assert_eq!(t["outcomes"]["503"], 1);
    assert_eq!(server.requests(), 1, "one request, not five in a row");
    assert!(t["steps"].as_array().unwrap().is_empty(), "no ramp either");
    assert!(started.elapsed() < Duration::from_secs(20));
    let text = rca()
        .args(["probe", &server.url("/health"), "--format", "text"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("stopped by: retry_after (the server asked for 3600 s"),
        "{text}"
    );
}

#[test]
fn rate_limit_spaces_attempts() {
    let server = TestServer::healthy();
    let started = Instant::now();
    let (_, doc) = probe(&[
        &server.url("/"),
        "--ramp",
        "4",
        "--requests",
        "30",
        "--rate",
        "20",
        "--health-requests",
        "1",
    ]);
    assert_eq!(target(&doc)["requests_sent"], 31);
    // 31 attempts at 20/s with a burst of 10 need at least about 1 s.
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[test]
fn only_http_urls_and_get_or_head() {
    for bad in [
        vec!["ftp://127.0.0.1/"],
        vec!["127.0.0.1:80"],
        vec!["http://127.0.0.1:1/", "--method", "post"],
        vec!["http://127.0.0.1:1/", "--ramp", "0,5"],
        vec!["http://127.0.0.1:1/", "--max-time", "soon"],
    ] {
        let out = rca().arg("probe").args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn analyze_probe_folds_the_reprobe_into_the_verdicts() {
    let healthy = TestServer::healthy();
    let dead = refused_addr();
    let log = common::samples_dir().join("seed-urllib3-2.log");
    // RC1 named https://127.0.0.1:54789, RC2 https://127.0.0.1:36367 and RC3
    // https://127.0.0.1:33939 when the sample was made; map them to servers of this test.
    let out = rca()
        .args([
            "analyze",
            log.to_str().unwrap(),
            "--format",
            "json",
            "--probe",
        ])
        .args([
            "--probe-map",
            &format!("https://127.0.0.1:54789={}", healthy.base_url()),
            "--probe-map",
            &format!("https://127.0.0.1:36367=http://{dead}"),
            "--probe-map",
            &format!("https://127.0.0.1:33939=http://{dead}"),
            "--health-path",
            "/health",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("rca: probing {}/health (RC1)", healthy.base_url())),
        "targets are printed first: {stderr}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rcs = doc["root_causes"].as_array().unwrap();
    let conclusion = |id: &str| {
        rcs.iter().find(|r| r["id"] == id).unwrap()["reprobe"]["conclusion"]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(conclusion("RC1").as_deref(), Some("transient_or_load"));
    assert_eq!(conclusion("RC2").as_deref(), Some("persistent_outage"));
    assert_eq!(conclusion("RC4"), None, "a client pool cause is not probed");
    let targets = doc["reprobe"]["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    assert_eq!(targets[0]["logged_url"], "https://127.0.0.1:54789");
    assert_eq!(healthy.requests(), 5);
    let evidence = rcs[0]["verdict"]["evidence"].to_string();
    assert!(evidence.contains("re-probe now:"), "{evidence}");
    // The summary follows the probe: healthy now is said there, and a server that refuses
    // connections now is not "up but refuses work with HTTP 503".
    let summary = |id: &str| {
        rcs.iter().find(|r| r["id"] == id).unwrap()["verdict"]["summary"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let rc1 = summary("RC1");
    assert!(rc1.contains("; healthy now (re-probe)"), "{rc1}");
    for id in ["RC2", "RC3"] {
        let s = summary(id);
        assert!(!s.contains("is up"), "{id}: {s}");
        assert!(
            s.contains("gives no HTTP answer now (connection_refused"),
            "{id}: {s}"
        );
        let locus = &rcs.iter().find(|r| r["id"] == id).unwrap()["verdict"]["locus"];
        assert_eq!(locus, "infrastructure", "{id}");
    }
    let text = rca()
        .args([
            "analyze",
            log.to_str().unwrap(),
            "--format",
            "md",
            "--probe",
            "-q",
        ])
        .args([
            "--probe-map",
            &format!("https://127.0.0.1:54789={}", healthy.base_url()),
            "--probe-map",
            &format!("https://127.0.0.1:36367=http://{dead}"),
            "--probe-map",
            &format!("https://127.0.0.1:33939=http://{dead}"),
            "--health-path",
            "/health",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&text.stdout);
    let summary_section = md
        .split("## Summary")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(
        summary_section.contains("healthy now (re-probe)"),
        "{summary_section}"
    );
    assert!(
        !summary_section.contains("is up but refuses work"),
        "{summary_section}"
    );
}

/// The load tests' in-flight limit follows the re-probe's capacity knee.
#[test]
fn analyze_probe_ramp_sets_the_in_flight_limit_from_the_knee() {
    // 503 when more than 5 requests are in flight.
    let server = TestServer::overloaded(5, Duration::from_millis(100));
    let dead = refused_addr();
    let log = common::samples_dir().join("seed-urllib3-2.log");
    let out = rca()
        .args([
            "analyze",
            log.to_str().unwrap(),
            "--format",
            "json",
            "--probe",
            "-q",
        ])
        .args([
            "--probe-map",
            &format!("https://127.0.0.1:54789=http://{dead}"),
            "--probe-map",
            &format!("https://127.0.0.1:36367={}", server.base_url()),
            "--probe-map",
            &format!("https://127.0.0.1:33939=http://{dead}"),
            "--ramp",
            "1,2,5,10,20",
            "--requests",
            "40",
            "--rate",
            "400",
            "--max-requests",
            "250",
        ])
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let knee = doc["reprobe"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|t| t["knee"].as_object())
        .expect("the overloaded server has a knee");
    let good = knee["last_good"].as_u64().expect("a last good step");
    let rate = doc["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "rate-limit-load-tests")
        .expect("the rate-limit recommendation");
    let after = rate["after"].as_str().unwrap();
    assert!(
        after.contains(&format!("MAX_IN_FLIGHT = {good}  # the re-probe of")),
        "the limit is the last good step {good}: {after}"
    );
    // The log's own estimate (errors from 20) set against the re-probe's knee.
    let compared = doc["capacity"]["reprobe"].as_str().expect("a comparison");
    assert!(
        compared.contains(&format!(
            "fails from concurrency {}, the log from {}",
            knee["concurrency"], doc["capacity"]["knee"]
        )),
        "{compared}"
    );
}

#[test]
fn a_rate_that_caps_the_ramp_is_measured_on_the_wire_and_named_with_the_rate_it_needs() {
    // 503 when more than 5 requests are in flight, 200 after 100 ms otherwise. At the
    // default 20 attempts/s and 100 ms each, about two attempts overlap, whatever the
    // number of workers waiting for the limiter.
    let server = TestServer::overloaded(5, Duration::from_millis(100));
    let (code, doc) = probe(&[&server.url("/"), "--ramp", "1,5,20", "--requests", "20"]);
    assert_eq!(code, 0);
    let t = target(&doc);
    let steps = t["steps"].as_array().unwrap();
    let top = &steps[2];
    assert_eq!(top["concurrency"], 20);
    let peak = top["peak_in_flight"].as_u64().unwrap();
    assert!(peak < 20, "20 workers, {peak} on the wire: {top:#}");
    assert_eq!(top["capped_by"], "rate", "{top:#}");
    assert!(
        steps[0].get("capped_by").is_none(),
        "one worker is not capped"
    );
    let rate = t["suggested_rate"].as_f64().expect("a suggested --rate");
    assert!(rate > 20.0, "{rate}");
    let warnings: Vec<&str> = t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("the rate limit (20/s) kept")
                && w.ends_with(&format!("rerun with --rate {rate}"))),
        "{warnings:?}"
    );
    let text = common::stdout_of(&[
        "probe",
        &server.url("/"),
        "--ramp",
        "1,20",
        "--requests",
        "20",
    ]);
    assert!(text.contains("rate limit"), "{text}");
    assert!(
        text.contains("no capacity knee up to") || text.contains("capacity knee at"),
        "{text}"
    );
    // With the rate it asks for, the steps reach their level and the knee shows.
    let rate_arg = rate.to_string();
    let (_, doc) = probe(&[
        &server.url("/"),
        "--ramp",
        "1,5,20",
        "--requests",
        "40",
        "--rate",
        &rate_arg,
    ]);
    let t = target(&doc);
    let top = &t["steps"][2];
    assert!(top.get("capped_by").is_none(), "{top:#}");
    assert!(top["peak_in_flight"].as_u64().unwrap() > 5, "{top:#}");
    assert_eq!(t["knee"]["concurrency"], 20, "{t:#}");
}

#[test]
fn a_health_path_that_answers_404_every_time_is_not_healthy() {
    let server = TestServer::always(404);
    let (code, doc) = probe(&[&server.url("/no-such-health")]);
    assert_eq!(code, 0, "up, not down");
    let t = target(&doc);
    assert_eq!(t["verdict"], "degraded", "{t:#}");
    let w = t["warnings"][0].as_str().unwrap();
    assert!(
        w.starts_with("every health request got 404 from /no-such-health")
            && w.contains("--health-path"),
        "{w}"
    );
}

#[test]
fn a_bad_health_path_is_a_usage_error() {
    let log = common::samples_dir().join("seed-urllib3-2.log");
    let out = rca()
        .args([
            "analyze",
            log.to_str().unwrap(),
            "--probe",
            "--health-path",
            "/<b>",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("rca: --health-path"), "{err}");
    assert!(!err.contains("probing"), "nothing is probed: {err}");
}

#[test]
fn analyze_sends_nothing_without_probe() {
    let out = rca()
        .args(["analyze", "--probe-map", "http://a=http://b", "x.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--probe-map needs --probe");
}

#[test]
fn reports_show_the_reprobe_section_escaped() {
    let dead = refused_addr();
    let log = common::samples_dir().join("seed-urllib3-2.log");
    let dir = tempfile::tempdir().unwrap();
    for (ext, heading) in [
        ("md", "## Re-probe"),
        ("html", "<h2 id=\"reprobe\">Re-probe</h2>"),
    ] {
        let path = dir.path().join(format!("rca.{ext}"));
        rca()
            .args(["analyze", log.to_str().unwrap(), "--probe", "-q", "-o"])
            .arg(&path)
            .args([
                "--probe-map",
                &format!("https://127.0.0.1:54789=http://{dead}"),
                "--probe-map",
                &format!("https://127.0.0.1:36367=http://{dead}"),
                "--probe-map",
                &format!("https://127.0.0.1:33939=http://{dead}"),
                "--health-path",
                "/health?a=1&b=2",
            ])
            .timeout(Duration::from_secs(60))
            .assert()
            .success();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(heading), "{ext}: no re-probe section");
        assert!(
            text.contains("is still down"),
            "{ext}: no conclusion in the verdicts"
        );
        if ext == "html" {
            assert!(text.contains("/health?a=1&#38;b=2"), "the URL is escaped");
            assert!(!text.contains("a=1&b=2"));
        }
    }
}

/// A TLS server on 127.0.0.1 with a fresh self-signed certificate for 127.0.0.1: answers
/// `200 ok` to each request. Returns its port and a request counter.
fn tls_server() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert: CertificateDer<'static> = key.cert.der().clone();
    let pkcs8 = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], pkcs8)
    .unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        // Bounded: the probe opens a handful of connections.
        for stream in listener.incoming().take(50) {
            let Ok(stream) = stream else { continue };
            let config = config.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (port, requests)
}

#[test]
fn tls_handshake_is_timed_and_certificates_are_verified() {
    let (port, requests) = tls_server();
    let url = format!("https://127.0.0.1:{port}/");
    // A self-signed certificate is refused by default...
    let (code, doc) = probe(&[&url]);
    assert_eq!(code, 1);
    let t = target(&doc);
    assert_eq!(t["verdict"], "down");
    assert!(
        t["outcomes"]["tls_error"].as_u64().is_some_and(|n| n >= 1),
        "{t:#}"
    );
    let err = t["timings"]["preflight_error"].as_str().unwrap();
    assert!(err.contains("TLS handshake failed"), "{err}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 0);
    // ...and accepted with --insecure, with the handshake timed on its own.
    let (code, doc) = probe(&[&url, "--insecure"]);
    assert_eq!(code, 0, "{doc:#}");
    let t = target(&doc);
    assert_eq!(t["verdict"], "healthy");
    assert!(t["timings"]["tls_ms"].as_f64().unwrap() > 0.0, "{t:#}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 5);
}
