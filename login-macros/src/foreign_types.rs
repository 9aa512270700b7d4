//! Types a loader can name as its user that can never be one: the language's primitives and
//! the standard library's strings, numbers and collections. `UserMixin` is implemented only by
//! the program's own structs (the derive), and an impl of the runtime's traits for a foreign
//! type is refused by rustc (E0117), so a loader that returns one is told so in our words, and
//! gets no impl that would add rustc's errors to ours.

use syn::Type;

/// The standard library's names a user type can never have.
const STD_NAMES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
    "isize", "f32", "f64", "String", "Vec", "VecDeque", "HashMap", "BTreeMap", "HashSet", "BTreeSet",
    "Option", "Result", "Box", "Rc", "Arc", "Cow", "Value",
];

/// Whether `ty` is a primitive, a tuple, an array or slice, or a standard library type (by its
/// last path segment, so `std::string::String` too).
pub(crate) fn never_a_user(ty: &Type) -> bool {
    match ty {
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) => true,
        Type::Paren(p) => never_a_user(&p.elem),
        Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|last| STD_NAMES.iter().any(|name| last.ident == name)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_types_are_never_users_and_the_programs_own_types_may_be() {
        for ty in [
            "String",
            "std::string::String",
            "u64",
            "Vec<u8>",
            "(String, u64)",
            "[u8; 4]",
            "serde_json::Value",
        ] {
            assert!(never_a_user(&syn::parse_str(ty).unwrap()), "{ty}");
        }
        for ty in ["User", "crate::models::Account", "Member<Admin>"] {
            assert!(!never_a_user(&syn::parse_str(ty).unwrap()), "{ty}");
        }
    }
}
