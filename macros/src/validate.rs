//! Stage two: checks that need the parsed argument and the whole item.

use proc_macro2::{Ident, TokenStream, TokenTree};
use syn::{Attribute, Expr, ExprLit, GenericParam, Generics, Item, Lit};

use quote::ToTokens;

use crate::parse::{LevelArg, LevelSpec};
use crate::text;

/// The highest level; levels fit in 16 bits so the type-level rank is four
/// hexadecimal digits.
pub const MAX_LEVEL: u64 = 65535;

/// A struct or enum that may receive a level.
pub enum LeveledItem {
    Struct(syn::ItemStruct),
    Enum(syn::ItemEnum),
}

/// The level, checked as far as the macro can see it.
pub enum Level {
    /// A literal in `1..=65535`.
    Known(u16),
    /// `above(T)`, `below(T)`, or with a literal distance in `1..=65535`:
    /// computed on the ranks, checked by trait resolution.
    Relative(u16),
    /// A constant expression, checked when rustc evaluates it.
    Computed,
}

/// A literal level must be in `1..=65535`; a literal distance in
/// `above(T, N)` / `below(T, N)` at least 1. Everything else is a constant
/// that only rustc can evaluate, and the expansion checks it there.
pub fn level(arg: &LevelArg) -> syn::Result<Level> {
    match &arg.spec {
        LevelSpec::Literal(literal) => match literal.base10_parse::<u64>() {
            Ok(0) => Err(syn::Error::new_spanned(
                literal,
                "lock level 0 is reserved for `Unlocked`, the root token's level: \
                 levels are `1..=65535`",
            )),
            Ok(value @ 1..=MAX_LEVEL) => {
                u16::try_from(value).map(Level::Known).map_err(|_| out_of_range(literal))
            }
            _ => Err(out_of_range(literal)),
        },
        LevelSpec::Relative { distance: None, .. } => Ok(Level::Relative(1)),
        LevelSpec::Relative { direction, base, distance: Some(distance) } => {
            match literal_value(distance) {
                Some(0) => {
                    let base = text::compact(&base.to_token_stream());
                    Err(syn::Error::new_spanned(
                        distance,
                        format!(
                            "`{}({base}, 0)` is the level of `{base}` itself, and two locks \
                             of one level cannot be held together: the distance is at least 1",
                            direction.keyword()
                        ),
                    ))
                }
                Some(value @ 1..=65535) if unsuffixed(distance) => u16::try_from(value)
                    .map(Level::Relative)
                    .map_err(|_| distance_too_far(distance)),
                Some(65536..) => Err(distance_too_far(distance)),
                _ => Ok(Level::Computed),
            }
        }
        _ => Ok(Level::Computed),
    }
}

fn literal_value(expr: &Expr) -> Option<u128> {
    match expr {
        Expr::Group(group) => literal_value(&group.expr),
        Expr::Lit(ExprLit { lit: Lit::Int(literal), .. }) => literal.base10_parse().ok(),
        _ => None,
    }
}

fn unsuffixed(expr: &Expr) -> bool {
    match expr {
        Expr::Group(group) => unsuffixed(&group.expr),
        Expr::Lit(ExprLit { lit: Lit::Int(literal), .. }) => literal.suffix().is_empty(),
        _ => false,
    }
}

fn distance_too_far(distance: &Expr) -> syn::Error {
    syn::Error::new_spanned(
        distance,
        "a distance between two levels is at most 65534: levels are `1..=65535`",
    )
}

fn out_of_range(literal: &syn::LitInt) -> syn::Error {
    syn::Error::new_spanned(
        literal,
        format!("lock level `{literal}` is out of range: levels are `1..=65535`"),
    )
}

/// The item, if it is a struct or an enum; otherwise the item back, untouched,
/// with the error (boxed: an `Item` is large).
pub fn item(item: Item) -> Result<LeveledItem, Box<(syn::Error, Item)>> {
    match item {
        Item::Struct(item) => Ok(LeveledItem::Struct(item)),
        Item::Enum(item) => Ok(LeveledItem::Enum(item)),
        other => {
            let what = describe(&other);
            let error = syn::Error::new_spanned(
                item_head(&other),
                format!(
                    "`#[lock_level]` goes on a struct or an enum (the type that lives \
                     behind the lock, or an empty enum as a level marker), not on {what}"
                ),
            );
            Err(Box::new((error, other)))
        }
    }
}

/// The second `#[lock_level]` on the same type, if any: a type has one level.
pub fn single_level(attrs: &[Attribute]) -> syn::Result<()> {
    match attrs.iter().find(|attr| is_lock_level(attr)) {
        Some(duplicate) => Err(syn::Error::new_spanned(
            duplicate,
            "duplicate `#[lock_level]`: a type has exactly one level; keep one attribute",
        )),
        None => Ok(()),
    }
}

impl LeveledItem {
    /// The type's name and its generic parameters.
    pub fn ident_and_generics(&self) -> (&Ident, &Generics) {
        match self {
            LeveledItem::Struct(item) => (&item.ident, &item.generics),
            LeveledItem::Enum(item) => (&item.ident, &item.generics),
        }
    }
}

/// A level names neither the type it is on (`above(Me)` on `Me`, `Self`: a
/// cycle) nor the type's generic parameters (`above(T)` on `Wrapper<T>`: a
/// type has one level whatever its parameters). rustc would report the first
/// as an overflow in a hidden trait and the second as "cannot find type `T`
/// in this scope", about a parameter declared on that very item. Every such
/// name is reported, each at its own tokens.
pub fn own_names(arg: &LevelArg, item: &LeveledItem) -> syn::Result<()> {
    let (ident, generics) = item.ident_and_generics();
    let mut errors: Option<syn::Error> = None;
    for_each_path_start(&arg.tokens, &mut |name, lifetime| {
        let error = if !lifetime && (name == ident || name == "Self") {
            syn::Error::new_spanned(
                name,
                format!(
                    "this `#[lock_level]` is a cycle: it defines the level of `{ident}` from the \
                     level of `{ident}` itself (`{name}` here). Give `{ident}` a level of its \
                     own: an integer, or above or below another type's level"
                ),
            )
        } else if let Some(kind) = parameter_kind(generics, name, lifetime) {
            let shown = if lifetime { format!("'{name}") } else { name.to_string() };
            syn::Error::new_spanned(
                name,
                format!(
                    "a lock level cannot depend on the item's generic parameters: `{shown}` is \
                     a {kind} of `{ident}`, and every `{ident}<..>` has the one level written \
                     here. Write the level without `{shown}` (an integer, a named constant, or \
                     above or below a type that is not a parameter), or give each use its own \
                     level with a marker type: `Mutex::<{ident}<..>, Marker>::with_level(..)`"
                ),
            )
        } else {
            return;
        };
        match &mut errors {
            Some(errors) => errors.combine(error),
            None => errors = Some(error),
        }
    });
    errors.map_or(Ok(()), Err)
}

/// What `name` is among `generics`, if it is one of them.
fn parameter_kind(generics: &Generics, name: &Ident, lifetime: bool) -> Option<&'static str> {
    generics.params.iter().find_map(|param| match param {
        GenericParam::Type(param) if !lifetime && param.ident == *name => Some("type parameter"),
        GenericParam::Const(param) if !lifetime && param.ident == *name => Some("const parameter"),
        GenericParam::Lifetime(param) if lifetime && param.lifetime.ident == *name => {
            Some("lifetime parameter")
        }
        _ => None,
    })
}

/// Calls `found` with each identifier in `tokens` that can name an item of
/// the scope: the first segment of a path (not after `::` or `.`, save
/// `self::`), and each lifetime (`true`).
fn for_each_path_start(tokens: &TokenStream, found: &mut dyn FnMut(&Ident, bool)) {
    let mut previous: Vec<TokenTree> = Vec::new();
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Group(group) => for_each_path_start(&group.stream(), found),
            TokenTree::Ident(ident) => {
                let after = |text: &str| previous.last().is_some_and(|t| t.to_string() == text);
                let after_path = previous.len() >= 2
                    && previous[previous.len() - 2].to_string() == ":"
                    && after(":");
                let after_self_path = after_path
                    && previous.len() >= 3
                    && previous[previous.len() - 3].to_string() == "self"
                    && (previous.len() == 3 || !is_path_separator(&previous[previous.len() - 4]));
                if after("'") {
                    found(ident, true);
                } else if (!after_path && !after(".")) || after_self_path {
                    found(ident, false);
                }
            }
            _ => {}
        }
        previous.push(tree);
    }
}

fn is_path_separator(tree: &TokenTree) -> bool {
    matches!(tree, TokenTree::Punct(punct) if punct.as_char() == ':')
}

/// Whether an attribute is (a path ending in) `lock_level`.
pub fn is_lock_level(attr: &Attribute) -> bool {
    attr.path().segments.last().is_some_and(|segment| segment.ident == "lock_level")
}

fn describe(item: &Item) -> &'static str {
    match item {
        Item::Fn(_) => "a function",
        Item::Trait(_) | Item::TraitAlias(_) => "a trait",
        Item::Impl(_) => "an impl block",
        Item::Union(_) => "a union",
        Item::Type(_) => "a type alias",
        Item::Mod(_) => "a module",
        Item::Const(_) | Item::Static(_) => "a constant or static",
        Item::Use(_) => "a `use` declaration",
        _ => "this item",
    }
}

/// The tokens that introduce an item (up to its name), where an error reads best.
fn item_head(item: &Item) -> proc_macro2::TokenStream {
    use quote::ToTokens;
    match item {
        Item::Fn(item) => item.sig.to_token_stream(),
        Item::Trait(item) => {
            let (trait_token, ident) = (&item.trait_token, &item.ident);
            quote::quote!(#trait_token #ident)
        }
        Item::Impl(item) => {
            let (impl_token, self_ty) = (&item.impl_token, &item.self_ty);
            quote::quote!(#impl_token #self_ty)
        }
        other => other.to_token_stream(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn own_names_of(args: TokenStream, item: TokenStream) -> Result<(), String> {
        let args = crate::parse::args(args).expect("the arguments parse");
        let Ok(item) = self::item(syn::parse2(item).expect("the item parses")) else {
            panic!("a struct or enum")
        };
        own_names(&args.level, &item).map_err(|error| error.to_string())
    }

    #[test]
    fn a_name_that_only_looks_like_a_parameter_or_the_item_is_not_one() {
        // A path segment after `::`, a field or method after `.`, and a
        // lifetime named like a type parameter are other things.
        let item = quote!(
            struct Wrapper<T>(T);
        );
        assert_eq!(own_names_of(quote!(above(db::T)), item.clone()), Ok(()));
        assert_eq!(own_names_of(quote!(<db::Wrapper as Level>::LEVEL + 1), item.clone()), Ok(()));
        assert_eq!(own_names_of(quote!(LEVELS.T + 1), item.clone()), Ok(()));
        assert_eq!(own_names_of(quote!(above(Pool)), item), Ok(()));
    }

    #[test]
    fn a_parameter_or_the_item_itself_is_reported_wherever_it_is_named() {
        let item = quote!(
            struct Wrapper<'a, T, const N: u32>(&'a T);
        );
        let reported = |args| own_names_of(args, item.clone()).expect_err("reported");
        assert!(reported(quote!(above(T))).contains("`T` is a type parameter of `Wrapper`"));
        assert!(reported(quote!(N * 2)).contains("`N` is a const parameter of `Wrapper`"));
        assert!(reported(quote!(above(Cell<'a>))).contains("`'a` is a lifetime parameter"));
        assert!(reported(quote!(above(self::Wrapper))).contains("is a cycle"));
        assert!(reported(quote!(between(Pool, Self))).contains("is a cycle"));
    }
}
