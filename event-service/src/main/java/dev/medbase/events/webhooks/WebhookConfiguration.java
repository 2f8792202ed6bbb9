package dev.medbase.events.webhooks;

import java.net.InetAddress;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.medbase.events.EventServiceProperties;

/** The SSRF guard (system DNS unless a {@link TargetGuard.Resolver} bean is given) and the HTTP sender. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    TargetGuard webhookTargetGuard(EventServiceProperties properties, ObjectProvider<TargetGuard.Resolver> resolver) {
        EventServiceProperties.Webhooks settings = properties.webhooks();
        return new TargetGuard(settings.allowPrivateTargets(), settings.allowHttp(),
                resolver.getIfAvailable(() -> InetAddress::getAllByName));
    }

    @Bean(destroyMethod = "close")
    WebhookSender webhookSender(TargetGuard guard, EventServiceProperties properties) {
        EventServiceProperties.Webhooks settings = properties.webhooks();
        return new WebhookSender(guard, settings.connectTimeout(), settings.responseTimeout(),
                settings.workers() * settings.perWebhookConcurrency() + 2);
    }
}
