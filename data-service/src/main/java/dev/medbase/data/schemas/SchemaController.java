package dev.medbase.data.schemas;

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

/** Schemas and their sub-resources, §7.5 #1–18. {@code {schema}} is the schema id or name. */
@RestController
@RequestMapping("/data/v1")
public class SchemaController {

    private final SchemaService schemas;
    private final IndexService indexes;

    public SchemaController(SchemaService schemas, IndexService indexes) {
        this.schemas = schemas;
        this.indexes = indexes;
    }

    @ApiBody(request = SchemaDocs.NewSchema.class, response = SchemaDocs.SchemaView.class)
    @PostMapping({"", "/"})
    public Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        return schemas.create(caller, body);
    }

    @ApiBody(page = SchemaDocs.SchemaView.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        return schemas.list(caller, rql);
    }

    @ApiBody(request = SchemaDocs.SchemaChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{schema}")
    public Map<String, Object> update(Caller caller, @PathVariable String schema,
                                      @RequestBody(required = false) JsonNode body) {
        return schemas.update(caller, schema, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{schema}")
    public Map<String, Object> delete(Caller caller, @PathVariable String schema) {
        return schemas.delete(caller, schema);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @PostMapping("/{schema}/disable")
    public Map<String, Object> disable(Caller caller, @PathVariable String schema) {
        return schemas.setDisabled(caller, schema, true);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @PostMapping("/{schema}/enable")
    public Map<String, Object> enable(Caller caller, @PathVariable String schema) {
        return schemas.setDisabled(caller, schema, false);
    }

    @ApiBody(request = SchemaDocs.NewProperty.class, response = AffectedRecordsDoc.class)
    @PostMapping({"/{schema}/properties", "/{schema}/properties/"})
    public Map<String, Object> createProperty(Caller caller, @PathVariable String schema,
                                              @RequestBody(required = false) JsonNode body) {
        return schemas.createProperty(caller, schema, body);
    }

    @ApiBody(request = SchemaDocs.TypeConfiguration.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{schema}/properties/{path}")
    public Map<String, Object> updateProperty(Caller caller, @PathVariable String schema, @PathVariable String path,
                                              @RequestBody(required = false) JsonNode body) {
        return schemas.updateProperty(caller, schema, path, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{schema}/properties/{path}")
    public Map<String, Object> deleteProperty(Caller caller, @PathVariable String schema, @PathVariable String path) {
        return schemas.deleteProperty(caller, schema, path);
    }

    @ApiBody(request = SchemaDocs.NewStatus.class, response = AffectedRecordsDoc.class)
    @PostMapping({"/{schema}/statuses", "/{schema}/statuses/"})
    public Map<String, Object> createStatus(Caller caller, @PathVariable String schema,
                                            @RequestBody(required = false) JsonNode body) {
        return schemas.createStatus(caller, schema, body);
    }

    @ApiBody(request = SchemaDocs.StatusChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{schema}/statuses/{name}")
    public Map<String, Object> updateStatus(Caller caller, @PathVariable String schema, @PathVariable String name,
                                            @RequestBody(required = false) JsonNode body) {
        return schemas.updateStatus(caller, schema, name, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{schema}/statuses/{name}")
    public Map<String, Object> deleteStatus(Caller caller, @PathVariable String schema, @PathVariable String name) {
        return schemas.deleteStatus(caller, schema, name);
    }

    @ApiBody(request = SchemaDocs.CreationTransition.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{schema}/creationTransition")
    public Map<String, Object> updateCreationTransition(Caller caller, @PathVariable String schema,
                                                        @RequestBody(required = false) JsonNode body) {
        return schemas.updateCreationTransition(caller, schema, body);
    }

    @ApiBody(request = SchemaDocs.NewTransition.class, response = SchemaDocs.Transition.class)
    @PostMapping({"/{schema}/transitions", "/{schema}/transitions/"})
    public Map<String, Object> createTransition(Caller caller, @PathVariable String schema,
                                                @RequestBody(required = false) JsonNode body) {
        return schemas.createTransition(caller, schema, body);
    }

    @ApiBody(request = SchemaDocs.NewTransition.class, response = AffectedRecordsDoc.class)
    @PutMapping("/{schema}/transitions/{transitionId}")
    public Map<String, Object> updateTransition(Caller caller, @PathVariable String schema,
                                                @PathVariable String transitionId,
                                                @RequestBody(required = false) JsonNode body) {
        return schemas.updateTransition(caller, schema, transitionId, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{schema}/transitions/{transitionId}")
    public Map<String, Object> deleteTransition(Caller caller, @PathVariable String schema,
                                                @PathVariable String transitionId) {
        return schemas.deleteTransition(caller, schema, transitionId);
    }

    @ApiBody(request = SchemaDocs.NewIndex.class, response = SchemaDocs.Index.class)
    @PostMapping({"/{schema}/indexes", "/{schema}/indexes/"})
    public Map<String, Object> createIndex(Caller caller, @PathVariable String schema,
                                           @RequestBody(required = false) JsonNode body) {
        return indexes.create(caller, schema, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/{schema}/indexes/{indexId}")
    public Map<String, Object> deleteIndex(Caller caller, @PathVariable String schema, @PathVariable String indexId) {
        return indexes.delete(caller, schema, indexId);
    }
}
