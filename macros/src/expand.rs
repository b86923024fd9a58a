//! Stage three: the item, a doc line with its level, and its `Level` impl.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{Attribute, Generics, Item};

use crate::parse;
use crate::validate::{self, LeveledItem};

/// Runs the three stages. On any error the item is still emitted as written
/// (without the faulty attribute's effect), so the user sees the real error and
/// not a cascade of "no such type".
pub fn lock_level(args: TokenStream, item: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(error) => return with_errors(item, error),
    };
    let arg_level = parse::level_arg(args).and_then(|arg| validate::level(&arg));
    let mut item = match validate::item(item) {
        Ok(item) => item,
        Err(rejected) => {
            let (error, item) = *rejected;
            let error = combine(arg_level.err(), error);
            return with_errors(item.into_token_stream(), error);
        }
    };
    let duplicate = validate::single_level(attrs_mut(&mut item));
    attrs_mut(&mut item).retain(|attr| !validate::is_lock_level(attr));

    match (arg_level, duplicate) {
        (Ok(level), Ok(())) => leveled(item, level),
        (Err(error), Ok(())) | (Ok(_), Err(error)) => with_errors(item_tokens(&item), error),
        (Err(first), Err(second)) => with_errors(item_tokens(&item), combine(Some(first), second)),
    }
}

fn leveled(mut item: LeveledItem, level: u16) -> TokenStream {
    let doc = format!(
        " **Lock level {level}** (`#[lock_level({level})]`): acquire it only while \
         holding levels below {level}."
    );
    let attrs = attrs_mut(&mut item);
    if attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        attrs.push(syn::parse_quote!(#[doc = ""]));
    }
    attrs.push(syn::parse_quote!(#[doc = #doc]));

    let (ident, generics) = match &item {
        LeveledItem::Struct(item) => (&item.ident, &item.generics),
        LeveledItem::Enum(item) => (&item.ident, &item.generics),
    };
    let level_impl = level_impl(ident, generics, level);
    let registration = registration(ident, level);
    let item = item_tokens(&item);
    quote! {
        #item
        #level_impl
        #registration
    }
}

/// Registers the level for `lockladder::hierarchy()`. The macro named here
/// expands to nothing unless the facade's `hierarchy` feature is on, which this
/// crate cannot see. Generic types are registered by name only: a registration
/// is a static, and a static cannot have type parameters.
fn registration(ident: &Ident, level: u16) -> TokenStream {
    let name = ident.to_string();
    let level_u32 = u32::from(level);
    quote! {
        ::lockladder::__private::register_level!(#name, #level_u32);
    }
}

/// `impl DeclareLevel` (from which `Level` follows), with the name and the rank
/// as four hexadecimal digit types; `Level::LEVEL` is computed from the rank.
fn level_impl(ident: &Ident, generics: &Generics, level: u16) -> TokenStream {
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let name = ident.to_string();
    let digits = (0..4).rev().map(|position| {
        let digit = (level >> (4 * position)) & 0xF;
        Ident::new(&format!("X{digit:X}"), Span::call_site())
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::lockladder::__private::DeclareLevel for #ident #type_generics #where_clause {
            const DECLARED_NAME: &'static str = #name;
            type DeclaredRank = ::lockladder::__private::rank::Rank<
                #(::lockladder::__private::rank::#digits),*
            >;
        }
    }
}

fn attrs_mut(item: &mut LeveledItem) -> &mut Vec<Attribute> {
    match item {
        LeveledItem::Struct(item) => &mut item.attrs,
        LeveledItem::Enum(item) => &mut item.attrs,
    }
}

fn item_tokens(item: &LeveledItem) -> TokenStream {
    match item {
        LeveledItem::Struct(item) => item.to_token_stream(),
        LeveledItem::Enum(item) => item.to_token_stream(),
    }
}

fn combine(first: Option<syn::Error>, second: syn::Error) -> syn::Error {
    match first {
        Some(mut first) => {
            first.combine(second);
            first
        }
        None => second,
    }
}

fn with_errors(item: TokenStream, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    quote! {
        #item
        #error
    }
}
