package dev.medbase.users.registration;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.users.accounts.User;
import dev.medbase.users.verification.VerificationMode;
import dev.medbase.users.web.Fields;

/** {@code POST /register} and {@code GET /email_available} — both anonymous. */
@RestController
@RequestMapping("/users/v1")
class RegistrationController {

    @Schema(example = """
            {"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com",
             "password": "My-secret-1", "phone_number": "+32470123456", "language": "EN",
             "time_zone": "Europe/Brussels"}""")
    record RegisterBody(String firstName, String lastName, String email, String password, String phoneNumber,
            String language, String timeZone, String birthday, Integer gender, String country, String region,
            String activationMode) {
    }

    record EmailAvailable(boolean emailAvailable) {
    }

    private final RegistrationService registration;

    RegistrationController(RegistrationService registration) {
        this.registration = registration;
    }

    @PostMapping("/register")
    User register(@RequestBody RegisterBody body) {
        return registration.register(new RegistrationService.Registration(
                Fields.required("first_name", body.firstName(), Fields.MAX_NAME),
                Fields.required("last_name", body.lastName(), Fields.MAX_NAME),
                Fields.email("email", body.email()),
                Fields.password("password", body.password()),
                Fields.phone("phone_number", body.phoneNumber(), true),
                Fields.language("language", body.language(), true),
                Fields.timeZone("time_zone", body.timeZone()),
                Fields.birthday("birthday", body.birthday()),
                Fields.gender("gender", body.gender()),
                Fields.country("country", body.country()),
                Fields.region("region", body.region()),
                activationMode(body.activationMode())));
    }

    private static VerificationMode activationMode(String mode) {
        return "manual".equals(mode) ? null : parse(mode);
    }

    private static VerificationMode parse(String mode) {
        if (mode != null && !mode.equals("hash") && !mode.equals("pin_code")) {
            throw Fields.invalid("activation_mode", "must be 'hash', 'pin_code' or 'manual'");
        }
        return VerificationMode.parse("activation_mode", mode);
    }

    @GetMapping("/email_available")
    EmailAvailable emailAvailable(@RequestParam(required = false) String email) {
        return new EmailAvailable(registration.emailAvailable(Fields.email("email", email)));
    }
}
