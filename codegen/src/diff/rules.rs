//! The rule table: ids and names follow Azure's `oad` (openapi-diff) where it has the rule,
//! 2001–2008 are azml's own. Each rule says when it is breaking; the direction a schema is used
//! in decides for the direction-dependent ones. Direction comes from where the operations use a
//! schema: request bodies and parameters are sent, responses received, a read-only property
//! only received; a schema used both ways is both.
//!
//! Schemas are compared by structure (see `pairs`), so the rules about definitions by *name*
//! only fire where a name is all there is:
//! - `1006 RemovedDefinition` / `2005 AddedDefinition`: only for an entry file's definition no
//!   operation reaches on either side, which the other side lacks (and has no unreached
//!   definition of the same shape under another name). A reached definition that goes away
//!   shows as the changes where it was used; one renamed is a Rust-level change only.
//! - `1017 ReferenceRedirection`: only for a `$ref` whose target is missing on one side (a
//!   tolerated spec bug), which cannot be compared by content.
//! - oad's `1031 DifferentExtends` and `1032 DifferentAllOf` are not used: `allOf` parents are
//!   flattened in and compared by what they bring (properties, `required`, a union's
//!   members), whatever they are called.
//! - `x-ms-enum.name` and a definition's own `x-ms-client-name` name generated types, like a
//!   definition's name: Rust-level only. `1047 XmsEnumChanged` is about `modelAsString`,
//!   `2004 ClientNameChanged` about a property's or parameter's client name.
//!
//! A union's members are paired by discriminator value; a member only one side has is
//! reported like a value of the discriminator (`1019` / `1020`), unless the discriminator
//! property's `enum` already reports that value. Everything reached by no operation (unreached
//! definitions compared by name) is non-breaking.

/// One diff rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `"1033"`.
    pub id: &'static str,
    /// Stable name, e.g. `RemovedProperty`.
    pub name: &'static str,
    /// When it is breaking.
    pub breaking: &'static str,
}

macro_rules! rules {
    ($($konst:ident = $id:literal $name:ident: $breaking:literal;)*) => {
        $(
            #[doc = concat!("`", $id, " ", stringify!($name), "`: ", $breaking)]
            pub static $konst: Rule = Rule { id: $id, name: stringify!($name), breaking: $breaking };
        )*
        /// Every rule, by id.
        pub static ALL: &[&Rule] = &[$(&$konst),*];
    };
}

rules! {
    REMOVED_PATH = "1005" RemovedPath: "always";
    REMOVED_DEFINITION = "1006" RemovedDefinition: "never (only reported for a definition no operation reaches)";
    REMOVED_CLIENT_PARAMETER = "1007" RemovedClientParameter: "always";
    MODIFIED_OPERATION_ID = "1008" ModifiedOperationId: "always";
    REMOVED_REQUIRED_PARAMETER = "1009" RemovedRequiredParameter: "always";
    ADDING_REQUIRED_PARAMETER = "1010" AddingRequiredParameter: "always";
    ADDING_RESPONSE_CODE = "1011" AddingResponseCode: "always";
    REMOVED_RESPONSE_CODE = "1012" RemovedResponseCode: "always";
    ADDING_HEADER = "1013" AddingHeader: "never";
    REMOVING_HEADER = "1014" RemovingHeader: "always";
    PARAMETER_IN_CHANGED = "1015" ParameterInHasChanged: "always";
    REFERENCE_REDIRECTION = "1017" ReferenceRedirection: "always (only reported for a `$ref` whose target is missing on one side)";
    REMOVED_ENUM_VALUE = "1019" RemovedEnumValue: "in requests (an enum value, or a union member)";
    ADDED_ENUM_VALUE = "1020" AddedEnumValue: "in responses, when the enum is closed (`modelAsString: false`); a new union member never";
    ADDED_ADDITIONAL_PROPERTIES = "1021" AddedAdditionalProperties: "always";
    REMOVED_ADDITIONAL_PROPERTIES = "1022" RemovedAdditionalProperties: "always";
    TYPE_FORMAT_CHANGED = "1023" TypeFormatChanged: "always";
    CONSTRAINT_IS_STRONGER = "1024" ConstraintIsStronger: "in requests";
    REQUIRED_STATUS_CHANGE = "1025" RequiredStatusChange: "optional → required in requests, required → optional in responses";
    TYPE_CHANGED = "1026" TypeChanged: "always, except a response body that appears";
    DEFAULT_VALUE_CHANGED = "1027" DefaultValueChanged: "in requests";
    COLLECTION_FORMAT_CHANGED = "1028" ArrayCollectionFormatChanged: "always";
    READONLY_CHANGED = "1029" ReadonlyPropertyChanged: "always";
    DIFFERENT_DISCRIMINATOR = "1030" DifferentDiscriminator: "always";
    REMOVED_PROPERTY = "1033" RemovedProperty: "always";
    ADDED_REQUIRED_PROPERTY = "1034" AddedRequiredProperty: "in requests";
    REMOVED_OPERATION = "1035" RemovedOperation: "always";
    CONSTRAINT_CHANGED = "1036" ConstraintChanged: "in requests";
    CONSTRAINT_IS_WEAKER = "1037" ConstraintIsWeaker: "in responses";
    ADDED_PATH = "1038" AddedPath: "never";
    ADDED_OPERATION = "1039" AddedOperation: "never";
    ADDED_READONLY_PROPERTY = "1040" AddedReadOnlyPropertyInResponse: "never";
    ADDED_PROPERTY_IN_RESPONSE = "1041" AddedPropertyInResponse: "never";
    ADDING_OPTIONAL_PARAMETER = "1043" AddingOptionalParameter: "never";
    LRO_CHANGED = "1044" XmsLongRunningOperationChanged: "always";
    ADDED_OPTIONAL_PROPERTY = "1045" AddedOptionalProperty: "never";
    REMOVED_OPTIONAL_PARAMETER = "1046" RemovedOptionalParameter: "always";
    XMS_ENUM_CHANGED = "1047" XmsEnumChanged: "always (`modelAsString` changed)";
    ADDED_XMS_ENUM = "1048" AddedXmsEnum: "always";
    REMOVED_XMS_ENUM = "1049" RemovedXmsEnum: "always";
    PARAMETER_LOCATION_CHANGED = "1050" ParameterLocationHasChanged: "always";
    PAGEABLE_CHANGED = "2001" XmsPageableChanged: "always (pageability, or the next-link or items property)";
    FINAL_STATE_VIA_CHANGED = "2002" FinalStateViaChanged: "always (absent: `original-uri` for PUT and PATCH, `location` otherwise)";
    DISCRIMINATOR_VALUE_CHANGED = "2003" DiscriminatorValueChanged: "always";
    CLIENT_NAME_CHANGED = "2004" ClientNameChanged: "never (a property's or parameter's; the wire is unchanged, the Rust name changes)";
    ADDED_DEFINITION = "2005" AddedDefinition: "never (only reported for a definition no operation reaches)";
    NULLABLE_CHANGED = "2006" XNullableChanged: "becoming nullable in responses, becoming non-nullable in requests";
    SECRET_CHANGED = "2007" XmsSecretChanged: "becoming secret in responses (the service stops returning it)";
    MUTABILITY_CHANGED = "2008" XmsMutabilityChanged: "losing `read` in responses, losing `create` or `update` in requests (absent: all three, or `read` for a read-only property)";
}

/// The rule table as markdown (`cargo xtask diff --rules`).
pub fn markdown_table() -> String {
    let mut s = String::from("| id | rule | breaking |\n|---|---|---|\n");
    for r in ALL {
        s.push_str(&format!("| {} | {} | {} |\n", r.id, r.name, r.breaking));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_and_names_are_unique_and_sorted() {
        let ids: Vec<&str> = super::ALL.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        let mut names: Vec<&str> = super::ALL.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ids.len());
    }
}
