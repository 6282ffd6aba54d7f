package dev.attune.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checkpoints in a directory of the server's (or a volume it shares): {@code <root>/<study>/trial-<id>.zip}
 * and {@code trial-<id>.json}; the bytes pass through the server. An archive is written to a temporary
 * file first and moved into place, so a reader never sees half of one.
 */
public final class DirectoryCheckpointStore implements CheckpointStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path root;

    public DirectoryCheckpointStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    private Path studyDir(String studyId) {
        return root.resolve(safe(studyId));
    }

    private Path archive(String studyId, long trialId) {
        return studyDir(studyId).resolve("trial-" + trialId + ".zip");
    }

    private Path manifestFile(String studyId, long trialId) {
        return studyDir(studyId).resolve("trial-" + trialId + ".json");
    }

    /** Study ids are server-made, but a path must never climb out of the root whatever it is given. */
    static String safe(String studyId) {
        if (!studyId.matches("[A-Za-z0-9._-]{1,128}") || studyId.startsWith(".")) {
            throw new IllegalArgumentException("not a study id: " + studyId);
        }
        return studyId;
    }

    @Override
    public Optional<URI> uploadUrl(String studyId, long trialId, String sha256, long size) {
        return Optional.empty();
    }

    @Override
    public Optional<URI> downloadUrl(String studyId, long trialId) {
        return Optional.empty();
    }

    @Override
    public void write(String studyId, long trialId, InputStream archive, long size) throws IOException {
        Path target = archive(studyId, trialId);
        Files.createDirectories(target.getParent());
        Path part = Files.createTempFile(target.getParent(), "trial-" + trialId, ".part");
        try {
            Files.copy(archive, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public Optional<InputStream> read(String studyId, long trialId) throws IOException {
        Path file = archive(studyId, trialId);
        return Files.exists(file) ? Optional.of(Files.newInputStream(file)) : Optional.empty();
    }

    @Override
    public void writeManifest(String studyId, long trialId, CheckpointManifest manifest) throws IOException {
        Path target = manifestFile(studyId, trialId);
        Files.createDirectories(target.getParent());
        Path part = Files.createTempFile(target.getParent(), "trial-" + trialId, ".json.part");
        Files.writeString(part, JSON.writeValueAsString(manifest.toJson()));
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<CheckpointManifest> manifest(String studyId, long trialId) throws IOException {
        Path file = manifestFile(studyId, trialId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(CheckpointManifest.fromJson(JSON.readValue(Files.readString(file), Map.class)));
    }

    @Override
    public void delete(String studyId, long trialId) throws IOException {
        Files.deleteIfExists(archive(studyId, trialId));
        Files.deleteIfExists(manifestFile(studyId, trialId));
    }

    @Override
    public void deleteStudy(String studyId) throws IOException {
        Path dir = studyDir(studyId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public String kind() {
        return "directory";
    }
}
