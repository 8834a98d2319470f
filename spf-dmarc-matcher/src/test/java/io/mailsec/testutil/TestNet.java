package io.mailsec.testutil;

/** This module's test addresses (its loopback range: 127.0.2.x). */
public final class TestNet {
    /** The DNS fixture's address. */
    public static final String DNS = "127.0.2.53";

    private TestNet() {
    }
}
