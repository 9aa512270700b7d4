//! The fields of a `#[derive(UserMixin)]` struct and their `#[user(...)]` keys: parsed with
//! darling, after the two mistakes darling cannot word well are taken out (a bare `#[user]`,
//! Flask-Login's `is_active` key); and the choice of the activity flag, which must never be a
//! silent guess.

use darling::FromField;
use darling::error::Accumulator;
use syn::punctuated::Punctuated;
use syn::{Field, FieldsNamed, Ident, Meta, Token, Type};

use crate::args::Switch;
use crate::signature::tidy;

/// One field and its `#[user(...)]` keys.
#[derive(FromField)]
#[darling(attributes(user))]
pub(crate) struct UserField {
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: Type,
    #[darling(default)]
    pub(crate) id: Switch,
    #[darling(default)]
    pub(crate) active: Switch,
    #[darling(default)]
    pub(crate) auth_hash: Switch,
    #[darling(default)]
    pub(crate) permissions: Switch,
    /// Not the activity flag (nor the id) even though its name says so.
    #[darling(default)]
    pub(crate) skip: Switch,
}

impl UserField {
    pub(crate) fn name(&self) -> String {
        self.ident.as_ref().map_or_else(String::new, Ident::to_string)
    }

    fn keys(&self) -> impl Iterator<Item = (&'static str, &Switch)> {
        [
            ("id", &self.id),
            ("active", &self.active),
            ("auth_hash", &self.auth_hash),
            ("permissions", &self.permissions),
        ]
        .into_iter()
        .filter(|(_, s)| s.is_present())
    }
}

/// Parses every field, collecting every error.
pub(crate) fn parse_fields(acc: &mut Accumulator, named: &FieldsNamed) -> Vec<UserField> {
    named
        .named
        .iter()
        .filter_map(|f| {
            let field = take_out_mistakes(acc, f);
            let parsed = acc.handle(UserField::from_field(&field))?;
            if let (true, Some((key, _))) = (parsed.skip.is_present(), parsed.keys().next()) {
                acc.push(
                    darling::Error::custom(format!(
                        "`skip` says this field is read by nothing, and `{key}` that it is: keep one of the two"
                    ))
                    .with_span(&parsed.skip.span()),
                );
            }
            Some(parsed)
        })
        .collect()
}

/// Reports a bare `#[user]` and the `is_active` key, and returns the field without them, so
/// darling neither misreads the first nor offers `is_active` among the keys it knows.
fn take_out_mistakes(acc: &mut Accumulator, field: &Field) -> Field {
    let mut field = field.clone();
    let name = field.ident.as_ref().map_or_else(String::new, Ident::to_string);
    let ty = field.ty.clone();
    field.attrs.retain_mut(|attr| {
        if !attr.path().is_ident("user") {
            return true;
        }
        match &attr.meta {
            Meta::Path(_) => {
                acc.push(darling::Error::custom(bare_user(&name, &ty)).with_span(attr.path()));
                false
            }
            Meta::List(list) => {
                let Ok(keys) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                else {
                    return true;
                };
                let (wrong, kept): (Vec<Meta>, Vec<Meta>) =
                    keys.into_iter().partition(|k| k.path().is_ident("is_active"));
                for key in &wrong {
                    acc.push(
                        darling::Error::custom(
                            "the key is `active`: write `#[user(active)]` (the generated method is `is_active`)",
                        )
                        .with_span(key),
                    );
                }
                if !wrong.is_empty() {
                    *attr = syn::parse_quote!(#[user(#(#kept),*)]);
                }
                true
            }
            Meta::NameValue(_) => true,
        }
    });
    field
}

/// The error for a bare `#[user]`, with the key the field most likely needed.
fn bare_user(name: &str, ty: &Type) -> String {
    if is_bool(ty) {
        format!(
            "`#[user]` needs a key, and without one it is ignored: write `#[user(active)]` if `{name}` says whether the account may log in (`is_active` returns it), or remove the attribute"
        )
    } else {
        format!(
            "`#[user]` needs a key, and without one it is ignored: write `#[user(id)]` if `{name}` identifies the user, `#[user(auth_hash)]` if it changes with the password, `#[user(permissions)]` if it holds the permissions, or remove the attribute"
        )
    }
}

/// The field `is_active` returns: the one marked `#[user(active)]`, else an unmarked `bool`
/// named `active` or `is_active`. An unmarked field of that name that is not a plain `bool`
/// (an `Option<bool>` would make `Some(false)` active), or two of them, is an error: which
/// accounts may log in is never guessed.
pub(crate) fn activity_flag<'a>(
    acc: &mut Accumulator,
    marked: Option<&'a UserField>,
    fields: &'a [UserField],
) -> Option<&'a UserField> {
    if marked.is_some() {
        return marked;
    }
    let named: Vec<&UserField> = fields
        .iter()
        .filter(|f| !f.skip.is_present() && f.keys().next().is_none())
        .filter(|f| {
            f.ident
                .as_ref()
                .is_some_and(|i| i == "active" || i == "is_active")
        })
        .collect();
    match named.as_slice() {
        [] => None,
        [one] if is_bool(&one.ty) => Some(one),
        [one] => {
            acc.push(
                darling::Error::custom(format!(
                    "a field named `{name}` is read as the activity flag only when it is a `bool`, and this one is a `{ty}`: make it `{name}: bool` (`is_active` returns it), or implement `UserMixin::is_active` by hand, or mark it `#[user(skip)]` if it does not say whether the account may log in",
                    name = one.name(),
                    ty = tidy(&one.ty),
                ))
                .with_span(&one.ty),
            );
            None
        }
        [first, second, ..] => {
            acc.push(
                darling::Error::custom(format!(
                    "`{}` and `{}` both look like the activity flag, and only one can be what `is_active` returns: mark that one `#[user(active)]` and the other `#[user(skip)]`",
                    first.name(),
                    second.name()
                ))
                .with_span(&second.ident),
            );
            None
        }
    }
}

pub(crate) fn is_bool(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "bool" && s.arguments.is_none()))
}
