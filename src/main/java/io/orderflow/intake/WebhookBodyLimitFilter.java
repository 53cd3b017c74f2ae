package io.orderflow.intake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces {@code orderflow.intake.max-body-bytes} on every webhook (and admin call) before any route sees it: a
 * declared or actual body over the limit is answered 413 and never read further. The accepted body is read once into
 * memory, so the signature is checked over exactly the bytes the sender signed.
 *
 * <p>The body is raw bytes whatever the request's {@code Content-Type}: the request handed on reports
 * {@code application/octet-stream} and no character encoding, so neither Spring (multipart resolution, form
 * parameters) nor platform-http (which parses an {@code application/x-www-form-urlencoded} POST body as form fields,
 * and on failure logs the whole body and answers 500) interprets it, and no declared charset changes a byte
 * (issue 12). The routes never use the request's content type.
 */
public class WebhookBodyLimitFilter extends OncePerRequestFilter {

    private final int maxBodyBytes;

    public WebhookBodyLimitFilter(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            tooLarge(response);
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            tooLarge(response);
            return;
        }
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setStatus(413);
        response.setHeader("Connection", "close");
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"error\":\"body larger than " + maxBodyBytes + " bytes\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 16 * 1024));
        byte[] buffer = new byte[8192];
        int n;
        while (out.size() < limit && (n = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()))) != -1) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static final String RAW = "application/octet-stream";

    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public boolean isFinished() { return in.available() == 0; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener listener) { throw new UnsupportedOperationException(); }
                @Override public int read() { return in.read(); }
                @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(new ByteArrayInputStream(body),
                    StandardCharsets.UTF_8));
        }

        @Override
        public String getContentType() {
            return RAW;
        }

        @Override
        public String getCharacterEncoding() {
            return null;
        }

        @Override
        public void setCharacterEncoding(String encoding) {
            // the body is bytes; a charset is never applied to it
        }

        // Content-Encoding is hidden too: platform-http would gunzip the body (a few KB may inflate to gigabytes)
        // and the signature would be checked over other bytes than those sent.
        @Override
        public String getHeader(String name) {
            if ("content-encoding".equalsIgnoreCase(name)) {
                return null;
            }
            return "content-type".equalsIgnoreCase(name) ? RAW : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            if ("content-encoding".equalsIgnoreCase(name)) {
                return java.util.Collections.emptyEnumeration();
            }
            return "content-type".equalsIgnoreCase(name) ? java.util.Collections.enumeration(java.util.List.of(RAW))
                    : super.getHeaders(name);
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
