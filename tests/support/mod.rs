//! Test support shared by integration test binaries that talk to in-process servers
//! (`mod support;` in the test crate). Only loopback (127.0.0.1) is ever used.
#![allow(dead_code)]

pub mod servers;
