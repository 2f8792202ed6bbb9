package dev.medbase.data.comments;

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

/** Comments on a document, §7.5 #32–35. */
@RestController
@RequestMapping("/data/v1/{schema}/documents/{id}/comments")
public class CommentController {

    private final CommentService comments;

    public CommentController(CommentService comments) {
        this.comments = comments;
    }

    @ApiBody(request = CommentDocs.CommentText.class, response = CommentDocs.Comment.class)
    @PostMapping({"", "/"})
    public Map<String, Object> create(Caller caller, @PathVariable String schema, @PathVariable String id,
                                      @RequestBody(required = false) JsonNode body) {
        return comments.create(caller, schema, id, body);
    }

    @ApiBody(page = CommentDocs.Comment.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, @PathVariable String schema, @PathVariable String id,
                                                  RqlQuery rql) {
        return comments.list(caller, schema, id, rql);
    }

    @ApiBody(request = CommentDocs.CommentText.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{commentId}")
    public Map<String, Object> update(Caller caller, @PathVariable String schema, @PathVariable String id,
                                      @PathVariable String commentId, @RequestBody(required = false) JsonNode body) {
        return comments.update(caller, schema, id, commentId, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{commentId}")
    public Map<String, Object> delete(Caller caller, @PathVariable String schema, @PathVariable String id,
                                      @PathVariable String commentId) {
        return comments.delete(caller, schema, id, commentId);
    }
}
