package dev.medbase.users.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SnakeCaseRequestBodyAdviceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void camelCaseKeysBecomeSnakeCaseRecursivelyAndSnakeCaseWins() {
        String in = "{\"firstName\":\"a\",\"first_name\":\"b\",\"nested\":{\"groupId\":1},"
                + "\"list\":[{\"pinCode\":\"1\"}],\"CONSTANT\":true,\"value\":\"keepCamelValues\"}";
        String out = JSON.writeValueAsString(SnakeCaseRequestBodyAdvice.snakeCase(JSON.readTree(in)));
        assertThat(out).isEqualTo("{\"first_name\":\"b\",\"nested\":{\"group_id\":1},"
                + "\"list\":[{\"pin_code\":\"1\"}],\"CONSTANT\":true,\"value\":\"keepCamelValues\"}");
        assertThat(SnakeCaseRequestBodyAdvice.snakeCase("activationEmailTemplateId"))
                .isEqualTo("activation_email_template_id");
        assertThat(SnakeCaseRequestBodyAdvice.snakeCase("already_snake")).isEqualTo("already_snake");
    }
}
