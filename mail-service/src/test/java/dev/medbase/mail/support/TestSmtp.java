package dev.medbase.mail.support;

import java.util.List;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedSmtp;
import dev.medbase.devstack.infra.ReceivedMail;

/**
 * The SMTP server of the tests (GreenMail through the devstack's {@link EmbeddedSmtp}), one per JVM on a fixed free
 * port, so a test can stop it ("SMTP down") and start it again on the same port.
 */
public final class TestSmtp {

    private static final int PORT = EmbeddedKafka.freePort();
    private static final EmbeddedSmtp SMTP = new EmbeddedSmtp(PORT, 0).start();

    private TestSmtp() {
    }

    public static int port() {
        return PORT;
    }

    public static List<ReceivedMail> messages() {
        return SMTP.messages();
    }

    public static void clear() {
        SMTP.clear();
    }

    public static void stop() {
        SMTP.close();
    }

    public static void start() {
        SMTP.start();
    }
}
