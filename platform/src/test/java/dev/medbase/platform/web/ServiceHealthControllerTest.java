package dev.medbase.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** The ExH health call says "up" only once the service accepts traffic (its start-up runners are done). */
class ServiceHealthControllerTest {

    private final ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
    private final ServiceHealthController health = new ServiceHealthController(availability);

    @Test
    void startingIs503Code4() {
        assertThatThrownBy(health::health).isInstanceOfSatisfying(ExhException.class,
                e -> assertThat(e.error()).isEqualTo(ExhError.SERVICE_UNREACHABLE_EXCEPTION));
        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.REFUSING_TRAFFIC));
        assertThatThrownBy(health::health).isInstanceOf(ExhException.class);
    }

    @Test
    void readyIsUp() {
        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.ACCEPTING_TRAFFIC));
        assertThat(health.health()).containsEntry("status", "UP");
    }
}
