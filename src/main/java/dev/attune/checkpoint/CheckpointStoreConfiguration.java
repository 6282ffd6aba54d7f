package dev.attune.checkpoint;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Picks the checkpoint store from {@code attune.checkpoints.*}: {@code store=directory} (default) keeps
 * archives under {@code dir}; {@code store=s3} uses {@code s3.bucket} at {@code s3.endpoint} (any
 * S3-compatible service; path-style addressing) in {@code s3.region}, with {@code s3.access-key} and
 * {@code s3.secret-key} or else the AWS default credentials chain.
 */
@Configuration(proxyBeanMethods = false)
public class CheckpointStoreConfiguration {
    @Bean
    CheckpointStore checkpointStore(
            @Value("${attune.checkpoints.store:directory}") String store,
            @Value("${attune.checkpoints.dir:attune-checkpoint-store}") String dir,
            @Value("${attune.checkpoints.s3.endpoint:}") String endpoint,
            @Value("${attune.checkpoints.s3.bucket:}") String bucket,
            @Value("${attune.checkpoints.s3.region:us-east-1}") String region,
            @Value("${attune.checkpoints.s3.access-key:}") String accessKey,
            @Value("${attune.checkpoints.s3.secret-key:}") String secretKey,
            @Value("${attune.checkpoints.s3.prefix:}") String prefix,
            @Value("${attune.checkpoints.s3.url-ttl-seconds:900}") long urlTtlSeconds) {
        return switch (store) {
            case "directory" -> new DirectoryCheckpointStore(Path.of(dir));
            case "s3" -> {
                if (bucket.isBlank()) {
                    throw new IllegalStateException("attune.checkpoints.store=s3 needs attune.checkpoints.s3.bucket");
                }
                AwsCredentialsProvider credentials = accessKey.isBlank()
                        ? DefaultCredentialsProvider.builder().build()
                        : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
                S3Configuration pathStyle =
                        S3Configuration.builder().pathStyleAccessEnabled(true).build();
                var client = S3Client.builder()
                        .httpClient(UrlConnectionHttpClient.create())
                        .region(Region.of(region))
                        .credentialsProvider(credentials)
                        .serviceConfiguration(pathStyle)
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
                var presigner = S3Presigner.builder()
                        .region(Region.of(region))
                        .credentialsProvider(credentials)
                        .serviceConfiguration(pathStyle);
                if (!endpoint.isBlank()) {
                    client.endpointOverride(URI.create(endpoint));
                    presigner.endpointOverride(URI.create(endpoint));
                }
                yield new S3CheckpointStore(
                        client.build(), presigner.build(), bucket, prefix, Duration.ofSeconds(urlTtlSeconds));
            }
            default ->
                throw new IllegalStateException(
                        "attune.checkpoints.store must be directory or s3, got \"" + store + "\"");
        };
    }
}
