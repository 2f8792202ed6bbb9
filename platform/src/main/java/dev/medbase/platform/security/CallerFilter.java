package dev.medbase.platform.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhErrorHandler;
import dev.medbase.platform.error.ExhException;

/**
 * Every service verifies the bearer token itself — the gateway is the first door, not the only one. No
 * {@code Authorization} header means an anonymous {@link Caller}; a token that does not verify is refused here with
 * 117/118 before any controller runs.
 */
public class CallerFilter extends OncePerRequestFilter {

    static final String ATTRIBUTE = Caller.class.getName();
    private final TokenVerifier verifier;

    public CallerFilter(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Caller caller = Caller.anonymous();
        if (authorization != null && !authorization.isBlank()) {
            try {
                caller = verifier.verify(bearerToken(authorization));
            } catch (ExhException e) {
                ExhErrorHandler.write(response, e.error().status(), e.error(), e.getMessage());
                return;
            }
        }
        request.setAttribute(ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    private static String bearerToken(String authorization) {
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7) {
            return authorization.substring(7).trim();
        }
        throw new ExhException(ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION,
                "Only Bearer access tokens are accepted here");
    }

    /** The caller of the current request (anonymous outside a request that passed this filter). */
    public static Caller of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? caller : Caller.anonymous();
    }
}
