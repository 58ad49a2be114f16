//! Reading the attributes of JUnit elements: a suite's counters and host, a case's address,
//! file, line and time, a child's message and type, a `<property>`; values are capped and
//! unparsable numbers become warnings.
//!
//! Not here: which element is open and what it belongs to ([`super::parser`]).

use super::address::cap_id;
use super::case::{CaseBuilder, Child};
use super::parser::{Counters, Parser};
use super::text::{CappedText, cap, cap_short, snippet};
use super::{CaseLines, JunitError, MAX_PROPERTIES};
use quick_xml::XmlVersion;
use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attribute;

impl Parser {
    /// Reads every attribute of `e` as `(local name, value)`.
    fn attributes(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<Vec<(Vec<u8>, String)>, JunitError> {
        let mut out = Vec::new();
        for attr in e.attributes() {
            let attr: Attribute<'_> = match attr {
                Ok(a) => a,
                Err(err) => {
                    let partial = Box::new(self.snapshot());
                    return Err(JunitError::Malformed {
                        position,
                        message: format!("bad attribute: {err}"),
                        partial,
                    });
                }
            };
            let key = attr.key.local_name().as_ref().as_bytes().to_vec();
            let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(err) => {
                    self.warn(format!(
                        "byte {position}: attribute {}: {err}; raw value kept",
                        String::from_utf8_lossy(&key)
                    ));
                    attr.value.into_owned()
                }
            };
            out.push((key, value));
        }
        Ok(out)
    }

    /// A `<property>`: the case's when inside a `<testcase>`, else the run's.
    pub(super) fn read_property(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<(), JunitError> {
        let (mut name, mut value) = (None, None);
        for (key, v) in self.attributes(e, position)? {
            match key.as_slice() {
                b"name" => name = Some(cap_short(v)),
                b"value" => value = Some(cap_short(v)),
                _ => {}
            }
        }
        let Some(name) = name else { return Ok(()) };
        let pair = (name, value.unwrap_or_default());
        let list = match self.case.as_mut() {
            Some(case) => &mut case.properties,
            None => &mut self.run.properties,
        };
        if list.len() < MAX_PROPERTIES {
            list.push(pair);
        }
        Ok(())
    }

    pub(super) fn read_counters(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<Counters, JunitError> {
        let mut c = Counters::default();
        for (key, value) in self.attributes(e, position)? {
            match key.as_slice() {
                b"hostname" => {
                    let host = cap_short(value);
                    if !self.run.hostnames.contains(&host) && self.run.hostnames.len() < 16 {
                        self.run.hostnames.push(host);
                    }
                }
                b"tests" => c.tests = self.parse_u64(&value, "tests", position),
                b"failures" => c.failures = self.parse_u64(&value, "failures", position),
                b"errors" => c.errors = self.parse_u64(&value, "errors", position),
                b"skipped" | b"skips" => c.skipped = self.parse_u64(&value, "skipped", position),
                b"time" => c.time_s = self.parse_secs(&value, position),
                b"timestamp" => c.timestamp = Some(cap(value)),
                _ => {}
            }
        }
        Ok(c)
    }

    pub(super) fn read_case(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<CaseBuilder, JunitError> {
        let mut b = CaseBuilder {
            classname: String::new(),
            name: String::new(),
            file: None,
            line: None,
            duration_s: None,
            failure: None,
            error: None,
            skipped: None,
            teardown_error: false,
            system_out: CappedText::default(),
            system_err: CappedText::default(),
            properties: Vec::new(),
            lines: CaseLines::default(),
        };
        for (key, value) in self.attributes(e, position)? {
            match key.as_slice() {
                b"classname" => b.classname = cap_id(value),
                b"name" => b.name = cap_id(value),
                b"file" => b.file = Some(cap_id(value)),
                b"line" => match value.trim().parse::<u32>() {
                    Ok(n) => b.line = Some(n),
                    Err(_) => self.warn(format!(
                        "byte {position}: bad testcase line {:?}",
                        snippet(&value)
                    )),
                },
                b"time" => b.duration_s = self.parse_secs(&value, position),
                _ => {}
            }
        }
        Ok(b)
    }

    pub(super) fn read_child(
        &mut self,
        e: &BytesStart<'_>,
        position: u64,
    ) -> Result<Child, JunitError> {
        let mut c = Child::default();
        for (key, value) in self.attributes(e, position)? {
            match key.as_slice() {
                b"message" => c.message = Some(cap(value)),
                b"type" => c.kind = Some(cap(value)),
                _ => {}
            }
        }
        Ok(c)
    }

    pub(super) fn parse_u64(&mut self, value: &str, what: &str, position: u64) -> Option<u64> {
        match value.trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.warn(format!(
                    "byte {position}: bad {what} count {:?}",
                    snippet(value)
                ));
                None
            }
        }
    }

    pub(super) fn parse_secs(&mut self, value: &str, position: u64) -> Option<f64> {
        match value.trim().parse::<f64>() {
            Ok(t) if t.is_finite() && t >= 0.0 => Some(t),
            _ => {
                self.warn(format!("byte {position}: bad time {:?}", snippet(value)));
                None
            }
        }
    }
}
