//! One struct per VOTable element.

use super::{ArraySize, Datatype, NAMESPACE_1_3, VERSION};

/// The root VOTABLE element.
#[derive(Debug, Clone, PartialEq)]
pub struct VoTable {
    /// The `version` attribute; `"1.5"` when writing.
    pub version: String,
    /// The namespace the document was read in (`None` for 1.1/1.2 documents without one).
    pub namespace: Option<String>,
    /// `ID` attribute.
    pub id: Option<String>,
    /// DESCRIPTION text.
    pub description: Option<String>,
    /// DEFINITIONS (deprecated since 1.1; read only, never written).
    pub definitions: Option<Definitions>,
    /// INFO elements before the first RESOURCE.
    pub infos: Vec<Info>,
    /// COOSYS elements.
    pub coosys: Vec<CooSys>,
    /// TIMESYS elements.
    pub timesys: Vec<TimeSys>,
    /// PARAM elements.
    pub params: Vec<Param>,
    /// GROUP elements.
    pub groups: Vec<Group>,
    /// RESOURCE elements (at least one in a valid document).
    pub resources: Vec<Resource>,
    /// INFO elements after the last RESOURCE.
    pub trailing_infos: Vec<Info>,
}

impl Default for VoTable {
    fn default() -> Self {
        VoTable {
            version: VERSION.to_string(),
            namespace: Some(NAMESPACE_1_3.to_string()),
            id: None,
            description: None,
            definitions: None,
            infos: Vec::new(),
            coosys: Vec::new(),
            timesys: Vec::new(),
            params: Vec::new(),
            groups: Vec::new(),
            resources: Vec::new(),
            trailing_infos: Vec::new(),
        }
    }
}

/// The deprecated DEFINITIONS element (VOTable 1.0): kept so nothing read is lost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Definitions {
    /// COOSYS inside DEFINITIONS.
    pub coosys: Vec<CooSys>,
    /// PARAM inside DEFINITIONS.
    pub params: Vec<Param>,
}

/// The `type` attribute of RESOURCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceType {
    /// `results` (the default): the resource holds the answer.
    #[default]
    Results,
    /// `meta`: descriptive resource, e.g. a DataLink service descriptor.
    Meta,
}

impl ResourceType {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Results => "results",
            ResourceType::Meta => "meta",
        }
    }
}

/// A RESOURCE element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    /// `ID` attribute.
    pub id: Option<String>,
    /// `name` attribute.
    pub name: Option<String>,
    /// `type` attribute.
    pub resource_type: ResourceType,
    /// `utype` attribute.
    pub utype: Option<String>,
    /// DESCRIPTION text.
    pub description: Option<String>,
    /// INFO elements before the tables (e.g. `QUERY_STATUS`).
    pub infos: Vec<Info>,
    /// COOSYS elements.
    pub coosys: Vec<CooSys>,
    /// TIMESYS elements.
    pub timesys: Vec<TimeSys>,
    /// PARAM elements (service descriptors put their input parameters in GROUPs and PARAMs).
    pub params: Vec<Param>,
    /// GROUP elements.
    pub groups: Vec<Group>,
    /// LINK elements.
    pub links: Vec<Link>,
    /// TABLE elements (written before nested resources).
    pub tables: Vec<Table>,
    /// Nested RESOURCE elements.
    pub resources: Vec<Resource>,
    /// INFO elements after the tables (e.g. `QUERY_STATUS` = `OVERFLOW`).
    pub trailing_infos: Vec<Info>,
    /// Foreign-namespace content such as MIVOT annotations, as raw XML fragments.
    pub extensions: Vec<String>,
}

impl Resource {
    /// A `type="results"` resource holding one table.
    pub fn results_with(table: Table) -> Self {
        Resource { tables: vec![table], ..Resource::default() }
    }
}

/// A TABLE element (its data is not part of the model: it flows as Arrow record batches).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// `ID` attribute.
    pub id: Option<String>,
    /// `name` attribute.
    pub name: Option<String>,
    /// `ref` attribute.
    pub reference: Option<String>,
    /// `ucd` attribute.
    pub ucd: Option<String>,
    /// `utype` attribute.
    pub utype: Option<String>,
    /// `nrows` attribute (a hint; readers never trust it for allocation).
    pub nrows: Option<u64>,
    /// DESCRIPTION text.
    pub description: Option<String>,
    /// INFO elements before the fields.
    pub infos: Vec<Info>,
    /// FIELD elements, in column order.
    pub fields: Vec<Field>,
    /// PARAM elements.
    pub params: Vec<Param>,
    /// GROUP elements.
    pub groups: Vec<Group>,
    /// LINK elements.
    pub links: Vec<Link>,
    /// INFO elements after DATA.
    pub trailing_infos: Vec<Info>,
}

/// A FIELD element (and the column description shared with PARAM).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Field {
    /// `name` attribute.
    pub name: String,
    /// `ID` attribute.
    pub id: Option<String>,
    /// `datatype` attribute (required).
    pub datatype: Datatype,
    /// `arraysize` attribute; `None` for a scalar.
    pub arraysize: Option<ArraySize>,
    /// `width` attribute.
    pub width: Option<u32>,
    /// `precision` attribute (e.g. `"6"`, `"F3"`, `"E5"`).
    pub precision: Option<String>,
    /// `unit` attribute (VOUnit).
    pub unit: Option<String>,
    /// `ucd` attribute (UCD1+).
    pub ucd: Option<String>,
    /// `utype` attribute.
    pub utype: Option<String>,
    /// `xtype` attribute (DALI: timestamp, point, circle, polygon, interval, moc, ...).
    pub xtype: Option<String>,
    /// `ref` attribute (usually the ID of a COOSYS or TIMESYS).
    pub reference: Option<String>,
    /// The deprecated FIELD `type` attribute (`hidden`, `no_query`, `trigger`, `location`).
    pub field_type: Option<String>,
    /// DESCRIPTION text.
    pub description: Option<String>,
    /// VALUES child.
    pub values: Option<Values>,
    /// LINK children.
    pub links: Vec<Link>,
}

impl Field {
    /// A field with a name and a datatype, everything else unset.
    pub fn new(name: impl Into<String>, datatype: Datatype) -> Self {
        Field { name: name.into(), datatype, ..Field::default() }
    }

    /// Sets the arraysize.
    pub fn with_arraysize(mut self, arraysize: ArraySize) -> Self {
        self.arraysize = Some(arraysize);
        self
    }

    /// Sets the unit.
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// Sets the UCD.
    pub fn with_ucd(mut self, ucd: impl Into<String>) -> Self {
        self.ucd = Some(ucd.into());
        self
    }

    /// Sets the xtype.
    pub fn with_xtype(mut self, xtype: impl Into<String>) -> Self {
        self.xtype = Some(xtype.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the VALUES `null` magic value (integer datatypes only).
    pub fn with_null(mut self, null: impl Into<String>) -> Self {
        self.values.get_or_insert_with(Values::default).null = Some(null.into());
        self
    }

    /// The VALUES `null` magic value, if any.
    pub fn null_value(&self) -> Option<&str> {
        self.values.as_ref().and_then(|v| v.null.as_deref())
    }
}

/// A PARAM element: a FIELD description plus a constant value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Param {
    /// Everything a PARAM shares with FIELD.
    pub field: Field,
    /// `value` attribute (required), in TABLEDATA syntax.
    pub value: String,
}

impl Param {
    /// A PARAM with a name, datatype and value.
    pub fn new(name: impl Into<String>, datatype: Datatype, value: impl Into<String>) -> Self {
        Param { field: Field::new(name, datatype), value: value.into() }
    }
}

/// The `type` attribute of VALUES.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValuesType {
    /// `legal` (the default): the domain of allowed values.
    #[default]
    Legal,
    /// `actual`: the values actually present.
    Actual,
}

/// A VALUES element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values {
    /// `ID` attribute.
    pub id: Option<String>,
    /// `type` attribute.
    pub values_type: ValuesType,
    /// `null` attribute: the magic value standing for null (integer types only).
    pub null: Option<String>,
    /// `ref` attribute.
    pub reference: Option<String>,
    /// MIN child.
    pub min: Option<Limit>,
    /// MAX child.
    pub max: Option<Limit>,
    /// OPTION children.
    pub options: Vec<ValuesOption>,
}

/// A MIN or MAX element.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// `value` attribute.
    pub value: String,
    /// `inclusive` attribute (default `true`).
    pub inclusive: bool,
}

/// An OPTION element (options may nest).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValuesOption {
    /// `name` attribute.
    pub name: Option<String>,
    /// `value` attribute.
    pub value: String,
    /// Nested OPTIONs.
    pub options: Vec<ValuesOption>,
}

/// An INFO element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// `name` attribute (required).
    pub name: String,
    /// `value` attribute (required).
    pub value: String,
    /// `ID` attribute.
    pub id: Option<String>,
    /// `unit` attribute.
    pub unit: Option<String>,
    /// `ucd` attribute.
    pub ucd: Option<String>,
    /// `utype` attribute.
    pub utype: Option<String>,
    /// `xtype` attribute.
    pub xtype: Option<String>,
    /// `ref` attribute.
    pub reference: Option<String>,
    /// Text content (e.g. the human-readable error message of `QUERY_STATUS` = `ERROR`).
    pub content: Option<String>,
}

impl Info {
    /// An INFO with a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Info { name: name.into(), value: value.into(), ..Info::default() }
    }

    /// Sets the text content.
    pub fn with_content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }
}

/// A LINK element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Link {
    /// `ID` attribute.
    pub id: Option<String>,
    /// `content-role` attribute (`query`, `hints`, `doc`, `location`).
    pub content_role: Option<String>,
    /// `content-type` attribute (MIME type).
    pub content_type: Option<String>,
    /// `title` attribute.
    pub title: Option<String>,
    /// `value` attribute.
    pub value: Option<String>,
    /// `href` attribute.
    pub href: Option<String>,
    /// `action` attribute (deprecated).
    pub action: Option<String>,
    /// Text content.
    pub content: Option<String>,
}

/// A COOSYS element [VOT §3.4].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CooSys {
    /// `ID` attribute (referenced by FIELD `ref`).
    pub id: Option<String>,
    /// `system` attribute, a term of the IVOA refframe vocabulary (`ICRS`, `FK5`, ...).
    pub system: String,
    /// `equinox` attribute (e.g. `J2000`).
    pub equinox: Option<String>,
    /// `epoch` attribute (e.g. `J2016.0`).
    pub epoch: Option<String>,
    /// `refposition` attribute (VOTable 1.5).
    pub refposition: Option<String>,
}

/// A TIMESYS element [VOT §3.5].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeSys {
    /// `ID` attribute (required by the schema).
    pub id: Option<String>,
    /// `timeorigin` attribute (a JD, or `MJD-origin` / `JD-origin`).
    pub timeorigin: Option<String>,
    /// `timescale` attribute (TT, TDB, UTC, ...).
    pub timescale: String,
    /// `refposition` attribute (TOPOCENTER, BARYCENTER, ...).
    pub refposition: String,
}

/// A GROUP element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// `ID` attribute.
    pub id: Option<String>,
    /// `name` attribute.
    pub name: Option<String>,
    /// `ref` attribute.
    pub reference: Option<String>,
    /// `ucd` attribute.
    pub ucd: Option<String>,
    /// `utype` attribute.
    pub utype: Option<String>,
    /// DESCRIPTION text.
    pub description: Option<String>,
    /// FIELDref children.
    pub field_refs: Vec<FieldRef>,
    /// PARAMref children.
    pub param_refs: Vec<FieldRef>,
    /// PARAM children.
    pub params: Vec<Param>,
    /// Nested GROUPs.
    pub groups: Vec<Group>,
}

/// A FIELDref or PARAMref element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldRef {
    /// `ref` attribute: the ID of the FIELD or PARAM.
    pub reference: String,
    /// `ucd` attribute.
    pub ucd: Option<String>,
    /// `utype` attribute.
    pub utype: Option<String>,
}

impl VoTable {
    /// The first TABLE of the first `results` RESOURCE (searching nested resources too), falling
    /// back to the first TABLE anywhere.
    pub fn first_table(&self) -> Option<&Table> {
        fn find(resources: &[Resource], want_results: bool) -> Option<&Table> {
            for r in resources {
                if (!want_results || r.resource_type == ResourceType::Results)
                    && let Some(t) = r.tables.first()
                {
                    return Some(t);
                }
                if let Some(t) = find(&r.resources, want_results) {
                    return Some(t);
                }
            }
            None
        }
        find(&self.resources, true).or_else(|| find(&self.resources, false))
    }

    /// Finds the element with this `ID` among COOSYS, TIMESYS, FIELD, PARAM, GROUP, TABLE and
    /// RESOURCE elements (the targets of `ref` attributes).
    pub fn resolve_ref(&self, id: &str) -> Option<Referenced<'_>> {
        let mut found = None;
        self.visit(&mut |element| {
            if found.is_none() && element.id() == Some(id) {
                found = Some(element);
            }
        });
        found
    }

    /// Calls `f` for every element that can carry an `ID`, in document order.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(Referenced<'a>)) {
        self.coosys.iter().for_each(|c| f(Referenced::CooSys(c)));
        self.timesys.iter().for_each(|t| f(Referenced::TimeSys(t)));
        self.params.iter().for_each(|p| f(Referenced::Param(p)));
        visit_groups(&self.groups, f);
        if let Some(d) = &self.definitions {
            d.coosys.iter().for_each(|c| f(Referenced::CooSys(c)));
            d.params.iter().for_each(|p| f(Referenced::Param(p)));
        }
        visit_resources(&self.resources, f);
    }
}

fn visit_groups<'a>(groups: &'a [Group], f: &mut dyn FnMut(Referenced<'a>)) {
    for g in groups {
        f(Referenced::Group(g));
        g.params.iter().for_each(|p| f(Referenced::Param(p)));
        visit_groups(&g.groups, f);
    }
}

fn visit_resources<'a>(resources: &'a [Resource], f: &mut dyn FnMut(Referenced<'a>)) {
    for r in resources {
        f(Referenced::Resource(r));
        r.coosys.iter().for_each(|c| f(Referenced::CooSys(c)));
        r.timesys.iter().for_each(|t| f(Referenced::TimeSys(t)));
        r.params.iter().for_each(|p| f(Referenced::Param(p)));
        visit_groups(&r.groups, f);
        for t in &r.tables {
            f(Referenced::Table(t));
            t.params.iter().for_each(|p| f(Referenced::Param(p)));
            t.fields.iter().for_each(|fl| f(Referenced::Field(fl)));
            visit_groups(&t.groups, f);
        }
        visit_resources(&r.resources, f);
    }
}

/// An element found by [`VoTable::resolve_ref`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Referenced<'a> {
    /// A COOSYS.
    CooSys(&'a CooSys),
    /// A TIMESYS.
    TimeSys(&'a TimeSys),
    /// A FIELD.
    Field(&'a Field),
    /// A PARAM.
    Param(&'a Param),
    /// A GROUP.
    Group(&'a Group),
    /// A TABLE.
    Table(&'a Table),
    /// A RESOURCE.
    Resource(&'a Resource),
}

impl Referenced<'_> {
    /// The element's `ID`.
    pub fn id(&self) -> Option<&str> {
        match self {
            Referenced::CooSys(c) => c.id.as_deref(),
            Referenced::TimeSys(t) => t.id.as_deref(),
            Referenced::Field(f) => f.id.as_deref(),
            Referenced::Param(p) => p.field.id.as_deref(),
            Referenced::Group(g) => g.id.as_deref(),
            Referenced::Table(t) => t.id.as_deref(),
            Referenced::Resource(r) => r.id.as_deref(),
        }
    }
}
