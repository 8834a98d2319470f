package io.mailsec.tls.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailsec.core.peers.PeerTools;

/**
 * A Postfix SMTPD policy service (SMTPD_POLICY_README: attribute lines in, {@code action=...} out)
 * with scripted answers, so a real Postfix refuses temporarily for a given number of times and then
 * accepts, the way greylisting does: the decision is the test's, the SMTP replies are Postfix's.
 * Named in Postfix as {@code check_policy_service inet:ADDRESS:PORT} ({@link #checkCommand()}).
 */
public final class PolicyService implements AutoCloseable {
    private static final class Rule {
        final String state;
        final String attribute;
        final String value;
        final String action;
        int remaining;

        Rule(String state, String attribute, String value, int times, String action) {
            this.state = state;
            this.attribute = attribute;
            this.value = value;
            this.remaining = times;
            this.action = action;
        }
    }

    private final ServerSocket server;
    private final List<Rule> rules = new ArrayList<>();
    private final List<String> answers = Collections.synchronizedList(new ArrayList<>());

    private PolicyService(ServerSocket server) {
        this.server = server;
    }

    /** Listens on {@code address} at a free port. */
    public static PolicyService start(String address) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        PolicyService p = new PolicyService(s);
        PeerTools.register(p);
        Thread t = new Thread(p::acceptLoop, "postfix-policy-service");
        t.setDaemon(true);
        t.start();
        return p;
    }

    /** The restriction that asks this service, as a Postfix restriction list item (commas, no spaces: usable in master.cf). */
    public String checkCommand() {
        return "check_policy_service,inet:" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /**
     * In {@code protocolState} (CONNECT, RCPT, END-OF-MESSAGE...), when the request's {@code attribute}
     * equals {@code value} (case-insensitive), answer {@code action} (e.g. "451 4.7.1 try again later")
     * the first {@code times} times, then DUNNO.
     */
    public synchronized PolicyService refuse(String protocolState, String attribute, String value, int times, String action) {
        rules.add(new Rule(protocolState, attribute, value, times, action));
        return this;
    }

    /** Every answer given, as "STATE ATTRIBUTE=VALUE -> ACTION" for the rules' attributes, in order. */
    public List<String> answers() {
        synchronized (answers) {
            return new ArrayList<>(answers);
        }
    }

    private synchronized String decide(Map<String, String> request) {
        String state = request.getOrDefault("protocol_state", "");
        for (Rule r : rules) {
            String v = request.get(r.attribute);
            if (r.state.equalsIgnoreCase(state) && v != null && v.equalsIgnoreCase(r.value)) {
                String action = r.remaining > 0 ? r.action : "DUNNO";
                r.remaining--;
                answers.add(state + " " + r.attribute + "=" + v + " -> " + action);
                return action;
            }
        }
        return "DUNNO";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "postfix-policy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Postfix keeps the connection for many requests, each ended by an empty line. */
    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = s.getOutputStream();
            Map<String, String> request = new LinkedHashMap<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        request.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                    continue;
                }
                out.write(("action=" + decide(request) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                request.clear();
            }
        } catch (IOException ignored) {
            // Postfix closed the connection
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
