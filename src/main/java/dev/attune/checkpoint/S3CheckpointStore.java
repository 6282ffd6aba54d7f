package dev.attune.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checkpoints in S3-compatible object storage: {@code <prefix><study>/trial-<id>.zip} and {@code .json}.
 * Workers move the archives themselves with pre-signed URLs, so the bytes never pass through the server;
 * the server writes only the small manifests and deletes.
 */
public final class S3CheckpointStore implements CheckpointStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final Duration urlTtl;

    public S3CheckpointStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, Duration urlTtl) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix;
        this.urlTtl = urlTtl;
    }

    private String studyPrefix(String studyId) {
        return prefix + DirectoryCheckpointStore.safe(studyId) + "/";
    }

    private String archiveKey(String studyId, long trialId) {
        return studyPrefix(studyId) + "trial-" + trialId + ".zip";
    }

    private String manifestKey(String studyId, long trialId) {
        return studyPrefix(studyId) + "trial-" + trialId + ".json";
    }

    @Override
    public Optional<URI> uploadUrl(String studyId, long trialId, String sha256, long size) {
        return Optional.of(URI.create(presigner
                .presignPutObject(r -> r.signatureDuration(urlTtl)
                        .putObjectRequest(p -> p.bucket(bucket).key(archiveKey(studyId, trialId))))
                .url()
                .toString()));
    }

    @Override
    public Optional<URI> downloadUrl(String studyId, long trialId) {
        return Optional.of(URI.create(presigner
                .presignGetObject(r -> r.signatureDuration(urlTtl)
                        .getObjectRequest(g -> g.bucket(bucket).key(archiveKey(studyId, trialId))))
                .url()
                .toString()));
    }

    @Override
    public void write(String studyId, long trialId, InputStream archive, long size) {
        s3.putObject(
                p -> p.bucket(bucket).key(archiveKey(studyId, trialId)), RequestBody.fromInputStream(archive, size));
    }

    @Override
    public Optional<InputStream> read(String studyId, long trialId) {
        try {
            ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(g -> g.bucket(bucket).key(archiveKey(studyId, trialId)));
            return Optional.of(in);
        } catch (NoSuchKeyException none) {
            return Optional.empty();
        }
    }

    @Override
    public void writeManifest(String studyId, long trialId, CheckpointManifest manifest) {
        byte[] json = JSON.writeValueAsString(manifest.toJson()).getBytes(StandardCharsets.UTF_8);
        s3.putObject(
                p -> p.bucket(bucket).key(manifestKey(studyId, trialId)).contentType("application/json"),
                RequestBody.fromBytes(json));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<CheckpointManifest> manifest(String studyId, long trialId) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in =
                s3.getObject(g -> g.bucket(bucket).key(manifestKey(studyId, trialId)))) {
            return Optional.of(CheckpointManifest.fromJson(JSON.readValue(in.readAllBytes(), Map.class)));
        } catch (NoSuchKeyException none) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String studyId, long trialId) {
        deleteKeys(List.of(archiveKey(studyId, trialId), manifestKey(studyId, trialId)));
    }

    @Override
    public void deleteStudy(String studyId) {
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(studyPrefix(studyId))
                    .continuationToken(continuation)
                    .build());
            List<String> keys = page.contents().stream().map(S3Object::key).toList();
            if (!keys.isEmpty()) {
                deleteKeys(keys);
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    private void deleteKeys(List<String> keys) {
        s3.deleteObjects(DeleteObjectsRequest.builder()
                .bucket(bucket)
                .delete(Delete.builder()
                        .objects(keys.stream()
                                .map(k -> ObjectIdentifier.builder().key(k).build())
                                .toList())
                        .quiet(true)
                        .build())
                .build());
    }

    @Override
    public String kind() {
        return "s3";
    }
}
