package io.mailsec.dkim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;

/**
 * Does the key published at {@code selector._domainkey.domain} belong to this private key? What
 * OpenDKIM's {@code opendkim-testkey} answers: before a key is used for signing, and when keys rotate.
 */
public final class PublishedKeyCheck {
    /** The outcome: {@code match}, {@code mismatch}, {@code missing}, {@code invalid} or {@code temperror}. */
    public static final class Outcome {
        private final String result;
        private final String name;
        private final String reason;

        Outcome(String result, String name, String reason) {
            this.result = result;
            this.name = name;
            this.reason = reason;
        }

        public String result() {
            return result;
        }

        public boolean matches() {
            return result.equals("match");
        }

        /** The DNS name looked up. */
        public String name() {
            return name;
        }

        public String reason() {
            return reason;
        }
    }

    private PublishedKeyCheck() {
    }

    public static Outcome check(DnsResolver dns, String domain, String selector, SigningKey key) {
        String name = selector + "._domainkey." + domain;
        DnsResult<String> r = dns.txt(name);
        if (r.status().isTemporary()) {
            return new Outcome("temperror", name, "DNS lookup failed: " + r.detail());
        }
        if (r.records().isEmpty()) {
            return new Outcome("missing", name, "no TXT record at " + name + " (" + r.detail() + ")");
        }
        byte[] expected = Base64.getDecoder().decode(key.publicKeyBase64());
        List<String> problems = new ArrayList<>();
        for (String txt : r.records()) {
            KeyRecord rec;
            try {
                rec = KeyRecord.parse(txt);
            } catch (DkimException e) {
                problems.add(e.getMessage());
                continue;
            }
            if (rec.revoked()) {
                problems.add("the published key is revoked (empty p=)");
                continue;
            }
            byte[] published = key.type() == SigningKey.Type.RSA
                    ? (rec.rsaKey() == null ? null : rec.rsaKey().getEncoded()) : rec.ed25519Key();
            if (published == null) {
                problems.add("the published key is k=" + rec.keyType() + ", the private key is " + key.algorithm().tag());
            } else if (Arrays.equals(published, expected)) {
                String note = rec.testing() ? " (t=y: verifiers treat signatures as unsigned while testing)" : "";
                return new Outcome("match", name, "the published key matches the private key" + note);
            } else {
                problems.add("the published key is a different key");
            }
        }
        boolean anyParsed = problems.stream().anyMatch(p -> p.startsWith("the published"));
        return new Outcome(anyParsed ? "mismatch" : "invalid", name, String.join("; ", problems));
    }
}
