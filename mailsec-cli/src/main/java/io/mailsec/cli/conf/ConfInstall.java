package io.mailsec.cli.conf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code mailsec conf install JAMES_CONF_DIR}: docs/install.md sections 1 to 6 applied to a James
 * configuration directory. Each edit is skipped when what it adds is already there, so a second run
 * changes nothing; the files are rewritten only where they change (comments and layout stay).
 */
public final class ConfInstall {
    /** What the administrator chooses; the rest is the documented default. */
    public static final class Options {
        /** clamd's address for VirusScan. */
        public String clamd = "127.0.0.1:3310";
        /** MailAuthCheck's trustedNetworks; null keeps MailAuthCheck's default (127.0.0.0/8, ::1). */
        public String trustedNetworks;
    }

    static final String MODULE = "io.mailsec.core.james.MailsecModule";
    /** mailsec's WebAdmin routes (what TlsPolicyDelivery has queued). */
    static final String ROUTES = "io.mailsec.tls.james.DeliveryQueueRoutes";
    /** The sample files (from james-conf/conf) the install writes when the directory has none. */
    static final String[] SAMPLES = {"mailsec-tls.policy", "virus-warning-optout.txt", "dkim/keytable"};

    private final Path dir;
    private final Options options;
    private final InstallReport report = new InstallReport();
    private final Map<String, String> before = new LinkedHashMap<>();
    private final Map<String, String> after = new LinkedHashMap<>();

    public ConfInstall(Path dir, Options options) {
        this.dir = dir.toAbsolutePath().normalize();
        this.options = options;
    }

    /** Works out every change (nothing is written yet) and returns what was done and what is left. */
    public InstallReport plan() throws IOException {
        listProperty("extensions.properties", "guice.extension.module", MODULE);
        if (Files.exists(dir.resolve("webadmin.properties"))) {
            // Without the file WebAdmin is off: nothing to add routes to.
            listProperty("webadmin.properties", "extensions.routes", ROUTES);
        }
        xml("mailrepositorystore.xml", this::fileProtocol);
        xml(SmtpServerEdits.FILE, x -> new SmtpServerEdits(x, dir.getParent(), report).apply());
        xml(MailetContainerEdits.FILE, x -> new MailetContainerEdits(x, options, report).apply());
        xml(LogbackEdits.FILE, x -> new LogbackEdits(x, report).apply());
        for (String sample : SAMPLES) {
            if (!Files.exists(dir.resolve(sample))) {
                change(sample, "", sample(sample));
                report.done(sample, "sample written");
            }
        }
        leftToDo();
        return report;
    }

    /** The changed files, by name relative to the directory, as unified diffs. */
    public Map<String, String> diffs() {
        Map<String, String> d = new LinkedHashMap<>();
        after.forEach((name, text) -> d.put(name, UnifiedDiff.of(name, before.get(name), text)));
        return d;
    }

    /** Writes the changed files, each replaced atomically so James never reads half a file. */
    public void write() throws IOException {
        for (Map.Entry<String, String> e : after.entrySet()) {
            Path target = dir.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".mailsec-install");
            Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Adds {@code value} to the comma-separated list property {@code key} of a properties file: appended
     * to the list, or uncommenting James's sample line, or as a new line.
     */
    private void listProperty(String name, String key, String value) throws IOException {
        String text = read(name);
        if (text.contains(value)) {
            return;
        }
        String k = java.util.regex.Pattern.quote(key);
        String changed;
        if (text.matches("(?s)(.*\n)?" + k + "=.*")) {
            changed = text.replaceFirst("(?m)^(" + k + "=.*?)[ \\t]*$", "$1," + value).replace("=," + value, "=" + value);
        } else if (text.matches("(?s)(.*\n)?#\\s*" + k + "=.*")) {
            changed = text.replaceFirst("(?m)^#\\s*" + k + "=.*$", key + "=" + value);
        } else {
            changed = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + key + "=" + value + "\n";
        }
        change(name, text, changed);
        report.done(name, key + " " + value);
    }

    /** mailsec's quarantine and rejected-mail repositories are file:// ones, which James's sample does not register. */
    private void fileProtocol(XmlText x) {
        boolean registered = x.root().find(e -> e.name.equals("protocol")).stream().anyMatch(p -> x.content(p).equals("file"));
        if (registered) {
            return;
        }
        String repository = "<mailrepository class=\"org.apache.james.mailrepository.file.FileMailRepository\">\n"
                + "    <protocols>\n        <protocol>file</protocol>\n    </protocols>\n"
                + "    <config FIFO=\"false\" CACHEKEYS=\"true\"/>\n</mailrepository>";
        x.appendChild(x.root().child("mailrepositories").orElse(x.root()), repository);
        report.done("mailrepositorystore.xml", "the file:// repository protocol");
    }

    private void xml(String name, Consumer<XmlText> edits) throws IOException {
        if (!Files.exists(dir.resolve(name))) {
            report.todo(name, "not in " + dir + "; copy James's sample " + name + " there and run again");
            return;
        }
        String text = read(name);
        XmlText x = new XmlText(dir.resolve(name).toString(), text);
        edits.accept(x);
        if (!x.text().equals(text)) {
            change(name, text, x.text());
        }
    }

    private void leftToDo() throws IOException {
        String keyTable = after.containsKey("dkim/keytable") ? after.get("dkim/keytable") : read("dkim/keytable");
        if (keyTable.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"))) {
            report.todo("dkim/keytable", "no signing key yet: mailsec dkim keygen --domain YOUR.DOMAIN --selector s2026 --out "
                    + dir.resolve("dkim") + " --table " + dir.resolve("dkim/keytable") + ", then publish the TXT record it prints");
        }
        report.todo(SmtpServerEdits.FILE, "a fully qualified <helloName> on each listener (the name the MX's certificate is for)");
        report.todo("mailetcontainer.xml", "<postmaster> an address that is read; domainlist.xml: your domains");
        report.todo("mailsec-tls.policy", "the [outbound] and [inbound] lists (tls-policy-mailet/README.md)");
        report.todo("", "then: mailsec conf check " + dir + " (and the same checks run at James's start)");
    }

    private void change(String name, String was, String is) {
        before.putIfAbsent(name, was);
        after.put(name, is);
    }

    private String read(String name) throws IOException {
        if (after.containsKey(name)) {
            return after.get(name);
        }
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private static String sample(String name) {
        try (InputStream in = ConfInstall.class.getResourceAsStream("sample/" + name)) {
            if (in == null) {
                throw new IllegalStateException("sample " + name + " missing from the mailsec CLI jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
