//! Stage three: the item, its `DeclareLevel` impl (from which `Level` follows)
//! and its registration for the hierarchy picture.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Attribute, Expr, Generics, Item, Type};

use crate::manifest;
use crate::parse::{self, Args, Direction, LevelSpec};
use crate::text;
use crate::validate::{self, Level, LeveledItem};

/// Runs the three stages. On any error the item is still emitted as written
/// (without the faulty attribute's effect), so the user sees the real error and
/// not a cascade of "no such type".
pub fn lock_level(args: TokenStream, item: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(item.clone()) {
        Ok(item) => item,
        // rustc parses the item too and reports the syntax error itself: handing
        // the tokens back unchanged, without an error of ours, says it once.
        Err(_) => return item,
    };
    let args = parse::args(args).and_then(|args| {
        let level = validate::level(&args.level)?;
        Ok((args, level))
    });
    let mut item = match validate::item(item) {
        Ok(item) => item,
        Err(rejected) => {
            let (error, item) = *rejected;
            let error = combine(args.err(), error);
            return with_errors(item.into_token_stream(), error);
        }
    };
    let args = args.and_then(|(args, level)| {
        validate::own_names(&args.level, &item)?;
        Ok((args, level))
    });
    let duplicate = validate::single_level(attrs_mut(&mut item));
    attrs_mut(&mut item).retain(|attr| !validate::is_lock_level(attr));

    match (args, duplicate) {
        (Ok((args, level)), Ok(())) => leveled(item, &args, level),
        (Err(error), Ok(())) | (Ok(_), Err(error)) => with_errors(item_tokens(&item), error),
        (Err(first), Err(second)) => with_errors(item_tokens(&item), combine(Some(first), second)),
    }
}

fn leveled(mut item: LeveledItem, args: &Args, level: Level) -> TokenStream {
    let krate = match &args.krate {
        Some(path) => path.to_token_stream(),
        None => match manifest::renamed_lockladder() {
            Some(renamed) => return with_errors(item_tokens(&item), renamed_error(renamed)),
            None => quote!(::lockladder),
        },
    };
    let written = text::compact(&args.level.tokens);
    let public = matches!(
        &item,
        LeveledItem::Struct(syn::ItemStruct { vis: syn::Visibility::Public(_), .. })
            | LeveledItem::Enum(syn::ItemEnum { vis: syn::Visibility::Public(_), .. })
    );
    let type_name = {
        let (ident, generics) = item.ident_and_generics();
        if generics.params.is_empty() { ident.to_string() } else { format!("{ident}<..>") }
    };
    document_level(attrs_mut(&mut item), public, (&level, &args.level.spec), &type_name, &written);

    let (ident, generics, vis) = match &item {
        LeveledItem::Struct(item) => (&item.ident, &item.generics, &item.vis),
        LeveledItem::Enum(item) => (&item.ident, &item.generics, &item.vis),
    };
    let item_tokens = item_tokens(&item);
    let expansion = Expansion { krate: &krate, ident, generics, written: &written };
    let level_and_registration = match (level, &args.level.spec) {
        (Level::Known(level), _) => expansion.literal(level),
        (Level::Relative(distance), LevelSpec::Relative { direction, base, .. }) => {
            expansion.relative(&args.level.tokens, *direction, (base, distance), vis)
        }
        // Every spelling has a value; the constant path computes any of them.
        _ => expansion.computed(&args.level),
    };
    quote! {
        #item_tokens
        #level_and_registration
    }
}

/// What the three kinds of level share: the crate path, the type, the level as written.
struct Expansion<'a> {
    krate: &'a TokenStream,
    ident: &'a Ident,
    generics: &'a Generics,
    written: &'a str,
}

impl Expansion<'_> {
    /// A literal: its rank spelled out, no constant evaluation at all.
    fn literal(&self, level: u16) -> TokenStream {
        let Expansion { krate, ident, generics, .. } = self;
        let name = ident.to_string();
        let level_impl = level_impl(krate, ident, generics, &literal_rank(krate, level));
        let level = u32::from(level);
        let registration = registration(krate, || quote!(#name, #level));
        quote! {
            #level_impl
            #registration
        }
    }

    /// `above(T, N)` / `below(T, N)` with a literal `N`: the rank is `T`'s rank
    /// plus `N` (or plus `0x10000 - N`, see `rank::Minus`), by trait resolution,
    /// and a result out of range is a trait error at the attribute.
    fn relative(
        &self,
        tokens: &TokenStream,
        direction: Direction,
        (base, distance): (&Type, u16),
        vis: &syn::Visibility,
    ) -> TokenStream {
        let Expansion { krate, ident, generics, written } = self;
        // Every token of the rank and of its item at the argument's first
        // span: rustc finds a missing base level or an out-of-range result in
        // several places (the item, the type, the trait in it) and reports the
        // same error at the same place once.
        let span = first_span(tokens);
        // `above` can only leave the range at the top, `below` at the bottom:
        // one check each, whose trait names the end in its error.
        let (alias, operand, check) = match direction {
            Direction::Above => (quote!(Plus), distance, quote!(NotAboveHighest)),
            Direction::Below => (quote!(Minus), distance.wrapping_neg(), quote!(NotBelowLowest)),
        };
        let rank = |krate: &TokenStream| {
            let private = quote_spanned!(span=> #krate::__private::rank);
            let operand = literal_rank(krate, operand);
            quote_spanned! {span=>
                <#private::#alias<<#base as #private::RelativeBase>::BaseRank, #operand>
                    as #private::#check>::Rank
            }
        };
        let name = ident.to_string();
        // The bound that makes a cycle of levels an error in our words; on
        // the impl that `Level` follows from (see `base_bounds`).
        let bounds = base_bounds(krate, &[base]);
        if generics.params.is_empty() {
            let level_impl =
                level_impl_spanned(krate, ident, generics, (&rank(krate), span), &bounds);
            // The registration reads a copy of the rank, not the type's own
            // `LEVEL`, which needs the bound: with a base without a level,
            // that would report the base a second time. Every token of the
            // copy is at the argument, so an error it meets is the impl's, at
            // the same place, which rustc shows once.
            let registration = registration(krate, || {
                let krate = respanned(krate, span);
                let rank = rank(&krate);
                let level =
                    quote_spanned!(span=> <#rank as #krate::__private::rank::IsRank>::VALUE);
                quote!(#name, #level, #written)
            });
            return quote! {
                #level_impl
                #registration
            };
        }
        // A generic type cannot be named here without its parameters: a
        // non-generic marker in an anonymous constant carries the rank, the
        // type's impl (with the bound) takes it from there, and the
        // registration reads the marker's `LEVEL`, which needs no bound.
        let marker = Ident::new("__LockladderLevelMarker", span);
        let marker_impl = level_impl_spanned(
            krate,
            &marker,
            &Generics::default(),
            (&rank(krate), span),
            &TokenStream::new(),
        );
        let type_rank =
            quote_spanned!(span=> <#marker as #krate::__private::DeclareLevel>::DeclaredRank);
        let level_impl = level_impl_spanned(krate, ident, generics, (&type_rank, span), &bounds);
        let registration =
            registration(krate, || quote!(#name, <#marker as #krate::Level>::LEVEL, #written));
        quote! {
            const _: () = {
                // As visible as the type: it appears in the type's impl (a
                // less visible marker there is E0446), and its own impl
                // names the base (a marker more visible than the base is
                // E0446 too). Inside this block nothing outside can name it.
                #vis enum #marker {}
                #marker_impl
                #level_impl
                #registration
            };
        }
    }

    /// Any other level: one anonymous constant holds the computed level next to
    /// the impl that uses it. It is not generic (the level of a generic type
    /// does not depend on its parameters), so rustc evaluates it in
    /// `cargo check`, and a level out of range fails there, at the attribute.
    fn computed(&self, arg: &parse::LevelArg) -> TokenStream {
        let Expansion { krate, ident, generics, written } = self;
        let value = computed_level(krate, arg, written);
        let bases = match &arg.spec {
            LevelSpec::Relative { base, .. } => vec![&**base],
            LevelSpec::Between { low, high } => vec![&**low, &**high],
            LevelSpec::Literal(_) | LevelSpec::Expr(_) => Vec::new(),
        };
        let level_impl = level_impl_spanned(
            krate,
            ident,
            generics,
            (&computed_rank(krate), Span::call_site()),
            &base_bounds(krate, &bases),
        );
        let name = ident.to_string();
        let registration = registration(krate, || quote!(#name, __LOCKLADDER_LEVEL, #written));
        quote! {
            const _: () = {
                const __LOCKLADDER_LEVEL: u32 = #value;
                #level_impl
                #registration
            };
        }
    }
}

/// The level's registration for `lockladder::hierarchy()`,
/// `register_level!(args)`, with the `hierarchy` feature, which
/// `lockladder/hierarchy` turns on here and in the runtime. Without it the
/// runtime's macro would discard the registration unread, and its tokens
/// (every one crosses the proc-macro bridge) would only cost compile time:
/// 3% of `cargo check` for a crate of level declarations.
fn registration(krate: &TokenStream, args: impl FnOnce() -> TokenStream) -> TokenStream {
    if cfg!(feature = "hierarchy") {
        let args = args();
        quote!(#krate::__private::register_level!(#args);)
    } else {
        TokenStream::new()
    }
}

/// What a crate that renamed the dependency is told, instead of rustc's
/// "unresolved crate `lockladder`" on every generated path.
fn renamed_error(renamed: &str) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!(
            "this crate depends on `lockladder` under the name `{renamed}`, and \
             `#[lock_level]` names `::lockladder` unless told otherwise: add \
             `crate = {renamed}`, as in `#[lock_level(20, crate = {renamed})]`"
        ),
    )
}

/// Adds the level to the type's docs, so hovering it (rust-analyzer) and its
/// rustdoc page show the level: the number for a literal; for any other level,
/// what the macro knows of it (the base and the distance, or the expression)
/// and where the number is shown, since only rustc computes it.
///
/// An undocumented `pub` type gets its line under `cfg(doc)` only: a doc
/// line in a normal build would silence `missing_docs` (which checks only
/// `pub` items), and rust-analyzer's own `cfg(rust_analyzer)` would make
/// rustc warn `unexpected_cfgs` in the user's crate. So rustdoc shows its
/// level, rust-analyzer's hover does not until the type has docs.
fn document_level(
    attrs: &mut Vec<Attribute>,
    public: bool,
    (level, spec): (&Level, &LevelSpec),
    type_name: &str,
    written: &str,
) {
    let documented = attrs
        .iter()
        .any(|attr| attr.path().is_ident("doc") && matches!(attr.meta, syn::Meta::NameValue(_)));
    let computed = format!(
        "Only rustc computes its number: it is \
         `<{type_name} as lockladder::Level>::LEVEL`, listed by `lockladder::hierarchy()` \
         (feature `hierarchy`) and printed in `lockdep` reports. Acquire it only while \
         holding levels below it."
    );
    let doc = match (level, spec) {
        (Level::Known(level), _) => format!(
            " **Lock level {level}** (`#[lock_level({written})]`): acquire it only while \
             holding levels below {level}."
        ),
        (_, LevelSpec::Relative { direction, base, distance }) => {
            let base = text::compact(&base.to_token_stream());
            let distance = distance.as_ref().map_or_else(
                || "1".to_owned(),
                |distance| text::compact(&distance.to_token_stream()),
            );
            format!(
                " **Lock level `{written}`**: {distance} {} the level of `{base}`. {computed}",
                direction.keyword()
            )
        }
        (_, LevelSpec::Between { low, high }) => format!(
            " **Lock level `{written}`**: the middle of the free levels strictly between \
             `{}` and `{}`. {computed}",
            text::compact(&low.to_token_stream()),
            text::compact(&high.to_token_stream())
        ),
        _ => format!(" **Lock level `{written}`**: a constant expression. {computed}"),
    };
    if !documented && public {
        attrs.push(syn::parse_quote!(#[cfg_attr(doc, doc = #doc)]));
        return;
    }
    attrs.push(syn::parse_quote!(#[doc = ""]));
    attrs.push(syn::parse_quote!(#[doc = #doc]));
}

/// `for<'l> Base: LevelNotDefinedInACycle,` for each base of a relative level,
/// for the `DeclareLevel` impl's where clause: rustc then proves a base's
/// `DeclareLevel`, where clauses included, while it computes the rank, so a
/// cycle of relative levels (`A` above `B`, `B` above `A`) is a cycle of trait
/// obligations, reported at each attribute as "overflow evaluating the
/// requirement `B: LevelNotDefinedInACycle`", required for `A`: the types and
/// the word. Without it rustc finds the cycle in the hidden rank and reports
/// `<A as DeclareLevel>::DeclaredRank == _`, or a constant-evaluation cycle.
///
/// The binder is what keeps a base without a level reported once: rustc
/// checks a where clause without parameters at the impl ("trivially false"),
/// which would say "`B` has no lock level" a second time, but skips those
/// with a binder. Its lifetime has the macro's span, so `unused_lifetimes`
/// does not take it for the user's.
///
/// It costs compile time (rustc instructions of `cargo check`, 100 levels,
/// 200 lock sites): +0.5% with every second level `above` a literal one,
/// +5.6% for those declarations without lock sites (rustc checks the rank of
/// an impl with a where clause apart from the caches the other levels share),
/// +4.8% with chains of 29 relative levels (each step of a chain that rustc
/// walks to normalize a rank brings its where clause; any where clause costs
/// +3.9% there). A where clause on a second item instead (the marker of a
/// generic type, or an impl of this trait per level) left rustc's overflow of
/// the hidden rank reported beside it, or cost more.
fn base_bounds(krate: &TokenStream, bases: &[&Type]) -> TokenStream {
    let binder = syn::Lifetime::new("'__lockladder", Span::call_site());
    quote!(#(for<#binder> #bases: #krate::__private::LevelNotDefinedInACycle,)*)
}

/// `impl DeclareLevel` with the name and the rank. `Level` follows from it, and
/// `Level::LEVEL` is computed from the rank, so whatever the rank says is the level.
fn level_impl(
    krate: &TokenStream,
    ident: &Ident,
    generics: &Generics,
    rank: &TokenStream,
) -> TokenStream {
    level_impl_spanned(krate, ident, generics, (rank, Span::call_site()), &TokenStream::new())
}

/// [`level_impl`] with the rank's item at `span`: an error in a computed rank
/// is then reported there (at the attribute's argument), and rustc's checks of
/// the item and of the type in it, which find the same error, report it at one
/// place, once.
fn level_impl_spanned(
    krate: &TokenStream,
    ident: &Ident,
    generics: &Generics,
    (rank, span): (&TokenStream, Span),
    base_bounds: &TokenStream,
) -> TokenStream {
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let name = ident.to_string();
    let rank_item = quote_spanned!(span=> type DeclaredRank = #rank;);
    let where_clause = match (where_clause, base_bounds.is_empty()) {
        (where_clause, true) => quote!(#where_clause),
        (None, false) => quote!(where #base_bounds),
        (Some(clause), false) => {
            let predicates = clause.predicates.iter();
            quote!(where #(#predicates,)* #base_bounds)
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::DeclareLevel for #ident #type_generics #where_clause {
            const DECLARED_NAME: &'static str = #name;
            #rank_item
        }
    }
}

/// A literal's rank, spelled out digit by digit: no constant evaluation at all.
fn literal_rank(krate: &TokenStream, level: u16) -> TokenStream {
    let digits = (0..4).rev().map(|position| {
        let digit = (level >> (4 * position)) & 0xF;
        Ident::new(&format!("X{digit:X}"), Span::call_site())
    });
    quote!(#krate::__private::rank::Rank<#(#krate::__private::rank::#digits),*>)
}

/// The rank of `__LOCKLADDER_LEVEL`: its two bytes, each picked by an
/// anonymous constant, `Byte<{ LEVEL >> 8 }>`, from a 256-entry table.
fn computed_rank(krate: &TokenStream) -> TokenStream {
    quote!(#krate::__private::rank::Bytes<
        #krate::__private::rank::Byte<{ __LOCKLADDER_LEVEL >> 8 }>,
        #krate::__private::rank::Byte<{ __LOCKLADDER_LEVEL & 0xFF }>,
    >)
}

/// The block that computes a non-literal level as a `u32` in `1..=65535`, or
/// fails constant evaluation with a message in our words at the attribute.
fn computed_level(krate: &TokenStream, arg: &parse::LevelArg, written: &str) -> TokenStream {
    let span = (first_span(&arg.tokens), last_span(&arg.tokens));
    let private = quote!(#krate::__private::rank);
    let value = match &arg.spec {
        // `validate::level` sends literals the direct way; as a value it is exact too.
        LevelSpec::Literal(literal) => quote!(#literal as i128),
        LevelSpec::Expr(expr) => integer(&private, expr),
        LevelSpec::Relative { direction, base, distance } => {
            let base_level = base_level(&private, base);
            let distance = match distance {
                Some(distance) => {
                    let value = integer(&private, distance);
                    let message = format!(
                        "in `#[lock_level({written})]`, the distance must be at least 1: \
                         a distance of 0 or less is not {} `{}`",
                        direction.keyword(),
                        text::compact(&base.to_token_stream())
                    );
                    let fail = fail(span, &message);
                    quote!({
                        let distance: i128 = #value;
                        if distance < 1 { #fail }
                        distance
                    })
                }
                None => quote!(1i128),
            };
            match direction {
                Direction::Above => quote!(#base_level + #distance),
                Direction::Below => quote!(#base_level - #distance),
            }
        }
        LevelSpec::Between { low, high } => {
            let (low_name, high_name) =
                (text::compact(&low.to_token_stream()), text::compact(&high.to_token_stream()));
            let (low, high) = (base_level(&private, low), base_level(&private, high));
            let message = format!(
                "`#[lock_level({written})]`: there is no free level strictly between \
                 `{low_name}` and `{high_name}` (the second must be at least 2 above the first)"
            );
            let fail = fail(span, &message);
            quote!({
                let low: i128 = #low;
                let high: i128 = #high;
                if high - low < 2 { #fail }
                low + (high - low) / 2
            })
        }
    };
    let below = format!(
        "lock level `{written}` is out of range: it is below 1 (levels are `1..=65535`; \
         0 is `Unlocked`, the root token's level)"
    );
    let above = format!(
        "lock level `{written}` is out of range: it is above 65535, the highest level \
         (levels are `1..=65535`)"
    );
    // Inline `panic!`s, not a call to a checking `const fn` (which compiles a
    // little faster): the error then points at the argument alone, without a
    // note about the inside of our function.
    let (below, above) = (fail(span, &below), fail(span, &above));
    quote!({
        let level: i128 = #value;
        if level < 1 { #below }
        if level > 65535 { #above }
        level as u32
    })
}

/// An integer constant as an `i128`, exact for every integer type, after a
/// check that it is an integer at all (a float, a bool or a string is
/// rejected there, at the expression, in our words). Only the user's tokens
/// keep their spans: lints (`unused_parens`, clippy's casts) never see the
/// generated ones as the user's code.
fn integer(private: &TokenStream, expr: &Expr) -> TokenStream {
    quote!(#private::integer(#expr) as i128)
}

/// The level of the type a relative level names; "has no lock level" otherwise.
fn base_level(private: &TokenStream, base: &Type) -> TokenStream {
    quote!(<#base as #private::RelativeBase>::BASE_LEVEL as i128)
}

/// A constant-evaluation failure with our message, placed at the argument:
/// the call's first token carries the argument's first span and its
/// parentheses the last one, so rustc underlines the whole argument.
fn fail((first, last): (Span, Span), message: &str) -> TokenStream {
    let mut arguments = Group::new(Delimiter::Parenthesis, quote!(#message));
    arguments.set_span(last);
    quote_spanned!(first=> ::core::panic! #arguments)
}

/// The tokens with every span, groups' included, set to `span`.
fn respanned(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut inner = Group::new(group.delimiter(), respanned(&group.stream(), span));
                inner.set_span(span);
                tree = TokenTree::Group(inner);
            }
            tree.set_span(span);
            tree
        })
        .collect()
}

fn last_span(tokens: &TokenStream) -> Span {
    tokens.clone().into_iter().last().map_or_else(Span::call_site, |tree| match tree {
        TokenTree::Group(group) => group.span_close(),
        other => other.span(),
    })
}

fn first_span(tokens: &TokenStream) -> Span {
    tokens.clone().into_iter().next().map_or_else(Span::call_site, |tree| match tree {
        TokenTree::Group(group) => group.span_open(),
        other => other.span(),
    })
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
