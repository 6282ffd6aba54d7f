package dev.attune.study;

import dev.attune.trial.TrialStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The {@code Idempotency-Key} of every ask whose hand-out still runs, with what it handed out, so that a
 * retried ask (its answer was lost, e.g. after a commit whose outcome the server never heard) answers the
 * same trials instead of handing out more. Part of {@link Study}'s fold: it learns a key from the hand-out
 * events that carry it and forgets it when one of the key's trials stops running, so every replica that
 * replays the log knows the same keys.
 *
 * <p>Implementation note: memory is bounded by the running trials, not by the study's length: a key is
 * held while its trials run, then kept among the last {@value #ENDED} ended keys only, so that a late retry
 * of a finished hand-out is refused rather than handed a new trial. A retry comes within seconds; a key
 * older than that window is unknown again, and an ask with it is a new ask.
 */
final class AskKeys {
    /** How many keys of ended hand-outs are remembered (the most recent). */
    static final int ENDED = 256;

    private record HandOut(String workerId, List<Study.Ask.Run> runs) {}

    private final Map<String, HandOut> running = new HashMap<>();
    private final Map<Long, String> keyOfTrial = new HashMap<>();

    private final Map<String, List<Long>> ended = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Long>> eldest) {
            return size() > ENDED;
        }
    };

    /** A hand-out event of an ask with this key (null: none) was folded in. */
    void handedOut(String key, String workerId, Study.Ask.Run run) {
        if (key == null) {
            return;
        }
        ended.remove(key);
        running.computeIfAbsent(key, k -> new HandOut(workerId, new ArrayList<>()))
                .runs()
                .add(run);
        keyOfTrial.put(run.trialId(), key);
    }

    /** The trial no longer runs (finished, stopped, paused, stale, given back): its ask's key is done with. */
    void stoppedRunning(long trialId) {
        String key = keyOfTrial.remove(trialId);
        if (key == null) {
            return;
        }
        HandOut handOut = running.remove(key);
        List<Long> trials = new ArrayList<>();
        for (Study.Ask.Run run : handOut.runs()) {
            keyOfTrial.remove(run.trialId());
            trials.add(run.trialId());
        }
        ended.put(key, List.copyOf(trials));
    }

    /**
     * What the earlier ask with this key handed out, when its trials still run; empty for a key not seen
     * (or long forgotten). Throws when the key names another request (another worker's, or one that got
     * more than {@code maxTrials} trials) or a hand-out whose trials no longer run.
     */
    Optional<List<Study.Ask.Run>> replay(
            String key, String workerId, int maxTrials, LongFunction<TrialStatus> statusOf) {
        HandOut handOut = running.get(key);
        if (handOut != null) {
            if (!java.util.Objects.equals(handOut.workerId(), workerId)) {
                throw new ConflictException(
                        ConflictException.Kind.IDEMPOTENCY_KEY_MISMATCH,
                        TrialStatus.RUNNING.name(),
                        "Idempotency-Key " + key + " was sent by an ask of " + worker(handOut.workerId()) + ", not of "
                                + worker(workerId) + ": a key names one ask, send a new key");
            }
            if (handOut.runs().size() > maxTrials) {
                throw new ConflictException(
                        ConflictException.Kind.IDEMPOTENCY_KEY_MISMATCH,
                        TrialStatus.RUNNING.name(),
                        "Idempotency-Key " + key + " was sent by an ask that got "
                                + handOut.runs().size()
                                + " trials; this ask asks for at most " + maxTrials
                                + ": a key names one ask, send a new key");
            }
            return Optional.of(List.copyOf(handOut.runs()));
        }
        List<Long> trials = ended.get(key);
        if (trials != null) {
            long stopped = trials.stream()
                    .filter(t -> statusOf.apply(t) != TrialStatus.RUNNING)
                    .findFirst()
                    .orElse(trials.getFirst());
            TrialStatus now = statusOf.apply(stopped);
            throw new ConflictException(
                    ConflictException.Kind.IDEMPOTENCY_KEY_ENDED,
                    now.name(),
                    "the ask with Idempotency-Key " + key + " handed out trial"
                            + (trials.size() == 1 ? " " + trials.getFirst() + ", which" : "s " + trials + ", which")
                            + " no longer run" + (trials.size() == 1 ? "s" : "") + " (trial " + stopped
                            + " is " + now + "); ask with a new key");
        }
        return Optional.empty();
    }

    private static String worker(String workerId) {
        return workerId == null ? "no workerId" : "worker " + workerId;
    }

    /** How many keys are held for running hand-outs. */
    int held() {
        return running.size();
    }
}
