//! Stage one: the attribute's argument and the item it sits on, as written.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, ExprLit, ExprUnary, Lit, LitInt, Token, UnOp};

/// The argument of `#[lock_level(N)]`, parsed but not yet range-checked.
pub struct LevelArg {
    /// The literal the user wrote, kept for its span.
    pub literal: LitInt,
    /// Its value; `None` when it does not even fit a `u64`.
    pub value: Option<u64>,
}

/// What "expected" says whenever the argument is not a plain integer literal.
pub const EXPECTED: &str = "expected an integer literal in `1..=65535`, as in `#[lock_level(20)]`";

/// Parses the attribute's arguments: exactly one positive integer literal.
pub fn level_arg(args: TokenStream) -> syn::Result<LevelArg> {
    if args.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("`#[lock_level]` needs the level: {EXPECTED}"),
        ));
    }
    syn::parse2(args)
}

impl Parse for LevelArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let first: Expr = input.parse()?;
        if input.peek(Token![,]) {
            let rest: TokenStream = input.parse()?;
            return Err(syn::Error::new_spanned(
                rest,
                "`#[lock_level]` takes exactly one argument, the level number",
            ));
        }
        match first {
            Expr::Lit(ExprLit { lit: Lit::Int(literal), .. }) => {
                let value = literal.base10_parse::<u64>().ok();
                Ok(LevelArg { literal, value })
            }
            Expr::Unary(ExprUnary { op: UnOp::Neg(_), .. }) => Err(syn::Error::new_spanned(
                first,
                "a lock level cannot be negative: expected an integer literal in `1..=65535`",
            )),
            other => Err(syn::Error::new_spanned(other, EXPECTED)),
        }
    }
}
