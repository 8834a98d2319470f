package io.mailsec.tls.dane;

/**
 * Just enough DER (X.690) to walk a certificate's top-level elements: single-octet tags, definite
 * lengths. Used to take bytes out of a certificate exactly as they were signed, never re-encoded.
 */
final class Der {
    private Der() {
    }

    /** {content start, content length} of the element at {@code pos}. */
    static int[] header(byte[] der, int pos) {
        if (pos + 2 > der.length) {
            throw new IllegalArgumentException("not DER: no element at " + pos);
        }
        int p = pos + 1;
        int first = der[p++] & 0xff;
        int len;
        if (first < 0x80) {
            len = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 4 || p + n > der.length) {
                throw new IllegalArgumentException("not DER: length of " + n + " octets at " + pos);
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[p++] & 0xff);
            }
        }
        if (len < 0 || p + len > der.length) {
            throw new IllegalArgumentException("not DER: element at " + pos + " runs past the end");
        }
        return new int[] {p, len};
    }

    /** Position just after the element at {@code pos}. */
    static int next(byte[] der, int pos) {
        int[] h = header(der, pos);
        return h[0] + h[1];
    }

    /** Whether {@code der} is exactly one SEQUENCE, as every certificate is. */
    static boolean isOneSequence(byte[] der) {
        try {
            return der.length > 0 && (der[0] & 0xff) == 0x30 && next(der, 0) == der.length;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
