package dev.attune.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on a free local port that a test can cut: {@link #cut()} closes every open connection (in
 * the middle of whatever it carried) and refuses new ones by closing them at once, until {@link
 * #restore()}. Plain sockets, two threads per connection.
 *
 * <p>For PostgreSQL it can also cut one connection at a chosen statement ({@link #arm}): it reads the
 * frontend protocol the client sends (the SQL text of {@code Parse} and {@code Query} messages, and the
 * statement a {@code Bind} executes, so that statements the driver prepared on the server and now runs by
 * name are recognised too) and fires once a transaction that executed one statement enough times sends
 * another, e.g. the {@code COMMIT} of a transaction that inserted three reports. Then it either closes
 * both sides without forwarding that statement, or forwards it and closes both sides when the server's
 * answer arrives, before passing it on: the server did the work, the client never hears of it (a commit
 * whose outcome the client cannot know). Works on unencrypted connections only ({@code sslmode=disable}).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicReference<Cut> armed = new AtomicReference<>();
    private volatile boolean cut;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.server = new ServerSocket(0);
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        cut = true;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    /** Where an armed cut strikes relative to the statement that fires it. */
    public enum When {
        /** Both sides are closed and the statement is never forwarded: the server does not run it. */
        BEFORE_SENDING,
        /**
         * The statement is forwarded; both sides are closed when the server's answer to it arrives, which
         * is dropped: the server ran it, the client does not know.
         */
        BEFORE_ANSWER
    }

    /**
     * A one-shot cut of the connection whose transaction has executed a statement starting with {@code
     * after} at least {@code times} times, when it sends a statement starting with {@code at}.
     */
    public static final class Cut {
        final String after;
        final int times;
        final String at;
        final When when;
        final CountDownLatch fired = new CountDownLatch(1);
        final CountDownLatch answerDropped = new CountDownLatch(1);
        volatile int executedInCutTransaction;
        volatile String droppedAnswer;

        Cut(String after, int times, String at, When when) {
            this.after = after.toLowerCase(Locale.ROOT);
            this.times = times;
            this.at = at.toLowerCase(Locale.ROOT);
            this.when = when;
        }

        public boolean awaitFired(Duration timeout) throws InterruptedException {
            return fired.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * The first bytes of the server's answer that a {@link When#BEFORE_ANSWER} cut kept from the client
         * (as ISO-8859-1 text, e.g. a CommandComplete naming {@code COMMIT}), once it came; null before.
         */
        public String awaitDroppedAnswer(Duration timeout) throws InterruptedException {
            answerDropped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return droppedAnswer;
        }

        /** How many times the cut transaction had executed {@code after} when it fired. */
        public int executedInCutTransaction() {
            return executedInCutTransaction;
        }
    }

    /**
     * Arms a one-shot cut (replacing one armed before): fires on the first connection whose current
     * transaction has executed a statement beginning with {@code after} (case-insensitive) at least {@code
     * times} times and then sends one beginning with {@code at}.
     */
    public Cut arm(String after, int times, String at, When when) {
        Cut c = new Cut(after, times, at, when);
        armed.set(c);
        return c;
    }

    public void disarm() {
        armed.set(null);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                Link link = new Link(client, upstream);
                Thread.ofPlatform().daemon().name("proxy-frontend").start(link::frontend);
                Thread.ofPlatform().daemon().name("proxy-backend").start(link::backend);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** One proxied connection and what its frontend protocol has told so far. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        /** Statements the client prepared, by name ("" is the unnamed one). */
        final Map<String, String> prepared = new HashMap<>();

        boolean started;
        /** Executions of the armed cut's {@code after} statement in the current transaction. */
        int executed;
        /** Set before a statement is forwarded whose answer must not reach the client. */
        volatile Cut dropAnswer;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
            open.remove(client);
            open.remove(upstream);
        }

        /** Client to server: whole protocol messages, each looked at before it is forwarded. */
        void frontend() {
            byte[] buffer = new byte[16 * 1024];
            Bytes pending = new Bytes();
            try (InputStream in = client.getInputStream();
                    OutputStream out = upstream.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    pending.append(buffer, n);
                    int sent = 0;
                    int at = 0;
                    while (true) {
                        int length = messageLength(pending, at);
                        if (length < 0) {
                            break;
                        }
                        Action action = look(pending.data, at, length);
                        if (action == Action.CUT_NOW) {
                            out.write(pending.data, sent, at - sent);
                            out.flush();
                            close();
                            return;
                        }
                        at += length;
                    }
                    // Complete messages are forwarded now, a partial one once the rest has come.
                    out.write(pending.data, sent, at - sent);
                    out.flush();
                    pending.drop(at);
                }
            } catch (IOException closed) {
                // one side went away: close both
            } finally {
                close();
            }
        }

        /** Server to client, unless an answer is to be dropped. */
        void backend() {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = upstream.getInputStream();
                    OutputStream out = client.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    Cut c = dropAnswer;
                    if (c != null) {
                        c.droppedAnswer = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                        c.answerDropped.countDown();
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side went away: close both
            } finally {
                close();
            }
        }

        /** The length of the complete message at {@code at}, or -1 while it has not all arrived. */
        int messageLength(Bytes b, int at) {
            if (!started) {
                // Startup, SSL and cancel requests: an Int32 length (itself included), no type byte.
                return b.size - at >= 4 && b.size - at >= int32(b.data, at) ? int32(b.data, at) : -1;
            }
            return b.size - at >= 5 && b.size - at >= 1 + int32(b.data, at + 1) ? 1 + int32(b.data, at + 1) : -1;
        }

        Action look(byte[] m, int at, int length) {
            if (!started) {
                int code = int32(m, at + 4);
                // SSLRequest and GSSENCRequest come before the startup message proper.
                started = code != 80877103 && code != 80877104;
                return Action.FORWARD;
            }
            String sql;
            switch (m[at]) {
                case 'P' -> {
                    int name = at + 5;
                    int query = cstringEnd(m, name) + 1;
                    prepared.put(cstring(m, name), cstring(m, query));
                    return Action.FORWARD;
                }
                case 'B' -> {
                    int portal = at + 5;
                    int statement = cstringEnd(m, portal) + 1;
                    sql = prepared.get(cstring(m, statement));
                }
                case 'Q' -> sql = cstring(m, at + 5);
                default -> {
                    return Action.FORWARD;
                }
            }
            return sql == null ? Action.FORWARD : executes(sql.strip().toLowerCase(Locale.ROOT));
        }

        Action executes(String sql) {
            Cut c = armed.get();
            if (c != null) {
                if (sql.startsWith(c.after)) {
                    executed++;
                }
                if (executed >= c.times && sql.startsWith(c.at) && armed.compareAndSet(c, null)) {
                    c.executedInCutTransaction = executed;
                    c.fired.countDown();
                    if (c.when == When.BEFORE_SENDING) {
                        return Action.CUT_NOW;
                    }
                    dropAnswer = c;
                    return Action.FORWARD;
                }
            }
            if (sql.startsWith("commit") || sql.startsWith("rollback") || sql.startsWith("begin")) {
                executed = 0;
            }
            return Action.FORWARD;
        }
    }

    private enum Action {
        FORWARD,
        CUT_NOW
    }

    /** A growable byte buffer. */
    private static final class Bytes {
        byte[] data = new byte[16 * 1024];
        int size;

        void append(byte[] b, int n) {
            if (size + n > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + n));
            }
            System.arraycopy(b, 0, data, size, n);
            size += n;
        }

        void drop(int n) {
            System.arraycopy(data, n, data, 0, size - n);
            size -= n;
        }
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static int cstringEnd(byte[] b, int from) {
        int end = from;
        while (b[end] != 0) {
            end++;
        }
        return end;
    }

    private static String cstring(byte[] b, int from) {
        return new String(b, from, cstringEnd(b, from) - from, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
