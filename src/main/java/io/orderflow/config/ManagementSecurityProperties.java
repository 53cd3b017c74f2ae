package io.orderflow.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may use the management endpoints (orderflow.security.*). The operator is Spring's own user
 * (spring.security.user.name/password, env ORDERFLOW_ADMIN_USER / ORDERFLOW_ADMIN_PASSWORD): every role. The viewer
 * (optional) may read (GET) the admin API, the queues and the actuator, never replay, discard or approve.
 */
@ConfigurationProperties(prefix = "orderflow.security")
public class ManagementSecurityProperties {

    /** The shipped management password; outside the sim profile it is warned about at start-up. */
    public static final String DEFAULT_PASSWORD = "change-me";

    /** Refuse to start when the operator's password is the shipped default (change-me) outside the sim profile. */
    private boolean refuseDefaultCredentials = false;
    /** The read-only user; none when its password is unset. */
    private final Viewer viewer = new Viewer();

    public boolean isRefuseDefaultCredentials() { return refuseDefaultCredentials; }
    public void setRefuseDefaultCredentials(boolean v) { this.refuseDefaultCredentials = v; }
    public Viewer getViewer() { return viewer; }

    public static class Viewer {
        /** Name of the read-only user. */
        private String name = "viewer";
        /** Its password (env ORDERFLOW_SECURITY_VIEWER_PASSWORD); unset: no read-only user. */
        private String password;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }

        @Override
        public String toString() { return "Viewer[" + name + ", password hidden]"; }
    }
}
