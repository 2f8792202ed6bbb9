package dev.medbase.users.accounts;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.verification.VerificationMode;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Fields;
import dev.medbase.users.web.Ids;

/**
 * Users (contract §6.2 rows 1–6, 18, 21–23). Static segments ({@code /me}, {@code /password}, …) are mapped by other
 * controllers and win over {@code /{userId}}; a path id that is not an ObjectId is 12.
 */
@RestController
@RequestMapping("/users/v1")
class UserController {

    @Schema(example = """
            {"first_name": "Jane", "last_name": "Doe", "phone_number": "+32470123456", "language": "NL",
             "time_zone": "Europe/Brussels"}""")
    record UpdateBody(String firstName, String lastName, String phoneNumber, String language, String timeZone) {
    }

    @Schema(example = "{\"email\": \"jane.doe@example.org\"}")
    record EmailBody(String email, String activationMode) {
    }

    @Schema(example = "{\"hash\": \"1bd0f8a1c3e5f7092b4d6f8a0c2e4f6a8b0d2f41\"}")
    record HashBody(String hash) {
    }

    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    @GetMapping("/me")
    User me(Caller caller) {
        return users.me(caller);
    }

    @ApiBody(page = User.class)
    @GetMapping("")
    PageEnvelope<?> list(Caller caller, RqlQuery rql) {
        return users.list(caller, rql);
    }

    @DeleteMapping("")
    AffectedRecords deleteMany(Caller caller, RqlQuery rql) {
        return users.deleteMany(caller, rql);
    }

    @GetMapping("/{userId}")
    User get(Caller caller, @PathVariable String userId) {
        caller.requireUser();
        return users.get(caller, Ids.parse("userId", userId));
    }

    @PutMapping("/{userId}")
    User update(Caller caller, @PathVariable String userId, @RequestBody UpdateBody body) {
        caller.requireUser();
        return users.update(caller, Ids.parse("userId", userId), new UserService.Changes(
                Fields.optional("first_name", body.firstName(), Fields.MAX_NAME),
                Fields.optional("last_name", body.lastName(), Fields.MAX_NAME),
                Fields.phone("phone_number", body.phoneNumber(), false),
                Fields.language("language", body.language(), false),
                Fields.timeZone("time_zone", body.timeZone())));
    }

    @DeleteMapping("/{userId}")
    AffectedRecords delete(Caller caller, @PathVariable String userId) {
        caller.requireUser();
        return users.delete(caller, Ids.parse("userId", userId));
    }

    @PutMapping("/{userId}/email")
    User updateEmail(Caller caller, @PathVariable String userId, @RequestBody EmailBody body) {
        caller.requireUser();
        return users.updateEmail(caller, Ids.parse("userId", userId), Fields.email("email", body.email()),
                VerificationMode.parse("activation_mode", body.activationMode()));
    }

    @PutMapping("/{userId}/profile_image")
    User setProfileImage(Caller caller, @PathVariable String userId, @RequestBody HashBody body) {
        caller.requireUser();
        return users.setProfileImage(caller, Ids.parse("userId", userId),
                Fields.required("hash", body.hash(), Fields.MAX_TOKEN));
    }

    @DeleteMapping("/{userId}/profile_image")
    User deleteProfileImage(Caller caller, @PathVariable String userId) {
        caller.requireUser();
        return users.setProfileImage(caller, Ids.parse("userId", userId), null);
    }

    @PostMapping("/{userId}/reset_failed_login_attempts")
    AffectedRecords resetFailedLoginAttempts(Caller caller, @PathVariable String userId) {
        caller.requireUser();
        return users.resetFailedLoginAttempts(caller, Ids.parse("userId", userId));
    }
}
