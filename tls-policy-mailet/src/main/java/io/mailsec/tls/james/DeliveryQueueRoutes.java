package io.mailsec.tls.james;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import io.mailsec.core.runtime.MailsecRuntime;
import spark.Request;
import spark.Service;

/**
 * WebAdmin routes (webadmin.properties {@code extensions.routes=io.mailsec.tls.james.DeliveryQueueRoutes})
 * that show what TlsPolicyDelivery has queued without James's {@code GET /mailQueues/{name}/mails}, which
 * on James 3.8.1's memory queue releases the queue twice per call until it stops delivering:
 * <pre>
 * GET /mailsec/queues                  the delivery queues with their sizes
 * GET /mailsec/queues/{name}?limit=100 the mail in one, those in the workers' hands first
 * </pre>
 */
public class DeliveryQueueRoutes implements Routes {
    static final String BASE = "/mailsec/queues";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;
    private final MailsecRuntime runtime;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public DeliveryQueueRoutes(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (request, response) -> {
            List<Map<String, Object>> out = new java.util.ArrayList<>();
            DeliveryQueues queues = DeliveryQueues.of(runtime);
            for (String name : queues.names()) {
                queues.get(name).ifPresent(q -> out.add(summary(q)));
            }
            return out;
        }, json);
        service.get(BASE + "/:name", (request, response) -> {
            String name = request.params("name");
            DeliveryQueue q = DeliveryQueues.of(runtime).get(name).orElseThrow(() -> ErrorResponder.builder()
                    .statusCode(HttpStatus.NOT_FOUND_404).type(ErrorResponder.ErrorType.NOT_FOUND)
                    .message("no TlsPolicyDelivery queue named '%s' (known: %s)", name, DeliveryQueues.of(runtime).names()).haltError());
            int limit = limit(request);
            Map<String, Object> out = summary(q);
            out.put("limit", limit);
            out.put("mails", q.snapshot(limit));
            return out;
        }, json);
    }

    private static Map<String, Object> summary(DeliveryQueue q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("size", q.size());
        m.put("held", q.held());
        m.put("waitingForSlot", q.waiting());
        return m;
    }

    private static int limit(Request request) {
        String raw = request.queryParams("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ErrorResponder.builder().statusCode(HttpStatus.BAD_REQUEST_400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("limit must be a whole number from 1 to %d, got '%s'", MAX_LIMIT, raw).haltError();
    }
}
