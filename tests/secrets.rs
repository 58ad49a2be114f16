//! Secrets never leave rca: one test per secret shape of issue 10, each a pytest console log
//! (or JUnit XML) whose parametrize id, captured warning line, traceback and short summary
//! carry the secret. The real binary must keep it out of every format (text, JSON, Markdown,
//! the GitHub step summary, HTML), out of the SQLite history (its raw bytes), out of every
//! trend format, and out of a PostgreSQL history when `RCA_TEST_POSTGRES` names one. Each
//! test also runs `--no-redact` and finds the secret, so the input does reach the report.
//!
//! Then stable masking: the same id masks to the same text in every format, every run and
//! the history; different secrets mask apart; `RCA_REDACT_KEY` changes the masks.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const MASK: &str = "[REDACTED:";

/// A failing test whose warning line, traceback and summary end with `tail`, and whose
/// parametrize id is `id`; plus one passing test.
fn console_log(id: &str, tail: &str) -> String {
    format!(
        "============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0
collected 2 items

tests/test_sec.py::test_call[{id}] 
-------------------------------- live log call ---------------------------------
2026-11-27 09:50:00 [WARNING] urllib3.connectionpool: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='api.internal', port=443): Read timed out. (read timeout=5)\")': /v1/items {tail}
FAILED                                                                   [ 50%]
tests/test_sec.py::test_ok PASSED                                        [100%]

=================================== FAILURES ===================================
_______________________________ test_call[{id}] ________________________________
    def test_call(param):
>       client.get(\"/v1/items\")
E   requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.internal', port=443): Read timed out. (read timeout=5) {tail}
=========================== short test summary info ============================
FAILED tests/test_sec.py::test_call[{id}] - AssertionError: upstream call failed: {tail}
========================= 1 failed, 1 passed in 5.12s ==========================
"
    )
}

/// Every string in a JSON document, one per line.
fn strings(v: &Value) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push_str(k);
                out.push('\n');
                walk(x, out);
            }),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(v, &mut out);
    out
}

/// Runs rca with `args`, asserts success and returns stdout.
fn run(args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut cmd = rca();
    cmd.env_remove("RCA_HISTORY").env_remove("RCA_REDACT_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "rca {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The rows of every table of a PostgreSQL schema, as text.
fn postgres_dump(admin: &str, schema: &str) -> String {
    let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
    let tables: Vec<String> = c
        .query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
            &[&schema],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!tables.is_empty(), "no tables in {schema}");
    let mut out = String::new();
    for t in tables {
        for row in c
            .query(&format!("SELECT t::text FROM {schema}.\"{t}\" t"), &[])
            .unwrap()
        {
            out.push_str(&row.get::<_, String>(0));
            out.push('\n');
        }
    }
    out
}

/// A fresh PostgreSQL schema for one test, dropped afterwards.
struct PgSchema {
    admin: String,
    schema: String,
}

impl PgSchema {
    fn new(admin: &str) -> PgSchema {
        static SCHEMAS: AtomicUsize = AtomicUsize::new(0);
        let schema = format!(
            "rca_sec_{}_{}_{}",
            SCHEMAS.fetch_add(1, Ordering::SeqCst),
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut c = postgres::Client::connect(admin, postgres::NoTls)
            .expect("RCA_TEST_POSTGRES accepts connections");
        c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        PgSchema {
            admin: admin.to_string(),
            schema,
        }
    }

    fn url(&self) -> String {
        let sep = if self.admin.contains('?') { '&' } else { '?' };
        format!(
            "{}{sep}options=-c%20search_path%3D{}",
            self.admin, self.schema
        )
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema));
        }
    }
}

fn postgres_admin() -> Option<String> {
    match std::env::var("RCA_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but RCA_TEST_POSTGRES is not: source .ci/postgres.sh first")
        }
        _ => None,
    }
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} leaks {s:?}:\n{text}");
    }
}

/// Records `input` (redacted and `--no-redact`) in `store` and checks the trend printers.
fn check_history(store: &str, input: &str, secrets: &[&str], ctx: &str) {
    run(
        &[
            "analyze",
            input,
            "-q",
            "-f",
            "json",
            "--record",
            "--history",
            store,
        ],
        &[],
    );
    run(
        &[
            "analyze",
            input,
            "-q",
            "-f",
            "json",
            "--no-redact",
            "--record",
            "--run-id",
            "raw-report",
            "--history",
            store,
        ],
        &[],
    );
    for format in ["text", "json", "md", "html"] {
        let t = run(&["trend", "-f", format, "--history", store], &[]);
        assert_clean(&format!("[{ctx}] trend {format}"), &t, secrets);
    }
}

/// The whole check for one secret shape: every format, the step summary, the histories.
fn assert_never_leaks(name: &str, input_name: &str, input: &str, secrets: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(input_name);
    std::fs::write(&path, input).unwrap();
    let p = path.to_str().unwrap();

    let raw: Value = serde_json::from_str(&run(
        &["analyze", p, "-q", "-f", "json", "--no-redact"],
        &[],
    ))
    .unwrap();
    let raw = strings(&raw);
    for s in secrets {
        assert!(raw.contains(s), "[{name}] the input never shows {s:?}");
    }

    let summary = dir.path().join("step-summary.md");
    for format in ["text", "json", "md", "html"] {
        let out = run(
            &["analyze", p, "-q", "-f", format, "--github-summary"],
            &[("GITHUB_STEP_SUMMARY", &summary)],
        );
        assert_clean(&format!("[{name}] {format}"), &out, secrets);
        if format == "json" {
            assert!(
                out.contains(MASK),
                "[{name}] {format}: nothing masked:\n{out}"
            );
            let doc: Value = serde_json::from_str(&out).unwrap();
            assert_clean(&format!("[{name}] json strings"), &strings(&doc), secrets);
        }
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("## Root causes"), "[{name}] step summary");
    assert_clean(&format!("[{name}] step summary"), &summary, secrets);

    let db = dir.path().join("history.sqlite");
    check_history(db.to_str().unwrap(), p, secrets, &format!("{name} sqlite"));
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let f: PathBuf = entry.unwrap().path();
        if f.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("history.sqlite")
        {
            bytes.extend(std::fs::read(&f).unwrap());
        }
    }
    assert!(!bytes.is_empty());
    let stored = String::from_utf8_lossy(&bytes);
    assert!(
        stored.contains("test_sec"),
        "[{name}] the run is in the store"
    );
    assert_clean(&format!("[{name}] sqlite file"), &stored, secrets);

    if let Some(admin) = postgres_admin() {
        let pg = PgSchema::new(&admin);
        check_history(&pg.url(), p, secrets, &format!("{name} postgres"));
        let dump = postgres_dump(&admin, &pg.schema);
        assert!(
            dump.contains("test_sec"),
            "[{name}] the run is in PostgreSQL"
        );
        assert_clean(&format!("[{name}] postgres rows"), &dump, secrets);
    }
}

/// A console-log shape: `tail` ends the log lines; `id` (when the shape has no spaces) is
/// the failing test's parametrize id.
fn console_shape(name: &str, id: Option<&str>, tail: &str, secrets: &[&str]) {
    let log = console_log(id.unwrap_or("plain"), tail);
    assert_never_leaks(name, "run.log", &log, secrets);
}

macro_rules! shapes {
    ($($name:ident: $id:expr, $tail:expr, [$($secret:expr),+ $(,)?];)+) => {$(
        #[test]
        fn $name() {
            console_shape(stringify!($name), $id, $tail, &[$($secret),+]);
        }
    )+};
}

shapes! {
    http_client_debug_dump_authorization_basic: None,
        r"send: b'GET /v1/items HTTP/1.1\r\nHost: api.internal\r\nAuthorization: Basic YWxpY2U6d29uZGVybGFuZDQy\r\nAccept: */*\r\n\r\n'",
        ["YWxpY2U6d29uZGVybGFuZDQy"];
    github_pat: Some("ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234"),
        "Authorization: token ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234",
        ["R2d2C3poR2d2C3po"];
    github_app_token: Some("ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
        "git clone https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r",
        ["16C7e42F292c6912E7710c8"];
    github_oauth_token: Some("gho_aBcDeF0123456789aBcDeF0123456789aBcD"),
        "oauth gho_aBcDeF0123456789aBcDeF0123456789aBcD expired",
        ["aBcDeF0123456789"];
    github_fine_grained_pat: Some("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH"),
        "GH_TOKEN github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH",
        ["11ABCDEFG0123456789_abcdef"];
    slack_bot_token: Some("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        "slack_sdk.errors.SlackApiError: invalid_auth for xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        ["AbCdEfGhIjKlMnOpQrStUvWx"];
    slack_webhook_url: None,
        "POST https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/q1w2e3r4t5y6u7i8o9p0AbCd failed",
        ["q1w2e3r4t5y6u7i8o9p0AbCd"];
    slack_webhook_host_and_path_apart: None,
        "HTTPSConnectionPool(host='hooks.slack.com', port=443): Max retries exceeded with url: /services/T0ABCDEFG/B0HIJKLMN/q1w2e3r4t5y6u7i8o9p0AbCd",
        ["q1w2e3r4t5y6u7i8o9p0AbCd"];
    stripe_live_key: Some("sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        "stripe.error.AuthenticationError: Invalid API Key provided: sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        ["4eC39HqLyjWDarjtT1zdp7dc"];
    google_api_key: Some("AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
        "GET https://maps.googleapis.com/maps/api/geocode/json?address=x&key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
        ["9tSrke72PouQMnMX"];
    npm_auth_token: None,
        "npm ERR! config //registry.npmjs.org/:_authToken=8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d",
        ["8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d"];
    bare_jwt: Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IiLCJyb2xlIjoiYWRtaW4ifQ.Qm9iU2lnbmF0dXJlMTIzNDU2Nzg5MA"),
        "jwt.exceptions.ExpiredSignatureError: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IiLCJyb2xlIjoiYWRtaW4ifQ.Qm9iU2lnbmF0dXJlMTIzNDU2Nzg5MA",
        ["eyJzdWIiOiJib2IiLCJyb2xlIjoiYWRtaW4ifQ", "Qm9iU2lnbmF0dXJlMTIzNDU2Nzg5MA"];
    private_key_body_line: None,
        "ValueError: bad key data MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
        ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"];
    azure_sas_signature: None,
        "GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sp=r&sig=Nq%2BRkz3mA0e6Rw8c%2FwQ0Ixl2gSXXBsG3jPz%3D",
        ["Nq%2BRkz3mA0e6Rw8c"];
    url_encoded_password: None,
        "body=username%3Dbob%26password%3DTr0ub4dor%2526x%26next%3D%2F",
        ["Tr0ub4dor"];
    json_password_with_spaces_and_escaped_quotes: None,
        r#"payload {"user": "bob", "password": "Tr0ub4dor and\"xK9q zz"}"#,
        ["Tr0ub4dor", "xK9q"];
    redis_url_password_without_user: None,
        "redis.exceptions.ConnectionError: Error connecting to redis://:S3cr3tRedisPw@cache.internal:6379/0",
        ["S3cr3tRedisPw"];
    url_token_without_colon: None,
        "git fetch https://0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6@github.com/o/r.git",
        ["0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"];
    url_password_containing_at: None,
        "sqlalchemy.exc.OperationalError: postgresql://app:p4ss@w0rd!@db.internal:5432/app",
        ["p4ss", "w0rd!"];
    digest_authorization_response: None,
        r#"headers={'Authorization': 'Digest username="bob", realm="api", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/v1/items", response="6629fae49393a05397450978507c4ef1"'}"#,
        ["6629fae49393a05397450978507c4ef1", "dcd98b7102dd2f0e8b11d0f600bfb0c093"];
    token_word: Some("token 9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        "401 Unauthorized: bad credentials for token 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        ["9f8e7d6c5b4a39281706f5e4d3c2b1a0"];
    cookie_dict: Some("{'session': 'qz81ks0d', 'csrftoken': 'Zx9Qp2Lm7'}"),
        "requests.get(url, cookies={'session': 'qz81ks0d', 'csrftoken': 'Zx9Qp2Lm7'})",
        ["qz81ks0d", "Zx9Qp2Lm7"];
    cookie_dict_without_context: None,
        "sent {'session': 'qz81ks0d', 'csrftoken': 'Zx9Qp2Lm7'}",
        ["qz81ks0d", "Zx9Qp2Lm7"];
    cookie_header: None,
        "Cookie: sessionid=38afes7a8; prefs=Zx9Qp2Lm7",
        ["38afes7a8", "Zx9Qp2Lm7"];
    password_in_parametrize_id: Some("password=hunter22"),
        "login(user='bob', password='hunter22') failed",
        ["hunter22"];
    aws_access_key: Some("AKIAIOSFODNN7EXAMPLE"),
        "botocore.exceptions.ClientError: key AKIAIOSFODNN7EXAMPLE rejected",
        ["AKIAIOSFODNN7EXAMPLE"];
}

/// A whole private key in a JUnit failure message (multi-line, as pytest writes it).
#[test]
fn private_key_block_in_junit_message() {
    let body = [
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
        "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
        "Qm9keUxhc3RMaW5lMQ==",
    ];
    let message = format!(
        "ValueError: could not load key&#10;-----BEGIN RSA PRIVATE KEY-----&#10;{}&#10;-----END RSA PRIVATE KEY-----",
        body.join("&#10;")
    );
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" errors=\"0\" failures=\"1\" skipped=\"0\" tests=\"2\" time=\"1.5\" timestamp=\"2026-11-27T09:50:00+00:00\">\
         <testcase classname=\"tests.test_sec\" name=\"test_sign\" time=\"0.1\"><failure message=\"{message}\">traceback</failure></testcase>\
         <testcase classname=\"tests.test_sec\" name=\"test_ok\" time=\"0.1\"/></testsuite></testsuites>\n"
    );
    assert_never_leaks("private_key_block", "junit.xml", &xml, &body);
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Three failing tests told apart only by the secret in their ids.
fn three_secret_ids() -> String {
    let mut log = console_log(
        "ghp_AAAAbbbbCCCCddddEEEEffffGGGGhhhh1111",
        "token=abc123xyz",
    );
    let second = console_log(
        "ghp_ZZZZyyyyXXXXwwwwVVVVuuuuTTTTssss2222",
        "token=abc123xyz",
    );
    let third = console_log("password=hunter22", "token=abc123xyz");
    // Splice the other failing tests into the first log's result and summary sections.
    let pick = |log: &str, prefix: &str| {
        log.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap()
            .to_string()
    };
    for other in [&second, &third] {
        let result = format!(
            "{} FAILED",
            pick(other, "tests/test_sec.py::test_call[").trim_end()
        );
        log = log.replace(
            "tests/test_sec.py::test_ok PASSED",
            &format!("{result}\ntests/test_sec.py::test_ok PASSED"),
        );
        let summary = pick(other, "FAILED tests/test_sec.py::test_call[");
        log = log.replace(
            "========================= 1 failed",
            &format!("{summary}\n========================= 1 failed"),
        );
    }
    log.replace("1 failed, 1 passed", "3 failed, 1 passed")
}

fn masked_ids(doc: &Value) -> Vec<String> {
    doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["nodeid"].as_str().unwrap().to_string())
        .filter(|id| id.contains("test_call"))
        .collect()
}

#[test]
fn a_masked_id_is_the_same_test_in_every_format_run_and_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "run.log", &three_secret_ids());
    let json = |extra: &[&str], env: &[(&str, &Path)]| -> Value {
        let mut args = vec!["analyze", log.as_str(), "-q", "-f", "json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&run(&args, env)).unwrap()
    };
    let doc = json(&[], &[]);
    let ids = masked_ids(&doc);
    assert_eq!(ids.len(), 3, "{ids:?}");
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        3,
        "different secrets, different masks: {ids:?}"
    );
    for id in &ids {
        assert!(id.contains(MASK) && !id.contains("ghp_") && !id.contains("hunter22"));
    }
    assert_eq!(masked_ids(&json(&[], &[])), ids, "stable across runs");

    // The same masked id in every printed format.
    for format in ["text", "md", "html"] {
        let out = run(&["analyze", &log, "-q", "-f", format], &[]);
        for id in &ids {
            let short = id.rsplit("::").next().unwrap();
            assert!(out.contains(short), "{format} lacks {short}:\n{out}");
        }
    }

    // Another key, other masks, as stable.
    let keyed = |key: &str| -> Vec<String> {
        let out = rca()
            .env("RCA_REDACT_KEY", key)
            .args(["analyze", &log, "-q", "-f", "json"])
            .output()
            .unwrap();
        masked_ids(&serde_json::from_slice(&out.stdout).unwrap())
    };
    let team = keyed("team-secret");
    assert_eq!(team, keyed("team-secret"));
    assert_ne!(team, ids);
    assert_eq!(keyed(""), ids, "an empty key is no key");

    // The history: a live analysis, a --no-redact one and a saved --no-redact report all
    // store the masked ids; they are one run, and two runs show the same tests.
    let db = dir.path().join("h.sqlite");
    let db = db.to_str().unwrap();
    let record = |extra: &[&str]| -> String {
        let mut args = vec![
            "analyze",
            log.as_str(),
            "-f",
            "json",
            "--record",
            "--history",
            db,
        ];
        args.extend_from_slice(extra);
        let out = rca()
            .env_remove("RCA_REDACT_KEY")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(record(&[]).contains("recorded run"));
    assert!(record(&["--no-redact"]).contains("already in"), "one run");
    let raw_report = write(
        dir.path(),
        "raw.json",
        &run(&["analyze", &log, "-q", "-f", "json", "--no-redact"], &[]),
    );
    let out = rca()
        .env_remove("RCA_REDACT_KEY")
        .args(["record", &raw_report, "--history", db])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already in"),
        "a saved raw report is the same run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rca()
        .env_remove("RCA_REDACT_KEY")
        .args([
            "record",
            &raw_report,
            "--history",
            db,
            "--run-id",
            "night-2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let trend: Value =
        serde_json::from_str(&run(&["trend", "-f", "json", "--history", db], &[])).unwrap();
    assert_eq!(trend["window"]["runs"], 2);
    for id in &ids {
        let t = trend["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["nodeid"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} not in the trend: {trend}"));
        assert_eq!(t["runs"], 2, "{id}");
        assert_eq!(t["status"], "still_failing", "{id}");
    }
    let stored = String::from_utf8_lossy(&std::fs::read(db).unwrap()).into_owned();
    assert!(!stored.contains("hunter22") && !stored.contains("ghp_"));
}
