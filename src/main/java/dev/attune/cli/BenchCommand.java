package dev.attune.cli;

import picocli.CommandLine.Command;

@Command(
        name = "bench",
        description = "Benchmarks that print numbers: a table for people, then one line of JSON for scripts.",
        subcommands = {LoadBench.class, QualityBench.class, DashboardBench.class},
        mixinStandardHelpOptions = true)
public class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
