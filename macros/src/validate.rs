//! Stage two: checks that need the parsed argument and the whole item.

use syn::{Attribute, Expr, ExprLit, Item, Lit};

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
