package dev.medbase.mail.flows;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.mail.mails.MailService;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;

/**
 * Mails asked for by event-service's dispatchers: {@code mail_requested} on {@code medbase.events} (contract in
 * {@code docs/events.md}, "Commands"). The content is the body of an ExH {@code POST /mail/v1/} template mail
 * ({@code recipients}, {@code template_id} | {@code template_name}, {@code content}, optionally {@code language},
 * {@code from}, {@code reply_to}, {@code subject}, {@code body}) plus {@code dispatcher_id}, {@code action_id},
 * {@code event_id}, {@code event_type}, which are stored on the mail.
 *
 * <p>One mail per command: the command's event id is the mail's request key (event-service republishes a command
 * with the same id). A command that can never be sent — invalid recipients, unknown template, content that does not
 * fit the template — is logged and dropped rather than retried. Values under {@code activation_hash},
 * {@code reset_hash}, {@code pin_code} and {@code password} keys of the content are redacted in the mail log.
 */
@Component
@ConditionalOnProperty(name = "medbase.mail.consume-events", havingValue = "true", matchIfMissing = true)
class DispatchedMailHandler implements EventHandler {

    static final String MAIL_REQUESTED = "mail_requested";
    private static final Set<String> SECRET_KEYS = Set.of("activation_hash", "reset_hash", "pin_code", "password");
    private static final Logger log = LoggerFactory.getLogger(DispatchedMailHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MailService mails;
    private final String topic;

    DispatchedMailHandler(MailService mails, @Value("${medbase.mail.dispatch-topic:medbase.events}") String topic) {
        this.mails = mails;
        this.topic = topic;
    }

    @Override
    public Collection<String> topics() {
        return List.of(topic);
    }

    @Override
    public Collection<String> types() {
        return List.of(MAIL_REQUESTED);
    }

    @Override
    public void handle(EventEnvelope event) {
        Map<String, Object> c = event.content();
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String key : new String[] {"dispatcher_id", "action_id", "event_id", "event_type"}) {
            if (c.get(key) instanceof String s) {
                extra.put(key, s);
            }
        }
        try {
            MailService.Request request = mails.parse(dev.medbase.mail.web.Body.of(JSON.valueToTree(c)));
            Set<String> secrets = new HashSet<>();
            collectSecrets(request.content(), secrets);
            mails.queue(request, null, "dispatcher", "event:" + event.id(), secrets, extra);
        } catch (ExhException e) {
            log.warn("Command {} (dispatcher {}, action {}) asks for a mail that cannot be sent, dropped: {} {}",
                    event.id(), extra.get("dispatcher_id"), extra.get("action_id"), e.error().code(), e.getMessage());
        }
    }

    private static void collectSecrets(Object value, Set<String> secrets) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (SECRET_KEYS.contains(String.valueOf(k)) && v != null) {
                    secrets.add(String.valueOf(v));
                } else {
                    collectSecrets(v, secrets);
                }
            });
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectSecrets(v, secrets));
        }
    }
}
