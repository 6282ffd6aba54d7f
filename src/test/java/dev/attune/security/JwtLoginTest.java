package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.attune.support.Api;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Single sign-on: JWTs signed by an issuer whose JWK set this test serves itself are accepted with the
 * project and role their claims name; expired ones, ones from another issuer or signed with another key
 * are refused with 401.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:jwt;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.jwt.issuer=https://sso.example.org",
            "attune.rate-limit.per-second=0"
        })
class JwtLoginTest {
    static final RSAKey KEY = generate("sso-1");
    static final RSAKey OTHER_KEY = generate("sso-1");
    static final HttpServer ISSUER = serve(new JWKSet(KEY.toPublicJWK()).toString());

    @LocalServerPort
    int port;

    static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpServer serve(String jwks) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jwks.json", exchange -> {
                byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add(
                "attune.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + ISSUER.getAddress().getPort() + "/jwks.json");
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.stop(0);
    }

    static String jwt(RSAKey key, String issuer, Instant expires, Map<String, Object> claims) {
        try {
            JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
                    .subject("alice@example.org")
                    .issuer(issuer)
                    .issueTime(Date.from(Instant.now().minusSeconds(120)))
                    .expirationTime(Date.from(expires));
            claims.forEach(c::claim);
            SignedJWT signed = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    c.build());
            signed.sign(new RSASSASigner(key));
            return signed.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String valid(Map<String, Object> claims) {
        return jwt(KEY, "https://sso.example.org", Instant.now().plusSeconds(600), claims);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJwtsClaimsGiveItsProjectAndRole() {
        Api admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "sso-a");
        SecuredServer.project(admin, "sso-b");
        Api writer = new Api(port, valid(Map.of("attune_project", "sso-a", "attune_role", "writer")));
        Api reader = new Api(port, valid(Map.of("attune_project", "sso-a", "attune_role", "reader")));
        Api otherWriter = new Api(port, valid(Map.of("attune_project", "sso-b", "attune_role", "writer")));

        String study = writer.createStudy(SecuredServer.study("by-sso"));
        assertThat(reader.get("/api/v1/studies/" + study).string("project")).isEqualTo("sso-a");
        assertThat(reader.post("/api/v1/studies", SecuredServer.study("nope")).status())
                .isEqualTo(403);
        assertThat(otherWriter.get("/api/v1/studies/" + study).status()).isEqualTo(404);
        assertThat(writer.get("/api/v1/projects").status()).isEqualTo(403);
        Api ssoAdmin = new Api(port, valid(Map.of("attune_role", "admin")));
        assertThat(ssoAdmin.get("/api/v1/projects").status()).isEqualTo(200);
        assertThat(writer.post("/api/v1/studies/" + study + "/ask", Map.of()).status())
                .isEqualTo(200);
        Map<String, Object> event = ((java.util.List<Map<String, Object>>)
                        writer.get("/api/v1/studies/" + study + "/events").get("items"))
                .getFirst();
        assertThat(event.get("actor")).isEqualTo("jwt:alice@example.org");
    }

    @Test
    void invalidJwtsAreRefusedAs401() {
        Api admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "sso-a");
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("attune_project", "sso-a", "attune_role", "reader"));
        String expired = jwt(KEY, "https://sso.example.org", Instant.now().minusSeconds(600), claims);
        String otherIssuer = jwt(KEY, "https://evil.example.com", Instant.now().plusSeconds(600), claims);
        String otherKey =
                jwt(OTHER_KEY, "https://sso.example.org", Instant.now().plusSeconds(600), claims);
        String noRole = valid(Map.of("attune_project", "sso-a"));
        String unknownProject = valid(Map.of("attune_project", "nowhere", "attune_role", "reader"));
        for (String token : java.util.List.of(expired, otherIssuer, otherKey, noRole, unknownProject)) {
            Api.Response r = new Api(port, token).get("/api/v1/studies");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
        }
        assertThat(new Api(port, valid(claims)).get("/api/v1/studies").status()).isEqualTo(200);
    }
}
