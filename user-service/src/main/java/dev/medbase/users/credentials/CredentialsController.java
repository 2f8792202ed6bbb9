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

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.users.registration.RegistrationService;
import dev.medbase.users.web.Ids;

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

    record OidcUserRequest(@JsonProperty("email") String email, @JsonProperty("firstName") String firstName,
            @JsonProperty("lastName") String lastName) {}

    private final CredentialsService credentials;
    private final UserClaims claims;
    private final RegistrationService registration;
    private final OidcAccounts oidc;

    CredentialsController(CredentialsService credentials, UserClaims claims, RegistrationService registration,
            OidcAccounts oidc) {
        this.credentials = credentials;
        this.claims = claims;
        this.registration = registration;
        this.oidc = oidc;
    }

    @PostMapping("/users/{id}/oidc/link")
    VerifyResponse linkOidc(@PathVariable String id) {
        oidc.link(Ids.parse("userId", id));
        return new VerifyResponse(id);
    }

    @PostMapping("/users/{id}/oidc/unlink")
    VerifyResponse unlinkOidc(@PathVariable String id) {
        oidc.unlink(Ids.parse("userId", id));
        return new VerifyResponse(id);
    }

    @PostMapping("/users/oidc")
    VerifyResponse createOidcUser(@RequestBody OidcUserRequest request) {
        if (request.email() == null || request.email().isBlank()) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "email is required");
        }
        if (request.email().length() > 320 || !request.email().contains("@")
                || (request.firstName() != null && request.firstName().length() > 200)
                || (request.lastName() != null && request.lastName().length() > 200)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "email, firstName or lastName is not valid");
        }
        return new VerifyResponse(registration.registerOidc(request.email(), request.firstName(),
                request.lastName()));
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
