package io.mailsec.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The two statistics the end-to-end benchmarks report over their rounds. */
public final class Stats {
    private Stats() {
    }

    public static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? 0 : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Standard error of the mean (sample standard deviation / sqrt(n)); 0 for fewer than two values. */
    public static double standardError(List<Double> xs) {
        int n = xs.size();
        if (n < 2) {
            return 0;
        }
        double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ss = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }
}
