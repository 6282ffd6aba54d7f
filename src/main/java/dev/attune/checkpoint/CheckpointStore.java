package dev.attune.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/**
 * Where trials' checkpoint archives (zip) and their manifests live, keyed by study and trial. A store
 * that can hand out pre-signed URLs lets workers move the bytes without the server; one that cannot
 * answers empty and the server streams them itself through {@link #write} and {@link #read}.
 */
public interface CheckpointStore {
    /** A URL the worker PUTs the archive to directly, or empty when it goes through the server. */
    Optional<URI> uploadUrl(String studyId, long trialId, String sha256, long size);

    /** A URL the worker GETs the archive from directly, or empty when it comes through the server. */
    Optional<URI> downloadUrl(String studyId, long trialId);

    /** Stores an archive streamed through the server; the caller checked its checksum. */
    void write(String studyId, long trialId, InputStream archive, long size) throws IOException;

    /** The archive, or empty when there is none. */
    Optional<InputStream> read(String studyId, long trialId) throws IOException;

    void writeManifest(String studyId, long trialId, CheckpointManifest manifest) throws IOException;

    Optional<CheckpointManifest> manifest(String studyId, long trialId) throws IOException;

    /** Removes the trial's archive and manifest; nothing to remove is fine. */
    void delete(String studyId, long trialId) throws IOException;

    /** Removes everything the study left. */
    void deleteStudy(String studyId) throws IOException;

    /** The store's kind, for logs and the health of the set-up: {@code directory} or {@code s3}. */
    String kind();
}
