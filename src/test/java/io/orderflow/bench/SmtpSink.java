package io.orderflow.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The benchmark's SMTP server: takes every mail and keeps it with its arrival time, nothing else. Not GreenMail (the
 * tests' SMTP server): GreenMail writes a multi-line reply (EHLO) line by line, so on a connection without
 * TCP_NODELAY the last line waited for the client's delayed acknowledgement — about 45 ms per mail on loopback,
 * measured with Angus Mail (2-5 ms against a server that answers in one write), which made the notify stage the
 * bench's ceiling at ~20 mails/s. Real relays answer in one write; this one does too, with TCP_NODELAY.
 */
final class SmtpSink implements AutoCloseable {

    record Mail(long receivedAtMs, byte[] raw) {
        String subject() {
            try {
                return new MimeMessage((Session) null, new ByteArrayInputStream(raw)).getSubject();
            } catch (jakarta.mail.MessagingException e) {
                return "?";
            }
        }
    }

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool();
    private final List<Mail> mails = new CopyOnWriteArrayList<>();

    SmtpSink(int port) throws IOException {
        server = new ServerSocket(port, 256, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    List<Mail> mails() {
        return mails;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.execute(() -> converse(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 bench-smtp ESMTP\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (command) {
                    case "EHLO" -> reply(out, "250-bench-smtp\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>\r\n");
                        StringBuilder message = new StringBuilder();
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            message.append(data.startsWith("..") ? data.substring(1) : data).append("\r\n");
                        }
                        mails.add(new Mail(System.currentTimeMillis(), message.toString().getBytes(StandardCharsets.ISO_8859_1)));
                        reply(out, "250 2.0.0 queued\r\n");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye\r\n");
                        return;
                    }
                    default -> reply(out, "250 2.0.0 ok\r\n");
                }
            }
        } catch (IOException gone) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }

    static List<String> subjects(List<Mail> mails) {
        List<String> subjects = new ArrayList<>();
        mails.forEach(m -> subjects.add(m.subject()));
        return subjects;
    }
}
