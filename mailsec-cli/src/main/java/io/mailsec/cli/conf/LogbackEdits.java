package io.mailsec.cli.conf;

import java.util.List;
import java.util.Optional;

/** {@code logback.xml}: mailsec's INFO lines and the TLS tracking log's own file (docs/install.md section 6). */
final class LogbackEdits {
    static final String FILE = "logback.xml";
    static final String TRACKING_LOGGER = "mailsec.tls.tracking";
    static final String TRACKING_APPENDER = String.join("\n",
            "<!-- mailsec TLS tracking log: one JSON object per line, its own file. -->",
            "<appender name=\"TLS_TRACKING\" class=\"ch.qos.logback.core.rolling.RollingFileAppender\">",
            "    <file>${working.directory:-.}/logs/tls-tracking.jsonl</file>",
            "    <rollingPolicy class=\"ch.qos.logback.core.rolling.TimeBasedRollingPolicy\">",
            "        <fileNamePattern>${working.directory:-.}/logs/tls-tracking.%d{yyyy-MM-dd}.jsonl.gz</fileNamePattern>",
            "        <maxHistory>90</maxHistory>",
            "    </rollingPolicy>",
            "    <encoder>",
            "        <pattern>%msg%n</pattern>",
            "    </encoder>",
            "</appender>");

    private final XmlText xml;
    private final InstallReport report;

    LogbackEdits(XmlText xml, InstallReport report) {
        this.xml = xml;
        this.report = report;
    }

    void apply() {
        if (logger("io.mailsec").isEmpty()) {
            xml.appendChild(xml.root(), "<logger name=\"io.mailsec\" level=\"INFO\"/>");
            report.done(FILE, "logger io.mailsec at INFO (mailsec's verdicts; the root logs at " + rootLevel() + ")");
        }
        if (logger(TRACKING_LOGGER).isEmpty()) {
            List<XmlText.Element> appenders = xml.root().children("appender");
            if (appenders.isEmpty()) {
                xml.prependChild(xml.root(), TRACKING_APPENDER);
            } else {
                xml.insertAfter(appenders.get(appenders.size() - 1), TRACKING_APPENDER);
            }
            xml.appendChild(xml.root(), "<logger name=\"" + TRACKING_LOGGER + "\" level=\"INFO\" additivity=\"false\">\n"
                    + "    <appender-ref ref=\"TLS_TRACKING\"/>\n</logger>");
            report.done(FILE, "TLS tracking log in logs/tls-tracking.jsonl (daily, 90 days)");
        }
    }

    private Optional<XmlText.Element> logger(String name) {
        return xml.root().children("logger").stream().filter(l -> l.attribute("name").equals(name)).findFirst();
    }

    private String rootLevel() {
        return xml.root().child("root").map(r -> r.attribute("level")).filter(l -> !l.isEmpty()).orElse("DEBUG");
    }
}
