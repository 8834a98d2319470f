package io.mailsec.bench.delivery;

/** The relay processor's delivery mailet as james-conf ships it, and James 3.8.1's sample RemoteDelivery to put in its place. */
final class DeliveryConfigs {
    /** james-conf's TlsPolicyDelivery, verbatim (the overlay edit fails if james-conf changes). */
    static final String SHIPPED_DELIVERY = String.join("\n",
            "            <mailet match=\"All\" class=\"io.mailsec.tls.james.TlsPolicyDelivery\">",
            "                <policyFile>conf/mailsec-tls.policy</policyFile>",
            "                <onTlsFailure>bounce</onTlsFailure>",
            "                <retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>",
            "                <maxQueueLifetime>5d</maxQueueLifetime>",
            "            </mailet>");
    /** James 3.8.1's sample relay processor. */
    static final String REMOTE_DELIVERY = String.join("\n",
            "            <mailet match=\"All\" class=\"RemoteDelivery\">",
            "                <outgoingQueue>outgoing</outgoingQueue>",
            "                <delayTime>5000, 100000, 500000</delayTime>",
            "                <maxRetries>3</maxRetries>",
            "                <maxDnsProblemRetries>0</maxDnsProblemRetries>",
            "                <deliveryThreads>10</deliveryThreads>",
            "                <sendpartial>true</sendpartial>",
            "            </mailet>");

    private DeliveryConfigs() {
    }

    /** The shipped TlsPolicyDelivery with extra parameters (each a complete element) before its end tag. */
    static String shippedWith(String... elements) {
        StringBuilder extra = new StringBuilder();
        for (String e : elements) {
            extra.append("                ").append(e).append('\n');
        }
        return SHIPPED_DELIVERY.replace("            </mailet>", extra + "            </mailet>");
    }

    /** James's sample RemoteDelivery with extra parameters. */
    static String remoteDeliveryWith(String... elements) {
        StringBuilder extra = new StringBuilder();
        for (String e : elements) {
            extra.append("                ").append(e).append('\n');
        }
        return REMOTE_DELIVERY.replace("            </mailet>", extra + "            </mailet>");
    }
}
