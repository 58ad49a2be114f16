//! The pipeline's first stage, bytes in: opening an input ([`open`]: file or stdin, gunzip,
//! sniffing console log vs JUnit XML), splitting a console log into blocks of numbered lines
//! ([`lines`]), taking off colour escapes and CI wrappers ([`prefix`]), digesting the bytes as
//! they stream ([`digest`]), bounding names taken from the input ([`bounds`]), and reading
//! JUnit XML reports ([`junit`]).
//!
//! It does not own what a console line means: pytest's structure, the failure signatures and
//! the fields of an event line are [`crate::parse`]'s, and attributing lines to tests is the
//! collector's ([`crate::attribute::collect`]).

pub mod bounds;
pub mod digest;
pub mod junit;
pub mod lines;
pub mod open;
pub mod prefix;
