package io.orderflow.console;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing on the console's login form: after {@value #FREE_FAILURES} failed logins in a row for
 * one user name, each further attempt must wait {@value #WAIT_SECONDS} s (answered 429 with Retry-After, which the
 * console shows). A success clears the count. Memory is bounded: at most {@value #MAX_NAMES} names are tracked.
 */
public class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final long WAIT_SECONDS = 30;
    static final int MAX_NAMES = 10_000;

    private record Failures(int count, long lastMillis) { }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Seconds until the next attempt for this name is taken; 0: now. */
    public long secondsToWait(String name) {
        Failures f = failures.get(name);
        if (f == null || f.count() < FREE_FAILURES) {
            return 0;
        }
        long waitedMillis = clock.millis() - f.lastMillis();
        long remaining = WAIT_SECONDS * 1000 - waitedMillis;
        return remaining <= 0 ? 0 : (remaining + 999) / 1000;
    }

    public void failed(String name) {
        if (failures.size() >= MAX_NAMES && !failures.containsKey(name)) {
            failures.clear();
        }
        failures.merge(name, new Failures(1, clock.millis()),
                (old, one) -> new Failures(old.count() + 1, one.lastMillis()));
    }

    public void succeeded(String name) {
        failures.remove(name);
    }
}
