package dev.medbase.auth.keys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.RsaPublicJwk;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/jwks}: the public signing keys as a standard JWK Set (RFC 7517), for the gateway and every
 * service that verifies access tokens. Internal: the gateway does not route {@code /internal/**}.
 * <pre>
 * {"keys": [{"kty": "RSA", "kid": "…", "use": "sig", "alg": "RS256", "n": "…", "e": "AQAB"}, …]}
 * </pre>
 * The next key (published before it signs), the active one and superseded keys whose tokens may still be valid.
 */
@RestController
class JwksController {

    private final SigningKeys keys;

    JwksController(SigningKeys keys) {
        this.keys = keys;
    }

    @GetMapping("/internal/jwks")
    ResponseEntity<Map<String, List<Map<String, Object>>>> jwks() {
        List<Map<String, Object>> jwks = keys.published().stream().map(JwksController::jwk).toList();
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(Map.of("keys", jwks));
    }

    private static Map<String, Object> jwk(SigningKeys.SigningKey key) {
        RsaPublicJwk jwk = Jwks.builder().key(key.publicKey()).id(key.kid()).publicKeyUse("sig")
                .algorithm(Jwts.SIG.RS256.getId()).build();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kty", "RSA");
        out.put("kid", key.kid());
        out.put("use", "sig");
        out.put("alg", "RS256");
        out.put("n", String.valueOf(jwk.get("n")));
        out.put("e", String.valueOf(jwk.get("e")));
        return out;
    }
}
