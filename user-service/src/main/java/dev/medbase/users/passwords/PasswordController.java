package dev.medbase.users.passwords;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.security.Caller;
import dev.medbase.users.accounts.User;
import dev.medbase.users.web.Fields;

/**
 * {@code PUT /password}, {@code POST /confirm_password}, {@code POST /authenticate}, {@code GET|PUT /password_policy}
 * (contract §6.2 rows 11, 16, 17, 24, 25).
 */
@RestController
@RequestMapping("/users/v1")
class PasswordController {

    @Schema(example = "{\"old_password\": \"My-secret-1\", \"new_password\": \"New-secret-2\"}")
    record ChangeBody(String oldPassword, String newPassword) {
    }

    @Schema(example = "{\"password\": \"My-secret-1\"}")
    record PasswordBody(String password) {
    }

    @Schema(example = "{\"email\": \"jane.doe@example.com\", \"password\": \"My-secret-1\"}")
    record CredentialsBody(String email, String password) {
    }

    private final PasswordService passwords;
    private final PasswordPolicyService policy;

    PasswordController(PasswordService passwords, PasswordPolicyService policy) {
        this.passwords = passwords;
        this.policy = policy;
    }

    @PutMapping("/password")
    User change(Caller caller, @RequestBody ChangeBody body) {
        caller.requireUser();
        return passwords.change(caller, Fields.password("old_password", body.oldPassword()),
                Fields.password("new_password", body.newPassword()));
    }

    @PostMapping("/confirm_password")
    void confirm(Caller caller, @RequestBody PasswordBody body) {
        caller.requireUser();
        passwords.confirm(caller, Fields.password("password", body.password()));
    }

    @PostMapping("/authenticate")
    User authenticate(@RequestBody CredentialsBody body) {
        return passwords.authenticate(Fields.email("email", body.email()),
                Fields.password("password", body.password()));
    }

    @GetMapping("/password_policy")
    PasswordPolicy get() {
        return policy.get();
    }

    @PutMapping("/password_policy")
    PasswordPolicy update(Caller caller, @RequestBody PasswordPolicy body) {
        caller.requirePermission("UPDATE_PASSWORD_POLICY");
        return policy.update(body);
    }
}
