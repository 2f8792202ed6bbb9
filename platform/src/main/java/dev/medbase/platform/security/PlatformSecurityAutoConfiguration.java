package dev.medbase.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Token verification in every service: a {@link CallerFilter} checks bearer JWTs against auth-service's JWKS
 * ({@code medbase.security.jwks-uri}) and controllers receive the {@link Caller}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(PlatformSecurityAutoConfiguration.SecurityProperties.class)
public class PlatformSecurityAutoConfiguration {

    /**
     * {@code medbase.security.*}: where the signing keys are published, the expected issuer, and the clock skew
     * tolerated on expiry.
     */
    @ConfigurationProperties("medbase.security")
    public record SecurityProperties(String jwksUri, String issuer, Duration clockSkew) {
        public SecurityProperties {
            issuer = issuer == null ? "medbase" : issuer;
            clockSkew = clockSkew == null ? Duration.ofSeconds(5) : clockSkew;
        }
    }

    @Bean
    @ConditionalOnMissingBean
    JwtDecoder medbaseJwtDecoder(SecurityProperties properties) {
        // Expiry is checked by TokenVerifier (not by Nimbus or Spring) so that an expired token answers 118, not 117.
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwksUri())
                .jwtProcessorCustomizer(processor -> processor.setJWTClaimsSetVerifier((claims, context) -> { }))
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(properties.issuer())));
        return decoder;
    }

    @Bean
    @ConditionalOnMissingBean
    TokenVerifier tokenVerifier(JwtDecoder decoder, SecurityProperties properties, ObjectProvider<Clock> clock,
            ObjectProvider<RevokedTokens> revoked) {
        return new TokenVerifier(decoder, clock.getIfAvailable(Clock::systemUTC), properties.clockSkew(),
                revoked.getIfAvailable(() -> RevokedTokens.NONE));
    }

    @Bean
    FilterRegistrationBean<CallerFilter> callerFilter(TokenVerifier verifier) {
        FilterRegistrationBean<CallerFilter> bean = new FilterRegistrationBean<>(new CallerFilter(verifier));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return bean;
    }

    @Bean
    WebMvcConfigurer callerArgumentResolverConfigurer() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new CallerArgumentResolver());
            }
        };
    }
}
