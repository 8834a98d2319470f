package io.mailsec.dkim.conf;

import static io.mailsec.core.conf.JamesConfiguration.child;
import static io.mailsec.core.conf.JamesConfiguration.elements;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.mailsec.core.conf.ConfigurationCheck;
import io.mailsec.core.conf.Finding;
import io.mailsec.core.conf.JamesConfiguration;
import io.mailsec.dkim.DkimException;
import io.mailsec.dkim.KeyTable;
import io.mailsec.dkim.PublishedKeyCheck;

/** DkimSign's key tables: each parses ({@code dkim-key}) and, with DNS, each key is the published one ({@code dkim-dns}). */
public final class KeyTableCheck implements ConfigurationCheck {
    /** Each key in the DkimSign key tables against its published record. */
    @Override
    public List<Finding> check(JamesConfiguration c) {
        List<Finding> findings = new ArrayList<>();
        Document d = c.mailetcontainer();
        if (d == null) {
            return findings;
        }
        for (Element m : elements(d, "mailet")) {
            String table = child(m, "keyTable");
            if (table == null || !m.getAttribute("class").equals("io.mailsec.dkim.james.DkimSign")) {
                continue;
            }
            Path p = c.resolve(table);
            if (!Files.isReadable(p)) {
                continue; // reported by the file check
            }
            KeyTable t;
            try {
                t = KeyTable.load(p);
            } catch (DkimException e) {
                findings.add(new Finding("dkim-key", p.getFileName().toString(), e.getMessage()));
                continue;
            }
            if (c.dns() == null) {
                continue;
            }
            for (KeyTable.Entry e : t.entries().values()) {
                for (java.util.Map.Entry<String, io.mailsec.dkim.SigningKey> k : e.keys().entrySet()) {
                    PublishedKeyCheck.Outcome o = PublishedKeyCheck.check(c.dns(), e.domain(), k.getKey(), k.getValue());
                    if (!o.matches()) {
                        findings.add(new Finding("dkim-dns", p.getFileName().toString(), e.domain() + " selector " + k.getKey() + ": " + o.result()
                                + " (" + o.reason() + ")"));
                    }
                }
            }
        }
        return findings;
    }
}
