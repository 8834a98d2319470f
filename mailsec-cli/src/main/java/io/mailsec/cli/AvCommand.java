package io.mailsec.cli;

import io.mailsec.av.ClamdClient;
import io.mailsec.av.ClamdEndpoint;
import io.mailsec.av.ClamdException;
import io.mailsec.av.MessageScanner;
import io.mailsec.av.PartVerdict;
import io.mailsec.av.ScanReport;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;

/**
 * {@code mailsec av scan [--clamd HOST:PORT|SOCKET] [--json] FILE.eml} prints per-part verdicts;
 * {@code mailsec av ping [--clamd ...]} prints clamd's version.
 * Exit codes of scan: 0 clean, 1 infected, 3 unscannable, 4 scanner error, 2 usage.
 */
public final class AvCommand implements Subcommand {
    static final String DEFAULT_CLAMD = "127.0.0.1:3310";

    @Override
    public String summary() {
        return "virus scan a message with clamd, per MIME part (scan, ping)";
    }

    private static void usage(PrintStream out) {
        out.println("usage: mailsec av scan [--clamd HOST:PORT|SOCKET] [--json] [--max-stream SIZE] [--timeout SECONDS] FILE.eml|-");
        out.println("       mailsec av ping [--clamd HOST:PORT|SOCKET]");
        out.println("  --clamd       clamd address (default $MAILSEC_CLAMD or " + DEFAULT_CLAMD + "); a path is a Unix socket");
        out.println("  --json        one JSON object: {\"verdict\", \"reason\", \"viruses\", \"parts\": [{\"name\", \"position\",");
        out.println("                \"contentType\", \"verdict\", \"viruses\", \"reason\", \"size\"}]}");
        out.println("  --max-stream  longest part sent to clamd (default 25M; keep <= clamd's StreamMaxLength)");
        out.println("  --timeout     clamd read timeout in seconds (default 60)");
        out.println("exit status: 0 clean, 1 infected, 3 unscannable, 4 scanner error, 2 usage error");
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            usage(out);
            return args.isEmpty() ? 2 : 0;
        }
        String sub = args.get(0);
        if (!sub.equals("scan") && !sub.equals("ping")) {
            throw new UsageException("unknown subcommand '" + sub + "' (scan, ping)");
        }
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json"), Set.of("--clamd", "--max-stream", "--timeout"));
        if (o.help()) {
            usage(out);
            return 0;
        }
        String clamd = o.value("--clamd", System.getenv().getOrDefault("MAILSEC_CLAMD", DEFAULT_CLAMD));
        boolean json = o.flag("--json");
        long maxStream = o.value("--max-stream", null) == null ? 25L * 1024 * 1024 : parseSize(o.value("--max-stream", null));
        int timeoutSeconds = (int) o.number("--timeout", 60, "seconds");
        String file = o.single("FILE.eml");
        ClamdEndpoint endpoint;
        try {
            endpoint = ClamdEndpoint.parse(clamd);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--clamd: " + e.getMessage());
        }
        try (ClamdClient client = ClamdClient.builder(endpoint).poolSize(1).streamMaxLength(maxStream)
            .ioTimeoutMillis(Math.max(1, timeoutSeconds) * 1000).build()) {
            if (sub.equals("ping")) {
                try {
                    String pong = client.ping();
                    out.println(pong + " " + client.version());
                    return 0;
                } catch (ClamdException e) {
                    err.println("mailsec av: " + e.getMessage());
                    return 4;
                }
            }
            if (file == null) {
                throw new UsageException("scan needs FILE.eml (or - for standard input)");
            }
            ScanReport report;
            try (InputStream msg = file.equals("-") ? in : open(Paths.get(file))) {
                report = new MessageScanner(client).scan(new BufferedInputStream(msg, 64 * 1024));
            }
            if (json) {
                out.println(report.toJson());
            } else {
                print(report, out);
            }
            switch (report.verdict()) {
                case CLEAN:
                    return 0;
                case INFECTED:
                    return 1;
                case UNSCANNABLE:
                    return 3;
                default:
                    return 4;
            }
        }
    }

    private static InputStream open(Path p) throws Exception {
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + p);
        }
    }

    private static void print(ScanReport r, PrintStream out) {
        out.println("verdict: " + r.verdict().word() + " (" + r.reason() + ")");
        int w = 4;
        for (PartVerdict p : r.parts()) {
            w = Math.max(w, p.name().length());
        }
        w = Math.min(w, 48);
        for (PartVerdict p : r.parts()) {
            String detail = p.viruses().isEmpty() ? p.reason() : String.join(", ", p.viruses());
            out.printf("  %-8s %-" + w + "s %-12s %s%n", p.position(), p.name(), p.verdict().word(), detail);
        }
    }

    private static long parseSize(String v) throws UsageException {
        try {
            String s = v.trim().toUpperCase();
            long mult = s.endsWith("K") ? 1024 : s.endsWith("M") ? 1024 * 1024 : s.endsWith("G") ? 1024L * 1024 * 1024 : 1;
            if (mult > 1) {
                s = s.substring(0, s.length() - 1);
            }
            return Long.parseLong(s) * mult;
        } catch (NumberFormatException e) {
            throw new UsageException("--max-stream needs a size such as 25M: " + v);
        }
    }
}
