package io.orderflow.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server in trouble, on a given loopback port, for the outage suite: {@link #unavailable} greets every
 * connection with {@code 421 4.3.2 Service not available} and closes it (SMTP's "503": RFC 5321 section 3.8), {@link
 * #silent} accepts connections and never says a word (slower than any timeout). Stop it before a real server takes the
 * port again. Counts the connections it got.
 */
final class UnhealthySmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final boolean greetWith421;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    static UnhealthySmtpServer unavailable(int port) {
        return new UnhealthySmtpServer(port, true);
    }

    static UnhealthySmtpServer silent(int port) {
        return new UnhealthySmtpServer(port, false);
    }

    private UnhealthySmtpServer(int port, boolean greetWith421) {
        this.greetWith421 = greetWith421;
        // The previous server on this port has just closed; on a busy machine its port was once still refused
        // ("Address already in use") a moment later: try again for a bounded while (5 s).
        ServerSocket bound = null;
        long deadline = System.currentTimeMillis() + 5000;
        while (bound == null) {
            try {
                ServerSocket candidate = new ServerSocket();
                candidate.setReuseAddress(true);
                try {
                    candidate.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    bound = candidate;
                } catch (java.net.BindException inUse) {
                    candidate.close();
                    if (System.currentTimeMillis() > deadline) {
                        throw inUse;
                    }
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        socket = bound;
        acceptor = new Thread(this::accept, "smtp-in-trouble-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.incrementAndGet();
                if (greetWith421) {
                    connection.getOutputStream().write("421 4.3.2 Service not available, closing transmission channel\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    connection.getOutputStream().flush();
                    connection.close();
                } else {
                    held.add(connection);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * Stops listening and drops the held connections, and returns only when the port is free for the next server:
     * the JDK defers closing a listening socket while a thread is blocked in accept() on it, so the acceptor is waited
     * for; held connections are reset (SO_LINGER 0), not closed gracefully, so none lingers on the port.
     */
    @Override
    public void close() {
        try {
            socket.close();
            for (Socket connection : held) {
                connection.setSoLinger(true, 0);
                connection.close();
            }
            acceptor.join(5000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
