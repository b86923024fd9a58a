//! Stage one: the attribute's arguments, as written.
//!
//! `#[lock_level(LEVEL)]` or `#[lock_level(LEVEL, crate = PATH)]`, where `LEVEL`
//! is an integer literal, `above(T)` / `above(T, N)` / `below(T)` /
//! `below(T, N)` / `between(A, B)`, or any other constant expression.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitInt, LitStr, Path, Token, Type, UnOp};

/// What every "expected" message says the argument may be.
pub const EXPECTED: &str = "expected a level in `1..=65535`: an integer literal \
     (`#[lock_level(20)]`), a constant expression (`#[lock_level(BASE + 10)]`) or a \
     level relative to another type's (`#[lock_level(above(db::Pool))]`)";

/// The parsed arguments of `#[lock_level(..)]`.
pub struct Args {
    pub level: LevelArg,
    /// `crate = path`: where the `lockladder` crate is, when it was renamed.
    pub krate: Option<Path>,
}

/// The level, as written.
pub struct LevelArg {
    pub spec: LevelSpec,
    /// The argument's tokens: their spans place errors, their text names the
    /// level in messages and in the hierarchy picture.
    pub tokens: TokenStream,
}

/// The ways to write a level.
pub enum LevelSpec {
    /// An integer literal: expanded straight to its digit types, with no
    /// constant evaluation (most levels are literals; compile time matters).
    Literal(LitInt),
    /// `above(T)`, `above(T, N)`, `below(T)`, `below(T, N)`: `N` (default 1)
    /// levels above or below `T`'s.
    Relative { direction: Direction, base: Box<Type>, distance: Option<Box<Expr>> },
    /// `between(A, B)`: the middle of the free levels strictly between `A`'s and `B`'s.
    Between { low: Box<Type>, high: Box<Type> },
    /// Any other constant expression of an integer type.
    Expr(Box<Expr>),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Above,
    Below,
}

impl Direction {
    pub fn keyword(self) -> &'static str {
        match self {
            Direction::Above => "above",
            Direction::Below => "below",
        }
    }
}

/// Parses the attribute's arguments.
pub fn args(args: TokenStream) -> syn::Result<Args> {
    if args.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("`#[lock_level]` needs the level: {EXPECTED}"),
        ));
    }
    syn::parse2(flatten_invisible_arguments(args))
}

/// One comma-separated argument, before the checks that need all of them.
enum Arg {
    Level(LevelArg),
    Crate { keyword: Token![crate], path: Path },
    Unknown(TokenStream),
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let args = Punctuated::<Arg, Token![,]>::parse_terminated(input)?;
        let mut level: Option<LevelArg> = None;
        let mut krate: Option<Path> = None;
        let mut errors: Option<syn::Error> = None;
        let mut report = |error: syn::Error| match &mut errors {
            Some(errors) => errors.combine(error),
            None => errors = Some(error),
        };
        for arg in args {
            match arg {
                Arg::Level(arg) if level.is_none() => level = Some(arg),
                Arg::Level(arg) => report(syn::Error::new_spanned(
                    arg.tokens,
                    "`#[lock_level]` takes one level (and optionally `crate = path`): \
                     a type has exactly one level",
                )),
                Arg::Crate { path, .. } if krate.is_none() => krate = Some(path),
                Arg::Crate { keyword, path } => report(syn::Error::new_spanned(
                    quote::quote!(#keyword = #path),
                    "duplicate `crate = ...`: name the `lockladder` crate once",
                )),
                Arg::Unknown(tokens) => report(syn::Error::new_spanned(
                    tokens,
                    "unknown option: `#[lock_level]` takes the level and optionally \
                     `crate = path` (where a renamed `lockladder` dependency is)",
                )),
            }
        }
        if let Some(errors) = errors {
            return Err(errors);
        }
        match level {
            Some(level) => Ok(Args { level, krate }),
            None => Err(syn::Error::new(
                Span::call_site(),
                format!("`#[lock_level]` needs the level: {EXPECTED}"),
            )),
        }
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![crate]) && input.peek2(Token![=]) {
            let keyword: Token![crate] = input.parse()?;
            input.parse::<Token![=]>()?;
            let path = if input.peek(LitStr) {
                input.parse::<LitStr>()?.parse::<Path>()?
            } else {
                Path::parse_mod_style(input)?
            };
            return Ok(Arg::Crate { keyword, path });
        }
        let tokens = argument_tokens(input);
        if let Some(direction) = relative_keyword(input) {
            let spec = parse_relative(input, direction)?;
            return Ok(Arg::Level(LevelArg { spec, tokens }));
        }
        if input.peek(syn::Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let _: Expr = input.parse()?;
            return Ok(Arg::Unknown(tokens));
        }
        let expr: Expr = input.parse()?;
        Ok(Arg::Level(LevelArg { spec: classify(expr)?, tokens }))
    }
}

/// The tokens of the argument that starts at `input`: up to the next
/// top-level comma that is not inside `<...>` (as in `<T as Tr<A, B>>::X`).
fn argument_tokens(input: ParseStream<'_>) -> TokenStream {
    let mut tokens = TokenStream::new();
    let mut angle_depth = 0usize;
    let mut cursor = input.cursor();
    while let Some((tree, next)) = cursor.token_tree() {
        if let TokenTree::Punct(punct) = &tree {
            match punct.as_char() {
                ',' if angle_depth == 0 => break,
                '<' => angle_depth += 1,
                '>' => angle_depth = angle_depth.saturating_sub(1),
                _ => {}
            }
        }
        tokens.extend([tree]);
        cursor = next;
    }
    tokens
}

fn relative_keyword(input: ParseStream<'_>) -> Option<Option<Direction>> {
    if !input.peek2(syn::token::Paren) {
        return None;
    }
    let ident = input.fork().parse::<Ident>().ok()?;
    match ident.to_string().as_str() {
        "above" => Some(Some(Direction::Above)),
        "below" => Some(Some(Direction::Below)),
        "between" => Some(None),
        _ => None,
    }
}

/// `above(T[, N])`, `below(T[, N])`, or `between(A, B)` (`direction` `None`).
fn parse_relative(input: ParseStream<'_>, direction: Option<Direction>) -> syn::Result<LevelSpec> {
    let keyword: Ident = input.parse()?;
    let content;
    let parens = syn::parenthesized!(content in input);
    let first: Type = content.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("`{keyword}(..)` names the type whose level this one is relative to: {error}"),
        )
    })?;
    let second = if content.parse::<Option<Token![,]>>()?.is_some() && !content.is_empty() {
        Some(content.parse::<TokenStream>()?)
    } else {
        None
    };
    if !content.is_empty() {
        return Err(content.error("unexpected tokens"));
    }
    match (direction, second) {
        (Some(direction), None) => {
            Ok(LevelSpec::Relative { direction, base: Box::new(first), distance: None })
        }
        (Some(direction), Some(distance)) => {
            let distance: Expr = syn::parse2(distance)?;
            Ok(LevelSpec::Relative {
                direction,
                base: Box::new(first),
                distance: Some(Box::new(distance)),
            })
        }
        (None, Some(high)) => {
            let high: Type = syn::parse2(high)?;
            Ok(LevelSpec::Between { low: Box::new(first), high: Box::new(high) })
        }
        (None, None) => Err(syn::Error::new(
            parens.span.join(),
            format!(
                "`between` takes two types, the lower first: \
                 `#[lock_level(between({}, Upper))]`",
                first.to_token_stream()
            ),
        )),
    }
}

/// A literal, a misspelled literal, or a constant expression.
fn classify(expr: Expr) -> syn::Result<LevelSpec> {
    match expr {
        Expr::Group(group) => classify(*group.expr),
        Expr::Lit(ExprLit { lit: Lit::Int(literal), .. }) => {
            integer_suffix(&literal)?;
            Ok(LevelSpec::Literal(literal))
        }
        Expr::Lit(ExprLit { lit, .. }) => Err(not_an_integer(&lit)),
        Expr::Unary(ExprUnary { op: UnOp::Neg(_), expr: ref operand, .. })
            if matches!(unwrap_groups(operand), Expr::Lit(_)) =>
        {
            Err(syn::Error::new_spanned(
                expr,
                "a lock level cannot be negative: levels are `1..=65535`",
            ))
        }
        other => Ok(LevelSpec::Expr(Box::new(other))),
    }
}

fn unwrap_groups(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => unwrap_groups(&group.expr),
        other => other,
    }
}

/// An integer suffix is accepted when the value fits its type (`10u16` is the
/// constant expression `10u16`, as valid as `BASE + 10`); a float or unknown
/// suffix, or a value its type cannot hold (`300u8`), is an error here, where
/// the literal is, before rustc would silently read it as something else.
fn integer_suffix(literal: &LitInt) -> syn::Result<()> {
    let suffix = literal.suffix();
    let max: u128 = match suffix {
        "" => return Ok(()),
        "u8" => u8::MAX.into(),
        "i8" => 127,
        "u16" => u16::MAX.into(),
        "i16" => 32_767,
        "u32" => u32::MAX.into(),
        "i32" => i32::MAX as u128,
        "u64" | "usize" => u64::MAX.into(),
        "i64" | "isize" => i64::MAX as u128,
        "u128" => u128::MAX,
        "i128" => i128::MAX as u128,
        "f16" | "f32" | "f64" | "f128" => {
            return Err(syn::Error::new_spanned(
                literal,
                format!(
                    "a lock level is an integer, not a float: write `{}` without the \
                     `{suffix}` suffix",
                    literal.base10_digits()
                ),
            ));
        }
        other => {
            return Err(syn::Error::new_spanned(
                literal,
                format!(
                    "unknown suffix `{other}` on a lock level: write `{}` (an integer \
                     suffix such as `u16` is allowed)",
                    literal.base10_digits()
                ),
            ));
        }
    };
    match literal.base10_parse::<u128>() {
        Ok(value) if value <= max => Ok(()),
        _ => Err(syn::Error::new_spanned(
            literal,
            format!(
                "`{literal}` does not fit in `{suffix}` (at most {max}): write the level \
                 without a suffix, as in `#[lock_level({})]`",
                literal.base10_digits()
            ),
        )),
    }
}

fn not_an_integer(lit: &Lit) -> syn::Error {
    let what = match lit {
        Lit::Str(_) => "a string",
        Lit::ByteStr(_) | Lit::CStr(_) => "a byte string",
        Lit::Byte(_) => "a byte",
        Lit::Char(_) => "a character",
        Lit::Float(float) => {
            return syn::Error::new_spanned(
                float,
                format!(
                    "a lock level is an integer, not a float: `{float}`; levels are \
                     whole numbers in `1..=65535`"
                ),
            );
        }
        Lit::Bool(_) => "a bool",
        _ => "this literal",
    };
    syn::Error::new_spanned(
        lit,
        format!("a lock level is an integer, not {what}: levels are whole numbers in `1..=65535`"),
    )
}

/// `macro_rules!` hands `$level:literal` and `$level:expr` over wrapped in an
/// invisible group. An argument that is nothing but such a group is replaced by
/// its contents, so it parses exactly as if written inline; a group inside an
/// expression (`BASE + $n`) stays, as it keeps the expression's precedence.
fn flatten_invisible_arguments(args: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = args.into_iter().collect();
    let is_comma = |tree: &TokenTree| matches!(tree, TokenTree::Punct(p) if p.as_char() == ',');
    let mut out = TokenStream::new();
    for (index, tree) in trees.iter().enumerate() {
        let alone = (index == 0 || is_comma(&trees[index - 1]))
            && trees.get(index + 1).is_none_or(is_comma);
        match tree {
            TokenTree::Group(group) if alone && group.delimiter() == Delimiter::None => {
                out.extend(flatten_invisible_arguments(group.stream()));
            }
            other => out.extend([other.clone()]),
        }
    }
    out
}
