package dev.medbase.files.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.files.files.FileDetails.TokenObject;
import dev.medbase.files.settings.FileSettings;
import dev.medbase.files.storage.BlobStore;
import dev.medbase.files.storage.StorageException;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/** The ten endpoints of contract §8 but the two settings calls ({@link dev.medbase.files.settings}). */
@RestController
public class FilesController {

    private static final Logger log = LoggerFactory.getLogger(FilesController.class);

    private final FileService files;
    private final FileSettings settings;
    private final BlobStore store;

    public FilesController(FileService files, FileSettings settings, BlobStore store) {
        this.files = files;
        this.settings = settings;
        this.store = store;
    }

    @PostMapping({"/files/v1", "/files/v1/"})
    public FileDetails upload(Caller caller, HttpServletRequest request) {
        return files.upload(caller, request);
    }

    @GetMapping({"/files/v1", "/files/v1/"})
    public PageEnvelope<FileDetails> list(Caller caller, RqlQuery rql) {
        return files.list(caller, rql);
    }

    @GetMapping({"/files/v1/{token}/details", "/files/v1/{token}/details/"})
    public FileDetails details(@PathVariable String token) {
        return files.details(token);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping({"/files/v1/{token}", "/files/v1/{token}/"})
    public Map<String, Object> delete(@PathVariable String token) {
        files.delete(token);
        return Map.of("affectedRecords", 1);
    }

    @ApiBody(request = TokenDocs.NewToken.class)
    @PostMapping({"/files/v1/{token}/tokens", "/files/v1/{token}/tokens/"})
    public TokenObject createToken(@PathVariable String token,
            @RequestBody(required = false) Map<String, Object> body) {
        Object level = body == null ? null : body.get("accessLevel");
        if (level == null) {
            level = FileService.READ; // least privilege when the caller does not say
        }
        if (!FileService.FULL.equals(level) && !FileService.READ.equals(level)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "accessLevel must be 'full' or 'read'");
        }
        return files.createToken(token, (String) level);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping({"/files/v1/{token}/tokens/{tokenToAccess}", "/files/v1/{token}/tokens/{tokenToAccess}/"})
    public Map<String, Object> deleteToken(@PathVariable String token, @PathVariable String tokenToAccess) {
        files.deleteToken(token, tokenToAccess);
        return Map.of("affectedRecords", 1);
    }

    /**
     * {@code GET|HEAD /files/v1/{token}/file}: the bytes, streamed chunk by chunk from storage, with
     * {@code Content-Length}, a strong {@code ETag} (the SHA-256 of the content, which never changes), single
     * {@code Range} requests (206/416, {@code If-Range}), {@code If-None-Match} (304), and
     * {@code Content-Disposition: attachment} unless the settings allow the type inline. No user needed: the token
     * is the credential.
     */
    @RequestMapping(path = {"/files/v1/{token}/file", "/files/v1/{token}/file/"},
            method = {RequestMethod.GET, RequestMethod.HEAD})
    public void download(@PathVariable String token, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        FileService.Access access = files.resolve(token);
        FileRecord file = access.file();
        long size = file.size() == null ? 0 : file.size();
        String etag = "\"" + file.sha256() + "\"";

        response.setHeader(HttpHeaders.ETAG, etag);
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "private, no-cache");
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatus(HttpStatus.NOT_MODIFIED.value());
            return;
        }
        ByteRange.Parsed parsed = ByteRange.parse(request.getHeader(HttpHeaders.RANGE), size);
        String ifRange = request.getHeader(HttpHeaders.IF_RANGE);
        if (ifRange != null && !ifRange.trim().equals(etag)) {
            parsed = new ByteRange.Whole(); // the client's copy is another version (or a date): send everything
        }
        if (size == 0) {
            parsed = new ByteRange.Whole();
        }
        if (parsed instanceof ByteRange.Unsatisfiable) {
            response.setStatus(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE.value());
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            byte[] body = ("{\"code\":" + ExhError.ILLEGAL_ARGUMENT_EXCEPTION.code() + ",\"name\":\""
                    + ExhError.ILLEGAL_ARGUMENT_EXCEPTION.name()
                    + "\",\"message\":\"The requested range is outside the file of " + size + " bytes\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        long start = 0;
        long length = size;
        if (parsed instanceof ByteRange.Partial partial) {
            start = partial.range().start();
            length = partial.range().length();
            response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
            response.setHeader(HttpHeaders.CONTENT_RANGE,
                    "bytes " + start + "-" + partial.range().end() + "/" + size);
        } else {
            response.setStatus(HttpStatus.OK.value());
        }
        response.setContentType(file.mimetype());
        response.setContentLengthLong(length);
        ContentDisposition.Builder disposition = settings.inlineAllowed(file.mimetype())
                ? ContentDisposition.inline() : ContentDisposition.attachment();
        String name = file.name() == null ? "file" : file.name();
        boolean ascii = name.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, (ascii ? disposition.filename(name)
                : disposition.filename(name, StandardCharsets.UTF_8)).build().toString());
        if ("HEAD".equals(request.getMethod()) || length == 0) {
            return;
        }
        OutputStream out = response.getOutputStream();
        try (InputStream in = store.read(file.blobId(), start, length)) {
            in.transferTo(out);
        } catch (IOException e) {
            // only the response stream throws IOException here: the client went away
            log.debug("Download of file {} ended by the client: {}", file.id().toHexString(), e.toString());
        } catch (StorageException e) {
            if (!response.isCommitted()) {
                response.reset(); // drop the file's headers (Content-Length above all) before the error is written
                throw e;
            }
            // The status line is gone already. Close our stream (later writes, such as an error page, are dropped)
            // and let the exception reach the container, which then cuts the connection: the client sees a body
            // shorter than Content-Length instead of waiting for bytes that will never come.
            log.error("Download of file {} failed after the response started", file.id().toHexString(), e);
            try {
                out.close();
            } catch (IOException ignored) {
                // the connection is being dropped anyway
            }
            throw new DownloadInterrupted(e);
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** A download that broke after its headers were sent; see {@link dev.medbase.files.FilesErrors}. */
    public static final class DownloadInterrupted extends RuntimeException {
        DownloadInterrupted(Throwable cause) {
            super("download interrupted", cause);
        }
    }

}
