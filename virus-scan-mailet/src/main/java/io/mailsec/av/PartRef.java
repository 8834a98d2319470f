package io.mailsec.av;

/** Where a walked MIME part is and what it says it is: its name (filename, else position), position and type. */
public final class PartRef {
    private final String name;
    private final String position;
    private final String contentType;

    public PartRef(String name, String position, String contentType) {
        this.name = name;
        this.position = position;
        this.contentType = contentType;
    }

    public String name() {
        return name;
    }

    /** IMAP-style: "1", "2.1", or "preamble"/"epilogue" with their multipart's prefix. */
    public String position() {
        return position;
    }

    public String contentType() {
        return contentType;
    }
}
