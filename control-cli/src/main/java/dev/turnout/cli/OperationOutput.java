package dev.turnout.cli;

import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;

/**
 * How pause, resume and switch end. Standard output gets the {@link OperationResult} whatever its outcome: with
 * {@code -o json} the whole result; else its outcome line (when DONE), a table of the data planes, the switch
 * record, and each warning on a line of its own. Any outcome but DONE then ends the command with one line on
 * standard error and the outcome's exit code ({@link ExitCode#of}).
 */
final class OperationOutput {

    // The result in JSON, for the help of pause, resume and switch: lines of at most 79 characters.
    static final String RESULT_1 = "  {\"outcome\": S, \"message\": S, \"dataPlanes\": [PAUSE...], \"switch\": null,";
    static final String RESULT_1_SWITCH = "  {\"outcome\": S, \"message\": S, \"dataPlanes\": [PAUSE...], \"switch\": SWITCH,";
    static final String RESULT_2 = "   \"warnings\": [S...]}, where outcome is DONE, FAILED, CANCELLED, TIMED_OUT";
    static final String RESULT_3 = "  or PRECONDITION_FAILED, and PAUSE is";
    static final String PAUSE_1 = "    {\"id\": S, \"phase\": S, \"drainedCommands\": N, \"heldCommands\": N,";
    static final String PAUSE_2 = "     \"drainMillis\": N, \"busy\": [S...], \"heldMillis\": N}";
    // One switch in JSON, for the help of switch and history.
    static final String SWITCH_1 = "    {\"id\": S, \"route\": S, \"from\": S, \"to\": S, \"mode\": S, \"outcome\": S,";
    static final String SWITCH_2 = "     \"message\": S, \"version\": N, \"startedMillis\": N, \"checkMillis\": N,";
    static final String SWITCH_3 = "     \"drainMillis\": N, \"replicationMillis\": N, \"applyMillis\": N,";
    static final String SWITCH_4 = "     \"heldMillis\": N, \"totalMillis\": N, \"fencedOffset\": N, \"targetOffset\": N,";
    static final String SWITCH_5 = "     \"warnings\": [S...]}";

    private OperationOutput() {
    }

    static void print(Invocation invocation, OperationResult result) {
        if (invocation.json()) {
            invocation.printJson(result);
        } else {
            String text = text(result);
            if (!text.isEmpty()) {
                invocation.print(text);
            }
        }
        ExitCode code = ExitCode.of(result.getOutcome());
        if (code != ExitCode.OK) {
            throw new CliFailure(code, outcomeLine(result));
        }
    }

    /** The human form; the outcome line only for DONE (a failure's goes to standard error). */
    static String text(OperationResult result) {
        StringBuilder text = new StringBuilder();
        if (result.getOutcome() == Outcome.DONE) {
            text.append(outcomeLine(result)).append('\n');
        }
        if (result.getDataPlanesCount() > 0) {
            Table table = new Table("DATA PLANE", "PHASE", "DRAINED", "HELD", "DRAIN MS", "HELD MS", "BUSY");
            for (DataPlanePause d : result.getDataPlanesList()) {
                table.row(d.getId(), StatusCommand.phase(d.getPhase()), Long.toString(d.getDrainedCommands()),
                        Long.toString(d.getHeldCommands()), Long.toString(d.getDrainMillis()),
                        Long.toString(d.getHeldMillis()), String.join("; ", d.getBusyList()));
            }
            text.append(table.render());
        }
        if (result.hasSwitch()) {
            text.append(record(result.getSwitch()));
        }
        for (String warning : result.getWarningsList()) {
            String line = ControlPlaneFailures.oneLine(warning);
            if (line != null) {
                text.append("warning: ").append(line).append('\n');
            }
        }
        return text.toString();
    }

    /** "DONE: paused 2 data planes", "TIMED_OUT: ...": the outcome and the control plane's message. */
    static String outcomeLine(OperationResult result) {
        String message = ControlPlaneFailures.oneLine(result.getMessage());
        String outcome = switch (result.getOutcome()) {
            case OUTCOME_UNSPECIFIED, UNRECOGNIZED -> "no outcome this proxyctl knows ("
                    + result.getOutcomeValue() + "); check 'proxyctl status'";
            default -> result.getOutcome().name();
        };
        return message == null ? outcome : outcome + ": " + message;
    }

    /**
     * <pre>
     * switch 5f0c...: route default, 10.0.1.1:6379 -> 10.0.1.2:6379, mode wait-replication, version 9
     * timings: check 3 ms, drain 12 ms, replication 41 ms, apply 18 ms, held 74 ms, total 80 ms
     * offsets: old primary 1843 (fenced), target 1843
     * </pre>
     */
    static String record(SwitchRecord r) {
        StringBuilder text = new StringBuilder("switch ").append(r.getId()).append(": route ")
                .append(r.getRoute().isEmpty() ? "default" : r.getRoute()).append(", ")
                .append(r.getFrom().isEmpty() ? "?" : r.getFrom()).append(" -> ").append(r.getTo())
                .append(", mode ").append(r.getMode())
                .append(r.getVersion() == 0 ? ", no new version" : ", version " + r.getVersion()).append('\n');
        text.append("timings: check ").append(r.getCheckMillis()).append(" ms, drain ").append(r.getDrainMillis())
                .append(" ms, replication ").append(r.getReplicationMillis()).append(" ms, apply ")
                .append(r.getApplyMillis()).append(" ms, held ").append(r.getHeldMillis()).append(" ms, total ")
                .append(r.getTotalMillis()).append(" ms\n");
        if (r.getFencedOffset() != 0 || r.getTargetOffset() != 0) {
            text.append("offsets: ");
            if (r.getFencedOffset() != 0) {
                text.append("old primary ").append(r.getFencedOffset()).append(" (fenced), ");
            }
            text.append("target ").append(r.getTargetOffset()).append('\n');
        }
        return text.toString();
    }
}
