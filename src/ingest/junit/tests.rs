//! Tests of the JUnit reader, through [`parse_junit`] and the public lookups: outcomes, real
//! pytest reports, damaged and hostile documents, bounds, line numbers and node ids.
//!
//! Not here: the JUnit reader's behaviour inside a whole analysis (the integration tests
//! under `tests/`) and the run-cutting filter's own tests ([`super::xmlcap`]).

use super::text::TRUNCATION_MARKER;
use super::*;
use std::io::{BufReader, Cursor};

fn parse(xml: &str) -> Result<JunitRun, JunitError> {
    parse_junit(Cursor::new(xml.as_bytes()))
}

fn parse_bytes(xml: &[u8]) -> Result<JunitRun, JunitError> {
    parse_junit(Cursor::new(xml))
}

fn case<'a>(run: &'a JunitRun, name: &str) -> &'a JunitCase {
    run.cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// What pytest 8 writes (xunit2, single line after the declaration, ET formatting).
const PYTEST8: &str = concat!(
    r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="2" tests="9" time="3.250" timestamp="2025-05-01T10:00:00.123456+02:00" hostname="ci-runner">"#,
    r#"<testcase classname="tests.load.test_x.TestFoo" name="test_y[a-1]" time="0.001" />"#,
    r#"<testcase classname="tests.load.test_x" name="test_fail" time="0.012"><failure message="AssertionError: assert &lt;script&gt;alert(1)&lt;/script&gt; == 'x'&#10;second line">def test_fail():&#13;
&gt;       assert "&lt;script&gt;" == 'x'
E       AssertionError

tests/load/test_x.py:12: AssertionError</failure></testcase>"#,
    r#"<testcase classname="tests.load.test_x" name="test_setup_err" time="0.003"><error message="failed on setup with &quot;requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api', port=443)&quot;">@pytest.fixture
def client():
&gt;   raise ConnectTimeout()
E   requests.exceptions.ConnectTimeout</error></testcase>"#,
    r#"<testcase classname="tests.load.test_x" name="test_skip" time="0.000"><skipped type="pytest.skip" message="no network">/repo/tests/load/test_x.py:20: no network</skipped></testcase>"#,
    r#"<testcase classname="tests.load.test_x" name="test_xfail" time="0.002"><skipped type="pytest.xfail" message="flaky upstream" /></testcase>"#,
    r#"<testcase classname="tests.load.test_x" name="test_xpass_strict" time="0.001"><failure message="[XPASS(strict)] should fail">[XPASS(strict)] should fail</failure></testcase>"#,
    r#"<testcase classname="tests.load.test_x" name="test_xpass_lax" time="0.001" />"#,
    r#"<testcase classname="tests.load.test_x" name="test_p[v1.2/x::y-a.b]" time="0.004"><properties><property name="k" value="v" /></properties><system-out>--- Captured Out ---
hello &lt;b&gt;</system-out></testcase>"#,
    r#"<testcase classname="tests.load.test_x.TestFoo.TestInner" name="test_nested" time="0.250" />"#,
    r#"</testsuite></testsuites>"#
);

#[test]
fn parses_every_pytest_outcome() {
    let run = parse(PYTEST8).expect("valid");
    assert_eq!(run.cases.len(), 9);
    assert_eq!(run.tests, Some(9));
    assert_eq!(run.failures, Some(1));
    assert_eq!(run.errors, Some(1));
    assert_eq!(run.skipped, Some(2));
    assert_eq!(run.time_s, Some(3.25));
    assert_eq!(
        run.timestamp.as_deref(),
        Some("2025-05-01T10:00:00.123456+02:00")
    );
    assert!(run.warnings.is_empty(), "{:?}", run.warnings);

    let c = case(&run, "test_y[a-1]");
    assert_eq!(c.classname, "tests.load.test_x.TestFoo");
    assert_eq!(c.outcome, Outcome::Passed);
    assert_eq!(c.duration_s, Some(0.001));
    assert_eq!(
        (c.file.as_deref(), c.line, c.message.as_deref()),
        (None, None, None)
    );

    let c = case(&run, "test_fail");
    assert_eq!(c.outcome, Outcome::Failed);
    assert_eq!(
        c.message.as_deref(),
        Some("AssertionError: assert <script>alert(1)</script> == 'x'\nsecond line")
    );
    let details = c.details.as_deref().unwrap();
    assert!(details.starts_with("def test_fail():\r\n>       assert \"<script>\" == 'x'\n"));
    assert!(details.ends_with("tests/load/test_x.py:12: AssertionError"));
    assert!(!c.teardown_error);

    let c = case(&run, "test_setup_err");
    assert_eq!(c.outcome, Outcome::Error);
    assert!(
        c.message
            .as_deref()
            .unwrap()
            .starts_with("failed on setup with \"requests.")
    );
    assert!(
        c.details
            .as_deref()
            .unwrap()
            .contains("E   requests.exceptions.ConnectTimeout")
    );
    assert!(!c.teardown_error);

    let c = case(&run, "test_skip");
    assert_eq!(c.outcome, Outcome::Skipped);
    assert_eq!(c.message.as_deref(), Some("no network"));
    assert_eq!(c.details, None);

    let c = case(&run, "test_xfail");
    assert_eq!(c.outcome, Outcome::Xfailed);
    assert_eq!(c.message.as_deref(), Some("flaky upstream"));

    assert_eq!(case(&run, "test_xpass_strict").outcome, Outcome::Xpassed);
    // Documented limitation: non-strict XPASS is indistinguishable from a pass.
    assert_eq!(case(&run, "test_xpass_lax").outcome, Outcome::Passed);

    let c = case(&run, "test_p[v1.2/x::y-a.b]");
    assert_eq!(c.outcome, Outcome::Passed);
    assert_eq!(c.details, None, "system-out must not leak into details");
    assert!(c.matches_nodeid("tests/load/test_x.py::test_p[v1.2/x::y-a.b]"));

    let c = case(&run, "test_nested");
    assert!(c.matches_nodeid("tests/load/test_x.py::TestFoo::TestInner::test_nested"));
    assert_eq!(
        c.nodeid_guess(),
        "tests/load/test_x.py::TestFoo::TestInner::test_nested"
    );

    assert!(
        run.find_nodeid("tests/load/test_x.py::TestFoo::test_y[a-1]")
            .is_some()
    );
    assert!(
        run.find_nodeid("tests/load/test_x.py::test_y[a-1]")
            .is_none()
    );
}

/// Verbatim `pytest 9.2 --continue-on-collection-errors --junitxml` output (paths anonymised).
const PYTEST9_REAL: &str = r##"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="4" failures="4" skipped="3" tests="15" time="0.116" timestamp="2026-11-27T09:33:52.851125+00:00" hostname="ci"><testcase classname="" name="tests.load.test_broken" time="0.000"><error message="collection failure">ImportError while importing test module '/repo/tests/load/test_broken.py'.
Hint: make sure your test modules/packages have valid Python names.
Traceback:
/usr/lib/python3.11/importlib/__init__.py:126: in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
tests/load/test_broken.py:1: in &lt;module&gt;
    import nonexistent_mod_xyz
E   ModuleNotFoundError: No module named 'nonexistent_mod_xyz'</error></testcase><testcase classname="tests.load.test_x.TestFoo" name="test_y[a-1]" time="0.001" /><testcase classname="tests.load.test_x.TestFoo" name="test_y[v1.2/x::y]" time="0.001" /><testcase classname="tests.load.test_x.TestFoo" name="test_y[http://h.example/a.b]" time="0.001" /><testcase classname="tests.load.test_x.TestFoo.TestInner" name="test_nested" time="0.001"><failure message="AssertionError: nested &lt;b&gt;fail&lt;/b&gt;&#10;assert 1 == 2">self = &lt;test_x.TestFoo.TestInner object at 0x7f18a28f47d0&gt;

    def test_nested(self):
&gt;       assert 1 == 2, "nested &lt;b&gt;fail&lt;/b&gt;"
E       AssertionError: nested &lt;b&gt;fail&lt;/b&gt;
E       assert 1 == 2

tests/load/test_x.py:19: AssertionError</failure></testcase><testcase classname="tests.load.test_x" name="test_fail" time="0.001"><failure message="AssertionError: assert '&lt;script&gt;' == 'x'&#10;  &#10;  - x&#10;  + &lt;script&gt;">def test_fail():
&gt;       assert "&lt;script&gt;" == "x"
E       AssertionError: assert '&lt;script&gt;' == 'x'
E         
E         - x
E         + &lt;script&gt;

tests/load/test_x.py:22: AssertionError</failure></testcase><testcase classname="tests.load.test_x" name="test_setup_err" time="0.000"><error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111] Connection refused &lt;script&gt;&quot;">@pytest.fixture
    def bad_setup():
&gt;       raise ConnectionRefusedError("[Errno 111] Connection refused &lt;script&gt;")
E       ConnectionRefusedError: [Errno 111] Connection refused &lt;script&gt;

tests/load/test_x.py:5: ConnectionRefusedError</error></testcase><testcase classname="tests.load.test_x" name="test_fail_and_teardown" time="0.000"><failure message="assert 0">bad_teardown = None

    def test_fail_and_teardown(bad_teardown):
&gt;       assert 0
E       assert 0

tests/load/test_x.py:28: AssertionError</failure></testcase><testcase classname="tests.load.test_x" name="test_fail_and_teardown" time="0.000"><error message="failed on teardown with &quot;ConnectionResetError: reset &amp; gone&quot;">@pytest.fixture
    def bad_teardown():
        yield
&gt;       raise ConnectionResetError("reset &amp; gone")
E       ConnectionResetError: reset &amp; gone

tests/load/test_x.py:10: ConnectionResetError</error></testcase><testcase classname="tests.load.test_x" name="test_pass_and_teardown" time="0.001"><error message="failed on teardown with &quot;ConnectionResetError: reset &amp; gone&quot;">@pytest.fixture
    def bad_teardown():
        yield
&gt;       raise ConnectionResetError("reset &amp; gone")
E       ConnectionResetError: reset &amp; gone

tests/load/test_x.py:10: ConnectionResetError</error></testcase><testcase classname="tests.load.test_x" name="test_skip" time="0.000"><skipped type="pytest.skip" message="no network">/repo/tests/load/test_x.py:34: no network</skipped></testcase><testcase classname="tests.load.test_x" name="test_xfail" time="0.000"><skipped type="pytest.xfail" message="flaky upstream" /></testcase><testcase classname="tests.load.test_x" name="test_xpass_strict" time="0.000"><failure message="[XPASS(strict)] should fail">[XPASS(strict)] should fail</failure></testcase><testcase classname="tests.load.test_x" name="test_xpass_lax" time="0.000" /><testcase classname="tests.load.test_x" name="test_imperative_xfail" time="0.000"><skipped type="pytest.xfail" message="nope" /></testcase></testsuite></testsuites>"##;

#[test]
fn real_pytest9_report() {
    let run = parse(PYTEST9_REAL).unwrap();
    assert_eq!(run.tests, Some(15));
    assert_eq!(
        (run.failures, run.errors, run.skipped),
        (Some(4), Some(4), Some(3))
    );
    let got: Vec<(String, Outcome, bool)> = run
        .cases
        .iter()
        .map(|c| (c.nodeid_guess(), c.outcome, c.teardown_error))
        .collect();
    let t = "tests/load/test_x.py::";
    let want: Vec<(String, Outcome, bool)> = [
        (
            "tests/load/test_broken.py".to_owned(),
            Outcome::Error,
            false,
        ),
        (format!("{t}TestFoo::test_y[a-1]"), Outcome::Passed, false),
        (
            format!("{t}TestFoo::test_y[v1.2/x::y]"),
            Outcome::Passed,
            false,
        ),
        (
            format!("{t}TestFoo::test_y[http://h.example/a.b]"),
            Outcome::Passed,
            false,
        ),
        (
            format!("{t}TestFoo::TestInner::test_nested"),
            Outcome::Failed,
            false,
        ),
        (format!("{t}test_fail"), Outcome::Failed, false),
        (format!("{t}test_setup_err"), Outcome::Error, false),
        (format!("{t}test_fail_and_teardown"), Outcome::Failed, true),
        (format!("{t}test_pass_and_teardown"), Outcome::Error, true),
        (format!("{t}test_skip"), Outcome::Skipped, false),
        (format!("{t}test_xfail"), Outcome::Xfailed, false),
        (format!("{t}test_xpass_strict"), Outcome::Xpassed, false),
        (format!("{t}test_xpass_lax"), Outcome::Passed, false),
        (format!("{t}test_imperative_xfail"), Outcome::Xfailed, false),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    for c in &run.cases {
        assert!(c.matches_nodeid(&c.nodeid_guess()), "{c:?}");
    }
    let c = case(&run, "test_setup_err");
    assert_eq!(
        c.message.as_deref(),
        Some(
            "failed on setup with \"ConnectionRefusedError: [Errno 111] Connection refused <script>\""
        )
    );
    assert!(
        c.details
            .as_deref()
            .unwrap()
            .contains("E       ConnectionRefusedError")
    );
    let c = case(&run, "test_fail");
    assert_eq!(
        c.message.as_deref(),
        Some("AssertionError: assert '<script>' == 'x'\n  \n  - x\n  + <script>")
    );
}

#[test]
fn failed_call_plus_teardown_error_is_merged() {
    // pytest writes two <testcase> elements for the same test in this situation.
    let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="0" tests="2" time="0.5" timestamp="2025-05-01T10:00:00"><testcase classname="test_td" name="test_both" time="0.100"><failure message="assert 0">E assert 0</failure></testcase><testcase classname="test_td" name="test_other" time="0.010" /><testcase classname="test_td" name="test_both" time="0.020"><error message="failed on teardown with &quot;ConnectionResetError: [Errno 104]&quot;">teardown tb</error></testcase></testsuite></testsuites>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.cases.len(), 2);
    assert_eq!(run.tests, Some(2));
    let c = case(&run, "test_both");
    assert_eq!(c.outcome, Outcome::Failed);
    assert!(c.teardown_error);
    assert_eq!(c.message.as_deref(), Some("assert 0"));
    assert_eq!(c.details.as_deref(), Some("E assert 0"));
    assert!((c.duration_s.unwrap() - 0.12).abs() < 1e-9);
}

#[test]
fn failure_and_error_in_one_testcase() {
    let xml = r#"<testsuite tests="1"><testcase classname="m" name="t" time="1"><failure message="boom">call tb</failure><error message="failed on teardown with &quot;x&quot;">td tb</error></testcase></testsuite>"#;
    let run = parse(xml).unwrap();
    let c = &run.cases[0];
    assert_eq!(c.outcome, Outcome::Failed);
    assert!(c.teardown_error);
    assert_eq!(c.details.as_deref(), Some("call tb"));
}

#[test]
fn passed_call_with_teardown_error_is_error() {
    let xml = r#"<testsuites><testsuite errors="1" tests="1"><testcase classname="m" name="t" time="0.5"><error message="failed on teardown with &quot;OSError&quot;">tb</error></testcase></testsuite></testsuites>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.cases.len(), 1);
    assert_eq!(run.cases[0].outcome, Outcome::Error);
    assert!(run.cases[0].teardown_error);
}

#[test]
fn setup_and_teardown_errors_and_collection_errors() {
    let xml = r#"<testsuites><testsuite tests="3"><testcase classname="m" name="t" time="0"><error message="failed on setup with &quot;a&quot;">s</error><error message="failed on teardown with &quot;b&quot;">t</error></testcase><testcase classname="" name="tests.load.test_broken" time="0.000"><error message="collection failure">ImportError</error></testcase><testcase classname="pytest" name="internal" time="0.000"><error message="internal error">x</error></testcase><testcase classname="tests" name="test_mod" time="0"><skipped message="collection skipped">why</skipped></testcase></testsuite></testsuites>"#;
    let run = parse(xml).unwrap();
    let c = &run.cases[0];
    assert_eq!(c.outcome, Outcome::Error);
    assert!(c.teardown_error);
    assert_eq!(c.details.as_deref(), Some("s"));
    let c = &run.cases[1];
    assert_eq!(c.outcome, Outcome::Error);
    assert_eq!(c.nodeid_guess(), "tests/load/test_broken.py");
    assert!(c.matches_nodeid("tests/load/test_broken.py"));
    assert_eq!(run.cases[2].outcome, Outcome::Error);
    assert_eq!(run.cases[3].outcome, Outcome::Skipped);
}

#[test]
fn old_style_xfail_and_xpass_markers() {
    let xml = r#"<testsuite><testcase classname="m" name="a"><skipped message="expected test failure">reason</skipped></testcase><testcase classname="m" name="b"><skipped message="xfail-marked test passes unexpectedly">None</skipped></testcase></testsuite>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.cases[0].outcome, Outcome::Xfailed);
    assert_eq!(run.cases[1].outcome, Outcome::Xpassed);
}

#[test]
fn xdist_like_multiple_suites_all_contribute() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="gw0" errors="0" failures="1" skipped="0" tests="2" time="1.5" timestamp="2025-01-01T00:00:00">
    <testcase classname="tests.test_a" name="test_1" time="0.5"/>
    <testcase classname="tests.test_a" name="test_2" time="1.0"><failure message="x">tb</failure></testcase>
  </testsuite>
  <testsuite name="gw1" errors="1" failures="0" skipped="1" tests="2" time="2.0" timestamp="2025-01-01T00:00:01">
    <testcase classname="tests.test_b" name="test_3" time="0.5"><skipped type="pytest.skip" message="s">f:1: s</skipped></testcase>
    <testcase classname="tests.test_b" name="test_4" time="1.5"><error message="failed on setup with &quot;e&quot;">tb</error></testcase>
  </testsuite>
</testsuites>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.cases.len(), 4);
    assert_eq!(run.tests, Some(4));
    assert_eq!(run.failures, Some(1));
    assert_eq!(run.errors, Some(1));
    assert_eq!(run.skipped, Some(1));
    assert_eq!(run.time_s, Some(3.5));
    assert_eq!(run.timestamp.as_deref(), Some("2025-01-01T00:00:00"));
    let outcomes: Vec<Outcome> = run.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Passed,
            Outcome::Failed,
            Outcome::Skipped,
            Outcome::Error
        ]
    );
}

#[test]
fn root_totals_win_over_suite_sums() {
    let xml = r#"<testsuites tests="10" failures="2" errors="0" time="9.0"><testsuite tests="3" failures="1" time="1"/><testsuite tests="4" failures="0" time="2"/></testsuites>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.tests, Some(10));
    assert_eq!(run.failures, Some(2));
    assert_eq!(run.errors, Some(0));
    assert_eq!(run.skipped, None);
    assert_eq!(run.time_s, Some(9.0));
}

#[test]
fn concatenated_reports_add_up() {
    let one = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite tests="1" failures="1" time="1.0"><testcase classname="a" name="t"><failure message="m">x</failure></testcase></testsuite></testsuites>"#;
    let two = r#"<?xml version="1.0" encoding="utf-8"?><testsuites tests="2" failures="0" time="2.0"><testsuite tests="5"><testcase classname="b" name="t"/><testcase classname="b" name="u"/></testsuite></testsuites>"#;
    let three = r#"<testsuite tests="1" skipped="1"/>"#;
    let run = parse(&format!("{one}\n{two}\n{three}\n")).unwrap();
    assert_eq!(run.cases.len(), 3);
    assert_eq!(run.tests, Some(4));
    assert_eq!(run.failures, Some(1));
    assert_eq!(run.skipped, Some(1));
    assert_eq!(run.time_s, Some(3.0));
    assert_eq!(run.warnings.len(), 1, "{:?}", run.warnings);
}

#[test]
fn legacy_family_file_and_line() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="2" time="0.1" timestamp="2025-01-01T00:00:00" hostname="h"><testcase classname="tests.v1.2.test_x.TestFoo" name="test_y[a.b/c::d]" file="tests/v1.2/test_x.py" line="41" time="0.001" /><testcase classname="tests.Load.test_x" name="test_z" file="tests\Load\test_x.py" line="7" time="0.001" /></testsuite></testsuites>"#;
    let run = parse(xml).unwrap();
    let c = &run.cases[0];
    assert_eq!(c.file.as_deref(), Some("tests/v1.2/test_x.py"));
    assert_eq!(c.line, Some(41));
    // The dotted directory is only recoverable thanks to the legacy `file` attribute.
    assert_eq!(
        c.nodeid_guess(),
        "tests/v1.2/test_x.py::TestFoo::test_y[a.b/c::d]"
    );
    assert!(c.matches_nodeid("tests/v1.2/test_x.py::TestFoo::test_y[a.b/c::d]"));
    let c = &run.cases[1];
    assert_eq!(c.nodeid_guess(), "tests/Load/test_x.py::test_z");
    assert!(c.matches_nodeid("tests/Load/test_x.py::test_z"));
}

#[test]
fn single_testsuite_root_and_namespaces_and_cdata() {
    let xml = r#"<?xml version="1.0"?>
<!-- generated -->
<ns:testsuite xmlns:ns="urn:x" tests="1"><ns:testcase classname="m" name="t"><ns:failure message="m"><![CDATA[a < b & c]]> tail</ns:failure></ns:testcase></ns:testsuite>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.cases.len(), 1);
    assert_eq!(run.cases[0].outcome, Outcome::Failed);
    assert_eq!(run.cases[0].details.as_deref(), Some("a < b & c tail"));
}

#[test]
fn escaped_entities_are_resolved_but_custom_entities_are_not_expanded() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE testsuites [<!ENTITY boom "BOOM"><!ENTITY lol "&boom;&boom;&boom;">]>
<testsuites><testsuite><testcase classname="m" name="t"><failure message="&lt;script&gt;&amp;&#x41;&#66;&apos;&quot;">x &lol; &#0; &lt;script&gt;</failure></testcase></testsuite></testsuites>"#;
    let run = parse(xml).unwrap();
    let c = &run.cases[0];
    assert_eq!(c.message.as_deref(), Some("<script>&AB'\""));
    assert_eq!(c.details.as_deref(), Some("x &lol; &#0; <script>"));
    assert!(!run.warnings.is_empty());
    assert!(!c.details.as_deref().unwrap().contains("BOOM"));
}

#[test]
fn unknown_entity_in_attribute_keeps_raw_value_with_warning() {
    let xml = r#"<testsuite><testcase classname="m" name="t"><failure message="a &custom; b">x</failure></testcase></testsuite>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.cases[0].message.as_deref(), Some("a &custom; b"));
    assert_eq!(run.warnings.len(), 1);
}

#[test]
fn truncated_after_complete_cases_returns_partial() {
    let cut = PYTEST8
        .find("<testcase classname=\"tests.load.test_x\" name=\"test_skip\"")
        .unwrap();
    // Cut in the middle of the skip test's element.
    let err = parse(&PYTEST8[..cut + 40]).unwrap_err();
    assert!(matches!(err, JunitError::Truncated { .. }), "{err}");
    let partial = err.partial().unwrap();
    assert_eq!(partial.cases.len(), 3);
    assert_eq!(partial.cases[1].outcome, Outcome::Failed);
    assert_eq!(partial.tests, Some(9));

    // Cut between elements: no syntax error, but elements are left open.
    let cut = PYTEST8
        .find("<testcase classname=\"tests.load.test_x\" name=\"test_xfail\"")
        .unwrap();
    let err = parse(&PYTEST8[..cut]).unwrap_err();
    assert!(matches!(err, JunitError::Truncated { .. }), "{err}");
    assert_eq!(err.position(), cut as u64);
    let run = err.into_partial().unwrap();
    assert_eq!(run.cases.len(), 4);

    // Cut inside a failure body: that case is not complete, so it is dropped.
    let cut = PYTEST8.find("E       AssertionError").unwrap();
    let err = parse(&PYTEST8[..cut]).unwrap_err();
    assert_eq!(err.partial().unwrap().cases.len(), 1);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    for end in 0..=PYTEST8.len() {
        if !PYTEST8.is_char_boundary(end) {
            continue;
        }
        match parse(&PYTEST8[..end]) {
            Ok(run) => assert_eq!(end, PYTEST8.len(), "{run:?}"),
            Err(e) => {
                let msg = e.to_string();
                assert!(!msg.contains('\n'), "{msg}");
            }
        }
    }
    assert!(parse(PYTEST8).is_ok());
}

#[test]
fn garbage_and_non_junit_inputs() {
    for input in [
        &b""[..],
        b"   \n\t ",
        b"\xEF\xBB\xBF",
        b"\x00\x01\x02\xff\xfe binary",
        b"PK\x03\x04\x14\x00\x00\x00",
        b"hello world",
        b"{\"json\": true}",
        b"<html><body>nope</body></html>",
        b"<?xml version=\"1.0\"?><testsuitesX/>",
        b"<<<<>>>>",
        b"<!-- only a comment -->",
    ] {
        let err = parse_bytes(input).unwrap_err();
        assert!(
            matches!(err, JunitError::NotJunit { .. }),
            "{input:?}: {err:?}"
        );
        assert!(err.partial().is_none());
        assert!(err.to_string().contains("at byte"));
    }
}

#[test]
fn malformed_xml_is_an_error_with_partial() {
    let xml = r#"<testsuites><testsuite><testcase classname="m" name="a"/><testcase classname="m" name="b"></testsuite></testsuites>"#;
    let err = parse(xml).unwrap_err();
    assert!(matches!(err, JunitError::Malformed { .. }), "{err:?}");
    assert_eq!(err.partial().unwrap().cases.len(), 1);
    let line = err.to_string();
    assert!(line.starts_with("malformed XML at byte "), "{line}");
    assert!(!line.contains('\n'));

    let xml = r#"<testsuite><testcase classname="m" name="a" name="b"/></testsuite>"#;
    assert!(matches!(parse(xml), Err(JunitError::Malformed { .. })));
    let xml = r#"<testsuite><testcase classname=m/></testsuite>"#;
    assert!(parse(xml).is_err());
}

#[test]
fn invalid_utf8_is_replaced() {
    let mut xml = b"<testsuite><testcase classname=\"m\" name=\"t\"><failure message=\"bad \xff\xfe byte\">tb \xe2\x82 end</failure></testcase></testsuite>".to_vec();
    let run = parse_bytes(&xml).unwrap();
    assert_eq!(
        run.cases[0].message.as_deref(),
        Some("bad \u{FFFD}\u{FFFD} byte")
    );
    assert_eq!(run.cases[0].details.as_deref(), Some("tb \u{FFFD} end"));
    // Incomplete sequence at the very end of input.
    xml.truncate(20);
    xml.push(0xE2);
    assert!(parse_bytes(&xml).is_err());
}

#[test]
fn tiny_read_chunks_do_not_split_characters() {
    let xml = "<testsuite><testcase classname=\"m\" name=\"t[ü-€-𝄞]\"><failure message=\"é\">日本語</failure></testcase></testsuite>";
    let run = parse_junit(BufReader::with_capacity(1, xml.as_bytes())).unwrap();
    assert_eq!(run.cases[0].name, "t[ü-€-𝄞]");
    assert_eq!(run.cases[0].message.as_deref(), Some("é"));
    assert_eq!(run.cases[0].details.as_deref(), Some("日本語"));
    let run2 = parse_junit(BufReader::with_capacity(2, xml.as_bytes())).unwrap();
    assert_eq!(run, run2);
}

#[test]
fn overlong_names_and_bodies_are_cut_while_reading_and_lines_stay_right() {
    // Longer than any name kept, shorter than a console line (whose ids hash whole).
    let name = format!("test_p[{}]", "x".repeat(512 << 10));
    let body = "Traceback line\n".repeat(200_000);
    let xml = format!(
        "<testsuite>\n<testcase classname=\"tests.test_a\" name=\"{name}\">\n<failure message=\"m\">{body}</failure>\n</testcase>\n<testcase classname=\"tests.test_a\" name=\"test_after\"/>\n</testsuite>"
    );
    let run = parse(&xml).unwrap();
    let (first, after) = (&run.cases[0], &run.cases[1]);
    assert!(
        first.name.len() <= crate::ingest::bounds::MAX_ID,
        "{}",
        first.name.len()
    );
    // The same long id from the console log gives the same address.
    let (_, from_log) = junit_address(&format!("tests/test_a.py::{name}"));
    assert!(
        first.name == from_log,
        "the XML and the log cut the name alike"
    );
    assert!(
        first
            .details
            .as_deref()
            .unwrap()
            .ends_with(TRUNCATION_MARKER)
    );
    assert_eq!(after.name, "test_after");
    assert_eq!(
        after.lines.case,
        200_000 + 5,
        "line numbers count the dropped lines"
    );
}

#[test]
fn huge_attributes_and_bodies_are_capped() {
    let big = "é".repeat(200_000);
    let xml = format!(
        "<testsuite><testcase classname=\"m\" name=\"t\"><failure message=\"{big}\">{big}<![CDATA[{big}]]></failure></testcase></testsuite>"
    );
    let run = parse(&xml).unwrap();
    let c = &run.cases[0];
    let msg = c.message.as_deref().unwrap();
    let details = c.details.as_deref().unwrap();
    assert!(msg.len() <= MAX_TEXT_BYTES && details.len() <= MAX_TEXT_BYTES);
    assert!(details.ends_with(TRUNCATION_MARKER));
    assert!(msg.len() > MAX_TEXT_BYTES - 100);
}

#[test]
fn bad_numbers_become_warnings() {
    let xml = r#"<testsuite tests="many" time="NaN"><testcase classname="m" name="t" time="-1" line="x"/></testsuite>"#;
    let run = parse(xml).unwrap();
    assert_eq!(run.tests, None);
    assert_eq!(run.time_s, None);
    assert_eq!(run.cases[0].duration_s, None);
    assert_eq!(run.cases[0].line, None);
    assert_eq!(run.warnings.len(), 4);
}

#[test]
fn warnings_are_capped() {
    let mut xml = String::from("<testsuite>");
    for _ in 0..500 {
        xml.push_str(r#"<testcase classname="m" name="t" time="x"/>"#);
    }
    xml.push_str("</testsuite>");
    let run = parse(&xml).unwrap();
    assert_eq!(run.warnings.len(), MAX_WARNINGS + 1);
    assert_eq!(run.cases.len(), 500);
}

#[test]
fn pseudo_random_inputs_never_panic() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: &[u8] = b"<>/=\"' &;#x![]-?testsuitecas\xff\xc3\n";
    for _ in 0..2000 {
        let len = (next() % 200) as usize;
        let mut input = b"<testsuites><testsuite><testcase ".to_vec();
        for _ in 0..len {
            input.push(alphabet[(next() % alphabet.len() as u64) as usize]);
        }
        let _ = parse_bytes(&input);
        // Also mutate a valid document.
        let mut doc = PYTEST8.as_bytes().to_vec();
        for _ in 0..3 {
            let i = (next() % doc.len() as u64) as usize;
            doc[i] = alphabet[(next() % alphabet.len() as u64) as usize];
        }
        let _ = parse_bytes(&doc);
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut xml = String::from("<testsuites>");
    xml.push_str(&"<x>".repeat(100_000));
    xml.push_str(&"</x>".repeat(100_000));
    xml.push_str("</testsuites>");
    assert!(parse(&xml).unwrap().cases.is_empty());
}

#[test]
fn sniffing() {
    assert!(looks_like_junit(PYTEST8.as_bytes()));
    assert!(looks_like_junit(&PYTEST8.as_bytes()[..60]));
    assert!(looks_like_junit(b"\xEF\xBB\xBF\n  <testsuite name=\"x\">"));
    assert!(looks_like_junit(b"<testsuites>"));
    assert!(looks_like_junit(b"<testsuite/>"));
    assert!(looks_like_junit(b"<testsuites"));
    assert!(looks_like_junit(
            b"<?xml version=\"1.0\"?>\n<!-- a -->\n<?pi x?><!DOCTYPE testsuites [<!ENTITY a \">\">]>\n<testsuites>"
        ));
    assert!(!looks_like_junit(b""));
    assert!(!looks_like_junit(b"<?xml version=\"1.0\"?>"));
    assert!(!looks_like_junit(b"<?xml version=\"1.0\"?><html>"));
    assert!(!looks_like_junit(b"<testsuitesX>"));
    assert!(!looks_like_junit(b"<!-- unterminated <testsuites>"));
    assert!(!looks_like_junit(
        b"============ test session starts ============"
    ));
    assert!(!looks_like_junit(b"\x00\xff<testsuites>"));
}

#[test]
fn address_mapping() {
    assert_eq!(
        junit_address("tests/load/test_x.py::TestFoo::test_y[a-1]"),
        ("tests.load.test_x.TestFoo".into(), "test_y[a-1]".into())
    );
    assert_eq!(
        junit_address("test_x.py::test_y[a.b/c::d[e]]"),
        ("test_x".into(), "test_y[a.b/c::d[e]]".into())
    );
    assert_eq!(
        junit_address("tests/test_x.py"),
        ("".into(), "tests.test_x".into())
    );
    assert_eq!(
        junit_address("docs/index.rst::index.rst"),
        ("docs.index.rst".into(), "index.rst".into())
    );
    assert_eq!(
        junit_address("t.py::test[\u{1b}]"),
        ("t".into(), "test[#x1B]".into())
    );
}

#[test]
fn captured_output_properties_and_lines() {
    let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n<testsuite name=\"pytest\" tests=\"2\" hostname=\"ci-7\" timestamp=\"2026-11-27T09:50:35+00:00\">\n<properties><property name=\"build\" value=\"1234\"/></properties>\n<testcase classname=\"tests.test_api\" name=\"test_a\" time=\"0.5\">\n<properties><property name=\"env\" value=\"staging\"/></properties>\n<failure message=\"requests.exceptions.ReadTimeout: boom\">tests/test_api.py:3: in test_a\nE   requests.exceptions.ReadTimeout: boom</failure>\n<system-out>--- Captured Log ---\nWARNING  urllib3.connectionpool:connectionpool.py:870 Retrying (Retry(total=0))</system-out>\n<system-err>oops</system-err>\n</testcase>\n<testcase classname=\"tests.test_api\" name=\"test_b\"/>\n</testsuite>\n</testsuites>\n";
    let run = parse(xml).unwrap();
    assert_eq!(run.hostnames, vec!["ci-7".to_string()]);
    assert_eq!(
        run.properties,
        vec![("build".to_string(), "1234".to_string())]
    );
    let a = case(&run, "test_a");
    assert_eq!(
        a.properties,
        vec![("env".to_string(), "staging".to_string())]
    );
    assert!(
        a.system_out
            .as_deref()
            .unwrap()
            .contains("Retrying (Retry(total=0))")
    );
    assert_eq!(a.system_err.as_deref(), Some("oops"));
    assert_eq!(a.lines.case, 5);
    assert_eq!(a.lines.details, 7);
    assert_eq!(a.lines.system_out, 9);
    assert_eq!(a.lines.system_err, 11);
    assert_eq!(case(&run, "test_b").lines.case, 13);
}

#[test]
fn nodeid_matching() {
    let c = |classname: &str, name: &str| JunitCase {
        classname: classname.into(),
        name: name.into(),
        file: None,
        line: None,
        outcome: Outcome::Passed,
        duration_s: None,
        message: None,
        details: None,
        teardown_error: false,
        system_out: None,
        system_err: None,
        properties: Vec::new(),
        lines: CaseLines::default(),
    };
    let foo = c("tests.load.test_x.TestFoo", "test_y[a-1]");
    assert!(foo.matches_nodeid("tests/load/test_x.py::TestFoo::test_y[a-1]"));
    assert!(!foo.matches_nodeid("tests/load/test_x.py::TestFoo::test_y[a-2]"));
    assert!(!foo.matches_nodeid("tests/load/test_x.py::test_y[a-1]"));
    assert!(!foo.matches_nodeid("tests/load/test_z.py::TestFoo::test_y[a-1]"));
    assert!(!foo.matches_nodeid("load/test_x.py::TestFoo::test_y[a-1]"));
    assert_eq!(
        foo.nodeid_guess(),
        "tests/load/test_x.py::TestFoo::test_y[a-1]"
    );

    let p = c("tests.test_x", "test_u[http://h.example/a.b::c]");
    assert!(p.matches_nodeid("tests/test_x.py::test_u[http://h.example/a.b::c]"));
    assert_eq!(
        p.nodeid_guess(),
        "tests/test_x.py::test_u[http://h.example/a.b::c]"
    );

    // --junit-prefix: not an exact match, but found by JunitRun::find_nodeid.
    let pre = c("ci.tests.test_x.TestA", "test_b");
    assert!(!pre.matches_nodeid("tests/test_x.py::TestA::test_b"));
    let mut run = JunitRun {
        cases: vec![pre.clone(), c("xtests.test_x", "t")],
        ..JunitRun::default()
    };
    assert_eq!(
        run.find_nodeid("tests/test_x.py::TestA::test_b"),
        Some(&pre)
    );
    assert_eq!(run.find_nodeid("tests/test_x.py::t"), None);
    run.cases.push(c("other.tests.test_x.TestA", "test_b"));
    assert_eq!(
        run.find_nodeid("tests/test_x.py::TestA::test_b"),
        None,
        "ambiguous"
    );
    run.cases.push(c("tests.test_x.TestA", "test_b"));
    assert_eq!(
        run.find_nodeid("tests/test_x.py::TestA::test_b")
            .map(|c| c.classname.as_str()),
        Some("tests.test_x.TestA")
    );

    assert_eq!(
        c("test_top", "test_a").nodeid_guess(),
        "test_top.py::test_a"
    );
    assert_eq!(c("Tests.test_a", "t").nodeid_guess(), "Tests/test_a.py::t");
    assert_eq!(
        c("tests.test_a", "TestC").nodeid_guess(),
        "tests/test_a.py::TestC"
    );
}

#[test]
fn error_display_is_one_line_with_position() {
    let err = parse("<testsuites><testsuite>\n<testcase classname=\"a\nb\"").unwrap_err();
    let s = err.to_string();
    assert!(s.contains("at byte "), "{s}");
    assert!(!s.contains('\n'));
    let e: Box<dyn std::error::Error> = Box::new(err);
    assert!(!e.to_string().is_empty());
}
