package io.mailsec.core.conf;

/** One problem {@code mailsec conf check} found: which check, in which file, what is wrong and what to do. */
public final class Finding {
    private final String check;
    private final String file;
    private final String message;

    public Finding(String check, String file, String message) {
        this.check = check;
        this.file = file;
        this.message = message;
    }

    public String check() {
        return check;
    }

    public String file() {
        return file;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return file + ": [" + check + "] " + message;
    }
}
