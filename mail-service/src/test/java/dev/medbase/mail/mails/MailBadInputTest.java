package dev.medbase.mail.mails;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.ObjectProvider;

import dev.medbase.mail.MailProperties;
import dev.medbase.mail.support.ApiTest;
import dev.medbase.mail.support.TestSmtp;
import dev.medbase.mail.support.UserServiceInProcess;
import dev.medbase.platform.events.EventPublisher;

/** Every way a send request can be wrong, and who may send, list and delete: always an ExH 4xx, never a 500. */
class MailBadInputTest extends ApiTest {

    record Case(String name, String method, String path, String token, String body, int status, int code) {
    }

    static String recipients(int n) {
        List<String> to = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            to.add("'r" + i + "@example.com'");
        }
        return "{'recipients': {'to': [" + String.join(",", to) + "]}, 'subject': 's', 'body': 'b'}";
    }

    static String attachment(int bytes) {
        return "{'recipients': {'to': ['a@example.com']}, 'subject': 's', 'body': 'b', 'attachments': [{'name': 'x.bin',"
                + " 'content': '" + Base64.getEncoder().encodeToString(new byte[bytes]) + "'}]}";
    }

    @TestFactory
    List<DynamicTest> badRequests() {
        String ok = "'recipients': {'to': ['a@example.com']}, 'subject': 's', 'body': 'b'";
        String unknown = new ObjectId().toHexString();
        List<Case> cases = List.of(
                new Case("malformed JSON", "POST", "/mail/v1/", ADMIN, "{\"recipients\": ", 400, 22),
                new Case("no body", "POST", "/mail/v1/", ADMIN, null, 400, 13),
                new Case("array body", "POST", "/mail/v1/", ADMIN, "[]", 400, 22),
                new Case("missing recipients", "POST", "/mail/v1/", ADMIN, "{'subject': 's', 'body': 'b'}", 400, 14),
                new Case("recipients not an object", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': ['a@example.com'], 'subject': 's', 'body': 'b'}", 400, 15),
                new Case("no recipient at all", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': []}, 'subject': 's', 'body': 'b'}", 400, 14),
                new Case("to of numbers", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': [1]}, 'subject': 's', 'body': 'b'}", 400, 15),
                new Case("invalid address", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['not-an-address']}, 'subject': 's', 'body': 'b'}", 400, 15),
                new Case("header injection in address", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com\\r\\nBcc: x@evil.com']}, 'subject': 's', 'body': 'b'}",
                        400, 15),
                new Case("invalid cc", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com'], 'cc': ['@x']}, 'subject': 's', 'body': 'b'}", 400, 15),
                new Case("51 recipients", "POST", "/mail/v1/", ADMIN, recipients(51), 400, 15),
                new Case("missing subject", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'body': 'b'}", 400, 14),
                new Case("missing body", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'subject': 's'}", 400, 14),
                new Case("subject not a string", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'subject': 5, 'body': 'b'}", 400, 15),
                new Case("invalid from", "POST", "/mail/v1/", ADMIN, "{" + ok + ", 'from': 'nobody'}", 400, 15),
                new Case("invalid reply_to", "POST", "/mail/v1/", ADMIN, "{" + ok + ", 'reply_to': ['x']}", 400, 15),
                new Case("invalid language", "POST", "/mail/v1/", ADMIN, "{" + ok + ", 'language': 'not a code'}",
                        400, 15),
                new Case("content not an object", "POST", "/mail/v1/", ADMIN, "{" + ok + ", 'content': 'x'}", 400, 15),
                new Case("content key with a dot", "POST", "/mail/v1/", ADMIN,
                        "{" + ok + ", 'content': {'a.b': 1}}", 400, 15),
                new Case("unknown template id", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'template_id': '" + unknown + "'}", 404, 16),
                new Case("invalid template id", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'template_id': 'nope'}", 400, 12),
                new Case("unknown template name", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'template_name': 'nope'}", 404, 16),
                new Case("template id and name", "POST", "/mail/v1/", ADMIN,
                        "{'recipients': {'to': ['a@example.com']}, 'template_id': '" + unknown
                                + "', 'template_name': 'x'}", 400, 15),
                new Case("attachments not an array", "POST", "/mail/v1/", ADMIN, "{" + ok + ", 'attachments': {}}",
                        400, 15),
                new Case("attachment without name", "POST", "/mail/v1/", ADMIN,
                        "{" + ok + ", 'attachments': [{'content': 'AAAA'}]}", 400, 14),
                new Case("attachment without content", "POST", "/mail/v1/", ADMIN,
                        "{" + ok + ", 'attachments': [{'name': 'a.txt'}]}", 400, 14),
                new Case("attachment not base64", "POST", "/mail/v1/", ADMIN,
                        "{" + ok + ", 'attachments': [{'name': 'a.txt', 'content': '!!not base64!!'}]}", 400, 15),
                new Case("attachment type invalid", "POST", "/mail/v1/", ADMIN,
                        "{" + ok + ", 'attachments': [{'name': 'a.txt', 'content': 'AAAA', 'type': 'nope'}]}", 400, 15),
                new Case("oversized attachment", "POST", "/mail/v1/", ADMIN, attachment(1024 * 1024 + 1), 400, 15),
                new Case("11 attachments", "POST", "/mail/v1/", ADMIN, "{" + ok + ", 'attachments': ["
                        + "{'name': 'a', 'content': 'AA=='},".repeat(10) + "{'name': 'a', 'content': 'AA=='}]}", 400, 15),
                new Case("invalid RQL", "GET", "/mail/v1/?eq(id", ADMIN, null, 400, 19),
                new Case("RQL on an unknown field", "GET", "/mail/v1/?eq(password,x)", ADMIN, null, 400, 19),
                new Case("queued: invalid RQL", "GET", "/mail/v1/queued?limit(x)", ADMIN, null, 400, 19),
                new Case("delete: invalid id", "DELETE", "/mail/v1/123", ADMIN, null, 400, 12),
                new Case("delete: unknown id", "DELETE", "/mail/v1/" + unknown, ADMIN, null, 404, 16),
                new Case("unknown route", "GET", "/mail/v1/a/b/c", ADMIN, null, 404, 16),
                new Case("anonymous send", "POST", "/mail/v1/", null, "{" + ok + "}", 401, 104),
                new Case("anonymous list", "GET", "/mail/v1/", null, null, 401, 104),
                new Case("anonymous queued", "GET", "/mail/v1/queued", null, null, 401, 104),
                new Case("anonymous delete", "DELETE", "/mail/v1/" + unknown, null, null, 401, 104),
                new Case("list without VIEW_MAILS", "GET", "/mail/v1/", NOBODY, null, 401, 10),
                new Case("queued without VIEW_MAILS", "GET", "/mail/v1/queued", NOBODY, null, 401, 10),
                new Case("delete without DELETE_MAILS", "DELETE", "/mail/v1/" + unknown, NOBODY, null, 401, 10),
                new Case("invalid token", "GET", "/mail/v1/", "not-a-jwt", null, 401, 117));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            send(c.method(), c.path(), c.token(), c.body() == null ? null : json(c.body()), "application/json", null)
                    .expectError(c.status(), c.code());
        })).toList();
    }

    @Test
    void nothingIsQueuedByARefusedRequest() {
        post("/mail/v1/", ADMIN, json(recipients(51))).expectError(400, 15);
        assertThat(mongo.count(new org.springframework.data.mongodb.core.query.Query(), "mails")).isZero();
        post("/mail/v1/", ADMIN, json(recipients(50))).expect(200);
    }

    @Test
    void withoutSendMailsAUserMayOnlyMailTheirOwnActivatedAddress() {
        String self = "self." + new ObjectId() + "@example.com";
        String token = TestTokens.user(UserServiceInProcess.register(self, true)).token();
        post("/mail/v1/", token, json("{'recipients': {'to': ['" + self.toUpperCase(java.util.Locale.ROOT)
                + "']}, 'subject': 's', 'body': 'b'}")).expect(200);
        post("/mail/v1/", token, json("{'recipients': {'to': ['" + self + "'], 'bcc': ['other@example.com']},"
                + " 'subject': 's', 'body': 'b'}")).expectError(401, 10);
        post("/mail/v1/", token, json("{'recipients': {'to': ['other@example.com']}, 'subject': 's', 'body': 'b'}"))
                .expectError(401, 10);

        String fresh = "new." + new ObjectId() + "@example.com";
        String inactive = TestTokens.user(UserServiceInProcess.register(fresh, false)).token();
        post("/mail/v1/", inactive, json("{'recipients': {'to': ['" + fresh + "']}, 'subject': 's', 'body': 'b'}"))
                .expectError(400, 204);
        String unknownToUsers = TestTokens.user(new ObjectId()).token();
        post("/mail/v1/", unknownToUsers, json("{'recipients': {'to': ['x@example.com']}, 'subject': 's', 'body': 'b'}"))
                .expectError(401, 104);
        assertThat(mongo.count(new org.springframework.data.mongodb.core.query.Query(), "mails")).isEqualTo(1);
    }

    @Autowired
    MailStore store;
    @Autowired
    MailProperties properties;
    @Autowired
    ObjectProvider<EventPublisher> events;

    @Test
    void aPermanentSmtpRefusalIsRecordedOnTheMailAndNotRetried() {
        String id = post("/mail/v1/", ADMIN, json("{'recipients': {'to': ['a@example.com']}, 'subject': 's',"
                + " 'body': 'b'}")).expect(200).get("id").asString();
        SmtpTransport refusing = new SmtpTransport(null) {
            @Override
            public String send(Document mail) throws DeliveryException {
                throw classify(new org.springframework.mail.MailSendException("refused",
                        new org.eclipse.angus.mail.smtp.SMTPSendFailedException("DATA", 554,
                                "554 5.7.1 Message rejected", null, null, null, null)));
            }
        };
        MailWorker refused = new MailWorker(store, refusing, properties, clock, events);
        assertThat(refused.runOnce()).isEqualTo(1);
        Document mail = storedMail(id);
        assertThat(mail.getString("status")).isEqualTo("failed");
        assertThat(mail.getString("error")).contains("554");
        assertThat(get("/mail/v1/queued?eq(status,failed)", ADMIN).json().get("data").get(0).get("error").asString())
                .contains("554");
        assertThat(worker.runOnce()).isZero();
        assertThat(TestSmtp.messages()).isEmpty();
    }

    @Test
    void temporarySmtpRefusalsAndNetworkErrorsAreRetried() {
        var transient4xx = SmtpTransport.classify(new org.springframework.mail.MailSendException("busy",
                new org.eclipse.angus.mail.smtp.SMTPSendFailedException("DATA", 451, "451 4.3.0 try later", null,
                        null, null, null)));
        assertThat(transient4xx.permanent()).isFalse();
        var refused = SmtpTransport.classify(new org.springframework.mail.MailSendException("down",
                new jakarta.mail.MessagingException("connect", new java.net.ConnectException("refused"))));
        assertThat(refused.permanent()).isFalse();
        var rejected = SmtpTransport.classify(new org.springframework.mail.MailSendException("no",
                new org.eclipse.angus.mail.smtp.SMTPAddressFailedException(null, "RCPT TO", 550, "550 no such user")));
        assertThat(rejected.permanent()).isTrue();
    }
}
