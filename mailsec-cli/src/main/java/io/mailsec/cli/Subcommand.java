package io.mailsec.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** One top-level area of the {@code mailsec} command (dkim, spf, dmarc, tls, av). */
public interface Subcommand {
    /**
     * Runs the command. {@code args} excludes the area name (e.g. for {@code mailsec dkim keygen ...}
     * it starts with "keygen"). Returns the process exit code: 0 on success.
     */
    int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception;

    /** One line for the top-level help. */
    String summary();
}
