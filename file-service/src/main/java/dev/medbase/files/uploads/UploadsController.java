package dev.medbase.files.uploads;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.files.FilesErrors.StatusException;
import dev.medbase.files.FilesProperties;
import dev.medbase.files.files.Iso;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.security.Caller;

/**
 * The tus 1.0 endpoints (Medbase extension; no Extra Horizon response changes):
 * <pre>
 * OPTIONS /files/v1/uploads            capabilities (Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm)
 * POST    /files/v1/uploads            create: Upload-Length, Upload-Metadata (filename, filetype, tags) → 201 Location;
 *                                      with Content-Type application/offset+octet-stream the body is the first chunk
 * HEAD    /files/v1/uploads/{id}       Upload-Offset, Upload-Length, Upload-Expires
 * PATCH   /files/v1/uploads/{id}       Upload-Offset + body (+ Upload-Checksum) → 204 Upload-Offset; the last one also
 *                                      answers Medbase-File-Token: the file's first full token
 * DELETE  /files/v1/uploads/{id}       termination
 * GET     /files/v1/uploads/{id}       JSON status; once complete it holds the FileDetails with that token
 * </pre>
 * Only the user who created an upload can see or touch it. Errors carry the ExH body with tus's statuses (404, 409,
 * 412, 413, 415, 423, 460).
 */
@RestController
@ConditionalOnProperty(prefix = "medbase.files.uploads", name = "enabled", matchIfMissing = true)
public class UploadsController {

    static final String BASE = "/files/v1/uploads";
    static final String OCTETS = "application/offset+octet-stream";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Uploads uploads;
    private final FilesProperties properties;

    public UploadsController(Uploads uploads, FilesProperties properties) {
        this.uploads = uploads;
        this.properties = properties;
    }

    @RequestMapping(path = {BASE, BASE + "/", BASE + "/{id}"}, method = RequestMethod.OPTIONS)
    public ResponseEntity<Void> options() {
        return ResponseEntity.noContent()
                .header("Tus-Version", Uploads.TUS_VERSION)
                .header("Tus-Extension", "creation,creation-with-upload,termination,checksum,expiration")
                .header("Tus-Max-Size", Long.toString(properties.uploads().maxSize().toBytes()))
                .header("Tus-Checksum-Algorithm", String.join(",", new java.util.TreeSet<>(Uploads.CHECKSUMS)))
                .build();
    }

    @RequestMapping(path = {BASE, BASE + "/"}, method = RequestMethod.POST)
    public ResponseEntity<Void> create(Caller caller, HttpServletRequest request,
            @RequestHeader(name = "Upload-Length", required = false) String length,
            @RequestHeader(name = "Upload-Defer-Length", required = false) String defer,
            @RequestHeader(name = "Upload-Metadata", required = false) String metadata,
            @RequestHeader(name = "Upload-Checksum", required = false) String checksum) throws IOException {
        requireTus(request);
        UploadRecord upload = uploads.create(caller, length, metadata, defer != null);
        String id = upload.id().toHexString();
        ResponseEntity.BodyBuilder created = ResponseEntity.status(HttpStatus.CREATED)
                .header(HttpHeaders.LOCATION, BASE + "/" + id);
        if (isOctets(request.getContentType())) {
            Uploads.Status status = uploads.append(caller, id, 0, checksum, request.getInputStream());
            return progress(created, status).build();
        }
        return created.header("Upload-Expires", HTTP_DATE.format(upload.expiresAt())).build();
    }

    @RequestMapping(path = BASE + "/{id}", method = RequestMethod.HEAD)
    public ResponseEntity<Void> head(Caller caller, @PathVariable String id, HttpServletRequest request) {
        requireTus(request);
        Uploads.Status status = uploads.status(caller, id);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Upload-Length", Long.toString(status.length()));
        return progress(ok, status).build();
    }

    @RequestMapping(path = BASE + "/{id}", method = RequestMethod.PATCH)
    public ResponseEntity<Void> patch(Caller caller, @PathVariable String id, HttpServletRequest request,
            @RequestHeader(name = "Upload-Offset", required = false) String offset,
            @RequestHeader(name = "Upload-Checksum", required = false) String checksum) throws IOException {
        requireTus(request);
        if (!isOctets(request.getContentType())) {
            throw new StatusException(415, ExhError.BODY_FORMAT_EXCEPTION,
                    "A PATCH body must be sent as " + OCTETS);
        }
        long at = Uploads.number(offset, "Upload-Offset");
        Uploads.Status status = uploads.append(caller, id, at, checksum, request.getInputStream());
        return progress(ResponseEntity.status(HttpStatus.NO_CONTENT), status).build();
    }

    @RequestMapping(path = BASE + "/{id}", method = RequestMethod.DELETE)
    public ResponseEntity<Void> terminate(Caller caller, @PathVariable String id, HttpServletRequest request) {
        requireTus(request);
        uploads.terminate(caller, id);
        return ResponseEntity.noContent().build();
    }

    @ApiBody(response = UploadDocs.UploadStatus.class)
    @RequestMapping(path = BASE + "/{id}", method = RequestMethod.GET)
    public Map<String, Object> status(Caller caller, @PathVariable String id) {
        Uploads.Status status = uploads.status(caller, id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", status.id());
        body.put("offset", status.offset());
        body.put("length", status.length());
        body.put("complete", status.complete());
        body.put("expiresAt", Iso.format(status.expiresAt()));
        if (status.file() != null) {
            body.put("file", status.file());
        }
        return body;
    }

    private static ResponseEntity.BodyBuilder progress(ResponseEntity.BodyBuilder builder, Uploads.Status status) {
        builder.header("Upload-Offset", Long.toString(status.offset()))
                .header("Upload-Expires", HTTP_DATE.format(status.expiresAt()));
        if (status.token() != null) {
            builder.header("Medbase-File-Token", status.token());
        }
        return builder;
    }

    private static boolean isOctets(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(OCTETS);
    }

    private static void requireTus(HttpServletRequest request) {
        if (!Uploads.TUS_VERSION.equals(request.getHeader("Tus-Resumable"))) {
            throw new StatusException(412, ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                    "Tus-Resumable: " + Uploads.TUS_VERSION + " is required",
                    Map.of("Tus-Version", Uploads.TUS_VERSION));
        }
    }
}
