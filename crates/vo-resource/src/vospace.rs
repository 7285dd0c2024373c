//! Registry capabilities of a VOSpace 2.1 service [VOSpace §4]. VOSpace defines no capability
//! subtype of its own (there is no VOSpace registry-extension schema): each REST binding is a
//! plain `vr:Capability` whose `standardID` names the binding, with a `vs:ParamHTTP` interface.
//! This is how CADC and the other VOSpace services register, and what VOSpace clients look for.

use crate::capability::Capability;
use crate::interface::{AccessUse, Interface};

/// `standardID`s of the VOSpace 2.x bindings.
pub mod standard_id {
    /// The service as a whole (VOSpace 2.1).
    pub const VOSPACE_2_1: &str = "ivo://ivoa.net/std/VOSpace/v2.1";
    pub const NODES: &str = "ivo://ivoa.net/std/VOSpace/v2.0#nodes";
    pub const TRANSFERS: &str = "ivo://ivoa.net/std/VOSpace/v2.0#transfers";
    pub const PROPERTIES: &str = "ivo://ivoa.net/std/VOSpace/v2.0#properties";
    pub const VIEWS: &str = "ivo://ivoa.net/std/VOSpace/v2.0#views";
    pub const PROTOCOLS: &str = "ivo://ivoa.net/std/VOSpace/v2.0#protocols";
    /// Synchronous transfers, VOSpace 2.1 (`/synctrans`).
    pub const SYNC_2_1: &str = "ivo://ivoa.net/std/VOSpace#sync-2.1";
}

/// The capabilities of a VOSpace service rooted at `base_url`, one per REST binding, each with
/// one interface per security method given (an empty list means anonymous access only).
pub fn vospace_capabilities(base_url: &str, security_methods: &[&str]) -> Vec<Capability> {
    let base = base_url.trim_end_matches('/');
    let bindings = [
        (standard_id::NODES, "nodes", AccessUse::Base),
        (standard_id::TRANSFERS, "transfers", AccessUse::Full),
        (standard_id::SYNC_2_1, "synctrans", AccessUse::Full),
        (standard_id::PROPERTIES, "properties", AccessUse::Full),
        (standard_id::VIEWS, "views", AccessUse::Full),
        (standard_id::PROTOCOLS, "protocols", AccessUse::Full),
    ];
    bindings
        .into_iter()
        .map(|(id, path, use_)| {
            let url = format!("{base}/{path}");
            let mut capability = Capability::new(id).with_interface(Interface::standard(&url, use_, Some("2.1")));
            for method in security_methods {
                capability = capability
                    .with_interface(Interface::standard(&url, use_, Some("2.1")).with_security_method(*method));
            }
            capability
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_capability_per_binding_with_interfaces_per_security_method() {
        let capabilities = vospace_capabilities("https://example.org/vospace/", &["ivo://ivoa.net/sso#token"]);
        assert_eq!(capabilities.len(), 6);
        let nodes = &capabilities[0];
        assert_eq!(nodes.standard_id.as_deref(), Some(standard_id::NODES));
        assert_eq!(nodes.interfaces.len(), 2);
        assert_eq!(nodes.interfaces[0].url(), Some("https://example.org/vospace/nodes"));
        assert!(nodes.interfaces[0].security_methods.is_empty());
        assert_eq!(nodes.interfaces[1].security_methods[0].standard_id.as_deref(), Some("ivo://ivoa.net/sso#token"));
        assert_eq!(capabilities[2].standard_id.as_deref(), Some(standard_id::SYNC_2_1));
    }
}
