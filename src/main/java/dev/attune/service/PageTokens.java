package dev.attune.service;

import dev.attune.space.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page tokens: the last key of the previous page, base64url-encoded. */
final class PageTokens {
    private PageTokens() {}

    static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String token, String field) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.of(field, "is not a page token this server issued");
        }
    }

    static long decodeLong(String token, String field) {
        try {
            return Long.parseLong(decode(token, field));
        } catch (NumberFormatException e) {
            throw InvalidInputException.of(field, "is not a page token this server issued");
        }
    }
}
