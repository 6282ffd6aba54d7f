package dev.attune.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses bodies over the limit with 413: before the controller when {@code Content-Length} says so
 * (after draining the body, see {@link #drain}), and while reading when a chunked body runs past it
 * (Tomcat then swallows the rest, up to {@code server.tomcat.max-swallow-size}).
 */
@Component
public class RequestSizeLimit extends OncePerRequestFilter {
    private final long limit;
    private final long drainLimit;

    public RequestSizeLimit(
            @Value("${attune.max-request-bytes:1048576}") long limit,
            @Value("${attune.max-drain-bytes:67108864}") long drainLimit) {
        this.limit = limit;
        this.drainLimit = drainLimit;
    }

    /**
     * Reads and drops an oversized body before answering, so that a client that sends its whole body
     * before reading (Python's urllib and requests do) reads the 413 instead of a broken pipe. A client
     * that sent {@code Expect: 100-continue} gets its 413 at once (Tomcat then sends no 100), and a body
     * beyond {@code attune.max-drain-bytes} is not worth reading: the connection is closed on it.
     */
    private void drain(HttpServletRequest request, long length) throws IOException {
        if (length > drainLimit || request.getHeader("Expect") != null) {
            return;
        }
        byte[] buffer = new byte[64 * 1024];
        var in = request.getInputStream();
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    /** Checkpoint archives are streamed to disk under their own limit ({@code attune.checkpoints.max-bytes}). */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getMethod().equals("PUT") && request.getRequestURI().endsWith("/checkpoint/data");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > limit) {
            drain(request, length);
            response.setStatus(413);
            response.setContentType("application/problem+json");
            response.getWriter()
                    .write("{\"type\":\"" + Problems.TYPES + "payload-too-large\",\"title\":\"Payload too large\","
                            + "\"status\":413,\"detail\":\"the request body exceeds " + limit + " bytes\"}");
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    private void count(long n) {
                        read += n;
                        if (read > limit) {
                            throw new PayloadTooLargeException(limit);
                        }
                    }

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = in.read(b, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
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
                };
            }
            return stream;
        }
    }
}
