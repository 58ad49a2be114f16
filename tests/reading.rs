//! What people actually bring (issue 9): results, headers and summary lines wherever they
//! appear, pasting and shipping wrappers, indented blocks, the whole failure on one line,
//! other clients' wording and excerpts with no test at all. Every input here is built from
//! lines in the formats pytest and the client libraries really print; the real generated
//! samples (`samples/excerpt-*`, `compose-*`, `shape-q-tb-line`, `collect-*`,
//! `junit-logging-all`) check the same classes end to end in `tests/samples.rs`.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Analyses `log` given on stdin; returns (nodeid -> (outcome, categories)) and the report.
fn read(log: &str) -> (BTreeMap<String, (String, Vec<String>)>, Value) {
    let v = analyze_json_stdin(&["-"], Some(log.as_bytes().to_vec()));
    let tests = outcomes(&v);
    (tests, v)
}

fn cats(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Categories with events anywhere in the report.
fn case_categories(v: &Value) -> Vec<String> {
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["events"].as_u64().unwrap_or(0) > 0)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

const READ_TIMEOUT: &str = "requests.exceptions.ReadTimeout: HTTPConnectionPool(host='api.example', port=80): Read timed out. (read timeout=5)";

#[test]
fn result_lines_count_wherever_they_are_pasted() {
    let failed = format!("FAILED tests/test_api.py::test_status - {READ_TIMEOUT}");
    for (how, log) in [
        ("alone", failed.clone()),
        (
            "fenced",
            format!("Our nightly broke:\n```\n{failed}\n```\n"),
        ),
        ("bullet", format!("- {failed}\n")),
        ("comment", format!("# {failed}\n")),
        ("quote", format!("> {failed}\n")),
        (
            "ci prefix",
            format!("2025-11-07T10:23:45.1234567Z {failed}\n"),
        ),
        ("compose", format!("tests-1  | {failed}\n")),
        ("indented", format!("    {failed}\n")),
    ] {
        let (tests, _) = read(&format!("{log}\n"));
        assert_eq!(
            tests.get("tests/test_api.py::test_status"),
            Some(&("failed".to_string(), cats(&["read_timeout"]))),
            "{how}: {tests:?}"
        );
    }
    // A message cut with `...` is classified as far as it goes.
    let (tests, _) = read(
        "FAILED tests/t.py::test_x - requests.exceptions.ConnectionError: HTTPConnectionPool(host='h', port=80): Max retries exceeded with url: / (Caused by NewConnectionError('<urllib3.conn...\n",
    );
    assert_eq!(tests["tests/t.py::test_x"].1, cats(&["connection_refused"]));
}

#[test]
fn collection_errors_and_folded_skips_are_tests_that_reconcile() {
    let log = "\
==================================== ERRORS ====================================
_____________________ ERROR collecting tests/test_api.py _______________________
tests/test_api.py:3: in <module>
    TOKEN = requests.post(AUTH_URL, timeout=2).json()
E   requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /auth (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))
=========================== short test summary info ============================
SKIPPED [2] tests/test_v2.py:8: v2 API not deployed
ERROR tests/test_api.py - requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /auth (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))
ERROR tests/test_models.py - ModuleNotFoundError: No module named 'pydantic'
!!!!!!!!!!!!!!!!!!! Interrupted: 2 errors during collection !!!!!!!!!!!!!!!!!!!!
========================= 2 skipped, 2 errors in 0.31s =========================
";
    let (tests, v) = read(log);
    assert_eq!(
        tests["tests/test_api.py"],
        ("error".to_string(), cats(&["connection_refused"]))
    );
    assert_eq!(tests["tests/test_models.py"], ("error".to_string(), vec![]));
    assert_eq!(tests["tests/test_v2.py:8"].0, "skipped");
    let skip = v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["nodeid"] == "tests/test_v2.py:8")
        .unwrap();
    assert_eq!(skip["count"], 2, "one line stands for two skipped tests");
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["skipped"], 2);
    let warnings = v["warnings"].to_string();
    assert!(!warnings.contains("reconcile"), "{warnings}");
    assert_eq!(
        tests.len(),
        3,
        "the traceback is counted once, under its module: {tests:?}"
    );
}

#[test]
fn a_section_header_opens_its_test_without_the_failures_banner() {
    let log = format!(
        "\
______________________ TestStatus.test_status[slow] _______________________

    def test_status(api):
>       r = api.get('/status', timeout=5)

tests/test_api.py:12: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
            except ReadTimeoutError as e:
>               raise ReadTimeout(e, request=request)
E               {READ_TIMEOUT}
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
>   raise ConnectTimeoutError(self, \"Connection to api.example timed out. (connect timeout=5)\")
"
    );
    let (tests, v) = read(&log);
    assert_eq!(
        tests["TestStatus.test_status[slow]"],
        ("failed".to_string(), cats(&["read_timeout"]))
    );
    // The `_ _ _` separator is no header, and the echoed `raise` is not a second event.
    assert_eq!(tests.len(), 1);
    assert_eq!(v["categories"][0]["events"], 1);
}

#[test]
fn q_tb_line_entries_wait_for_the_summary_to_name_their_tests() {
    let log = "\
.F.F                                                                     [100%]
=================================== FAILURES ===================================
/home/ci/app/tests/test_api.py:12: requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='10.0.0.5', port=443): Max retries exceeded with url: /jobs (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to 10.0.0.5 timed out. (connect timeout=2)'))
/home/ci/app/tests/test_api.py:30: requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://10.0.0.5/health
=========================== short test summary info ============================
FAILED tests/test_api.py::test_create_job - requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='10.0.0.5', port=443): Max retries exceeded with url: /jobs (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to 10.0.0.5 timed out. (connect timeout=2)'))
FAILED tests/test_api.py::test_health - requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://10.0.0.5/health
2 failed, 2 passed in 4.21s
";
    let (tests, v) = read(log);
    assert_eq!(
        tests["tests/test_api.py::test_create_job"].1,
        cats(&["connect_timeout"])
    );
    assert_eq!(
        tests["tests/test_api.py::test_health"].1,
        cats(&["http_error"])
    );
    for c in v["categories"].as_array().unwrap() {
        assert_eq!(c["session_events"], 0, "{c}");
        assert_eq!(c["events"], 1, "one event per failure: {c}");
    }
}

#[test]
fn indented_blocks_and_wrappers_are_read_but_echoed_source_is_not() {
    let live = "2025-11-07 10:23:45 [WARNING] urllib3.connectionpool: Connection pool is full, discarding connection: api.example. Connection pool size: 10";
    for (how, log) in [
        ("yaml", format!("job:\n  log: |\n    {live}\n")),
        ("markdown block", format!("    {live}\n")),
        (
            "journald",
            format!("Nov 27 09:50:00 ci-7 pytest[4121]: {live}\n"),
        ),
        ("exception group", format!("  | {live}\n")),
        ("docker", format!("docker: {live}\n")),
        ("tox", format!("py311: {live}\n")),
    ] {
        let (_, v) = read(&log);
        assert_eq!(case_categories(&v), cats(&["pool_full"]), "{how}");
    }
    // Library source echoed in a traceback names exceptions that were never raised.
    let echo = "\
        except queue.Empty:
            # Timed out by queue.
            raise EmptyPoolError(self, \"No pool connections are available.\")
        except (TimeoutError, HTTPException, SocketError, ProtocolError,
                BaseSSLError, SSLError, CertificateError) as e:
            if isinstance(e, (BaseSSLError, CertificateError)):
                e = SSLError(e)
            elif isinstance(e, (SocketError, HTTPException)):
                e = ProtocolError('Connection aborted.', e)
            retries = retries.increment(method, url, error=e, _pool=self,
>                                       _stacktrace=sys.exc_info()[2])
";
    let out = rca()
        .args(["analyze", "-", "--format", "json"])
        .write_stdin(echo)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "nothing in echoed source is an event: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The same inside a CPython traceback: frames and code are skipped, the exception read.
    let native = "\
Traceback (most recent call last):
  File \"/app/client.py\", line 40, in fetch
    raise ReadTimeout(e, request=request)
  File \"/usr/lib/python3/site-packages/requests/adapters.py\", line 532, in send
    except ConnectTimeout:
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example', port=443): Max retries exceeded with url: /v1 (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))
";
    let (_, v) = read(native);
    assert_eq!(case_categories(&v), cats(&["connection_refused"]));
}

#[test]
fn one_line_can_show_retry_exhaustion_and_its_cause() {
    let (tests, v) = read(
        "FAILED tests/t.py::test_rl - requests.exceptions.RetryError: HTTPSConnectionPool(host='api.example', port=443): Max retries exceeded with url: /v1/jobs (Caused by ResponseError('too many 429 error responses'))\n",
    );
    assert_eq!(
        tests["tests/t.py::test_rl"].1,
        cats(&["retry_exhausted", "rate_limited"])
    );
    // One failure, one event, counted under both categories.
    assert_eq!(v["events"].as_array().unwrap().len(), 1);
    let (tests, _) = read(
        "FAILED tests/t.py::test_5xx - requests.exceptions.RetryError: HTTPSConnectionPool(host='api.example', port=443): Max retries exceeded with url: /v1/jobs (Caused by ResponseError('too many 503 error responses'))\n",
    );
    assert_eq!(tests["tests/t.py::test_5xx"].1, cats(&["retry_exhausted"]));
    // A zero-counter Retrying line, then the final error: the cause stays a category.
    let log = "\
tests/t.py::test_ct 
-------------------------------- live log call ---------------------------------
2025-11-07 10:23:45 [WARNING] urllib3.connectionpool: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to 10.0.0.5 timed out. (connect timeout=2)')': /jobs
2025-11-07 10:23:47 [ERROR] app: HTTPSConnectionPool(host='10.0.0.5', port=443): Max retries exceeded with url: /jobs (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to 10.0.0.5 timed out. (connect timeout=2)'))
FAILED                                                                   [100%]
";
    let (tests, _) = read(log);
    assert_eq!(
        tests["tests/t.py::test_ct"].1,
        cats(&["connect_timeout", "retry_exhausted"])
    );
}

#[test]
fn exhaustion_is_decided_per_block_not_by_line_order() {
    // nose-style: the error first, the captured retries after it (urllib3 1.2x repr).
    let log = "\
2025-11-07 10:23:47 ERROR worker: HTTPConnectionPool(host='10.0.0.5', port=80): Max retries exceeded with url: /jobs (Caused by ReadTimeoutError(\"HTTPConnectionPool(host='10.0.0.5', port=80): Read timed out. (read timeout=3)\"))
-------------------- >> begin captured logging << --------------------
urllib3.connectionpool: WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None)) after connection broken by 'ReadTimeoutError(\"HTTPConnectionPool(host='10.0.0.5', port=80): Read timed out. (read timeout=3)\")': /jobs
";
    let (_, v) = read(log);
    let ids = case_categories(&v);
    assert!(ids.contains(&"retry_exhausted".to_string()), "{ids:?}");
    // A bare "Max retries exceeded" (cause cut off) after a zero-counter line.
    let log = "\
2025-11-07 10:23:45 WARNING urllib3: Retrying (Retry(total=0...)) after connection broken by 'NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused')': /jobs
2025-11-07 10:23:46 ERROR app: HTTPConnectionPool(host='10.0.0.5', port=80): Max retries exceeded with url...
";
    let (_, v) = read(log);
    assert_eq!(
        case_categories(&v),
        cats(&["retry_exhausted", "connection_refused"])
    );
    // Without the zero-counter line a bare "Max retries exceeded" is nothing.
    let out = rca()
        .args(["analyze", "-", "--format", "json"])
        .write_stdin(
            "ERROR app: HTTPConnectionPool(host='10.0.0.5', port=80): Max retries exceeded with url...\n",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn application_retry_loops_that_give_up() {
    for (line, want) in [
        (
            "botocore.exceptions.ClientError: An error occurred (503) when calling the PutObject operation (reached max retries: 4): Service Unavailable",
            vec!["http_error", "retry_exhausted"],
        ),
        (
            "ERROR:backoff:Giving up fetch(...) after 5 tries (requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='h', port=443): Max retries exceeded with url: / (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to h timed out. (connect timeout=3)')))",
            vec!["connect_timeout", "retry_exhausted"],
        ),
        (
            "E   tenacity.RetryError: RetryError[<Future at 0x7f3c2a1b9d60 state=finished raised ReadTimeout>]",
            vec!["read_timeout", "retry_exhausted"],
        ),
        (
            "2025-11-07 10:23:45 ERROR client: No retries left for GET https://h/x: 503 Service Unavailable",
            vec!["retry_exhausted"],
        ),
    ] {
        let (_, v) = read(&format!("{line}\n"));
        let mut got = case_categories(&v);
        got.sort();
        let mut want = cats(&want);
        want.sort();
        assert_eq!(got, want, "{line}");
    }
    // `Retrying (3/3)` announces the last attempt: the failure after it ran out of retries.
    let log = "\
2025-11-07 10:23:45 WARNING sync: Retrying (3/3) GET https://h/x
2025-11-07 10:23:46 ERROR sync: httpx.ConnectTimeout: timed out
";
    let (_, v) = read(log);
    assert_eq!(
        case_categories(&v),
        cats(&["connect_timeout", "retry_exhausted"])
    );
}

#[test]
fn bare_and_cut_exception_names_in_runtime_text() {
    for (line, want) in [
        (
            "2025-11-07 10:23:45 [ERROR] worker: request failed: PoolTimeout('')",
            "pool_exhausted",
        ),
        (
            "2025-11-07 10:23:45 [ERROR] src.load.runner: job 17 failed: RetryError",
            "retry_exhausted",
        ),
        (
            r#"2025-11-07 10:23:45 [INFO] api: {"status": "error", "detail": "ReadTimeout('timed out')"}"#,
            "read_timeout",
        ),
        (
            "urllib3.exceptions.ConnectTimeoutError: (<urllib3.connection.HTTPSConnection object at 0x7fd5cfa11430>, 'Connection to huggingface.co timed",
            "connect_timeout",
        ),
    ] {
        let (_, v) = read(&format!("{line}\n"));
        assert_eq!(case_categories(&v), cats(&[want]), "{line}");
    }
}

#[test]
fn status_assertions_and_other_clients() {
    for (line, want) in [
        ("E       assert 502 == 200", "http_error"),
        (
            "E        +  where 503 = <Response [503]>.status_code",
            "http_error",
        ),
        ("E       assert 429 == 200", "rate_limited"),
        (
            "urllib.error.HTTPError: HTTP Error 429: Too Many Requests",
            "rate_limited",
        ),
        (
            "urllib.error.HTTPError: HTTP Error 502: Bad Gateway",
            "http_error",
        ),
        (
            "botocore.exceptions.ClientError: An error occurred (429) when calling the Invoke operation: Too Many Requests",
            "rate_limited",
        ),
        (
            "openai.APITimeoutError: Request timed out.",
            "request_timeout",
        ),
        (
            "aiohttp.client_exceptions.ServerTimeoutError: Timeout on reading data from socket",
            "read_timeout",
        ),
        (
            "aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host api.example:443 ssl:default [Connection refused]",
            "connection_refused",
        ),
        (
            "http.client.RemoteDisconnected: Remote end closed connection",
            "connection_reset",
        ),
        (
            "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='h', port=443): Read timed out.(read timeout=15)",
            "read_timeout",
        ),
        (
            "WARNING urllib3: connection pool is full, discarding connection: h",
            "pool_full",
        ),
    ] {
        let (_, v) = read(&format!("{line}\n"));
        assert_eq!(case_categories(&v), cats(&[want]), "{line}");
    }
    // The status is extracted.
    let (_, v) = read("E       assert 502 == 200\n");
    assert_eq!(v["events"][0]["status"], 502);
}

#[test]
fn a_chained_traceback_is_one_deadline_caused_by_its_transport_timeout() {
    let log = "\
_______________________________ test_chat_timeout ______________________________
E           httpcore.ReadTimeout: timed out

The above exception was the direct cause of the following exception:
E           httpx.ReadTimeout: timed out

The above exception was the direct cause of the following exception:
E           openai.APITimeoutError: Request timed out.
";
    let (tests, v) = read(log);
    assert_eq!(
        tests["test_chat_timeout"].1,
        cats(&["read_timeout", "request_timeout"])
    );
    assert_eq!(v["events"].as_array().unwrap().len(), 1);
    assert_eq!(v["events"][0]["category"], "request_timeout");
    assert_eq!(v["events"][0]["cause"], "read_timeout");
}

#[test]
fn failures_without_any_test_name_are_analysed_with_a_warning() {
    let out = rca()
        .args(["analyze", "-", "--format", "json"])
        .write_stdin(
            "2025-03-12 13:41:58.608 | ERROR    | app.llm:ask_tool:260 - API error: Request timed out.\n",
        )
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(case_categories(&v), cats(&["request_timeout"]));
    assert!(!v["root_causes"].as_array().unwrap().is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no test is named in the input"), "{stderr}");
    // Nothing recognised at all: exit 2 with "not a pytest log".
    rca()
        .args(["analyze", "-"])
        .write_stdin("hello\nworld\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a pytest log"));
}

#[test]
fn unittest_headers_and_results() {
    let log = "\
test_ping (tests.test_api.ApiTest) ... ok
testGetNotFound (__main__.RootTest) ... ERROR

======================================================================
ERROR: testGetNotFound (__main__.RootTest)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"roottest.py\", line 78, in testGetNotFound
    rsp = requests.get(req, headers=headers)
requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=5000): Max retries exceeded with url: /info (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))

----------------------------------------------------------------------
Ran 2 tests in 0.031s
";
    let (tests, _) = read(log);
    assert_eq!(
        tests["testGetNotFound (__main__.RootTest)"],
        ("error".to_string(), cats(&["connection_refused"]))
    );
    assert_eq!(tests["test_ping (tests.test_api.ApiTest)"].0, "passed");
}
