package dev.medbase.platform.rql;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Lets a controller method take an {@link RqlQuery} parameter, parsed from the request's raw query string (contract
 * §2.10): never from Spring's form-decoded request parameters, where {@code +} would be a space and {@code &} a
 * parameter separator. Invalid RQL ends the request with INVALID_RQL_EXCEPTION before the method runs.
 *
 * <pre>{@code
 * @GetMapping({"/users/v1", "/users/v1/"})
 * PageEnvelope<User> list(RqlQuery rql) { … }
 * }</pre>
 */
public class RqlQueryArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == RqlQuery.class;
    }

    @Override
    public RqlQuery resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                    NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        return request == null ? RqlQuery.EMPTY : Rql.parse(request.getQueryString());
    }
}
