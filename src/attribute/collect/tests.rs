//! Unit tests of the collector's line helpers: pytest location lines, urllib3's retry debug
//! lines, short names of node ids, timestamps and traceback lines. Not here: whole runs
//! through the collector, which the integration tests under `tests/` and the diagnosis's
//! tests (`crate::diagnose`) drive.

use super::names::short_names;
use super::*;

#[test]
fn location_lines_with_and_without_spaces() {
    assert!(is_location_line(
        b"tests/test_x.py:12: requests.exceptions.ConnectTimeout: x"
    ));
    assert!(is_location_line(
        br"C:\Users\Dana Levi\proj\tests\test_x.py:12: requests.exceptions.ConnectTimeout: x"
    ));
    assert!(is_location_line(
        b"/home/ci user/proj/tests/test_x.py:7: AssertionError"
    ));
    assert!(!is_location_line(b"error in helper x.py:3: boom"));
    assert!(!is_location_line(
        b"E   ValueError: see /tmp/a b/x.py:3: boom"
    ));
    assert!(!is_location_line(b"tests/test_x.py:abc: nope"));
}

#[test]
fn urllib3_retry_debug_lines() {
    let inc = b"2026-11-27 12:36:01.948 [  DEBUG] urllib3.util.retry: Incremented Retry for (url='/ratelimit/x'): Retry(total=1, connect=None, read=None, redirect=None, status=None)";
    assert_eq!(
        retry_debug_line(inc),
        Some(("/ratelimit/x".to_string(), None))
    );
    let status = b"2026-11-27 12:36:02.951 [  DEBUG] urllib3.connectionpool: Retry: /ratelimit/x";
    assert_eq!(
        retry_debug_line(status),
        Some(("/ratelimit/x".to_string(), Some(true)))
    );
    let error = b"WARNING  urllib3.connectionpool:connectionpool.py:870 Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(...)': /focus-server/configure";
    assert_eq!(
        retry_debug_line(error),
        Some(("/focus-server/configure".to_string(), Some(false)))
    );
    assert_eq!(retry_debug_line(b"app: Retry: later, maybe"), None);
}

#[test]
fn short_names_of_nodeids() {
    assert_eq!(short_names("t.py::test_a[1]"), vec!["test_a[1]"]);
    assert_eq!(
        short_names("t.py::TestA::test_a[x::y]"),
        vec!["test_a[x::y]", "TestA.test_a[x::y]"]
    );
}

#[test]
fn timestamps_are_normalised() {
    assert_eq!(
        timestamp_of(None, b"2025-11-07 10:23:45,123 [WARNING] x").as_deref(),
        Some("2025-11-07T10:23:45.123")
    );
    assert_eq!(
        timestamp_of(Some(b"2025-11-07T10:23:45.1234567Z"), b"x").as_deref(),
        Some("2025-11-07T10:23:45.123")
    );
    assert_eq!(timestamp_of(None, b"E   boom"), None);
}

#[test]
fn ascii_timestamps_normalise_as_character_by_character() {
    for ci in [
        "2025-11-07T10:23:45.1234567Z",
        "2025-11-07T10:23:45+00:00",
        "2025-11-07 10:23:45,1+01",
        "2025-11-07T10:23:45Z",
        "2025-11-07T10:23",
        "2025-11-07+10:23:45",
        "2025-11-07 10:23:45,123456",
        "2025-11-07T10:23:45,12",
        "2025-11-07T10:23:4é.5",
    ] {
        assert_eq!(
            timestamp_of(Some(ci.as_bytes()), b"x").as_deref(),
            Some(normalised_by_characters(ci.trim_end_matches('Z')).as_str()),
            "{ci:?}"
        );
    }
}

#[test]
fn traceback_lines() {
    assert!(is_traceback_event_line(b"E   urllib3.exceptions.X: y"));
    assert!(is_traceback_event_line(
        b"urllib3.exceptions.ResponseError: too many 503 error responses"
    ));
    assert!(!is_traceback_event_line(
        b"self = <HTTPSConnection(host='h', port=1) at 0x1>"
    ));
}
