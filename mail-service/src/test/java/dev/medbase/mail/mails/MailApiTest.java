package dev.medbase.mail.mails;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.devstack.infra.ReceivedMail;
import dev.medbase.mail.support.ApiTest;
import dev.medbase.mail.support.TestSmtp;

/** {@code POST /mail/v1} through SMTP delivery: what GreenMail receives, and what the mail log says. */
class MailApiTest extends ApiTest {

    static final String PLAIN = json("""
            {'recipients': {'to': ['ann@example.com'], 'cc': ['carl@example.com'], 'bcc': ['bea@example.com']},
             'subject': 'Résumé ✓ für Zoë', 'body': 'Grüße, 日本語 — plain text',
             'reply_to': ['support@example.com']}""");

    @Test
    void plainMailIsQueuedBeforeTheCallReturnsThenDeliveredExactlyOnce() throws Exception {
        JsonNode mail = post("/mail/v1/", ADMIN, PLAIN).expect(200).json();
        assertThat(mail.get("id").asString()).matches("[0-9a-f]{24}");
        assertThat(mail.get("creator_id").asString()).isEqualTo(ADMIN_ID);
        assertThat(mail.get("subject").asString()).isEqualTo("Résumé ✓ für Zoë");
        assertThat(mail.get("body").asString()).isEqualTo("Grüße, 日本語 — plain text");
        assertThat(mail.get("recipients").toString())
                .isEqualTo("{\"to\":[\"ann@example.com\"],\"cc\":[\"carl@example.com\"],\"bcc\":[\"bea@example.com\"]}");
        assertThat(mail.get("reply_to").toString()).isEqualTo("[\"support@example.com\"]");
        assertThat(mail.get("from").asString()).as("the configured default sender").isEqualTo(DEFAULT_FROM);
        assertThat(mail.get("views").asInt()).isZero();
        assertThat(mail.get("status").asString()).isEqualTo("queued");
        assertThat(mail.get("creation_timestamp").isNumber()).isTrue();
        assertThat(mail.get("update_timestamp").isNumber()).isTrue();
        assertThat(mail.has("outbound")).isFalse();
        assertThat(mail.has("tracking_hash")).isFalse();
        assertThat(TestSmtp.messages()).isEmpty();
        assertThat(storedMail(mail.get("id").asString()).getString("status")).isEqualTo("queued");

        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(worker.runOnce()).isZero();

        List<ReceivedMail> received = TestSmtp.messages();
        assertThat(received).hasSize(1);
        ReceivedMail m = received.get(0);
        assertThat(m.subject()).isEqualTo("Résumé ✓ für Zoë");
        assertThat(m.text().trim()).isEqualTo("Grüße, 日本語 — plain text");
        assertThat(m.html()).isNull();
        assertThat(m.to()).containsExactlyInAnyOrder("ann@example.com", "carl@example.com", "bea@example.com");
        MimeMessage mime = mime(m);
        assertThat(mime.getHeader("Cc", ",")).isEqualTo("carl@example.com");
        assertThat(mime.getHeader("Bcc")).isNull();
        assertThat(mime.getHeader("Reply-To", ",")).isEqualTo("support@example.com");
        assertThat(m.from()).isEqualTo(DEFAULT_FROM);
        assertThat(mime.getMessageID()).isEqualTo("<" + mail.get("id").asString() + "@clinic.test>");

        JsonNode log = get("/mail/v1/?eq(id," + mail.get("id").asString() + ")", ADMIN).expect(200).json();
        assertThat(log.get("page").toString()).isEqualTo("{\"total\":1,\"offset\":0,\"limit\":20}");
        JsonNode sent = log.get("data").get(0);
        assertThat(sent.get("status").asString()).isEqualTo("sent");
        assertThat(sent.get("attempts").asInt()).isEqualTo(1);
        assertThat(sent.get("aws_message_id").asString()).isEqualTo(mime.getMessageID());
        assertThat(sent.get("sent_timestamp").asLong()).isEqualTo(clock.millis());
        assertThat(storedMail(mail.get("id").asString())).doesNotContainKey("outbound");
        assertThat(events("mail_sent")).hasSize(1);
        assertThat(events("mail_sent").get(0).getString("content"))
                .contains("\"id\":\"" + mail.get("id").asString() + "\"").contains("\"origin\":\"api\"");
    }

    @Test
    void camelCaseBodiesAndHtmlBodiesAreAccepted() {
        post("/mail/v1", ADMIN, json("""
                {'recipients': {'to': 'ann@example.com'}, 'subject': 'Hi', 'replyTo': 'x@example.com',
                 'from': 'Clinic <clinic@example.org>', 'body': '<p>Hello <a href=\\"https://x.org\\">there</a></p>'}"""))
                .expect(200);
        worker.runOnce();
        ReceivedMail m = TestSmtp.messages().get(0);
        assertThat(m.html()).contains("<p>Hello <a href=\"https://x.org\">there</a></p>");
        assertThat(m.text()).contains("Hello there (https://x.org)");
        assertThat(m.from()).isEqualTo("Clinic <clinic@example.org>");
    }

    @Test
    void attachmentsAreSentAndNotListed() throws Exception {
        byte[] pdf = "%PDF-1.4 fake report ü".getBytes(StandardCharsets.UTF_8);
        String id = post("/mail/v1/", ADMIN, json("{'recipients': {'to': ['ann@example.com']}, 'subject': 'Report',"
                + " 'body': 'See attached', 'attachments': [{'name': 'report.pdf', 'type': 'application/pdf',"
                + " 'content': '" + Base64.getEncoder().encodeToString(pdf) + "'}]}")).expect(200).get("id").asString();
        JsonNode queued = get("/mail/v1/queued", ADMIN).expect(200).json();
        assertThat(queued.get("page").get("total").asInt()).isEqualTo(1);
        JsonNode q = queued.get("data").get(0);
        assertThat(q.get("id").asString()).isEqualTo(id);
        assertThat(q.get("status").asString()).isEqualTo("queued");
        assertThat(q.get("to").toString()).isEqualTo("[\"ann@example.com\"]");
        assertThat(q.get("text").asString()).isEqualTo("See attached");
        assertThat(q.get("attachments").toString()).isEqualTo(
                "[{\"filename\":\"report.pdf\",\"contentType\":\"application/pdf\",\"size\":" + pdf.length
                        + ",\"encoding\":\"base64\"}]");
        assertThat(q.get("templateData").get("credentials").get("userId").asString()).isEqualTo(ADMIN_ID);
        assertThat(q.get("creationTimestamp").isNumber()).isTrue();

        worker.runOnce();
        MimeMessage mime = mime(TestSmtp.messages().get(0));
        Multipart multipart = (Multipart) mime.getContent();
        Part attachment = null;
        for (int i = 0; i < multipart.getCount(); i++) {
            if (Part.ATTACHMENT.equalsIgnoreCase(multipart.getBodyPart(i).getDisposition())) {
                attachment = multipart.getBodyPart(i);
            }
        }
        assertThat(attachment).isNotNull();
        assertThat(attachment.getFileName()).isEqualTo("report.pdf");
        assertThat(attachment.getContentType()).startsWith("application/pdf");
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(pdf);
        assertThat(get("/mail/v1/queued", ADMIN).expect(200).json().get("data").size()).isZero();
    }

    @Test
    void smtpDownMeansTheMailWaitsWithBackoffAndGoesOutOnceWhenItIsBack() {
        TestSmtp.stop();
        String id = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        assertThat(worker.runOnce()).isEqualTo(1);
        Document mail = storedMail(id);
        assertThat(mail.getString("status")).isEqualTo("queued");
        assertThat(mail.getInteger("attempts")).isEqualTo(1);
        assertThat(mail.getString("error")).isNotBlank();
        assertThat(mail.getDate("next_attempt_at").toInstant()).isEqualTo(clock.instant().plusSeconds(5));
        assertThat(worker.runOnce()).as("not due yet").isZero();

        clock.advance(Duration.ofSeconds(5));
        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(storedMail(id).getDate("next_attempt_at").toInstant())
                .as("backoff doubles").isEqualTo(clock.instant().plusSeconds(10));
        JsonNode queued = get("/mail/v1/queued?eq(status,queued)", ADMIN).expect(200).json().get("data").get(0);
        assertThat(queued.get("attempts").asInt()).isEqualTo(2);
        assertThat(queued.get("error").asString()).isNotBlank();
        assertThat(queued.get("nextAttemptTimestamp").asLong()).isEqualTo(clock.millis() + 10_000);

        TestSmtp.start();
        clock.advance(Duration.ofSeconds(9));
        assertThat(worker.runOnce()).isZero();
        assertThat(TestSmtp.messages()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(worker.runOnce()).isZero();
        assertThat(TestSmtp.messages()).hasSize(1);
        assertThat(storedMail(id).getString("status")).isEqualTo("sent");
        assertThat(storedMail(id).get("error")).isNull();
    }

    @Test
    void anSmtpConnectionTheServerDroppedWhileIdleIsReplacedWithoutAFailedAttempt() {
        String first = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(storedMail(first).getString("status")).isEqualTo("sent");
        TestSmtp.stop(); // the connection kept open for the next mail is gone with the server
        TestSmtp.start();
        TestSmtp.clear();

        String second = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        assertThat(worker.runOnce()).isEqualTo(1);
        Document mail = storedMail(second);
        assertThat(mail.getString("status")).isEqualTo("sent");
        assertThat(mail.getInteger("attempts")).isEqualTo(1);
        assertThat(mail.get("error")).isNull();
        assertThat(TestSmtp.messages()).hasSize(1);
    }

    @Test
    void aMailStillUndeliverableAfterTheGiveUpTimeFails() {
        TestSmtp.stop();
        String id = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        worker.runOnce();
        clock.advance(Duration.ofDays(3));
        assertThat(worker.runOnce()).isEqualTo(1);
        Document mail = storedMail(id);
        assertThat(mail.getString("status")).isEqualTo("failed");
        assertThat(mail.getString("error")).startsWith("Gave up after 2 attempts");
        assertThat(mail).doesNotContainKey("outbound");
        assertThat(events("mail_failed")).hasSize(1);
        clock.advance(Duration.ofDays(1));
        assertThat(worker.runOnce()).isZero();
    }

    @Test
    void aWorkerThatDiesMidSendIsTakenOverAndTheMailIsSentOnce() {
        String id = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        // worker A claims the mail and dies before the SMTP conversation ends
        Document claimedByA = worker.claim("worker-a").orElseThrow();
        assertThat(claimedByA.getObjectId("_id").toHexString()).isEqualTo(id);
        assertThat(worker.runOnce()).as("A's lease still holds").isZero();
        assertThat(get("/mail/v1/queued", ADMIN).json().get("data").get(0).get("status").asString())
                .isEqualTo("sending");

        clock.advance(Duration.ofMinutes(2));
        assertThat(worker.runOnce()).as("lease ran out: taken over").isEqualTo(1);
        assertThat(TestSmtp.messages()).hasSize(1);
        assertThat(storedMail(id).getInteger("attempts")).isEqualTo(2);

        // A was only stalled, and now goes on with its stale claim: it must not send
        assertThat(worker.deliver(claimedByA)).isEqualTo(MailWorker.Outcome.LOST_LEASE);
        assertThat(TestSmtp.messages()).hasSize(1);
        assertThat(storedMail(id).getString("status")).isEqualTo("sent");
    }

    @Test
    void aStaleCandidateIsNotClaimedOnceItsMailChanged(@Autowired MailStore store) {
        String id = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        Document queued = store.due(clock.instant(), 10).get(0);
        Document claimedByA = worker.claim("worker-a").orElseThrow();
        assertThat(store.claim(queued, "worker-b", clock.instant(), Duration.ofMinutes(1)))
                .as("read as queued, claimed by A since").isEmpty();

        // A stalls past its lease; B reads the mail as due for a takeover, but A extends its lease first
        clock.advance(Duration.ofMinutes(2));
        Document expired = store.due(clock.instant(), 10).get(0);
        assertThat(expired.getObjectId("_id").toHexString()).isEqualTo(id);
        assertThat(store.confirm(claimedByA, clock.instant(), Duration.ofMinutes(1))).isTrue();
        assertThat(store.claim(expired, "worker-b", clock.instant(), Duration.ofMinutes(1))).isEmpty();
        assertThat(worker.deliver(claimedByA)).isEqualTo(MailWorker.Outcome.SENT);
        assertThat(worker.runOnce()).isZero();
        assertThat(TestSmtp.messages()).hasSize(1);
        assertThat(storedMail(id).getInteger("attempts")).isEqualTo(1);
    }

    @Test
    void twoWorkersNeverClaimTheSameMail() {
        post("/mail/v1/", ADMIN, PLAIN).expect(200);
        assertThat(worker.claim("worker-a")).isPresent();
        assertThat(worker.claim("worker-b")).isEmpty();
    }

    @Test
    void openTrackingCountsViewsAndAnswersAPixelOrJson() {
        String id = post("/mail/v1/", ADMIN, PLAIN).expect(200).get("id").asString();
        String hash = storedMail(id).getString("tracking_hash");
        assertThat(hash).matches("[0-9a-f]{40}");
        Response pixel = send("GET", "/mail/v1/" + hash + "/open", null, null, null, "image/*");
        pixel.expect(200);
        assertThat(pixel.contentType()).isEqualTo("image/gif");
        assertThat(new String(pixel.bytes(), 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        Response sdk = send("GET", "/mail/v1/" + hash + "/open", null, null, null, "application/json, text/plain, */*");
        assertThat(sdk.expect(200).raw()).isEqualTo("{\"affectedRecords\":1}");
        assertThat(get("/mail/v1/?eq(id," + id + ")", ADMIN).json().get("data").get(0).get("views").asInt())
                .isEqualTo(2);
        assertThat(send("GET", "/mail/v1/" + "0".repeat(40) + "/open", null, null, null, "application/json").raw())
                .isEqualTo("{\"affectedRecords\":0}");
        assertThat(send("GET", "/mail/v1/not-a-hash/open", null, null, null, "image/*").status()).isEqualTo(200);
    }

    @Test
    void mailLogQueriesWithRqlAndDeleteCancelsAQueuedMail() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(post("/mail/v1/", ADMIN, json("{'recipients': {'to': ['u" + i + "@example.com']},"
                    + " 'subject': 'Mail " + i + "', 'body': 'b'}")).expect(200).get("id").asString());
            clock.advance(Duration.ofSeconds(1));
        }
        JsonNode page = get("/mail/v1/?sort(-creation_timestamp)&limit(2)&select(id,subject)", ADMIN).expect(200).json();
        assertThat(page.get("page").toString()).isEqualTo("{\"total\":3,\"offset\":0,\"limit\":2}");
        assertThat(page.get("data").get(0).toString())
                .isEqualTo("{\"id\":\"" + ids.get(2) + "\",\"subject\":\"Mail 2\"}");
        assertThat(get("/mail/v1/?eq(recipients.to,u1@example.com)", ADMIN).json().get("data").get(0).get("id")
                .asString()).isEqualTo(ids.get(1));
        assertThat(get("/mail/v1/?sort(creationTimestamp)&skipCount()", ADMIN).json().get("page").has("total"))
                .isFalse();
        get("/mail/v1/?eq(outbound.html,x)", ADMIN).expectError(400, 19);
        get("/mail/v1/?eq(tracking_hash,x)", ADMIN).expectError(400, 19);

        assertThat(delete("/mail/v1/" + ids.get(0), ADMIN).expect(200).raw()).isEqualTo("{\"affectedRecords\":1}");
        delete("/mail/v1/" + ids.get(0), ADMIN).expectError(404, 16);
        delete("/mail/v1/not-an-id", ADMIN).expectError(400, 12);
        assertThat(worker.runOnce()).isEqualTo(2);
        assertThat(TestSmtp.messages()).extracting(ReceivedMail::subject).containsExactly("Mail 1", "Mail 2");
    }

    static MimeMessage mime(ReceivedMail m) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.raw()));
    }
}
