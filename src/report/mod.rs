//! The output stage. [`Report`] puts the stages' results side by side; printers turn it into
//! one output format each: the terminal text ([`text`], laid out by [`grid`], coloured by [`paint`]),
//! JSON ([`json`]), and the Markdown and HTML reports ([`markdown`], [`html`]) from one
//! format-independent view ([`view`], [`header`], [`baseline_run`]) in English or Hebrew
//! ([`i18n`]); also the printers of `rca probe` ([`probe`]), of the trend over recorded runs
//! ([`trend`], [`trend_blocks`]) and of the signatures' precision ([`signals`]). Log-derived
//! strings go through [`safe`] (and the format's own escaping) where they enter a printer.
//!
//! They only format; the stage computes no numbers: every count, verdict, cause and
//! recommendation it prints was computed by the analysis (or the probe, or the trend rules);
//! only their layout is worked out here (percentages, chart geometry, column widths). It
//! reads no input and writes no file (the command line chooses the destination).

pub mod baseline_run;
pub mod grid;
pub mod header;
pub mod html;
pub mod i18n;
pub mod json;
pub mod markdown;
pub mod paint;
pub mod probe;
pub mod safe;
pub mod signals;
pub mod text;
pub mod trend;
pub mod trend_blocks;
pub mod view;

pub use model::Report;

mod model;
