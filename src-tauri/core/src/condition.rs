//! The condition language for conditional nodes (and, later, triggers): comparisons over
//! parameters and upstream results, joined with `and`, `or`, `not`.
//!
//! ```text
//! upstream.top_campaigns.row_count > 0 and params.limit <= 50
//! not (upstream.load.outcome == "exists") || params.region != null
//! ```
//!
//! This module parses and evaluates; what a name may refer to is validation's business, what
//! it is worth at run time the engine says through the lookup it hands to [`Expr::evaluate`].

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Literal),
    /// A dotted name such as `params.limit` or `upstream.node_1.row_count`.
    Path(Vec<String>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, CompareOp, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Where in the expression text parsing failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the expression.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset + 1)
    }
}

impl std::error::Error for ParseError {}

impl Expr {
    pub fn parse(text: &str) -> Result<Expr, ParseError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens,
            pos: 0,
            end: text.len(),
        };
        if parser.tokens.is_empty() {
            return Err(ParseError {
                offset: 0,
                message: "the condition is empty".into(),
            });
        }
        let expr = parser.or()?;
        match parser.tokens.get(parser.pos) {
            None => Ok(expr),
            Some((offset, token)) => Err(ParseError {
                offset: *offset,
                message: format!("unexpected {token}"),
            }),
        }
    }

    /// Whether the condition holds, reading each dotted name through `lookup` (an unknown
    /// name reads as null). Comparisons need numbers, texts or booleans of one kind on both
    /// sides (`==` and `!=` compare anything); `and`, `or`, `not` need true or false.
    pub fn evaluate(
        &self,
        lookup: &dyn Fn(&[String]) -> Option<serde_json::Value>,
    ) -> Result<bool, String> {
        match self.value(lookup)? {
            serde_json::Value::Bool(b) => Ok(b),
            other => Err(format!("the condition gives {other}, not true or false")),
        }
    }

    fn value(
        &self,
        lookup: &dyn Fn(&[String]) -> Option<serde_json::Value>,
    ) -> Result<serde_json::Value, String> {
        use serde_json::Value as Json;
        let truth = |expr: &Expr| match expr.value(lookup)? {
            Json::Bool(b) => Ok(b),
            other => Err(format!(
                "`and`, `or` and `not` need true or false, not {other}"
            )),
        };
        Ok(match self {
            Expr::Literal(Literal::Null) => Json::Null,
            Expr::Literal(Literal::Bool(b)) => Json::Bool(*b),
            Expr::Literal(Literal::Number(n)) => {
                serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number)
            }
            Expr::Literal(Literal::String(s)) => Json::String(s.clone()),
            Expr::Path(path) => lookup(path).unwrap_or(Json::Null),
            Expr::Not(inner) => Json::Bool(!truth(inner)?),
            Expr::And(a, b) => Json::Bool(truth(a)? && truth(b)?),
            Expr::Or(a, b) => Json::Bool(truth(a)? || truth(b)?),
            Expr::Compare(a, op, b) => {
                let (a, b) = (a.value(lookup)?, b.value(lookup)?);
                let order = match (&a, &b) {
                    (Json::Number(x), Json::Number(y)) => x
                        .as_f64()
                        .zip(y.as_f64())
                        .and_then(|(x, y)| x.partial_cmp(&y)),
                    (Json::String(x), Json::String(y)) => Some(x.cmp(y)),
                    (Json::Bool(x), Json::Bool(y)) => Some(x.cmp(y)),
                    _ => None,
                };
                Json::Bool(match (op, order) {
                    (CompareOp::Eq, Some(o)) => o.is_eq(),
                    (CompareOp::Ne, Some(o)) => o.is_ne(),
                    (CompareOp::Eq, None) => a == b,
                    (CompareOp::Ne, None) => a != b,
                    (CompareOp::Lt, Some(o)) => o.is_lt(),
                    (CompareOp::Le, Some(o)) => o.is_le(),
                    (CompareOp::Gt, Some(o)) => o.is_gt(),
                    (CompareOp::Ge, Some(o)) => o.is_ge(),
                    (_, None) => return Err(format!("cannot order {a} against {b}")),
                })
            }
        })
    }

    /// Every dotted name the expression reads, in order of appearance.
    pub fn paths(&self) -> Vec<&[String]> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a [String]>) {
        match self {
            Expr::Literal(_) => {}
            Expr::Path(path) => out.push(path),
            Expr::Not(inner) => inner.collect_paths(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(a, _, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Number(f64),
    Str(String),
    Op(CompareOp),
    And,
    Or,
    Not,
    Dot,
    Open,
    Close,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(name) => write!(f, "name `{name}`"),
            Token::Number(n) => write!(f, "number {n}"),
            Token::Str(s) => write!(f, "string {s:?}"),
            Token::Op(_) => f.write_str("comparison"),
            Token::And => f.write_str("`and`"),
            Token::Or => f.write_str("`or`"),
            Token::Not => f.write_str("`not`"),
            Token::Dot => f.write_str("`.`"),
            Token::Open => f.write_str("`(`"),
            Token::Close => f.write_str("`)`"),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err = |offset: usize, message: &str| ParseError {
        offset,
        message: message.to_owned(),
    };
    while i < bytes.len() {
        let start = i;
        let two = text.get(i..i + 2).unwrap_or("");
        let (token, len) = match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => (Token::Open, 1),
            b')' => (Token::Close, 1),
            b'.' => (Token::Dot, 1),
            _ if two == "==" => (Token::Op(CompareOp::Eq), 2),
            _ if two == "!=" => (Token::Op(CompareOp::Ne), 2),
            _ if two == "<=" => (Token::Op(CompareOp::Le), 2),
            _ if two == ">=" => (Token::Op(CompareOp::Ge), 2),
            _ if two == "&&" => (Token::And, 2),
            _ if two == "||" => (Token::Or, 2),
            b'<' => (Token::Op(CompareOp::Lt), 1),
            b'>' => (Token::Op(CompareOp::Gt), 1),
            b'!' => (Token::Not, 1),
            b'=' => return Err(err(i, "use `==` to compare")),
            quote @ (b'"' | b'\'') => {
                let mut value = String::new();
                let mut chars = text[i + 1..].char_indices();
                loop {
                    match chars.next() {
                        None => return Err(err(start, "this string is never closed")),
                        Some((j, c)) if c as u32 == u32::from(quote) => {
                            i += 1 + j + 1;
                            break;
                        }
                        Some((_, '\\')) => match chars.next() {
                            Some((_, c)) => value.push(c),
                            None => return Err(err(start, "this string is never closed")),
                        },
                        Some((_, c)) => value.push(c),
                    }
                }
                tokens.push((start, Token::Str(value)));
                continue;
            }
            b'0'..=b'9' | b'-' => {
                let end = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E'))
                    .map_or(text.len(), |n| i + 1 + n);
                let number = text[i..end].parse().map_err(|_| err(i, "not a number"))?;
                tokens.push((start, Token::Number(number)));
                i = end;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = text[i..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(text.len(), |n| i + n);
                let word = &text[i..end];
                i = end;
                tokens.push((
                    start,
                    match word {
                        "and" => Token::And,
                        "or" => Token::Or,
                        "not" => Token::Not,
                        _ => Token::Ident(word.to_owned()),
                    },
                ));
                continue;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or('?');
                return Err(err(i, &format!("unexpected character `{c}`")));
            }
        };
        i += len;
        tokens.push((start, token));
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(o, _)| *o)
    }

    fn error(&self, message: String) -> ParseError {
        ParseError {
            offset: self.offset(),
            message,
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Token::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ParseError> {
        let left = self.primary()?;
        if let Some(Token::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            let right = self.primary()?;
            return Ok(Expr::Compare(Box::new(left), op, Box::new(right)));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("the condition ends too early".into()));
        };
        self.pos += 1;
        Ok(match token {
            Token::Number(n) => Expr::Literal(Literal::Number(n)),
            Token::Str(s) => Expr::Literal(Literal::String(s)),
            Token::Open => {
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(self.error("expected `)`".into()));
                }
                self.pos += 1;
                inner
            }
            Token::Ident(word) => match word.as_str() {
                "true" => Expr::Literal(Literal::Bool(true)),
                "false" => Expr::Literal(Literal::Bool(false)),
                "null" => Expr::Literal(Literal::Null),
                _ => {
                    let mut path = vec![word];
                    while self.peek() == Some(&Token::Dot) {
                        self.pos += 1;
                        match self.peek().cloned() {
                            Some(Token::Ident(part)) => {
                                self.pos += 1;
                                path.push(part);
                            }
                            _ => return Err(self.error("expected a name after `.`".into())),
                        }
                    }
                    Expr::Path(path)
                }
            },
            other => {
                self.pos -= 1;
                return Err(self.error(format!("expected a value, found {other}")));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn evaluates_over_what_the_lookup_says() {
        let lookup = |path: &[String]| -> Option<serde_json::Value> {
            match path.join(".").as_str() {
                "upstream.top.row_count" => Some(serde_json::json!(20)),
                "params.region" => Some(serde_json::json!("EU")),
                _ => None,
            }
        };
        let holds = |text: &str| Expr::parse(text).expect("parses").evaluate(&lookup);
        assert_eq!(
            holds("upstream.top.row_count > 10 and params.region == \"EU\""),
            Ok(true)
        );
        assert_eq!(
            holds("not (upstream.top.row_count >= 20) or params.missing != null"),
            Ok(false)
        );
        assert_eq!(holds("params.missing == null"), Ok(true));
        assert!(holds("params.region > 3").is_err(), "text against a number");
        assert!(holds("params.region").is_err(), "not true or false");
    }

    use super::*;

    fn path(p: &str) -> Expr {
        Expr::Path(p.split('.').map(str::to_owned).collect())
    }

    #[test]
    fn parses_comparisons_joined_by_and_or_not() {
        let expr = Expr::parse(
            r#"upstream.top.row_count > 0 and not (params.region == "EU" || params.x != null)"#,
        )
        .expect("parses");
        let expected = Expr::And(
            Box::new(Expr::Compare(
                Box::new(path("upstream.top.row_count")),
                CompareOp::Gt,
                Box::new(Expr::Literal(Literal::Number(0.0))),
            )),
            Box::new(Expr::Not(Box::new(Expr::Or(
                Box::new(Expr::Compare(
                    Box::new(path("params.region")),
                    CompareOp::Eq,
                    Box::new(Expr::Literal(Literal::String("EU".into()))),
                )),
                Box::new(Expr::Compare(
                    Box::new(path("params.x")),
                    CompareOp::Ne,
                    Box::new(Expr::Literal(Literal::Null)),
                )),
            )))),
        );
        assert_eq!(expr, expected);
        let paths: Vec<String> = expr.paths().iter().map(|p| p.join(".")).collect();
        assert_eq!(
            paths,
            ["upstream.top.row_count", "params.region", "params.x"]
        );
    }

    #[test]
    fn says_where_it_fails() {
        for (text, offset, message) in [
            ("", 0, "the condition is empty"),
            ("params.x = 1", 9, "use `==` to compare"),
            ("params.x >", 10, "the condition ends too early"),
            ("(params.x > 1", 13, "expected `)`"),
            ("params. > 1", 8, "expected a name after `.`"),
            ("params.x > 1 1", 13, "unexpected number 1"),
            ("'open", 0, "this string is never closed"),
            ("params.x # 2", 9, "unexpected character `#`"),
        ] {
            let err = Expr::parse(text).expect_err(text);
            assert_eq!(
                (err.offset, err.message.as_str()),
                (offset, message),
                "{text:?}"
            );
        }
    }
}
