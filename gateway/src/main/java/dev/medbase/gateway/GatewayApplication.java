package dev.medbase.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The gateway (port 8080): routes every API prefix to its service (routes in {@code application.yml}), gives each
 * request an id, enforces the body limit and answers its own failures in the ExH error format.
 *
 * <p>Token verification belongs here too, as the first door (ARCHITECTURE §5): a {@code GlobalFilter} ordered after
 * {@link RequestIdFilter}, checking the bearer JWT against auth-service's JWKS for every route but the public ones.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
