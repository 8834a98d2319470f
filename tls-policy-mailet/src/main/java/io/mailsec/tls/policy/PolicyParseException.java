package io.mailsec.tls.policy;

/** A policy file that cannot be used: names the file, the line and the problem. */
public final class PolicyParseException extends Exception {
    private final String source;
    private final int line;
    private final String problem;

    public PolicyParseException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
