package io.mailsec.spf;

/** Mechanism qualifiers of RFC 7208 §4.6.2 and the result each yields on a match. */
enum SpfQualifier {
    PASS('+', SpfResult.PASS), FAIL('-', SpfResult.FAIL), SOFTFAIL('~', SpfResult.SOFTFAIL), NEUTRAL('?', SpfResult.NEUTRAL);

    final char symbol;
    final SpfResult result;

    SpfQualifier(char symbol, SpfResult result) {
        this.symbol = symbol;
        this.result = result;
    }

    static SpfQualifier of(char c) {
        for (SpfQualifier q : values()) {
            if (q.symbol == c) {
                return q;
            }
        }
        return null;
    }
}
