package io.mailsec.tls.mtasts;

/**
 * The {@code _mta-sts} TXT record (RFC 8461 §3.1): {@code v=STSv1; id=...;} with optional
 * extension fields, which are ignored.
 */
public final class StsTxtRecord {
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9]{1,32}");
    private final String id;

    private StsTxtRecord(String id) {
        this.id = id;
    }

    /** The policy {@code id}: 1 to 32 letters and digits. */
    public String id() {
        return id;
    }

    /**
     * Whether {@code txt} is an MTA-STS record at all: it begins with {@code v=STSv1} followed by
     * the field delimiter (§3.1: other records are discarded before counting). Optional WSP before
     * the {@code ;} is allowed by the ABNF.
     */
    public static boolean isStsRecord(String txt) {
        if (!txt.startsWith("v=STSv1")) {
            return false;
        }
        String rest = txt.substring("v=STSv1".length());
        int i = 0;
        while (i < rest.length() && (rest.charAt(i) == ' ' || rest.charAt(i) == '\t')) {
            i++;
        }
        return i == rest.length() || rest.charAt(i) == ';';
    }

    /**
     * Parses a record for which {@link #isStsRecord} holds.
     *
     * @throws IllegalArgumentException naming what is wrong (no id, a bad id, a field without '=')
     */
    public static StsTxtRecord parse(String txt) {
        if (!isStsRecord(txt)) {
            throw new IllegalArgumentException("does not begin with v=STSv1;");
        }
        String id = null;
        String[] fields = txt.split(";", -1);
        for (int i = 1; i < fields.length; i++) {
            String f = fields[i].strip();
            if (f.isEmpty()) {
                continue; // the ABNF allows a trailing ';'
            }
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("field '" + f + "' is not name=value");
            }
            String name = f.substring(0, eq);
            String value = f.substring(eq + 1);
            if (name.equals("id") && id == null) {
                if (!ID.matcher(value).matches()) {
                    throw new IllegalArgumentException("id '" + value + "' is not 1 to 32 letters and digits");
                }
                id = value;
            }
            // other fields are extensions (§3.1) and ignored
        }
        if (id == null) {
            throw new IllegalArgumentException("no id field");
        }
        return new StsTxtRecord(id);
    }
}
