package io.mailsec.tls.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailsec.tls.outbound.RecipientOutcome;

/**
 * The retry state crosses a persistent queue as James's queues carry attributes: each one written as
 * its JSON ({@code AttributeValue.toJson()}, the JMS queue's message property, RabbitMQ's and Pulsar's
 * JSON mail) and read back with {@code AttributeValue.fromJsonString}. An attribute without a JSON form
 * would be dropped silently by those queues, so every one of ours must come back equal.
 */
class DeliveryStateTest {
    @Test
    void everyRetryAttributeComesBackFromItsJsonForm() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setText("x");
        m.saveChanges();
        Mail mail = FakeMail.builder().name("m").mimeMessage(m).sender("a@sender.test").recipient(new MailAddress("r@remote.test")).build();
        Instant queuedAt = Instant.ofEpochMilli(1_700_000_000_123L);
        Instant next = Instant.ofEpochMilli(1_700_000_900_456L);
        DeliveryState.queued(mail, queuedAt);
        RecipientOutcome first = RecipientOutcome.temporary("r@remote.test", "4.7.10", "mx.remote.test [127.0.10.25]",
                "STARTTLS not offered", true, "starttls");
        DeliveryState.retry(mail, 3, next, Map.of("r@remote.test", first), true);

        Mail back = FakeMail.builder().name("m").mimeMessage(m).recipient(new MailAddress("r@remote.test")).build();
        List<String> names = mail.attributeNames().map(AttributeName::asString).sorted().toList();
        assertThat(names).containsExactly("mailsec.tls.outbound.attempts", "mailsec.tls.outbound.delayNotified",
                "mailsec.tls.outbound.firstFailure", "mailsec.tls.outbound.nextAttempt", "mailsec.tls.outbound.queuedAt",
                "mailsec.tls.outbound.requeuedAt");
        Map<String, String> json = new LinkedHashMap<>();
        mail.attributes().forEach(a -> json.put(a.getName().asString(), a.getValue().toJson().map(JsonNode::toString).orElse(null)));
        assertThat(json).as("every attribute has a JSON form").doesNotContainValue(null);
        for (Map.Entry<String, String> e : json.entrySet()) {
            back.setAttribute(new Attribute(AttributeName.of(e.getKey()), AttributeValue.fromJsonString(e.getValue())));
        }

        assertThat(DeliveryState.attempts(back)).isEqualTo(3);
        assertThat(DeliveryState.queuedAt(back, Instant.EPOCH)).isEqualTo(queuedAt);
        assertThat(DeliveryState.nextAttempt(back)).contains(next);
        assertThat(DeliveryState.requeuedAt(back)).isEqualTo(DeliveryState.requeuedAt(mail));
        assertThat(DeliveryState.delayNotified(back)).isTrue();
        RecipientOutcome again = DeliveryState.firstFailures(back).get("r@remote.test");
        assertThat(again).as("the first failure, for the final DSN").isNotNull();
        assertThat(again.status()).isEqualTo("4.7.10");
        assertThat(again.remote()).isEqualTo("mx.remote.test [127.0.10.25]");
        assertThat(again.diagnostic()).isEqualTo("STARTTLS not offered");
        assertThat(again.tlsFailure()).isTrue();
        assertThat(again.step()).isEqualTo("starttls");
    }
}
