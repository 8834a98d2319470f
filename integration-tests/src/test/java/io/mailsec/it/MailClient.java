package io.mailsec.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/** SMTP submission and POP3S/IMAPS retrieval against a {@link JamesProcess}, always over verified TLS. */
public final class MailClient {
    private final JamesProcess james;

    public MailClient(JamesProcess james) {
        this.james = james;
    }

    /** Session for submission on 587-equivalent: STARTTLS required, certificate checked against the test CA. */
    public Session submissionSession() {
        Properties p = new Properties();
        p.put("mail.smtp.host", james.tlsHostName());
        p.put("mail.smtp.port", String.valueOf(james.submissionPort()));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", TestTls.socketFactory(james.caCertificatePem()));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        return Session.getInstance(p);
    }

    public MimeMessage newMessage(Session session, String from, String to, String subject, String body)
            throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText(body, "UTF-8");
        m.saveChanges();
        return m;
    }

    /** Submits with AUTH as {@code user}. */
    public void submit(MimeMessage message, String user, String password) throws MessagingException {
        Session s = submissionSession();
        try (Transport t = s.getTransport("smtp")) {
            t.connect(user, password);
            t.sendMessage(message, message.getAllRecipients());
        }
    }

    /** Messages in the user's INBOX over POP3S. */
    public List<MimeMessage> pop3s(String user, String password) throws MessagingException {
        return inbox("pop3s", james.pop3sPort(), user, password);
    }

    /** Messages in the user's INBOX over IMAPS. */
    /** The INBOX over IMAPS, or nothing this time: a FETCH can race a delivery ("Invalid messageset"); callers poll. */
    public List<MimeMessage> imapsOrNone(String user, String password) {
        try {
            return imaps(user, password);
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The subject, "" when it cannot be read. */
    public static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (Exception e) {
            return "";
        }
    }

    public List<MimeMessage> imaps(String user, String password) throws MessagingException {
        return inbox("imaps", james.imapsPort(), user, password);
    }

    /** Reads INBOX over an implicit-TLS store protocol, the certificate checked against the test CA. */
    private List<MimeMessage> inbox(String protocol, int port, String user, String password) throws MessagingException {
        Properties p = new Properties();
        p.put("mail." + protocol + ".ssl.socketFactory", TestTls.socketFactory(james.caCertificatePem()));
        p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        p.put("mail." + protocol + ".connectiontimeout", "10000");
        p.put("mail." + protocol + ".timeout", "30000");
        List<MimeMessage> out = new ArrayList<>();
        try (Store store = Session.getInstance(p).getStore(protocol)) {
            store.connect(james.tlsHostName(), port, user, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                out.add(new MimeMessage((MimeMessage) m));
            }
            inbox.close(false);
        }
        return out;
    }
}
