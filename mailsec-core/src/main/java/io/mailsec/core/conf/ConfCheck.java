package io.mailsec.core.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import io.mailsec.core.config.XmlFiles;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.james.JamesPaths;

/**
 * The checks of {@code mailsec conf check JAMES_CONF_DIR} (and of James's start, see
 * {@code MailsecModule}): what makes James refuse to start or mailsec misbehave. The working
 * directory is the parent of the configuration directory (James's layout: {@code <working dir>/conf}).
 * Checks of one module's files (the TLS lists, the DKIM key tables) live in that module as a
 * {@link ConfigurationCheck}, found with {@link ServiceLoader}.
 */
public final class ConfCheck {
    /** mailsec parameters that name a file (or, for templateDirectory, a directory). */
    private static final Set<String> FILE_PARAMETERS = Set.of("keyTable", "policyFile", "optOutFile", "trustStore",
            "publicSuffixList", "templateDirectory");
    /** mailet parameters that name a processor. */
    private static final Set<String> PROCESSOR_PARAMETERS = Set.of("processor", "errorProcessor", "retryExhaustedProcessor",
            "retryProcessor", "bounceProcessor");
    private static final String MODULE = "io.mailsec.core.james.MailsecModule";
    private static final Pattern LEVEL = Pattern.compile("level\\s*=\\s*\"(\\w+)\"");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private final Path conf;
    private final Path workingDirectory;
    private final DnsResolver dns;
    private final List<Finding> findings = new ArrayList<>();

    /** @param dns resolver for the DKIM key check, or null to skip it */
    public ConfCheck(Path conf, DnsResolver dns) {
        this.conf = conf.toAbsolutePath().normalize();
        this.workingDirectory = this.conf.getParent();
        this.dns = dns;
    }

    public List<Finding> run() throws IOException {
        Document mailets = xml("mailetcontainer.xml");
        Document smtp = xml("smtpserver.xml");
        if (mailets != null) {
            processors(mailets);
            repositories(mailets);
            files(mailets, "mailetcontainer.xml");
            virusScanOrder(mailets);
            heloName(mailets);
        }
        if (smtp != null) {
            files(smtp, "smtpserver.xml");
            ehloName(smtp);
        }
        logging();
        tlsKeys();
        runtimeModule(mailets, smtp);
        JamesConfiguration parsed = new JamesConfiguration(conf, mailets, smtp, dns);
        for (ConfigurationCheck check : ServiceLoader.load(ConfigurationCheck.class, ConfCheck.class.getClassLoader())) {
            findings.addAll(check.check(parsed));
        }
        return findings;
    }

    /** mailsec stages are configured but James would not bind their shared runtime: James stops at start. */
    private void runtimeModule(Document mailets, Document smtp) throws IOException {
        if (!usesMailsec(mailets) && !usesMailsec(smtp)) {
            return;
        }
        Path p = conf.resolve("extensions.properties");
        java.util.Properties props = new java.util.Properties();
        if (Files.isRegularFile(p)) {
            try (java.io.Reader r = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
                props.load(r);
            }
        }
        List<String> modules = List.of(props.getProperty("guice.extension.module", "").trim().split("\\s*,\\s*"));
        if (!modules.contains(MODULE)) {
            add("runtime", "extensions.properties", "mailsec stages are configured but guice.extension.module does not name "
                    + MODULE + ": James stops at start;"
                    + " add guice.extension.module=" + MODULE);
        }
    }

    private static boolean usesMailsec(Document d) {
        if (d == null) {
            return false;
        }
        for (String attribute : List.of("class", "match")) {
            NodeList all = d.getElementsByTagName("*");
            for (int i = 0; i < all.getLength(); i++) {
                if (((Element) all.item(i)).getAttribute(attribute).startsWith("io.mailsec.")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void add(String check, String file, String message) {
        findings.add(new Finding(check, file, message));
    }

    private Document xml(String name) throws IOException {
        Path p = conf.resolve(name);
        if (!Files.isRegularFile(p)) {
            add("file", name, "missing: James needs " + p);
            return null;
        }
        try {
            return XmlFiles.parse(p);
        } catch (IOException | org.xml.sax.SAXException e) {
            add("xml", name, "not well-formed XML: " + e.getMessage());
            return null;
        }
    }

    /**
     * Key and certificate files that a TLS listener (or JMAP) names but that do not exist: James refuses
     * to start. James's own sample names {@code conf/keystore} everywhere and does not ship one.
     */
    private void tlsKeys() throws IOException {
        for (String name : List.of("smtpserver.xml", "imapserver.xml", "pop3server.xml", "lmtpserver.xml", "managesieveserver.xml")) {
            Path p = conf.resolve(name);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            Document d;
            try {
                d = XmlFiles.parse(p);
            } catch (IOException | org.xml.sax.SAXException e) {
                continue; // reported where the file matters
            }
            for (Element tls : elements(d, "tls")) {
                Node server = tls.getParentNode();
                boolean enabled = !(server instanceof Element) || !"false".equalsIgnoreCase(((Element) server).getAttribute("enabled"));
                boolean on = "true".equalsIgnoreCase(tls.getAttribute("socketTLS")) || "true".equalsIgnoreCase(tls.getAttribute("startTLS"));
                if (!enabled || !on) {
                    continue;
                }
                for (String key : List.of("keystore", "privateKey", "certificates")) {
                    String ref = child(tls, key);
                    if (ref != null && !ref.isBlank() && !Files.isRegularFile(JamesPaths.resolve(conf.getParent(), ref))) {
                        add("tls-key", name, (server instanceof Element ? JamesConfiguration.jmxName((Element) server) + ": " : "")
                                + "<" + key + "> " + JamesPaths.resolve(conf.getParent(), ref) + " does not exist: James will not start "
                                + "(create it, or point <tls> at your key and certificate; docs/install.md section 3)");
                    }
                }
            }
        }
        Path jmap = conf.resolve("jmap.properties");
        if (Files.isRegularFile(jmap)) {
            java.util.Properties props = new java.util.Properties();
            try (java.io.Reader r = Files.newBufferedReader(jmap)) {
                props.load(r);
            }
            String keystore = props.getProperty("tls.keystoreURL");
            if ("true".equalsIgnoreCase(props.getProperty("enabled", "").trim()) && keystore != null
                    && !Files.isRegularFile(JamesPaths.resolve(conf.getParent(), keystore.trim()))) {
                add("tls-key", "jmap.properties", "tls.keystoreURL " + JamesPaths.resolve(conf.getParent(), keystore.trim())
                        + " does not exist: James will not start (create it, or set enabled=false if you do not serve JMAP)");
            }
        }
    }

    private static List<Element> elements(Node parent, String tag) {
        return JamesConfiguration.elements(parent, tag);
    }

    private static String child(Element e, String tag) {
        return JamesConfiguration.child(e, tag);
    }

    /** A processor that routing names but no {@code <processor state=...>} defines. */
    private void processors(Document d) {
        Set<String> defined = new LinkedHashSet<>();
        for (Element p : elements(d, "processor")) {
            if (p.hasAttribute("state")) {
                defined.add(p.getAttribute("state"));
            }
        }
        for (Element m : elements(d, "mailet")) {
            for (String param : PROCESSOR_PARAMETERS) {
                String v = child(m, param);
                if (v != null && !v.isEmpty() && !defined.contains(v)) {
                    add("processor", "mailetcontainer.xml", m.getAttribute("class") + " sends mail to processor '" + v
                            + "', which is not defined (defined: " + String.join(", ", defined) + ")");
                }
            }
        }
    }

    /** A repository URL whose protocol mailrepositorystore.xml does not register. */
    private void repositories(Document d) throws IOException {
        Set<String> protocols = new LinkedHashSet<>();
        Document store = xml("mailrepositorystore.xml");
        if (store != null) {
            for (Element p : elements(store, "protocol")) {
                protocols.add(p.getTextContent().trim());
            }
        }
        for (String tag : List.of("repositoryPath", "errorRepository")) {
            for (Element e : elements(d, tag)) {
                String url = e.getTextContent().trim();
                int sep = url.indexOf("://");
                if (sep > 0 && !protocols.contains(url.substring(0, sep))) {
                    add("repository", "mailetcontainer.xml", url + ": protocol '" + url.substring(0, sep)
                            + "' is not registered in mailrepositorystore.xml (registered: " + String.join(", ", protocols)
                            + "); James fails with UnsupportedRepositoryStoreException");
                }
            }
        }
    }

    /** A mailsec parameter that names a file that is not there (relative to the working directory). */
    private void files(Document d, String name) {
        for (String param : FILE_PARAMETERS) {
            for (Element e : elements(d, param)) {
                String v = e.getTextContent().trim();
                Path p = JamesPaths.resolve(workingDirectory, v);
                boolean ok = param.equals("templateDirectory") ? Files.isDirectory(p) : Files.isReadable(p) && !Files.isDirectory(p);
                if (!ok) {
                    add("file", name, param + "=" + v + ": " + p + " does not exist (relative paths are relative to the"
                            + " working directory " + workingDirectory + ")");
                }
            }
        }
    }

    /** VirusScan before RecipientRewriteTable in its processor, or in root: aliases and lists not expanded yet. */
    private void virusScanOrder(Document d) {
        for (Element p : elements(d, "processor")) {
            boolean rrtSeen = false;
            for (Element m : elements(p, "mailet")) {
                String cls = m.getAttribute("class");
                if (cls.equals("RecipientRewriteTable") || cls.endsWith(".RecipientRewriteTable")) {
                    rrtSeen = true;
                } else if (cls.equals("io.mailsec.av.james.VirusScan") && !rrtSeen) {
                    add("virus-scan-order", "mailetcontainer.xml", "VirusScan in processor '" + p.getAttribute("state")
                            + "' runs before RecipientRewriteTable: aliases and lists are not expanded yet, so their members"
                            + " are not warned (put it after RecipientRewriteTable, as james-conf does in transport)");
                }
            }
        }
    }

    private void heloName(Document d) {
        for (Element m : elements(d, "mailet")) {
            String h = child(m, "heloName");
            if (h != null && !fqdn(h)) {
                add("ehlo", "mailetcontainer.xml", m.getAttribute("class") + " heloName '" + h + "' is not a fully qualified"
                        + " domain name: receiving servers may refuse or distrust it (RFC 5321 §4.1.1.1)");
            }
        }
    }

    private void ehloName(Document d) {
        for (Element server : elements(d, "smtpserver")) {
            for (Element h : elements(server, "helloName")) {
                if (!"true".equalsIgnoreCase(h.getAttribute("autodetect")) && !fqdn(h.getTextContent().trim())) {
                    add("ehlo", "smtpserver.xml", "helloName '" + h.getTextContent().trim() + "' of " + jmxName(server)
                            + " is not a fully qualified domain name (RFC 5321 §4.1.1.1)");
                }
            }
        }
    }

    private static boolean fqdn(String name) {
        return io.mailsec.core.dns.HostNames.isFqdn(name);
    }

    private static String jmxName(Element server) {
        return JamesConfiguration.jmxName(server);
    }

    /** logback.xml levels that hide mailsec's INFO lines (the verdicts the READMEs tell admins to look for). */
    private void logging() throws IOException {
        Path p = conf.resolve("logback.xml");
        if (!Files.isRegularFile(p)) {
            return;
        }
        String text = Files.readString(p);
        String mailsec = level(text, "<logger\\s+name=\"io\\.mailsec\"[^>]*>");
        String root = level(text, "<root[^>]*>");
        String effective = mailsec != null ? mailsec : root;
        if (effective != null && LEVELS.indexOf(effective.toUpperCase(Locale.ROOT)) > LEVELS.indexOf("INFO")) {
            add("logging", "logback.xml", "mailsec logs at " + effective.toUpperCase(Locale.ROOT) + (mailsec != null
                    ? " (logger io.mailsec)" : " (the root level; no io.mailsec logger)") + ": its verdict lines (INFO) are"
                    + " hidden; add <logger name=\"io.mailsec\" level=\"INFO\"/>");
        }
    }

    private static String level(String text, String elementPattern) {
        Matcher e = Pattern.compile(elementPattern).matcher(text);
        if (!e.find()) {
            return null;
        }
        Matcher l = LEVEL.matcher(e.group());
        return l.find() ? l.group(1) : null;
    }
}
