#[test]
fn junit_timestamps_with_and_without_offset() {
    assert_eq!(
        super::junit_epoch("2026-11-27T09:52:31.753055+00:00"),
        Some(1_795_773_151)
    );
    assert_eq!(
        super::junit_epoch("2026-11-27T11:52:31.753055+02:00"),
        Some(1_795_773_151)
    );
    assert_eq!(
        super::junit_epoch("2026-11-27T09:52:31"),
        Some(1_795_773_151)
    );
    assert_eq!(super::junit_epoch("yesterday"), None);
}

use super::*;

#[test]
fn names_from_nodeids() {
    assert_eq!(test_name("tests/x.py::test_y[a-1]"), "test_y[a-1]");
    assert_eq!(test_name("tests/x.py::TestA::test_y[a::b]"), "test_y[a::b]");
    assert_eq!(test_name("test_plain"), "test_plain");
}

#[test]
fn floats_print_plainly() {
    assert_eq!(trim_float(60.0), "60");
    assert_eq!(trim_float(0.5), "0.5");
}
