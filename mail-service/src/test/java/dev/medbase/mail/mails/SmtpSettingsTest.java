package dev.medbase.mail.mails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.medbase.devstack.infra.EmbeddedKafka;

/**
 * The SMTP connection is set with Spring Boot's {@code spring.mail.*} keys (environment: {@code SPRING_MAIL_HOST},
 * {@code _PORT}, {@code _PROTOCOL}, {@code _USERNAME}, {@code _PASSWORD}, {@code _PROPERTIES_…}): here a GreenMail
 * server speaking SMTP over TLS (implicit, {@code smtps}) with a mailbox account, and mail-service's transport built
 * from those keys alone.
 */
class SmtpSettingsTest {

    private GreenMail smtps;
    private ApplicationContextRunner mailService;

    @BeforeEach
    void startServer() {
        int port = EmbeddedKafka.freePort();
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS);
        setup.setServerStartupTimeout(30_000); // its 2 s default is short on a busy build machine
        smtps = new GreenMail(setup)
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer@clinic.test", "mailer", "S3cret!"));
        smtps.start();
        mailService = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
                .withBean(SmtpTransport.class)
                .withPropertyValues("spring.mail.host=127.0.0.1", "spring.mail.port=" + port,
                        "spring.mail.protocol=smtps", "spring.mail.username=mailer",
                        // GreenMail's certificate is self-signed and names no host: trust it explicitly, as one
                        // would a private relay's
                        "spring.mail.properties.mail.smtps.ssl.trust=127.0.0.1",
                        "spring.mail.properties.mail.smtps.ssl.checkserveridentity=false",
                        "spring.mail.properties.mail.smtps.connectiontimeout=5000",
                        "spring.mail.properties.mail.smtps.timeout=5000");
    }

    @AfterEach
    void stopServer() {
        smtps.stop();
    }

    static Document queued() {
        return new Document("_id", new ObjectId()).append("from", "Clinic <noreply@clinic.test>")
                .append("recipients", new Document("to", List.of("ann@example.com")).append("cc", List.of())
                        .append("bcc", List.of()))
                .append("outbound", new Document("subject", "Über TLS").append("text", "Sent with a login"));
    }

    @Test
    void authenticatedSmtpOverTlsDelivers() throws Exception {
        mailService.withPropertyValues("spring.mail.password=S3cret!").run(context -> {
            String messageId = context.getBean(SmtpTransport.class).send(queued());
            MimeMessage[] received = smtps.getReceivedMessages();
            assertThat(received).hasSize(1);
            assertThat(received[0].getSubject()).isEqualTo("Über TLS");
            assertThat(received[0].getMessageID()).isEqualTo(messageId);
        });
    }

    @Test
    void aRefusedLoginIsATransientFailureSoTheMailWaitsForFixedSettings() {
        mailService.withPropertyValues("spring.mail.password=wrong").run(context ->
                assertThatThrownBy(() -> context.getBean(SmtpTransport.class).send(queued()))
                        .isInstanceOfSatisfying(SmtpTransport.DeliveryException.class, e -> {
                            assertThat(e.permanent()).isFalse();
                            assertThat(e.getMessage()).startsWith("SMTP authentication failed");
                        }));
        assertThat(smtps.getReceivedMessages()).isEmpty();
    }
}
