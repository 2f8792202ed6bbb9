package dev.medbase.platform.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.medbase.platform.error.BodyTooLargeException;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhErrorHandler;

/**
 * Two body rules every service needs before a controller sees the request:
 * <ul>
 * <li>bodies larger than {@code medbase.web.max-body-size} are refused with 413, whether the size is announced in
 * {@code Content-Length} or only discovered while reading a chunked body;</li>
 * <li>an empty body sent as {@code application/x-www-form-urlencoded} (what axios does for {@code POST} without data,
 * contract §2.3) is treated as having no content type, so JSON endpoints accept it instead of answering 415.</li>
 * </ul>
 * Multipart requests are left to the multipart resolver and its own limits.
 */
public class RequestBodyFilter extends OncePerRequestFilter {

    private final long maxBodySize;

    public RequestBodyFilter(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && contentType.startsWith(MediaType.MULTIPART_FORM_DATA_VALUE)) {
            chain.doFilter(request, response);
            return;
        }
        long length = request.getContentLengthLong();
        if (length > maxBodySize) {
            ExhErrorHandler.write(response, HttpStatus.CONTENT_TOO_LARGE, ExhError.BODY_FORMAT_EXCEPTION,
                    new BodyTooLargeException(maxBodySize).getMessage());
            return;
        }
        boolean emptyForm = length == 0 && contentType != null
                && contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
        chain.doFilter(new LimitedRequest(request, maxBodySize, emptyForm), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private final boolean hideContentType;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit, boolean hideContentType) {
            super(request);
            this.limit = limit;
            this.hideContentType = hideContentType;
        }

        @Override
        public String getContentType() {
            return hideContentType ? null : super.getContentType();
        }

        @Override
        public String getHeader(String name) {
            return hideContentType && "Content-Type".equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return hideContentType && "Content-Type".equalsIgnoreCase(name)
                    ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(int n) throws BodyTooLargeException {
            count += n;
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
