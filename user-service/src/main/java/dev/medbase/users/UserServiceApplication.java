package dev.medbase.users;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.medbase.users.passwords.PasswordHashing;

/** Users, credentials, roles, groups and enlistments (/users/v1, port 8082). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class UserServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(UserServiceApplication.class, args);
    }

    /**
     * bcrypt today (PBKDF2 for passwords over bcrypt's 72-byte limit); the {@code {id}} prefix lets a later version
     * re-hash with a stronger encoder on login.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return new PasswordHashing();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
