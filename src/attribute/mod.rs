//! Attribution: which test each line belongs to and what it counts as. The collector
//! ([`collect`]) follows pytest's console structure line by line, gives each event line to
//! its test, folds re-logged failures into one event ([`relog`]) and aggregates events per
//! test and fingerprint ([`event`]); [`responses`] counts the HTTP responses the log shows
//! besides failures, and [`profile`] the requests per endpoint and log templates that
//! `--baseline` compares.
//!
//! It owns the run's counts: what happened to whom, how often, when. It does not open
//! inputs or recognise line shapes (the ingest and parse stages hand it normalised lines
//! and their facts), and it draws no conclusion (see [`crate::diagnose`]).

pub mod collect;
pub mod event;
pub mod profile;
pub mod relog;
pub mod responses;
