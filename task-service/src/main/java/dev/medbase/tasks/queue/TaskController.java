package dev.medbase.tasks.queue;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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
@RequestMapping("/tasks/v1")
public class TaskController {

    private final TaskService tasks;

    public TaskController(TaskService tasks) {
        this.tasks = tasks;
    }

    @ApiBody(page = TaskDocs.Task.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        return tasks.list(caller, rql);
    }

    @ApiBody(request = TaskDocs.NewTask.class, response = TaskDocs.Task.class)
    @PostMapping({"", "/"})
    public Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        return tasks.create(caller, body);
    }

    @ApiBody(request = TaskDocs.Cancel.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{taskId}/cancel")
    public Map<String, Object> cancel(Caller caller, @PathVariable String taskId,
                                      @RequestBody(required = false) JsonNode body) {
        return tasks.cancel(caller, taskId);
    }

    @ApiBody(response = TaskDocs.Logs.class)
    @GetMapping({"/{taskId}/logs", "/{taskId}/logs/"})
    public Map<String, Object> logs(Caller caller, @PathVariable String taskId, RqlQuery rql) {
        return tasks.logs(caller, taskId, rql);
    }

    @ApiBody(request = TaskDocs.Execution.class, response = TaskDocs.Executed.class)
    @PostMapping("/functions/{functionName}/execute")
    public Map<String, Object> execute(Caller caller, @PathVariable String functionName,
                                       @RequestBody(required = false) JsonNode body) {
        return tasks.execute(caller, functionName, body);
    }
}
