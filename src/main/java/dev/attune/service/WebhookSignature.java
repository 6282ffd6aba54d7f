package dev.attune.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a delivery carries in {@code Attune-Signature}: {@code sha256=} and the lower-case hex
 * HMAC-SHA256 of the request body's bytes, keyed with the webhook's secret (UTF-8). docs/webhooks.md shows
 * how a receiver checks it.
 */
public final class WebhookSignature {
    public static final String HEADER = "Attune-Signature";
    public static final String TIMESTAMP_HEADER = "Attune-Timestamp";
    public static final String DELIVERY_HEADER = "Attune-Delivery";
    public static final String EVENT_HEADER = "Attune-Event";
    static final String PREFIX = "sha256=";

    private WebhookSignature() {}

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
