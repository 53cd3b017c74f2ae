package io.orderflow.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NotificationMessageIdsTest {

    @Test
    void theSameKeyGivesTheSameIdAndAnotherOrderEventOrPackageAnother() {
        String from = "Demo Shop <orders@Demo-Shop.example>";
        String id = NotificationMessageIds.of("shipped:shop-eu:1001:PKG-1:email", from);
        assertThat(id).matches("<orderflow\\.[0-9a-f]{32}@demo-shop\\.example>");
        assertThat(NotificationMessageIds.of("shipped:shop-eu:1001:PKG-1:email", from)).isEqualTo(id);
        assertThat(NotificationMessageIds.of("shipped:shop-eu:1001:PKG-2:email", from)).isNotEqualTo(id);
        assertThat(NotificationMessageIds.of("shipped:shop-eu:1002:PKG-1:email", from)).isNotEqualTo(id);
        assertThat(NotificationMessageIds.of("delivered:shop-eu:1001:PKG-1:email", from)).isNotEqualTo(id);
        assertThat(id).doesNotContain("1001").doesNotContain("shop-eu");
    }

    @Test
    void theDomainIsTheSendersOrAPlaceholder() {
        assertThat(NotificationMessageIds.of("k", "orders@shop.example")).endsWith("@shop.example>");
        assertThat(NotificationMessageIds.of("k", "\"Shop, Ltd\" <orders@mail.shop.example> ")).endsWith("@mail.shop.example>");
        assertThat(NotificationMessageIds.of("k", null)).endsWith("@orderflow.invalid>");
        assertThat(NotificationMessageIds.of("k", "no address")).endsWith("@orderflow.invalid>");
        assertThat(NotificationMessageIds.of("k", "x@evil\r\nBcc: a@b")).doesNotContain("\r").doesNotContain("\n").doesNotContain("Bcc");
        assertThatThrownBy(() -> NotificationMessageIds.of(" ", "orders@shop.example")).isInstanceOf(IllegalArgumentException.class);
    }
}
