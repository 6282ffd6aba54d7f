package dev.attune.config;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.study.StudyDefinitionParser;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java algorithm registry into the service. */
@Configuration(proxyBeanMethods = false)
public class AttuneConfiguration {

    @Bean
    MethodRegistry methodRegistry() {
        return MethodRegistry.standard();
    }

    @Bean
    StudyDefinitionParser studyDefinitionParser(MethodRegistry methods) {
        return new StudyDefinitionParser(methods);
    }

    @Bean
    Clock clock() {
        // Microseconds: what both databases store, so a time reads back as it was written.
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    }

    @Bean
    OpenAPI attuneOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Attune")
                        .version("v1")
                        .description("Hyperparameter tuning as an ask/tell service with Syne Tune's methods.")
                        .license(new License().name("Apache-2.0")))
                // A relative server, so the published spec does not depend on where it was served from.
                .servers(List.of(new Server().url("/").description("this server")))
                // Swagger UI's "Authorize" button takes a token and sends it with every request.
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description(
                                                "An API token; needed when the server has ATTUNE_ADMIN_TOKEN set")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
