package dev.medbase.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

class CallerTest {

    private final Caller caller = new Caller("u", "a", Set.of("VIEW_DOCUMENTS:bp", "TRANSITION_DOCUMENTS:bp:submit",
            "CREATE_SCHEMAS"), Set.of("p1"), Map.of("g1", Set.of("VIEW_DOCUMENTS")));

    @Test
    void scopedPermissionsMatchTheirScopeOnly() {
        assertThat(caller.hasPermission("CREATE_SCHEMAS")).isTrue();
        assertThat(caller.hasPermission("CREATE_SCHEMAS", "anything")).isTrue();
        assertThat(caller.hasPermission("VIEW_DOCUMENTS", "bp")).isTrue();
        assertThat(caller.hasPermission("VIEW_DOCUMENTS", "other")).isFalse();
        assertThat(caller.hasPermission("VIEW_DOCUMENTS")).isFalse();
        assertThat(caller.hasPermission("TRANSITION_DOCUMENTS", "bp", "submit")).isTrue();
        assertThat(caller.hasPermission("TRANSITION_DOCUMENTS", "bp", "approve")).isFalse();
        assertThat(caller.hasPermission("TRANSITION_DOCUMENTS", "bp")).isFalse();
    }

    @Test
    void groupPermissionsBelongToTheirGroup() {
        assertThat(caller.hasGroupPermission("g1", "VIEW_DOCUMENTS", "bp")).isTrue();
        assertThat(caller.hasGroupPermission("g2", "VIEW_DOCUMENTS")).isFalse();
        assertThat(caller.isStaffOf("g1")).isTrue();
        assertThat(caller.isPatientOf("p1")).isTrue();
        assertThat(caller.isPatientOf("g1")).isFalse();
    }

    @Test
    void requirementsAnswer104Then10() {
        assertThatThrownBy(() -> Caller.anonymous().requirePermission("CREATE_SCHEMAS"))
                .isInstanceOfSatisfying(ExhException.class,
                        e -> assertThat(e.error()).isEqualTo(ExhError.USER_NOT_AUTHENTICATED_EXCEPTION));
        assertThatThrownBy(() -> caller.requirePermission("DELETE_SCHEMAS"))
                .isInstanceOfSatisfying(ExhException.class,
                        e -> assertThat(e.error()).isEqualTo(ExhError.NO_PERMISSION_EXCEPTION));
        assertThat(caller.requirePermission("CREATE_SCHEMAS")).isSameAs(caller);
    }
}
