package dev.attune.service;

import dev.attune.checkpoint.CheckpointManifest;
import dev.attune.checkpoint.CheckpointStore;
import dev.attune.space.InvalidInputException;
import dev.attune.store.ReportRepository;
import dev.attune.study.Fields;
import dev.attune.study.NotFoundException;
import dev.attune.study.Views;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The worker's side of checkpoints that follow their trial: where to upload an archive (a pre-signed URL,
 * or the server itself), the manifest that names the current archive of a trial, the archive for a
 * download, and the flag on a trial whose checkpoint was gone when it was resumed.
 */
@Service
public class CheckpointService {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final CheckpointStore store;
    private final StudyService studies;
    private final TrialQueries trials;
    private final ReportRepository reports;
    private final StudyWriter writer;
    private final JsonCodec json;
    private final Clock clock;
    private final long maxBytes;

    public CheckpointService(
            CheckpointStore store,
            StudyService studies,
            TrialQueries trials,
            ReportRepository reports,
            StudyWriter writer,
            JsonCodec json,
            Clock clock,
            @Value("${attune.checkpoints.max-bytes:17179869184}") long maxBytes) {
        this.store = store;
        this.studies = studies;
        this.trials = trials;
        this.reports = reports;
        this.writer = writer;
        this.json = json;
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    /** Where the worker PUTs the archive: {@code url} when the store signs one, else null (the server's). */
    public Map<String, Object> uploadTarget(String studyId, long trialId, Map<String, Object> request) {
        Fields f = Fields.body(request, Set.of("sha256", "size"));
        String sha256 = sha256(f);
        long size = size(f);
        f.throwIfInvalid();
        requireTrial(studyId, trialId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("method", "PUT");
        answer.put(
                "url",
                store.uploadUrl(studyId, trialId, sha256, size)
                        .map(URI::toString)
                        .orElse(null));
        answer.put("store", store.kind());
        return answer;
    }

    /**
     * An archive streamed through the server: kept only when its SHA-256 is the one announced, so a
     * truncated or corrupted upload never replaces a good checkpoint.
     */
    public void receive(String studyId, long trialId, String sha256, InputStream body) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw InvalidInputException.of("X-Checkpoint-Sha256", "is required: the archive's SHA-256 in hex");
        }
        requireTrial(studyId, trialId);
        Path part = null;
        try {
            part = Files.createTempFile("attune-checkpoint-", ".zip");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = new DigestInputStream(body, digest);
                    OutputStream out = Files.newOutputStream(part)) {
                size = copyAtMost(in, out, maxBytes);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw InvalidInputException.of(
                        "X-Checkpoint-Sha256", "does not match the archive received (" + actual + ")");
            }
            try (InputStream in = Files.newInputStream(part)) {
                store.write(studyId, trialId, in, size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans it up
                }
            }
        }
    }

    private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
            if (total > max) {
                throw InvalidInputException.of("body", "a checkpoint archive may have at most " + max + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    /**
     * The worker says what the trial left when its run ended: an archive it uploaded ({@code present},
     * its {@code sha256} and {@code size}) or none. Stamped with the trial's report count.
     */
    public CheckpointManifest commit(String studyId, long trialId, Map<String, Object> request) {
        Fields f = Fields.body(request, Set.of("present", "sha256", "size"));
        Boolean present = f.bool("present");
        if (present == null && f.errors().isEmpty()) {
            f.error("present", "is required: whether the trial left a checkpoint");
        }
        String sha256 = Boolean.TRUE.equals(present) ? sha256(f) : null;
        long size = Boolean.TRUE.equals(present) ? size(f) : 0;
        f.throwIfInvalid();
        requireTrial(studyId, trialId);
        CheckpointManifest manifest =
                new CheckpointManifest(present, sha256, size, reportCount(studyId, trialId), clock.instant());
        try {
            store.writeManifest(studyId, trialId, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return manifest;
    }

    /**
     * The trial's current manifest, with where to download its archive ({@code url}: pre-signed, or null
     * for the server's) and the trial's report count now ({@code trialReports}): a manifest with fewer
     * reports predates the trial's last run and its upload is still to come.
     */
    public Map<String, Object> describe(String studyId, long trialId) {
        requireTrial(studyId, trialId);
        CheckpointManifest manifest = manifest(studyId, trialId)
                .orElseThrow(() -> new NotFoundException("trial " + trialId + " has no checkpoint in the store"));
        Map<String, Object> answer = new LinkedHashMap<>(manifest.toJson());
        answer.put(
                "url",
                manifest.present()
                        ? store.downloadUrl(studyId, trialId).map(URI::toString).orElse(null)
                        : null);
        answer.put("trialReports", reportCount(studyId, trialId));
        return answer;
    }

    /** The archive's bytes, for stores that do not sign URLs. */
    public InputStream archive(String studyId, long trialId) {
        requireTrial(studyId, trialId);
        try {
            return store.read(studyId, trialId)
                    .orElseThrow(() -> new NotFoundException("trial " + trialId + " has no checkpoint archive"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(String studyId, long trialId) {
        requireTrial(studyId, trialId);
        try {
            store.delete(studyId, trialId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its worker found no checkpoint to resume, clone or retry the trial from: flagged on the trial. */
    public Views.Trial markMissing(String studyId, long trialId) {
        return writer.write(studyId, ctx -> {
            var row = trials.trial(studyId, trialId);
            row.markResumedWithoutCheckpoint(ctx.now);
            return TrialViews.of(row, json, null);
        });
    }

    private Optional<CheckpointManifest> manifest(String studyId, long trialId) {
        try {
            return store.manifest(studyId, trialId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long reportCount(String studyId, long trialId) {
        return reports.findByStudyIdAndTrialIdOrderById(studyId, trialId).size();
    }

    private void requireTrial(String studyId, long trialId) {
        studies.find(studyId);
        trials.trial(studyId, trialId);
    }

    private static String sha256(Fields f) {
        String sha = f.string("sha256", null, 64);
        if (sha == null && f.errors().isEmpty()) {
            f.error("sha256", "is required: the archive's SHA-256 in lower-case hex");
        } else if (sha != null && !SHA256.matcher(sha).matches()) {
            f.error("sha256", "must be 64 lower-case hex digits");
        }
        return sha;
    }

    private long size(Fields f) {
        Long size = f.integer("size", 0);
        if (size == null && f.errors().isEmpty()) {
            f.error("size", "is required: the archive's size in bytes");
        } else if (size != null && size > maxBytes) {
            f.error("size", "must be at most " + maxBytes + " bytes");
        }
        return size == null ? 0 : size;
    }
}
