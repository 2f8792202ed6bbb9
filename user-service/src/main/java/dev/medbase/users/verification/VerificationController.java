package dev.medbase.users.verification;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Fields;
import dev.medbase.users.web.Ids;

/**
 * Activation and password reset (anonymous; contract §6.2 rows 12–15; {@code email} and {@code mode} are plain
 * form-encoded query parameters, §2.10) and the administration of open requests (rows 30–33).
 */
@RestController
@RequestMapping("/users/v1")
class VerificationController {

    @Schema(example = "{\"hash\": \"6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c\"}")
    record ActivationBody(String hash, String email, String pinCode) {
    }

    @Schema(example = "{\"hash\": \"6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c\", \"new_password\": \"New-secret-2\"}")
    record ResetBody(String hash, String email, String pinCode, String newPassword) {
    }

    private static final int MAX_SECRET = 100;

    private final VerificationFlows flows;
    private final VerificationService requests;

    VerificationController(VerificationFlows flows, VerificationService requests) {
        this.flows = flows;
        this.requests = requests;
    }

    @GetMapping("/activation")
    void requestActivation(@RequestParam(required = false) String email,
            @RequestParam(required = false) String mode) {
        flows.requestActivation(Fields.email("email", email), VerificationMode.parse("mode", mode));
    }

    @PostMapping("/activation")
    void completeActivation(@RequestBody ActivationBody body) {
        flows.completeActivation(proof(body.hash(), body.email(), body.pinCode()));
    }

    @GetMapping("/forgot_password")
    void requestPasswordReset(@RequestParam(required = false) String email,
            @RequestParam(required = false) String mode) {
        flows.requestPasswordReset(Fields.email("email", email), VerificationMode.parse("mode", mode));
    }

    @PostMapping("/forgot_password")
    void completePasswordReset(@RequestBody ResetBody body) {
        VerificationFlows.Proof proof = proof(body.hash(), body.email(), body.pinCode());
        flows.completePasswordReset(proof, Fields.password("new_password", body.newPassword()));
    }

    private static VerificationFlows.Proof proof(String hash, String email, String pinCode) {
        if (hash != null) {
            return new VerificationFlows.Proof(Fields.required("hash", hash, MAX_SECRET), null, null);
        }
        if (email == null && pinCode == null) {
            throw Fields.missing("hash' or 'email' and 'pin_code");
        }
        return new VerificationFlows.Proof(null, Fields.email("email", email),
                Fields.required("pin_code", pinCode, MAX_SECRET));
    }

    @GetMapping("/activation_requests")
    PageEnvelope<VerificationRequest> activationRequests(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_ACTIVATION_REQUESTS");
        return requests.find(VerificationKind.ACTIVATION, rql);
    }

    @DeleteMapping("/activation_requests/{id}")
    AffectedRecords deleteActivationRequest(Caller caller, @PathVariable String id) {
        caller.requirePermission("DELETE_ACTIVATION_REQUEST");
        return requests.delete(VerificationKind.ACTIVATION, Ids.parse("id", id));
    }

    @GetMapping("/forgot_password_requests")
    PageEnvelope<VerificationRequest> forgotPasswordRequests(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_FORGOT_PASSWORD_REQUESTS");
        return requests.find(VerificationKind.FORGOT_PASSWORD, rql);
    }

    @DeleteMapping("/forgot_password_requests/{id}")
    AffectedRecords deleteForgotPasswordRequest(Caller caller, @PathVariable String id) {
        caller.requirePermission("DELETE_FORGOT_PASSWORD_REQUEST");
        return requests.delete(VerificationKind.FORGOT_PASSWORD, Ids.parse("id", id));
    }
}
