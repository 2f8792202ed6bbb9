package dev.medbase.mail.mails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.medbase.mail.support.ApiTest;
import dev.medbase.mail.support.TestSmtp;

/** The worker threads as they run in production: a send wakes them and the mail arrives without anyone polling. */
// Own context, closed afterwards, consuming no events: its worker threads must not deliver other tests' mails.
@TestPropertySource(properties = {"medbase.mail.delivery.enabled=true", "medbase.mail.delivery.poll-interval=1h",
        "medbase.mail.consume-events=false"})
@DirtiesContext
class BackgroundDeliveryTest extends ApiTest {

    @Test
    void aSentMailArrivesOnItsOwnOnce() {
        for (int i = 0; i < 5; i++) {
            post("/mail/v1/", ADMIN, json("{'recipients': {'to': ['a" + i + "@example.com']}, 'subject': 'Hello " + i
                    + "', 'body': 'b'}")).expect(200);
        }
        // the poll interval is an hour: only the wake-up on send can deliver within the wait
        await().atMost(Duration.ofSeconds(30)).until(() -> TestSmtp.messages().size() >= 5
                && mongo.count(org.springframework.data.mongodb.core.query.Query.query(
                        org.springframework.data.mongodb.core.query.Criteria.where("status").is("sent")), "mails") == 5);
        assertThat(TestSmtp.messages()).hasSize(5);
        assertThat(TestSmtp.messages()).extracting(m -> m.subject()).containsExactlyInAnyOrder("Hello 0", "Hello 1",
                "Hello 2", "Hello 3", "Hello 4");
    }
}
