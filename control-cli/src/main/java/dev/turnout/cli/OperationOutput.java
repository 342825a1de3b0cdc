package dev.turnout.cli;

import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;

/**
 * How pause, resume and switch print an {@link OperationResult} and end: the result (a table, or JSON) on standard
 * output whatever the outcome, then for anything but DONE one line on standard error and the outcome's exit code.
 */
final class OperationOutput {

    private OperationOutput() {
    }

    static void print(Invocation invocation, OperationResult result) {
        if (invocation.json()) {
            invocation.printJson(result);
        } else {
            invocation.print(result.getOutcome() + ": " + result.getMessage());
            if (result.getDataPlanesCount() > 0) {
                Table table = new Table("DATA PLANE", "PHASE", "DRAINED", "HELD", "DRAIN MS", "HELD MS", "BUSY");
                for (DataPlanePause d : result.getDataPlanesList()) {
                    table.row(d.getId(), d.getPhase().name(), Long.toString(d.getDrainedCommands()),
                            Long.toString(d.getHeldCommands()), Long.toString(d.getDrainMillis()),
                            Long.toString(d.getHeldMillis()), String.join("; ", d.getBusyList()));
                }
                invocation.print(table.render());
            }
            if (result.hasSwitch()) {
                SwitchRecord r = result.getSwitch();
                invocation.print("switch " + r.getId() + ": route " + r.getRoute() + " " + r.getFrom() + " -> " + r.getTo()
                        + " (" + r.getMode() + "), version " + r.getVersion());
                invocation.print("  check " + r.getCheckMillis() + " ms, drain " + r.getDrainMillis() + " ms, replication "
                        + r.getReplicationMillis() + " ms, apply " + r.getApplyMillis() + " ms; traffic held "
                        + r.getHeldMillis() + " ms; total " + r.getTotalMillis() + " ms"
                        + (r.getFencedOffset() > 0 ? "; offsets: primary " + r.getFencedOffset() + ", target "
                        + r.getTargetOffset() : ""));
            }
            for (String warning : result.getWarningsList()) {
                invocation.print("warning: " + warning);
            }
        }
        ExitCode code = exitCode(result.getOutcome());
        if (code != ExitCode.OK) {
            throw new CliFailure(code, result.getOutcome() + ": " + result.getMessage());
        }
    }

    static ExitCode exitCode(Outcome outcome) {
        return switch (outcome) {
            case DONE -> ExitCode.OK;
            case TIMED_OUT -> ExitCode.TIMED_OUT;
            case PRECONDITION_FAILED -> ExitCode.PRECONDITION;
            default -> ExitCode.FAILED;
        };
    }
}
