package dev.attune;

import dev.attune.cli.BenchCommand;
import dev.attune.worker.WorkerCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;
import picocli.CommandLine;

/**
 * One jar, several commands: with no command it runs the server; {@code bench …} runs the benchmarks
 * against a server and {@code worker …} runs a study's trials, neither starting a server.
 */
@SpringBootApplication
@EnableScheduling
public class AttuneApplication {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(new CommandLine(new BenchCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("worker")) {
            System.exit(new CommandLine(new WorkerCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(AttuneApplication.class, args);
    }
}
