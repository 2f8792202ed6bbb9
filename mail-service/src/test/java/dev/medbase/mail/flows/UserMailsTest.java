package dev.medbase.mail.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.ReceivedMail;
import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.mail.support.ApiTest;
import dev.medbase.mail.support.TestSmtp;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;

/**
 * The activation and password-reset mails user-service asks for ({@code docs/events-users.md}): from a real Kafka
 * record on {@code medbase.users} to the message in the SMTP server, with the hash or PIN in the mail and nowhere
 * in the mail log.
 */
class UserMailsTest extends ApiTest {

    static final String HASH = "0123456789abcdef0123456789abcdef01234567";

    @Autowired
    UserMailHandler handler;

    static EventEnvelope event(String type, Map<String, Object> content) {
        return EventEnvelope.create(type, "users", (String) content.get("user_id"), content);
    }

    static Map<String, Object> activation(String email) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("user_id", new ObjectId().toHexString());
        c.put("email", email);
        c.put("first_name", "Zoë");
        c.put("last_name", "Lambert");
        c.put("language", "EN");
        c.put("mode", "hash");
        c.put("activation_hash", HASH);
        c.put("expiry_timestamp", Instant.parse("2030-01-02T03:04:00Z").toEpochMilli());
        c.put("reactivation", false);
        return c;
    }

    @Test
    void activationRequestedOnKafkaSendsTheBuiltInMailWithTheHashOnce() throws Exception {
        EventEnvelope event = event("activation_requested", activation("zoe@example.com"));
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new EventCodec(JsonMapper.builder().build()).toRecord(event)).get();
            producer.send(new EventCodec(JsonMapper.builder().build()).toRecord(event)).get(); // redelivered
        }
        Query byEvent = Query.query(Criteria.where("event_id").is(event.id()));
        await().atMost(Duration.ofSeconds(60)).until(() -> mongo.count(byEvent, "mails") == 1
                && mongo.count(Query.query(Criteria.where("eventId").is(event.id())), "processed_events") == 1);
        assertThat(worker.runOnce()).isEqualTo(1);

        List<ReceivedMail> received = TestSmtp.messages();
        assertThat(received).hasSize(1);
        ReceivedMail m = received.get(0);
        assertThat(m.to()).containsExactly("zoe@example.com");
        assertThat(m.subject()).isEqualTo("Activate your account");
        assertThat(m.text()).contains("Hello Zoë").contains("\n" + HASH + "\n").contains("2030-01-02 03:04 UTC");
        assertThat(m.html()).contains("<code>" + HASH + "</code>");

        Document stored = mongo.findOne(byEvent, Document.class, "mails");
        assertThat(stored.toJson()).doesNotContain(HASH);
        JsonNode log = get("/mail/v1/?eq(id," + stored.getObjectId("_id").toHexString() + ")", ADMIN).json()
                .get("data").get(0);
        assertThat(log.get("body").asString()).contains("<code>[redacted]</code>").doesNotContain(HASH);
        assertThat(log.get("content").get("activation_hash").asString()).isEqualTo("[redacted]");
        assertThat(log.get("content").get("first_name").asString()).isEqualTo("Zoë");
        assertThat(log.get("status").asString()).isEqualTo("sent");
        assertThat(log.has("creator_id")).isFalse();
        assertThat(events("mail_sent").get(0).getString("content")).contains("\"origin\":\"user_flow\"")
                .doesNotContain(HASH);
    }

    @Test
    void whileQueuedTheSecretIsOnlyInTheOutboundCopy() {
        handler.handle(event("password_reset_requested", Map.of("user_id", new ObjectId().toHexString(),
                "email", "ann@example.com", "first_name", "Ann", "language", "NL", "mode", "pin_code",
                "pin_code", "12345678")));
        JsonNode queued = get("/mail/v1/queued", ADMIN).json().get("data").get(0);
        assertThat(queued.toString()).doesNotContain("12345678").contains("[redacted]");
        Document stored = mongo.findOne(new Query(), Document.class, "mails");
        assertThat(stored.get("outbound", Document.class).getString("html")).contains("12345678");
        assertThat(stored.getString("body")).doesNotContain("12345678");

        worker.runOnce();
        ReceivedMail m = TestSmtp.messages().get(0);
        assertThat(m.subject()).isEqualTo("Your password reset code");
        assertThat(m.text()).contains("12345678");
        assertThat(mongo.findOne(new Query(), Document.class, "mails").toJson()).doesNotContain("12345678");
    }

    @Test
    void anOidcUnlinkResetIsTheOidcUnlinkMailInBothModes() {
        handler.handle(event("password_reset_requested", Map.of("user_id", new ObjectId().toHexString(),
                "email", "olive@example.com", "first_name", "Olive", "language", "EN", "mode", "hash",
                "reset_hash", HASH, "oidc_unlink", true)));
        handler.handle(event("password_reset_requested", Map.of("user_id", new ObjectId().toHexString(),
                "email", "pin@example.com", "first_name", "Pia", "language", "EN", "mode", "pin_code",
                "pin_code", "87654321", "oidc_unlink", true)));
        assertThat(worker.runOnce()).isEqualTo(2);
        Map<String, ReceivedMail> byRecipient = new LinkedHashMap<>();
        TestSmtp.messages().forEach(m -> byRecipient.put(m.to().get(0), m));
        assertThat(byRecipient.get("olive@example.com").subject()).isEqualTo("Choose a password for your account");
        assertThat(byRecipient.get("olive@example.com").text()).contains("single sign-on").contains("\n" + HASH + "\n");
        assertThat(byRecipient.get("pin@example.com").subject()).isEqualTo("Your code to choose a password");
        assertThat(byRecipient.get("pin@example.com").text()).contains("87654321");
    }

    @Test
    void theConfiguredTemplateIsUsedV2ByNameOrV1ById() {
        post("/templates/v2/", ADMIN, json("""
                {'name': 'activate_account_mail', 'inputs': {'activation_hash': {'type': 'string'}},
                 'outputs': {'subject': 'Welcome {{@inputs.first_name}}',
                             'body': 'https://app.example.com/activate/{{@inputs.activation_hash}}'}}""")).expect(200);
        String v1 = post("/templates/v1/", ADMIN, json("""
                {'name': 'reset_v1', 'fields': {'subject': 'Reset for $content.first_name',
                 'body': 'https://app.example.com/reset/$content.reset_hash'}}""")).expect(200).get("id").asString();
        Map<String, Object> a = activation("zoe@example.com");
        a.put("template_name", "activate_account_mail");
        handler.handle(event("activation_requested", a));
        handler.handle(event("password_reset_requested", Map.of("user_id", new ObjectId().toHexString(),
                "email", "ann@example.com", "first_name", "Ann", "mode", "hash", "reset_hash", HASH,
                "template_id", v1)));
        worker.runOnce();
        List<ReceivedMail> received = TestSmtp.messages();
        assertThat(received).extracting(ReceivedMail::subject)
                .containsExactlyInAnyOrder("Welcome Zoë", "Reset for Ann");
        assertThat(received).allSatisfy(m -> assertThat(m.links()).anySatisfy(l -> assertThat(l).endsWith(HASH)));
        assertThat(get("/mail/v1/?eq(template_name,activate_account_mail)", ADMIN).json().get("data").get(0)
                .get("body").asString()).isEqualTo("https://app.example.com/activate/[redacted]");
    }

    @Test
    void aMissingOrBrokenConfiguredTemplateFallsBackToTheBuiltInMail() {
        Map<String, Object> a = activation("zoe@example.com");
        a.put("template_id", new ObjectId().toHexString());
        a.put("reactivation", true);
        handler.handle(event("activation_requested", a));
        worker.runOnce();
        assertThat(TestSmtp.messages()).extracting(ReceivedMail::subject).containsExactly("Confirm your new e-mail address");
    }

    @Test
    void eventsWithoutAnAddressOrSecretSendNothing() {
        handler.handle(event("activation_requested", Map.of("user_id", "u1", "mode", "hash",
                "activation_hash", HASH)));
        handler.handle(event("activation_requested", Map.of("user_id", "u1", "email", "a@example.com")));
        assertThat(mongo.count(new Query(), "mails")).isZero();
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
