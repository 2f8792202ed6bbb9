package dev.medbase.platform.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.medbase.platform.error.ExhErrorHandler;
import dev.medbase.platform.error.ExhException;

/**
 * Every service verifies the bearer token itself — the gateway is the first door, not the only one. A bearer token
 * that does not verify is refused here with 117/118 before any controller runs; no {@code Authorization} header, or
 * another scheme (HTTP Basic client authentication on the token endpoint, OAuth1 signatures checked by auth-service),
 * means an anonymous {@link Caller} as far as this filter is concerned.
 */
public class CallerFilter extends OncePerRequestFilter {

    static final String ATTRIBUTE = Caller.class.getName();
    private static final String BEARER = "Bearer ";
    private final TokenVerifier verifier;

    public CallerFilter(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Caller caller = Caller.anonymous();
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            try {
                caller = verifier.verify(authorization.substring(BEARER.length()).trim());
            } catch (ExhException e) {
                ExhErrorHandler.write(response, e.error().status(), e.error(), e.getMessage());
                return;
            }
        }
        request.setAttribute(ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** The caller of the current request (anonymous outside a request that passed this filter). */
    public static Caller of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? caller : Caller.anonymous();
    }
}
