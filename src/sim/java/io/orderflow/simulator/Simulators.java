package io.orderflow.simulator;

/**
 * The simulated external systems (shops, Stripe, ERPNext) under /sim, for running orderflow with no accounts
 * anywhere. They live in their own source folder (src/sim/java, src/sim/resources: added to the build by
 * build-helper-maven-plugin, so {@code mvn spring-boot:run -Dspring-boot.run.profiles=sim} finds them) apart from
 * production code, and every simulator bean carries {@code @Profile("sim")}: without that profile none exists and
 * /sim/** answers 404, whatever orderflow.simulator.enabled says (SimulatorsNeedTheSimProfileTest). Within the profile
 * orderflow.simulator.enabled (on in application-sim.yml) can still switch them off.
 */
public final class Simulators {

    /** The one profile the simulators run in. */
    public static final String PROFILE = "sim";

    private Simulators() {
    }
}
