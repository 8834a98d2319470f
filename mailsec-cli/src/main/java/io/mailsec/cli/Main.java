package io.mailsec.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of {@code ./mailsec}: dispatches to one {@link Subcommand} per area. */
public final class Main {
    /** Areas and the classes that implement them, loaded by name so each area is its own file. */
    private static final Map<String, String> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("dkim", "io.mailsec.cli.DkimCommand");
        AREAS.put("spf", "io.mailsec.cli.SpfCommand");
        AREAS.put("dmarc", "io.mailsec.cli.DmarcCommand");
        AREAS.put("tls", "io.mailsec.cli.TlsCommand");
        AREAS.put("av", "io.mailsec.cli.AvCommand");
        AREAS.put("conf", "io.mailsec.cli.ConfCommand");
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.in, System.out, System.err));
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            usage(out);
            return args.isEmpty() ? 2 : 0;
        }
        String area = args.get(0);
        Subcommand cmd = load(area);
        if (cmd == null) {
            err.println("mailsec: unknown command '" + area + "'");
            usage(err);
            return 2;
        }
        try {
            return cmd.run(new ArrayList<>(args.subList(1, args.size())), in, out, err);
        } catch (UsageException e) {
            err.println("mailsec " + area + ": " + e.getMessage());
            if (!e.getMessage().contains("usage:")) {
                err.println("(mailsec " + area + " --help shows the usage)");
            }
            return 2;
        } catch (Exception e) {
            err.println("mailsec " + area + ": " + e);
            return 1;
        }
    }

    static Subcommand load(String area) {
        String cls = AREAS.get(area);
        if (cls == null) {
            return null;
        }
        try {
            return (Subcommand) Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: mailsec <command> <subcommand> [options]   (each with --help)");
        for (String area : AREAS.keySet()) {
            Subcommand cmd = load(area);
            if (cmd != null) {
                out.printf("  %-6s %s%n", area, cmd.summary());
            }
        }
    }
}
