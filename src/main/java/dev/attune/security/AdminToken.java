package dev.attune.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.core.env.PropertyResolver;

/**
 * The admin token from {@code ATTUNE_ADMIN_TOKEN}, or from the file {@code ATTUNE_ADMIN_TOKEN_FILE} names
 * (a mounted Docker or Kubernetes secret); empty when neither is set, which turns authentication off.
 */
final class AdminToken {
    private AdminToken() {}

    static String read(PropertyResolver env) {
        String token = env.getProperty("attune.admin-token", env.getProperty("ATTUNE_ADMIN_TOKEN", ""));
        if (!token.isBlank()) {
            return token.strip();
        }
        String file = env.getProperty("attune.admin-token-file", env.getProperty("ATTUNE_ADMIN_TOKEN_FILE", ""));
        if (file.isBlank()) {
            return "";
        }
        try {
            String fromFile = Files.readString(Path.of(file.strip())).strip();
            if (fromFile.isEmpty()) {
                throw new IllegalStateException("ATTUNE_ADMIN_TOKEN_FILE " + file + " is empty");
            }
            return fromFile;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read ATTUNE_ADMIN_TOKEN_FILE " + file + ": " + e.getMessage(), e);
        }
    }
}
