package dev.medbase.users.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.UrlHandlerFilter;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * The web conventions of the users service beyond the platform's:
 * <ul>
 * <li>a trailing slash is ignored ({@code GET /users/v1/}, {@code …/activation_requests/}, contract §2.10), by
 * wrapping the request, never by redirecting;</li>
 * <li>JSON scalars are not coerced: {@code "first_name": 12} or {@code "gender": "1"} is a 400, not silently
 * accepted. Casing (snake_case) and null omission are set in {@code application.yml}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class UsersWebConfiguration {

    @Bean
    FilterRegistrationBean<UrlHandlerFilter> trailingSlashFilter() {
        UrlHandlerFilter filter = UrlHandlerFilter.trailingSlashHandler("/users/v1/**").wrapRequest().build();
        FilterRegistrationBean<UrlHandlerFilter> bean = new FilterRegistrationBean<>(filter);
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return bean;
    }

    @Bean
    JsonMapperBuilderCustomizer strictScalars() {
        return builder -> {
            for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer,
                    LogicalType.Float, LogicalType.Boolean}) {
                builder.withCoercionConfig(type, config -> {
                    for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                            CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.String}) {
                        config.setCoercion(shape, CoercionAction.Fail);
                    }
                });
            }
        };
    }
}
