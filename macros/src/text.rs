//! The level argument as text, for messages and the hierarchy picture.
//!
//! A proc macro sees tokens, not the source; `TokenStream`'s own `Display`
//! spaces every token (`above (db :: Pool)`). This prints them the way people
//! write them (`above(db::Pool)`, `<db::Pool as Level>::LEVEL + 5`).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

pub fn compact(tokens: &TokenStream) -> String {
    let mut printer = Printer::default();
    printer.stream(tokens.clone());
    printer.out
}

#[derive(Default)]
struct Printer {
    out: String,
    /// Open `<` of paths and generics (`<T as Level>`, `Shard<u8>`).
    angle_depth: usize,
    /// Whether the next token is written without a space before it.
    glue_next: bool,
    /// Whether the last token was an identifier, a literal or a closing bracket.
    after_operand: bool,
    /// A run of joint punctuation (`::`, `>>`, `<=`) being collected.
    pending: String,
}

impl Printer {
    fn stream(&mut self, tokens: TokenStream) {
        for tree in tokens {
            match tree {
                TokenTree::Punct(punct) => {
                    self.pending.push(punct.as_char());
                    if punct.spacing() == Spacing::Alone {
                        let operator = core::mem::take(&mut self.pending);
                        self.operator(&operator);
                    }
                }
                TokenTree::Group(group) => {
                    self.flush();
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{ ", " }"),
                        Delimiter::None => ("", ""),
                    };
                    // A call or an index glues to what it follows: `above(..)`.
                    if !(self.after_operand && open != "{ ") {
                        self.space();
                    }
                    self.out.push_str(open);
                    let mut inner = Printer { glue_next: true, ..Printer::default() };
                    inner.stream(group.stream());
                    inner.flush();
                    self.out.push_str(&inner.out);
                    self.out.push_str(close);
                    self.glue_next = false;
                    self.after_operand = true;
                }
                TokenTree::Ident(ident) => self.word(&ident.to_string()),
                TokenTree::Literal(literal) => self.word(&literal.to_string()),
            }
        }
        self.flush();
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let operator = core::mem::take(&mut self.pending);
            self.operator(&operator);
        }
    }

    fn word(&mut self, word: &str) {
        self.flush();
        self.space();
        self.out.push_str(word);
        self.glue_next = false;
        // `as` is followed by a type, which may start with `::`.
        self.after_operand = word != "as";
    }

    fn space(&mut self) {
        if !self.glue_next && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.glue_next = false;
    }

    fn operator(&mut self, operator: &str) {
        match operator {
            "::" => {
                // `::X` at the start keeps its space only after another word.
                if !self.after_operand {
                    self.space();
                }
                self.out.push_str("::");
                self.glue_next = true;
                self.after_operand = false;
            }
            "," => {
                self.out.push(',');
                self.glue_next = false;
                self.after_operand = false;
            }
            "<" if !self.after_operand || self.out.ends_with(char::is_alphanumeric) => {
                // Opens a qualified path (`<T as Level>`) or generic arguments.
                let opens_path = !self.after_operand;
                if opens_path {
                    self.space();
                }
                self.out.push('<');
                self.angle_depth += 1;
                self.glue_next = true;
                self.after_operand = false;
            }
            ">" | ">>" if self.angle_depth >= operator.len() => {
                self.out.push_str(operator);
                self.angle_depth -= operator.len();
                self.glue_next = false;
                self.after_operand = true;
            }
            "-" | "!" | "&" | "*" if !self.after_operand => {
                // Unary: `-1`, `!0`.
                self.space();
                self.out.push_str(operator);
                self.glue_next = true;
            }
            _ => {
                self.space();
                self.out.push_str(operator);
                self.after_operand = false;
            }
        }
    }
}
