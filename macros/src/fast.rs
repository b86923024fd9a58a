//! The common case without syn: `#[lock_level(N)]` with a plain decimal `N` in
//! range, on a non-generic struct or enum with no other `#[lock_level]`.
//!
//! Parsing the whole item with syn and printing it back is most of the cost of
//! the attribute, and a program with hundreds of levels pays it hundreds of
//! times per `cargo check` (see `BENCHMARKS.md`, compile time). This path only
//! looks at the tokens up to the type's name, passes the item's tokens through
//! untouched (so every span is the user's own), and emits exactly what
//! [`crate::expand::full`] emits for the same input (the tests below compare
//! the two). Anything else, every misuse included, returns `None` and takes the
//! full path with its spanned errors.

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use quote::quote;

use crate::expand;
use crate::validate::MAX_LEVEL;

/// The expansion, or `None` when the input needs the full path.
pub fn lock_level(args: &TokenStream, item: &TokenStream) -> Option<TokenStream> {
    let level = level(args)?;
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();

    // Outer attributes: `#` then `[...]`. Another `#[lock_level]` is an error that
    // the full path reports; a doc comment decides the separator line.
    let mut at = 0;
    let mut has_doc = false;
    while let (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(group))) =
        (tokens.get(at), tokens.get(at + 1))
    {
        if hash.as_char() != '#' || group.delimiter() != Delimiter::Bracket {
            return None;
        }
        let path = attr_path(group.stream());
        match path.as_slice() {
            [.., last] if last == "lock_level" => return None,
            [only] if only == "doc" => has_doc = true,
            _ => {}
        }
        at += 2;
    }
    let attrs_end = at;

    // Visibility: `pub`, optionally `pub(...)`.
    if matches!(tokens.get(at), Some(TokenTree::Ident(ident)) if ident == "pub") {
        at += 1;
        if matches!(tokens.get(at), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            at += 1;
        }
    }
    match tokens.get(at) {
        Some(TokenTree::Ident(keyword)) if keyword == "struct" || keyword == "enum" => {}
        _ => return None,
    }
    let Some(TokenTree::Ident(name)) = tokens.get(at + 1) else {
        return None;
    };
    // Generics or a where clause: the full path splits them for the impl.
    match tokens.get(at + 2) {
        Some(TokenTree::Punct(punct)) if punct.as_char() == '<' => return None,
        Some(TokenTree::Ident(ident)) if ident == "where" => return None,
        _ => {}
    }

    let (attrs, rest) = tokens.split_at(attrs_end);
    let separator = has_doc.then(|| quote!(#[doc = ""]));
    let doc = expand::level_doc(level);
    let additions = expand::additions(name, &syn::Generics::default(), level);
    Some(quote! {
        #(#attrs)*
        #separator
        #[doc = #doc]
        #(#rest)*
        #additions
    })
}

/// A lone unsuffixed decimal literal in `1..=65535`.
fn level(args: &TokenStream) -> Option<u16> {
    let mut args = args.clone().into_iter();
    let (Some(TokenTree::Literal(literal)), None) = (args.next(), args.next()) else {
        return None;
    };
    let text = literal.to_string();
    if !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 5 {
        return None;
    }
    let value: u64 = text.parse().ok()?;
    if !(1..=MAX_LEVEL).contains(&value) {
        return None;
    }
    u16::try_from(value).ok()
}

/// The segments of an attribute's path (`doc`, `derive`, `lockladder::lock_level`).
fn attr_path(attr: TokenStream) -> Vec<Ident> {
    let mut path = Vec::new();
    for token in attr {
        match token {
            TokenTree::Ident(ident) => path.push(ident),
            TokenTree::Punct(punct) if punct.as_char() == ':' => {}
            _ => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use crate::expand;

    /// The fast path takes `item` and expands it exactly as the full path does.
    fn same_as_full(args: TokenStream, item: TokenStream) {
        let fast = super::lock_level(&args, &item).expect("the fast path takes it");
        assert_eq!(fast.to_string(), expand::full(args, item).to_string());
    }

    #[test]
    fn fast_path_expands_common_types_like_the_full_path() {
        same_as_full(
            quote!(20),
            quote!(
                struct CoinManager {
                    coins: u64,
                }
            ),
        );
        same_as_full(
            quote!(1),
            quote!(
                enum Marker {}
            ),
        );
        same_as_full(
            quote!(65535),
            quote!(
                pub(crate) struct Top;
            ),
        );
        same_as_full(
            quote!(300),
            quote!(
                pub struct Pair(u8, u16);
            ),
        );
        same_as_full(
            quote!(7),
            quote!(
                /// Money owed.
                #[derive(Debug, Default)]
                pub struct Ledger {
                    owed: u64,
                }
            ),
        );
    }

    #[test]
    fn fast_path_leaves_everything_else_to_the_full_path() {
        let declined = [
            (
                quote!(20),
                quote!(
                    struct Generic<T> {
                        value: T,
                    }
                ),
            ),
            (
                quote!(20),
                quote!(
                    struct Bounded
                    where
                        u8: Copy,
                    {
                        value: u8,
                    }
                ),
            ),
            (
                quote!(20),
                quote!(
                    #[lock_level(30)]
                    struct Twice;
                ),
            ),
            (
                quote!(20),
                quote!(
                    #[lockladder::lock_level(30)]
                    struct Twice;
                ),
            ),
            (
                quote!(20),
                quote!(
                    fn not_a_type() {}
                ),
            ),
            (quote!(20), quote!(union Bits { a: u8 })),
            (
                quote!(0x14),
                quote!(
                    struct Hex;
                ),
            ),
            (
                quote!(20u16),
                quote!(
                    struct Suffixed;
                ),
            ),
            (
                quote!(0),
                quote!(
                    struct Zero;
                ),
            ),
            (
                quote!(65536),
                quote!(
                    struct TooHigh;
                ),
            ),
            (
                quote!(-1),
                quote!(
                    struct Negative;
                ),
            ),
            (
                quote!(1, 2),
                quote!(
                    struct TwoArgs;
                ),
            ),
            (
                quote!(),
                quote!(
                    struct NoArg;
                ),
            ),
            (
                quote!(x),
                quote!(
                    struct NotANumber;
                ),
            ),
        ];
        for (args, item) in declined {
            assert!(super::lock_level(&args, &item).is_none(), "took `{args}` on `{item}`");
        }
    }
}
