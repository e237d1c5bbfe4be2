//! Exclusive XML canonicalization without comments
//! (<http://www.w3.org/2001/10/xml-exc-c14n#>), as much of it as XML
//! Signature over a packet needs: a whole document less its enveloped
//! signature, or one element's subtree (`SignedInfo`). No crate does it
//! without libxml2; it is checked against `xmlsec1` in the tests.
//!
//! Not covered: an `InclusiveNamespaces` prefix list, processing
//! instructions inside the element (dropped), DTD defaults (DTDs are
//! refused).

use crate::{EdxmlError, Result};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// What is canonicalized.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// The document element, without the first `ds:Signature` in it
    /// (the enveloped-signature transform) when `omit_signature`.
    Document { omit_signature: bool },
    /// The first element named `local` in namespace `ns`, with its subtree.
    Element { ns: &'a str, local: &'a str },
}

fn xml_err(e: impl std::fmt::Display) -> EdxmlError {
    EdxmlError::Xml(e.to_string())
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Namespace bindings: those declared in the document, and those written
/// to the output by the output ancestors of an element.
#[derive(Default)]
struct Bindings {
    declared: Vec<Vec<(String, String)>>,
    rendered: Vec<Vec<(String, String)>>,
}

impl Bindings {
    fn resolve(&self, prefix: &str) -> Option<String> {
        if prefix == "xml" {
            return Some(XML_NS.to_string());
        }
        self.declared
            .iter()
            .rev()
            .flat_map(|f| f.iter())
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.clone())
    }

    fn rendered(&self, prefix: &str) -> Option<&str> {
        self.rendered
            .iter()
            .rev()
            .flat_map(|f| f.iter())
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }
}

struct Attr {
    prefix: String,
    local: String,
    value: String,
}

fn split(qname: &str) -> (&str, &str) {
    qname.split_once(':').unwrap_or(("", qname))
}

/// A start tag: its name, its namespace declarations (prefix, URI), its
/// other attributes.
struct Tag {
    name: String,
    decls: Vec<(String, String)>,
    attrs: Vec<Attr>,
}

/// Reads a start tag.
fn tag(e: &BytesStart) -> Result<Tag> {
    let name = std::str::from_utf8(e.name().as_ref())
        .map_err(xml_err)?
        .to_string();
    let mut decls = Vec::new();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(true) {
        let a = a.map_err(xml_err)?;
        let key = std::str::from_utf8(a.key.as_ref()).map_err(xml_err)?;
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(xml_err)?
            .into_owned();
        if key == "xmlns" {
            decls.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_string(), value));
        } else {
            let (prefix, local) = split(key);
            attrs.push(Attr {
                prefix: prefix.to_string(),
                local: local.to_string(),
                value,
            });
        }
    }
    Ok(Tag { name, decls, attrs })
}

/// The canonical form of `scope` in `xml`, as UTF-8.
pub fn exclusive(xml: &str, scope: Scope) -> Result<String> {
    let xml = xml.replace("\r\n", "\n");
    let mut reader = quick_xml::Reader::from_str(&xml);
    reader.config_mut().trim_text(false);
    let mut b = Bindings::default();
    let mut out = String::with_capacity(xml.len());
    // Depth inside the output subtree (0: not in it), and inside a
    // skipped signature.
    let mut inside = 0usize;
    let mut skipping = 0usize;
    let mut omitted = false;
    let mut done = false;
    loop {
        let event = reader.read_event().map_err(xml_err)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let Tag { name, decls, attrs } = tag(e)?;
                b.declared.push(decls);
                let (prefix, local) = split(&name);
                let ns = b.resolve(prefix).unwrap_or_default();
                if skipping > 0 {
                    skipping += 1;
                } else if inside > 0
                    && !omitted
                    && matches!(
                        scope,
                        Scope::Document {
                            omit_signature: true
                        }
                    )
                    && local == "Signature"
                    && ns == DSIG_NS
                {
                    omitted = true;
                    skipping = 1;
                } else if inside > 0 || (!done && starts(scope, &ns, local, &b)) {
                    inside += 1;
                    open(&name, prefix, &attrs, &mut b, &mut out)?;
                } else {
                    b.rendered.push(Vec::new());
                }
                if empty {
                    close(
                        &name,
                        &mut b,
                        &mut inside,
                        &mut skipping,
                        &mut done,
                        &mut out,
                    );
                }
            }
            Event::End(ref e) => {
                let name = std::str::from_utf8(e.name().as_ref())
                    .map_err(xml_err)?
                    .to_string();
                close(
                    &name,
                    &mut b,
                    &mut inside,
                    &mut skipping,
                    &mut done,
                    &mut out,
                );
            }
            Event::Text(t) if inside > 0 && skipping == 0 => {
                escape_text(&t.xml10_content().map_err(xml_err)?, &mut out);
            }
            Event::CData(t) if inside > 0 && skipping == 0 => {
                escape_text(&t.decode().map_err(xml_err)?, &mut out);
            }
            Event::GeneralRef(r) if inside > 0 && skipping == 0 => {
                let c = match r.resolve_char_ref().map_err(xml_err)? {
                    Some(c) => c,
                    None => match r.decode().map_err(xml_err)?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(xml_err(format!("unknown entity &{other};"))),
                    },
                };
                escape_text(c.encode_utf8(&mut [0; 4]), &mut out);
            }
            Event::DocType(_) => return Err(xml_err("a DTD is not accepted")),
            Event::Eof => break,
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(EdxmlError::Missing("the element to canonicalize"));
    }
    Ok(out)
}

fn starts(scope: Scope, ns: &str, local: &str, b: &Bindings) -> bool {
    match scope {
        Scope::Document { .. } => b.declared.len() == 1,
        Scope::Element { ns: want, local: l } => ns == want && local == l,
    }
}

fn open(
    name: &str,
    prefix: &str,
    attrs: &[Attr],
    b: &mut Bindings,
    out: &mut String,
) -> Result<()> {
    // Namespaces visibly utilized: the element's own and its attributes'.
    let mut used: Vec<&str> = vec![prefix];
    for a in attrs {
        if !a.prefix.is_empty() && a.prefix != "xml" && !used.contains(&a.prefix.as_str()) {
            used.push(&a.prefix);
        }
    }
    let mut render: Vec<(String, String)> = Vec::new();
    for p in used {
        let uri = b.resolve(p).unwrap_or_default();
        if !p.is_empty() && uri.is_empty() {
            return Err(xml_err(format!("prefix {p} is not declared")));
        }
        let before = b.rendered(p).unwrap_or("");
        if before != uri {
            render.push((p.to_string(), uri));
        }
    }
    render.sort();
    let mut sorted: Vec<(String, &Attr)> = attrs
        .iter()
        .map(|a| {
            let uri = if a.prefix.is_empty() {
                String::new()
            } else {
                b.resolve(&a.prefix).unwrap_or_default()
            };
            (uri, a)
        })
        .collect();
    sorted.sort_by(|(u1, a1), (u2, a2)| (u1, &a1.local).cmp(&(u2, &a2.local)));
    out.push('<');
    out.push_str(name);
    for (p, uri) in &render {
        if p.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(p);
            out.push_str("=\"");
        }
        escape_attr(uri, out);
        out.push('"');
    }
    for (_, a) in sorted {
        out.push(' ');
        if !a.prefix.is_empty() {
            out.push_str(&a.prefix);
            out.push(':');
        }
        out.push_str(&a.local);
        out.push_str("=\"");
        escape_attr(&a.value, out);
        out.push('"');
    }
    out.push('>');
    b.rendered.push(render);
    Ok(())
}

fn close(
    name: &str,
    b: &mut Bindings,
    inside: &mut usize,
    skipping: &mut usize,
    done: &mut bool,
    out: &mut String,
) {
    b.declared.pop();
    if *skipping > 0 {
        *skipping -= 1;
        return;
    }
    b.rendered.pop();
    if *inside > 0 {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
        *inside -= 1;
        if *inside == 0 {
            *done = true;
        }
    }
}
