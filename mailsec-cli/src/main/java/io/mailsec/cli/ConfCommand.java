package io.mailsec.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailsec.cli.conf.ConfInstall;
import io.mailsec.cli.conf.InstallReport;
import io.mailsec.core.conf.ConfCheck;
import io.mailsec.core.conf.Finding;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;

/** {@code mailsec conf check JAMES_CONF_DIR}: the {@code postfix check} of mailsec. */
public final class ConfCommand implements Subcommand {
    private static final String USAGE = String.join("\n",
            "usage: mailsec conf check JAMES_CONF_DIR [--dns HOST[:PORT]] [--no-dns] [--json]",
            "  checks a James configuration directory for what breaks James's start or mailsec's work:",
            "  processors routed to but not defined, repository protocols not registered, missing files,",
            "  an [inbound] TLS list on a listener without STARTTLS, EHLO names that are not FQDNs,",
            "  DKIM keys whose published record does not match (DNS; --no-dns skips), a virus scan before",
            "  alias expansion, logging that hides mailsec's lines.",
            "  exit 0: nothing found; 1: problems found (one line each, or --json {\"problems\": [{\"check\",\"file\",\"message\"}]})",
            "usage: mailsec conf install JAMES_CONF_DIR [--dry-run] [--clamd HOST:PORT] [--trusted-networks LIST]",
            "  makes the edits of docs/install.md sections 1-6 in a James configuration directory: the Guice module,",
            "  the file:// repository protocol, the SMTP hooks (and STARTTLS on the MX listener), mailsec's mailets",
            "  and processors, the log lines, the sample policy/opt-out/key-table files. XML-aware: comments and",
            "  layout are kept; what is already there is not added again (a second run changes nothing).",
            "  --dry-run prints the diff and writes nothing. --clamd: VirusScan's clamd (default 127.0.0.1:3310);",
            "  --trusted-networks: MailAuthCheck's networks whose mail is not checked (default its own, 127.0.0.0/8, ::1).",
            "  prints what it did and what is left to do by hand (keys, names, lists); exit 0, 1 when a file cannot be edited.");

    @Override
    public String summary() {
        return "check a James configuration directory for mailsec, or install mailsec into it (conf check|install)";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        if (args.get(0).equals("install")) {
            return install(args.subList(1, args.size()), out);
        }
        if (!args.get(0).equals("check")) {
            throw new UsageException("unknown subcommand '" + args.get(0) + "' (check, install)");
        }
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json", "--no-dns"), Set.of("--dns"));
        Path dir = directory(o.single("JAMES_CONF_DIR"));
        String dnsServer = o.value("--dns", null);
        boolean json = o.flag("--json");
        boolean noDns = o.flag("--no-dns");
        DnsResolver dns = noDns ? null
                : DnsjavaResolver.create(dnsServer == null ? List.of() : List.of(dnsServer.split(",")), Duration.ofSeconds(5));
        List<Finding> findings = new ConfCheck(dir, dns).run();
        if (json) {
            ObjectNode j = new ObjectMapper().createObjectNode();
            ArrayNode a = j.putArray("problems");
            for (Finding f : findings) {
                a.addObject().put("check", f.check()).put("file", f.file()).put("message", f.message());
            }
            out.println(j);
        } else if (findings.isEmpty()) {
            out.println(dir + ": no problems found");
        } else {
            findings.forEach(out::println);
        }
        return findings.isEmpty() ? 0 : 1;
    }

    private static int install(List<String> args, PrintStream out) throws Exception {
        CliOptions o = CliOptions.parse(args, 0, Set.of("--dry-run"), Set.of("--clamd", "--trusted-networks"));
        ConfInstall.Options options = new ConfInstall.Options();
        Path dir = directory(o.single("JAMES_CONF_DIR"));
        boolean dryRun = o.flag("--dry-run");
        options.clamd = o.value("--clamd", options.clamd);
        options.trustedNetworks = o.value("--trusted-networks", options.trustedNetworks);
        ConfInstall install = new ConfInstall(dir, options);
        InstallReport report = install.plan();
        if (dryRun) {
            install.diffs().values().forEach(out::print);
        } else {
            install.write();
        }
        String verb = dryRun ? "would change" : "changed";
        if (report.done().isEmpty()) {
            out.println(dir + ": nothing to change (mailsec is installed)");
        }
        report.done().forEach(d -> out.println(verb + "  " + d));
        report.todo().forEach(t -> out.println("to do    " + t));
        return 0;
    }

    private static Path directory(String arg) throws UsageException {
        if (arg == null) {
            throw new UsageException("JAMES_CONF_DIR missing");
        }
        Path dir = Path.of(arg);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("JAMES_CONF_DIR " + dir + " is not a directory");
        }
        return dir;
    }
}
