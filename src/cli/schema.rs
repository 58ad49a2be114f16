//! `rca schema`: the JSON Schema (draft 2020-12) of the `rca analyze --format json`
//! document, `schema_version` 1, generated from the serialised types themselves
//! (schemars), so it cannot drift from what rca writes. Fields only ever get added within
//! a schema version, so the schema leaves room for fields it does not list. It does not
//! define the document: the serialised types are [`crate::report::json`]'s and the facts'.

use crate::facts::SCHEMA_VERSION;

/// `rca schema`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  rca schema > rca-analysis.schema.json\n  rca analyze run.log --format json | check-jsonschema --schemafile rca-analysis.schema.json -"
)]
pub(super) struct SchemaArgs {}

/// The schema as a JSON value.
pub fn analysis_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<crate::report::json::Document<'static>>();
    schema.insert(
        "title".to_string(),
        format!("rca analyze --format json, schema_version {SCHEMA_VERSION}").into(),
    );
    let mut value = schema.to_value();
    // The one value this schema describes.
    value["properties"]["schema_version"]["const"] = SCHEMA_VERSION.into();
    value
}

/// Prints the schema.
pub(super) fn schema(_: &SchemaArgs) -> Result<i32, String> {
    let mut text = serde_json::to_string_pretty(&analysis_schema()).map_err(|e| e.to_string())?;
    text.push('\n');
    super::output::write_output(None, &text)?;
    Ok(super::EXIT_OK)
}
