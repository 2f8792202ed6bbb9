package dev.medbase.data.documents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.support.Json;
import dev.medbase.platform.error.BodyTooLargeException;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Reads a document body, plain or {@code Content-Encoding: gzip} (§2.2, {@code documents.create(…, {gzip: true})}).
 * The compressed size is bounded by the platform's body limit, the decompressed size by
 * {@code medbase.data.max-decompressed-body-size} (413 beyond it, so a zip bomb stops there); a corrupt gzip stream
 * is 400 BODY_FORMAT_EXCEPTION.
 */
final class DocumentBodies {

    private DocumentBodies() {
    }

    static JsonNode read(HttpServletRequest request, long maxDecompressed) throws IOException {
        String encoding = request.getHeader("Content-Encoding");
        boolean gzip = false;
        if (encoding != null && !encoding.isBlank()) {
            String e = encoding.trim().toLowerCase(java.util.Locale.ROOT);
            if (e.equals("gzip") || e.equals("x-gzip")) {
                gzip = true;
            } else if (!e.equals("identity")) {
                throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION,
                        "Content-Encoding '" + Json.printable(encoding) + "' is not supported (use gzip or none)");
            }
        }
        byte[] bytes;
        try {
            InputStream in = request.getInputStream();
            bytes = readLimited(gzip ? new GZIPInputStream(in, 8192) : in, maxDecompressed);
        } catch (BodyTooLargeException e) {
            throw e;
        } catch (IOException e) {
            if (!gzip) {
                throw e;
            }
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The gzip-compressed body is corrupt");
        }
        if (bytes.length == 0) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body is not valid JSON");
        }
    }

    private static byte[] readLimited(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > max) {
                throw new BodyTooLargeException(max);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
