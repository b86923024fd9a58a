//! The expansion as text: what a valid attribute generates, and that every
//! misuse yields a compile error *and* the item, never a panic.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::lock_level;

fn expand(args: TokenStream, item: TokenStream) -> String {
    lock_level(args, item).to_string()
}

#[test]
fn level_impl_has_number_name_and_hex_rank() {
    let out = expand(
        quote!(20),
        quote!(
            struct CoinManager {
                coins: u64,
            }
        ),
    );
    assert!(
        out.contains("impl :: lockladder :: __private :: DeclareLevel for CoinManager"),
        "{out}"
    );
    assert!(out.contains("const DECLARED_NAME : & 'static str = \"CoinManager\""), "{out}");
    // 20 = 0x0014
    assert!(out.contains("rank :: X0 , :: lockladder :: __private :: rank :: X0 , :: lockladder :: __private :: rank :: X1 , :: lockladder :: __private :: rank :: X4"), "{out}");
    assert!(!out.contains("compile_error"), "{out}");
}

#[test]
fn extremes_of_the_range_map_to_their_digits() {
    let lowest = expand(
        quote!(1),
        quote!(
            enum Lowest {}
        ),
    );
    assert!(lowest.contains("rank :: X0 , :: lockladder :: __private :: rank :: X0 , :: lockladder :: __private :: rank :: X0 , :: lockladder :: __private :: rank :: X1 >"), "{lowest}");
    let highest = expand(
        quote!(65535),
        quote!(
            enum Highest {}
        ),
    );
    assert_eq!(highest.matches("rank :: XF").count(), 4, "{highest}");
}

#[test]
fn doc_line_states_the_level() {
    let out = expand(
        quote!(20),
        quote!(
            struct CoinManager;
        ),
    );
    assert!(out.contains("Lock level 20"), "{out}");
    let documented = expand(
        quote!(7),
        quote!(
            #[doc = " Coins."]
            struct CoinManager;
        ),
    );
    assert!(documented.contains("\" Coins.\""), "existing docs are kept: {documented}");
    assert!(documented.contains("Lock level 7"), "{documented}");
}

#[test]
fn generics_and_where_clauses_carry_over_to_the_impl() {
    let out = expand(
        quote!(40),
        quote!(
            struct Shard<K: Eq, V>
            where
                V: Clone,
            {
                entries: Vec<(K, V)>,
            }
        ),
    );
    assert!(
        out.contains(
            "impl < K : Eq , V > :: lockladder :: __private :: DeclareLevel for Shard < K , V > where V : Clone"
        ),
        "{out}"
    );
    assert!(out.contains("\"Shard\""), "{out}");
}

#[test]
fn hexadecimal_and_suffixed_literals_are_read_by_value() {
    assert!(
        expand(
            quote!(0x14),
            quote!(
                struct A;
            )
        )
        .contains("rank :: X0 , :: lockladder :: __private :: rank :: X0 , :: lockladder :: __private :: rank :: X1 , :: lockladder :: __private :: rank :: X4")
    );
    assert!(
        expand(
            quote!(20u16),
            quote!(
                struct A;
            )
        )
        .contains("rank :: X0 , :: lockladder :: __private :: rank :: X0 , :: lockladder :: __private :: rank :: X1 , :: lockladder :: __private :: rank :: X4")
    );
}

#[test]
fn every_misuse_is_a_compile_error_that_keeps_the_item() {
    let misuses: &[(TokenStream, TokenStream, &str)] = &[
        (
            quote!(),
            quote!(
                struct A;
            ),
            "needs the level",
        ),
        (
            quote!(0),
            quote!(
                struct A;
            ),
            "reserved for `Unlocked`",
        ),
        (
            quote!(65536),
            quote!(
                struct A;
            ),
            "out of range",
        ),
        (
            quote!(340282366920938463463374607431768211456),
            quote!(
                struct A;
            ),
            "out of range",
        ),
        (
            quote!(-5),
            quote!(
                struct A;
            ),
            "cannot be negative",
        ),
        (
            quote!("high"),
            quote!(
                struct A;
            ),
            "expected an integer literal",
        ),
        (
            quote!(LEVEL),
            quote!(
                struct A;
            ),
            "expected an integer literal",
        ),
        (
            quote!((20)),
            quote!(
                struct A;
            ),
            "expected an integer literal",
        ),
        (
            quote!(2.5),
            quote!(
                struct A;
            ),
            "expected an integer literal",
        ),
        (
            quote!(10, 20),
            quote!(
                struct A;
            ),
            "exactly one argument",
        ),
        (
            quote!(10,),
            quote!(
                struct A;
            ),
            "exactly one argument",
        ),
        (
            quote!(10 20),
            quote!(
                struct A;
            ),
            "expected",
        ),
        (
            quote!(10),
            quote!(
                fn A() {}
            ),
            "not on a function",
        ),
        (
            quote!(10),
            quote!(
                trait A {}
            ),
            "not on a trait",
        ),
        (quote!(10), quote!(impl A {}), "not on an impl block"),
        (quote!(10), quote!(union A { x: u8 }), "not on a union"),
        (
            quote!(10),
            quote!(
                #[lock_level(20)]
                struct A;
            ),
            "duplicate `#[lock_level]`",
        ),
        (
            quote!(10),
            quote!(
                #[lockladder::lock_level(20)]
                struct A;
            ),
            "duplicate `#[lock_level]`",
        ),
    ];
    for (args, item, expected) in misuses {
        let out = expand(args.clone(), item.clone());
        assert!(out.contains("compile_error"), "no error for `{args}` on `{item}`: {out}");
        assert!(out.contains(expected), "`{args}` on `{item}` should say {expected:?}: {out}");
        assert!(out.contains(" A "), "`{args}` on `{item}` dropped the item: {out}");
        assert!(!out.contains("impl :: lockladder :: Level"), "no impl on error: {out}");
    }
}

#[test]
fn two_errors_at_once_are_both_reported() {
    let out = expand(
        quote!(0),
        quote!(
            fn refund() {}
        ),
    );
    assert!(out.contains("reserved for `Unlocked`"), "{out}");
    assert!(out.contains("not on a function"), "{out}");
}

#[test]
fn unparsable_item_gives_an_error_instead_of_a_panic() {
    let out = expand(quote!(10), quote!(this is not an item));
    assert!(out.contains("compile_error"), "{out}");
}

#[test]
fn every_level_is_registered_for_the_hierarchy_by_name_only() {
    let out = expand(
        quote!(40),
        quote!(
            struct Shard<K, V> {
                entries: Vec<(K, V)>,
            }
        ),
    );
    assert!(
        out.contains(":: lockladder :: __private :: register_level ! (\"Shard\" , 40u32) ;"),
        "{out}"
    );
    let rejected = expand(
        quote!(0),
        quote!(
            struct Nothing;
        ),
    );
    assert!(!rejected.contains("register_level"), "{rejected}");
}
