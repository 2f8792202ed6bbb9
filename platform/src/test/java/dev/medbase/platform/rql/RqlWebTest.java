package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import tools.jackson.databind.json.JsonMapper;

/** A controller takes an {@link RqlQuery} built from the raw query string; the envelope's JSON shape (§2.6). */
class RqlWebTest {

    @RestController
    static class EchoController {
        @GetMapping({"/things", "/things/"})
        String list(RqlQuery rql) {
            return rql.toString();
        }
    }

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, RqlAutoConfiguration.class))
            .withBean(EchoController.class);

    private static String echo(MockMvc mvc, String pathAndQuery) throws Exception {
        // URI, not a template string: MockMvc must receive the query exactly as a client sends it
        return mvc.perform(get(URI.create(pathAndQuery))).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    @Test
    void autoConfigurationIsListedForSpringBoot() {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates();
        assertThat(candidates).contains(RqlAutoConfiguration.class.getName());
    }

    @Test
    void controllersReceiveTheQueryParsedFromTheRawQueryString() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(RqlAutoConfiguration.class).getBeans(WebMvcConfigurer.class).isNotEmpty();
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();

            String sdk = "eq(email,john%252Edoe%252B1%2540example%252Ecom)&select(id,email)&limit(5,10)";
            assertThat(echo(mvc, "/things/?" + sdk)).isEqualTo(Rql.parse(sdk).toString())
                    .contains("john.doe+1@example.com", "limit=5", "offset=10", "select=[id, email]");

            // '+' is not a space and '&' is AND, unlike a form-decoded query
            assertThat(echo(mvc, "/things?eq(a,x+y)&eq(b,c)")).isEqualTo(Rql.parse("eq(a,x+y)&eq(b,c)").toString())
                    .contains("value=x+y", "field=b");

            assertThat(echo(mvc, "/things/")).isEqualTo(RqlQuery.EMPTY.toString());
        });
    }

    @Test
    void invalidRqlStopsTheRequestWithInvalidRqlException() {
        runner.run(context -> {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
            assertThatThrownBy(() -> mvc.perform(get(URI.create("/things?eq(a,1"))))
                    .rootCause()
                    .isInstanceOfSatisfying(ExhException.class,
                            e -> assertThat(e.error()).isEqualTo(ExhError.INVALID_RQL_EXCEPTION));
        });
    }

    @Test
    void resolverWorksStandaloneToo() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new EchoController())
                .setCustomArgumentResolvers(new RqlQueryArgumentResolver()).build();
        mvc.perform(get(URI.create("/things?skipCount()"))).andExpect(content().string(Rql.parse("skipCount()").toString()));
    }

    @Test
    void envelopeJson() {
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.writeValueAsString(PageEnvelope.of(List.of("a", "b"), 123L, 40, 20)))
                .isEqualTo("{\"page\":{\"total\":123,\"offset\":40,\"limit\":20},\"data\":[\"a\",\"b\"]}");
        assertThat(json.writeValueAsString(PageEnvelope.of(List.of(), null, 0, 50)))
                .isEqualTo("{\"page\":{\"offset\":0,\"limit\":50},\"data\":[]}");
        assertThat(PageEnvelope.of(List.of(1, 2), 2L, 0, 20).map(i -> "#" + i))
                .isEqualTo(PageEnvelope.of(List.of("#1", "#2"), 2L, 0, 20));
    }
}
