package io.mailsec.tls.james;

import io.mailsec.tls.outbound.RecipientOutcome;

/** Combines a final failure with the first failure recorded before retries. */
final class RecipientOutcomes {
    private RecipientOutcomes() {
    }

    /** The final outcome, leading with the first failure's TLS reason when a later attempt failed otherwise. */
    static RecipientOutcome merge(RecipientOutcome last, RecipientOutcome first) {
        if (!first.tlsFailure() || last.tlsFailure()) {
            return last;
        }
        String status = first.status().startsWith("4") ? "5" + first.status().substring(1) : first.status();
        return RecipientOutcome.permanent(last.recipient(), status, first.remote() == null ? last.remote() : first.remote(),
                first.diagnostic() + " (last attempt: " + last.diagnostic() + ")", true, first.step()).withTls(last.tls(), last.protocol());
    }
}
