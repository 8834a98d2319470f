package io.mailsec.bench.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import io.mailsec.it.JamesProcess;

/** The relay processor's delivery mailet as james-conf ships it, and James 3.8.1's sample RemoteDelivery to put in its place. */
final class DeliveryConfigs {
    private static final String OPENING = "            <mailet match=\"All\" class=\"io.mailsec.tls.james.TlsPolicyDelivery\">";
    private static final String CLOSING = "            </mailet>";
    /** james-conf's TlsPolicyDelivery element, read from james-conf itself so the benchmarks run what ships. */
    static final String SHIPPED_DELIVERY = shipped();
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

    private static String shipped() {
        try {
            String xml = Files.readString(JamesProcess.root().resolve("james-conf/conf/mailetcontainer.xml"));
            int from = xml.indexOf(OPENING);
            if (from < 0) {
                throw new IllegalStateException("james-conf/conf/mailetcontainer.xml has no TlsPolicyDelivery mailet");
            }
            return xml.substring(from, xml.indexOf(CLOSING, from) + CLOSING.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shipped TlsPolicyDelivery with extra parameters (each a complete element) before its end tag. */
    static String shippedWith(String... elements) {
        return withElements(SHIPPED_DELIVERY, elements);
    }

    /** James's sample RemoteDelivery with extra parameters. */
    static String remoteDeliveryWith(String... elements) {
        return withElements(REMOTE_DELIVERY, elements);
    }

    private static String withElements(String mailet, String... elements) {
        StringBuilder extra = new StringBuilder();
        for (String e : elements) {
            extra.append("                ").append(e).append('\n');
        }
        return mailet.substring(0, mailet.length() - CLOSING.length()) + extra + CLOSING;
    }
}
