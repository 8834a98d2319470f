package io.mailsec.cli.conf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code smtpserver.xml}: the inbound hooks on the MX listener (STARTTLS switched on there), the
 * submission hooks on the listeners that offer AUTH (docs/install.md section 3).
 */
final class SmtpServerEdits {
    static final String FILE = "smtpserver.xml";
    static final List<String> MX_HANDLERS = List.of(
            "<handler class=\"io.mailsec.core.james.TlsRequiredForAuthHook\"/>",
            "<handler class=\"io.mailsec.tls.james.InboundTlsPolicyHook\">\n"
                    + "    <policyFile>conf/mailsec-tls.policy</policyFile>\n</handler>",
            "<handler class=\"io.mailsec.tls.james.TlsReceivedHook\"/>",
            "<handler class=\"io.mailsec.tls.james.RequireTlsHook\"/>");
    static final List<String> SUBMISSION_HANDLERS = List.of(
            "<handler class=\"io.mailsec.core.james.TlsRequiredForAuthHook\"/>",
            "<handler class=\"io.mailsec.core.james.RequireAuthHook\"/>",
            "<handler class=\"io.mailsec.tls.james.TlsReceivedHook\"/>",
            "<handler class=\"io.mailsec.tls.james.RequireTlsHook\"/>");

    private final XmlText xml;
    private final Path workingDirectory;
    private final InstallReport report;

    SmtpServerEdits(XmlText xml, Path workingDirectory, InstallReport report) {
        this.xml = xml;
        this.workingDirectory = workingDirectory;
        this.report = report;
    }

    void apply() {
        int count = xml.root().children("smtpserver").size();
        for (int i = 0; i < count; i++) {
            XmlText.Element server = server(i);
            if (server.attribute("enabled").equals("false")) {
                continue;
            }
            String name = xml.childText(server, "bind") + " (" + xml.childText(server, "jmxName") + ")";
            boolean mx = isMx(server);
            for (String handler : mx ? MX_HANDLERS : SUBMISSION_HANDLERS) {
                addHandler(i, name, handler);
            }
            if (mx) {
                startTls(i, name);
            } else {
                requireSsl(i, name);
            }
            keyFiles(i, name);
        }
    }

    private XmlText.Element server(int i) {
        return xml.root().children("smtpserver").get(i);
    }

    /** The listener other servers deliver to: port 25, or one that never offers AUTH. */
    private boolean isMx(XmlText.Element server) {
        String bind = xml.childText(server, "bind");
        String announce = server.child("auth").map(a -> xml.childText(a, "announce")).orElse("");
        return bind.matches(".*:25(\\D.*)?") || announce.isEmpty() || announce.equals("never");
    }

    private void addHandler(int i, String name, String handler) {
        String cls = handler.replaceFirst("(?s)^<handler class=\"([^\"]+)\".*", "$1");
        Optional<XmlText.Element> chain = server(i).child("handlerchain");
        if (chain.isEmpty()) {
            report.todo(FILE, name + ": no <handlerchain>; add " + cls + " to it by hand");
            return;
        }
        List<XmlText.Element> handlers = chain.get().children("handler");
        if (handlers.stream().anyMatch(h -> h.names("class", cls))) {
            return;
        }
        // Before James's own handlers, after the mailsec ones already added, so the order stays the documented one.
        Optional<XmlText.Element> firstJames = handlers.stream().filter(h -> !h.attribute("class").startsWith("io.mailsec.")).findFirst();
        if (firstJames.isPresent()) {
            xml.insertBefore(firstJames.get(), handler);
        } else {
            xml.appendChild(chain.get(), handler);
        }
        report.done(FILE, name + ": handler " + cls);
    }

    private void startTls(int i, String name) {
        Optional<XmlText.Element> tls = server(i).child("tls");
        if (tls.isEmpty()) {
            report.todo(FILE, name + ": no <tls> element; add <tls socketTLS=\"false\" startTLS=\"true\"> with a keystore or key and "
                    + "certificate, or an [inbound] entry requiring TLS answers 530 for a command that is not offered");
            return;
        }
        if (!tls.get().attribute("socketTLS").equals("true") && !tls.get().attribute("startTLS").equals("true")) {
            xml.setAttribute(tls.get(), "startTLS", "true");
            report.done(FILE, name + ": startTLS=\"true\"");
        }
    }

    /** A key or certificate the listener names that does not exist stops James's start. */
    private void keyFiles(int i, String name) {
        Optional<XmlText.Element> tls = server(i).child("tls");
        if (tls.isEmpty() || (!tls.get().attribute("socketTLS").equals("true") && !tls.get().attribute("startTLS").equals("true"))) {
            return;
        }
        for (String element : new String[] {"keystore", "privateKey", "certificates"}) {
            Optional<XmlText.Element> ref = tls.get().child(element);
            if (ref.isPresent()) {
                Path file = resolve(xml.content(ref.get()));
                if (!Files.isRegularFile(file)) {
                    report.todo(FILE, name + ": <" + element + "> " + file + " does not exist and James will not start without it "
                            + "(create it, or point <tls> at your key and certificate; docs/install.md section 3)");
                }
            }
        }
    }

    private void requireSsl(int i, String name) {
        Optional<XmlText.Element> required = server(i).child("auth").flatMap(a -> a.child("requireSSL"));
        if (required.isPresent() && !xml.content(required.get()).equals("true")) {
            xml.replace(required.get(), "<requireSSL>true</requireSSL>");
            report.done(FILE, name + ": <requireSSL>true</requireSSL>");
        }
        String authorized = xml.childText(server(i), "authorizedAddresses");
        if (!authorized.isEmpty()) {
            report.todo(FILE, name + ": <authorizedAddresses>" + authorized + "</authorizedAddresses> may relay without AUTH; "
                    + "empty it unless those hosts are yours");
        }
    }

    /** A James file reference ({@code file://conf/x}, {@code conf/x} or absolute) against the working directory. */
    private Path resolve(String reference) {
        String path = reference.replaceFirst("^file://", "");
        Path p = Path.of(path);
        return p.isAbsolute() ? p : workingDirectory.resolve(p).normalize();
    }
}
