package dev.medbase.platform.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.util.unit.DataSize;

import dev.medbase.platform.error.ExhErrorController;
import dev.medbase.platform.error.ExhErrorHandler;

/** The web conventions every service shares: ExH errors, request ids, body limits, the prefix health call. */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        afterName = "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(PlatformWebAutoConfiguration.WebProperties.class)
@Import({ExhErrorHandler.class, ExhErrorController.class})
public class PlatformWebAutoConfiguration {

    /** {@code medbase.web.*}: request bodies above {@code max-body-size} are refused with 413. */
    @ConfigurationProperties("medbase.web")
    public record WebProperties(DataSize maxBodySize) {
        public WebProperties {
            maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(10) : maxBodySize;
        }
    }

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        FilterRegistrationBean<RequestIdFilter> bean = new FilterRegistrationBean<>(new RequestIdFilter());
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    @Bean
    FilterRegistrationBean<RequestBodyFilter> requestBodyFilter(WebProperties properties) {
        FilterRegistrationBean<RequestBodyFilter> bean =
                new FilterRegistrationBean<>(new RequestBodyFilter(properties.maxBodySize().toBytes()));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return bean;
    }

    @Bean
    @ConditionalOnProperty("medbase.service.prefix")
    ServiceHealthController serviceHealthController(
            org.springframework.boot.availability.ApplicationAvailability availability) {
        return new ServiceHealthController(availability);
    }

    @Bean(name = "mongoHealthIndicator")
    @ConditionalOnBean(MongoTemplate.class)
    MongoPingHealthIndicator mongoHealthIndicator(MongoTemplate mongo) {
        return new MongoPingHealthIndicator(mongo);
    }
}
