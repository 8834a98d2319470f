package io.mailsec.dkim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed key records by their exact text: decoding an RSA public key costs more than hashing a
 * message, and the same few selectors sign most mail. Bounded: when full it starts over, which
 * costs one decode per key rather than memory a flood of distinct records could claim.
 */
public final class KeyRecords {
    private static final int MAX = 4096;
    private final Map<String, KeyRecord> parsed = new ConcurrentHashMap<>();

    public KeyRecord parse(String txt) throws DkimException {
        KeyRecord cached = parsed.get(txt);
        if (cached != null) {
            return cached;
        }
        KeyRecord key = KeyRecord.parse(txt);
        if (parsed.size() >= MAX) {
            parsed.clear();
        }
        parsed.put(txt, key);
        return key;
    }
}
