package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint directory survives the trip through an archive, checksummed, and nothing escapes it. */
class CheckpointSyncTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryZipsAndUnzipsToTheSameFilesWithAStableChecksum() throws Exception {
        Path ck = dir.resolve("checkpoint");
        Files.createDirectories(ck.resolve("model"));
        Files.writeString(ck.resolve("state.json"), "{\"trial\": 3, \"epoch\": 4}");
        Files.write(ck.resolve("model/weights.bin"), new byte[] {0, 1, 2, (byte) 255});
        Files.createDirectories(ck.resolve("empty"));
        Path archive = dir.resolve("a.zip");
        String sha = CheckpointSync.zip(ck, archive);
        assertThat(sha).matches("[0-9a-f]{64}").isEqualTo(CheckpointSync.sha256(archive));
        Path out = dir.resolve("restored");
        CheckpointSync.unzip(archive, out);
        assertThat(Files.readString(out.resolve("state.json"))).isEqualTo("{\"trial\": 3, \"epoch\": 4}");
        assertThat(Files.readAllBytes(out.resolve("model/weights.bin"))).containsExactly(0, 1, 2, 255);
        assertThat(out.resolve("empty")).isDirectory();
        assertThat(CheckpointSync.hasFiles(out)).isTrue();
        assertThat(CheckpointSync.hasFiles(out.resolve("empty"))).isFalse();
        assertThat(CheckpointSync.hasFiles(dir.resolve("absent"))).isFalse();
    }

    @Test
    void anEntryOutsideTheDirectoryIsRefused() throws Exception {
        Path archive = dir.resolve("evil.zip");
        try (OutputStream f = Files.newOutputStream(archive);
                ZipOutputStream zip = new ZipOutputStream(f)) {
            zip.putNextEntry(new ZipEntry("../escaped.txt"));
            zip.write(1);
            zip.closeEntry();
        }
        assertThatThrownBy(() -> CheckpointSync.unzip(archive, dir.resolve("target")))
                .hasMessageContaining("outside");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
    }
}
