package dev.attune.api;

import dev.attune.study.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Bounds what the path and query string carry before a controller runs: a study id that no study can
 * have (longer than the column, or with characters ids never contain) is a 404 without a database
 * lookup, and query values are at most {@value #MAX_QUERY} characters without NUL.
 */
@Configuration(proxyBeanMethods = false)
public class ParameterLimits implements WebMvcConfigurer, HandlerInterceptor {
    static final int MAX_STUDY_ID = 32;
    static final int MAX_QUERY = 1000;

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> vars
                && vars.get("studyId") instanceof String id
                && !plausibleStudyId(id)) {
            throw new NotFoundException("study " + InputLimits.shorten(id) + " does not exist");
        }
        String type = request.getContentType();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return true; // reading parameters would consume the body; the controller answers 415 for it
        }
        request.getParameterMap().forEach((name, values) -> {
            for (String v : values) {
                InputLimits.checkParameter(InputLimits.shorten(name), v, MAX_QUERY);
            }
        });
        return true;
    }

    /** Ids are generated from {@code [0-9a-z]}; anything else cannot name a study. */
    static boolean plausibleStudyId(String id) {
        if (id.isEmpty() || id.length() > MAX_STUDY_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
