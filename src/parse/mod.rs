//! The pipeline's second stage, one normalised line at a time: pytest's console structure
//! ([`pytest`]), the failure signatures and their TOML data ([`signatures`]), the fields of an
//! event line ([`fields`]), what one event line says by itself, memoised ([`line_facts`]), and
//! whether an indented line is echoed Python source ([`echo`]). Everything here is a pure
//! function of the line (and the signature set).
//!
//! It does not own reading the bytes or stripping CI prefixes ([`crate::ingest`]), nor any state
//! across lines: which test a line belongs to and how events aggregate is the collector's
//! ([`crate::attribute::collect`], [`crate::attribute::event`]).

pub mod echo;
pub mod fields;
pub mod line_facts;
pub mod pytest;
pub mod signatures;
