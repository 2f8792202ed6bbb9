package dev.medbase.tasks.functions;

import java.util.Map;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

@RestController
@RequestMapping("/tasks/v1/functions")
public class FunctionController {

    private final FunctionService functions;

    public FunctionController(FunctionService functions) {
        this.functions = functions;
    }

    @ApiBody(page = FunctionDocs.FunctionSummary.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_TASK_FUNCTIONS");
        return functions.list(rql);
    }

    @ApiBody(request = FunctionDocs.NewFunction.class, response = FunctionDocs.Function.class)
    @PostMapping({"", "/"})
    public Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_TASK_FUNCTION");
        return functions.create(body);
    }

    @ApiBody(response = FunctionDocs.Function.class)
    @GetMapping("/{name}")
    public Map<String, Object> get(Caller caller, @PathVariable String name) {
        caller.requirePermission("VIEW_TASK_FUNCTION_DETAILS");
        return functions.details(name);
    }

    @ApiBody(request = FunctionDocs.FunctionChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{name}")
    public Map<String, Object> update(Caller caller, @PathVariable String name,
                                      @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_TASK_FUNCTION");
        return functions.update(name, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{name}")
    public Map<String, Object> remove(Caller caller, @PathVariable String name) {
        caller.requirePermission("DELETE_TASK_FUNCTION");
        return functions.remove(name);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @PostMapping("/{name}/enable")
    public Map<String, Object> enable(Caller caller, @PathVariable String name) {
        caller.requirePermission("UPDATE_TASK_FUNCTION");
        return functions.setEnabled(name, true);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @PostMapping("/{name}/disable")
    public Map<String, Object> disable(Caller caller, @PathVariable String name) {
        caller.requirePermission("UPDATE_TASK_FUNCTION");
        return functions.setEnabled(name, false);
    }
}
