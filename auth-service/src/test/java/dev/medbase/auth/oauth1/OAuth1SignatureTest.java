package dev.medbase.auth.oauth1;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vectors produced by the official SDK's own signing code ({@code getOAuth1AuthorizationHeader} of
 * {@code @extrahorizon/javascript-sdk} 8.14.1, build/index.cjs.js, with {@code Math.random} and {@code Date.now}
 * pinned) over URLs whose RQL the SDK's {@code rqlBuilder} built (double-encoded values with spaces, parentheses,
 * {@code +}, {@code @}, non-ASCII; a PUT with an RQL precondition; secrets with reserved characters): the server
 * must compute the same signatures. {@code src/test/js/oauth1-vectors.cjs} prints them again from the SDK.
 */
class OAuth1SignatureTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST|http://localhost:8080/auth/v2/oauth1/tokens|cs||"
                + "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"aGTqxm8FGpgY3CpplugYH0TeHi1CDBoa\", oauth_signature=\"OIc6qXXb83gIeWbhXzbtv9wJakk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1772359200\", oauth_version=\"1.0\"",
        "GET|http://localhost:8080/data/v1/schema1/documents?select(id,data.name)&eq(data.name,John%2520Doe)&limit(10)|cs|ts|"
                + "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"b94WJVMvxqvNwdGjCule9Hf9ARlH9lQy\", oauth_signature=\"EySvICZy3HQw2RQa5tMcTHa7pg0%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1772359200\", oauth_token=\"tok\", oauth_version=\"1.0\"",
        "GET|http://localhost:8080/data/v1/bp/documents?eq(data.label,low%2520%2528morning%2529)&gt(data.reading,100)&sort(-data.reading)|cs|ts|"
                + "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"BUlYXgbiNxpFGg8vVqP4CB5C8tX1UIZG\", oauth_signature=\"tkYsBBaukc29A7w7An73pzianCU%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1772359200\", oauth_token=\"tok\", oauth_version=\"1.0\"",
        "PUT|http://localhost:8080/data/v1/bp/documents/5f0c1a2b3c4d5e6f7a8b9c0d?eq(status,new)|c&s|t=s|"
                + "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"tvtBJOdECaRyB6hAszpwS6bDYHhyhYye\", oauth_signature=\"Btj5Htvm1PrinYWs6f%2FKz3TA8%2FY%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1772359200\", oauth_token=\"tok\", oauth_version=\"1.0\"",
        "GET|http://localhost:8080/users/v1/?in(email,a%252Bb%2540example%252Ecom,zo%25C3%25AB%2540example%252Ecom)|cs|ts|"
                + "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"LupxtMmr9mPFWhwnsk7SKGEwsyzAtvgT\", oauth_signature=\"utuW9hKF87nkUEZLicHhGLCKuAg%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1772359200\", oauth_token=\"tok\", oauth_version=\"1.0\"",
        "GET|https://api.example.com:443/users/v1/me|c s!|t*s|"
                + "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"zavHl147XoFm2Y9vMP3hQ98iwcHkFjXp\", oauth_signature=\"SaiSnaFRSKepT2ORQtro8QMaGPs%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1772359200\", oauth_token=\"tok\", oauth_version=\"1.0\"",
    })
    void computesTheSdksSignatures(String method, String url, String consumerSecret, String tokenSecret,
            String header) {
        Map<String, String> oauth = OAuth1Signature.parseHeader(header);
        URI uri = URI.create(url);
        List<String[]> params = new ArrayList<>(OAuth1Signature.queryParameters(uri.getRawQuery()));
        oauth.forEach((k, v) -> {
            if (!k.equals("oauth_signature")) {
                params.add(new String[] {k, v});
            }
        });
        String base = OAuth1Signature.baseString(method,
                OAuth1Signature.baseUrl(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath()), params);
        assertThat(OAuth1Signature.sign(base, consumerSecret, tokenSecret)).isEqualTo(oauth.get("oauth_signature"));
        // one character of the query changed → another signature
        List<String[]> tampered = new ArrayList<>(params);
        tampered.add(new String[] {"limit(11)", ""});
        assertThat(OAuth1Signature.sign(OAuth1Signature.baseString(method,
                OAuth1Signature.baseUrl(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath()), tampered),
                consumerSecret, tokenSecret)).isNotEqualTo(oauth.get("oauth_signature"));
    }

    @org.junit.jupiter.api.Test
    void rqlBecomesAParameterNamedAfterTheExpression() {
        List<String[]> p = OAuth1Signature.queryParameters("eq(data.name,John%2520Doe)&limit(10)");
        assertThat(p.get(0)).containsExactly("eq(data.name,John%20Doe)", "");
        assertThat(p.get(1)).containsExactly("limit(10)", "");
        assertThat(OAuth1Signature.percentEncode("a!*'() ~")).isEqualTo("a%21%2A%27%28%29%20~");
        assertThat(OAuth1Signature.baseUrl("HTTPS", "Api.Example.com:443", "/x")).isEqualTo("https://api.example.com/x");
        assertThat(OAuth1Signature.baseUrl("http", "localhost:8080", "/x")).isEqualTo("http://localhost:8080/x");
        assertThat(OAuth1Signature.parseHeader("Bearer abc")).isNull();
    }
}
