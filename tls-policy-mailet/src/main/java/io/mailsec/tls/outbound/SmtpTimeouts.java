package io.mailsec.tls.outbound;

import java.time.Duration;

/**
 * How long the client waits at each step of an SMTP session (RFC 5321 §4.5.3.2 gives the minimums a
 * client should allow: greeting 5 min, MAIL/RCPT 5 min, end of data 10 min), and an overall deadline
 * for one session, so that a peer that answers one byte a minute cannot hold a worker for hours.
 */
public final class SmtpTimeouts {
    public static final SmtpTimeouts DEFAULTS = new SmtpTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20));

    public final Duration connect;
    public final Duration greeting;
    public final Duration command;
    public final Duration dataEnd;
    public final Duration session;

    public SmtpTimeouts(Duration connect, Duration greeting, Duration command, Duration dataEnd, Duration session) {
        this.connect = connect;
        this.greeting = greeting;
        this.command = command;
        this.dataEnd = dataEnd;
        this.session = session;
    }

    static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    @Override
    public String toString() {
        return "connect=" + connect + " greeting=" + greeting + " command=" + command + " dataEnd=" + dataEnd + " session=" + session;
    }
}
