package io.mailsec.cli.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** {@code mailetcontainer.xml}: mailsec's stages in James's processors (docs/install.md section 4). */
final class MailetContainerEdits {
    static final String FILE = "mailetcontainer.xml";
    private static final String MAIL_AUTH_CHECK = "io.mailsec.dmarc.james.MailAuthCheck";
    private static final String VIRUS_SCAN = "io.mailsec.av.james.VirusScan";
    private static final String DKIM_SIGN = "io.mailsec.dkim.james.DkimSign";
    private static final String DELIVERY = "io.mailsec.tls.james.TlsPolicyDelivery";
    private static final String REMOTE_DELIVERY = "org.apache.james.transport.mailets.RemoteDelivery";
    /**
     * RemoteDelivery parameters that mean the same on TlsPolicyDelivery. Not bounceProcessor: RemoteDelivery
     * sends the failed mail there for a DSNBounce to answer, TlsPolicyDelivery sends the DSN it built, which
     * James's stock "bounces" processor would then bounce again (to the null sender: lost).
     */
    private static final Map<String, String> CARRIED = Map.of("maxRetries", "maxRetries", "deliveryThreads", "deliveryThreads",
            "delayTime", "retrySchedule");

    static final String DMARC_REJECT_PROCESSOR = String.join("\n",
            "<processor state=\"dmarc-reject\" enableJmx=\"false\">",
            "    <!-- a bounce only where SPF shows the envelope sender is genuine; never backscatter to forged ones -->",
            "    <mailet match=\"io.mailsec.spf.james.SpfResultIs=pass\" class=\"Bounce\">",
            "        <notice>550 5.7.1 Rejected by the DMARC policy of the sender's domain</notice>",
            "        <attachment>heads</attachment>",
            "        <passThrough>true</passThrough>",
            "    </mailet>",
            "    <mailet match=\"All\" class=\"ToRepository\">",
            "        <repositoryPath>file://var/mail/dmarc-rejected/</repositoryPath>",
            "    </mailet>",
            "</processor>");
    static final String VIRUS_PROCESSOR = String.join("\n",
            "<processor state=\"virus\" enableJmx=\"false\">",
            "    <mailet match=\"All\" class=\"io.mailsec.av.james.Quarantine\">",
            "        <repositoryPath>file://var/mail/quarantine/</repositoryPath>",
            "        <passThrough>true</passThrough>",
            "    </mailet>",
            "    <mailet match=\"All\" class=\"io.mailsec.av.james.VirusWarning\">",
            "        <optOutFile>conf/virus-warning-optout.txt</optOutFile>",
            "    </mailet>",
            "    <mailet match=\"All\" class=\"Null\"/>",
            "</processor>");

    private final XmlText xml;
    private final ConfInstall.Options options;
    private final InstallReport report;

    MailetContainerEdits(XmlText xml, ConfInstall.Options options, InstallReport report) {
        this.xml = xml;
        this.options = options;
        this.report = report;
    }

    void apply() {
        if (processors().isEmpty()) {
            report.todo(FILE, "no <processors> element; add mailsec's stages by hand (docs/install.md section 4)");
            return;
        }
        mailAuthCheck();
        virusScan();
        spamFolder();
        delivery();
        errorProcessor();
        define("dmarc-reject", DMARC_REJECT_PROCESSOR);
        define("virus", VIRUS_PROCESSOR);
    }

    private void mailAuthCheck() {
        if (anyMailet(m -> m.names("class", MAIL_AUTH_CHECK))) {
            return;
        }
        Optional<XmlText.Element> root = processor("root");
        if (root.isEmpty()) {
            report.todo(FILE, "no root processor; add " + MAIL_AUTH_CHECK + " where inbound mail enters");
            return;
        }
        String check = "<mailet match=\"All\" class=\"" + MAIL_AUTH_CHECK + "\""
                + (options.trustedNetworks == null ? "/>" : ">\n    <trustedNetworks>" + options.trustedNetworks + "</trustedNetworks>\n</mailet>");
        String fragment = check + "\n"
                + "<mailet match=\"io.mailsec.dmarc.james.DmarcDispositionIs=reject\" class=\"ToProcessor\">\n"
                + "    <processor>dmarc-reject</processor>\n</mailet>";
        // Before the root's hand-over to transport: every mail, local or relayed, gets its verdict once.
        Optional<XmlText.Element> handOver = first(root.get(), m -> m.attribute("match").equals("All") && m.names("class", "ToProcessor"));
        if (handOver.isPresent()) {
            xml.insertBefore(handOver.get(), fragment);
        } else {
            xml.appendChild(root.get(), fragment);
        }
        report.done(FILE, "root: MailAuthCheck, DMARC reject to dmarc-reject");
    }

    private void virusScan() {
        if (anyMailet(m -> m.names("class", VIRUS_SCAN))) {
            return;
        }
        Optional<XmlText.Element> transport = processor("transport");
        if (transport.isEmpty()) {
            report.todo(FILE, "no transport processor; add " + VIRUS_SCAN + " after alias expansion, before local delivery");
            return;
        }
        String fragment = "<mailet match=\"All\" class=\"" + VIRUS_SCAN + "\">\n    <clamd>" + options.clamd + "</clamd>\n</mailet>\n"
                + "<mailet match=\"io.mailsec.av.james.IsInfected\" class=\"ToProcessor\">\n    <processor>virus</processor>\n</mailet>\n"
                + "<mailet match=\"io.mailsec.av.james.IsUnscannable\" class=\"ToProcessor\">\n    <processor>virus</processor>\n</mailet>";
        // After RecipientRewriteTable: a virus sent to an alias or a list is scanned for the real recipients.
        Optional<XmlText.Element> rrt = first(transport.get(), m -> m.names("class", "RecipientRewriteTable"));
        Optional<XmlText.Element> local = first(transport.get(), m -> m.attribute("match").startsWith("RecipientIsLocal"));
        if (rrt.isPresent()) {
            xml.insertAfter(rrt.get(), fragment);
        } else if (local.isPresent()) {
            xml.insertBefore(local.get(), fragment);
        } else {
            xml.prependChild(transport.get(), fragment);
        }
        report.done(FILE, "transport: VirusScan (clamd " + options.clamd + "), infected and unscannable to virus");
    }

    private void spamFolder() {
        if (anyMailet(m -> m.attribute("match").startsWith("io.mailsec.dmarc.james.DmarcDispositionIs=quarantine"))) {
            return;
        }
        Optional<XmlText.Element> local = processors().stream().filter(p -> first(p, m -> m.names("class", "LocalDelivery")).isPresent())
                .findFirst();
        if (local.isEmpty()) {
            report.todo(FILE, "no processor with LocalDelivery; DMARC quarantine has nowhere to file mail in the Spam folder");
            return;
        }
        String fragment = "<mailet match=\"io.mailsec.dmarc.james.DmarcDispositionIs=quarantine\" class=\"io.mailsec.core.james.ToFolder\">\n"
                + "    <folder>Spam</folder>\n</mailet>";
        // After Sieve, so that a user's own rules do not move it back out of Spam.
        Optional<XmlText.Element> sieve = first(local.get(), m -> m.names("class", "Sieve"));
        if (sieve.isPresent()) {
            xml.insertAfter(sieve.get(), fragment);
        } else {
            xml.insertBefore(first(local.get(), m -> m.names("class", "LocalDelivery")).orElseThrow(), fragment);
        }
        report.done(FILE, local.get().attribute("state") + ": DMARC quarantine to the Spam folder");
    }

    private void delivery() {
        Optional<XmlText.Element> remote;
        while ((remote = firstAnywhere(m -> m.names("class", REMOTE_DELIVERY))).isPresent()) {
            XmlText.Element rd = remote.get();
            StringBuilder carried = new StringBuilder("<policyFile>conf/mailsec-tls.policy</policyFile>\n<onTlsFailure>bounce</onTlsFailure>"
                    + "\n<mtaSts>true</mtaSts>");
            List<String> dropped = new ArrayList<>();
            for (XmlText.Element p : rd.children) {
                String as = CARRIED.get(p.name);
                // RemoteDelivery's "2*10m" repetition has no equivalent; bare numbers are milliseconds in both
                if (as != null && !xml.content(p).contains("*")) {
                    carried.append("\n<").append(as).append('>').append(xml.content(p)).append("</").append(as).append('>');
                } else if (!p.name.equals("onMailetException") && !p.name.equals("onMatchException")) {
                    dropped.add(p.name);
                }
            }
            String state = rd.parent.attribute("state");
            boolean signs = first(rd.parent, m -> m.names("class", DKIM_SIGN)).isPresent();
            String sign = signs ? "" : "<mailet match=\"All\" class=\"" + DKIM_SIGN + "\">\n    <keyTable>conf/dkim/keytable</keyTable>\n</mailet>\n";
            xml.replace(rd, sign + "<mailet match=\"" + rd.attribute("match") + "\" class=\"" + DELIVERY + "\">\n    "
                    + carried.toString().replace("\n", "\n    ") + "\n</mailet>");
            report.done(FILE, state + ": RemoteDelivery replaced by " + (signs ? "" : "DkimSign and ") + "TlsPolicyDelivery");
            if (!dropped.isEmpty()) {
                report.todo(FILE, state + ": RemoteDelivery parameters " + String.join(", ", dropped)
                        + " have no TlsPolicyDelivery equivalent and were left out (tls-policy-mailet/README.md lists its own)");
            }
        }
        if (!anyMailet(m -> m.names("class", DELIVERY))) {
            report.todo(FILE, "no RemoteDelivery to replace; add DkimSign and TlsPolicyDelivery to your outgoing processor");
        }
    }

    private void errorProcessor() {
        Optional<XmlText.Element> error = processor("error");
        if (error.isEmpty()) {
            report.todo(FILE, "no error processor; mail a mailet fails on needs one (James's sample has it)");
            return;
        }
        if (error.get().children("matcher").stream().noneMatch(m -> m.attribute("name").equals("virus-stopped"))) {
            // A mail the scan stopped and that then failed must not be bounced with the virus attached.
            xml.prependChild(error.get(), "<matcher name=\"virus-stopped\" match=\"org.apache.james.mailetcontainer.impl.matchers.Or\">\n"
                    + "    <matcher match=\"io.mailsec.av.james.IsInfected\"/>\n    <matcher match=\"io.mailsec.av.james.IsUnscannable\"/>\n"
                    + "</matcher>\n<mailet match=\"virus-stopped\" class=\"io.mailsec.av.james.Quarantine\">\n"
                    + "    <repositoryPath>file://var/mail/error/</repositoryPath>\n    <onMailetException>propagate</onMailetException>\n"
                    + "</mailet>");
            report.done(FILE, "error: mail the scan stopped is quarantined, never bounced");
        }
        Optional<XmlText.Element> bounce = first(processor("error").orElseThrow(), m -> m.names("class", "Bounce")
                && m.child("attachment").isEmpty());
        if (bounce.isPresent()) {
            xml.prependChild(bounce.get(), "<attachment>heads</attachment>");
            report.done(FILE, "error: Bounce returns headers only");
        }
    }

    private void define(String state, String fragment) {
        if (processor(state).isEmpty()) {
            xml.appendChild(xml.root().child("processors").orElseThrow(), fragment);
            report.done(FILE, "processor " + state + " defined");
        }
    }

    private List<XmlText.Element> processors() {
        return xml.root().child("processors").map(p -> p.children("processor")).orElse(List.of());
    }

    private Optional<XmlText.Element> processor(String state) {
        return processors().stream().filter(p -> p.attribute("state").equals(state)).findFirst();
    }

    private static Optional<XmlText.Element> first(XmlText.Element processor, Predicate<XmlText.Element> p) {
        return processor.children("mailet").stream().filter(p).findFirst();
    }

    private Optional<XmlText.Element> firstAnywhere(Predicate<XmlText.Element> p) {
        return processors().stream().flatMap(x -> first(x, p).stream()).findFirst();
    }

    private boolean anyMailet(Predicate<XmlText.Element> p) {
        return firstAnywhere(p).isPresent();
    }
}
