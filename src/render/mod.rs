//! Printers: each turns an [`Analysis`](crate::analysis::Analysis) into one output format.
//! They only format; every number they print was computed by the analysis.

pub mod html;
pub mod json;
pub mod markdown;
pub mod probe;
pub mod signals;
pub mod text;
pub mod trend;
pub mod trend_blocks;
pub mod view;
