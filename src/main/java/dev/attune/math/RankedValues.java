package dev.attune.math;

import java.util.SplittableRandom;

/**
 * A multiset of doubles with O(log n) insert, remove and k-th smallest, for quantiles over growing sets.
 *
 * <p>Implementation note: a treap (randomized balanced search tree) whose nodes carry subtree sizes.
 * Equal values are ordered by a tie-break number the caller gives (its insertion order), so that the
 * k-th entry is the same as in a sorted list where equal values keep their insertion order, as in
 * Python's {@code SortedList}. The priorities come from a fixed seed: the tree's shape never affects
 * results, only speed.
 */
public final class RankedValues {
    private static final class Node {
        final double value;
        final long tie;
        final long priority;
        Node left;
        Node right;
        int size = 1;

        Node(double value, long tie, long priority) {
            this.value = value;
            this.tie = tie;
            this.priority = priority;
        }
    }

    private final SplittableRandom priorities = new SplittableRandom(0x5DEECE66DL);
    private Node root;

    public int size() {
        return size(root);
    }

    private static int size(Node n) {
        return n == null ? 0 : n.size;
    }

    private static int compare(double v, long tie, Node n) {
        int c = Double.compare(v, n.value);
        return c != 0 ? c : Long.compare(tie, n.tie);
    }

    private static Node update(Node n) {
        n.size = 1 + size(n.left) + size(n.right);
        return n;
    }

    public void add(double value, long tie) {
        root = insert(root, new Node(value, tie, priorities.nextLong()));
    }

    private static Node insert(Node n, Node x) {
        if (n == null) {
            return x;
        }
        if (compare(x.value, x.tie, n) < 0) {
            n.left = insert(n.left, x);
            if (n.left.priority > n.priority) {
                n = rotateRight(n);
            }
        } else {
            n.right = insert(n.right, x);
            if (n.right.priority > n.priority) {
                n = rotateLeft(n);
            }
        }
        return update(n);
    }

    /** Removes the entry with this value and tie-break number, if present. */
    public void remove(double value, long tie) {
        root = delete(root, value, tie);
    }

    private static Node delete(Node n, double value, long tie) {
        if (n == null) {
            return null;
        }
        int c = compare(value, tie, n);
        if (c < 0) {
            n.left = delete(n.left, value, tie);
        } else if (c > 0) {
            n.right = delete(n.right, value, tie);
        } else {
            if (n.left == null) {
                return n.right;
            }
            if (n.right == null) {
                return n.left;
            }
            if (n.left.priority > n.right.priority) {
                n = rotateRight(n);
                n.right = delete(n.right, value, tie);
            } else {
                n = rotateLeft(n);
                n.left = delete(n.left, value, tie);
            }
        }
        return update(n);
    }

    private static Node rotateRight(Node n) {
        Node l = n.left;
        n.left = l.right;
        l.right = update(n);
        return update(l);
    }

    private static Node rotateLeft(Node n) {
        Node r = n.right;
        n.right = r.left;
        r.left = update(n);
        return update(r);
    }

    /** The k-th smallest value, counting from 0. */
    public double get(int k) {
        if (k < 0 || k >= size()) {
            throw new IndexOutOfBoundsException(k);
        }
        Node n = root;
        while (true) {
            int left = size(n.left);
            if (k < left) {
                n = n.left;
            } else if (k == left) {
                return n.value;
            } else {
                k -= left + 1;
                n = n.right;
            }
        }
    }

    /** How many values are smaller than {@code value} ({@code numpy.searchsorted(sorted, value, "left")}). */
    public int countBelow(double value) {
        int count = 0;
        Node n = root;
        while (n != null) {
            if (n.value < value) {
                count += size(n.left) + 1;
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return count;
    }
}
