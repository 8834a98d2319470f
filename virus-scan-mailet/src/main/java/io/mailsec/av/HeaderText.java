package io.mailsec.av;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Header field values are handled as "byte strings" (one char per octet, ISO-8859-1) until a human
 * readable text is wanted: a boundary must match the body's bytes exactly, whatever the field's
 * octets are, and a raw 8-bit filename carries no charset of its own.
 */
final class HeaderText {
    private HeaderText() {
    }

    /** The octets a value string stands for: one per char, or UTF-8 when it already holds wider chars. */
    static byte[] octets(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xff) {
                return value.getBytes(StandardCharsets.UTF_8); // decoded already (e.g. by an RFC 6532 reader)
            }
        }
        return value.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The byte string of {@code value} (identity for values that are byte strings already). */
    static String byteString(String value) {
        return new String(octets(value), StandardCharsets.ISO_8859_1);
    }

    /**
     * Readable text of raw octets: UTF-8 (RFC 6532) when they are valid UTF-8, else ISO-8859-1, so
     * the same octets always give the same name, whichever charset the part declares.
     */
    static String text(byte[] octets) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(octets)).toString();
        } catch (CharacterCodingException e) {
            return new String(octets, StandardCharsets.ISO_8859_1);
        }
    }
}
