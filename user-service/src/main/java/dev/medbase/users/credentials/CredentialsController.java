package dev.medbase.users.credentials;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The internal credentials seam for auth-service; see {@code package-info.java} for the contract. */
@RestController
@RequestMapping("/internal")
class CredentialsController {

    record VerifyRequest(@JsonProperty("email") String email, @JsonProperty("userId") String userId,
            @JsonProperty("password") String password) {}

    record VerifyResponse(@JsonProperty("userId") String userId) {}

    record ClaimsResponse(@JsonProperty("userId") String userId,
            @JsonProperty("permissions") List<String> permissions,
            @JsonProperty("patientGroups") List<String> patientGroups,
            @JsonProperty("staffGroups") Map<String, List<String>> staffGroups) {}

    private final CredentialsService credentials;
    private final UserClaims claims;

    CredentialsController(CredentialsService credentials, UserClaims claims) {
        this.credentials = credentials;
        this.claims = claims;
    }

    @PostMapping("/credentials/verify")
    VerifyResponse verify(@RequestBody VerifyRequest request) {
        if (request.userId() != null && request.email() == null) {
            return new VerifyResponse(credentials.verifyById(request.userId(), request.password()));
        }
        return new VerifyResponse(credentials.verify(request.email(), request.password()));
    }

    @GetMapping("/users/{id}/claims")
    ClaimsResponse claims(@PathVariable String id) {
        UserClaims.Claims c = claims.of(id);
        return new ClaimsResponse(c.userId(), c.permissions(), c.patientGroups(), c.staffGroups());
    }
}
