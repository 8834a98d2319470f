package io.mailsec.cli.conf;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.xml.sax.InputSource;

/**
 * An XML file as text with its element tree located in it, so that an edit inserts or replaces exact
 * character ranges and leaves everything else (comments, layout, attribute quoting, the licence
 * header) as the administrator wrote it; a DOM round trip would not. Commented-out elements are not
 * elements. Every edit re-locates the tree and the result is checked to be well-formed.
 */
public final class XmlText {
    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w:.-]+)\\s*=\\s*(\"([^\"]*)\"|'([^']*)')");
    private static final String STEP = "    ";

    /** One element: where it starts and ends in the text, its attributes and children. */
    public static final class Element {
        public final String name;
        public final Map<String, String> attributes;
        final int start;
        final int startTagEnd;
        int contentEnd;
        int end;
        final Element parent;
        public final List<Element> children = new ArrayList<>();

        Element(String name, Map<String, String> attributes, int start, int startTagEnd, Element parent) {
            this.name = name;
            this.attributes = attributes;
            this.start = start;
            this.startTagEnd = startTagEnd;
            this.parent = parent;
        }

        public String attribute(String name) {
            return attributes.getOrDefault(name, "");
        }

        /**
         * Whether the attribute names {@code className}: exactly, or by the simple name James resolves in
         * its own packages ({@code RemoteDelivery} for {@code org.apache.james.transport.mailets.RemoteDelivery}).
         */
        public boolean names(String attribute, String className) {
            String v = attribute(attribute).trim();
            return v.equals(className) || className.endsWith("." + v);
        }

        public List<Element> children(String name) {
            List<Element> r = new ArrayList<>();
            for (Element c : children) {
                if (c.name.equals(name)) {
                    r.add(c);
                }
            }
            return r;
        }

        public Optional<Element> child(String name) {
            return children.stream().filter(c -> c.name.equals(name)).findFirst();
        }

        /** Every descendant (depth first, document order) that the predicate accepts. */
        public List<Element> find(Predicate<Element> p) {
            List<Element> r = new ArrayList<>();
            for (Element c : children) {
                if (p.test(c)) {
                    r.add(c);
                }
                r.addAll(c.find(p));
            }
            return r;
        }
    }

    private String text;
    private Element root;
    private final String file;

    public XmlText(String file, String text) {
        this.file = file;
        this.text = text;
        this.root = locate(text);
    }

    public String text() {
        return text;
    }

    public Element root() {
        return root;
    }

    /** The text content of an element without comments, trimmed ("" for an empty one). */
    public String content(Element e) {
        if (e.contentEnd <= e.startTagEnd) {
            return "";
        }
        return text.substring(e.startTagEnd, e.contentEnd).replaceAll("(?s)<!--.*?-->", "").trim();
    }

    /** The content of the element's first child of that name, "" when it has none. */
    public String childText(Element e, String name) {
        return e.child(name).map(this::content).orElse("");
    }

    /** Inserts {@code fragment} (lines indented with four spaces per level) as the element's last child. */
    public void appendChild(Element parent, String fragment) {
        if (!parent.children.isEmpty()) {
            insertAfter(parent.children.get(parent.children.size() - 1), fragment);
            return;
        }
        String indent = indent(parent) + STEP;
        if (parent.contentEnd < parent.startTagEnd) {
            // <x/> becomes <x>fragment</x>
            String open = text.substring(parent.start, parent.startTagEnd - 2).stripTrailing() + ">";
            splice(parent.start, parent.end, open + "\n" + indent + indented(fragment, indent) + "\n" + indent(parent)
                    + "</" + parent.name + ">");
            return;
        }
        splice(parent.startTagEnd, parent.contentEnd, "\n" + indent + indented(fragment, indent) + "\n" + indent(parent));
    }

    /** Inserts {@code fragment} as the element's first child. */
    public void prependChild(Element parent, String fragment) {
        if (parent.children.isEmpty()) {
            appendChild(parent, fragment);
        } else {
            insertBefore(parent.children.get(0), fragment);
        }
    }

    public void insertBefore(Element e, String fragment) {
        String indent = indent(e);
        splice(e.start, e.start, indented(fragment, indent) + "\n" + indent);
    }

    public void insertAfter(Element e, String fragment) {
        String indent = indent(e);
        splice(e.end, e.end, "\n" + indent + indented(fragment, indent));
    }

    public void replace(Element e, String fragment) {
        splice(e.start, e.end, indented(fragment, indent(e)));
    }

    /** Sets an attribute of the element's start tag (added when missing). */
    public void setAttribute(Element e, String name, String value) {
        String tag = text.substring(e.start, e.startTagEnd);
        Matcher m = Pattern.compile("(\\s" + Pattern.quote(name) + "\\s*=\\s*)(\"[^\"]*\"|'[^']*')").matcher(tag);
        String changed = m.find() ? tag.substring(0, m.start(2)) + '"' + value + '"' + tag.substring(m.end(2))
                : tag.substring(0, e.name.length() + 1) + " " + name + "=\"" + value + "\"" + tag.substring(e.name.length() + 1);
        splice(e.start, e.startTagEnd, changed);
    }

    private void splice(int from, int to, String replacement) {
        String changed = text.substring(0, from) + replacement + text.substring(to);
        wellFormed(file, changed);
        text = changed;
        root = locate(changed);
    }

    private String indent(Element e) {
        int line = text.lastIndexOf('\n', e.start - 1) + 1;
        String before = text.substring(line, e.start);
        return before.isBlank() ? before : STEP.repeat(depth(e));
    }

    private static int depth(Element e) {
        int d = 0;
        for (Element p = e.parent; p != null && !p.name.isEmpty(); p = p.parent) {
            d++;
        }
        return d;
    }

    private static String indented(String fragment, String indent) {
        return fragment.strip().replace("\n", "\n" + indent);
    }

    /** Throws when {@code text} is not well-formed XML (no DTDs or external entities are read). */
    public static void wellFormed(String file, String text) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            f.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
        } catch (Exception e) {
            throw new IllegalArgumentException(file + ": not well-formed XML: " + e.getMessage(), e);
        }
    }

    private Element locate(String s) {
        Element top = new Element("", Map.of(), 0, 0, null);
        Element current = top;
        int i = 0;
        while ((i = s.indexOf('<', i)) >= 0) {
            if (s.startsWith("<!--", i)) {
                i = skip(s, i, "-->");
            } else if (s.startsWith("<![CDATA[", i)) {
                i = skip(s, i, "]]>");
            } else if (s.startsWith("<?", i)) {
                i = skip(s, i, "?>");
            } else if (s.startsWith("<!", i)) {
                i = skip(s, i, ">");
            } else if (s.startsWith("</", i)) {
                int close = skip(s, i, ">");
                current.contentEnd = i;
                current.end = close;
                current = current.parent == null ? top : current.parent;
                i = close;
            } else {
                int close = tagEnd(s, i);
                boolean empty = s.charAt(close - 2) == '/';
                String tag = s.substring(i + 1, close - (empty ? 2 : 1));
                int nameEnd = 0;
                while (nameEnd < tag.length() && !Character.isWhitespace(tag.charAt(nameEnd))) {
                    nameEnd++;
                }
                Map<String, String> attributes = new LinkedHashMap<>();
                Matcher m = ATTRIBUTE.matcher(tag.substring(nameEnd));
                while (m.find()) {
                    attributes.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
                }
                Element e = new Element(tag.substring(0, nameEnd), attributes, i, close, current);
                current.children.add(e);
                if (empty) {
                    e.contentEnd = -1;
                    e.end = close;
                } else {
                    current = e;
                }
                i = close;
            }
        }
        if (top.children.isEmpty()) {
            throw new IllegalArgumentException(file + ": no XML element");
        }
        return top.children.get(top.children.size() - 1);
    }

    private int skip(String s, int from, String terminator) {
        int end = s.indexOf(terminator, from);
        if (end < 0) {
            throw new IllegalArgumentException(file + ": unterminated markup at offset " + from);
        }
        return end + terminator.length();
    }

    /** The offset after a start tag's '>', quotes respected. */
    private int tagEnd(String s, int from) {
        char quote = 0;
        for (int i = from + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(file + ": unterminated tag at offset " + from);
    }
}
