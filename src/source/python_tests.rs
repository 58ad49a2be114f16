//! Extraction on code written the ways people write client configuration. Not here: linking
//! sites to an analysis ([`super::super::link`]) and walking a directory
//! ([`super::super::walk`]).

use super::*;

fn sites(src: &str) -> Vec<ClientSite> {
    extract("t.py", src).expect("parses").sites
}

fn one(src: &str, kind: SiteKind) -> ClientSite {
    let found: Vec<ClientSite> = sites(src).into_iter().filter(|s| s.kind == kind).collect();
    assert_eq!(found.len(), 1, "{kind:?} in {src}: {found:#?}");
    found.into_iter().next().unwrap()
}

/// `name=effective value` of every argument.
fn args(s: &ClientSite) -> Vec<String> {
    s.args.iter().map(|a| a.written(a.effective())).collect()
}

#[test]
fn keyword_and_positional_arguments_are_named_by_the_signature() {
    let s = one(
        "from requests.adapters import HTTPAdapter\nadapter = HTTPAdapter(10, 20, 3, pool_block=True)\n",
        SiteKind::HttpAdapter,
    );
    assert_eq!(
        args(&s),
        [
            "pool_connections=10",
            "pool_maxsize=20",
            "max_retries=3",
            "pool_block=True"
        ]
    );
    assert_eq!((s.line, s.target.as_deref()), (2, Some("adapter")));
    let r = one(
        "from urllib3.util.retry import Retry\nr = Retry(5, 2, backoff_factor=0.3, allowed_methods=None)\n",
        SiteKind::Retry,
    );
    assert_eq!(
        args(&r),
        [
            "total=5",
            "connect=2",
            "backoff_factor=0.3",
            "allowed_methods=None"
        ]
    );
    assert_eq!(r.callee, "urllib3.util.retry.Retry");
}

#[test]
fn module_constants_are_resolved_with_their_line() {
    let s = one(
        "import requests\nfrom requests.adapters import HTTPAdapter\n\nPOOL = 10\nBIG = POOL\n\
         a = HTTPAdapter(pool_maxsize=BIG, pool_connections=POOL)\n",
        SiteKind::HttpAdapter,
    );
    let pool = s.arg("pool_maxsize").unwrap();
    assert_eq!((pool.value.as_str(), pool.effective()), ("BIG", "10"));
    assert_eq!(pool.resolved_at, Some(4), "the line that says 10");
    assert_eq!(s.arg("pool_connections").unwrap().effective(), "10");
}

#[test]
fn parameter_defaults_and_self_attributes_are_followed() {
    let src = "\
import requests
from requests.adapters import HTTPAdapter

class Client:
    def __init__(self, pool_maxsize=50, connect_timeout=3.0, read_timeout=5.0):
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        self.session.mount('https://', HTTPAdapter(pool_maxsize=pool_maxsize))

    def get(self, url):
        return self.session.get(url, timeout=self.timeout)
";
    let all = sites(src);
    let adapter = all
        .iter()
        .find(|s| s.kind == SiteKind::HttpAdapter)
        .unwrap();
    assert_eq!(adapter.arg("pool_maxsize").unwrap().effective(), "50");
    let call = all
        .iter()
        .find(|s| s.kind == SiteKind::TimeoutCall)
        .unwrap();
    assert_eq!(call.arg("timeout").unwrap().effective(), "(3.0, 5.0)");
    assert_eq!(call.callee, "self.session.get");
    let session = all.iter().find(|s| s.kind == SiteKind::Session).unwrap();
    assert_eq!(session.mounted, Some(true));
}

#[test]
fn functools_partial_stands_for_the_call_it_wraps() {
    let src = "\
import functools
from functools import partial
import requests

get = functools.partial(requests.get, timeout=5)
post = partial(requests.post, timeout=(0.5, 30))
";
    let calls: Vec<ClientSite> = sites(src)
        .into_iter()
        .filter(|s| s.kind == SiteKind::TimeoutCall)
        .collect();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].callee, "requests.get");
    assert_eq!(args(&calls[0]), ["timeout=5"]);
    assert_eq!(calls[1].callee, "requests.post");
    assert_eq!(args(&calls[1]), ["timeout=(0.5, 30)"]);
}

#[test]
fn dict_configs_are_expanded_into_keywords() {
    let literal = one(
        "from requests.adapters import HTTPAdapter\nHTTPAdapter(**{\"pool_maxsize\": 10, 'pool_block': True})\n",
        SiteKind::HttpAdapter,
    );
    assert_eq!(args(&literal), ["pool_maxsize=10", "pool_block=True"]);
    let src = "\
from requests.adapters import HTTPAdapter
POOL = 25
CONF = {\"pool_maxsize\": POOL}

def make():
    kwargs = dict(pool_connections=4, max_retries=2)
    a = HTTPAdapter(**kwargs)
    b = HTTPAdapter(pool_block=False, **CONF)
";
    let adapters: Vec<ClientSite> = sites(src)
        .into_iter()
        .filter(|s| s.kind == SiteKind::HttpAdapter)
        .collect();
    assert_eq!(args(&adapters[0]), ["pool_connections=4", "max_retries=2"]);
    assert_eq!(args(&adapters[1]), ["pool_block=False", "pool_maxsize=25"]);
}

#[test]
fn retry_is_known_by_its_import_whatever_it_is_called() {
    for (src, callee) in [
        (
            "from urllib3.util.retry import Retry\nRetry(total=2)\n",
            "urllib3.util.retry.Retry",
        ),
        ("import urllib3\nurllib3.Retry(total=2)\n", "urllib3.Retry"),
        (
            "from urllib3 import Retry as R\nR(total=2)\n",
            "urllib3.Retry",
        ),
        (
            "import urllib3.util.retry as ur\nur.Retry(total=2)\n",
            "urllib3.util.retry.Retry",
        ),
        (
            "from requests.packages.urllib3.util.retry import Retry\nRetry(total=2)\n",
            "requests.packages.urllib3.util.retry.Retry",
        ),
    ] {
        let r = one(src, SiteKind::Retry);
        assert_eq!(r.callee, callee, "{src}");
        assert_eq!(args(&r), ["total=2"]);
    }
    // Another library's Retry is not urllib3's.
    assert!(sites("from mylib import Retry\nRetry(total=2)\n").is_empty());
}

#[test]
fn with_sessions_and_mounts_say_whether_an_adapter_is_mounted() {
    let src = "\
import requests
from requests.adapters import HTTPAdapter

adapter = HTTPAdapter(pool_maxsize=32)
with requests.Session() as s:
    s.mount(\"https://\", adapter)
    s.get(\"https://x\", timeout=2)

tokens = requests.Session()  # default pool
";
    let all = sites(src);
    let sessions: Vec<&ClientSite> = all.iter().filter(|s| s.kind == SiteKind::Session).collect();
    assert_eq!(sessions[0].target.as_deref(), Some("s"));
    assert_eq!(sessions[0].mounted, Some(true));
    assert_eq!(sessions[1].target.as_deref(), Some("tokens"));
    assert_eq!(sessions[1].mounted, Some(false));
    assert_eq!(
        sessions[1].code,
        "tokens = requests.Session()  # default pool"
    );
    let mount = all.iter().find(|s| s.kind == SiteKind::Mount).unwrap();
    assert_eq!(mount.callee, "s.mount");
    let adapter = mount.arg("adapter").unwrap();
    assert_eq!(mount.arg("prefix").unwrap().value, "\"https://\"");
    assert_eq!(adapter.effective(), "HTTPAdapter(pool_maxsize=32)");
}

#[test]
fn httpx_clients_limits_timeouts_and_transports() {
    let src = "\
import httpx

client = httpx.AsyncClient(
    limits=httpx.Limits(max_connections=20, max_keepalive_connections=5),
    timeout=httpx.Timeout(5.0, connect=0.5),
    transport=httpx.AsyncHTTPTransport(retries=2),
)
";
    let all = sites(src);
    let kinds: Vec<SiteKind> = all.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SiteKind::HttpxClient,
            SiteKind::HttpxLimits,
            SiteKind::HttpxTimeout,
            SiteKind::HttpxTransport
        ]
    );
    assert_eq!((all[0].line, all[0].end_line), (3, 7));
    assert_eq!(
        args(&all[1]),
        ["max_connections=20", "max_keepalive_connections=5"]
    );
    assert_eq!(args(&all[2]), ["timeout=5.0", "connect=0.5"]);
    assert_eq!(args(&all[3]), ["retries=2"]);
}

#[test]
fn thread_pools_and_semaphores() {
    let src = "\
import asyncio
import threading
import concurrent.futures as cf
from concurrent.futures import ThreadPoolExecutor

WORKERS = 16
a = cf.ThreadPoolExecutor(max_workers=WORKERS)
b = ThreadPoolExecutor(8)
gate = threading.BoundedSemaphore(5)
sem = asyncio.Semaphore(value=3)
";
    let all = sites(src);
    let pools: Vec<&ClientSite> = all
        .iter()
        .filter(|s| s.kind == SiteKind::ThreadPool)
        .collect();
    assert_eq!(args(pools[0]), ["max_workers=16"]);
    assert_eq!(pools[0].callee, "concurrent.futures.ThreadPoolExecutor");
    assert_eq!(args(pools[1]), ["max_workers=8"]);
    let sems: Vec<&ClientSite> = all
        .iter()
        .filter(|s| s.kind == SiteKind::Semaphore)
        .collect();
    assert_eq!(args(sems[0]), ["value=5"]);
    assert_eq!(args(sems[1]), ["value=3"]);
}

#[test]
fn calls_that_are_not_client_configuration_are_left_out() {
    let src = "\
import requests
fut.result(timeout=5)
requests.get('https://x')
time.sleep(1)
";
    assert!(sites(src).is_empty(), "{:#?}", sites(src));
}

#[test]
fn a_syntax_error_is_reported_with_its_line() {
    let err = extract("bad.py", "import requests\n\ndef f(:\n    pass\n").unwrap_err();
    assert_eq!(err.line, 3);
}

#[test]
fn health_checks_count_in_code_not_in_docstrings() {
    let doc = "\"\"\"A healthy server fixture.\"\"\"\nimport pytest\n";
    assert!(!extract("conftest.py", doc).unwrap().mentions_health);
    let check = "import requests\ndef ok():\n    requests.get(BASE + '/health', timeout=2)\n";
    assert!(extract("conftest.py", check).unwrap().mentions_health);
    let named = "def wait_for_healthcheck(url):\n    pass\n";
    assert!(extract("conftest.py", named).unwrap().mentions_health);
    // The word alone checks nothing: a switch, a fixture class, an environment variable.
    let word = "import os\nHEALTHY = os.environ.get('RCA_SEED_HEALTHY') == '1'\nclass _HealthyListener:\n    pass\n";
    assert!(!extract("conftest.py", word).unwrap().mentions_health);
}

#[test]
fn rate_limiter_imports_are_noticed() {
    assert!(
        extract("t.py", "from ratelimit import limits\n")
            .unwrap()
            .imports_rate_limiter
    );
    assert!(
        !extract("t.py", "import requests\n")
            .unwrap()
            .imports_rate_limiter
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 3000;
    let src = format!(
        "from requests.adapters import HTTPAdapter\nX = {}0{}\nHTTPAdapter(pool_maxsize=X)\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // Either parsed (the adapter found) or refused as an error; never a crash.
    if let Ok(found) = extract("deep.py", &src) {
        assert_eq!(found.sites.len(), 1);
    }
}

#[test]
fn long_calls_are_cut_in_the_code_shown() {
    let args: String = (0..20).map(|i| format!("    a{i}=1,\n")).collect();
    let src = format!("from urllib3 import Retry\nr = Retry(\n{args})\n");
    let r = one(&src, SiteKind::Retry);
    assert_eq!((r.line, r.end_line), (2, 23));
    assert_eq!(r.code.lines().count(), MAX_CODE_LINES + 1);
    assert!(r.code.ends_with("# ... 14 more line(s)"), "{}", r.code);
}

#[test]
fn splats_that_cannot_be_expanded_are_kept_as_written() {
    let src = "from urllib3.util.retry import Retry\ndef make(*a, **retry):\n    return Retry(*a, total=1, **retry)\n";
    assert_eq!(
        args(&one(src, SiteKind::Retry)),
        ["*a", "total=1", "**retry"]
    );
}

#[test]
fn a_mount_in_another_function_does_not_count_for_a_local_session() {
    let src = "\
import requests
from requests.adapters import HTTPAdapter

def api():
    s = requests.Session()
    s.mount('https://', HTTPAdapter(pool_maxsize=50))
    return s

def tokens():
    s = requests.Session()
    return s
";
    let mounted: Vec<Option<bool>> = sites(src)
        .iter()
        .filter(|s| s.kind == SiteKind::Session)
        .map(|s| s.mounted)
        .collect();
    assert_eq!(mounted, [Some(true), Some(false)]);
}

#[test]
fn a_dict_config_that_refers_to_itself_does_not_loop() {
    let src = "from requests.adapters import HTTPAdapter\nA = dict(pool_maxsize=3, **A)\nHTTPAdapter(**A)\n";
    let a = one(src, SiteKind::HttpAdapter);
    assert_eq!(a.arg("pool_maxsize").unwrap().effective(), "3");
}

#[test]
fn names_that_fan_out_stay_cheap() {
    // Each name stands for 40 of the next: followed blindly that is 40^6 expressions.
    let mut src = String::from("from requests.adapters import HTTPAdapter\n");
    for level in 0..6 {
        let next = format!("N{}", level + 1);
        let items = vec![next.as_str(); 40].join(", ");
        src.push_str(&format!("N{level} = ({items})\n"));
    }
    src.push_str("N6 = 1\nHTTPAdapter(pool_maxsize=N0)\n");
    let started = std::time::Instant::now();
    let a = one(&src, SiteKind::HttpAdapter);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(a.arg("pool_maxsize").unwrap().effective().len() < 100_000);
}

#[test]
fn dict_configs_that_fan_out_stay_cheap() {
    let mut src = String::from("from requests.adapters import HTTPAdapter\n");
    for level in 0..6 {
        let items = vec![format!("**D{}", level + 1); 40].join(", ");
        src.push_str(&format!("D{level} = dict({items})\n"));
    }
    src.push_str("D6 = dict(pool_maxsize=1)\nHTTPAdapter(**D0)\n");
    let started = std::time::Instant::now();
    let a = one(&src, SiteKind::HttpAdapter);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(a.args.len() < 10_000);
}

#[test]
fn huge_values_and_lines_are_cut() {
    let big = (0..100_000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let src = format!(
        "from urllib3 import Retry\nCODES = [{big}]\nr = Retry(total=2, status_forcelist=CODES)  # {}\n",
        "x".repeat(5000)
    );
    let r = one(&src, SiteKind::Retry);
    let codes = r.arg("status_forcelist").unwrap().effective();
    assert!(
        codes.contains(CUT) && codes.chars().count() <= MAX_VALUE_CHARS + 1,
        "{codes}"
    );
    assert!(r.code.ends_with(CUT) && r.code.chars().count() <= MAX_VALUE_CHARS + 1);
}
