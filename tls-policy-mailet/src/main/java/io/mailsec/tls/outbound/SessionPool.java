package io.mailsec.tls.outbound;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Open SMTP sessions kept after a transaction, so the next message for the same MX address under the
 * same policy level goes over the same connection (after RSET) instead of a new TCP and TLS handshake.
 * A session is kept for at most {@code idle} and {@code maxTransactions}; the key carries the MX name,
 * address and level, so a session is only reused where the same TLS decision was already made.
 */
final class SessionPool {
    /** A kept session and what was established on it. */
    static final class Idle {
        final SmtpClient client;
        final int transactions;
        final boolean tls;
        final String protocol;
        final String cipher;
        final CertificateVerdict certificate;
        ScheduledFuture<?> reaper;

        Idle(SmtpClient client, int transactions, boolean tls, String protocol, String cipher, CertificateVerdict certificate) {
            this.client = client;
            this.transactions = transactions;
            this.tls = tls;
            this.protocol = protocol;
            this.cipher = cipher;
            this.certificate = certificate;
        }

        /** RSET: the session is usable for a new transaction. */
        boolean reset() {
            try {
                return client.command("RSET").code() == 250;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private final int maxTransactions;
    private final Duration idle;
    private final ScheduledExecutorService timer;
    private final Map<String, ArrayDeque<Idle>> sessions = new HashMap<>();

    SessionPool(int maxTransactions, Duration idle, ScheduledExecutorService timer) {
        this.maxTransactions = maxTransactions;
        this.idle = idle;
        this.timer = timer;
    }

    boolean enabled() {
        return maxTransactions > 1 && !idle.isZero();
    }

    /** A kept session for the key, usable after RSET, or null; stale ones are closed on the way. */
    Idle take(String key) {
        while (true) {
            Idle s;
            synchronized (this) {
                ArrayDeque<Idle> q = sessions.get(key);
                s = q == null ? null : q.pollLast();
                if (q != null && q.isEmpty()) {
                    sessions.remove(key);
                }
            }
            if (s == null) {
                return null;
            }
            s.reaper.cancel(false);
            if (s.reset()) {
                return s;
            }
            s.client.close();
        }
    }

    /** Keeps the session unless it has carried its share of transactions (then QUIT). */
    void offer(String key, Idle s) {
        if (!enabled() || s.transactions >= maxTransactions) {
            s.client.quit();
            s.client.close();
            return;
        }
        synchronized (this) {
            // The reaper is set before the session is visible: a take() on another worker may poll it at once.
            // expire() waits for this monitor, so scheduling it here cannot let it run first.
            s.reaper = timer.schedule(() -> expire(key, s), idle.toMillis(), TimeUnit.MILLISECONDS);
            sessions.computeIfAbsent(key, k -> new ArrayDeque<>()).add(s);
        }
    }

    private void expire(String key, Idle s) {
        boolean removed;
        synchronized (this) {
            ArrayDeque<Idle> q = sessions.get(key);
            removed = q != null && q.remove(s);
            if (q != null && q.isEmpty()) {
                sessions.remove(key);
            }
        }
        if (removed) {
            s.client.quit();
            s.client.close();
        }
    }
}
