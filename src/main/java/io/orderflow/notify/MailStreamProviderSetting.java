package io.orderflow.notify;

/**
 * Names Jakarta Mail's stream provider (Angus Mail's) once for the JVM. Without it, every MimeMessage, MimeBodyPart,
 * Multipart and header block asks {@code jakarta.mail.util.FactoryFinder}, which runs a ServiceLoader scan over the
 * class path each time (jakartaee/mail-api#699) — in the packaged jar, over every nested jar, several times per mail.
 * FactoryFinder reads this system property first. A value already set (e.g. {@code -Djakarta.mail.util.StreamProvider=}
 * another provider) is left as it is.
 */
final class MailStreamProviderSetting {

    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String ANGUS_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

    private MailStreamProviderSetting() {
    }

    static void apply() {
        System.getProperties().putIfAbsent(PROPERTY, ANGUS_PROVIDER);
    }
}
