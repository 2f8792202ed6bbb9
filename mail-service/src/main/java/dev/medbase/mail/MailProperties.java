package dev.medbase.mail;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code medbase.mail.*}: what mail-service accepts, how it delivers, and how templates are bounded. SMTP itself
 * (host, port, TLS, credentials, timeouts) is Spring Boot's {@code spring.mail.*}.
 *
 * @param defaultFrom    sender of mails that name none ({@code from} absent), e.g. {@code Medbase <noreply@x.com>}
 * @param maxRecipients  to + cc + bcc of one mail (Extra Horizon / SES: 50)
 * @param maxMessageSize decoded attachments plus body of one mail (SES: 10 MB)
 * @param maxAttachments attachments of one mail
 * @param delivery       the SMTP worker
 * @param templates      limits of template rendering (both syntaxes)
 * @param userMails      the activation and password-reset mails sent for user-service
 */
@ConfigurationProperties("medbase.mail")
public record MailProperties(
        @DefaultValue("Medbase <noreply@medbase.local>") String defaultFrom,
        @DefaultValue("50") int maxRecipients,
        @DefaultValue("10MB") DataSize maxMessageSize,
        @DefaultValue("10") int maxAttachments,
        @DefaultValue Delivery delivery,
        @DefaultValue Templates templates,
        @DefaultValue UserMails userMails) {

    /**
     * @param enabled      run the worker threads in this process (tests drive {@code MailWorker.runOnce()} by hand)
     * @param threads      worker threads; each claims and sends one mail at a time
     * @param pollInterval fallback poll when nothing woke the worker (retries coming due, other replicas' mails)
     * @param lease        how long a claim holds a mail; must outlast one SMTP conversation (connection + write
     *                     timeouts of {@code spring.mail.properties.mail.smtp.*}), after that another worker may
     *                     take the mail over
     * @param minBackoff   wait after the first failed attempt; doubles per attempt up to {@code maxBackoff}
     * @param maxBackoff   longest wait between attempts while the SMTP server is unreachable
     * @param giveUpAfter  a mail still not delivered this long after it was accepted is marked failed
     */
    public record Delivery(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2") int threads,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("2m") Duration lease,
            @DefaultValue("5s") Duration minBackoff,
            @DefaultValue("10m") Duration maxBackoff,
            @DefaultValue("3d") Duration giveUpAfter) {
    }

    /**
     * @param maxSourceSize  characters of all fields/outputs of one template together
     * @param maxOutputSize  characters one resolve may produce (all outputs, and text built inside the template)
     * @param maxIterations  loop iterations one resolve may run (all loops together)
     * @param timeout        wall-clock time one resolve may take
     */
    public record Templates(
            @DefaultValue("256KB") DataSize maxSourceSize,
            @DefaultValue("2MB") DataSize maxOutputSize,
            @DefaultValue("100000") int maxIterations,
            @DefaultValue("2s") Duration timeout) {
    }

    /**
     * Links put in the built-in activation and reset mails (used when user-service names no template). Each may
     * hold {@code {hash}} / {@code {email}}; empty means the mail shows the code only.
     *
     * @param activationUrl    e.g. {@code https://app.example.com/activate?hash={hash}}
     * @param passwordResetUrl e.g. {@code https://app.example.com/reset?hash={hash}}
     */
    public record UserMails(
            @DefaultValue("") String activationUrl,
            @DefaultValue("") String passwordResetUrl) {
    }
}
