//! `/examples`: DALI-examples [DALI §2.3, TAP §2.6] — useful queries on the tables this service
//! actually has, as XHTML with RDFa Lite properties that TOPCAT and taplint read.

use quick_xml::escape::escape;
use vo_catalog::TableMeta;

/// One example query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub id: String,
    pub name: String,
    pub description: String,
    pub query: String,
    /// Tables the query uses (fully qualified).
    pub tables: Vec<String>,
    /// Needs an upload named `mine` (a VOTable with ra, dec columns).
    pub needs_upload: bool,
}

fn example(id: &str, name: &str, description: &str, query: String, tables: &[&str]) -> Example {
    Example {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        query,
        tables: tables.iter().map(|t| t.to_string()).collect(),
        needs_upload: false,
    }
}

/// The examples for a catalogue: TAP_SCHEMA ones always, and positional ones on the first
/// positional table (demo.stars when present).
///
/// They are written in the subset that ADQL 2.0 parsers also accept (geometry constructors with
/// their 'ICRS' argument, GROUP BY on output names), because clients validate examples with
/// their own parser before showing them: TOPCAT's, for one, is ADQL 2.0 in the releases in use.
pub fn examples(tables: &[TableMeta]) -> Vec<Example> {
    let mut out = vec![
        example(
            "list-tables",
            "List the tables",
            "Every table of this service with its description, from TAP_SCHEMA.",
            "SELECT table_name, description FROM TAP_SCHEMA.tables ORDER BY table_name".into(),
            &["TAP_SCHEMA.tables"],
        ),
        example(
            "columns-with-units",
            "Columns with a unit",
            "The columns that carry a unit, with their UCDs.",
            "SELECT table_name, column_name, unit, ucd FROM TAP_SCHEMA.columns WHERE unit IS NOT NULL ORDER BY table_name, column_index"
                .into(),
            &["TAP_SCHEMA.columns"],
        ),
    ];
    let positional = tables
        .iter()
        .filter(|t| t.position.is_some())
        .min_by_key(|t| (t.qualified_name() != "demo.stars", t.qualified_name()));
    let Some(table) = positional else { return out };
    let t = table.qualified_name();
    let p = table.position.as_ref().expect("positional");
    let (ra, dec) = (&p.ra_column, &p.dec_column);
    let id = table.id_column().map(|c| c.name.clone()).unwrap_or_else(|| ra.clone());
    let mag = table
        .columns
        .iter()
        .find(|c| c.ucd.as_deref().is_some_and(|u| u.starts_with("phot.mag")))
        .or_else(|| {
            table
                .columns
                .iter()
                .find(|c| c.name != *ra && c.name != *dec && c.name != id && c.arrow_type.starts_with("Float"))
        })
        .map(|c| c.name.clone())
        .unwrap_or_else(|| dec.clone());
    let tb = [t.as_str()];
    out.extend([
        example(
            "cone",
            "Cone search",
            "Sources within 0.5° of a position, nearest first (HEALPix-accelerated).",
            format!(
                "SELECT {id}, {ra}, {dec}, DISTANCE(POINT('ICRS', {ra}, {dec}), POINT('ICRS', 180, 0)) AS dist FROM {t}\n\
                 WHERE 1 = CONTAINS(POINT('ICRS', {ra}, {dec}), CIRCLE('ICRS', 180, 0, 0.5)) ORDER BY dist"
            ),
            &tb,
        ),
        example(
            "distance-cone",
            "Cone search with DISTANCE",
            "The same kind of cone written with DISTANCE, the form ADQL 2.1 prefers (also HEALPix-accelerated).",
            format!("SELECT * FROM {t} WHERE DISTANCE(POINT('ICRS', {ra}, {dec}), POINT('ICRS', 45, 45)) < 0.2"),
            &tb,
        ),
        example(
            "box",
            "Sources in a box",
            "Sources in a 1° × 1° box around (10, 10).",
            format!("SELECT {id}, {ra}, {dec} FROM {t} WHERE 1 = CONTAINS(POINT('ICRS', {ra}, {dec}), BOX('ICRS', 10, 10, 1, 1))"),
            &tb,
        ),
        example(
            "polygon",
            "Sources in a polygon",
            "Sources inside a triangle given by its vertices (degrees).",
            format!(
                "SELECT {id}, {ra}, {dec} FROM {t} WHERE 1 = CONTAINS(POINT('ICRS', {ra}, {dec}), POLYGON('ICRS', 120, 10, 121, 10, 120.5, 11))"
            ),
            &tb,
        ),
        example(
            "brightest",
            "Brightest sources",
            "The ten brightest sources of the table.",
            format!("SELECT TOP 10 {id}, {ra}, {dec}, {mag} FROM {t} ORDER BY {mag} ASC"),
            &tb,
        ),
        example(
            "aggregate",
            "Counts per magnitude bin",
            "How many sources fall in each unit bin of magnitude, with the mean declination.",
            format!(
                "SELECT FLOOR({mag}) AS bin, COUNT(*) AS n, AVG({dec}) AS mean_dec FROM {t}\n\
                 GROUP BY bin ORDER BY bin"
            ),
            &tb,
        ),
        example(
            "healpix-density",
            "Source density per HEALPix cell",
            "Counts per order-4 HEALPix cell (nested, 3,072 cells of 13.4 deg²), with the cell centre: a sky density map (ivo_healpix_index from the IVOA catalogue of ADQL UDFs).",
            format!(
                "SELECT hpx, COUNT(*) AS n, ivo_healpix_center(4, hpx) AS centre\n\
                 FROM (SELECT ivo_healpix_index(4, {ra}, {dec}) AS hpx FROM {t}) AS cells\n\
                 GROUP BY hpx ORDER BY n DESC"
            ),
            &tb,
        ),
        example(
            "self-crossmatch",
            "Close pairs",
            "Pairs of sources closer than 30″ in a 1° field (a positional self cross-match).",
            format!(
                "SELECT a.{id} AS id_a, b.{id} AS id_b, DISTANCE(POINT('ICRS', a.{ra}, a.{dec}), POINT('ICRS', b.{ra}, b.{dec})) AS sep\n\
                 FROM {t} AS a JOIN {t} AS b ON 1 = CONTAINS(POINT('ICRS', b.{ra}, b.{dec}), CIRCLE('ICRS', a.{ra}, a.{dec}, 30.0/3600))\n\
                 WHERE a.{id} < b.{id} AND 1 = CONTAINS(POINT('ICRS', a.{ra}, a.{dec}), CIRCLE('ICRS', 200, -20, 1))"
            ),
            &tb,
        ),
        Example {
            needs_upload: true,
            ..example(
                "upload-crossmatch",
                "Cross-match your own list",
                "Upload a VOTable named mine (UPLOAD=mine,param:mine) with ra and dec columns; this finds catalogue sources within 5″ of each.",
                format!(
                    "SELECT m.*, s.{id}, DISTANCE(POINT('ICRS', m.ra, m.dec), POINT('ICRS', s.{ra}, s.{dec})) AS sep FROM TAP_UPLOAD.mine AS m\n\
                     JOIN {t} AS s ON 1 = CONTAINS(POINT('ICRS', s.{ra}, s.{dec}), CIRCLE('ICRS', m.ra, m.dec, 5.0/3600))"
                ),
                &tb,
            )
        },
    ]);
    out
}

/// The DALI-examples document.
pub fn examples_document(examples: &[Example], tap_base: &str) -> String {
    let mut html = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<!DOCTYPE html>\n",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n",
        "<head><title>TAP examples</title></head>\n",
        "<body vocab=\"http://www.ivoa.net/rdf/examples#\">\n",
        "<h1>Example queries</h1>\n"
    ));
    for e in examples {
        html.push_str(&format!(
            "<div typeof=\"example\" id=\"{id}\" resource=\"#{id}\">\n  <h2 property=\"name\">{name}</h2>\n  <p>{description}</p>\n  <pre class=\"dachs-ex-tapquery literal-block\" property=\"query\">{query}</pre>\n",
            id = escape(&e.id),
            name = escape(&e.name),
            description = escape(&e.description),
            query = escape(&e.query),
        ));
        for table in &e.tables {
            html.push_str(&format!("  <p>Table: <span property=\"table\">{}</span></p>\n", escape(table)));
        }
        html.push_str("</div>\n");
    }
    html.push_str(&format!(
        "<p>Run these at <a href=\"{0}/sync\">{0}/sync</a>.</p>\n</body>\n</html>\n",
        escape(tap_base)
    ));
    html
}
