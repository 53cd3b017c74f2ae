package io.orderflow.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free loopback port for a stub server that the outage suites stop and start again on the same port. It is taken
 * below the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range): a port from ServerSocket(0) is in that
 * range, so while the stub is down any outgoing connection on the machine - another build's, or the connector's own
 * retry connecting to that very port (a TCP self-connect) - can get it as its local port, and the restart fails with
 * "Address already in use" (seen once in FulfilmentAndNotifyOutageSuiteTest on a busy machine).
 */
final class RestartablePorts {

    private RestartablePorts() {
    }

    static int free() {
        int ephemeralLow = 32768;
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            ephemeralLow = Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException notLinux) {
            // keep the Linux default
        }
        int low = 10_000;
        int high = Math.max(low + 1000, ephemeralLow);
        for (int i = 0; i < 200; i++) {
            int port = ThreadLocalRandom.current().nextInt(low, high);
            // free on the wildcard address and on loopback (a server on another interface takes the port too)
            try (ServerSocket wildcard = new ServerSocket()) {
                wildcard.setReuseAddress(true);
                wildcard.bind(new InetSocketAddress(port));
            } catch (IOException taken) {
                continue;
            }
            try (ServerSocket loopback = new ServerSocket()) {
                loopback.setReuseAddress(true);
                loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between " + low + " and " + high);
    }
}
