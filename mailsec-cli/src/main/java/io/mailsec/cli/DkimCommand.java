package io.mailsec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.dkim.Canonicalization;
import io.mailsec.dkim.DkimException;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimResultsJson;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.DkimVerifier;
import io.mailsec.dkim.PublishedKeyCheck;
import io.mailsec.dkim.SignSpec;
import io.mailsec.dkim.SigningKey;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code mailsec dkim keygen|dns-record|sign|verify}: the same code paths as the DkimSign/DkimVerify mailets. */
public final class DkimCommand implements Subcommand {
    private static final String USAGE = String.join("\n",
            "usage: mailsec dkim <subcommand> [options]",
            "  keygen [--algorithm rsa|ed25519 (default rsa)] [--bits 2048] --domain D --selector S --out DIR [--table FILE]",
            "         [--cname-zone ZONE] [--json]",
            "      writes DIR/S.D.pem (PKCS#8), prints the DNS TXT record (255-byte strings) and the key-table line;",
            "      --table appends that line to the key table FILE (unless the domain and selector are in it);",
            "      --cname-zone also prints the CNAME form for a domain that delegates its keys to ZONE",
            "  dns-record --key FILE --domain D --selector S [--cname-zone ZONE] [--json]",
            "      prints the record for an existing key (PEM PKCS#1/PKCS#8 RSA or Ed25519, or a base64 Ed25519 seed)",
            "  testkey --key FILE --domain D --selector S [--dns HOST[:PORT]] [--timeout MS] [--json]",
            "      checks that the key published in DNS is this private key's (like opendkim-testkey);",
            "      exit 0 match, 1 mismatch / missing / invalid record, 4 DNS failure",
            "  sign --key FILE --domain D --selector S [--algorithm rsa-sha256|ed25519-sha256]",
            "       [--canonicalization relaxed/relaxed] [--headers from:to:...] [--expiry SECONDS] < in.eml > out.eml",
            "  verify [--dns HOST[:PORT]] [--timeout MS] [--json] < in.eml",
            "      exit 0 when there is at least one signature and every signature passes, 1 otherwise",
            "      --json prints {\"signatures\": [{\"domain\",\"selector\",\"algorithm\",\"result\",\"reason\"}]}");

    @Override
    public String summary() {
        return "DKIM keys, DNS records, signing and verification (keygen, dns-record, testkey, sign, verify)";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String sub = args.get(0);
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json"), Set.of("--algorithm", "--bits", "--canonicalization",
                "--cname-zone", "--dns", "--domain", "--expiry", "--headers", "--key", "--out", "--selector", "--table", "--timeout"));
        if (!o.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional().get(0) + "'");
        }
        if (o.help()) {
            out.println(USAGE);
            return 0;
        }
        switch (sub) {
            case "keygen":
                return keygen(o, out);
            case "dns-record":
                return dnsRecord(o, out);
            case "testkey":
                return testKey(o, out);
            case "sign":
                return sign(o, in, out);
            case "verify":
                return verify(o, in, out);
            default:
                throw new UsageException("unknown subcommand '" + sub + "' (keygen, dns-record, testkey, sign, verify)");
        }
    }

    private static String required(CliOptions o, String name) throws UsageException {
        String v = o.value(name, null);
        if (v == null || v.isBlank()) {
            throw new UsageException("missing " + name);
        }
        return v;
    }

    private int keygen(CliOptions o, PrintStream out) throws Exception {
        String alg = o.value("--algorithm", "rsa");
        String domain = required(o, "--domain");
        String selector = required(o, "--selector");
        Path dir = Path.of(required(o, "--out"));
        SigningKey.Type type;
        int bits = 0;
        switch (alg) {
            case "rsa":
            case "rsa-sha256":
                type = SigningKey.Type.RSA;
                try {
                    bits = Integer.parseInt(o.value("--bits", "2048"));
                } catch (NumberFormatException e) {
                    throw new UsageException("--bits must be a number");
                }
                if (bits < 1024 || bits > 4096) {
                    throw new UsageException("--bits " + bits + ": RSA keys for DKIM are 1024..4096 bits (RFC 8301; 2048 recommended)");
                }
                break;
            case "ed25519":
            case "ed25519-sha256":
                type = SigningKey.Type.ED25519;
                break;
            default:
                throw new UsageException("--algorithm must be rsa or ed25519, not '" + alg + "'");
        }
        checkName(domain, "--domain");
        checkName(selector, "--selector");
        Files.createDirectories(dir);
        Path file = dir.resolve(selector + "." + domain + ".pem");
        if (Files.exists(file)) {
            throw new UsageException(file + " exists; refusing to overwrite a key");
        }
        SigningKey key = DkimKeys.generate(type, bits, file.toString());
        Files.writeString(file, DkimKeys.toPem(key), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        String tableLine = tableLine(o.value("--table", null), domain, selector, file);
        printRecord(key, domain, selector, o, out, file, tableLine);
        return 0;
    }

    /**
     * The key-table line for the new key (the key path relative to the table when it is beside it),
     * appended to {@code table} when given and the domain/selector pair is not in it yet.
     */
    private static String tableLine(String table, String domain, String selector, Path key) throws Exception {
        Path keyPath = key.toAbsolutePath().normalize();
        Path tablePath = table == null ? null : Path.of(table).toAbsolutePath().normalize();
        String keyRef = keyPath.toString();
        if (tablePath != null && keyPath.startsWith(tablePath.getParent())) {
            keyRef = tablePath.getParent().relativize(keyPath).toString();
        }
        String line = domain + " selector=" + selector + " key=" + keyRef;
        if (tablePath != null) {
            List<String> existing = Files.exists(tablePath) ? Files.readAllLines(tablePath, StandardCharsets.UTF_8) : List.of();
            boolean present = existing.stream().map(String::trim).anyMatch(l -> !l.startsWith("#")
                    && l.split("\\s+")[0].equalsIgnoreCase(domain) && l.matches(".*\\bselector=" + java.util.regex.Pattern.quote(selector) + "\\b.*"));
            if (!present) {
                Files.createDirectories(tablePath.getParent());
                Files.writeString(tablePath, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        }
        return line;
    }

    private int testKey(CliOptions o, PrintStream out) throws Exception {
        SigningKey key = loadKey(required(o, "--key"));
        String domain = required(o, "--domain");
        String selector = required(o, "--selector");
        checkName(domain, "--domain");
        checkName(selector, "--selector");
        PublishedKeyCheck.Outcome r = PublishedKeyCheck.check(resolver(o), domain, selector, key);
        if (o.has("--json")) {
            ObjectNode j = new ObjectMapper().createObjectNode();
            j.put("name", r.name());
            j.put("result", r.result());
            j.put("reason", r.reason());
            out.println(j);
        } else {
            out.println(r.name() + ": " + r.result() + " (" + r.reason() + ")");
        }
        return r.matches() ? 0 : r.result().equals("temperror") ? 4 : 1;
    }

    private static DnsResolver resolver(CliOptions o) throws UsageException {
        List<String> servers = o.has("--dns") ? List.of(o.value("--dns", null).split(",")) : List.of();
        int timeout;
        try {
            timeout = Integer.parseInt(o.value("--timeout", "5000"));
        } catch (NumberFormatException e) {
            throw new UsageException("--timeout must be milliseconds");
        }
        try {
            return DnsjavaResolver.create(servers, Duration.ofMillis(timeout));
        } catch (RuntimeException e) {
            throw new UsageException("--dns " + o.value("--dns", null) + ": " + e.getMessage());
        }
    }

    private int dnsRecord(CliOptions o, PrintStream out) throws Exception {
        SigningKey key = loadKey(required(o, "--key"));
        String domain = required(o, "--domain");
        String selector = required(o, "--selector");
        checkName(domain, "--domain");
        checkName(selector, "--selector");
        printRecord(key, domain, selector, o, out, null, null);
        return 0;
    }

    private static SigningKey loadKey(String file) throws UsageException {
        try {
            return DkimKeys.load(Path.of(file));
        } catch (DkimException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void checkName(String name, String option) throws UsageException {
        if (!name.matches("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*")) {
            throw new UsageException(option + " '" + name + "' is not a DNS name");
        }
    }

    /** A TXT value as 255-byte character-strings (RFC 1035 §3.3; RFC 6376 §3.6.2.2). */
    static List<String> split255(String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            out.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return out;
    }

    private static void printRecord(SigningKey key, String domain, String selector, CliOptions o, PrintStream out,
                                    Path written, String tableLine) {
        String name = selector + "._domainkey." + domain;
        String zone = o.value("--cname-zone", null);
        String target = zone == null ? null : selector + "." + domain + "." + zone;
        List<String> strings = split255(key.dnsRecord());
        StringBuilder quoted = new StringBuilder();
        for (String s : strings) {
            quoted.append(quoted.length() == 0 ? "" : " ").append('"').append(s).append('"');
        }
        if (o.has("--json")) {
            ObjectNode j = new ObjectMapper().createObjectNode();
            if (written != null) {
                j.put("privateKeyFile", written.toString());
            }
            j.put("algorithm", key.algorithm().tag());
            j.put("bits", key.bits());
            j.put("name", name);
            j.put("txt", key.dnsRecord());
            ArrayNode a = j.putArray("txtStrings");
            strings.forEach(a::add);
            j.put("zoneLine", name + ". IN TXT ( " + quoted + " )");
            if (tableLine != null) {
                j.put("keyTableLine", tableLine);
            }
            if (target != null) {
                j.put("cname", name + ". IN CNAME " + target + ".");
                j.put("cnameTargetZoneLine", target + ". IN TXT ( " + quoted + " )");
            }
            out.println(j);
            return;
        }
        if (written != null) {
            out.println("; private key written to " + written + " (" + key.algorithm().tag() + ", " + key.bits() + " bits)");
        }
        out.println("; TXT record for " + name + " (" + strings.size() + " string(s) of at most 255 bytes):");
        out.println(name + ". IN TXT ( " + quoted + " )");
        if (tableLine != null) {
            out.println("; key-table line" + (o.has("--table") ? " (in " + o.value("--table", null) + ")" : "") + ":");
            out.println(tableLine);
        }
        if (target != null) {
            out.println("; CNAME form: the domain delegates its keys to the zone " + zone + ":");
            out.println(name + ". IN CNAME " + target + ".");
            out.println(target + ". IN TXT ( " + quoted + " )");
        }
    }

    private int sign(CliOptions o, InputStream in, PrintStream out) throws Exception {
        SigningKey key = loadKey(required(o, "--key"));
        String alg = o.value("--algorithm", null);
        if (alg != null && !alg.equals(key.algorithm().tag())) {
            throw new UsageException("--algorithm " + alg + " does not match the key (" + key.algorithm().tag() + ")");
        }
        if (key.type() == SigningKey.Type.RSA && key.bits() < 1024) {
            throw new UsageException("RSA key " + key.source() + " has " + key.bits() + " bits; RFC 8301 requires at least 1024");
        }
        SignSpec spec;
        try {
            spec = new SignSpec(key, required(o, "--domain"), required(o, "--selector"));
            if (o.has("--canonicalization")) {
                String[] c = o.value("--canonicalization", null).split("/", 2);
                spec.canonicalization(Canonicalization.of(c[0]), c.length > 1 ? Canonicalization.of(c[1]) : Canonicalization.SIMPLE);
            }
            if (o.has("--headers")) {
                spec.headers(Arrays.asList(o.value("--headers", null).split(":")));
            }
            if (o.has("--expiry")) {
                spec.expirySeconds(Long.parseLong(o.value("--expiry", null)));
            }
        } catch (IllegalArgumentException | DkimException e) {
            throw new UsageException(e.getMessage());
        }
        byte[] message = in.readAllBytes();
        List<String> fields = DkimSigner.sign(message, List.of(spec));
        out.write((fields.get(0) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(message);
        out.flush();
        return 0;
    }

    private int verify(CliOptions o, InputStream in, PrintStream out) throws Exception {
        DnsResolver dns = resolver(o);
        List<DkimResult> results = new DkimVerifier(dns).verify(in);
        if (o.has("--json")) {
            ObjectNode j = new ObjectMapper().createObjectNode();
            j.set("signatures", DkimResultsJson.toArray(results));
            out.println(j);
        } else if (results.isEmpty()) {
            out.println("dkim=none (no DKIM-Signature)");
        } else {
            for (DkimResult r : results) {
                out.println("dkim=" + r.result() + " d=" + r.domain() + " s=" + r.selector() + " a=" + r.algorithm()
                        + " reason=\"" + r.reason() + "\"");
            }
        }
        boolean allPass = !results.isEmpty() && results.stream().allMatch(r -> r.status() == DkimResult.Status.PASS);
        return allPass ? 0 : 1;
    }
}
