package dev.attune.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The dashboard's page routes. Every view has its own address (a study, one of its tabs, a trial), so a
 * link can be shared and a reload lands on the same view: the server answers each with the one page,
 * whose router reads the path.
 */
@Controller
@io.swagger.v3.oas.annotations.Hidden
public class DashboardPages {
    @GetMapping({
        "/",
        "/studies",
        "/studies/{studyId}",
        "/studies/{studyId}/{view}",
        "/studies/{studyId}/trials/{trialId}"
    })
    public String page() {
        return "forward:/index.html";
    }
}
