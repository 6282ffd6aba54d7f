package dev.attune.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Moves checkpoints between this worker's {@code --checkpoint-root} and the server's checkpoint store, so
 * a trial resumed, cloned (PBT) or retried on another machine continues from its checkpoint. An archive
 * is a zip of the checkpoint directory, written to a temporary file while its SHA-256 is computed, then
 * streamed to a pre-signed URL or to the server; a download is checked against the manifest's SHA-256
 * before it replaces anything. A marker beside each local checkpoint ({@code checkpoint.sha256}) names the
 * archive it equals, so a checkpoint that is already here is not downloaded again.
 *
 * <p>With uploads off ({@code --no-checkpoint-upload}, for a checkpoint root every worker shares) nothing
 * moves: the local directories are used as they are.
 */
final class CheckpointSync {
    static final String MARKER = "checkpoint.sha256";
    private final ServerClient server;
    private final String studyId;
    private final Log log;
    private final boolean enabled;
    private final Duration wait;
    private final boolean snapshots;

    /**
     * @param snapshots upload a running trial's checkpoint after each of its reports, for methods that
     *     clone running trials (PBT)
     */
    CheckpointSync(ServerClient server, String studyId, Log log, boolean enabled, Duration wait, boolean snapshots) {
        this.snapshots = snapshots;
        this.server = server;
        this.studyId = studyId;
        this.log = log;
        this.enabled = enabled;
        this.wait = wait;
    }

    boolean enabled() {
        return enabled;
    }

    /** Whether a running trial's checkpoint goes to the store after each report (PBT clones running trials). */
    boolean snapshots() {
        return enabled && snapshots;
    }

    private String path(long trialId, String suffix) {
        return "/api/v1/studies/" + studyId + "/trials/" + trialId + "/checkpoint" + suffix;
    }

    /**
     * After a run: uploads the trial's checkpoint directory when it has one, and records in the store
     * what the run left (an archive, or none).
     */
    void upload(long trialId, Path trialDir, Path checkpointDir) throws IOException, InterruptedException {
        if (!enabled) {
            return;
        }
        if (!hasFiles(checkpointDir)) {
            server.post(path(trialId, ""), Map.of("present", false));
            Files.deleteIfExists(trialDir.resolve(MARKER));
            return;
        }
        Path archive = Files.createTempFile("attune-checkpoint-" + trialId + "-", ".zip");
        try {
            String sha256 = zipWhileWritten(checkpointDir, archive);
            long size = Files.size(archive);
            ServerClient.Answer target = server.post(path(trialId, "/upload"), Map.of("sha256", sha256, "size", size));
            if (target.status() != 200) {
                log.warn("trial " + trialId + ": checkpoint upload refused (" + target.status() + " "
                        + target.body().get("detail") + ")");
                return;
            }
            String url = (String) target.body().get("url");
            HttpRequest.Builder put = HttpRequest.newBuilder()
                    .timeout(Duration.ofMinutes(30))
                    .PUT(HttpRequest.BodyPublishers.ofFile(archive));
            if (url == null) {
                put.uri(URI.create(server.base() + path(trialId, "/data")))
                        .header("Content-Type", "application/zip")
                        .header("X-Checkpoint-Sha256", sha256);
                if (server.token() != null) {
                    put.header("Authorization", "Bearer " + server.token());
                }
            } else {
                put.uri(URI.create(url));
            }
            HttpResponse<String> sent = server.http().send(put.build(), HttpResponse.BodyHandlers.ofString());
            if (sent.statusCode() / 100 != 2) {
                log.warn("trial " + trialId + ": checkpoint upload failed (" + sent.statusCode() + ") " + sent.body());
                return;
            }
            ServerClient.Answer commit =
                    server.post(path(trialId, ""), Map.of("present", true, "sha256", sha256, "size", size));
            if (commit.status() == 200) {
                Files.writeString(trialDir.resolve(MARKER), sha256);
                log.info("trial " + trialId + ": checkpoint uploaded (" + size + " bytes, sha256 "
                        + sha256.substring(0, 12) + "…)");
            }
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /**
     * Makes {@code target} hold trial {@code sourceId}'s latest checkpoint, from this machine when it is
     * current here, else from the store. Waits (up to the worker's checkpoint wait) while the source's
     * last run has not recorded what it left, unless no checkpoint is {@code owed} (a trial given back
     * before it reported). Answers whether {@code target} now holds a checkpoint.
     */
    boolean fetch(long sourceId, Path sourceTrialDir, Path target, boolean owed)
            throws IOException, InterruptedException {
        Path local = sourceTrialDir.resolve("checkpoint");
        if (!enabled) {
            return copyIfElsewhere(local, target);
        }
        Map<String, Object> manifest = currentManifest(sourceId, owed ? wait : Duration.ZERO);
        if (manifest == null && !owed) {
            return copyIfElsewhere(local, target);
        }
        if (manifest == null) {
            log.warn("trial " + sourceId + ": no checkpoint recorded in the store after " + wait.toSeconds()
                    + " s; using this machine's, if any");
            return copyIfElsewhere(local, target);
        }
        if (!Boolean.TRUE.equals(manifest.get("present"))) {
            return false;
        }
        String sha256 = (String) manifest.get("sha256");
        Path marker = sourceTrialDir.resolve(MARKER);
        if (hasFiles(local)
                && Files.exists(marker)
                && Files.readString(marker).trim().equals(sha256)) {
            return copyIfElsewhere(local, target);
        }
        download(sourceId, (String) manifest.get("url"), sha256, target);
        if (target.equals(local)) {
            Files.writeString(marker, sha256);
        }
        log.info("trial " + sourceId + ": checkpoint downloaded from the store into " + target);
        return true;
    }

    /** The manifest once it covers every report the trial has, or null when it does not within the wait. */
    private Map<String, Object> currentManifest(long trialId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            ServerClient.Answer a = server.get(path(trialId, ""));
            if (a.status() == 200) {
                long reports = ((Number) a.body().getOrDefault("reports", 0)).longValue();
                long trialReports = ((Number) a.body().getOrDefault("trialReports", 0)).longValue();
                if (reports >= trialReports) {
                    return a.body();
                }
            } else if (a.status() != 404) {
                log.warn("trial " + trialId + ": checkpoint manifest refused (" + a.status() + ")");
                return null;
            } else if (isStale(trialId)) {
                return null; // its worker died: no upload is coming
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            Thread.sleep(250);
        }
    }

    private boolean isStale(long trialId) throws InterruptedException {
        ServerClient.Answer t = server.get("/api/v1/studies/" + studyId + "/trials/" + trialId);
        return t.status() == 200 && "STALE".equals(t.body().get("status"));
    }

    private void download(long trialId, String url, String sha256, Path target)
            throws IOException, InterruptedException {
        HttpRequest.Builder get =
                HttpRequest.newBuilder().timeout(Duration.ofMinutes(30)).GET();
        if (url == null) {
            get.uri(URI.create(server.base() + path(trialId, "/data")));
            if (server.token() != null) {
                get.header("Authorization", "Bearer " + server.token());
            }
        } else {
            get.uri(URI.create(url));
        }
        Path archive = Files.createTempFile("attune-checkpoint-" + trialId + "-", ".zip");
        try {
            HttpResponse<Path> got = server.http().send(get.build(), HttpResponse.BodyHandlers.ofFile(archive));
            if (got.statusCode() != 200) {
                throw new IOException("checkpoint download of trial " + trialId + " answered " + got.statusCode());
            }
            String actual = sha256(archive);
            if (!actual.equals(sha256)) {
                throw new IOException("checkpoint of trial " + trialId + " has SHA-256 " + actual + ", not " + sha256);
            }
            TrialRun.deleteTree(target);
            unzip(archive, target);
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private static boolean copyIfElsewhere(Path from, Path to) throws IOException {
        if (!hasFiles(from)) {
            return false;
        }
        if (!from.equals(to)) {
            TrialRun.deleteTree(to);
            TrialRun.copyCheckpoint(from, to);
        }
        return true;
    }

    static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }

    /** {@link #zip}, again when the running script replaced a file while it was read (PBT snapshots). */
    private static String zipWhileWritten(Path dir, Path archive) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return zip(dir, archive);
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                if (attempt == 3) {
                    throw new IOException("the checkpoint kept changing while it was archived", e);
                }
            }
        }
    }

    /** Zips {@code dir} into {@code archive}; answers the archive's SHA-256 in hex. */
    static String zip(Path dir, Path archive) throws IOException {
        MessageDigest digest = sha256Digest();
        try (OutputStream file = Files.newOutputStream(archive);
                DigestOutputStream hashed = new DigestOutputStream(file, digest);
                ZipOutputStream zip = new ZipOutputStream(hashed);
                Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted().toList()) {
                if (p.equals(dir)) {
                    continue;
                }
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (Files.isDirectory(p)) {
                    zip.putNextEntry(new ZipEntry(name + "/"));
                    zip.closeEntry();
                } else {
                    byte[] bytes;
                    try {
                        bytes = Files.readAllBytes(p);
                    } catch (java.nio.file.NoSuchFileException replaced) {
                        continue; // a temporary file the running script renamed meanwhile
                    }
                    zip.putNextEntry(new ZipEntry(name));
                    zip.write(bytes);
                    zip.closeEntry();
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Unzips {@code archive} into {@code dir}, refusing entries that would land outside it. */
    static void unzip(Path archive, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path root = dir.toAbsolutePath().normalize();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("checkpoint archive entry outside its directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
