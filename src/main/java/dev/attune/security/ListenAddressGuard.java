package dev.attune.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Without authentication the server listens on the loopback interface only, unless an address is given
 * ({@code ADDRESS} or {@code server.address}); a non-loopback address without authentication is refused
 * at start-up unless {@code ATTUNE_INSECURE=true}. Runs before the web server exists, so a refused
 * configuration never opens a port.
 */
public class ListenAddressGuard implements EnvironmentPostProcessor {
    private final Log log;

    public ListenAddressGuard(DeferredLogFactory logs) {
        this.log = logs.getLog(ListenAddressGuard.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        boolean auth = !AdminToken.read(env).isEmpty();
        boolean insecure = "true"
                .equalsIgnoreCase(env.getProperty("attune.insecure", env.getProperty("ATTUNE_INSECURE", "false")));
        String address = env.getProperty("server.address", env.getProperty("ADDRESS", ""))
                .strip();
        if (address.isEmpty()) {
            if (!auth) {
                String loopback = InetAddress.getLoopbackAddress().getHostAddress();
                set(env, loopback);
                log.warn("Authentication is off (no ATTUNE_ADMIN_TOKEN): listening on " + loopback
                        + " only. Set ATTUNE_ADMIN_TOKEN to serve other machines (docs/security.md).");
            }
            return;
        }
        set(env, address);
        if (!auth && !isLoopback(address)) {
            if (!insecure) {
                throw new IllegalStateException("Refusing to listen on " + address
                        + " without authentication: set ATTUNE_ADMIN_TOKEN, or ATTUNE_INSECURE=true to accept that"
                        + " anyone who reaches the port can read, change and delete every study");
            }
            log.warn("ATTUNE_INSECURE=true: listening on " + address
                    + " WITHOUT authentication; anyone who reaches the port can change and delete every study");
        }
    }

    private static void set(ConfigurableEnvironment env, String address) {
        env.getPropertySources()
                .addFirst(new MapPropertySource("attuneListenAddress", Map.of("server.address", address)));
    }

    static boolean isLoopback(String address) {
        try {
            for (InetAddress a : InetAddress.getAllByName(address)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
