package dev.attune.checkpoint;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the store holds for one trial: whether its worker left a checkpoint when the trial's last run
 * ended, the archive's SHA-256 and size, and how many reports the trial had then (a resuming worker waits
 * until the manifest is at least as recent as the trial's reports).
 */
public record CheckpointManifest(boolean present, String sha256, long size, long reports, Instant uploadedAt) {

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("present", present);
        json.put("sha256", sha256);
        json.put("size", size);
        json.put("reports", reports);
        json.put("uploadedAt", uploadedAt.toString());
        return json;
    }

    public static CheckpointManifest fromJson(Map<String, Object> json) {
        return new CheckpointManifest(
                Boolean.TRUE.equals(json.get("present")),
                (String) json.get("sha256"),
                ((Number) json.getOrDefault("size", 0)).longValue(),
                ((Number) json.getOrDefault("reports", 0)).longValue(),
                Instant.parse((String) json.get("uploadedAt")));
    }
}
