package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GPUs are handed out as Syne Tune's local backend rotates them, never shared by running trials. */
class GpuPoolTest {
    @Test
    void runningTrialsNeverShareAGpuAndFreedOnesRotate() {
        GpuPool pool = new GpuPool(List.of("0", "1", "2", "3"), 1);
        assertThat(pool.slots()).isEqualTo(4);
        List<List<String>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(pool.acquire());
        }
        assertThat(held).containsExactly(List.of("0"), List.of("1"), List.of("2"), List.of("3"));
        pool.release(held.get(1));
        assertThat(pool.acquire()).containsExactly("1");
        pool.release(List.of("1"));
        pool.release(held.get(3));
        // Both free; "1" was assigned twice and "3" once: the less used one goes first.
        assertThat(pool.acquire()).containsExactly("3");
    }

    @Test
    void twoGpusPerTrialGiveDisjointPairs() {
        GpuPool pool = new GpuPool(List.of("4", "5", "6", "7"), 2);
        assertThat(pool.slots()).isEqualTo(2);
        List<String> a = pool.acquire();
        List<String> b = pool.acquire();
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        assertThat(a).hasSize(2);
        assertThat(all).containsExactlyInAnyOrder("4", "5", "6", "7");
    }

    @Test
    void noGpusMeansNoAssignmentAndTooFewIsRefused() {
        assertThat(new GpuPool(List.of(), 1).acquire()).isEmpty();
        assertThatThrownBy(() -> new GpuPool(List.of("0"), 2)).hasMessageContaining("needs 2 GPUs");
    }

    @Test
    void parsesAListAndNvidiaSmiOutput() throws Exception {
        assertThat(GpuPool.parse("0, 2,3")).containsExactly("0", "2", "3");
        assertThat(GpuPool.listed("GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-1)\nGPU 1: NVIDIA A100 (UUID: GPU-2)\n"))
                .containsExactly("0", "1");
    }
}
