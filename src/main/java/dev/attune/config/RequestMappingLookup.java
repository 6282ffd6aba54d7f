package dev.attune.config;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Cheaper work per request on the hot path (issue 16 profile), with the same answers.
 *
 * <p>Finding the handler of a path with variables ({@code /api/v1/studies/{id}/trials/{t}/reports})
 * made Spring MVC test every one of ~150 mappings' conditions in turn: 11 % of the server's CPU under
 * the report load. {@link ShapeFilteringMapping} first drops the mappings whose path patterns cannot
 * match the path's segments (number and literal segments), then lets Spring decide among the rest as
 * before. Spring Security's observation of each filter of its chain is off (requests are still observed
 * as {@code http.server.requests}).
 */
@Configuration(proxyBeanMethods = false)
public class RequestMappingLookup {

    @Bean
    WebMvcRegistrations shapeFilteringMappings() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new ShapeFilteringMapping();
            }
        };
    }

    @Bean
    SecurityObservationSettings noSecurityFilterObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** The request mapping of Spring MVC, skipping mappings whose patterns cannot match the path's segments. */
    static final class ShapeFilteringMapping extends RequestMappingHandlerMapping {
        private final Map<RequestMappingInfo, Shapes> shapes = new ConcurrentHashMap<>();
        private volatile @Nullable ShapeIndex<RequestMappingInfo> index;
        /** The mappings that may match the path being looked up, while {@link #lookupHandlerMethod} runs. */
        private static final ThreadLocal<@Nullable Set<RequestMappingInfo>> CANDIDATES = new ThreadLocal<>();

        @Override
        protected @Nullable HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request)
                throws Exception {
            if (!ServletRequestPathUtils.hasParsedRequestPath(request)) {
                return super.lookupHandlerMethod(lookupPath, request);
            }
            String path = ServletRequestPathUtils.getParsedRequestPath(request)
                    .pathWithinApplication()
                    .value();
            CANDIDATES.set(index().candidates(path));
            try {
                return super.lookupHandlerMethod(lookupPath, request);
            } finally {
                CANDIDATES.remove();
            }
        }

        @Override
        protected @Nullable RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
            Set<RequestMappingInfo> candidates = CANDIDATES.get();
            if (candidates != null) {
                // the path's shape was looked up once for this request: one set look-up per mapping
                if (!candidates.contains(info)) {
                    return null;
                }
            } else {
                Shapes s = shapes.computeIfAbsent(info, Shapes::of);
                if (s.patterns != null && ServletRequestPathUtils.hasParsedRequestPath(request)) {
                    String path = ServletRequestPathUtils.getParsedRequestPath(request)
                            .pathWithinApplication()
                            .value();
                    if (!s.mayMatch(path)) {
                        return null;
                    }
                }
            }
            return super.getMatchingMapping(info, request);
        }

        private ShapeIndex<RequestMappingInfo> index() {
            ShapeIndex<RequestMappingInfo> i = index;
            if (i == null) {
                Map<RequestMappingInfo, Shapes> all = new LinkedHashMap<>();
                for (RequestMappingInfo info : getHandlerMethods().keySet()) {
                    all.put(info, shapes.computeIfAbsent(info, Shapes::of));
                }
                i = new ShapeIndex<>(all);
                index = i;
            }
            return i;
        }

        @Override
        protected void registerHandlerMethod(Object handler, Method method, RequestMappingInfo mapping) {
            super.registerHandlerMethod(handler, method, mapping);
            index = null;
        }

        @Override
        public void registerMapping(RequestMappingInfo mapping, Object handler, Method method) {
            super.registerMapping(mapping, handler, method);
            index = null;
        }

        @Override
        public void unregisterMapping(RequestMappingInfo mapping) {
            super.unregisterMapping(mapping);
            index = null;
        }
    }

    /**
     * The keys whose {@link Shapes} may match a path, remembered per shape of path: the path with each segment
     * that is no literal of any pattern replaced by a mark. Such a segment can only meet a variable of a
     * pattern, so every path of one shape keeps the same keys. Remembers at most {@value #MAX_SHAPES} shapes
     * (paths are the client's; beyond, each look-up tests every key).
     */
    static final class ShapeIndex<K> {
        static final int MAX_SHAPES = 4096;
        private final Map<K, Shapes> shapes;
        private final Set<String> literals = new HashSet<>();
        private final Map<String, Set<K>> byShape = new ConcurrentHashMap<>();

        ShapeIndex(Map<K, Shapes> shapes) {
            this.shapes = shapes;
            for (Shapes s : shapes.values()) {
                if (s.patterns != null) {
                    for (String[] pattern : s.patterns) {
                        for (String segment : pattern) {
                            if (segment != null) {
                                literals.add(segment);
                            }
                        }
                    }
                }
            }
        }

        /** The keys that may match {@code path} (not decoded); null when a path is left to Spring whole. */
        @Nullable
        Set<K> candidates(String path) {
            if (!path.startsWith("/") || path.indexOf('%') >= 0 || path.indexOf(';') >= 0) {
                return null;
            }
            StringBuilder shape = new StringBuilder(path.length());
            for (String segment : path.substring(1).split("/", -1)) {
                shape.append('/').append(literals.contains(segment) ? segment : "\0");
            }
            String key = shape.toString();
            Set<K> found = byShape.get(key);
            if (found == null) {
                Set<K> keys = Collections.newSetFromMap(new IdentityHashMap<>());
                shapes.forEach((k, s) -> {
                    if (s.mayMatch(path)) {
                        keys.add(k);
                    }
                });
                found = keys;
                if (byShape.size() < MAX_SHAPES) {
                    byShape.putIfAbsent(key, keys);
                }
            }
            return found;
        }
    }

    /**
     * The segments of a mapping's path patterns: a literal, or null for one with a variable or wildcard.
     * {@code patterns} is null when some pattern can span several segments ({@code **}, <code>{*rest}</code>)
     * or the mapping has no path patterns: then nothing is skipped.
     */
    record Shapes(@Nullable List<String[]> patterns) {
        static Shapes of(RequestMappingInfo info) {
            PathPatternsRequestCondition condition = info.getPathPatternsCondition();
            if (condition == null) {
                return new Shapes(null);
            }
            return of(condition.getPatterns().stream()
                    .map(PathPattern::getPatternString)
                    .toList());
        }

        static Shapes of(List<String> texts) {
            List<String[]> patterns = new ArrayList<>();
            for (String text : texts) {
                if (text.contains("**") || text.contains("{*") || !text.startsWith("/")) {
                    return new Shapes(null);
                }
                String[] segments = text.substring(1).split("/", -1);
                for (int i = 0; i < segments.length; i++) {
                    String s = segments[i];
                    if (s.indexOf('{') >= 0 || s.indexOf('*') >= 0 || s.indexOf('?') >= 0) {
                        segments[i] = null;
                    }
                }
                patterns.add(segments);
            }
            return new Shapes(patterns);
        }

        /**
         * Whether some pattern may match {@code path} (not yet decoded): false only when each pattern has
         * another number of segments or another literal at some place. A path with an escape ({@code %})
         * or a matrix variable ({@code ;}) is left to Spring.
         */
        boolean mayMatch(String path) {
            if (patterns == null || !path.startsWith("/") || path.indexOf('%') >= 0 || path.indexOf(';') >= 0) {
                return true;
            }
            for (String[] pattern : patterns) {
                if (matchesShape(pattern, path)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean matchesShape(String[] pattern, String path) {
            int start = 1;
            for (int i = 0; i < pattern.length; i++) {
                if (start > path.length()) {
                    return false;
                }
                int end = path.indexOf('/', start);
                if (end < 0) {
                    end = path.length();
                }
                String literal = pattern[i];
                if (literal != null && (literal.length() != end - start || !path.startsWith(literal, start))) {
                    return false;
                }
                if (i < pattern.length - 1 && end == path.length()) {
                    return false;
                }
                start = end + 1;
            }
            // every segment of the path consumed
            return start == path.length() + 1;
        }
    }
}
