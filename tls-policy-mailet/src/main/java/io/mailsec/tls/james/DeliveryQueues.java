package io.mailsec.tls.james;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.mailsec.core.runtime.MailsecRuntime;

/** The delivery queues of the running TlsPolicyDelivery mailets, by queue name: what the WebAdmin routes look into. */
final class DeliveryQueues {
    private final Map<String, DeliveryQueue> queues = new ConcurrentHashMap<>();

    static DeliveryQueues of(MailsecRuntime runtime) {
        return runtime.shared(DeliveryQueues.class, "delivery-queues", DeliveryQueues::new);
    }

    void register(DeliveryQueue queue) {
        queues.put(queue.name(), queue);
    }

    void unregister(DeliveryQueue queue) {
        queues.remove(queue.name(), queue);
    }

    Optional<DeliveryQueue> get(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    Set<String> names() {
        return new TreeSet<>(queues.keySet());
    }
}
