package dev.attune.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering of DESIGN.md, enforced. */
class LayeringTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.attune");
    static final String[] FRAMEWORKS = {
        "org.springframework..",
        "jakarta.persistence..",
        "jakarta.servlet..",
        "tools.jackson..",
        "com.fasterxml..",
        "org.hibernate..",
        "io.micrometer.."
    };

    @Test
    void algorithmsArePlainJava() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.attune.space..",
                        "dev.attune.trial..",
                        "dev.attune.searcher..",
                        "dev.attune.scheduler..",
                        "dev.attune.math..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .check(CLASSES);
    }

    @Test
    void mathKnowsNoDomainTypes() {
        noClasses()
                .that()
                .resideInAPackage("dev.attune.math..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.space..",
                        "dev.attune.trial..",
                        "dev.attune.searcher..",
                        "dev.attune.scheduler..",
                        "dev.attune.study..")
                .check(CLASSES);
    }

    @Test
    void algorithmPackagesDependOnlyDownwards() {
        noClasses()
                .that()
                .resideInAPackage("dev.attune.space..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.trial..",
                        "dev.attune.searcher..",
                        "dev.attune.scheduler..",
                        "dev.attune.study..",
                        "dev.attune.math..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.attune.trial..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.attune.searcher..", "dev.attune.scheduler..", "dev.attune.study..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.attune.searcher..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.attune.scheduler..", "dev.attune.study..")
                .check(CLASSES);
    }

    @Test
    void storeKnowsOnlyPersistence() {
        noClasses()
                .that()
                .resideInAPackage("dev.attune.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.study..", "dev.attune.api..", "dev.attune.scheduler..", "dev.attune.searcher..")
                .check(CLASSES);
    }

    @Test
    void apiNeverReachesStoreOrAlgorithms() {
        noClasses()
                .that()
                .resideInAPackage("dev.attune.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.store..", "dev.attune.scheduler..", "dev.attune.searcher..", "dev.attune.math..")
                .check(CLASSES);
    }

    @Test
    void theWorkerStandsAlone() {
        // It ships in the same jar but talks to the server only over HTTP.
        noClasses()
                .that()
                .resideInAPackage("dev.attune.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.study..",
                        "dev.attune.store..",
                        "dev.attune.api..",
                        "dev.attune.scheduler..",
                        "dev.attune.searcher..",
                        "org.springframework..",
                        "jakarta.persistence..")
                .check(CLASSES);
    }

    @Test
    void theDashboardSitsOnTopAndItsAnalysesArePlainJava() {
        // It may read the study service and the store's tables; nothing reads it.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.attune.web..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.attune.web..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.attune.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.api..", "dev.attune.scheduler..", "dev.attune.searcher..", "dev.attune.math..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.attune.web.analysis..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.attune.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
