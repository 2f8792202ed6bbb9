package dev.medbase.mail.web;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.UrlHandlerFilter;

import dev.medbase.mail.MailProperties;

/**
 * Web conventions of mail-service: a trailing slash is ignored on every prefix ({@code POST /mail/v1/},
 * {@code GET /templates/v1/}, contract §2.10), by wrapping the request, never by redirecting; and the application
 * clock (tests replace it).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MailProperties.class)
public class MailWebConfiguration {

    @Bean
    FilterRegistrationBean<UrlHandlerFilter> trailingSlashFilter() {
        UrlHandlerFilter filter = UrlHandlerFilter.trailingSlashHandler("/mail/v1/**", "/templates/v1/**",
                "/templates/v2/**").wrapRequest().build();
        FilterRegistrationBean<UrlHandlerFilter> bean = new FilterRegistrationBean<>(filter);
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return bean;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
