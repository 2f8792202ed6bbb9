package dev.medbase.mail.flows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Query;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.ReceivedMail;
import dev.medbase.mail.support.ApiTest;
import dev.medbase.mail.support.TestSmtp;
import dev.medbase.platform.events.EventEnvelope;

/** {@code mail_requested} commands from event-service's dispatchers ({@code docs/events.md}, "Commands"). */
class DispatchedMailsTest extends ApiTest {

    @Autowired
    DispatchedMailHandler handler;

    @SuppressWarnings("unchecked")
    static EventEnvelope command(String json) {
        Map<String, Object> content = JsonMapper.builder().build().readValue(json, Map.class);
        return new EventEnvelope(new ObjectId().toHexString(), "mail_requested", "events", java.time.Instant.now(), "agg",
                content);
    }

    @Test
    void aCommandSendsTheTemplateMailOnceWithTheDispatcherOnTheMail() {
        String template = post("/templates/v1/", ADMIN, json("{'name': 'new_user', 'fields': {'subject':"
                + " 'New user $content.email', 'body': '<p>$content.event.type for $content.id (pin $content.event.content.pin_code)</p>'}}"))
                .expect(200).get("id").asString();
        EventEnvelope command = command(json("""
                {'recipients': {'to': ['admin@example.com', 'new.user@example.com'], 'cc': [], 'bcc': ['w1@example.com']},
                 'template_id': '%s',
                 'content': {'id': '61fbc368cff47e000833ac83', 'email': 'new.user@example.com',
                             'event': {'id': '630f297acff47e0008346bbe', 'type': 'user_created',
                                       'content': {'id': '61fbc368cff47e000833ac83', 'pin_code': '87654321'},
                                       'creation_timestamp': 1643889512167}},
                 'dispatcher_id': 'd1', 'action_id': 'a1', 'event_id': '630f297acff47e0008346bbe',
                 'event_type': 'user_created'}""".formatted(template)));
        handler.handle(command);
        handler.handle(command); // the same command again: deduplicated by its event id
        assertThat(mongo.count(new Query(), "mails")).isEqualTo(1);
        Document stored = mongo.findOne(new Query(), Document.class, "mails");
        assertThat(stored.getString("origin")).isEqualTo("dispatcher");
        assertThat(stored.getString("dispatcher_id")).isEqualTo("d1");
        assertThat(stored.getString("body")).contains("(pin [redacted])");

        assertThat(worker.runOnce()).isEqualTo(1);
        List<ReceivedMail> received = TestSmtp.messages();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).subject()).isEqualTo("New user new.user@example.com");
        assertThat(received.get(0).to()).containsExactlyInAnyOrder("admin@example.com", "new.user@example.com",
                "w1@example.com");
        assertThat(received.get(0).html()).contains("user_created for 61fbc368cff47e000833ac83 (pin 87654321)");
    }

    @Test
    void aCommandThatCanNeverBeSentIsDropped() {
        handler.handle(command(json("{'recipients': {'to': ['a@example.com']}, 'template_id': '"
                + new ObjectId() + "', 'content': {}}")));
        handler.handle(command(json("{'recipients': {'to': ['not an address']}, 'template_name': 'x'}")));
        assertThat(mongo.count(new Query(), "mails")).isZero();
    }
}
