package dev.medbase.tasks.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.tasks.queue.TaskDocs;

@RestController
@RequestMapping("/tasks/v1")
public class ApiFunctionController {

    private final ApiFunctionService api;

    public ApiFunctionController(ApiFunctionService api) {
        this.api = api;
    }

    @ApiBody(request = ApiRequestDocs.ApiCallBody.class)
    @RequestMapping(value = {"/api/{functionName}", "/api/{functionName}/**"}, method = {RequestMethod.GET,
            RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.HEAD,
            RequestMethod.OPTIONS})
    public ResponseEntity<byte[]> call(Caller caller, @PathVariable String functionName, HttpServletRequest request,
                                       @RequestBody(required = false) byte[] body) {
        String prefix = request.getContextPath() + "/tasks/v1/api/" + functionName;
        String uri = request.getRequestURI();
        String path = uri.length() > prefix.length() ? uri.substring(prefix.length()) : "/";
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, String.join(",", Collections.list(request.getHeaders(name))));
        }
        return api.call(caller, functionName, new ApiFunctionService.ApiCall(request.getMethod(), path,
                request.getQueryString(), headers, body));
    }

    @ApiBody(page = ApiRequestDocs.ApiRequest.class)
    @GetMapping({"/apiRequests", "/apiRequests/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        return api.list(caller, rql);
    }

    @ApiBody(response = TaskDocs.Logs.class)
    @GetMapping({"/apiRequests/{requestId}/logs", "/apiRequests/{requestId}/logs/"})
    public Map<String, Object> logs(Caller caller, @PathVariable String requestId, RqlQuery rql) {
        return api.logs(caller, requestId, rql);
    }
}
