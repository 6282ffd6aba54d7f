package dev.attune;

import dev.attune.cli.BenchCommand;
import dev.attune.worker.WorkerCommand;
import java.util.Arrays;
import java.util.List;
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
    static final String USAGE = String.join(
            "\n",
            "Usage: java -jar attune.jar [COMMAND] [OPTIONS]",
            "",
            "Commands:",
            "  (none)   run the server (options as --name=value Spring properties, e.g. --server.port=8080)",
            "  worker   run a study's trials with a training command: worker --help for its options and examples",
            "  bench    run the benchmarks against a server: bench --help",
            "  --help   print this",
            "",
            "Example: java -jar attune.jar worker --server http://localhost:8080 --study S -- python3 train.py");

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(new CommandLine(new BenchCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && List.of("--help", "-h", "help").contains(args[0])) {
            System.out.println(USAGE);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("worker")) {
            System.exit(new CommandLine(new WorkerCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(AttuneApplication.class, args);
    }
}
