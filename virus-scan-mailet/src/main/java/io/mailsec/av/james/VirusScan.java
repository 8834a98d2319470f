package io.mailsec.av.james;

import io.mailsec.av.ClamdClient;
import io.mailsec.av.ClamdEndpoint;
import io.mailsec.av.ClamdException;
import io.mailsec.av.MessageScanner;
import io.mailsec.av.ScanReport;
import io.mailsec.av.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import io.mailsec.core.config.Parameters;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans every MIME leaf part of the mail with clamd ({@link MessageScanner}), records the verdict as
 * {@link AvAttributes} and writes {@code X-Virus-Scanned} / {@code X-Virus-Status} (removing any that
 * came in with the mail). Routing is left to the matchers {@link IsInfected}, {@link IsUnscannable} and
 * {@link VirusScanFailed}.
 *
 * <p>Scanner unavailable (verdict "error"): with {@code onScannerFailure=retry} (default) the mail is
 * put back on James's spool with a delay, in the processor it is in now, and retried until
 * {@code maxRetries}; after that it goes to {@code retryExhaustedProcessor} (default "error", which keeps
 * it in the error repository). It is never passed on unscanned and never dropped. With
 * {@code onScannerFailure=deliver} it continues unscanned, logged at WARN, marked with
 * {@code X-Virus-Status: Unscanned} and the attribute {@code mailsec.av.failOpen=true}.
 *
 * <p>Put this mailet first in its processor: a retried mail re-enters the processor at its start.
 */
public class VirusScan extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(VirusScan.class);
    static final String SCANNED_HEADER = "X-Virus-Scanned";
    static final String STATUS_HEADER = "X-Virus-Status";
    private static final long VERSION_TTL_MILLIS = 60_000;

    private ClamdClient client;
    private MessageScanner scanner;
    private boolean retry;
    private Duration retryDelay;
    private int maxRetries;
    private String retryExhaustedProcessor;
    private boolean addHeaders;
    private boolean discloseVersion;
    private volatile String engine;
    private volatile long engineFetched;

    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMETERS = Set.of("clamd", "connectTimeout", "readTimeout", "poolSize", "streamMaxLength",
        "maxNestingDepth", "maxMultipartDepth", "onScannerFailure", "retryDelay", "maxRetries", "retryExhaustedProcessor", "addHeaders",
        "discloseVersion");

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        String clamd = p.string("clamd", "127.0.0.1:3310");
        ClamdEndpoint endpoint;
        try {
            endpoint = ClamdEndpoint.parse(clamd);
        } catch (IllegalArgumentException e) {
            throw p.bad("clamd", clamd, "host:port or a Unix socket path");
        }
        int connectTimeout = (int) p.duration("connectTimeout", Duration.ofSeconds(2)).toMillis();
        int readTimeout = (int) p.duration("readTimeout", Duration.ofSeconds(60)).toMillis();
        client = ClamdClient.builder(endpoint)
            .connectTimeoutMillis(connectTimeout)
            .ioTimeoutMillis(readTimeout)
            .poolSize(p.integer("poolSize", 8, 1, 256))
            .streamMaxLength(p.size("streamMaxLength", 25L * 1024 * 1024))
            .build();
        scanner = new MessageScanner(client, p.integer("maxNestingDepth", MessageScanner.DEFAULT_MAX_NESTING_DEPTH, 0, 100),
            p.integer("maxMultipartDepth", MessageScanner.DEFAULT_MAX_MULTIPART_DEPTH, 1, MessageScanner.LIMIT_MAX_MULTIPART_DEPTH));
        retry = p.oneOf("onScannerFailure", "retry", List.of("retry", "deliver")).equals("retry");
        retryDelay = p.duration("retryDelay", Duration.ofMinutes(5), Duration.ZERO);
        maxRetries = p.integer("maxRetries", 288, 0, 100_000);
        retryExhaustedProcessor = p.string("retryExhaustedProcessor", Mail.ERROR);
        addHeaders = p.bool("addHeaders", true);
        // the engine's version and signature date in every mail tell attackers what it cannot find yet
        discloseVersion = p.bool("discloseVersion", false);
        LOG.info("VirusScan init clamd={} onScannerFailure={} retryDelay={} maxRetries={} streamMaxLength={}",
            endpoint, retry ? "retry" : "deliver", retryDelay, maxRetries, client.streamMaxLength());
    }

    @Override
    public String getMailetInfo() {
        return "mailsec VirusScan (clamd)";
    }

    @Override
    public void destroy() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        ScanReport report;
        long t0 = System.nanoTime();
        // Scan before touching any header: James streams the body from its store only while the
        // message is unmodified.
        try (InputStream body = message.getRawInputStream()) {
            report = scanner.scanBody(message.getHeader("Content-Type", null),
                message.getHeader("Content-Transfer-Encoding", null),
                message.getHeader("Content-Disposition", null), body);
        } catch (IOException e) {
            throw new MessagingException("reading mail " + mail.getName() + " for scanning failed: " + e.getMessage(), e);
        }
        long micros = (System.nanoTime() - t0) / 1000;
        Verdict verdict = report.verdict();
        AvAttributes.set(mail, AvAttributes.VERDICT, verdict.word());
        AvAttributes.set(mail, AvAttributes.VIRUSES, String.join(", ", report.viruses()));
        AvAttributes.set(mail, AvAttributes.REASON, report.reason());
        AvAttributes.set(mail, AvAttributes.REPORT, report.toJson());
        LOG.info("virus-scan mail={} verdict={} viruses=\"{}\" parts={} micros={} reason=\"{}\"", mail.getName(),
            verdict.word(), String.join(",", report.viruses()), report.parts().size(), micros, report.reason());

        if (verdict == Verdict.ERROR) {
            scannerFailed(mail, message, report);
            return;
        }
        String eng = engine();
        if (eng != null) {
            AvAttributes.set(mail, AvAttributes.ENGINE, eng);
        }
        if (addHeaders) {
            message.removeHeader(SCANNED_HEADER);
            message.removeHeader(STATUS_HEADER);
            message.setHeader(SCANNED_HEADER, (discloseVersion && eng != null ? eng : "ClamAV") + " (mailsec)");
            message.setHeader(STATUS_HEADER, statusHeader(report));
        }
    }

    static String statusHeader(ScanReport report) {
        switch (report.verdict()) {
            case CLEAN:
                return "Clean";
            case INFECTED:
                return oneLine("Infected (" + String.join(", ", report.viruses()) + ")");
            case UNSCANNABLE:
                return oneLine("Unscannable (" + report.reason() + ")");
            default:
                return "Unscanned";
        }
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\r\\n\\t]+", " ");
        return t.length() > 900 ? t.substring(0, 900) + "..." : t;
    }

    private void scannerFailed(Mail mail, MimeMessage message, ScanReport report) throws MessagingException {
        if (!retry) {
            LOG.warn("virus-scan fail-open mail={} action=deliver-unscanned reason=\"{}\"", mail.getName(), report.reason());
            mail.setAttribute(new Attribute(AvAttributes.FAIL_OPEN, AttributeValue.of(true)));
            if (addHeaders) {
                message.removeHeader(SCANNED_HEADER);
                message.removeHeader(STATUS_HEADER);
                message.setHeader(STATUS_HEADER, "Unscanned (scanner unavailable; delivered by policy)");
            }
            return;
        }
        int attempt = mail.getAttribute(AvAttributes.RETRIES)
            .flatMap(a -> a.getValue().valueAs(Integer.class)).orElse(0) + 1;
        if (attempt > maxRetries) {
            LOG.error("virus-scan retries-exhausted mail={} attempts={} action=processor:{} reason=\"{}\"",
                mail.getName(), attempt - 1, retryExhaustedProcessor, report.reason());
            mail.setErrorMessage("virus scanner unavailable after " + (attempt - 1) + " retries: " + report.reason());
            mail.setState(retryExhaustedProcessor);
            return;
        }
        String state = mail.getState();
        Mail copy = mail.duplicate();
        String original = AvAttributes.string(mail, AvAttributes.ORIGINAL_NAME).orElse(mail.getName());
        copy.setName(original + "-avretry" + attempt); // stays short however often it is retried
        AvAttributes.set(copy, AvAttributes.ORIGINAL_NAME, original);
        copy.setAttribute(new Attribute(AvAttributes.RETRIES, AttributeValue.of(attempt)));
        try {
            // back on the spool, same processor, after the delay
            getMailetContext().sendMail(copy, state, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            // the spool holds its own copy now; ours would stay referenced until James's leak detector finds it
            LifecycleUtil.dispose(copy);
        }
        mail.setState(Mail.GHOST);
        LOG.warn("virus-scan scanner-unavailable mail={} requeued={} attempt={} delay={} processor={} reason=\"{}\"",
            mail.getName(), copy.getName(), attempt, retryDelay, state, report.reason());
    }

    /** clamd's VERSION, cached for a minute (null when clamd cannot tell). */
    private String engine() {
        long now = System.currentTimeMillis();
        if (engine == null || now - engineFetched > VERSION_TTL_MILLIS) {
            try {
                engine = client.version();
            } catch (ClamdException e) {
                LOG.debug("clamd VERSION failed: {}", e.getMessage());
            }
            engineFetched = now;
        }
        return engine;
    }

    /** For tests and the CLI. */
    MessageScanner scanner() {
        return scanner;
    }
}
