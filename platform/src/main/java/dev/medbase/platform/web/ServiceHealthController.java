package dev.medbase.platform.web;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;

/**
 * {@code GET <prefix>/health} → 200, the health call of the ExH API (contract §2.1; the SDK only checks the status).
 * The prefix is the service's API prefix, {@code medbase.service.prefix} (e.g. {@code /users/v1}). It answers 503
 * (code 4) until the service is ready for traffic — after its start-up runners, such as the bootstrap admin and
 * client, have run — so whoever waits for it (devstack, compose, Kubernetes) never sees a half-started service.
 * Deeper checks (database, broker) are on actuator's {@code /actuator/health}.
 */
@RestController
public class ServiceHealthController {

    private final ApplicationAvailability availability;

    public ServiceHealthController(ApplicationAvailability availability) {
        this.availability = availability;
    }

    @Schema(name = "Health", example = "{\"status\": \"UP\"}")
    public record Health(String status) {}

    @ApiBody(response = Health.class)
    @GetMapping({"${medbase.service.prefix}/health", "${medbase.service.prefix}/health/"})
    public Map<String, String> health() {
        if (availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC) {
            throw new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION, "The service is starting");
        }
        return Map.of("status", "UP");
    }
}
