package io.orderflow.simulator;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The customers' side of the notifications (profile sim): what orderflow's notify stage sent, shown at
 * {@code GET /sim/outbox} (HTML) and {@code GET /sim/outbox/messages} (JSON).
 * <ul>
 * <li><b>E-mail</b>: a tiny SMTP receiver on 127.0.0.1:{@code orderflow.simulator.smtp-port} (default 2525). The
 * notify route sends to it over real SMTP exactly as it would to the company's mail server (application-sim.yml
 * points orderflow.notifications.email at it); the messages are parsed as MIME and kept in memory.</li>
 * <li><b>SMS</b>: the Twilio Messages API at {@code /sim/twilio/2010-04-01/Accounts/{sid}/Messages.json} (form
 * post, Basic auth), answering 201 with a Message like Twilio's; the route's Twilio client is the production one,
 * only its base URL points here.</li>
 * </ul>
 * In memory: a restart empties the outbox (orderflow's own "sent" markers are on the broker and survive).
 */
@RestController
@Profile(Simulators.PROFILE)
@ConditionalOnProperty(name = "orderflow.simulator.enabled", havingValue = "true")
public class SimulatedOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedOutbox.class);

    /** One e-mail or SMS as the customer would receive it. */
    public record Sent(String medium, Instant at, String from, String to, String subject, String text, String html) {
    }

    private final List<Sent> outbox = new CopyOnWriteArrayList<>();
    private final ObjectMapper mapper;
    private final int smtpPort;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sim-smtp");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket server;

    public SimulatedOutbox(ObjectMapper mapper, @Value("${orderflow.simulator.smtp-port:2525}") int smtpPort) {
        this.mapper = mapper;
        this.smtpPort = smtpPort;
    }

    @PostConstruct
    void startSmtp() throws IOException {
        server = new ServerSocket(smtpPort, 50, InetAddress.getLoopbackAddress());
        workers.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    workers.submit(() -> session(client));
                } catch (IOException e) {
                    if (!server.isClosed()) {
                        LOG.warn("Simulated SMTP: accept failed: {}", e.getMessage());
                    }
                }
            }
        });
        LOG.info("Simulated SMTP receiver on 127.0.0.1:{}; outbox at /sim/outbox", server.getLocalPort());
    }

    @PreDestroy
    void stopSmtp() throws IOException {
        server.close();
        workers.shutdownNow();
    }

    public List<Sent> sent() {
        return List.copyOf(outbox);
    }

    /** SMTP as far as a submission client needs it: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. */
    private void session(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
             OutputStream out = socket.getOutputStream()) {
            reply(out, "220 sim-smtp.orderflow.local ESMTP simulated");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (command) {
                    case "EHLO" -> reply(out, "250-sim-smtp.orderflow.local\r\n250 8BITMIME");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        StringBuilder data = new StringBuilder();
                        String d;
                        while ((d = in.readLine()) != null && !d.equals(".")) {
                            data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                        }
                        store(data.toString());
                        reply(out, "250 OK queued as " + UUID.randomUUID());
                    }
                    case "QUIT" -> {
                        reply(out, "221 Bye");
                        return;
                    }
                    default -> reply(out, "502 Command not implemented");
                }
            }
        } catch (IOException e) {
            LOG.debug("Simulated SMTP session ended: {}", e.getMessage());
        }
    }

    private void store(String data) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(data.getBytes(StandardCharsets.ISO_8859_1)));
            String[] parts = new String[2];
            collect(message, parts);
            outbox.add(new Sent("email", Instant.now(), String.join(", ", header(message, "From")),
                    String.join(", ", header(message, "To")), message.getSubject(), parts[0], parts[1]));
        } catch (Exception e) {
            LOG.warn("Simulated SMTP: could not read a message: {}", e.getMessage());
        }
    }

    private static List<String> header(MimeMessage message, String name) throws jakarta.mail.MessagingException {
        String[] values = message.getHeader(name);
        return values == null ? List.of() : List.of(values);
    }

    private static void collect(Part part, String[] parts) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), parts);
            }
        } else if (part.isMimeType("text/plain")) {
            parts[0] = String.valueOf(part.getContent()).replace("\r\n", "\n");
        } else if (part.isMimeType("text/html")) {
            parts[1] = String.valueOf(part.getContent()).replace("\r\n", "\n");
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The Twilio Messages API (create), as the notify stage calls it. */
    @PostMapping(path = "/sim/twilio/2010-04-01/Accounts/{accountSid}/Messages.json",
            consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> twilioMessage(@PathVariable String accountSid, @RequestParam MultiValueMap<String, String> form,
            @RequestHeader(name = "Authorization", required = false) String auth) {
        if (auth == null || !auth.startsWith("Basic ")) {
            return ResponseEntity.status(401).contentType(MediaType.APPLICATION_JSON)
                    .body("{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}");
        }
        String to = form.getFirst("To");
        String body = form.getFirst("Body");
        if (to == null || to.isBlank() || body == null) {
            return ResponseEntity.status(400).contentType(MediaType.APPLICATION_JSON)
                    .body("{\"code\":21604,\"message\":\"A 'To' phone number is required.\",\"status\":400}");
        }
        String from = form.getFirst("From") != null ? form.getFirst("From") : form.getFirst("MessagingServiceSid");
        outbox.add(new Sent("sms", Instant.now(), from, to, null, body, null));
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        ObjectNode message = mapper.createObjectNode().put("sid", sid).put("account_sid", accountSid)
                .put("to", to).put("from", from).put("body", body).put("status", "queued").put("num_segments", "1");
        return ResponseEntity.status(201).body(message.toString());
    }

    @GetMapping(path = "/sim/outbox/messages", produces = MediaType.APPLICATION_JSON_VALUE)
    public String messages() {
        ArrayNode all = mapper.createArrayNode();
        for (Sent s : outbox) {
            all.add(mapper.convertValue(s, ObjectNode.class).put("at", s.at().toString()));
        }
        return all.toString();
    }

    @GetMapping(path = "/sim/outbox", produces = MediaType.TEXT_HTML_VALUE)
    public String page() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>orderflow simulator: outbox</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}"
                + "article{border:1px solid #ccc;border-radius:6px;padding:1em;margin:1em 0}h2{font-size:1.05em;margin:0 0 .5em}"
                + "dl{display:grid;grid-template-columns:6em 1fr;margin:0}dt{color:#666}pre{white-space:pre-wrap;background:#f6f6f6;"
                + "padding:.5em}iframe{width:100%;height:16em;border:1px solid #ddd}</style></head><body>"
                + "<h1>Outbox</h1><p>Every e-mail and SMS orderflow sent in this simulated run (newest first): e-mail over SMTP to "
                + "the simulator's receiver, SMS to its Twilio API. " + outbox.size() + " message(s).</p>");
        List<Sent> newestFirst = new ArrayList<>(outbox);
        java.util.Collections.reverse(newestFirst);
        for (Sent s : newestFirst) {
            html.append("<article><h2>").append(s.medium().equals("email") ? "E-mail: " + esc(s.subject()) : "SMS")
                    .append("</h2><dl>")
                    .append(row("At", s.at().toString())).append(row("From", s.from())).append(row("To", s.to()))
                    .append("</dl>");
            if (s.html() != null) {
                html.append("<h3>HTML</h3><iframe sandbox=\"\" srcdoc=\"").append(esc(s.html())).append("\"></iframe>");
            }
            if (s.text() != null) {
                html.append(s.medium().equals("email") ? "<h3>Plain text</h3>" : "").append("<pre>").append(esc(s.text())).append("</pre>");
            }
            html.append("</article>");
        }
        return html.append("</body></html>").toString();
    }

    private static String row(String name, String value) {
        return "<dt>" + name + "</dt><dd>" + esc(value) + "</dd>";
    }

    private static String esc(String value) {
        return value == null ? "" : HtmlUtils.htmlEscape(value, "UTF-8");
    }

}
