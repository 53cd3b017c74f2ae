package io.orderflow.notify;

/** Customer contact data as it may appear in logs: enough to tell two apart, not enough to use. */
public final class Masking {

    private Masking() {
    }

    /** bob.norman@hostmail.com -> b***@h***.com */
    public static String email(String email) {
        if (email == null || email.isBlank()) {
            return "(none)";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        String domain = email.substring(at + 1);
        int dot = domain.lastIndexOf('.');
        String tld = dot >= 0 ? domain.substring(dot) : "";
        return email.charAt(0) + "***@" + (domain.isEmpty() ? "" : domain.charAt(0)) + "***" + tld;
    }

    /** +4915112345678 -> ***678 */
    public static String phone(String phone) {
        if (phone == null || phone.isBlank()) {
            return "(none)";
        }
        String digits = phone.replaceAll("[^0-9]", "");
        return "***" + (digits.length() > 3 ? digits.substring(digits.length() - 3) : "");
    }
}
