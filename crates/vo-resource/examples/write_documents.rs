//! Writes one document of each kind this crate produces into a directory, for the XSD validation
//! script (`conformance/registry/validate_xsd.py`).
//!
//! ```text
//! cargo run -p vo-resource --example write_documents -- /tmp/vo-documents
//! ```

use std::path::PathBuf;

mod samples;

use samples::{example_availability, example_capabilities, example_tableset, records_of_every_type};
use vo_resource::resource::write_resource;
use vo_resource::{Detail, write_availability, write_capabilities, write_table, write_tableset};

fn main() -> std::io::Result<()> {
    let directory = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "vo-documents".into()));
    std::fs::create_dir_all(&directory)?;
    let write = |name: &str, text: String| std::fs::write(directory.join(name), text);

    write("capabilities.xml", write_capabilities(&example_capabilities()))?;
    let vospace =
        vo_resource::vospace::vospace_capabilities("https://example.org/vospace", &["ivo://ivoa.net/sso#token"]);
    write("capabilities-vospace.xml", write_capabilities(&vospace))?;
    write("availability.xml", write_availability(&example_availability()))?;
    let tableset = example_tableset();
    write("tables-max.xml", write_tableset(&tableset, Detail::Max))?;
    write("tables-min.xml", write_tableset(&tableset, Detail::Min))?;
    if let Some(table) = tableset.table("ivoa.obscore") {
        write("table.xml", write_table(table))?;
    }
    for record in records_of_every_type() {
        let name = record.resource_type.xsi_type().replace(':', "-");
        write(&format!("record-{name}.xml"), write_resource(&record))?;
    }
    println!("documents written to {}", directory.display());
    Ok(())
}
