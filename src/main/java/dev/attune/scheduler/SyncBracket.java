package dev.attune.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One bracket of synchronous Hyperband (Syne Tune's {@code SynchronousHyperbandBracket}): rungs of slots,
 * filled lowest rung first; when a rung is fully occupied, its best trials fill the next rung's slots.
 */
final class SyncBracket {
    /** A slot handed out: its rung, level and position, and the trial in it (null for a new trial). */
    record Slot(int bracketId, int rungIndex, long level, int slotIndex, Long trialId) {}

    private final int id;
    private final List<long[]> sizesAndLevels;
    private final boolean minimize;
    /** The current rung's slots: trial id (null until known) and value (null while pending). */
    private List<Long> trials;

    private List<Double> values;
    /** The trials promoted into the current rung, best first (empty on the first rung). */
    private List<Long> promoted = List.of();

    private int firstFree;
    private int current;

    SyncBracket(int id, List<long[]> sizesAndLevels, boolean minimize) {
        this.id = id;
        this.sizesAndLevels = sizesAndLevels;
        this.minimize = minimize;
        int size = (int) sizesAndLevels.getFirst()[0];
        this.trials = new ArrayList<>(java.util.Collections.nCopies(size, (Long) null));
        this.values = new ArrayList<>(java.util.Collections.nCopies(size, (Double) null));
    }

    boolean complete() {
        return current >= sizesAndLevels.size();
    }

    long level(int rung) {
        return sizesAndLevels.get(rung)[1];
    }

    /** The trials promoted into the current rung, best first; empty on the first rung. */
    List<Long> promotedTrials() {
        return promoted;
    }

    /** The number of slots in the current rung. */
    int currentSize() {
        return trials.size();
    }

    /** The next free slot, without taking it; null when the bracket is complete or only pending slots are left. */
    Slot peekFreeSlot() {
        if (complete() || firstFree >= trials.size()) {
            return null;
        }
        return new Slot(id, current, level(current), firstFree, trials.get(firstFree));
    }

    Slot takeFreeSlot() {
        Slot s = peekFreeSlot();
        if (s != null) {
            firstFree++;
        }
        return s;
    }

    /** Writes a result (NaN for a failed trial) into a slot handed out before; returns whether the rung completed. */
    boolean onResult(Slot slot, long trialId, double value) {
        if (slot.rungIndex() != current) {
            throw new IllegalStateException(
                    "result for rung " + slot.rungIndex() + " while rung " + current + " is filled");
        }
        trials.set(slot.slotIndex(), trialId);
        values.set(slot.slotIndex(), value);
        boolean rungComplete = firstFree >= trials.size() && values.stream().allMatch(v -> v != null);
        if (rungComplete) {
            current++;
            firstFree = 0;
            if (!complete()) {
                promote((int) sizesAndLevels.get(current)[0]);
            }
        }
        return rungComplete;
    }

    /** Syne Tune's {@code get_top_list}: the best valid values first (a stable sort), failed ones last if needed. */
    private void promote(int size) {
        List<Integer> valid = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            (Double.isNaN(values.get(i)) ? failed : valid).add(i);
        }
        Comparator<Integer> byValue = Comparator.comparingDouble(values::get);
        valid.sort(minimize ? byValue : byValue.reversed());
        List<Integer> top = new ArrayList<>(valid.size() >= size ? valid.subList(0, size) : valid);
        for (int i = 0; top.size() < size && i < failed.size(); i++) {
            top.add(failed.get(i));
        }
        List<Long> next = new ArrayList<>();
        for (int i : top) {
            next.add(trials.get(i));
        }
        trials = next;
        promoted = List.copyOf(next);
        values = new ArrayList<>(java.util.Collections.nCopies(size, (Double) null));
    }
}
