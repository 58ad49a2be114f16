//! Printers: each turns an [`Analysis`](crate::analysis::Analysis) into one output format.
//! They only format; every number they print was computed by the analysis. Log-derived
//! strings go through [`safe`] (and the format's own escaping) where they enter a printer.

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
