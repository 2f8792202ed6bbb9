package dev.medbase.tasks.schedules;

import java.util.Map;

import org.springframework.web.bind.annotation.DeleteMapping;
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
@RequestMapping("/tasks/v1/schedules")
public class ScheduleController {

    private final ScheduleService schedules;

    public ScheduleController(ScheduleService schedules) {
        this.schedules = schedules;
    }

    @ApiBody(page = ScheduleDocs.Schedule.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_TASK_SCHEDULES");
        return schedules.list(rql);
    }

    @ApiBody(request = ScheduleDocs.NewSchedule.class, response = ScheduleDocs.Schedule.class)
    @PostMapping({"", "/"})
    public Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_TASK_SCHEDULE");
        return schedules.create(body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{scheduleId}")
    public Map<String, Object> delete(Caller caller, @PathVariable String scheduleId) {
        caller.requirePermission("DELETE_TASK_SCHEDULE");
        return schedules.delete(scheduleId);
    }
}
