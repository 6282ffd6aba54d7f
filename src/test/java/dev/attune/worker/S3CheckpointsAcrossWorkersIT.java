package dev.attune.worker;

import java.net.URI;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CheckpointsAcrossWorkersIT}'s tests through the S3 store: an S3-compatible server (S3Proxy over
 * jclouds' transient blob store) started in this JVM; the server signs URLs and the workers move the
 * archives to and from it themselves.
 */
class S3CheckpointsAcrossWorkersIT extends CheckpointsAcrossWorkersIT {
    static final int S3_PORT = 18410;
    S3Proxy s3;
    BlobStoreContext blobs;

    @Override
    @BeforeAll
    void start() throws Exception {
        blobs = ContextBuilder.newBuilder("transient")
                .credentials("attune", "attune-secret")
                .overrides(new Properties())
                .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "checkpoints");
        s3 = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + S3_PORT))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "attune", "attune-secret")
                .build();
        s3.start();
        for (int i = 0; i < 200 && !"STARTED".equals(s3.getState()); i++) {
            Thread.sleep(50);
        }
        startServer(List.of(
                "--attune.checkpoints.store=s3",
                "--attune.checkpoints.s3.endpoint=http://127.0.0.1:" + S3_PORT,
                "--attune.checkpoints.s3.bucket=checkpoints",
                "--attune.checkpoints.s3.access-key=attune",
                "--attune.checkpoints.s3.secret-key=attune-secret"));
    }

    @Override
    @AfterAll
    void stop() throws Exception {
        super.stop();
        s3.stop();
        blobs.close();
    }
}
