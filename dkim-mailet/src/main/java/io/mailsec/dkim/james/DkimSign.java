package io.mailsec.dkim.james;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.james.JamesPaths;
import io.mailsec.dkim.DkimException;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.KeyTable;
import io.mailsec.dkim.SignSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs mail whose From domain is in the key table ({@code keyTable} init parameter, file format in
 * {@link KeyTable}). Mail from other domains passes unsigned with a log line. The key table and key
 * files are re-read when they change (checked at most every {@code reloadInterval} seconds, default
 * 5); a broken edit is logged and the previous table stays in use. Place it after every mailet that
 * changes the message.
 */
public class DkimSign extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(DkimSign.class);

    private Path tableFile;
    private long reloadIntervalMillis;
    private volatile KeyTable table;
    private volatile List<FileTime> stamps;
    private volatile long lastCheck;

    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMETERS = Set.of("keyTable", "reloadInterval");

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        String file = p.required("keyTable", "the path of the key table file");
        tableFile = JamesPaths.resolve(file);
        reloadIntervalMillis = p.duration("reloadInterval", Duration.ofSeconds(5), Duration.ZERO).toMillis();
        try {
            table = KeyTable.load(tableFile);
        } catch (DkimException e) {
            throw p.bad("keyTable", file, "a valid key table (" + tableFile + ": " + e.getMessage() + ")");
        }
        stamps = stamps(table.files());
        lastCheck = System.currentTimeMillis();
        LOG.info("dkim.sign init keyTable={} domains={}", tableFile, String.join(",", table.entries().keySet()));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        maybeReload();
        MimeMessage message = mail.getMessage();
        String fromDomain = fromDomain(message);
        if (fromDomain == null) {
            LOG.info("dkim.sign mail={} signed=false reason=\"no usable From address\"", mail.getName());
            return;
        }
        KeyTable.Entry entry = table.lookup(fromDomain);
        if (entry == null) {
            LOG.info("dkim.sign mail={} signed=false from.domain={} reason=\"domain not in key table\"", mail.getName(), fromDomain);
            return;
        }
        List<SignSpec> specs = entry.specs(fromDomain);
        List<String> fields;
        try {
            DkimSigner.Session session = new DkimSigner.Session(specs);
            message.writeTo(session);
            fields = session.signatures();
        } catch (IOException e) {
            throw new MessagingException("DkimSign: cannot read message " + mail.getName() + ": " + e.getMessage(), e);
        } catch (DkimException e) {
            LOG.warn("dkim.sign mail={} signed=false from.domain={} reason=\"{}\"", mail.getName(), fromDomain, e.getMessage());
            return;
        }
        Headers.rewrite(message, fields, line -> false);
        LOG.info("dkim.sign mail={} signed=true from.domain={} d={} s={} a={}", mail.getName(), fromDomain,
                specs.get(0).domain(), specs.stream().map(SignSpec::selector).collect(Collectors.joining(",")),
                specs.stream().map(s -> s.key().algorithm().tag()).collect(Collectors.joining(",")));
    }

    static String fromDomain(MimeMessage message) throws MessagingException {
        String[] from = message.getHeader("From");
        if (from == null || from.length == 0) {
            return null;
        }
        try {
            InternetAddress[] addrs = InternetAddress.parseHeader(from[0], false);
            if (addrs.length == 0 || addrs[0].getAddress() == null) {
                return null;
            }
            String a = addrs[0].getAddress();
            int at = a.lastIndexOf('@');
            return at < 0 ? null : a.substring(at + 1).toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            return null;
        }
    }

    private void maybeReload() {
        long now = System.currentTimeMillis();
        if (now - lastCheck < reloadIntervalMillis) {
            return;
        }
        synchronized (this) {
            lastCheck = now;
            KeyTable current = table;
            List<FileTime> fresh = stamps(current.files());
            if (fresh.equals(stamps) && stamps(List.of(tableFile)).get(0).equals(stamps.get(0))) {
                return;
            }
            try {
                KeyTable loaded = KeyTable.load(tableFile);
                table = loaded;
                stamps = stamps(loaded.files());
                LOG.info("dkim.sign reload keyTable={} domains={}", tableFile, String.join(",", loaded.entries().keySet()));
            } catch (DkimException e) {
                stamps = fresh; // do not retry the same broken files on every mail
                LOG.error("dkim.sign reload keyTable={} error=\"{}\" using=previous", tableFile, e.getMessage());
            }
        }
    }

    private static List<FileTime> stamps(List<Path> files) {
        List<FileTime> out = new ArrayList<>(files.size());
        for (Path p : files) {
            try {
                out.add(Files.getLastModifiedTime(p));
            } catch (IOException e) {
                out.add(FileTime.fromMillis(-1));
            }
        }
        return out;
    }

    /** The table in use (for tests and the CLI). */
    public KeyTable keyTable() {
        return table;
    }

    @Override
    public String getMailetInfo() {
        return "mailsec DKIM signing with a key table (RSA, Ed25519, rotation)";
    }
}
