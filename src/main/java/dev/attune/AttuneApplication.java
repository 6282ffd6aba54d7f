package dev.attune;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class AttuneApplication {
    public static void main(String[] args) {
        SpringApplication.run(AttuneApplication.class, args);
    }
}
