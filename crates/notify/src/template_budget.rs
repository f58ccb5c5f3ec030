//! The limits on a template an organisation writes. Templates are rendered
//! by the server for every organisation, so one organisation's template
//! must not be able to stall or exhaust it:
//!
//! - **Shape.** Only what a message needs is accepted: text, `{{ … }}`,
//!   `{% if %}` and `{% for %}` over the lists the template is given. No
//!   `set`, `with`, macros, calls (`range`, `loop(…)`), string or list
//!   repetition (`*`, `**`) or filters that take a size. Without a way to
//!   bind a computed value, every value a template makes is at most as big
//!   as its own text times the data it is given: nothing can double itself.
//! - **Fuel.** MiniJinja counts the instructions it runs; past
//!   [`FUEL`] the render stops (nested loops over the items are where time
//!   would go).
//! - **Output.** Rendering writes into a buffer that refuses more than
//!   [`MAX_OUTPUT`] bytes.
//! - **Source.** A template's text is at most [`MAX_SOURCE`] bytes.
//!
//! The shape is checked with MiniJinja's parser (its `unstable_machinery`
//! API, hence the exact version pin in `Cargo.toml`).

use minijinja::machinery::ast::{CallArg, Expr, Stmt};
use minijinja::machinery::{ast, parse};

/// Instructions one render may run: the default digest for a person with
/// 200 tasks runs about 5,000.
pub const FUEL: u64 = 200_000;
/// Bytes one render may write.
pub const MAX_OUTPUT: usize = 256 * 1024;
/// Bytes of template text.
pub const MAX_SOURCE: usize = 32 * 1024;

/// Filters that neither take a size nor make a value much larger than
/// their input.
const FILTERS: &[&str] = &[
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "reverse",
    "round",
    "sort",
    "string",
    "title",
    "trim",
    "unique",
    "upper",
    "wordcount",
];

/// Why a template's text is refused, in words its author can act on.
pub fn check_shape(source: &str) -> Result<(), String> {
    if source.len() > MAX_SOURCE {
        return Err(format!(
            "the template is {} bytes; at most {MAX_SOURCE} are kept",
            source.len()
        ));
    }
    check_sizes(source)?;
    let tree = parse(source, "template", Default::default()).map_err(|e| e.to_string())?;
    stmt(&tree)
}

/// Parts one `{{ … }}` or `{% … %}` may have: enough for any message, and
/// a bound on how deep its syntax tree can be, so that nothing that walks
/// the tree (the parser, this check, the compiler, dropping it) can run out
/// of stack.
pub const MAX_TAG_TOKENS: usize = 64;
/// How deep blocks may nest, each `elif` counting as one more level (the
/// parser reads an `elif` as an `if` inside the `else` before it).
pub const MAX_NESTING: usize = 16;

/// Counts, without building a tree (the tokenizer loops, it does not
/// recurse), the parts of each tag and how deep blocks nest.
fn check_sizes(source: &str) -> Result<(), String> {
    use minijinja::machinery::Token;
    // The open blocks, innermost last, with the levels each adds.
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut in_tag = 0usize;
    let mut first_word = false;
    // `{% set x %}…{% endset %}` is a block, `{% set x = … %}` is not.
    let mut set_block = false;
    let deeper = |depth: &mut usize| {
        *depth += 1;
        if *depth > MAX_NESTING {
            Err(format!(
                "blocks nest more than {MAX_NESTING} deep (each `elif` counts as one)"
            ))
        } else {
            Ok(())
        }
    };
    for token in minijinja::machinery::tokenize(source, false, Default::default()) {
        // A malformed template is the parser's to describe.
        let Ok((token, _)) = token else {
            return Ok(());
        };
        match token {
            Token::VariableStart | Token::BlockStart => {
                in_tag = 1;
                first_word = matches!(token, Token::BlockStart);
                continue;
            }
            Token::VariableEnd => {
                in_tag = 0;
                continue;
            }
            Token::BlockEnd => {
                in_tag = 0;
                if std::mem::take(&mut set_block) {
                    open.push(("set", 1));
                    deeper(&mut depth)?;
                }
                continue;
            }
            Token::TemplateData(_) => continue,
            Token::Assign => set_block = false,
            _ => {}
        }
        in_tag += 1;
        if in_tag > MAX_TAG_TOKENS {
            return Err(format!(
                "an expression or tag has more than {MAX_TAG_TOKENS} parts; split it up"
            ));
        }
        if !std::mem::take(&mut first_word) {
            continue;
        }
        let Token::Ident(word) = token else {
            continue;
        };
        match word {
            "elif" => {
                if let Some(block) = open.last_mut() {
                    block.1 += 1;
                }
                deeper(&mut depth)?;
            }
            "set" => set_block = true,
            "else" | "include" | "import" | "from" | "extends" | "do" | "continue" | "break" => {}
            _ => match word.strip_prefix("end") {
                Some(name) => {
                    if open.last().is_some_and(|(top, _)| *top == name)
                        && let Some((_, levels)) = open.pop()
                    {
                        depth -= levels;
                    }
                }
                None => {
                    open.push((word, 1));
                    deeper(&mut depth)?;
                }
            },
        }
    }
    Ok(())
}

/// Runs `work` on a thread of its own with a large stack: the limits above
/// keep every tree shallow, and this is the backstop should some shape of
/// template still make the parser, the compiler or the engine recurse deep.
pub async fn on_big_stack<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("mail-template".into())
        .stack_size(BIG_STACK)
        .spawn(move || {
            let _ = tx.send(work());
        })
        .ok()?;
    rx.await.ok()
}

/// The stack of a thread that renders templates.
const BIG_STACK: usize = 64 << 20;

fn stmts(body: &[Stmt<'_>]) -> Result<(), String> {
    body.iter().try_for_each(stmt)
}

fn stmt(s: &Stmt<'_>) -> Result<(), String> {
    match s {
        Stmt::Template(t) => stmts(&t.children),
        Stmt::EmitRaw(_) => Ok(()),
        Stmt::EmitExpr(e) => expr(&e.expr),
        Stmt::IfCond(c) => {
            expr(&c.expr)?;
            stmts(&c.true_body)?;
            stmts(&c.false_body)
        }
        Stmt::ForLoop(l) => {
            if l.recursive {
                return Err("recursive loops are not offered in mail templates".into());
            }
            target(&l.target)?;
            // A loop runs over what the template is given, never over a
            // list it made: a made list could hold a value made bigger in
            // each nested loop.
            given(&l.iter)?;
            if let Some(f) = &l.filter_expr {
                expr(f)?;
            }
            stmts(&l.body)?;
            stmts(&l.else_body)
        }
        Stmt::Set(_) | Stmt::SetBlock(_) | Stmt::WithBlock(_) => {
            Err("`set` and `with` are not offered in mail templates".into())
        }
        Stmt::Macro(_) | Stmt::CallBlock(_) => {
            Err("macros are not offered in mail templates".into())
        }
        Stmt::FilterBlock(_) => Err("filter blocks are not offered in mail templates".into()),
        Stmt::AutoEscape(_) => Err("`autoescape` is not offered in mail templates".into()),
        Stmt::Do(_) => Err("`do` is not offered in mail templates".into()),
    }
}

fn target(e: &Expr<'_>) -> Result<(), String> {
    match e {
        Expr::Var(_) => Ok(()),
        Expr::Tuple(t) => t.items.iter().try_for_each(target),
        _ => Err("a loop names its variables plainly: `{% for item in section.items %}`".into()),
    }
}

/// A name or a path into what the template is given (`section.items`).
fn given(e: &Expr<'_>) -> Result<(), String> {
    match e {
        Expr::Var(_) => Ok(()),
        Expr::GetAttr(a) => given(&a.expr),
        _ => Err(
            "a loop runs over a list the template is given, such as `sections` or `section.items`"
                .into(),
        ),
    }
}

fn exprs(items: &[Expr<'_>]) -> Result<(), String> {
    items.iter().try_for_each(expr)
}

fn args(items: &[CallArg<'_>]) -> Result<(), String> {
    items.iter().try_for_each(|a| match a {
        CallArg::Pos(e) | CallArg::Kwarg(_, e) => expr(e),
        CallArg::PosSplat(_) | CallArg::KwargSplat(_) => {
            Err("`*` and `**` arguments are not offered in mail templates".into())
        }
    })
}

fn expr(e: &Expr<'_>) -> Result<(), String> {
    match e {
        Expr::Var(_) | Expr::Const(_) => Ok(()),
        Expr::GetAttr(a) => expr(&a.expr),
        Expr::GetItem(i) => {
            expr(&i.expr)?;
            expr(&i.subscript_expr)
        }
        Expr::Slice(s) => {
            expr(&s.expr)?;
            [&s.start, &s.stop, &s.step]
                .into_iter()
                .flatten()
                .try_for_each(expr)
        }
        Expr::UnaryOp(u) => expr(&u.expr),
        Expr::BinOp(b) => {
            if matches!(b.op, ast::BinOpKind::Mul | ast::BinOpKind::Pow) {
                return Err(
                    "`*` and `**` are not offered in mail templates (they repeat text)".into(),
                );
            }
            expr(&b.left)?;
            expr(&b.right)
        }
        Expr::Compare(c) => {
            expr(&c.expr)?;
            c.ops.iter().try_for_each(|o| expr(&o.expr))
        }
        Expr::IfExpr(i) => {
            expr(&i.test_expr)?;
            expr(&i.true_expr)?;
            i.false_expr.as_ref().map_or(Ok(()), expr)
        }
        Expr::Filter(f) => {
            if !FILTERS.contains(&f.name) {
                return Err(format!(
                    "the filter `{}` is not offered in mail templates; these are: {}",
                    f.name,
                    FILTERS.join(", ")
                ));
            }
            f.expr.as_ref().map_or(Ok(()), expr)?;
            args(&f.args)
        }
        Expr::Test(t) => {
            expr(&t.expr)?;
            args(&t.args)
        }
        Expr::Call(_) => Err("calls (such as `range(…)`) are not offered in mail templates".into()),
        Expr::List(l) => exprs(&l.items),
        Expr::Tuple(t) => exprs(&t.items),
        Expr::Map(m) => {
            exprs(&m.keys)?;
            exprs(&m.values)
        }
    }
}

/// A buffer that refuses to grow past [`MAX_OUTPUT`].
#[derive(Default)]
pub struct CappedOutput(pub Vec<u8>);

impl std::io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT {
            return Err(std::io::Error::other(format!(
                "the message would be longer than {MAX_OUTPUT} bytes"
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_message_needs_is_accepted() {
        for ok in [
            crate::templates::DEFAULT_DIGEST_SUBJECT,
            crate::templates::DEFAULT_DIGEST_BODY,
            "{% for s in sections %}{% for i in s.items if i.due_on %}{{ loop.index }}. {{ i.title|upper }}{% endfor %}{% else %}none{% endfor %}",
            "{{ name ~ ', ' ~ organisation }} {{ sections|length }} {{ count + 1 }}",
        ] {
            assert_eq!(check_shape(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn what_could_stall_or_exhaust_the_server_is_refused() {
        for hostile in [
            "{{ 'x' * 100000000 }}",
            "{{ 9 ** 99 }}",
            "{% set a = name ~ name %}{% set b = a ~ a %}{{ b }}",
            "{% with a = name ~ name %}{{ a }}{% endwith %}",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            "{% for a in [name ~ name] %}{% for b in [a ~ a] %}{{ b }}{% endfor %}{% endfor %}",
            "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
            "{{ name|indent(1000000000) }}",
            "{{ '%1000000000s'|format(name) }}",
            "{% for s in sections recursive %}{{ loop(s.items) }}{% endfor %}",
            "{% filter upper %}x{% endfilter %}",
        ] {
            assert!(check_shape(hostile).is_err(), "{hostile}");
        }
        assert!(check_shape(&"x".repeat(MAX_SOURCE + 1)).is_err());
        let deep = format!("{{{{ {}name{} }}}}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(check_shape(&deep).is_err(), "deep nesting is a parse error");
    }

    /// Long chains parse into trees as deep as they are long: a walk of
    /// such a tree overflowed the stack and aborted the server.
    #[test]
    fn long_chains_and_deep_blocks_are_refused_before_any_tree_is_built() {
        let plus = format!("{{{{ count{} }}}}", "+1".repeat(16_000));
        let filters = format!("{{{{ name{} }}}}", "|d".repeat(10_000));
        let concat = format!("{{{{ name{} }}}}", " ~ name".repeat(4_000));
        let attrs = format!("{{{{ name{} }}}}", ".a".repeat(15_000));
        let nots = format!("{{{{ {}name }}}}", "not ".repeat(7_000));
        for (what, source) in [
            ("+", &plus),
            ("|", &filters),
            ("~", &concat),
            (".", &attrs),
            ("not", &nots),
        ] {
            let refused = check_shape(source).expect_err(what);
            assert!(refused.contains("more than 64 parts"), "{what}: {refused}");
        }
        let ifs = format!(
            "{}x{}",
            "{% if count %}".repeat(1_000),
            "{% endif %}".repeat(1_000)
        );
        assert!(check_shape(&ifs).expect_err("nesting").contains("nest"));
        let elifs = format!(
            "{{% if count %}}{}x{{% endif %}}",
            "{% elif count %}".repeat(2_000)
        );
        assert!(
            check_shape(&elifs)
                .expect_err("elif chain")
                .contains("nest")
        );
        let reset = format!(
            "{}{}",
            "{% if count %}{% set x %}{% endset %}".repeat(149),
            "{% endif %}".repeat(149)
        );
        assert!(
            check_shape(&reset)
                .expect_err("set blocks")
                .contains("nest")
        );
        let fine = format!(
            "{}x{}",
            "{% if count %}".repeat(MAX_NESTING),
            "{% endif %}".repeat(MAX_NESTING)
        );
        assert_eq!(check_shape(&fine), Ok(()));
    }
}
