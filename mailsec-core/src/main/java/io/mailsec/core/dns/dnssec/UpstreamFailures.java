package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * The upstream side of the validating resolver: answers other than NOERROR and NXDOMAIN (SERVFAIL,
 * REFUSED, ...) become an {@link UpstreamFailure}. dnsjava's validator would otherwise call such an
 * answer bogus ("validate.response.unknown"), and a recursive server that could not reach an
 * authority would look like an attack; this way a failure stays a failure and BOGUS means a
 * signature or proof that did not hold.
 */
final class UpstreamFailures implements Resolver {
    /** An upstream server answered, but with an RCODE that carries no data. */
    static final class UpstreamFailure extends IOException {
        private static final long serialVersionUID = 1L;

        UpstreamFailure(String message) {
            super(message);
        }
    }

    private final Resolver upstream;
    private final String description;

    UpstreamFailures(Resolver upstream, String description) {
        this.upstream = upstream;
        this.description = description;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return upstream.sendAsync(query).thenCompose(this::check);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        return upstream.sendAsync(query, executor).thenCompose(this::check);
    }

    private CompletionStage<Message> check(Message response) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return CompletableFuture.completedFuture(response);
        }
        String ede = ExtendedErrors.describeAll(response);
        CompletableFuture<Message> failed = new CompletableFuture<>();
        failed.completeExceptionally(new UpstreamFailure(description + " answered " + Rcode.string(rcode) + " to "
                + Type.string(response.getQuestion().getType()) + " " + response.getQuestion().getName()
                + (ede.isEmpty() ? "" : " with " + ede)));
        return failed;
    }

    @Override
    public void setPort(int port) {
        upstream.setPort(port);
    }

    @Override
    public void setTCP(boolean flag) {
        upstream.setTCP(flag);
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        upstream.setIgnoreTruncation(flag);
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        upstream.setEDNS(version, payloadSize, flags, options);
    }

    @Override
    public void setTSIGKey(TSIG key) {
        upstream.setTSIGKey(key);
    }

    @Override
    public void setTimeout(Duration timeout) {
        upstream.setTimeout(timeout);
    }

    @Override
    public Duration getTimeout() {
        return upstream.getTimeout();
    }

    @Override
    public String toString() {
        return "UpstreamFailures[" + upstream + "]";
    }
}
