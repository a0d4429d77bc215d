//! Just enough Markdown for the rules' documentation (their doc comments): headings,
//! paragraphs, bullet lists, fenced code and inline code. The app shows a rule's page offline
//! from these blocks; anything fancier stays as text.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Code(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
}

pub fn parse(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |blocks: &mut Vec<Block>, paragraph: &mut Vec<&str>, list: &mut Vec<String>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inline(&paragraph.join(" "))));
            paragraph.clear();
        }
        if !list.is_empty() {
            blocks.push(Block::List(list.iter().map(|i| inline(i)).collect()));
            list.clear();
        }
    };
    for line in markdown.lines() {
        if let Some(lines) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut blocks, &mut paragraph, &mut list);
            code = Some(Vec::new());
        } else if let Some(h) = trimmed.strip_prefix('#') {
            flush(&mut blocks, &mut paragraph, &mut list);
            blocks.push(Block::Heading(h.trim_start_matches('#').trim().to_string()));
        } else if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* "))
        {
            if !paragraph.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut list);
            }
            list.push(item.to_string());
        } else if trimmed.is_empty() {
            flush(&mut blocks, &mut paragraph, &mut list);
        } else if !list.is_empty() && line.starts_with(' ') {
            if let Some(last) = list.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
        } else {
            if !list.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut list);
            }
            paragraph.push(trimmed);
        }
    }
    if let Some(lines) = code {
        blocks.push(Block::Code(lines.join("\n")));
    }
    flush(&mut blocks, &mut paragraph, &mut list);
    blocks
}

/// Splits text on backticks into text and code spans.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, part) in text.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        if i % 2 == 1 {
            out.push(Inline::Code(part.to_string()));
        } else {
            out.push(Inline::Text(part.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_rule_page() {
        let md = "## What it does\nReports `x`\nover two lines.\n\n- one\n- two `b`\n\n```yaml\na: 1\n  b: 2\n```\nEnd.";
        assert_eq!(
            parse(md),
            [
                Block::Heading("What it does".into()),
                Block::Paragraph(vec![
                    Inline::Text("Reports ".into()),
                    Inline::Code("x".into()),
                    Inline::Text(" over two lines.".into()),
                ]),
                Block::List(vec![
                    vec![Inline::Text("one".into())],
                    vec![Inline::Text("two ".into()), Inline::Code("b".into())],
                ]),
                Block::Code("a: 1\n  b: 2".into()),
                Block::Paragraph(vec![Inline::Text("End.".into())]),
            ]
        );
    }

    #[test]
    fn every_rule_page_parses_into_headings_and_text() {
        for rule in crate::lint::registry::RULES {
            let blocks = parse(&rule.doc_markdown());
            assert!(blocks.iter().any(|b| matches!(b, Block::Heading(_))), "{}", rule.name);
        }
    }
}
