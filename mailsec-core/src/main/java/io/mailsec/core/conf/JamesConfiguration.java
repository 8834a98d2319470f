package io.mailsec.core.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.james.JamesPaths;

/** A James configuration directory as the checks read it: its XML parsed once, its paths resolved as James does. */
public final class JamesConfiguration {
    private final Path conf;
    private final Document mailetcontainer;
    private final Document smtpserver;
    private final DnsResolver dns;

    JamesConfiguration(Path conf, Document mailetcontainer, Document smtpserver, DnsResolver dns) {
        this.conf = conf;
        this.mailetcontainer = mailetcontainer;
        this.smtpserver = smtpserver;
        this.dns = dns;
    }

    public Path conf() {
        return conf;
    }

    /** The working directory: the configuration directory's parent. */
    public Path workingDirectory() {
        return conf.getParent();
    }

    /** A path parameter's file, as James resolves it. */
    public Path resolve(String value) {
        return JamesPaths.resolve(workingDirectory(), value);
    }

    /** mailetcontainer.xml, or null when it is missing or not well-formed (reported already). */
    public Document mailetcontainer() {
        return mailetcontainer;
    }

    /** smtpserver.xml, or null when it is missing or not well-formed (reported already). */
    public Document smtpserver() {
        return smtpserver;
    }

    /** A resolver for checks that look things up in DNS, or null: DNS checks are skipped. */
    public DnsResolver dns() {
        return dns;
    }

    public static List<Element> elements(Node parent, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList l = parent instanceof Document ? ((Document) parent).getElementsByTagName(tag)
                : ((Element) parent).getElementsByTagName(tag);
        for (int i = 0; i < l.getLength(); i++) {
            out.add((Element) l.item(i));
        }
        return out;
    }

    /** The trimmed text of {@code e}'s first child element {@code tag}, or null. */
    public static String child(Element e, String tag) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNodeName().equals(tag)) {
                return n.getTextContent().trim();
            }
        }
        return null;
    }

    /** How a message names an smtpserver element: its jmxName. */
    public static String jmxName(Element server) {
        String n = child(server, "jmxName");
        return n == null ? "an smtpserver" : n;
    }
}
