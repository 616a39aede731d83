package dev.bbm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * GitLab's pause, resume and retry buttons: one status action on one migration, which then shows
 * in its new status. bbm refuses (exit 1) an action its status does not allow, saying why.
 */
final class StatusActions {

    private StatusActions() {}

    abstract static class Action implements Callable<Integer> {

        @Mixin
        private ApiOptions options;

        @Parameters(paramLabel = "ID", description = "The migration's id")
        private long id;

        private final String action;

        Action(String action) {
            this.action = action;
        }

        @Override
        public Integer call() {
            ApiResponse response = options.api().changeStatus(id, action);
            options.printMigration(response.body());
            return Bbm.OK;
        }
    }

    @Command(name = "pause", description = "Pauses an active migration: its running batch completes, no other starts.")
    static final class Pause extends Action {
        Pause() {
            super("pause");
        }
    }

    @Command(name = "resume", description = "Resumes a paused migration.")
    static final class Resume extends Action {
        Resume() {
            super("resume");
        }
    }

    @Command(
            name = "retry",
            description = "Retries a failed migration: its failed batches get new attempts (GitLab's retry button).")
    static final class Retry extends Action {
        Retry() {
            super("retry");
        }
    }
}
