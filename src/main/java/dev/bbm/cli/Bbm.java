package dev.bbm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code bbm} command line: GitLab's upgrade runbook, whose every step is a rake task or a
 * console line, as commands against a running bbm's HTTP API. It ships in the service's jar but
 * runs without Quarkus ({@code bin/bbm}); the jar's main stays the REST service.
 */
@Command(
        name = "bbm",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = Bbm.Version.class,
        description = "Batched background migrations, GitLab's upgrade runbook as commands: check, finalize, retry"
                + " and finish migrations on a running bbm.",
        subcommands = {
            StatusCommand.class,
            ListCommand.class,
            ShowCommand.class,
            JobsCommand.class,
            StatusActions.Pause.class,
            StatusActions.Resume.class,
            StatusActions.Retry.class,
            FinalizeCommand.class,
            EnsureFinishedCommand.class,
            MarkFinishedCommand.class,
            RemainingCommand.class,
            PendingCommand.class,
            StealCommands.Steal.class,
            StealCommands.RetryPending.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok; for status: every migration is finished",
            "1:something is unfinished (status, finalize, ensure-finished, a failed job) or bbm refused the action",
            "2:usage error: a malformed command, option, rake argument or database name",
            "3:not found: no such migration (in that database)",
            "4:the token was refused (401) or may only read (403)",
            "5:cannot reach bbm, or bbm failed (5xx)"
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  BBM_URL       bbm's address (default: http://localhost:8080)",
            "  BBM_TOKEN     an API token (default: the file $BBM_DATA_DIR/admin-token)",
            "  BBM_DATA_DIR  where bbm generated its admin token (default: data)"
        })
public final class Bbm implements Runnable {

    static final int OK = 0;
    static final int UNFINISHED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int AUTH = 4;
    static final int UNREACHABLE = 5;

    private static final String LOG_MANAGER = "java.util.logging.manager";

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        // The service's class path holds JBoss LogManager, which the JDK's HTTP client finds; unset,
        // it complains on stderr, where bbm promises one line per error.
        if (System.getProperty(LOG_MANAGER) == null) {
            System.setProperty(LOG_MANAGER, "org.jboss.logmanager.LogManager");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with bbm's error handling: one line on stderr and the documented exit code. */
    static CommandLine commandLine() {
        return new CommandLine(new Bbm())
                .setParameterExceptionHandler(Bbm::usageError)
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    if (e instanceof CliException failure) {
                        command.getErr().println("bbm: " + failure.getMessage());
                        return failure.exitCode();
                    }
                    command.getErr().println("bbm: unexpected error: " + e);
                    return UNREACHABLE;
                });
    }

    /** bbm with no command: say how to find one. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command, e.g. bbm status");
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr()
                .println("bbm: " + BbmHttp.oneLine(e.getMessage()) + " (see "
                        + command.getCommandSpec().qualifiedName() + " --help)");
        return USAGE;
    }

    /** The version in the jar's manifest; {@code development} when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Bbm.class.getPackage().getImplementationVersion();
            return new String[] {"bbm " + (version == null ? "development" : version)};
        }
    }
}
