package dev.attune.config;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.stereotype.Component;

/** Documents the RFC 9457 problem responses every operation can give. */
@Component
public class ProblemResponses implements GlobalOpenApiCustomizer {
    private static final Map<String, String> RESPONSES = new TreeMap<>(Map.of(
            "400", "Malformed or invalid input; errors names each field",
            "401", "Authentication is on and the bearer token is missing, unknown, expired or revoked",
            "403", "The token's role does not allow this operation",
            "404", "Unknown study or trial (or a study of another project)",
            "409", "Illegal in the current status; currentStatus names it",
            "413", "Body larger than the limit",
            "415", "Body is not JSON",
            "429",
                    "Too many requests: the token's rate limit, or the server's write queue (its latency target, its cap, or this study's bound); retry after Retry-After seconds",
            "500", "A fault of the server; correlationId is in its log line",
            "503", "The database cannot be reached; the request was not applied, retry after Retry-After seconds"));

    @Override
    public void customise(io.swagger.v3.oas.models.OpenAPI openApi) {
        Schema<?> error =
                new ObjectSchema().addProperty("field", new StringSchema()).addProperty("message", new StringSchema());
        Schema<?> problem = new ObjectSchema()
                .description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().format("uri"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("currentStatus", new StringSchema().description("on 409: the trial's or study's status"))
                .addProperty("errors", new ArraySchema().items(error).description("on 400: each invalid field"))
                .addProperty(
                        "correlationId",
                        new StringSchema().description("on 500 and 503: the id of the server's log line"));
        openApi.getComponents().addSchemas("Problem", problem);
        Content content = new Content()
                .addMediaType(
                        "application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")));
        openApi.getPaths().values().forEach(path -> path.readOperations()
                .forEach(op -> RESPONSES.forEach((code, text) -> {
                    if (!op.getResponses().containsKey(code)) {
                        op.getResponses()
                                .addApiResponse(
                                        code,
                                        new ApiResponse().description(text).content(content));
                    }
                })));
    }
}
