package dev.medbase.gateway;

import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own failures in the ExH error format (contract §3.1): an unknown prefix is
 * {@code 404 SERVICE_NOT_FOUND_EXCEPTION (903)}, an unreachable or slow service {@code 503/504
 * SERVICE_UNREACHABLE_EXCEPTION (4)}, an oversized body {@code 413 BODY_FORMAT_EXCEPTION (22)}. Never HTML, never a
 * stack trace.
 */
@Component
@Order(-2) // before Boot's DefaultErrorWebExceptionHandler
public class ExhErrorWebExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ExhErrorWebExceptionHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        HttpStatusCode status;
        int code;
        String name;
        String message;
        if (ex instanceof GatewayException g) {
            status = HttpStatusCode.valueOf(g.status);
            code = g.code;
            name = g.name;
            message = g.getMessage();
        } else if (ex instanceof BodySizeFilter.BodyTooLargeException) {
            status = HttpStatus.CONTENT_TOO_LARGE;
            code = 22;
            name = "BODY_FORMAT_EXCEPTION";
            message = ex.getMessage();
        } else if (ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 404) {
            status = HttpStatus.NOT_FOUND;
            code = 903;
            name = "SERVICE_NOT_FOUND_EXCEPTION";
            message = "No service is known for this path";
        } else if (ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 504
                || hasCause(ex, TimeoutException.class)) {
            status = HttpStatus.GATEWAY_TIMEOUT;
            code = 4;
            name = "SERVICE_UNREACHABLE_EXCEPTION";
            message = "The service did not answer in time";
        } else if (hasCause(ex, ConnectException.class)
                || ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 503) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            code = 4;
            name = "SERVICE_UNREACHABLE_EXCEPTION";
            message = "The service is unreachable";
        } else if (ex instanceof ResponseStatusException rse && rse.getStatusCode().is4xxClientError()) {
            status = rse.getStatusCode();
            code = rse.getStatusCode().value() == 405 ? 16 : 22;
            name = code == 16 ? "RESOURCE_UNKNOWN_EXCEPTION" : "BODY_FORMAT_EXCEPTION";
            message = rse.getReason() != null ? rse.getReason() : "The request is invalid";
        } else {
            log.error("Gateway failure on {}", exchange.getRequest().getPath(), ex);
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            code = 1;
            name = "SERVER_EXCEPTION";
            message = "An unexpected error occurred";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("name", name);
        body.put("message", message);
        exchange.getResponse().setStatusCode(status);
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return exchange.getResponse().writeWith(Mono.just(
                exchange.getResponse().bufferFactory().wrap(JSON.writeValueAsBytes(body))));
    }

    private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
