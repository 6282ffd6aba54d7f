package dev.attune.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.attune.service.StudyProjection;
import dev.attune.store.JdbcWrites;
import dev.attune.store.StudyRow;
import dev.attune.store.TrialRow;
import dev.attune.study.EventCodec;
import dev.attune.study.Study;
import dev.attune.study.StudyEvent;
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
    void theStudyAggregateIsPlainJava() {
        // The protocol's rules are unit-tested, replayed and driven by what-if without a server or database.
        noClasses()
                .that()
                .resideInAPackage("dev.attune.study..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.attune.service..", "dev.attune.store..", "dev.attune.api..")
                .check(CLASSES);
    }

    @Test
    void servicesNeverReachTheApi() {
        noClasses()
                .that()
                .resideInAPackage("dev.attune.service..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.attune.api..")
                .check(CLASSES);
    }

    @Test
    void onlyTheAggregateAndTheCodecMakeEvents() {
        // The log holds what the study's commands decided, and nothing else writes it.
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Study.class.getName())
                .and()
                .doNotHaveFullyQualifiedName(EventCodec.class.getName())
                .should()
                .callConstructorWhere(calls(StudyEvent.class, "<init>"))
                .check(CLASSES);
    }

    @Test
    void onlyTheProjectionWritesATrialsStatus() {
        // The JDBC write path applies the projection's changes to the trial rows it inserts in the same batch.
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(StudyProjection.class.getName())
                .and()
                .doNotHaveFullyQualifiedName(JdbcWrites.Batch.class.getName())
                .should()
                .callMethodWhere(calls(TrialRow.class, "setStatus|handOut|recordCompletion|recordReport|setRetryOf"))
                .orShould()
                .callMethodWhere(calls(JdbcWrites.Batch.class, "trial.*|insertTrial"))
                .orShould()
                .callMethodWhere(calls(StudyRow.class, "setStatus|advance"))
                .check(CLASSES);
    }

    /** Calls to a member of {@code owner} (or a subtype) whose name matches {@code names}. */
    static DescribedPredicate<JavaAccess<?>> calls(Class<?> owner, String names) {
        return DescribedPredicate.describe(
                owner.getSimpleName() + "." + names,
                call -> call.getTargetOwner().isAssignableTo(owner)
                        && call.getTarget().getName().matches(names));
    }

    @Test
    void storeKnowsOnlyPersistence() {
        noClasses()
                .that()
                .resideInAPackage("dev.attune.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.attune.study..",
                        "dev.attune.service..",
                        "dev.attune.api..",
                        "dev.attune.scheduler..",
                        "dev.attune.searcher..")
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
                        "dev.attune.service..",
                        "dev.attune.store..",
                        "dev.attune.api..",
                        "dev.attune.scheduler..",
                        "dev.attune.searcher..",
                        "org.springframework..",
                        "jakarta.persistence..")
                .check(CLASSES);
    }

    @Test
    void theDashboardSitsOnTop() {
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
        // Its analyses (parameter importance, the Pareto front) are plain-Java services over math.
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.attune.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
