package io.mailsec.av.james;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.InternetHeadersInputStream;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;

/**
 * The message as it stands: its current header fields followed by the body bytes as received,
 * without JavaMail's {@code saveChanges()}. A changed header makes James's writers call
 * {@code saveChanges()}, which parses every multipart and throws for broken MIME (a boundary that
 * never occurs, a nested part reusing its parent's boundary); this view never parses the body, so
 * every message the scanner could judge can be stored.
 */
final class MessageAsItStands {
    private MessageAsItStands() {
    }

    /** Header fields as they are now, then the raw body; streamed, never parsed. */
    static InputStream stream(MimeMessage message) throws MessagingException {
        if (message instanceof MimeMessageWrapper && !((MimeMessageWrapper) message).isBodyModified()
            && ((MimeMessageWrapper) message).getSourceId() != null) {
            // headers from memory, body from James's stored source (spilled to disk for large mail)
            return ((MimeMessageWrapper) message).getMessageInputStream();
        }
        return new SequenceInputStream(new InternetHeadersInputStream(message.getAllHeaderLines()),
            message.getRawInputStream());
    }

    /**
     * A fresh, unmodified copy in James's own message source (memory, then a temporary file above
     * James's threshold): James's writers copy it byte for byte.
     */
    static MimeMessageWrapper copy(String id, MimeMessage message) throws MessagingException {
        try (InputStream in = stream(message)) {
            return new MimeMessageWrapper(MimeMessageInputStreamSource.create(id, in));
        } catch (IOException e) {
            throw new MessagingException("reading message " + id + " failed: " + e.getMessage(), e);
        }
    }
}
