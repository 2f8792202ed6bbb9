package dev.medbase.platform.web;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET <prefix>/health} → 200, the health call of the ExH API (contract §2.1; the SDK only checks the status).
 * The prefix is the service's API prefix, {@code medbase.service.prefix} (e.g. {@code /users/v1}). Deeper checks
 * (database, broker) are on actuator's {@code /actuator/health}.
 */
@RestController
public class ServiceHealthController {

    @GetMapping({"${medbase.service.prefix}/health", "${medbase.service.prefix}/health/"})
    public Map<String, String> health() {
        return Map.of("status", "UP");
    }
}
