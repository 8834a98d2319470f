package io.mailsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.tls.tlsrpt.ParsedReport;
import io.mailsec.tls.tlsrpt.ReportBytes;
import io.mailsec.tls.tlsrpt.ReportFailure;
import io.mailsec.tls.tlsrpt.ReportFormatException;
import io.mailsec.tls.tlsrpt.ReportJsonReader;
import io.mailsec.tls.tlsrpt.ReportPolicy;
import io.mailsec.tls.tlsrpt.TlsRptReport;

/**
 * {@code mailsec tls report FILE}: what a TLS report another domain sent about our MX hosts says
 * (RFC 8460), read with the parser mailsec's own reports are checked with: per policy its domain,
 * type, successes and failures by result type, then the failures per MX host. A file that is no
 * report is refused naming what is wrong in it.
 */
final class TlsReportCommand {
    static final String USAGE = String.join("\n",
            "usage: mailsec tls report FILE [--json] [--max-size BYTES]",
            "  FILE            a TLS report received (RFC 8460): JSON, or gzip as attached to report mail (.json.gz); - reads standard input",
            "  --json          one JSON object: reportId, organization, contact, start, end, policies[{policyDomain, policyType, mxHosts,",
            "                  successes, failures, failuresByResultType, failuresByMx[{mxHost, receivingIp, resultType, sessions}]}], warnings",
            "  --max-size N    largest report accepted, in bytes, also once decompressed (default " + ReportBytes.DEFAULT_MAX_JSON + ")",
            "exit: 0 report read (warnings say where it departs from the RFC), 1 not a TLS report or unreadable, 2 usage");

    int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json"), Set.of("--max-size"));
        if (o.help()) {
            out.println(USAGE);
            return 0;
        }
        String file = o.single("FILE");
        if (file == null) {
            throw new UsageException("FILE missing\n" + USAGE);
        }
        long max = o.number("--max-size", ReportBytes.DEFAULT_MAX_JSON, "bytes");
        if (max < 1) {
            throw new UsageException("--max-size must be at least 1 byte");
        }
        boolean json = o.flag("--json");
        ParsedReport parsed;
        try (InputStream data = file.equals("-") ? in : Files.newInputStream(Path.of(file))) {
            parsed = ReportJsonReader.read(ReportBytes.readJson(data, max));
        } catch (NoSuchFileException e) {
            return fail(out, err, json, file + ": no such file");
        } catch (ReportFormatException e) {
            return fail(out, err, json, file + ": not a TLS report: " + e.getMessage());
        } catch (IOException e) {
            return fail(out, err, json, file + ": cannot be read: " + e.getMessage());
        }
        Map<String, Object> view = view(parsed);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(view));
        } else {
            print(view, out);
        }
        return 0;
    }

    private static int fail(PrintStream out, PrintStream err, boolean json, String message) throws Exception {
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(Map.of("error", message)));
        } else {
            err.println("mailsec tls report: " + message);
        }
        return 1;
    }

    /** The report as the command shows it, the same for the table and --json. */
    static Map<String, Object> view(ParsedReport parsed) {
        TlsRptReport r = parsed.report();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("reportId", r.reportId());
        v.put("organization", r.organizationName());
        v.put("contact", r.contactInfo().orElse(null));
        v.put("start", r.start().toString());
        v.put("end", r.end().toString());
        List<Map<String, Object>> policies = new ArrayList<>();
        for (ReportPolicy p : r.policies()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("policyDomain", p.policyDomain().orElse(null));
            e.put("policyType", p.policyType());
            e.put("mxHosts", p.mxHosts());
            e.put("successes", p.successes());
            e.put("failures", p.failures());
            Map<String, Long> byType = new LinkedHashMap<>();
            Map<List<String>, Long> byMx = new LinkedHashMap<>();
            for (ReportFailure f : p.failureDetails()) {
                byType.merge(f.resultType(), f.failedSessions(), Long::sum);
                List<String> key = new ArrayList<>();
                key.add(f.receivingMxHostname().orElse(null));
                key.add(f.receivingIp().orElse(null));
                key.add(f.resultType());
                byMx.merge(key, f.failedSessions(), Long::sum);
            }
            e.put("failuresByResultType", byType);
            List<Map<String, Object>> mx = new ArrayList<>();
            for (Map.Entry<List<String>, Long> m : byMx.entrySet()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("mxHost", m.getKey().get(0));
                row.put("receivingIp", m.getKey().get(1));
                row.put("resultType", m.getKey().get(2));
                row.put("sessions", m.getValue());
                mx.add(row);
            }
            e.put("failuresByMx", mx);
            policies.add(e);
        }
        v.put("policies", policies);
        v.put("warnings", parsed.warnings());
        return v;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> v, PrintStream out) {
        out.println("TLS report " + v.get("reportId"));
        out.println("from       " + orDash(v.get("organization")) + (v.get("contact") == null ? "" : " <" + v.get("contact") + ">"));
        out.println("period     " + v.get("start") + " to " + v.get("end"));
        out.println();
        List<Map<String, Object>> policies = (List<Map<String, Object>>) v.get("policies");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("POLICY DOMAIN", "TYPE", "MX HOSTS", "SUCCESSES", "FAILURES", "FAILURES BY RESULT TYPE"));
        List<List<String>> mxRows = new ArrayList<>();
        mxRows.add(List.of("POLICY DOMAIN", "MX HOST", "RECEIVING IP", "RESULT TYPE", "SESSIONS"));
        for (Map<String, Object> p : policies) {
            String domain = orDash(p.get("policyDomain"));
            List<String> mx = (List<String>) p.get("mxHosts");
            StringBuilder byType = new StringBuilder();
            for (Map.Entry<String, Long> t : ((Map<String, Long>) p.get("failuresByResultType")).entrySet()) {
                byType.append(byType.length() == 0 ? "" : ", ").append(t.getKey()).append('=').append(t.getValue());
            }
            rows.add(List.of(domain, String.valueOf(p.get("policyType")), mx.isEmpty() ? "-" : String.join(",", mx),
                    String.valueOf(p.get("successes")), String.valueOf(p.get("failures")), byType.length() == 0 ? "-" : byType.toString()));
            for (Map<String, Object> m : (List<Map<String, Object>>) p.get("failuresByMx")) {
                mxRows.add(List.of(domain, orDash(m.get("mxHost")), orDash(m.get("receivingIp")), String.valueOf(m.get("resultType")),
                        String.valueOf(m.get("sessions"))));
            }
        }
        table(rows, Set.of(3, 4), out);
        if (mxRows.size() > 1) {
            out.println();
            out.println("FAILURES PER MX");
            table(mxRows, Set.of(4), out);
        }
        for (String w : (List<String>) v.get("warnings")) {
            out.println("warning: " + w);
        }
    }

    private static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }

    /** Columns as wide as their widest cell; numbers right-aligned; the last column unpadded. */
    private static void table(List<List<String>> rows, Set<Integer> numeric, PrintStream out) {
        int[] width = new int[rows.get(0).size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                boolean last = i == r.size() - 1;
                if (numeric.contains(i)) {
                    line.append(" ".repeat(width[i] - cell.length())).append(cell);
                } else {
                    line.append(cell).append(last ? "" : " ".repeat(width[i] - cell.length()));
                }
                if (!last) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
