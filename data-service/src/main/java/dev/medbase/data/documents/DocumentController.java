package dev.medbase.data.documents;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.DataProperties;
import dev.medbase.data.schemas.CompiledSchema;
import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/** Documents of a schema, §7.5 #19–31. RQL (lists, preconditions) is the raw query string. */
@RestController
@RequestMapping("/data/v1/{schema}/documents")
public class DocumentController {

    private final DocumentService documents;
    private final DataProperties properties;

    public DocumentController(DocumentService documents, DataProperties properties) {
        this.documents = documents;
        this.properties = properties;
    }

    @ApiBody(request = DocumentDocs.NewDocumentData.class, response = DocumentDocs.Document.class)
    @PostMapping({"", "/"})
    public Map<String, Object> create(Caller caller, @PathVariable String schema, HttpServletRequest request)
            throws IOException {
        CompiledSchema compiled = documents.creatable(caller, schema);
        JsonNode body = DocumentBodies.read(request, properties.maxDecompressedBodySize().toBytes());
        return documents.create(caller, compiled, body);
    }

    @ApiBody(page = DocumentDocs.Document.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, @PathVariable String schema, RqlQuery rql) {
        return documents.list(caller, schema, rql);
    }

    @ApiBody(request = DocumentDocs.DocumentDataChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{id}")
    public Map<String, Object> update(Caller caller, @PathVariable String schema, @PathVariable String id,
                                      RqlQuery rql, @RequestBody(required = false) JsonNode body) {
        return documents.update(caller, schema, id, rql, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{id}")
    public Map<String, Object> delete(Caller caller, @PathVariable String schema, @PathVariable String id) {
        return documents.delete(caller, schema, id);
    }

    @ApiBody(request = DocumentDocs.TransitionRequest.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{id}/transition")
    public Map<String, Object> transition(Caller caller, @PathVariable String schema, @PathVariable String id,
                                          RqlQuery rql, @RequestBody(required = false) JsonNode body) {
        return documents.transition(caller, schema, id, rql, body);
    }

    @ApiBody(request = DocumentDocs.FieldsToDelete.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{id}/deleteFields")
    public Map<String, Object> deleteFields(Caller caller, @PathVariable String schema, @PathVariable String id,
                                            RqlQuery rql, @RequestBody(required = false) JsonNode body) {
        return documents.deleteFields(caller, schema, id, rql, body);
    }

    @ApiBody(request = DocumentDocs.UserIds.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{id}/linkUsers")
    public Map<String, Object> linkUsers(Caller caller, @PathVariable String schema, @PathVariable String id,
                                         @RequestBody(required = false) JsonNode body) {
        return documents.links(caller, schema, id, "userIds", true, body);
    }

    @ApiBody(request = DocumentDocs.UserIds.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{id}/unlinkUsers")
    public Map<String, Object> unlinkUsers(Caller caller, @PathVariable String schema, @PathVariable String id,
                                           @RequestBody(required = false) JsonNode body) {
        return documents.links(caller, schema, id, "userIds", false, body);
    }

    @ApiBody(request = DocumentDocs.GroupIds.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{id}/linkGroups")
    public Map<String, Object> linkGroups(Caller caller, @PathVariable String schema, @PathVariable String id,
                                          @RequestBody(required = false) JsonNode body) {
        return documents.links(caller, schema, id, "groupIds", true, body);
    }

    @ApiBody(request = DocumentDocs.GroupIds.class, response = AffectedRecordsDoc.class)
    @PostMapping("/{id}/unlinkGroups")
    public Map<String, Object> unlinkGroups(Caller caller, @PathVariable String schema, @PathVariable String id,
                                            @RequestBody(required = false) JsonNode body) {
        return documents.links(caller, schema, id, "groupIds", false, body);
    }

    @ApiBody(request = DocumentDocs.NewArrayObject.class, response = DocumentDocs.ArrayObject.class)
    @PostMapping({"/{id}/{arrayField}/", "/{id}/{arrayField}"})
    public Map<String, Object> appendObject(Caller caller, @PathVariable String schema, @PathVariable String id,
                                            @PathVariable String arrayField,
                                            @RequestBody(required = false) JsonNode body) {
        return documents.appendObject(caller, schema, id, arrayField, body);
    }

    @ApiBody(request = DocumentDocs.ArrayObjectChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{id}/{arrayField}/{objectId}")
    public Map<String, Object> updateObject(Caller caller, @PathVariable String schema, @PathVariable String id,
                                            @PathVariable String arrayField, @PathVariable String objectId,
                                            RqlQuery rql, @RequestBody(required = false) JsonNode body) {
        return documents.updateObject(caller, schema, id, arrayField, objectId, rql, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{id}/{arrayField}/{objectId}")
    public Map<String, Object> removeObject(Caller caller, @PathVariable String schema, @PathVariable String id,
                                            @PathVariable String arrayField, @PathVariable String objectId) {
        return documents.removeObject(caller, schema, id, arrayField, objectId);
    }
}
