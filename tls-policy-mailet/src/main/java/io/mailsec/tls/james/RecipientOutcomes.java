package io.mailsec.tls.james;

import io.mailsec.tls.outbound.RecipientOutcome;

/** Combines a final failure with the first failure recorded before retries. */
final class RecipientOutcomes {
    private RecipientOutcomes() {
    }

    static RecipientOutcome merge(RecipientOutcome last, String firstEncoded) {
        String[] f = firstEncoded.split("\t", 5);
        if (f.length < 5) {
            return last;
        }
        boolean firstTls = Boolean.parseBoolean(f[1]);
        if (!firstTls || last.tlsFailure()) {
            return last;
        }
        String status = f[0].startsWith("4") ? "5" + f[0].substring(1) : f[0];
        return RecipientOutcome.permanent(last.recipient(), status, f[3].isEmpty() ? last.remote() : f[3],
                f[4] + " (last attempt: " + last.diagnostic() + ")", true, f[2]);
    }
}
