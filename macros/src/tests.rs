//! The expansion as text: what a valid attribute generates, and that every
//! misuse yields a compile error *and* the item, never a panic.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::lock_level;

fn expand(args: TokenStream, item: TokenStream) -> String {
    lock_level(args, item).to_string()
}

/// Whether `out` registers its level as `registration` says: with the
/// `hierarchy` feature (`lockladder/hierarchy` sets it here); without it the
/// expansion registers nothing (the runtime would discard it unread).
fn registers(out: &str, registration: &str) -> bool {
    if cfg!(feature = "hierarchy") {
        out.contains(registration)
    } else {
        !out.contains("register_level")
    }
}

/// The four digit types of a literal level, as the expansion spells them.
fn digits(level: u16) -> String {
    let digits: Vec<String> = (0..4)
        .rev()
        .map(|p| format!(":: lockladder :: __private :: rank :: X{:X}", (level >> (4 * p)) & 0xF))
        .collect();
    format!(":: lockladder :: __private :: rank :: Rank < {} >", digits.join(" , "))
}

#[test]
fn literal_level_declares_name_and_hex_rank() {
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
    assert!(out.contains(&format!("type DeclaredRank = {} ;", digits(20))), "{out}");
    // A literal needs no constant evaluation: no `Byte<{ .. }>` lookup.
    assert!(!out.contains("Byte"), "{out}");
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
    assert!(lowest.contains(&digits(1)), "{lowest}");
    let highest = expand(
        quote!(65535),
        quote!(
            enum Highest {}
        ),
    );
    assert!(highest.contains(&digits(65535)), "{highest}");
}

#[test]
fn documented_types_get_a_doc_line_and_undocumented_public_ones_one_for_rustdoc_only() {
    let documented = expand(
        quote!(7),
        quote!(
            #[doc = " Coins."]
            struct CoinManager;
        ),
    );
    assert!(documented.contains("\" Coins.\""), "existing docs are kept: {documented}");
    assert!(documented.contains("Lock level 7"), "{documented}");
    // No docs of its own: a doc line in a normal build would silence
    // `missing_docs`; under `cfg(doc)` it is seen by rustdoc alone.
    let undocumented = expand(
        quote!(20),
        quote!(
            pub struct CoinManager;
        ),
    );
    assert!(!undocumented.contains("# [doc"), "{undocumented}");
    assert!(
        undocumented.contains("# [cfg_attr (doc , doc = \" **Lock level 20**"),
        "{undocumented}"
    );
    // `#[doc(hidden)]` and `#[doc(alias)]` are not documentation either.
    let hidden = expand(
        quote!(20),
        quote!(
            #[doc(alias = "coins")]
            pub struct CoinManager;
        ),
    );
    assert!(!hidden.contains("# [doc = "), "{hidden}");
    assert!(hidden.contains("# [cfg_attr (doc , doc ="), "{hidden}");
    let computed = expand(
        quote!(above(db::Pool)),
        quote!(
            #[doc = " Cache."]
            pub struct Cache;
        ),
    );
    assert!(computed.contains("# [doc = \" **Lock level `above(db::Pool)`**"), "{computed}");
}

#[test]
fn a_level_the_macro_cannot_number_says_where_its_number_is_shown() {
    for (args, item, level) in [
        (
            quote!(above(db::Pool)),
            quote!(
                struct Cache;
            ),
            "<Cache as lockladder::Level>::LEVEL",
        ),
        (
            quote!(between(db::Pool, db::Conn)),
            quote!(
                struct Shard<K>(K);
            ),
            "<Shard<..> as lockladder::Level>::LEVEL",
        ),
        (
            quote!(BASE * 3),
            quote!(
                enum Marker {}
            ),
            "<Marker as lockladder::Level>::LEVEL",
        ),
    ] {
        let out = expand(args, item);
        assert!(out.contains(&format!("Only rustc computes its number: it is `{level}`")), "{out}");
        assert!(out.contains("lockladder::hierarchy()"), "{out}");
    }
    // A literal's number is in the docs; nothing is left to look up.
    let literal = expand(
        quote!(20),
        quote!(
            struct Pool;
        ),
    );
    assert!(literal.contains("**Lock level 20**"), "{literal}");
    assert!(!literal.contains("Only rustc"), "{literal}");
}

#[test]
fn generics_and_where_clauses_carry_over_to_the_impl() {
    for args in [quote!(40), quote!(BASE + 40)] {
        let out = expand(
            args,
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
}

#[test]
fn literals_are_read_by_value_and_integer_suffixes_that_fit_are_accepted() {
    for (args, level) in [
        (quote!(0x14), 20),
        (quote!(0b1_0100), 20),
        (quote!(20u16), 20),
        (quote!(255u8), 255),
        (quote!(65535i32), 65535),
        (quote!(1_000usize), 1000),
    ] {
        let out = expand(
            args.clone(),
            quote!(
                struct A;
            ),
        );
        assert!(out.contains(&digits(level)), "`{args}`: {out}");
        assert!(!out.contains("compile_error"), "`{args}`: {out}");
    }
}

/// `macro_rules!` passes `$level:literal` / `$level:expr` in an invisible group.
fn invisible(tokens: TokenStream) -> TokenStream {
    let group = proc_macro2::Group::new(proc_macro2::Delimiter::None, tokens);
    std::iter::once(proc_macro2::TokenTree::Group(group)).collect()
}

#[test]
fn a_level_in_an_invisible_group_expands_as_if_written_inline() {
    let item = quote!(
        struct A;
    );
    assert_eq!(expand(invisible(quote!(24)), item.clone()), expand(quote!(24), item.clone()));
    assert_eq!(
        expand(invisible(quote!(BASE + 2)), item.clone()),
        expand(quote!(BASE + 2), item.clone())
    );
    let mut with_crate = invisible(quote!(24));
    with_crate.extend(quote!(, crate = ll));
    assert_eq!(expand(with_crate, item.clone()), expand(quote!(24, crate = ll), item.clone()));
    // A nested group (`$n:literal` forwarded through a second macro) too.
    assert_eq!(expand(invisible(invisible(quote!(24))), item.clone()), expand(quote!(24), item));
    let negative = expand(
        invisible(quote!(-5)),
        quote!(
            struct A;
        ),
    );
    assert!(negative.contains("cannot be negative"), "{negative}");
}

#[test]
fn computed_level_is_one_checked_constant_turned_into_digits() {
    let out = expand(
        quote!(BASE + 10),
        quote!(
            struct Accounts;
        ),
    );
    assert!(out.contains("const _ : () = {"), "{out}");
    assert!(out.contains("const __LOCKLADDER_LEVEL : u32 ="), "{out}");
    assert!(
        out.contains(":: lockladder :: __private :: rank :: integer (BASE + 10) as i128"),
        "{out}"
    );
    assert!(out.contains("is out of range: it is below 1"), "{out}");
    assert!(out.contains("is out of range: it is above 65535"), "{out}");
    for byte in ["Byte < { __LOCKLADDER_LEVEL >> 8 } >", "Byte < { __LOCKLADDER_LEVEL & 0xFF } >"] {
        assert!(out.contains(byte), "{byte} in {out}");
    }
    assert!(
        out.contains("type DeclaredRank = :: lockladder :: __private :: rank :: Bytes <"),
        "{out}"
    );
    assert!(
        registers(
            &out,
            ":: lockladder :: __private :: register_level ! (\"Accounts\" , __LOCKLADDER_LEVEL , \"BASE + 10\")"
        ),
        "{out}"
    );
}

#[test]
fn relative_levels_with_a_literal_distance_are_computed_on_ranks() {
    let base_rank =
        "< db :: Pool as :: lockladder :: __private :: rank :: RelativeBase > :: BaseRank";
    let (above, below) = ("NotAboveHighest", "NotBelowLowest");
    for (args, alias, operand, check, written) in [
        (quote!(above(db::Pool)), "Plus", 1u16, above, "above(db::Pool)"),
        (quote!(above(db::Pool, 5)), "Plus", 5, above, "above(db::Pool, 5)"),
        // `below(T, N)` adds the complement `0x10000 - N`.
        (quote!(below(db::Pool)), "Minus", 0xFFFF, below, "below(db::Pool)"),
        (quote!(below(db::Pool, 0x10)), "Minus", 0xFFF0, below, "below(db::Pool, 0x10)"),
    ] {
        let out = expand(
            args.clone(),
            quote!(
                struct Cache;
            ),
        );
        let rank_type = format!(
            "< :: lockladder :: __private :: rank :: {alias} < {base_rank} , {} > as :: lockladder :: __private :: rank :: {check} > :: Rank",
            digits(operand)
        );
        let rank = format!("type DeclaredRank = {rank_type} ;");
        // `<<` prints joint; compare it as two tokens.
        let out = out.replace("<<", "< <");
        assert!(out.contains(&rank), "`{args}`: {rank} in {out}");
        // Registered with the value of a copy of that rank (the type's
        // `LEVEL` needs the bound on the base, which would report a base
        // without a level a second time).
        let registered = format!(
            "register_level ! (\"Cache\" , < {rank_type} as :: lockladder :: __private :: rank :: IsRank > :: VALUE , \"{written}\")"
        );
        assert!(registers(&out, &registered), "`{args}`: {registered} in {out}");
        // No constant to evaluate, no anonymous constant block.
        assert!(!out.contains("const _"), "`{args}`: {out}");
        assert!(!out.contains("compile_error"), "`{args}`: {out}");
    }
}

#[test]
fn relative_levels_with_a_constant_distance_are_evaluated() {
    let base = "< db :: Pool as :: lockladder :: __private :: rank :: RelativeBase > :: BASE_LEVEL as i128";
    for (args, arithmetic, written) in [
        (quote!(above(db::Pool, 5u8)), format!("{base} + {{"), "above(db::Pool, 5u8)"),
        (quote!(below(db::Pool, GAP)), format!("{base} - {{"), "below(db::Pool, GAP)"),
    ] {
        let out = expand(
            args.clone(),
            quote!(
                struct Cache;
            ),
        );
        assert!(out.contains(&arithmetic), "`{args}`: {arithmetic} in {out}");
        assert!(out.contains("the distance must be at least 1"), "`{args}`: {out}");
        assert!(registers(&out, &format!("\"{written}\")")), "`{args}`: {out}");
        assert!(!out.contains("compile_error"), "`{args}`: {out}");
    }
    let between = expand(
        quote!(between(db::Pool, db::Conn)),
        quote!(
            struct Cache;
        ),
    );
    assert!(between.contains("let low : i128 = < db :: Pool as"), "{between}");
    assert!(between.contains("let high : i128 = < db :: Conn as"), "{between}");
    assert!(
        between.contains("no free level strictly between `db::Pool` and `db::Conn`"),
        "{between}"
    );
    // A generic base type parses as a type, not as a comparison.
    let generic = expand(
        quote!(above(Shard<u8, String>)),
        quote!(
            struct Cache;
        ),
    );
    assert!(generic.contains("< Shard < u8 , String > as"), "{generic}");
    let too_far = expand(
        quote!(above(Pool, 65536)),
        quote!(
            struct Cache;
        ),
    );
    assert!(too_far.contains("at most 65534"), "{too_far}");
    assert!(registers(&generic, "\"above(Shard<u8, String>)\""), "{generic}");
}

#[test]
fn crate_path_replaces_lockladder_everywhere() {
    for args in [
        quote!(10, crate = ll),
        quote!(crate = ll, 10),
        quote!(10, crate = "ll"),
        quote!(above(Pool), crate = ll),
        quote!(BASE + 1, crate = ll),
    ] {
        let out = expand(
            args.clone(),
            quote!(
                struct A;
            ),
        );
        assert!(!out.contains("lockladder ::"), "`{args}` still names lockladder: {out}");
        assert!(out.contains("impl ll :: __private :: DeclareLevel for A"), "`{args}`: {out}");
        assert!(registers(&out, "ll :: __private :: register_level !"), "`{args}`: {out}");
    }
}

#[test]
fn level_text_is_printed_as_written() {
    use crate::text::compact;
    for (tokens, text) in [
        (quote!(above(db::Pool)), "above(db::Pool)"),
        (quote!(above(db::Pool, 5)), "above(db::Pool, 5)"),
        (quote!(<db::Pool as Level>::LEVEL + 5), "<db::Pool as Level>::LEVEL + 5"),
        (
            quote!(<db::Pool as ::lockladder::Level>::LEVEL),
            "<db::Pool as ::lockladder::Level>::LEVEL",
        ),
        (quote!(BASE * (2 + OFFSET)), "BASE * (2 + OFFSET)"),
        (quote!(-(BASE as i64)), "-(BASE as i64)"),
        (quote!(tier(4) - 1), "tier(4) - 1"),
        (quote!(between(Shard<u8, u16>, Conn)), "between(Shard<u8, u16>, Conn)"),
        (quote!(X >> 4), "X >> 4"),
    ] {
        assert_eq!(compact(&tokens), text);
    }
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
            "not a string",
        ),
        (
            quote!(2.5),
            quote!(
                struct A;
            ),
            "not a float",
        ),
        (
            quote!(10, 20),
            quote!(
                struct A;
            ),
            "takes one level",
        ),
        (
            quote!(10 20),
            quote!(
                struct A;
            ),
            "expected",
        ),
        (
            quote!(10f32),
            quote!(
                struct A;
            ),
            "not a float",
        ),
        (
            quote!(300u8),
            quote!(
                struct A;
            ),
            "does not fit in `u8`",
        ),
        (
            quote!(10ms),
            quote!(
                struct A;
            ),
            "unknown suffix `ms`",
        ),
        (
            quote!(true),
            quote!(
                struct A;
            ),
            "not a bool",
        ),
        (
            quote!('a'),
            quote!(
                struct A;
            ),
            "not a character",
        ),
        (
            quote!(b'a'),
            quote!(
                struct A;
            ),
            "not a byte",
        ),
        (
            quote!(above(Pool, 0)),
            quote!(
                struct A;
            ),
            "is the level of `Pool` itself",
        ),
        (
            quote!(below(db::Pool, 0x0)),
            quote!(
                struct A;
            ),
            "is the level of `db::Pool` itself",
        ),
        (
            quote!(between(Pool)),
            quote!(
                struct A;
            ),
            "`between` takes two types",
        ),
        (
            quote!(above()),
            quote!(
                struct A;
            ),
            "names the type",
        ),
        (
            quote!(10, name = "coins"),
            quote!(
                struct A;
            ),
            "unknown option",
        ),
        (
            quote!(10, crate = a, crate = b),
            quote!(
                struct A;
            ),
            "duplicate `crate = ...`",
        ),
        (
            quote!(crate = ll),
            quote!(
                struct A;
            ),
            "needs the level",
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
        assert!(!out.contains("DeclareLevel"), "no impl on error: {out}");
        assert!(!out.contains("register_level"), "no registration on error: {out}");
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
fn unparsable_item_is_handed_back_for_rustc_to_report_once() {
    // rustc has parsed the item and reports the syntax error itself; an error
    // of ours would report it a second time.
    let item = quote!(
        struct A {
            a: u8
            b: u8,
        }
    );
    let out = lock_level(quote!(10), item.clone());
    assert_eq!(out.to_string(), item.to_string());
    let out = lock_level(quote!(10), quote!(this is not an item));
    assert_eq!(out.to_string(), "this is not an item");
}

#[test]
fn a_trailing_comma_is_accepted() {
    let out = expand(
        quote!(10,),
        quote!(
            struct A;
        ),
    );
    assert!(out.contains(&digits(10)), "{out}");
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
        registers(&out, ":: lockladder :: __private :: register_level ! (\"Shard\" , 40u32) ;"),
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

#[test]
fn a_renamed_dependency_is_found_in_the_manifest() {
    use crate::manifest::renamed_in;
    let no_workspace = || None;
    let cases: &[(&str, Option<&str>)] = &[
        ("[dependencies]\nll = { package = \"lockladder\", version = \"0.1\" }\n", Some("ll")),
        ("[dev-dependencies]\nll = { version = \"0.1\", package = 'lockladder' }\n", Some("ll")),
        ("[target.'cfg(unix)'.dependencies]\nll = { package = \"lockladder\" }\n", Some("ll")),
        ("[dependencies.ll]\nversion = \"0.1\"\npackage = \"lockladder\"\n", Some("ll")),
        ("[dependencies]\nll.package = \"lockladder\"\nll.version = \"0.1\"\n", Some("ll")),
        // Not renamed, or renamed beside a plain `lockladder`: `::lockladder` resolves.
        ("[dependencies]\nlockladder = \"0.1\"\n", None),
        (
            "[dependencies]\nlockladder = { path = \"..\" }\nll = { package = \"lockladder\" }\n",
            None,
        ),
        // A comment, another table, another package.
        ("[dependencies]\n# ll = { package = \"lockladder\" }\ntokio = \"1\"\n", None),
        ("[package]\nname = \"ll\"\n[features]\nll = []\n", None),
        ("[dependencies]\nll = { package = \"lockladder-runtime\" }\n", None),
    ];
    for (manifest, expected) in cases {
        assert_eq!(renamed_in(manifest, no_workspace).as_deref(), *expected, "{manifest}");
    }
    let root = || {
        Some("[workspace]\n[workspace.dependencies]\nll = { package = \"lockladder\", path = \"x\" }\n".to_owned())
    };
    assert_eq!(
        renamed_in("[dependencies]\nll = { workspace = true }\n", root).as_deref(),
        Some("ll")
    );
    assert_eq!(renamed_in("[dependencies]\nll.workspace = true\n", root).as_deref(), Some("ll"));
    assert_eq!(renamed_in("[dependencies]\ntokio = { workspace = true }\n", root), None);
}

#[test]
fn a_generic_type_takes_its_relative_rank_from_a_marker() {
    let out = expand(
        quote!(above(db::Pool)),
        quote!(
            struct Shard<K> {
                entries: Vec<K>,
            }
        ),
    );
    assert!(out.contains("const _ : () = { enum __LockladderLevelMarker { }"), "{out}");
    assert!(
        out.contains("impl :: lockladder :: __private :: DeclareLevel for __LockladderLevelMarker"),
        "{out}"
    );
    assert!(
        out.contains(
            "impl < K > :: lockladder :: __private :: DeclareLevel for Shard < K > where for < '__lockladder > db :: Pool : :: lockladder :: __private :: LevelNotDefinedInACycle , { const DECLARED_NAME : & 'static str = \"Shard\" ; type DeclaredRank = < __LockladderLevelMarker as :: lockladder :: __private :: DeclareLevel > :: DeclaredRank ; }"
        ),
        "{out}"
    );
    // The marker's impl, which computes the rank, has no where clause: rustc
    // computes it with the caches every other level shares.
    assert!(
        out.contains(
            "impl :: lockladder :: __private :: DeclareLevel for __LockladderLevelMarker { const"
        ),
        "{out}"
    );
    assert!(
        registers(
            &out,
            "register_level ! (\"Shard\" , < __LockladderLevelMarker as :: lockladder :: Level > :: LEVEL , \"above(db::Pool)\")"
        ),
        "{out}"
    );
}

#[test]
fn a_private_type_shows_its_level_in_its_docs_and_a_relative_one_says_from_what() {
    // `missing_docs` checks only `pub` items: a doc line on any other type
    // silences nothing, and its hover shows the level.
    let private = expand(
        quote!(20),
        quote!(
            struct CoinManager;
        ),
    );
    assert!(private.contains("Lock level 20"), "{private}");
    let relative = expand(
        quote!(above(db::Pool, 5)),
        quote!(
            pub(crate) struct Cache;
        ),
    );
    assert!(relative.contains("5 above the level of `db::Pool`"), "{relative}");
    let between = expand(
        quote!(between(db::Pool, db::Conn)),
        quote!(
            enum Slot {}
        ),
    );
    assert!(between.contains("strictly between `db::Pool` and `db::Conn`"), "{between}");
}

#[test]
fn a_generic_type_s_level_marker_is_as_visible_as_the_type() {
    // More visible than a private base, the marker's impl would be E0446;
    // less visible than the type, the type's impl would be.
    let private = expand(
        quote!(below(Pool)),
        quote!(
            struct Shard<K>(K);
        ),
    );
    assert!(private.contains("{ enum __LockladderLevelMarker"), "{private}");
    let crate_visible = expand(
        quote!(above(Log, 2)),
        quote!(
            pub(crate) struct Index<T>(T);
        ),
    );
    assert!(crate_visible.contains("pub (crate) enum __LockladderLevelMarker"), "{crate_visible}");
    let public = expand(
        quote!(above(Log)),
        quote!(
            pub struct Index<T>(T);
        ),
    );
    assert!(public.contains("pub enum __LockladderLevelMarker"), "{public}");
}

#[test]
fn a_relative_level_requires_its_bases_not_to_be_in_a_cycle() {
    let bound = |base: &str| {
        format!(
            "for < '__lockladder > {base} : :: lockladder :: __private :: LevelNotDefinedInACycle"
        )
    };
    let above = expand(
        quote!(above(db::Pool)),
        quote!(
            struct Cache;
        ),
    );
    assert!(above.contains(&bound("db :: Pool")), "{above}");
    let generic = expand(
        quote!(below(db::Pool, 2)),
        quote!(
            struct Shard<K>(K);
        ),
    );
    assert!(generic.contains(&bound("db :: Pool")), "{generic}");
    let between = expand(
        quote!(between(Low, High)),
        quote!(
            enum Middle {}
        ),
    );
    assert!(between.contains(&bound("Low")) && between.contains(&bound("High")), "{between}");
    // A literal or an expression names no base.
    for args in [quote!(20), quote!(BASE + 1)] {
        let out = expand(
            args,
            quote!(
                struct Pool;
            ),
        );
        assert!(!out.contains("LevelNotDefinedInACycle"), "{out}");
    }
}
