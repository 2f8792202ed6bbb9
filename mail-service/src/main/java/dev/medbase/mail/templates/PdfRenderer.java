package dev.medbase.mail.templates;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import org.jsoup.Jsoup;
import org.jsoup.helper.W3CDom;
import org.jsoup.nodes.Document;
import org.springframework.stereotype.Component;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * {@code POST /templates/v1/{id}/pdf}: the resolved template as a PDF (openhtmltopdf over a jsoup-parsed DOM, so
 * ordinary HTML5 works). The document is the {@code body} field, or every field one after the other when there is
 * none. Nothing is loaded from outside: external resources (images, style sheets, fonts by URL) are refused, so a
 * template cannot make the service fetch URLs or read files.
 */
@Component
public class PdfRenderer {

    public byte[] render(Map<String, String> fields) {
        String html = fields.containsKey("body") ? fields.get("body") : String.join("\n", fields.values());
        Document document = Jsoup.parse(html);
        document.select("script, iframe, object, embed, link[rel=import]").remove();
        document.outputSettings().syntax(Document.OutputSettings.Syntax.xml);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.useFastMode();
            builder.withW3cDocument(new W3CDom().fromJsoup(document), null);
            builder.useUriResolver((base, uri) -> null);
            builder.useExternalResourceAccessControl((uri, type) -> false,
                    com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
            builder.useExternalResourceAccessControl((uri, type) -> false,
                    com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
            builder.toStream(out);
            builder.run();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION, "The template could not be rendered as PDF");
        }
    }
}
