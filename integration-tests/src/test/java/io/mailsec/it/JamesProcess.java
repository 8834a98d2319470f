package io.mailsec.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real James 3.8.1 server in its own JVM, started exactly as an administrator does: through
 * {@code ./run-james.sh}, with the mailsec jars in {@code extensions-jars/} and james-conf as its
 * configuration, in a fresh working directory (or an earlier run's, to restart). {@link #close()} stops
 * it (and its JVM) even after a failed test.
 */
public final class JamesProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

    private final Path workDir;
    private final Path output;
    private final Map<String, Integer> ports;
    private final String bind;
    private final String demoDomain;
    private final String demoUser;
    private final String demoPassword;
    private final Process process;

    private JamesProcess(Builder b) throws IOException {
        this.bind = b.bind;
        this.demoDomain = b.demoDomain;
        this.demoUser = "demo@" + demoDomain;
        this.demoPassword = "demo-secret-" + UUID.randomUUID().toString().substring(0, 8);
        Path base = root().resolve("integration-tests/target/james");
        Files.createDirectories(base);
        this.workDir = b.workDir != null ? b.workDir : Files.createTempDirectory(base, b.name + "-");
        this.output = freshOutputFile(workDir);
        this.ports = new LinkedHashMap<>();
        for (String p : List.of("SMTP_PORT", "SUBMISSION_PORT", "SMTPS_PORT", "IMAP_PORT", "IMAPS_PORT",
                "POP3S_PORT", "WEBADMIN_PORT", "CLAMD_PORT")) {
            ports.put(p, freePort());
        }
        ProcessBuilder pb = new ProcessBuilder("bash", root().resolve("run-james.sh").toString());
        Map<String, String> env = pb.environment();
        ports.forEach((k, v) -> env.put(k, String.valueOf(v)));
        env.put("JAMES_WORKDIR", workDir.toString());
        env.put("JAMES_BIND", bind);
        env.put("DEMO_DOMAIN", demoDomain);
        env.put("DEMO_USER", demoUser);
        env.put("DEMO_PASSWORD", demoPassword);
        env.put("JAMES_JAVA_OPTS", b.javaOpts);
        if (b.overlay != null) {
            env.put("JAMES_CONF_OVERLAY", b.overlay.toAbsolutePath().toString());
        }
        if (!b.dnsServers.isEmpty()) {
            env.put("DNS_SERVERS", String.join(" ", b.dnsServers));
        }
        env.putAll(b.env);
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        this.process = pb.start();
        awaitReady();
    }

    /** run-james.out, or run-james-2.out... when James starts again in the same working directory. */
    private static Path freshOutputFile(Path workDir) {
        Path p = workDir.resolve("run-james.out");
        for (int i = 2; Files.exists(p); i++) {
            p = workDir.resolve("run-james-" + i + ".out");
        }
        return p;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The repository root (where run-james.sh lives). */
    public static Path root() {
        String prop = System.getProperty("mailsec.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        p = p.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p.resolve("run-james.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run-james.sh not found above " + prop);
        }
        return p;
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (out.lines().anyMatch(l -> l.startsWith("READY "))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("James did not start (run-james.sh exited "
                        + process.exitValue() + "):\n" + tail(out + "\n" + jamesLog(), 80));
            }
            sleep(200);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        close();
        throw new IllegalStateException("James not READY within " + STARTUP_TIMEOUT + ":\n" + tail(out, 80));
    }

    public String host() {
        return bind;
    }

    /**
     * The name to connect to when the server certificate is checked: the test certificate names
     * "localhost" (JavaMail 1.6 matches DNS names only, not IP addresses).
     */
    public String tlsHostName() {
        return "127.0.0.1".equals(bind) ? "localhost" : bind;
    }

    public int smtpPort() {
        return ports.get("SMTP_PORT");
    }

    public int submissionPort() {
        return ports.get("SUBMISSION_PORT");
    }

    public int smtpsPort() {
        return ports.get("SMTPS_PORT");
    }

    public int imapPort() {
        return ports.get("IMAP_PORT");
    }

    public int imapsPort() {
        return ports.get("IMAPS_PORT");
    }

    public int pop3sPort() {
        return ports.get("POP3S_PORT");
    }

    public int webadminPort() {
        return ports.get("WEBADMIN_PORT");
    }

    /** The clamd run-james.sh started for this James (host:port). */
    public String clamd() {
        return "127.0.0.1:" + ports.get("CLAMD_PORT");
    }

    public Path workDir() {
        return workDir;
    }

    public String demoDomain() {
        return demoDomain;
    }

    public String demoUser() {
        return demoUser;
    }

    public String demoPassword() {
        return demoPassword;
    }

    /** The PEM certificate of the test CA that signed this James's server certificate. */
    public Path caCertificatePem() {
        return workDir.resolve("conf/tls/ca.crt");
    }

    /** run-james.sh's own output: the READY line and the console log. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** James's log file (logs/james.log). */
    public String log() {
        return jamesLog();
    }

    private String jamesLog() {
        Path log = workDir.resolve("logs/james.log");
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A log file under logs/ (e.g. "tls-tracking.jsonl"); empty when it does not exist yet. */
    public String logFile(String name) {
        Path log = workDir.resolve("logs").resolve(name);
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The James JVM (a child of run-james.sh), for CPU and memory readings. */
    public ProcessHandle jamesJvm() {
        return process.descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("JamesServerMain")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("James JVM not found"));
    }

    /** Full garbage collection in the James JVM (jcmd), so that its leak detector sees what was dropped. */
    public void gc() {
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(jamesJvm().pid()), "GC.run").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("jcmd GC.run failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Calls WebAdmin; returns status and body. */
    public HttpResult webadmin(String method, String path, String jsonBody) {
        if (method.equals("PATCH")) {
            return patch(path, jsonBody); // HttpURLConnection knows no PATCH
        }
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + bind + ":" + webadminPort() + path)
                    .toURL().openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(5000);
            c.setReadTimeout(30000);
            if (jsonBody != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream os = c.getOutputStream()) {
                    os.write(jsonBody.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new HttpResult(status, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResult patch(String path, String jsonBody) {
        try {
            java.net.http.HttpRequest r = java.net.http.HttpRequest.newBuilder(URI.create("http://" + bind + ":" + webadminPort() + path))
                    .timeout(java.time.Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(jsonBody == null ? "" : jsonBody, StandardCharsets.UTF_8))
                    .build();
            java.net.http.HttpResponse<String> response = WEBADMIN.send(r, java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new HttpResult(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final java.net.http.HttpClient WEBADMIN = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5)).version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    /**
     * Creates a domain and a user with a password through WebAdmin, and the user's INBOX: created on
     * first use instead, a delivery and a POP3 login racing to create it fail one of them.
     */
    public void addUser(String address, String password) {
        String domain = address.substring(address.indexOf('@') + 1);
        HttpResult d = webadmin("PUT", "/domains/" + domain, null);
        if (d.status() >= 300 && d.status() != 409) {
            throw new IllegalStateException("PUT /domains/" + domain + ": " + d);
        }
        HttpResult u = webadmin("PUT", "/users/" + address, "{\"password\":\"" + password + "\"}");
        if (u.status() >= 300) {
            throw new IllegalStateException("PUT /users/" + address + ": " + u);
        }
        HttpResult inbox = webadmin("PUT", "/users/" + address + "/mailboxes/INBOX", null);
        if (inbox.status() >= 300) {
            throw new IllegalStateException("PUT /users/" + address + "/mailboxes/INBOX: " + inbox);
        }
    }

    /** Polls until {@code condition} holds or the timeout passes; returns whether it held. */
    public static boolean await(Duration timeout, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(200);
        }
        return condition.getAsBoolean();
    }

    /**
     * Stops James as an administrator does: SIGTERM to run-james.sh, which passes it on to James and
     * waits for James to finish its shutdown. Returns run-james.sh's exit status; fails when James
     * has not stopped within the timeout.
     */
    public int stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("James did not stop within " + timeout + ":\n" + tail(output(), 40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            List<ProcessHandle> all = new ArrayList<>();
            process.descendants().forEach(all::add);
            process.destroy();
            all.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    public static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * A port that is free now, below Linux's ephemeral range (32768-60999): a port the kernel hands
     * out (ServerSocket(0)) can be taken by any outgoing connection before James binds it, which
     * failed a start with "Address already in use".
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 200; i++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000 on 127.0.0.1");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record HttpResult(int status, String body) {
    }

    public static final class Builder {
        private final String name;
        private Path workDir;
        private Path overlay;
        private String bind = "127.0.0.1";
        private String demoDomain = "mailsec.test";
        private final List<String> dnsServers = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        static final String DEFAULT_JAVA_OPTS = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
        private String javaOpts = DEFAULT_JAVA_OPTS;

        private Builder(String name) {
            this.name = name;
        }

        /** Start in this working directory (a restart: mail, queues and logs of the earlier run), not a fresh one. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Files in this directory replace or add to conf/ (e.g. a mailetcontainer.xml for one test). */
        public Builder overlay(Path dir) {
            this.overlay = dir;
            return this;
        }

        /** Overlay from a test-resources folder, e.g. {@code overlayResource("dkim")}. */
        public Builder overlayResource(String folder) {
            return overlay(root().resolve("integration-tests/src/test/resources").resolve(folder));
        }

        /** The domain run-james.sh creates with the demo user (and names the server certificate after: mail.DOMAIN). */
        public Builder demoDomain(String domain) {
            this.demoDomain = domain;
            return this;
        }

        public Builder bind(String address) {
            this.bind = address;
            return this;
        }

        /** A DNS server for James (port 53), e.g. a dnsmasq the test started on 127.0.x.53. */
        public Builder dnsServer(String address) {
            dnsServers.add(address);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * James's leak detector with allocation traces: a Disposable (a mail, a message source) that
         * is garbage-collected undisposed logs "Leak detected!" with where it was made.
         */
        public Builder leakDetection() {
            this.javaOpts = javaOpts + " -Djames.lifecycle.leak.detection.mode=advanced";
            return this;
        }

        public Builder javaOpts(String opts) {
            this.javaOpts = opts;
            return this;
        }

        public JamesProcess start() throws IOException {
            return new JamesProcess(this);
        }
    }
}
