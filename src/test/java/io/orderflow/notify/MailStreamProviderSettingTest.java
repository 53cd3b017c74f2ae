package io.orderflow.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.StreamProvider;
import org.junit.jupiter.api.Test;

/** The stream provider named for Jakarta Mail is Angus Mail's, and a multipart mail with it writes and reads back. */
class MailStreamProviderSettingTest {

    @Test
    void theNamedProviderIsAngusMailsAndAMultipartMailRoundTrips() throws Exception {
        MailStreamProviderSetting.apply();
        assertThat(System.getProperty(MailStreamProviderSetting.PROPERTY))
                .isEqualTo(MailStreamProviderSetting.ANGUS_PROVIDER);
        assertThat(StreamProvider.provider().getClass().getName()).isEqualTo(MailStreamProviderSetting.ANGUS_PROVIDER);

        Session session = Session.getInstance(new Properties());
        MimeMessage message = new MimeMessage(session);
        message.setSubject("Ihre Bestellung #1001 ist unterwegs", "UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Grüße — Paket 1 von 2", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Grüße — Paket 1 von 2</p>", "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);

        MimeMessage read = new MimeMessage(session, new ByteArrayInputStream(raw.toByteArray()));
        assertThat(read.getSubject()).isEqualTo("Ihre Bestellung #1001 ist unterwegs");
        MimeMultipart parts = (MimeMultipart) read.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Grüße — Paket 1 von 2");
        assertThat(new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("<p>Grüße — Paket 1 von 2</p>");
    }
}
