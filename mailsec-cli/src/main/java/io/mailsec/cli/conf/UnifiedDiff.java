package io.mailsec.cli.conf;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts by lines (longest common subsequence; configuration files are small). */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    public static String of(String name, String before, String after) {
        List<String> a = before.isEmpty() ? List.of() : List.of(before.split("\n", -1));
        List<String> b = List.of(after.split("\n", -1));
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        // ops: ' ' kept, '-' removed, '+' added, each with the line and its position in a and b
        List<Character> kinds = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        List<int[]> at = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                kinds.add(' ');
                lines.add(a.get(i));
                at.add(new int[] {i++, j++});
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                // removals before additions, as diff(1) prints a changed line
                kinds.add('-');
                lines.add(a.get(i));
                at.add(new int[] {i++, j});
            } else {
                kinds.add('+');
                lines.add(b.get(j));
                at.add(new int[] {i, j++});
            }
        }
        StringBuilder out = new StringBuilder("--- " + name + "\n+++ " + name + "\n");
        int k = 0;
        while (k < kinds.size()) {
            if (kinds.get(k) == ' ') {
                k++;
                continue;
            }
            int from = Math.max(0, k - CONTEXT);
            int to = k;
            int lastChange = k;
            while (to < kinds.size() && to - lastChange <= 2 * CONTEXT + 1) {
                if (kinds.get(to) != ' ') {
                    lastChange = to;
                }
                to++;
            }
            to = Math.min(kinds.size(), lastChange + CONTEXT + 1);
            int oldCount = 0;
            int newCount = 0;
            for (int x = from; x < to; x++) {
                oldCount += kinds.get(x) == '+' ? 0 : 1;
                newCount += kinds.get(x) == '-' ? 0 : 1;
            }
            out.append("@@ -").append(at.get(from)[0] + 1).append(',').append(oldCount)
                    .append(" +").append(at.get(from)[1] + 1).append(',').append(newCount).append(" @@\n");
            for (int x = from; x < to; x++) {
                out.append(kinds.get(x)).append(lines.get(x)).append('\n');
            }
            k = to;
        }
        return out.toString();
    }
}
