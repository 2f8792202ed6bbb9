package dev.medbase.devstack.infra;

import java.time.Instant;
import java.util.List;

/**
 * One message as the SMTP server received it: one entry per SMTP transaction, however many recipients it had.
 *
 * @param id         sequential, as a string ("1", "2", …); stable while the server runs
 * @param from       the From header (decoded), or the envelope sender when there is none
 * @param to         the envelope recipients (so Bcc recipients are included)
 * @param subject    decoded subject, "" when absent
 * @param date       the Date header, or the receive time when there is none
 * @param receivedAt when the server accepted it
 * @param text       the first text/plain body part (line ends as \n), or {@code null}
 * @param html       the first text/html body part (line ends as \n), or {@code null}
 * @param links      http(s) URLs found in the text and HTML bodies, in order of appearance, without duplicates
 * @param raw        the message source (RFC 822)
 */
public record ReceivedMail(String id, String from, List<String> to, String subject, Instant date, Instant receivedAt,
                           String text, String html, List<String> links, byte[] raw) {

    public ReceivedMail {
        to = List.copyOf(to);
        links = List.copyOf(links);
    }
}
