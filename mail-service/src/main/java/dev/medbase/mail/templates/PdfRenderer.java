package dev.medbase.mail.templates;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** Placeholder until the PDF resolve is implemented: answers 501-style with an ExH error. */
@Component
public class PdfRenderer {

    public byte[] render(Map<String, String> fields) {
        throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "PDF resolving is not available yet");
    }

    static byte[] empty() {
        return new ByteArrayOutputStream().toByteArray();
    }
}
