package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class ListenAddressGuardTest {
    final ListenAddressGuard guard = new ListenAddressGuard(Supplier<Log>::get);

    String addressAfter(MockEnvironment env) {
        guard.postProcessEnvironment(env, new SpringApplication());
        return env.getProperty("server.address");
    }

    @Test
    void withoutAuthenticationListensOnLoopbackOnly() {
        assertThat(addressAfter(new MockEnvironment())).isEqualTo("127.0.0.1");
    }

    @Test
    void withAuthenticationKeepsTheDefaultOfEveryInterface() {
        assertThat(addressAfter(new MockEnvironment().withProperty("ATTUNE_ADMIN_TOKEN", "s3cret")))
                .isNull();
    }

    @Test
    void refusesANonLoopbackAddressWithoutAuthentication() {
        MockEnvironment env = new MockEnvironment().withProperty("ADDRESS", "0.0.0.0");
        assertThatThrownBy(() -> addressAfter(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ATTUNE_ADMIN_TOKEN")
                .hasMessageContaining("ATTUNE_INSECURE");
    }

    @Test
    void takesANonLoopbackAddressWhenInsecureIsSaidOrAuthenticationIsOn() {
        assertThat(addressAfter(new MockEnvironment()
                        .withProperty("ADDRESS", "0.0.0.0")
                        .withProperty("ATTUNE_INSECURE", "true")))
                .isEqualTo("0.0.0.0");
        assertThat(addressAfter(new MockEnvironment()
                        .withProperty("server.address", "0.0.0.0")
                        .withProperty("ATTUNE_ADMIN_TOKEN", "s3cret")))
                .isEqualTo("0.0.0.0");
        assertThat(addressAfter(new MockEnvironment().withProperty("ADDRESS", "127.0.0.1")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void readsTheAdminTokenFromAMountedSecretFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path secret = dir.resolve("admin-token");
        java.nio.file.Files.writeString(secret, "from-a-file\n");
        MockEnvironment env = new MockEnvironment()
                .withProperty("ADDRESS", "0.0.0.0")
                .withProperty("ATTUNE_ADMIN_TOKEN_FILE", secret.toString());
        assertThat(addressAfter(env)).isEqualTo("0.0.0.0");
        assertThat(AdminToken.read(env)).isEqualTo("from-a-file");
        MockEnvironment missing = new MockEnvironment()
                .withProperty("ATTUNE_ADMIN_TOKEN_FILE", dir.resolve("nope").toString());
        assertThatThrownBy(() -> addressAfter(missing)).hasMessageContaining("ATTUNE_ADMIN_TOKEN_FILE");
    }
}
