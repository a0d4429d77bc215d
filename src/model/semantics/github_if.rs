//! The status-check functions of a GitHub Actions `if:` (`success()`, `failure()`,
//! `cancelled()`, `always()`), evaluated inside any expression; every other operand (contexts,
//! comparisons, other functions) is unknown and assumed to hold, the default of an unevaluated
//! condition. From GitHub's documentation ("Expressions", "Status check functions"): an
//! expression that calls none of the four is read as `success() && (expression)`.
//!
//! The run condition is the expression's value in a run where everything before succeeded and
//! in one where something failed; what the simulation cannot tell apart (a job whose `needs`
//! were skipped is treated by the engine as after a success that did not happen) follows
//! `success()`.

use super::RunWhen;

/// What an `if:` says about what happened before, once its status checks are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCheck {
    pub when: RunWhen,
    /// It calls a status-check function itself (else `success()` is implied).
    pub calls_status: bool,
    /// Nothing else decides it: the expression's value follows from the status checks alone.
    pub decided: bool,
}

/// Reads `expression` (`${{ }}` optional). `None` when it is not an expression we can parse:
/// GitHub rejects those, and the default (`success()`) applies.
pub fn status_check(expression: &str) -> Option<StatusCheck> {
    let text = expression.trim();
    let text = match text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")) {
        Some(inner) => inner.trim(),
        None => text,
    };
    // Text around an embedded `${{ }}` is a string GitHub evaluates as such: not ours to read.
    if text.contains("${{") {
        return None;
    }
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens: &tokens, pos: 0, calls_status: false, depth: 0 };
    let expr = parser.or()?;
    if parser.pos != tokens.len() {
        return None;
    }
    let calls_status = parser.calls_status;
    let value = |upstream: Upstream| {
        let v = expr.eval(upstream);
        if calls_status { v } else { Truth::from(upstream == Upstream::Succeeded).and(v) }
    };
    let (after_success, after_failure) = (value(Upstream::Succeeded), value(Upstream::Failed));
    // An unknown part is assumed to hold, as every unevaluated condition is.
    let when = match (after_success != Truth::False, after_failure != Truth::False) {
        (true, true) => RunWhen::Always,
        (true, false) => RunWhen::OnSuccess,
        (false, true) => RunWhen::OnFailure,
        (false, false) => RunWhen::Never,
    };
    let decided = after_success != Truth::Unknown && after_failure != Truth::Unknown;
    Some(StatusCheck { when, calls_status, decided })
}

/// What happened before, as the status-check functions see it. The run itself is never
/// cancelled in a simulation, so `cancelled()` is false in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upstream {
    Succeeded,
    Failed,
}

/// Three-valued logic: an operand we do not evaluate is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl From<bool> for Truth {
    fn from(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    fn or(self, other: Truth) -> Truth {
        self.not().and(other.not()).not()
    }
}

#[derive(Debug)]
enum Expr {
    Success,
    Failure,
    Cancelled,
    Always,
    Const(bool),
    Unknown,
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn eval(&self, upstream: Upstream) -> Truth {
        match self {
            Expr::Success => Truth::from(upstream == Upstream::Succeeded),
            Expr::Failure => Truth::from(upstream == Upstream::Failed),
            Expr::Cancelled => Truth::False,
            Expr::Always => Truth::True,
            Expr::Const(b) => Truth::from(*b),
            Expr::Unknown => Truth::Unknown,
            Expr::Not(e) => e.eval(upstream).not(),
            Expr::And(a, b) => a.eval(upstream).and(b.eval(upstream)),
            Expr::Or(a, b) => a.eval(upstream).or(b.eval(upstream)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    /// A string or number literal.
    Literal,
    Punct(&'static str),
}

const PUNCT: &[&str] =
    &["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", "[", "]", ",", ".", "*"];

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
        } else if c == '\'' {
            // A string: '' stands for one quote.
            let mut end = 1;
            loop {
                let close = end + rest[end..].find('\'')?;
                if rest[close + 1..].starts_with('\'') {
                    end = close + 2;
                } else {
                    end = close + 1;
                    break;
                }
            }
            tokens.push(Token::Literal);
            rest = &rest[end..];
        } else if c.is_ascii_digit()
            || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            let end = 1 + rest[1..]
                .find(|d: char| !(d.is_ascii_alphanumeric() || d == '.' || d == '_'))
                .unwrap_or(rest.len() - 1);
            tokens.push(Token::Literal);
            rest = &rest[end..];
        } else if c.is_alphabetic() || c == '_' {
            let end = rest
                .find(|d: char| !(d.is_alphanumeric() || d == '_' || d == '-'))
                .unwrap_or(rest.len());
            tokens.push(Token::Ident(rest[..end].to_string()));
            rest = &rest[end..];
        } else {
            let p = PUNCT.iter().find(|p| rest.starts_with(**p))?;
            tokens.push(Token::Punct(p));
            rest = &rest[p.len()..];
        }
    }
    Some(tokens)
}

/// Deeper nesting than this is not read (no user input reaches a stack overflow).
const MAX_DEPTH: u32 = 64;

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    calls_status: bool,
    depth: u32,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, punct: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Punct(p)) if *p == punct);
        if found {
            self.pos += 1;
        }
        found
    }

    fn or(&mut self) -> Option<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut left = self.and()?;
        while self.eat("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        self.depth -= 1;
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.comparison()?;
        while self.eat("&&") {
            left = Expr::And(Box::new(left), Box::new(self.comparison()?));
        }
        Some(left)
    }

    /// A comparison's value is not ours to know.
    fn comparison(&mut self) -> Option<Expr> {
        let mut left = self.unary()?;
        while ["==", "!=", "<=", ">=", "<", ">"].iter().any(|op| self.eat(op)) {
            self.unary()?;
            left = Expr::Unknown;
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat("!") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return None;
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Some(Expr::Not(Box::new(inner)));
        }
        let primary = self.primary()?;
        // A property or index of a value: unknown.
        let mut accessed = false;
        loop {
            if self.eat(".") {
                if !self.eat("*") {
                    match self.peek() {
                        Some(Token::Ident(_)) => self.pos += 1,
                        _ => return None,
                    }
                }
                accessed = true;
            } else if self.eat("[") {
                self.or()?;
                if !self.eat("]") {
                    return None;
                }
                accessed = true;
            } else {
                break;
            }
        }
        Some(if accessed { Expr::Unknown } else { primary })
    }

    fn primary(&mut self) -> Option<Expr> {
        match self.peek()?.clone() {
            Token::Punct("(") => {
                self.pos += 1;
                let inner = self.or()?;
                self.eat(")").then_some(inner)
            }
            Token::Literal => {
                self.pos += 1;
                Some(Expr::Unknown)
            }
            Token::Ident(name) => {
                self.pos += 1;
                if !self.eat("(") {
                    return Some(match name.as_str() {
                        "true" => Expr::Const(true),
                        "false" => Expr::Const(false),
                        _ => Expr::Unknown,
                    });
                }
                let mut args = 0;
                if !self.eat(")") {
                    loop {
                        self.or()?;
                        args += 1;
                        if self.eat(")") {
                            break;
                        }
                        if !self.eat(",") {
                            return None;
                        }
                    }
                }
                // Function names are case-insensitive.
                let status = match name.to_ascii_lowercase().as_str() {
                    "success" => Expr::Success,
                    "failure" => Expr::Failure,
                    "cancelled" => Expr::Cancelled,
                    "always" => Expr::Always,
                    _ => return Some(Expr::Unknown),
                };
                self.calls_status = true;
                Some(if args == 0 { status } else { Expr::Unknown })
            }
            Token::Punct(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn when(text: &str) -> (RunWhen, bool) {
        let s = status_check(text).unwrap_or_else(|| panic!("not read: {text}"));
        (s.when, s.decided)
    }

    #[test]
    fn a_status_check_alone_decides() {
        assert_eq!(when("success()"), (RunWhen::OnSuccess, true));
        assert_eq!(when("${{ failure() }}"), (RunWhen::OnFailure, true));
        assert_eq!(when("always()"), (RunWhen::Always, true));
        assert_eq!(when("!cancelled()"), (RunWhen::Always, true));
        assert_eq!(when("${{ !cancelled() }}"), (RunWhen::Always, true));
        assert_eq!(when("cancelled()"), (RunWhen::Never, true));
        assert_eq!(when("Failure()"), (RunWhen::OnFailure, true));
        assert_eq!(when("success() || failure()"), (RunWhen::Always, true));
        assert_eq!(when("!failure()"), (RunWhen::OnSuccess, true));
        assert_eq!(when("failure() || cancelled()"), (RunWhen::OnFailure, true));
    }

    #[test]
    fn without_a_status_check_success_is_implied() {
        assert_eq!(when("github.ref == 'refs/heads/main'"), (RunWhen::OnSuccess, false));
        assert_eq!(when("true"), (RunWhen::OnSuccess, true));
        assert_eq!(when("false"), (RunWhen::Never, true));
        assert_eq!(when("${{ false }}"), (RunWhen::Never, true));
        assert!(!status_check("github.event_name == 'push'").unwrap().calls_status);
        // A status check named as a property is not a call.
        assert_eq!(when("steps.failure.outcome == 'x'"), (RunWhen::OnSuccess, false));
    }

    #[test]
    fn other_operands_are_assumed_to_hold() {
        let composed =
            "always() && github.event_name == 'pull_request' && startsWith(github.ref, 'x')";
        assert_eq!(when(composed), (RunWhen::Always, false));
        assert_eq!(
            when("${{ always() && needs.plan.result == 'success' && (a == 'b' || c) }}"),
            (RunWhen::Always, false)
        );
        assert_eq!(when("failure() && github.ref == 'main'"), (RunWhen::OnFailure, false));
        assert_eq!(
            when("success() && !contains(needs.*.result, 'failure')"),
            (RunWhen::OnSuccess, false)
        );
        assert_eq!(when("failure() || inputs.force"), (RunWhen::Always, false));
        // A status check inside another call still counts as written.
        assert!(status_check("contains(fromJSON('[1]'), always())").unwrap().calls_status);
    }

    #[test]
    fn what_is_not_an_expression_is_not_read() {
        for text in ["always(", "a &&", "'open", "a ? b", "x == ${{ y }}", "f(a b)"] {
            assert_eq!(status_check(text), None, "{text}");
        }
        let deep = format!("{}always(){}", "(".repeat(500), ")".repeat(500));
        assert_eq!(status_check(&deep), None);
        let nots = format!("{}always()", "!".repeat(500));
        assert_eq!(status_check(&nots), None);
    }
}
